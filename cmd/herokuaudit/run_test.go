package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/herokuaudit/herokuaudit/heroku/fixture"
	"github.com/herokuaudit/herokuaudit/report"
)

const fixturesDir = "../../fixtures"

// runCLI runs the whole command in-process, as a user would from a shell.
func runCLI(t *testing.T, env map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), append([]string{"herokuaudit"}, args...), system{
		Stdout: &out,
		Stderr: &errb,
		Getenv: func(k string) string { return env[k] },
	})
	return code, out.String(), errb.String()
}

// cliCase is one run of the command and what it must do.
type cliCase struct {
	name     string
	args     []string
	wantCode int
	wantOut  []string // each must appear on stdout
	wantErr  string   // must appear on stderr; when empty, stderr must be empty
}

// runCases runs each case through the whole command in-process.
func runCases(t *testing.T, env map[string]string, cases []cliCase) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, env, tt.args...)
			if code != tt.wantCode {
				t.Errorf("exit code = %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.wantCode, out, errOut)
			}
			for _, w := range tt.wantOut {
				if !strings.Contains(out, w) {
					t.Errorf("stdout lacks %q:\n%s", w, out)
				}
			}
			// the gate's lines come last and are checked apart: exit 1
			// always says why, exit 0 never has a reason
			rest, gate := splitGate(errOut)
			switch {
			case tt.wantCode == exitGate && len(gate) == 0:
				t.Errorf("exit 1 without a gate line on stderr:\n%s", errOut)
			case tt.wantCode == exitOK && len(gate) > 0:
				t.Errorf("exit 0 with gate lines:\n%s", errOut)
			}
			switch {
			case tt.wantErr != "" && !strings.Contains(errOut, tt.wantErr):
				t.Errorf("stderr lacks %q:\n%s", tt.wantErr, errOut)
			case tt.wantErr == "" && rest != "":
				t.Errorf("unexpected stderr: %s", rest)
			}
			if strings.Count(strings.TrimSpace(rest), "\n") > 2 {
				t.Errorf("errors must be short lines, got:\n%s", rest)
			}
		})
	}
}

// splitGate separates the gate's closing lines from the rest of stderr.
func splitGate(stderr string) (rest string, gate []string) {
	var b strings.Builder
	for _, l := range strings.SplitAfter(stderr, "\n") {
		if g, ok := strings.CutPrefix(l, "herokuaudit: gate: "); ok {
			gate = append(gate, strings.TrimSpace(g))
			continue
		}
		b.WriteString(l)
	}
	return b.String(), gate
}

func TestAuditFixtures(t *testing.T) {
	runCases(t, nil, []cliCase{
		{name: "clean app passes the gate", args: []string{"--fixtures", fixturesDir, "flask-secure"}, wantCode: 0,
			wantOut: []string{"flask-secure  score 100/100  grade A", "debug-mode", "python-runtime"}},
		{name: "insecure app trips the gate", args: []string{"--fixtures", fixturesDir, "flask-insecure"}, wantCode: 1,
			wantOut: []string{"grade F", "heroku config:unset DEBUG -a flask-insecure"}},
		{name: "gate off", args: []string{"--fixtures", fixturesDir, "--fail-on", "none", "flask-insecure"}, wantCode: 0},
		{name: "gate at critical still trips on debug", args: []string{"--fixtures", fixturesDir, "--fail-on", "critical", "flask-insecure"}, wantCode: 1},
		{name: "fail-under trips on a score", args: []string{"--fixtures", fixturesDir, "--fail-on", "none", "--fail-under", "50", "flask-insecure"}, wantCode: 1},
		{name: "fail-under passes a clean app", args: []string{"--fixtures", fixturesDir, "--fail-under", "90", "flask-secure"}, wantCode: 0},
		{name: "missing app is trouble, others still reported", args: []string{"--fixtures", fixturesDir, "flask-secure", "no-such-app"}, wantCode: 2,
			wantOut: []string{"flask-secure", "no-such-app"}, wantErr: `herokuaudit: gate: app "no-such-app": not found (or no access)`},
		{name: "several apps summary", args: []string{"--fixtures", fixturesDir, "flask-secure", "flask-insecure"}, wantCode: 1,
			wantOut: []string{"GRADE", "flask-insecure", "flask-secure"}},
		{name: "unknown format", args: []string{"--fixtures", fixturesDir, "-f", "xml", "flask-secure"}, wantCode: 2, wantErr: `unknown format "xml"`},
		{name: "bad fail-on", args: []string{"--fixtures", fixturesDir, "--fail-on", "severe", "flask-secure"}, wantCode: 2, wantErr: "--fail-on"},
		{name: "no app", args: []string{"--fixtures", fixturesDir}, wantCode: 2, wantErr: "no app given"},
		{name: "flag after apps", args: []string{"flask-secure", "--fixtures", fixturesDir, "--format", "json"}, wantCode: 0, wantOut: []string{`"schema_version": 1`}},
		{name: "-- ends the flags", args: []string{"--fixtures", fixturesDir, "--", "-not-an-app"}, wantCode: 2, wantErr: "-not-an-app"},
		{name: "unknown flag", args: []string{"--nope", "x"}, wantCode: 2, wantErr: "unknown flag --nope; see herokuaudit --help"},
		{name: "fixtures dir missing", args: []string{"--fixtures", "does-not-exist", "x"}, wantCode: 2, wantErr: "not a directory"},
		{name: "no credentials", args: []string{"myapp"}, wantCode: 2, wantErr: "HEROKU_API_KEY"},
		{name: "http API on a public host refused", args: []string{"--api-url", "http://api.example.com", "myapp"}, wantCode: 2, wantErr: "http"},
	})
}

func TestJSONContract(t *testing.T) {
	code, out, _ := runCLI(t, nil, "--fixtures", fixturesDir, "-f", "json", "flask-insecure", "no-such-app")
	if code != 2 {
		t.Fatalf("exit code = %d, want 2", code)
	}
	var doc struct {
		SchemaVersion int `json:"schema_version"`
		Tool          struct{ Name, Version string }
		Apps          []struct {
			App      string
			Score    int
			Grade    string
			Error    string
			Findings []struct {
				Check, Status, Severity, Title, Message, Remediation string
				Evidence                                             []string
			}
		}
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out)
	}
	if doc.SchemaVersion != 1 || doc.Tool.Name != "herokuaudit" || len(doc.Apps) != 2 {
		t.Fatalf("unexpected document head: %+v", doc)
	}
	a := doc.Apps[0]
	if a.App != "flask-insecure" || a.Error != "" || a.Grade != "F" {
		t.Errorf("first app = %s %q %s", a.App, a.Error, a.Grade)
	}
	ids := []string{}
	for _, f := range a.Findings {
		ids = append(ids, f.Check)
	}
	want := "debug-mode secret-key web-server gunicorn-workers postgres-ssl python-runtime"
	if got := strings.Join(ids, " "); !strings.HasPrefix(got, want) {
		t.Errorf("findings are not in catalog order: %s", got)
	}
	if b := doc.Apps[1]; b.App != "no-such-app" || !strings.Contains(b.Error, "not found") || len(b.Findings) != 0 {
		t.Errorf("failed app = %+v", b)
	}
}

// secretMarkers returns every string that must never be printed: each
// fixture config var value that carries the FIXTURESECRET marker, the marker
// itself, and the presigned-URL stand-in the fake API puts in slug URLs.
func secretMarkers(t *testing.T) []string {
	t.Helper()
	markers := []string{"FIXTURESECRET", "fixture-secret", "X-Amz-Signature"}
	files, _ := filepath.Glob(filepath.Join(fixturesDir, "apps", "*", "config-vars.json"))
	if len(files) == 0 {
		t.Fatal("no fixture config vars found")
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var vars map[string]*string
		if err := json.Unmarshal(data, &vars); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, v := range vars {
			if v != nil && strings.Contains(*v, "FIXTURESECRET") {
				markers = append(markers, *v)
			}
		}
	}
	return markers
}

func TestNoSecretsInAnyFormat(t *testing.T) {
	markers := secretMarkers(t)
	apps := []string{"flask-secure", "flask-insecure", "flask-staging", "flask-production", "no-such-app"}
	for _, format := range report.FormatNames() {
		t.Run(format, func(t *testing.T) {
			_, out, errOut := runCLI(t, nil, append([]string{"--fixtures", fixturesDir, "-f", format}, apps...)...)
			for _, m := range markers {
				if strings.Contains(out, m) || strings.Contains(errOut, m) {
					t.Errorf("a secret (%d chars, starting %.4q) appears in the %s output", len(m), m, format)
				}
			}
		})
	}
}

// TestAgainstFakeAPI drives the real client over HTTP with a token, as a
// user with HEROKU_API_KEY and --api-url would.
func TestAgainstFakeAPI(t *testing.T) {
	const token = "tok-FIXTURESECRET-0123456789"
	fixtures := fixture.Handler(fixturesDir)
	mux := http.NewServeMux()
	mux.HandleFunc("/apps/unauthorized", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		w.Write([]byte(`{"id":"unauthorized","message":"Invalid credentials provided."}`))
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/apps/") && r.Header.Get("Authorization") != "Bearer "+token {
			http.Error(w, `{"id":"unauthorized","message":"no token"}`, http.StatusUnauthorized)
			return
		}
		fixtures.ServeHTTP(w, r)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	env := map[string]string{"HEROKU_API_KEY": token}

	code, out, errOut := runCLI(t, env, "--api-url", srv.URL, "flask-secure")
	if code != 0 || !strings.Contains(out, "grade A") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	code, _, errOut = runCLI(t, env, "--api-url", srv.URL, "unauthorized")
	if code != 2 || !strings.Contains(errOut, `app "unauthorized": unauthorized`) {
		t.Errorf("401: exit %d, stderr %q", code, errOut)
	}
	if strings.Contains(errOut, token) {
		t.Error("the token appears in an error")
	}
	// HEROKU_HOST is honoured like the Heroku CLI does
	env["HEROKU_HOST"] = srv.URL
	if code, _, errOut := runCLI(t, env, "flask-secure"); code != 0 {
		t.Errorf("HEROKU_HOST: exit %d: %s", code, errOut)
	}
}

func TestChecksAndExplain(t *testing.T) {
	code, out, _ := runCLI(t, nil, "checks")
	if code != 0 || !strings.Contains(out, "gunicorn-workers") || !strings.Contains(out, "critical") {
		t.Errorf("checks: exit %d\n%s", code, out)
	}
	code, out, _ = runCLI(t, nil, "checks", "-f", "json")
	var cat struct{ Checks []struct{ ID string } }
	if code != 0 || json.Unmarshal([]byte(out), &cat) != nil || len(cat.Checks) < 6 {
		t.Errorf("checks json: exit %d\n%s", code, out)
	}
	code, out, _ = runCLI(t, nil, "explain", "postgres-ssl")
	if code != 0 || !strings.Contains(out, "sslmode") {
		t.Errorf("explain: exit %d\n%s", code, out)
	}
	code, _, errOut := runCLI(t, nil, "explain", "nope")
	if code != 2 || !strings.Contains(errOut, `unknown check "nope"`) {
		t.Errorf("explain nope: exit %d %q", code, errOut)
	}
	code, out, _ = runCLI(t, nil, "--help")
	if code != 0 || !strings.Contains(out, "EXIT CODES") || !strings.Contains(out, "--fail-on") {
		t.Errorf("help: exit %d\n%s", code, out)
	}
}

func TestDir(t *testing.T) {
	statusOf := func(t *testing.T, out, app, check string) string {
		t.Helper()
		var doc struct {
			Apps []struct {
				App      string
				Findings []struct{ Check, Status, Message string }
			}
		}
		if err := json.Unmarshal([]byte(out), &doc); err != nil {
			t.Fatalf("not JSON: %v\n%s", err, out)
		}
		for _, a := range doc.Apps {
			for _, f := range a.Findings {
				if a.App == app && f.Check == check {
					return f.Status
				}
			}
		}
		t.Fatalf("no %s finding for %s in\n%s", check, app, out)
		return ""
	}
	insecureCode := fixturesDir + "/apps/flask-insecure/slug"
	secureCode := fixturesDir + "/apps/flask-secure/slug"

	t.Run("checkout alone", func(t *testing.T) {
		code, out, errOut := runCLI(t, nil, "-f", "json", "--dir", insecureCode)
		if code != 1 {
			t.Fatalf("exit %d, want 1 (the checkout pins Python 3.9)\n%s", code, errOut)
		}
		if got := statusOf(t, out, "slug", "python-runtime"); got != "fail" {
			t.Errorf("python-runtime = %s, want fail", got)
		}
		// the Procfile's gunicorn --reload is enough, config vars or not
		if got := statusOf(t, out, "slug", "debug-mode"); got != "fail" {
			t.Errorf("debug-mode = %s, want fail (the Procfile has --reload)", got)
		}
		// a clean pass would need the config vars no checkout has
		if got := statusOf(t, out, "slug", "secret-key"); got != "skip" {
			t.Errorf("secret-key = %s, want skip (no app, no config vars)", got)
		}
	})
	t.Run("checkout against a live app", func(t *testing.T) {
		code, out, _ := runCLI(t, nil, "--fixtures", fixturesDir, "-f", "json", "--dir", secureCode, "flask-insecure")
		if code != 1 {
			t.Fatalf("exit %d, want 1", code)
		}
		// the checkout's .python-version (3.13), not the running slug's runtime.txt (3.9)
		if got := statusOf(t, out, "flask-insecure", "python-runtime"); got != "pass" {
			t.Errorf("python-runtime = %s, want pass", got)
		}
		// the live app's config vars still count
		if got := statusOf(t, out, "flask-insecure", "debug-mode"); got != "fail" {
			t.Errorf("debug-mode = %s, want fail", got)
		}
	})
	t.Run("a -c config file the reader would not pick by name", func(t *testing.T) {
		dir := t.TempDir()
		os.MkdirAll(filepath.Join(dir, "conf"), 0o755)
		os.WriteFile(filepath.Join(dir, "Procfile"), []byte("web: gunicorn -c conf/g.cfg app:app\n"), 0o644)
		os.WriteFile(filepath.Join(dir, "conf", "g.cfg"), []byte("timeout = 120\n"), 0o644)
		os.WriteFile(filepath.Join(dir, "requirements.txt"), []byte("gunicorn==26.1.0\n"), 0o644)
		_, out, _ := runCLI(t, nil, "-f", "json", "--dir", dir)
		var doc struct {
			Apps []struct {
				Findings []struct{ Check, Status, Message string }
			}
		}
		json.Unmarshal([]byte(out), &doc)
		for _, f := range doc.Apps[0].Findings {
			if f.Check == "gunicorn-timeout" && (f.Status != "warn" || !strings.Contains(f.Message, "120 s")) {
				t.Errorf("gunicorn-timeout = %s %q, want the config file's 120 s", f.Status, f.Message)
			}
		}
	})
	t.Run("missing directory", func(t *testing.T) {
		code, _, errOut := runCLI(t, nil, "--dir", "no/such/dir")
		if code != 2 || !strings.Contains(errOut, "no such directory") {
			t.Errorf("exit %d, stderr %q", code, errOut)
		}
	})
}

func TestColour(t *testing.T) {
	for _, tc := range []struct {
		name    string
		tty     bool
		noColor string
		want    bool
	}{
		{"terminal", true, "", true},
		{"terminal with NO_COLOR", true, "1", false},
		{"pipe", false, "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			run(context.Background(), []string{"herokuaudit", "--fixtures", fixturesDir, "flask-insecure"}, system{
				Stdout: &out, Stderr: &bytes.Buffer{}, StdoutTTY: tc.tty,
				Getenv: func(k string) string {
					if k == "NO_COLOR" {
						return tc.noColor
					}
					return ""
				},
			})
			if got := strings.Contains(out.String(), "\x1b["); got != tc.want {
				t.Errorf("colour = %v, want %v", got, tc.want)
			}
		})
	}
}
