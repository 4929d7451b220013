package main

import (
	"encoding/json"
	"github.com/herokuaudit/herokuaudit/audit"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// findingOf decodes a JSON report and returns one app's finding for a check.
func findingOf(t *testing.T, out, app, check string) map[string]any {
	t.Helper()
	var doc struct {
		Apps []struct {
			App      string
			Findings []map[string]any
			Fixed    []map[string]any
		}
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	for _, a := range doc.Apps {
		for _, f := range a.Findings {
			if a.App == app && f["check"] == check {
				return f
			}
		}
	}
	t.Fatalf("no %s finding for %s", check, app)
	return nil
}

func TestBaselineAndOutput(t *testing.T) {
	dir := t.TempDir()
	last := filepath.Join(dir, "last.json")
	// last night: the insecure app as it is now
	code, _, errOut := runCLI(t, nil, "--fixtures", fixturesDir, "-f", "json", "-o", last, "flask-insecure")
	if code != 1 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if st, err := os.Stat(last); err != nil || st.Size() == 0 {
		t.Fatalf("--output wrote nothing: %v", err)
	}
	if leftovers, _ := filepath.Glob(filepath.Join(dir, ".herokuaudit-*")); len(leftovers) != 0 {
		t.Errorf("temporary files left behind: %v", leftovers)
	}

	// tonight, same findings: all existing, none new, nothing fixed
	code, out, _ := runCLI(t, nil, "--fixtures", fixturesDir, "-f", "json", "--baseline", last, "flask-insecure")
	if code != 1 {
		t.Errorf("exit %d, want 1 without --fail-on-new", code)
	}
	if f := findingOf(t, out, "flask-insecure", "debug-mode"); f["baseline"] != "existing" {
		t.Errorf("debug-mode baseline = %v, want existing", f["baseline"])
	}
	var doc struct{ Baseline map[string]int }
	json.Unmarshal([]byte(out), &doc)
	if doc.Baseline["new"] != 0 || doc.Baseline["existing"] == 0 || doc.Baseline["fixed"] != 0 {
		t.Errorf("baseline counts = %v", doc.Baseline)
	}
	code, _, _ = runCLI(t, nil, "--fixtures", fixturesDir, "--baseline", last, "--fail-on-new", "flask-insecure")
	if code != 0 {
		t.Errorf("--fail-on-new with nothing new: exit %d, want 0", code)
	}

	// a baseline in which debug-mode passed: now it is new, and it gates
	data, _ := os.ReadFile(last)
	edited := strings.Replace(string(data), `"check": "debug-mode",
          "status": "fail"`, `"check": "debug-mode",
          "status": "pass"`, 1)
	if edited == string(data) {
		t.Fatal("could not edit the baseline")
	}
	os.WriteFile(last, []byte(edited), 0o644)
	code, out, _ = runCLI(t, nil, "--fixtures", fixturesDir, "-f", "json", "--baseline", last, "--fail-on-new", "flask-insecure")
	if code != 1 {
		t.Errorf("a new critical failure with --fail-on-new: exit %d, want 1", code)
	}
	if f := findingOf(t, out, "flask-insecure", "debug-mode"); f["baseline"] != "new" {
		t.Errorf("debug-mode baseline = %v, want new", f["baseline"])
	}

	for _, tc := range []struct{ name, content, want string }{
		{"not json", "nope", "not a herokuaudit JSON report"},
		{"future schema", `{"schema_version": 2, "apps": []}`, "schema_version 2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(dir, tc.name+".json")
			if tc.content != "" {
				os.WriteFile(p, []byte(tc.content), 0o644)
			}
			code, _, errOut := runCLI(t, nil, "--fixtures", fixturesDir, "--baseline", p, "flask-secure")
			if code != 2 || !strings.Contains(errOut, tc.want) {
				t.Errorf("exit %d, stderr %q, want %q", code, errOut, tc.want)
			}
		})
	}
}

func TestSuppressions(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "audit.yml")
	write := func(s string) { os.WriteFile(cfg, []byte(s), 0o644) }

	// accept every high and critical failure of the insecure app: the gate passes
	var b strings.Builder
	b.WriteString("suppressions:\n")
	for _, id := range []string{"debug-mode", "secret-key", "postgres-ssl", "python-runtime", "csrf-protection", "cors-origins", "stack", "env-file-in-slug", "hardcoded-secret", "dependency-vulns"} {
		b.WriteString("  - check: " + id + "\n    apps: ['flask-*']\n    reason: accepted for the demo\n")
	}
	write(b.String())
	code, out, errOut := runCLI(t, nil, "--fixtures", fixturesDir, "-f", "json", "--config", cfg, "flask-insecure")
	if code != 0 {
		t.Fatalf("exit %d, want 0 with every gating failure suppressed\n%s", code, errOut)
	}
	f := findingOf(t, out, "flask-insecure", "debug-mode")
	if s, _ := f["suppressed"].(map[string]any); s["reason"] != "accepted for the demo" || f["status"] != "fail" {
		t.Errorf("debug-mode = %v: a suppressed finding keeps its status and carries the reason", f)
	}

	// an expired rule stops applying and is reported
	write("suppressions:\n  - check: debug-mode\n    reason: old\n    expires: 2020-01-01\n")
	code, _, errOut = runCLI(t, nil, "--fixtures", fixturesDir, "--config", cfg, "--fail-on", "critical", "flask-insecure")
	if code != 1 || !strings.Contains(errOut, "expired on 2020-01-01") {
		t.Errorf("expired: exit %d, stderr %q", code, errOut)
	}

	write("suppressions:\n  - check: debug-mode\n")
	code, _, errOut = runCLI(t, nil, "--fixtures", fixturesDir, "--config", cfg, "flask-insecure")
	if code != 2 || !strings.Contains(errOut, "a reason is required") {
		t.Errorf("no reason: exit %d, stderr %q", code, errOut)
	}
	code, _, errOut = runCLI(t, nil, "--fixtures", fixturesDir, "--config", filepath.Join(dir, "missing.yml"), "flask-insecure")
	if code != 2 || !strings.Contains(errOut, "cannot read it") {
		t.Errorf("missing config: exit %d, stderr %q", code, errOut)
	}
}

func TestSharedSecretAcrossApps(t *testing.T) {
	_, out, _ := runCLI(t, nil, "--fixtures", fixturesDir, "-f", "json", "flask-staging", "flask-production")
	for _, app := range []string{"flask-staging", "flask-production"} {
		if f := findingOf(t, out, app, "shared-secret"); f["status"] != "fail" {
			t.Errorf("%s shared-secret = %v, want fail (the pair shares SECRET_KEY)", app, f["status"])
		}
	}
	_, out, _ = runCLI(t, nil, "--fixtures", fixturesDir, "-f", "json", "flask-staging")
	if f := findingOf(t, out, "flask-staging", "shared-secret"); f["status"] != "skip" {
		t.Errorf("alone: shared-secret = %v, want skip", f["status"])
	}
}

func TestFleetSelection(t *testing.T) {
	fx := []string{"--fixtures", fixturesDir, "-f", "json", "--fail-on", "none"}
	apps := func(t *testing.T, out string) []string {
		t.Helper()
		var doc struct{ Apps []struct{ App, Error string } }
		if err := json.Unmarshal([]byte(out), &doc); err != nil {
			t.Fatalf("not JSON: %v\n%s", err, out)
		}
		var names []string
		for _, a := range doc.Apps {
			if a.Error != "" {
				t.Errorf("%s: %s", a.App, a.Error)
			}
			names = append(names, a.App)
		}
		return names
	}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"team", []string{"--team", "acme"}, "flask-insecure flask-production flask-secure flask-staging"},
		{"team narrowed by globs", []string{"--team", "acme", "flask-s*"}, "flask-secure flask-staging"},
		{"pipeline, in stage order", []string{"--pipeline", "flask-shop"}, "flask-staging flask-production"},
		{"every app the token sees", []string{"--all"}, "flask-insecure flask-production flask-secure flask-staging"},
		{"a glob alone lists every app", []string{"*-insecure"}, "flask-insecure"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, nil, append(fx, tt.args...)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			if got := strings.Join(apps(t, out), " "); got != tt.want {
				t.Errorf("apps = %s, want %s", got, tt.want)
			}
		})
	}
	// a fleet audit fetches less per app: what it skips says so
	_, out, _ := runCLI(t, nil, append(fx, "--team", "acme", "flask-insecure")...)
	if f := findingOf(t, out, "flask-insecure", "log-drain"); f["status"] != "skip" || !strings.Contains(f["message"].(string), "fleet") {
		t.Errorf("log-drain in a fleet = %v %v", f["status"], f["message"])
	}
	if f := findingOf(t, out, "flask-insecure", "debug-mode"); f["status"] != "fail" {
		t.Errorf("debug-mode in a fleet = %v", f["status"])
	}

	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"two selectors", []string{"--team", "acme", "--all"}, "give one"},
		{"a checkout against a fleet", []string{"--dir", ".", "--team", "acme"}, "--dir goes with named apps"},
		{"no match", []string{"--team", "acme", "nothing-*"}, "none match nothing-*"},
		{"bad glob", []string{"--team", "acme", "[x"}, "["},
		{"unknown team", []string{"--team", "nope"}, `team "nope"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errOut := runCLI(t, nil, append(fx, tc.args...)...)
			if code != 2 || !strings.Contains(errOut, tc.want) {
				t.Errorf("exit %d, stderr %q, want %q", code, errOut, tc.want)
			}
		})
	}
}

// TestMixedTeam audits the fixtures' mixed team, built from response bodies
// Heroku itself wrote (fixtures/README.md lists their sources): the Ruby and
// Node apps get no Flask verdict, the container app no stack warning.
func TestMixedTeam(t *testing.T) {
	code, out, errOut := runCLI(t, nil, "--fixtures", fixturesDir, "-f", "json", "--team", "mixed")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var doc struct {
		Apps []struct {
			App, Language, Grade, Error string
			Findings                    []struct{ Check, Status, Message string }
		}
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"my-cedar-app": "Ruby", "example": "Node.js", "testapp": "unknown", "my-fir-app": "unknown"}
	if len(doc.Apps) != len(want) {
		t.Fatalf("%d apps, want %d", len(doc.Apps), len(want))
	}
	for _, a := range doc.Apps {
		if a.Error != "" || a.Language != want[a.App] {
			t.Errorf("%s: language %q error %q, want %q", a.App, a.Language, a.Error, want[a.App])
		}
		for _, f := range a.Findings {
			if c, _ := audit.Lookup(f.Check); c.Python && f.Status != "skip" {
				t.Errorf("%s: %s is %s (%s): a Flask verdict on a non-Python app", a.App, f.Check, f.Status, f.Message)
			}
			if a.App == "testapp" && f.Check == "stack" && f.Status == "warn" {
				t.Errorf("the container app warns on its stack: %s", f.Message)
			}
		}
	}
}

// TestDiffOverRecordedBodies compares two apps built from Heroku's own
// bodies: the comparison completes (no part missing) and shows their
// config difference.
func TestDiffOverRecordedBodies(t *testing.T) {
	code, out, errOut := runCLI(t, nil, "--fixtures", fixturesDir, "diff", "my-cedar-app", "example")
	if code == exitTrouble || !strings.Contains(out, "RACK_ENV") {
		t.Errorf("exit %d, stderr %q\n%s", code, errOut, out)
	}
}
