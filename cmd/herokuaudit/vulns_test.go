package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/herokuaudit/herokuaudit/audit"
	"github.com/herokuaudit/herokuaudit/heroku/fixture"
	"github.com/herokuaudit/herokuaudit/vulns"
)

// TestVulnDB: with --vuln-db, dependency-vulns looks the checkout's pins up
// in an OSV database (records shaped like OSV's own for Werkzeug
// CVE-2024-34069 and Flask CVE-2023-30861, in vulns/testdata) and fails on
// the high one, naming the advisory and the upgrade.
func TestVulnDB(t *testing.T) {
	db := filepath.Join(startDir, "../../vulns/testdata/osv")
	co := t.TempDir()
	os.WriteFile(filepath.Join(co, "Procfile"), []byte("web: gunicorn app:app\n"), 0o644)
	os.WriteFile(filepath.Join(co, "requirements.txt"), []byte("Flask==2.2.2\nWerkzeug==2.2.2\ngunicorn==23.0.0\n"), 0o644)
	code, out, errOut := runCLI(t, nil, "--dir", co, "--vuln-db", db, "-f", "json", "--only", "dependency-vulns")
	var doc struct {
		Apps []struct {
			Findings []struct {
				Check, Status, Message, Remediation string
				Evidence                            []string
			}
		}
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("exit %d: %v\n%s", code, err, errOut)
	}
	f := doc.Apps[0].Findings[0]
	ev := strings.Join(f.Evidence, "\n")
	if f.Status != "fail" || code != exitGate || !strings.Contains(ev, "werkzeug==2.2.2: GHSA-2g68-c3qc-8985") || !strings.Contains(f.Remediation, "requirements.txt:2: werkzeug==3.0.3") {
		t.Errorf("exit %d, %s %q\n%s\nfix: %s", code, f.Status, f.Message, ev, f.Remediation)
	}

	// without a database the check says how to run it, and is no pass
	_, out, _ = runCLI(t, nil, "--dir", co, "-f", "json", "--only", "dependency-vulns")
	if !strings.Contains(out, `"status": "skip"`) || !strings.Contains(out, "give --vuln-db PATH") {
		t.Errorf("without --vuln-db:\n%s", out)
	}

	// a database that cannot be read stops the run
	code, _, errOut = runCLI(t, nil, "--dir", co, "--vuln-db", filepath.Join(co, "nope.zip"))
	if code != exitTrouble || !strings.Contains(errOut, "--vuln-db ") {
		t.Errorf("a missing database: exit %d, %q", code, errOut)
	}
}

// fakeOSV answers OSV's batch API from the records of a directory, the way
// OSV does: querybatch gives the ids affecting each package-version, then
// /v1/vulns/ID the record. It counts the batches.
func fakeOSV(t testing.TB, dir string) (url string, batches *int) {
	t.Helper()
	records := map[string][]byte{}
	var parsed []*vulns.Record
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".json") {
			data, _ := os.ReadFile(p)
			if r, err := vulns.ParseRecord(data); err == nil {
				records[r.ID] = data
				parsed = append(parsed, r)
			}
		}
		return nil
	})
	if len(parsed) == 0 {
		t.Fatalf("no records in %s", dir)
	}
	n := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodPost && r.URL.Path == "/v1/querybatch":
			n++
			var req struct {
				Queries []struct {
					Package struct{ Name string }
					Version string
				}
			}
			json.NewDecoder(r.Body).Decode(&req)
			type vuln struct {
				ID string `json:"id"`
			}
			var resp struct {
				Results []struct {
					Vulns []vuln `json:"vulns"`
				} `json:"results"`
			}
			resp.Results = make([]struct {
				Vulns []vuln `json:"vulns"`
			}, len(req.Queries))
			for i, q := range req.Queries {
				// every record that matches, as OSV answers: aliases unmerged
				for _, rec := range parsed {
					if ok, _ := rec.Match(q.Package.Name, q.Version); ok {
						resp.Results[i].Vulns = append(resp.Results[i].Vulns, vuln{rec.ID})
					}
				}
			}
			json.NewEncoder(w).Encode(resp)
		case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/v1/vulns/"):
			data, ok := records[strings.TrimPrefix(r.URL.Path, "/v1/vulns/")]
			if !ok {
				http.NotFound(w, r)
				return
			}
			w.Write(data)
		default:
			http.Error(w, "unexpected", http.StatusBadRequest)
		}
	}))
	t.Cleanup(srv.Close)
	return srv.URL, &n
}

// TestVulnsOnlineMatchesOffline: the same checkout looked up in a fake OSV
// (the online path) and in the same records on disk (--vuln-db) gives the
// same dependency-vulns finding; --offline sends nothing.
func TestVulnsOnlineMatchesOffline(t *testing.T) {
	dir := filepath.Join(startDir, "../../vulns/testdata/osv")
	url, batches := fakeOSV(t, dir)
	co := t.TempDir()
	os.WriteFile(filepath.Join(co, "Procfile"), []byte("web: gunicorn app:app\n"), 0o644)
	os.WriteFile(filepath.Join(co, "requirements.txt"), []byte("Flask==2.2.2\nWerkzeug==2.2.2\n"), 0o644)
	t.Setenv("XDG_CACHE_HOME", t.TempDir()) // the on-disk cache, out of the way
	t.Setenv("HOME", t.TempDir())
	finding := func(sys system, args ...string) (int, string) {
		var out, errb strings.Builder
		sys.Stdout, sys.Stderr, sys.Getenv = &out, &errb, func(string) string { return "" }
		code := run(t.Context(), append([]string{"herokuaudit", "--dir", co, "-f", "json", "--only", "dependency-vulns"}, args...), sys)
		var doc struct {
			Apps []struct{ Findings []json.RawMessage }
		}
		if err := json.Unmarshal([]byte(out.String()), &doc); err != nil || len(doc.Apps) == 0 {
			t.Fatalf("exit %d: %v %s", code, err, errb.String())
		}
		return code, string(doc.Apps[0].Findings[0])
	}
	codeOn, online := finding(system{OSVURL: url})
	codeOff, offline := finding(system{}, "--vuln-db", dir)
	// the sources differ by name only
	online = strings.ReplaceAll(online, "OSV's API", "SOURCE")
	offline = regexp.MustCompile(`the OSV database [^"]*? \(\d+ records\)`).ReplaceAllString(offline, "SOURCE")
	if codeOn != codeOff || online != offline || !strings.Contains(online, "GHSA-2g68-c3qc-8985") {
		t.Errorf("online (exit %d):\n%s\noffline (exit %d):\n%s", codeOn, online, codeOff, offline)
	}
	if *batches != 1 {
		t.Errorf("%d batch queries, want 1", *batches)
	}
	if _, f := finding(system{OSVURL: url}, "--offline"); !strings.Contains(f, `"status": "skip"`) || *batches != 1 {
		t.Errorf("--offline: %s, %d batches", f, *batches)
	}
}

// TestVulnerableWerkzeugInTheSlug: flask-insecure's slug installs
// Werkzeug 2.2.2 (its site-packages listing); the slug, not its unpinned
// requirements, is what is looked up, online and offline alike.
func TestVulnerableWerkzeugInTheSlug(t *testing.T) {
	dir := filepath.Join(startDir, "../../vulns/testdata/osv")
	url, _ := fakeOSV(t, dir)
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Setenv("HOME", t.TempDir())
	for _, tc := range []struct {
		name string
		sys  system
	}{
		{"offline", system{}},
		{"online", system{OSVURL: url}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb strings.Builder
			sys := tc.sys
			sys.Stdout, sys.Stderr = &out, &errb
			env := map[string]string{"HEROKU_API_KEY": "tok-0123456789"}
			sys.Getenv = func(k string) string { return env[k] }
			args := []string{"herokuaudit", "-f", "json", "--only", "dependency-vulns"}
			if tc.name == "offline" {
				args = append(args, "--fixtures", fixturesDir, "--vuln-db", dir)
			} else {
				// the online lookup runs for a real API, here the fake one
				srv := httptest.NewServer(fixture.Handler(fixturesDir))
				defer srv.Close()
				args = append(args, "--api-url", srv.URL)
			}
			code := run(t.Context(), append(args, "flask-insecure"), sys)
			o := out.String()
			if code != exitGate || !strings.Contains(o, "werkzeug==2.2.2: GHSA-2g68-c3qc-8985, CVE-2024-34069") || !strings.Contains(o, "fixed in 3.0.3") ||
				!strings.Contains(o, "installed: .heroku/python/lib/python3.12/site-packages/Werkzeug-2.2.2.dist-info") {
				t.Errorf("exit %d, stderr %q\n%s", code, errb.String(), o)
			}
		})
	}
}

// BenchmarkOSVLookupFleet looks up a 500-app fleet's inventories (50
// packages each, 1,251 distinct package-versions in all) against a fake OSV
// and reports the batch queries per run: one per 1,000 distinct ones, so 2.
func BenchmarkOSVLookupFleet(b *testing.B) {
	url, batches := fakeOSV(b, filepath.Join(startDir, "../../fixtures/osv"))
	b.Setenv("XDG_CACHE_HOME", b.TempDir())
	b.Setenv("HOME", b.TempDir())
	invs := make([][]audit.Package, 500)
	for i := range invs {
		for j := range 50 {
			// each package in 25 versions across the fleet
			invs[i] = append(invs[i], audit.Package{Name: fmt.Sprintf("pkg%02d", j), Version: fmt.Sprintf("1.%d.%d", j, i%25)})
		}
		invs[i] = append(invs[i], audit.Package{Name: "werkzeug", Version: "2.2.2"})
	}
	distinct := map[audit.Package]bool{}
	for _, inv := range invs {
		for _, p := range inv {
			distinct[audit.Package{Name: p.Name, Version: p.Version}] = true
		}
	}
	for b.Loop() {
		*batches = 0
		// a fresh lookup each run: no answers carried over
		b.Setenv("XDG_CACHE_HOME", b.TempDir())
		got, err := osvLookup(url)(context.Background(), invs)
		if err != nil || len(got) != 500 || len(got[0].Matches) != 1 {
			b.Fatalf("%v, %d answers", err, len(got))
		}
	}
	b.ReportMetric(float64(*batches), "batches/op")
	b.ReportMetric(float64(len(distinct)), "distinct-versions")
}

// TestFixtureAdvisories: the sample apps are looked up in the real records
// kept beside them (fixtures/osv, built into the binary for the demo), and
// say so; fixtures without records, or --offline, look nothing up; a broken
// record stops the run rather than pass for an empty database.
func TestFixtureAdvisories(t *testing.T) {
	noRecords := t.TempDir()
	os.CopyFS(noRecords, os.DirFS(fixturesDir))
	os.RemoveAll(filepath.Join(noRecords, "osv"))
	broken := t.TempDir()
	os.CopyFS(broken, os.DirFS(fixturesDir))
	os.WriteFile(filepath.Join(broken, "osv", "GHSA-bad.json"), []byte(`{"id": "GHSA-bad", "affected": [`), 0o644)
	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		status string
		want   string // in the finding, or on stderr when it is a run error
	}{
		{"demo", []string{"--fixtures", demoFixtures}, exitGate, "fail", "werkzeug==2.2.2: GHSA-2g68-c3qc-8985, CVE-2024-34069 (high)"},
		{"fixtures directory", []string{"--fixtures", fixturesDir}, exitGate, "fail", "looked up in the 9 sample advisory records of the fixtures (not OSV's database"},
		// nothing found in a sample proves nothing: not a pass
		{"a clean sample app", []string{"--fixtures", demoFixtures}, exitOK, "skip", "a sample, not a vulnerability database"},
		{"--offline", []string{"--fixtures", demoFixtures, "--offline"}, exitOK, "skip", "vulnerabilities not looked up"},
		{"fixtures without records", []string{"--fixtures", noRecords}, exitOK, "skip", "vulnerabilities not looked up"},
		{"a broken record", []string{"--fixtures", broken}, exitTrouble, "", "osv/GHSA-bad.json"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			app := "flask-insecure"
			if strings.Contains(tc.name, "clean") {
				app = "flask-secure"
			}
			args := append(append([]string{}, tc.args...), "-f", "json", "--only", "dependency-vulns", app)
			code, out, errOut := runCLI(t, nil, args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\n%s", code, tc.code, errOut)
			}
			if tc.status == "" {
				if !strings.Contains(errOut, tc.want) {
					t.Errorf("stderr %q lacks %q", errOut, tc.want)
				}
				return
			}
			f := findingOf(t, out, app, "dependency-vulns")
			if js, _ := json.Marshal(f); f["status"] != tc.status || !strings.Contains(string(js), tc.want) {
				t.Errorf("finding %s, want %s with %q", js, tc.status, tc.want)
			}
		})
	}
}

// TestOSVUnreachable: a lookup that fails is an error at the default gate
// (the packages were not checked), and says how to run without OSV.
func TestOSVUnreachable(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "down", http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Setenv("HOME", t.TempDir())
	co := t.TempDir()
	os.WriteFile(filepath.Join(co, "Procfile"), []byte("web: gunicorn app:app\n"), 0o644)
	os.WriteFile(filepath.Join(co, "requirements.txt"), []byte("Flask==3.1.0\n"), 0o644)
	var out, errb strings.Builder
	sys := system{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }, OSVURL: srv.URL}
	code := run(t.Context(), []string{"herokuaudit", "--dir", co, "--only", "dependency-vulns"}, sys)
	if code != exitTrouble || !strings.Contains(errb.String(), "503") || !strings.Contains(errb.String(), "--offline skips the lookup") {
		t.Errorf("exit %d\nstderr:\n%s", code, errb.String())
	}
}
