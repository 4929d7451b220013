package vulns

import (
	"archive/zip"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func ids(as []Advisory) []string {
	var out []string
	for _, a := range as {
		out = append(out, a.ID)
	}
	return out
}

func loadTestDir(t *testing.T) *DB {
	t.Helper()
	db, err := LoadDB("testdata/osv")
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func TestAffectedBoundaries(t *testing.T) {
	db := loadTestDir(t)
	tests := []struct {
		name, version string
		want          []string
	}{
		// Flask: < 2.2.5 and [2.3.0, 2.3.2).
		{"Flask", "2.2.4", []string{"GHSA-m2qf-hxjv-5gpq"}},
		{"flask", "2.2.5", nil},                             // equal to fixed
		{"flask", "2.3.0", []string{"GHSA-m2qf-hxjv-5gpq"}}, // equal to introduced
		{"flask", "2.3.1", []string{"GHSA-m2qf-hxjv-5gpq"}},
		{"flask", "2.3.2", nil},
		{"flask", "2.3.0rc1", nil},                               // between ranges: 2.2.5 <= 2.3.0rc1 < 2.3.0
		{"flask", "2.2.5.dev1", []string{"GHSA-m2qf-hxjv-5gpq"}}, // dev release sorts before 2.2.5
		{"flask", "0.1", []string{"GHSA-m2qf-hxjv-5gpq"}},        // "0" opens history
		// Werkzeug: debugger < 3.0.3 (high), multipart < 2.3.8 or [3.0.0, 3.0.1) (moderate).
		{"Werkzeug", "2.2.2", []string{"GHSA-2g68-c3qc-8985", "GHSA-hrfv-mqp8-q5rw"}},
		{"werkzeug", "2.3.8", []string{"GHSA-2g68-c3qc-8985"}},
		{"werkzeug", "3.0.0rc1", []string{"GHSA-2g68-c3qc-8985"}}, // pre-release before introduced 3.0.0
		{"werkzeug", "3.0.0", []string{"GHSA-2g68-c3qc-8985", "GHSA-hrfv-mqp8-q5rw"}},
		{"werkzeug", "3.0.2", []string{"GHSA-2g68-c3qc-8985"}},
		{"werkzeug", "3.0.3rc1", []string{"GHSA-2g68-c3qc-8985"}}, // pre-release of the fix is still affected
		{"werkzeug", "3.0.3", nil},
		{"werkzeug", "3.0.3.post1", nil},
		// Synthetic: [1.0, 1.4.2] inclusive, plus the exact version 0.9.1.
		{"example-pkg", "0.9.1", []string{"TEST-LAST-1"}},
		{"EXAMPLE.pkg", "0.9.1.0", []string{"TEST-LAST-1"}},
		{"example-pkg", "0.9.2", nil},
		{"example_pkg", "1.0", []string{"TEST-LAST-1"}},
		{"example-pkg", "1.4.2", []string{"TEST-LAST-1"}}, // last_affected inclusive
		{"example-pkg", "1.4.2.post1", nil},
		{"example-pkg", "1.4.3", nil},
		{"unknown", "1.0", nil},
	}
	for _, tt := range tests {
		got := ids(db.Affected(tt.name, tt.version))
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Affected(%s, %s) = %v, want %v", tt.name, tt.version, got, tt.want)
		}
	}
}

func TestAdvisoryFields(t *testing.T) {
	db := loadTestDir(t)
	got := db.Affected("werkzeug", "2.2.2")
	want := []Advisory{
		{
			ID: "GHSA-2g68-c3qc-8985", Aliases: []string{"CVE-2024-34069"},
			Summary:  "Werkzeug debugger vulnerable to remote execution when interacting with attacker controlled domain",
			Fixed:    []string{"3.0.3"},
			Severity: High, Score: 7.5,
		},
		{
			ID: "GHSA-hrfv-mqp8-q5rw", Aliases: []string{"CVE-2023-46136", "PYSEC-2023-221"},
			Summary:  "Werkzeug DoS: High resource usage when parsing multipart/form-data containing a large part with CR/LF character at the beginning",
			Fixed:    []string{"2.3.8"},
			Severity: Moderate, // no vector: GitHub's own rating
		},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
	// Flask: the CVSS vector (5.9) wins over GitHub's HIGH; the PYSEC
	// record of the same bug (no severity of its own) is one advisory with
	// it, and brings its fixing versions.
	f := db.Affected("flask", "2.2.4")
	if len(f) != 1 || f[0].ID != "GHSA-m2qf-hxjv-5gpq" || f[0].Severity != Moderate || f[0].Score != 5.9 ||
		!reflect.DeepEqual(f[0].Aliases, []string{"CVE-2023-30861", "PYSEC-2023-62"}) || !reflect.DeepEqual(f[0].Fixed, []string{"2.2.5", "2.3.2"}) {
		t.Errorf("flask = %+v", f)
	}
	if a := db.Affected("example-pkg", "1.0"); a[0].Severity != Low || a[0].Fixed != nil {
		t.Errorf("synthetic = %+v", a[0])
	}
}

func TestLoadDBCounts(t *testing.T) {
	db := loadTestDir(t)
	if db.Records != 6 || db.Withdrawn != 1 || db.Skipped != 2 || len(db.Notices) != 2 {
		t.Errorf("records %d withdrawn %d skipped %d notices %q", db.Records, db.Withdrawn, db.Skipped, db.Notices)
	}
}

// writeZip packs testdata/osv into a zip as OSV's export is laid out: one
// record per entry at the top level.
func writeZip(t *testing.T, extra map[string][]byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "all.zip")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	add := func(name string, data []byte) {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
	}
	err = filepath.WalkDir("testdata/osv", func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		add(filepath.Base(path), data)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range extra {
		add(name, data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	return p
}

func TestLoadDBZipMatchesDir(t *testing.T) {
	zdb, err := LoadDB(writeZip(t, nil))
	if err != nil {
		t.Fatal(err)
	}
	ddb := loadTestDir(t)
	for _, q := range [][2]string{{"flask", "2.2.4"}, {"werkzeug", "3.0.0"}, {"example-pkg", "1.4.2"}, {"werkzeug", "3.0.3"}} {
		if z, d := zdb.Affected(q[0], q[1]), ddb.Affected(q[0], q[1]); !reflect.DeepEqual(z, d) {
			t.Errorf("%v: zip %v, dir %v", q, ids(z), ids(d))
		}
	}
	if zdb.Records != ddb.Records || zdb.Skipped != ddb.Skipped {
		t.Errorf("zip %d/%d, dir %d/%d", zdb.Records, zdb.Skipped, ddb.Records, ddb.Skipped)
	}
}

func TestLoadDBHostile(t *testing.T) {
	huge := []byte(`{"id":"HUGE-1","summary":"` + strings.Repeat("x", 5000) + `"}`)
	p := writeZip(t, map[string][]byte{"HUGE-1.json": huge, "bad.json": []byte("{{{")})
	db, err := LoadDBLimits(p, Limits{MaxRecordBytes: 4096})
	if err != nil {
		t.Fatal(err)
	}
	if db.Records != 6 || db.Skipped != 4 {
		t.Errorf("records %d skipped %d: %q", db.Records, db.Skipped, db.Notices)
	}
	// A huge file in a directory is skipped before it is read.
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "huge.json"), huge, 0o644)
	os.WriteFile(filepath.Join(dir, "ok.json"), []byte(`{"id":"OK-1"}`), 0o644)
	if db, err := LoadDBLimits(dir, Limits{MaxRecordBytes: 4096}); err != nil || db.Records != 1 || db.Skipped != 1 {
		t.Errorf("dir: %v %+v", err, db)
	}
	// Caps on the whole database fail the load.
	if _, err := LoadDBLimits(p, Limits{MaxRecords: 3}); !errors.Is(err, ErrLimit) {
		t.Errorf("record cap: %v", err)
	}
	if _, err := LoadDBLimits(p, Limits{MaxTotalBytes: 2000}); !errors.Is(err, ErrLimit) {
		t.Errorf("byte cap: %v", err)
	}
	// Neither a zip nor a directory.
	notZip := filepath.Join(dir, "x.zip")
	os.WriteFile(notZip, []byte("plain text"), 0o644)
	if _, err := LoadDB(notZip); err == nil {
		t.Error("a plain file loaded")
	}
	if _, err := LoadDB(filepath.Join(dir, "missing")); err == nil {
		t.Error("a missing path loaded")
	}
}

func TestNoticesCapped(t *testing.T) {
	dir := t.TempDir()
	for i := 0; i < 50; i++ {
		os.WriteFile(filepath.Join(dir, strings.Repeat("b", i+1)+".json"), []byte("nope"), 0o644)
	}
	db, err := LoadDB(dir)
	if err != nil {
		t.Fatal(err)
	}
	if db.Skipped != 50 || len(db.Notices) != maxNotices {
		t.Errorf("skipped %d notices %d", db.Skipped, len(db.Notices))
	}
}

func TestZipEntryCap(t *testing.T) {
	if _, err := LoadDBLimits(writeZip(t, nil), Limits{MaxRecords: 2}); !errors.Is(err, ErrLimit) {
		t.Errorf("entry cap: %v", err)
	}
}
