package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestUsageErrors: a mistake on the command line is one line on stderr,
// exit 2, the flag as typed and the nearest real one; nothing on stdout, so
// a redirected report file is never filled with help.
func TestUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"a mistyped flag", []string{"--formt", "json", "app"}, "unknown flag --formt (did you mean --format?); see herokuaudit --help"},
		{"a mistyped flag with =", []string{"--fail-onn=high", "app"}, "unknown flag --fail-onn (did you mean --fail-on?)"},
		{"nothing near", []string{"--zzzzzz", "app"}, "unknown flag --zzzzzz; see herokuaudit --help"},
		{"a timeout without a unit", []string{"--timeout", "30", "app"}, "--timeout 30: use a duration such as 30s or 2m (0 for no limit)"},
		{"a subcommand's flag", []string{"diff", "--fail-onn", "high", "a", "b"}, "unknown flag --fail-onn (did you mean --fail-on?); see herokuaudit diff --help"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, nil, tc.args...)
			if code != exitTrouble || out != "" {
				t.Errorf("exit %d, stdout %q", code, out)
			}
			if line := strings.TrimSpace(errOut); strings.Contains(line, "\n") || !strings.Contains(line, tc.want) {
				t.Errorf("stderr %q, want one line with %q", errOut, tc.want)
			}
		})
	}
}

// TestMistypedFlagKeepsTheReportValid: `--formt json app > audit.json`
// used to fill audit.json with the help text.
func TestMistypedFlagKeepsTheReportValid(t *testing.T) {
	_, out, _ := runCLI(t, nil, "--fixtures", fixturesDir, "--formt", "json", "flask-secure")
	if out != "" {
		t.Errorf("stdout %q", out)
	}
	_, out, _ = runCLI(t, nil, "--fixtures", fixturesDir, "-f", "json", "flask-secure")
	if !json.Valid([]byte(out)) {
		t.Error("the report is not JSON")
	}
}

func TestHelpAndVersion(t *testing.T) {
	for _, args := range [][]string{{"help"}, {"--help"}, {"help", "diff"}} {
		code, out, errOut := runCLI(t, nil, args...)
		if code != exitOK || !strings.Contains(out, "USAGE") || errOut != "" {
			t.Errorf("%v: exit %d, stderr %q\n%s", args, code, errOut, out)
		}
	}
	for _, args := range [][]string{{"version"}, {"--version"}} {
		code, out, _ := runCLI(t, nil, args...)
		if code != exitOK || !strings.HasPrefix(out, "herokuaudit version ") {
			t.Errorf("%v: exit %d, %q", args, code, out)
		}
	}
}

// TestAppFlag: -a APP, the Heroku CLI's reflex, repeatable, beside names.
func TestAppFlag(t *testing.T) {
	code, out, errOut := runCLI(t, nil, "--fixtures", fixturesDir, "-f", "json", "-a", "flask-secure", "-a", "flask-staging")
	var doc struct{ Apps []struct{ App string } }
	if err := json.Unmarshal([]byte(out), &doc); err != nil || code == exitTrouble {
		t.Fatalf("exit %d: %v %s", code, err, errOut)
	}
	if len(doc.Apps) != 2 || doc.Apps[0].App != "flask-secure" || doc.Apps[1].App != "flask-staging" {
		t.Errorf("apps = %+v", doc.Apps)
	}
}

// TestOutputDestination: -o - is stdout; -o FILE says on stderr what went
// where.
func TestOutputDestination(t *testing.T) {
	code, out, errOut := runCLI(t, nil, "--fixtures", fixturesDir, "-f", "json", "-o", "-", "flask-secure")
	if code != exitOK || !json.Valid([]byte(out)) || errOut != "" {
		t.Errorf("-o -: exit %d, stderr %q", code, errOut)
	}
	if _, err := os.Stat("-"); err == nil {
		os.Remove("-")
		t.Error("-o - made a file named -")
	}
	file := filepath.Join(t.TempDir(), "r.json")
	code, out, errOut = runCLI(t, nil, "--fixtures", fixturesDir, "-f", "json", "-o", file, "flask-secure", "flask-insecure")
	want := "herokuaudit: wrote " + file + " (json): 2 apps, "
	if out != "" || !strings.HasPrefix(errOut, want) || !strings.Contains(errOut, "failed checks") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

// TestNoColor: --no-color and TERM=dumb turn colour off on a terminal.
func TestNoColor(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  map[string]string
		args []string
	}{
		{"--no-color", map[string]string{}, []string{"--no-color"}},
		{"TERM=dumb", map[string]string{"TERM": "dumb"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out strings.Builder
			args := append(append([]string{"herokuaudit", "--fixtures", fixturesDir}, tc.args...), "flask-insecure")
			run(t.Context(), args, system{Stdout: &out, Stderr: &strings.Builder{}, Getenv: func(k string) string { return tc.env[k] }, StdoutTTY: true})
			if strings.Contains(out.String(), "\x1b[") {
				t.Error("coloured output")
			}
		})
	}
}

// TestFlagsAnywhere: flags may follow the apps and the command, as in gh
// and the Heroku CLI; a flag given before a command that the command takes
// is the command's; one it does not take is refused, never dropped.
func TestFlagsAnywhere(t *testing.T) {
	for _, tc := range []struct {
		name     string
		args     []string
		code     int
		stdout   string // must appear
		stderr   string // must appear; "" means stderr empty
		noStdout bool
	}{
		{name: "flags after the app", args: []string{"flask-secure", "-f", "json", "--fixtures", fixturesDir}, code: exitOK, stdout: `"schema_version": 1`},
		{name: "-f before checks", args: []string{"-f", "json", "checks"}, code: exitOK, stdout: `"checks": [`},
		{name: "--format= after checks", args: []string{"checks", "--format=json"}, code: exitOK, stdout: `"checks": [`},
		{name: "-f before diff", args: []string{"-f", "json", "--fixtures", fixturesDir, "diff", "flask-staging", "flask-production"}, code: exitGate, stdout: `"entries"`, stderr: "gate:"},
		{name: "-o before diff is refused", args: []string{"-o", "d.json", "--fixtures", fixturesDir, "diff", "flask-staging", "flask-production"}, code: exitTrouble,
			stderr: "--output does not apply to herokuaudit diff", noStdout: true},
		{name: "--fixtures before probe is refused", args: []string{"--fixtures", fixturesDir, "probe", "https://example.invalid"}, code: exitTrouble,
			stderr: "--fixtures does not apply to herokuaudit probe", noStdout: true},
		{name: "-- ends the flags", args: []string{"--fixtures", fixturesDir, "--", "--format"}, code: exitTrouble, stderr: "--format is not an app name"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, nil, tc.args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tc.code, out, errOut)
			}
			if tc.stdout != "" && !strings.Contains(out, tc.stdout) {
				t.Errorf("stdout lacks %q:\n%s", tc.stdout, out)
			}
			if tc.noStdout && out != "" {
				t.Errorf("stdout %q", out)
			}
			if tc.stderr == "" && errOut != "" || !strings.Contains(errOut, tc.stderr) {
				t.Errorf("stderr %q, want %q", errOut, tc.stderr)
			}
		})
	}
	if _, err := os.Stat("d.json"); err == nil {
		os.Remove("d.json")
		t.Error("a refused -o wrote d.json")
	}
}

// TestOnlySkipProblems: --only and --skip narrow the catalog (unknown IDs
// are usage errors with the nearest one), --problems hides passes and
// skips.
func TestOnlySkipProblems(t *testing.T) {
	ids := func(out string) []string {
		var doc struct {
			Apps []struct{ Findings []struct{ Check string } }
		}
		if err := json.Unmarshal([]byte(out), &doc); err != nil || len(doc.Apps) == 0 {
			t.Fatalf("%v\n%s", err, out)
		}
		var got []string
		for _, f := range doc.Apps[0].Findings {
			got = append(got, f.Check)
		}
		return got
	}
	_, out, _ := runCLI(t, nil, "--fixtures", fixturesDir, "-f", "json", "--only", "debug-mode,stack", "flask-insecure")
	if got := strings.Join(ids(out), " "); got != "debug-mode stack" {
		t.Errorf("--only: %s", got)
	}
	_, out, _ = runCLI(t, nil, "--fixtures", fixturesDir, "-f", "json", "--skip", "debug-mode", "flask-insecure")
	if got := ids(out); len(got) == 0 || slicesContains(got, "debug-mode") {
		t.Errorf("--skip: %v", got)
	}
	code, _, errOut := runCLI(t, nil, "--fixtures", fixturesDir, "--only", "debug-mod", "flask-insecure")
	if code != exitTrouble || !strings.Contains(errOut, `--only: unknown check "debug-mod" (did you mean debug-mode?)`) {
		t.Errorf("unknown check: exit %d, %q", code, errOut)
	}
	_, out, _ = runCLI(t, nil, "--fixtures", fixturesDir, "--problems", "flask-secure")
	if !strings.Contains(out, "no problems found") || strings.Contains(out, " pass ") {
		t.Errorf("--problems on a clean app:\n%s", out)
	}
	_, out, _ = runCLI(t, nil, "--fixtures", fixturesDir, "--problems", "flask-insecure")
	if strings.Contains(out, " pass ") || !strings.Contains(out, "debug-mode") {
		t.Errorf("--problems:\n%s", out)
	}
}

// TestTableFitsTheTerminal: at 80 columns every table line fits, fix
// commands excepted (a wrapped command no longer pastes).
func TestTableFitsTheTerminal(t *testing.T) {
	var out strings.Builder
	run(t.Context(), []string{"herokuaudit", "--fixtures", fixturesDir, "flask-insecure"},
		system{Stdout: &out, Stderr: &strings.Builder{}, Getenv: func(string) string { return "" }, Width: 80})
	for _, l := range strings.Split(out.String(), "\n") {
		if n := len([]rune(l)); n > 80 && !strings.Contains(l, "fix:") {
			t.Errorf("%d columns: %q", n, l)
		}
	}
}

func slicesContains(list []string, s string) bool {
	for _, l := range list {
		if l == s {
			return true
		}
	}
	return false
}

// TestSuppressionsFile: a typo is reported as file:line with the nearest
// field; the default file is found in the working directory, the --dir
// checkout, then the git root.
func TestSuppressionsFile(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "rules.yml")
	os.WriteFile(cfg, []byte("suppressions:\n  - check: stack\n    reason: old\n    expire: 2027-01-31\n"), 0o644)
	code, out, errOut := runCLI(t, nil, "--fixtures", fixturesDir, "--config", cfg, "flask-secure")
	if code != exitTrouble || out != "" || strings.TrimSpace(errOut) != "herokuaudit: "+cfg+`:4: unknown field "expire" (did you mean expires?)` {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}

	// a rule that suppresses flask-insecure's critical failures, found in
	// each place in turn: the gate then passes on critical
	rule := "suppressions:\n  - check: debug-mode\n    reason: known\n  - check: secret-key\n    reason: known\n"
	fixtures := filepath.Join(startDir, fixturesDir)
	checkout := filepath.Join(startDir, fixturesDir, "checkouts", "forms-no-csrf")
	for _, tc := range []struct {
		name  string
		setup func(root string) (wd string, args []string)
	}{
		{"working directory", func(root string) (string, []string) {
			os.WriteFile(filepath.Join(root, ".herokuaudit.yml"), []byte(rule), 0o644)
			return root, nil
		}},
		{"git root above it", func(root string) (string, []string) {
			os.Mkdir(filepath.Join(root, ".git"), 0o755)
			os.WriteFile(filepath.Join(root, ".herokuaudit.yml"), []byte(rule), 0o644)
			sub := filepath.Join(root, "src", "app")
			os.MkdirAll(sub, 0o755)
			return sub, nil
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wd, args := tc.setup(t.TempDir())
			t.Chdir(wd)
			code, _, errOut := runCLI(t, nil, append(append([]string{"--fixtures", fixtures, "--fail-on", "critical"}, args...), "flask-insecure")...)
			if code != exitOK {
				t.Errorf("the rules were not found: exit %d, %s", code, errOut)
			}
		})
	}
	// the --dir checkout's own file: forms-no-csrf has none, so a copy
	t.Run("--dir checkout", func(t *testing.T) {
		co := t.TempDir()
		for _, f := range []string{"Procfile", "requirements.txt", "app.py"} {
			if data, err := os.ReadFile(filepath.Join(checkout, f)); err == nil {
				os.WriteFile(filepath.Join(co, f), data, 0o644)
			}
		}
		os.WriteFile(filepath.Join(co, ".herokuaudit.yml"), []byte(rule), 0o644)
		t.Chdir(t.TempDir())
		code, _, errOut := runCLI(t, nil, "--fixtures", fixtures, "--fail-on", "critical", "--dir", co, "flask-insecure")
		if code != exitOK {
			t.Errorf("the checkout's rules were not found: exit %d, %s", code, errOut)
		}
	})
}

// TestTimeoutZeroIsNoLimit: --timeout 0 used to time every app out at once.
func TestTimeoutZeroIsNoLimit(t *testing.T) {
	code, out, errOut := runCLI(t, nil, "--fixtures", fixturesDir, "--timeout", "0", "-f", "json", "flask-secure")
	if code != exitOK || !strings.Contains(out, `"grade": "A"`) {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}

// TestDiffFitsTheTerminal: at 80 columns the diff is a list, every line
// within the width.
func TestDiffFitsTheTerminal(t *testing.T) {
	var out strings.Builder
	run(t.Context(), []string{"herokuaudit", "--fixtures", fixturesDir, "diff", "flask-staging", "flask-production"},
		system{Stdout: &out, Stderr: &strings.Builder{}, Getenv: func(string) string { return "" }, Width: 80})
	if !strings.Contains(out.String(), "SECRET_KEY") {
		t.Fatalf("no diff:\n%s", out.String())
	}
	for _, l := range strings.Split(out.String(), "\n") {
		if n := len([]rune(l)); n > 80 {
			t.Errorf("%d columns: %q", n, l)
		}
	}
}
