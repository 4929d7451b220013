package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/herokuaudit/herokuaudit/heroku/fixture"
)

// brokenAPI serves the fixtures with one path answering status instead.
func brokenAPI(t *testing.T, prefix string, status int) (url string, env map[string]string) {
	t.Helper()
	fixtures := fixture.Handler(fixturesDir)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, prefix) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			w.Write([]byte(`{"id":"forbidden","message":"You do not have access to this resource."}`))
			return
		}
		fixtures.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, map[string]string{"HEROKU_API_KEY": "tok-0123456789"}
}

// TestIncompleteAuditIsTrouble: a part that could not be read makes its
// checks errors, the grade "incomplete" in every format, and the run exit 2
// when a check at or above --fail-on could not run. flask-secure is graded
// A when everything is read: a 403 must not leave it an A with exit 0.
func TestIncompleteAuditIsTrouble(t *testing.T) {
	for _, tc := range []struct {
		name, prefix string
		status       int
		check        string // a check that could not run
	}{
		{"config vars forbidden", "/apps/flask-secure/config-vars", http.StatusForbidden, "secret-key"},
		{"slug download unavailable", "/blobs/flask-secure/", http.StatusServiceUnavailable, "hardcoded-secret"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			url, env := brokenAPI(t, tc.prefix, tc.status)
			code, out, errOut := runCLI(t, env, "--api-url", url, "flask-secure")
			if code != exitTrouble {
				t.Errorf("exit %d, want 2\n%s\n%s", code, out, errOut)
			}
			if !strings.Contains(out, "grade incomplete") || !strings.Contains(out, "could not run:") {
				t.Errorf("the table does not say the grade is incomplete:\n%s", out)
			}
			_, gate := splitGate(errOut)
			if !containsPrefix(gate, tc.check+" could not run on flask-secure") {
				t.Errorf("no gate line for %s: %q", tc.check, gate)
			}

			_, out, _ = runCLI(t, env, "--api-url", url, "-f", "json", "flask-secure")
			var doc struct {
				Gate struct {
					Tripped bool
					Reasons []string
				}
				Apps []struct {
					Grade      string
					Incomplete []string
				}
			}
			if err := json.Unmarshal([]byte(out), &doc); err != nil {
				t.Fatal(err)
			}
			if a := doc.Apps[0]; a.Grade != "incomplete" || !contains(a.Incomplete, tc.check) {
				t.Errorf("json app: grade %q, incomplete %q", a.Grade, a.Incomplete)
			}
			if !doc.Gate.Tripped || !containsPrefix(doc.Gate.Reasons, tc.check+" could not run") {
				t.Errorf("json gate = %+v", doc.Gate)
			}

			for format, want := range map[string]string{
				"markdown": "| incomplete |",
				"junit":    `name="grade" value="incomplete"`,
				"sarif":    `"executionSuccessful": false`,
			} {
				_, out, _ := runCLI(t, env, "--api-url", url, "-f", format, "flask-secure")
				if !strings.Contains(out, want) {
					t.Errorf("%s output lacks %q", format, want)
				}
			}

			// with the gate off, an incomplete audit is reported, not trouble
			if code, _, _ := runCLI(t, env, "--api-url", url, "--fail-on", "none", "flask-secure"); code != exitOK {
				t.Errorf("--fail-on none: exit %d, want 0", code)
			}
		})
	}
}

func TestGateExplainsItself(t *testing.T) {
	code, out, errOut := runCLI(t, nil, "--fixtures", fixturesDir, "-f", "json", "--fail-on", "critical", "--fail-under", "90", "flask-insecure")
	if code != exitGate {
		t.Fatalf("exit %d, want 1", code)
	}
	_, gate := splitGate(errOut)
	want := []string{"debug-mode failed (critical) on flask-insecure", "secret-key failed (critical) on flask-insecure"}
	for _, w := range want {
		if !contains(gate, w) {
			t.Errorf("stderr gate lines %q lack %q", gate, w)
		}
	}
	if !containsPrefix(gate, "flask-insecure scored ") || !strings.Contains(strings.Join(gate, "\n"), "< --fail-under 90") {
		t.Errorf("no --fail-under line in %q", gate)
	}
	if !strings.HasPrefix(lastLine(errOut), "herokuaudit: gate: ") {
		t.Errorf("stderr does not end with the gate: %q", errOut)
	}
	var doc struct {
		Gate *struct {
			Tripped bool
			Reasons []string
		}
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || doc.Gate == nil {
		t.Fatalf("no gate object: %v\n%s", err, out)
	}
	if !doc.Gate.Tripped || strings.Join(doc.Gate.Reasons, "\n") != strings.Join(gate, "\n") {
		t.Errorf("json gate %+v differs from stderr %q", doc.Gate, gate)
	}

	// a clean app: the gate object says so, and stderr is silent
	code, out, errOut = runCLI(t, nil, "--fixtures", fixturesDir, "-f", "json", "flask-secure")
	if code != exitOK || errOut != "" || !strings.Contains(out, `"gate": {
    "tripped": false,
    "reasons": []`) {
		t.Errorf("clean app: exit %d, stderr %q, gate in\n%s", code, errOut, out)
	}
}

func TestAppNamedTwiceIsAuditedOnce(t *testing.T) {
	code, out, errOut := runCLI(t, nil, "--fixtures", fixturesDir, "-f", "json", "flask-secure", "flask-secure")
	var doc struct {
		Apps []struct {
			App, Grade string
			Findings   []struct{ Check, Status string }
		}
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if code != exitOK || len(doc.Apps) != 1 || doc.Apps[0].Grade != "A" {
		t.Fatalf("exit %d, %d apps, stderr %q", code, len(doc.Apps), errOut)
	}
	for _, f := range doc.Apps[0].Findings {
		if f.Check == "shared-secret" && f.Status == "fail" {
			t.Error("an app shares its secrets with itself")
		}
	}
}

func TestFailOnNewNeedsBaseline(t *testing.T) {
	code, out, errOut := runCLI(t, nil, "--fixtures", fixturesDir, "--fail-on-new", "flask-insecure")
	if code != exitTrouble || out != "" || !strings.Contains(errOut, "--fail-on-new needs --baseline") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

// TestNightlyRecipe runs the README's nightly recipe as written, over the
// fixtures' team, from the first night (no baseline yet) to the second.
func TestNightlyRecipe(t *testing.T) {
	recipe := readmeRecipe(t)
	t.Chdir(t.TempDir())
	fixtures, err := filepath.Abs(filepath.Join(startDir, fixturesDir))
	if err != nil {
		t.Fatal(err)
	}
	night := func() (int, string) {
		args := append([]string{"--fixtures", fixtures}, recipe...)
		code, _, errOut := runCLI(t, nil, args...)
		if _, err := os.Stat("tonight.json"); err != nil {
			t.Fatalf("no report written (exit %d): %s", code, errOut)
		}
		if err := os.Rename("tonight.json", "last.json"); err != nil { // the recipe's mv
			t.Fatal(err)
		}
		return code, errOut
	}
	code, errOut := night()
	if code != exitGate || !strings.Contains(errOut, "no baseline yet: every finding is new") {
		t.Errorf("first night: exit %d (want 1: every problem is new), stderr %q", code, errOut)
	}
	code, errOut = night()
	if code != exitOK {
		t.Errorf("second night, nothing new: exit %d, stderr %q", code, errOut)
	}
}

// readmeRecipe returns the arguments of the README's nightly herokuaudit
// line, up to the shell's `;`.
func readmeRecipe(t *testing.T) []string {
	t.Helper()
	f, err := os.Open("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "herokuaudit --team acme") && strings.Contains(line, "--baseline last.json") {
			cmd, _, _ := strings.Cut(line, ";")
			return strings.Fields(cmd)[1:]
		}
	}
	t.Fatal("the README has no nightly recipe")
	return nil
}

// startDir is the package directory, before any test's t.Chdir.
var startDir, _ = os.Getwd()

func contains(list []string, s string) bool {
	for _, l := range list {
		if l == s {
			return true
		}
	}
	return false
}

func containsPrefix(list []string, prefix string) bool {
	for _, l := range list {
		if strings.HasPrefix(l, prefix) {
			return true
		}
	}
	return false
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return lines[len(lines)-1]
}

// TestGateLinesAreBounded: a fleet with hundreds of reasons prints ten
// lines, the last saying how many more the report holds.
func TestGateLinesAreBounded(t *testing.T) {
	for _, n := range []int{1, maxGateLines, maxGateLines + 1, 500} {
		var reasons []string
		for i := range n {
			reasons = append(reasons, fmt.Sprintf("debug-mode failed (critical) on app-%d", i))
		}
		var b strings.Builder
		printGate(system{Stderr: &b}, reasons)
		lines := strings.Split(strings.TrimSpace(b.String()), "\n")
		want := min(n, maxGateLines)
		if len(lines) != want {
			t.Errorf("%d reasons: %d lines, want %d", n, len(lines), want)
		}
		if n > maxGateLines && !strings.HasSuffix(lines[len(lines)-1], fmt.Sprintf("and %d more (the report lists every finding)", n-maxGateLines+1)) {
			t.Errorf("%d reasons: last line %q", n, lines[len(lines)-1])
		}
		if n <= maxGateLines && strings.Contains(b.String(), "more") {
			t.Errorf("%d reasons: %q", n, b.String())
		}
	}
}

// TestHerokuWarningIsOneNotice: an X-Heroku-Warning on every response is
// one notice, in the report and on stderr, cleaned of control characters
// and of the token.
func TestHerokuWarningIsOneNotice(t *testing.T) {
	const token = "tok-0123456789abcdef"
	fixtures := fixture.Handler(fixturesDir)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Heroku-Warning", "this API version is deprecated \u202e for "+token)
		fixtures.ServeHTTP(w, r)
	}))
	defer srv.Close()
	code, out, errOut := runCLI(t, map[string]string{"HEROKU_API_KEY": token}, "--api-url", srv.URL, "-f", "json", "flask-secure")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if n := strings.Count(errOut, "Heroku API: this API version is deprecated"); n != 1 {
		t.Errorf("the warning is on stderr %d times:\n%s", n, errOut)
	}
	if strings.Contains(errOut+out, token) || strings.Contains(errOut, "\u202e") {
		t.Errorf("the token or a control character got through:\n%q", errOut)
	}
	var doc struct{ Notices []string }
	if err := json.Unmarshal([]byte(out), &doc); err != nil || len(doc.Notices) != 1 || !strings.HasPrefix(doc.Notices[0], "Heroku API: ") {
		t.Errorf("notices = %q (%v)", doc.Notices, err)
	}
}
