package vulns

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// TestPyPACheckout reads real PYSEC records in YAML, laid out as a checkout
// of the PyPA advisory database (testdata/osv-pypa/SOURCES.md): every
// record read, the non-record YAML beside them passed over, git ranges
// ignored, ECOSYSTEM ranges matched.
func TestPyPACheckout(t *testing.T) {
	db, err := LoadDB("testdata/osv-pypa")
	if err != nil {
		t.Fatal(err)
	}
	if db.Records != 16 || db.Skipped != 0 {
		t.Fatalf("records %d skipped %d: %q", db.Records, db.Skipped, db.Notices)
	}
	for _, tc := range []struct {
		name, version string
		ids           []string
		fixed         []string // of the first
	}{
		// PYSEC-2023-221 carries a CVSS 3.1 vector (7.5): rated, so first
		{"Werkzeug", "2.2.2", []string{"PYSEC-2023-221", "PYSEC-2023-57", "PYSEC-2023-58"}, []string{"2.3.8", "3.0.1"}},
		{"werkzeug", "2.2.3", []string{"PYSEC-2023-221"}, []string{"2.3.8", "3.0.1"}},
		{"werkzeug", "3.0.0", []string{"PYSEC-2023-221"}, []string{"2.3.8", "3.0.1"}},
		{"werkzeug", "3.0.1", nil, nil},
		{"Flask", "2.2.2", []string{"PYSEC-2023-62"}, []string{"2.2.5", "2.3.2"}},
		{"flask", "0.12.2", []string{"PYSEC-2018-66", "PYSEC-2019-179", "PYSEC-2023-62"}, []string{"0.12.3"}},
		{"flask", "1.0", []string{"PYSEC-2023-62"}, []string{"2.2.5", "2.3.2"}},
		{"Jinja2", "2.10", []string{"PYSEC-2019-217", "PYSEC-2021-66"}, []string{"2.10.1"}},
		{"jinja2", "2.11.3", nil, nil},
		{"gunicorn", "19.4.5", []string{"PYSEC-2018-55"}, []string{"19.5.0"}},
		{"gunicorn", "19.5.0", nil, nil},
	} {
		t.Run(tc.name+"=="+tc.version, func(t *testing.T) {
			got := db.Affected(tc.name, tc.version)
			if !slices.Equal(ids(got), tc.ids) {
				t.Fatalf("advisories %v, want %v", ids(got), tc.ids)
			}
			if len(got) > 0 && !slices.Equal(got[0].Fixed, tc.fixed) {
				t.Errorf("fixed %v, want %v", got[0].Fixed, tc.fixed)
			}
		})
	}
}

// TestPyPAWithGitHubRecords: the export holds a bug's PYSEC and GHSA records
// side by side; they are one advisory, named and rated by the GitHub one,
// with the PyPA record's id and fixes added.
func TestPyPAWithGitHubRecords(t *testing.T) {
	dir := t.TempDir()
	for _, p := range []string{"../../fixtures/osv/GHSA-m2qf-hxjv-5gpq.json", "osv-pypa/vulns/flask/PYSEC-2023-62.yaml"} {
		data, err := os.ReadFile(filepath.Join("testdata", p))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, filepath.Base(p)), data, 0o644)
	}
	db, err := LoadDB(dir)
	if err != nil {
		t.Fatal(err)
	}
	got := db.Affected("flask", "2.2.2")
	want := []Advisory{{
		ID: "GHSA-m2qf-hxjv-5gpq", Aliases: []string{"CVE-2023-30861", "PYSEC-2023-62"},
		Summary: got[0].Summary, Fixed: []string{"2.2.5", "2.3.2"}, Severity: High, Score: 7.5,
	}}
	if !reflect.DeepEqual(got, want) || got[0].Summary == "" {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
}

func TestParseRecordYAML(t *testing.T) {
	for _, tc := range []struct {
		name, doc string
		fixed     string   // the first range's fixed event
		versions  []string // the first affected's versions
		err       string
	}{
		{"unquoted versions stay text", "id: X-1\naffected:\n- package: {name: a, ecosystem: PyPI}\n  ranges:\n  - type: ECOSYSTEM\n    events:\n    - introduced: 0\n    - fixed: 1.10\n  versions: [0.10, 1.0, 1.9]\n",
			"1.10", []string{"0.10", "1.0", "1.9"}, ""},
		{"null fields", "id: X-2\nwithdrawn: null\nsummary: ~\naffected: []\n", "", nil, ""},
		{"aliases refused", "id: X-3\nsummary: &s long\ndetails: *s\n", "", nil, "line 3: YAML aliases are not read"},
		{"not a mapping key", "id: X-4\n? [a, b]\n: c\n", "", nil, "mapping key that is not text"},
		{"deep nesting", "id: X-5\nd: " + strings.Repeat("[", 40) + strings.Repeat("]", 40) + "\n", "", nil, "nested deeper"},
		{"deep mappings", "id: X-8\nd: " + strings.Repeat("{a: ", 40) + "1" + strings.Repeat("}", 40) + "\n", "", nil, "nested deeper"},
		{"two documents", "id: X-6\n---\nid: X-7\n", "", nil, ""},
		{"not yaml", "id: [\n", "", nil, "yaml"},
		{"no id", "summary: s\naffected:\n- package: {name: a, ecosystem: PyPI}\n", "", nil, "without an id"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := ParseRecordYAML([]byte(tc.doc))
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tc.fixed != "" && r.Affected[0].Ranges[0].Events[1].Fixed != tc.fixed {
				t.Errorf("fixed %q", r.Affected[0].Ranges[0].Events[1].Fixed)
			}
			if tc.versions != nil && !slices.Equal(r.Affected[0].Versions, tc.versions) {
				t.Errorf("versions %q", r.Affected[0].Versions)
			}
		})
	}
	// a document that is not a record at all is passed over, not counted
	if _, err := ParseRecordYAML([]byte("ids:\n- CVE-1\n")); err != errNotRecord {
		t.Errorf("triage list: %v", err)
	}
}

func TestMergeAliases(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   []Advisory
		want []Advisory
	}{
		{"distinct bugs stay apart",
			[]Advisory{{ID: "GHSA-a", Aliases: []string{"CVE-1"}}, {ID: "PYSEC-b", Aliases: []string{"CVE-2"}}},
			[]Advisory{{ID: "GHSA-a", Aliases: []string{"CVE-1"}}, {ID: "PYSEC-b", Aliases: []string{"CVE-2"}}}},
		{"the rated record names it and rates the group",
			[]Advisory{{ID: "PYSEC-1", Aliases: []string{"CVE-9"}, Fixed: []string{"1.2"}}, {ID: "OTHER-1", Aliases: []string{"CVE-9"}, Severity: High, Score: 8.1, Fixed: []string{"1.10"}}},
			[]Advisory{{ID: "OTHER-1", Aliases: []string{"CVE-9", "PYSEC-1"}, Severity: High, Score: 8.1, Fixed: []string{"1.2", "1.10"}}}},
		{"GitHub's id before PyPA's when equally rated",
			[]Advisory{{ID: "PYSEC-1", Aliases: []string{"GHSA-x"}, Summary: "pysec"}, {ID: "GHSA-x", Aliases: []string{"CVE-3"}}},
			[]Advisory{{ID: "GHSA-x", Aliases: []string{"CVE-3", "PYSEC-1"}, Summary: "pysec"}}},
		{"grouped through a shared alias, transitively",
			[]Advisory{{ID: "A-1", Aliases: []string{"CVE-1"}}, {ID: "B-1", Aliases: []string{"CVE-2"}}, {ID: "C-1", Aliases: []string{"CVE-1", "CVE-2"}, Severity: Low}},
			[]Advisory{{ID: "C-1", Aliases: []string{"CVE-1", "CVE-2", "A-1", "B-1"}, Severity: Low}}},
		{"PyPA's id before another database's when equally rated",
			[]Advisory{{ID: "OSV-2024-1", Aliases: []string{"CVE-4"}}, {ID: "PYSEC-9", Aliases: []string{"CVE-4"}}},
			[]Advisory{{ID: "PYSEC-9", Aliases: []string{"CVE-4", "OSV-2024-1"}}}},
		{"a malicious record makes the group malicious",
			[]Advisory{{ID: "GHSA-m", Aliases: []string{"MAL-1"}, Severity: Critical}, {ID: "MAL-1", Severity: Critical, Malicious: true}},
			[]Advisory{{ID: "GHSA-m", Aliases: []string{"MAL-1"}, Severity: Critical, Malicious: true}}},
		{"the worst rating wins over the name's",
			[]Advisory{{ID: "GHSA-y", Severity: Moderate, Score: 5}, {ID: "PYSEC-2", Aliases: []string{"GHSA-y"}, Severity: Critical, Score: 9.8}},
			[]Advisory{{ID: "PYSEC-2", Aliases: []string{"GHSA-y"}, Severity: Critical, Score: 9.8}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := finish(tc.in); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

// TestAdvisoryOrder: worst rated first, a rating beating a bare score; then
// the higher score; then the id.
func TestAdvisoryOrder(t *testing.T) {
	got := finish([]Advisory{
		{ID: "A-3", Severity: Moderate, Score: 6.9},
		{ID: "A-2", Severity: High}, // rated by its database, no vector
		{ID: "A-5", Severity: Moderate, Score: 4.0},
		{ID: "A-1", Severity: Moderate, Score: 4.0},
		{ID: "A-4"},
	})
	if want := []string{"A-2", "A-3", "A-1", "A-5", "A-4"}; !slices.Equal(ids(got), want) {
		t.Errorf("order %v, want %v", ids(got), want)
	}
}

// TestLoadDBSkipsHiddenDirs: a checkout's .git or .github holds no record,
// even one that parses; a database kept in a hidden directory is still read.
func TestLoadDBSkipsHiddenDirs(t *testing.T) {
	rec, err := os.ReadFile("../fixtures/osv/GHSA-2g68-c3qc-8985.json")
	if err != nil {
		t.Fatal(err)
	}
	root := filepath.Join(t.TempDir(), ".osv")
	for _, p := range []string{"vulns/GHSA-2g68-c3qc-8985.json", ".cache/copy/GHSA-2g68-c3qc-8985.json"} {
		os.MkdirAll(filepath.Join(root, filepath.Dir(p)), 0o755)
		os.WriteFile(filepath.Join(root, p), rec, 0o644)
	}
	db, err := LoadDB(root)
	if err != nil || db.Records != 1 || db.Skipped != 0 {
		t.Errorf("records %d skipped %d: %v", db.Records, db.Skipped, err)
	}
}

// TestParseRecordYAMLHostile: an alias bomb and deep nesting fail fast
// instead of growing; the per-record byte cap comes first in LoadDB.
func TestParseRecordYAMLHostile(t *testing.T) {
	bomb := "id: X\na: &a [x, x, x, x, x, x, x, x, x]\n"
	prev := "a"
	for i := range 9 {
		name := fmt.Sprintf("l%d", i)
		bomb += fmt.Sprintf("%s: &%s [*%s, *%s, *%s, *%s, *%s, *%s, *%s, *%s, *%s]\n", name, name, prev, prev, prev, prev, prev, prev, prev, prev, prev)
		prev = name
	}
	deep := "id: X\nd: " + strings.Repeat("[", 100_000) + strings.Repeat("]", 100_000) + "\n"
	for name, doc := range map[string]string{"alias bomb": bomb, "deep": deep} {
		t.Run(name, func(t *testing.T) {
			if _, err := ParseRecordYAML([]byte(doc)); err == nil {
				t.Error("parsed")
			}
		})
	}
}

func FuzzParseRecordYAML(f *testing.F) {
	// small seeds: the fuzzer minimizes each new input, which on a whole
	// 4 KB record takes long enough to look like a hang
	f.Add([]byte("id: PYSEC-1\naliases: [CVE-1]\naffected:\n- package: {name: flask, ecosystem: PyPI}\n  ranges:\n  - type: ECOSYSTEM\n    events:\n    - introduced: '0'\n    - fixed: 2.2.5\n"))
	f.Add([]byte("id: X\nseverity:\n- type: CVSS_V3\n  score: CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H\n"))
	f.Add([]byte("id: X\naffected: [{package: {name: a, ecosystem: PyPI}, versions: [1.10]}]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := ParseRecordYAML(data)
		if err == nil && r.ID == "" && len(r.Affected) == 0 {
			t.Errorf("a record with neither id nor affected: %q", data)
		}
	})
}
