package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestExampleCheckouts audits the README's example checkouts with --dir and
// no app: each mistake is caught from the files alone.
func TestExampleCheckouts(t *testing.T) {
	cases := []struct {
		dir, check, status, message string
		code                        int
	}{
		{"gunicorn-reload", "debug-mode", "fail", "gunicorn --reload", exitGate},
		{"flask-run-debug", "debug-mode", "fail", "flask run --debug", exitGate},
		{"python-app-debug", "debug-mode", "fail", "app.run(debug=True) in app.py", exitGate},
		// a warn does not trip the default gate (fail at high)
		{"forms-no-csrf", "csrf-protection", "warn", "POST forms but neither Flask-WTF nor Flask-SeaSurf", exitOK},
	}
	for _, c := range cases {
		t.Run(c.dir, func(t *testing.T) {
			dir := filepath.Join(fixturesDir, "checkouts", c.dir)
			code, out, errOut := runCLI(t, nil, "--dir", dir, "-f", "json")
			if code != c.code {
				t.Errorf("exit %d, want %d\n%s", code, c.code, errOut)
			}
			f := findingOf(t, out, c.dir, c.check)
			if f["status"] != c.status || !strings.Contains(f["message"].(string), c.message) {
				t.Errorf("%s = %v %q, want %s containing %q", c.check, f["status"], f["message"], c.status, c.message)
			}
		})
	}
}

// TestCheckoutThatCannotBeAudited: a --dir that is missing, empty, a file,
// or holds nothing to audit stops the run with exit 2 and one line naming
// the path; none of them may score an A.
func TestCheckoutThatCannotBeAudited(t *testing.T) {
	empty := t.TempDir()
	docsOnly := t.TempDir()
	os.WriteFile(filepath.Join(docsOnly, "README.md"), []byte("# notes\n"), 0o644)
	aFile := filepath.Join(docsOnly, "README.md")
	for _, tc := range []struct{ name, dir, want string }{
		{"no such directory", filepath.Join(empty, "nope"), "no such directory"},
		{"an empty directory", empty, "empty directory"},
		{"a file", aFile, "not a directory"},
		{"nothing to audit", docsOnly, "nothing to audit"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, nil, "--dir", tc.dir)
			if code != exitTrouble || out != "" {
				t.Errorf("exit %d, stdout %q", code, out)
			}
			line := strings.TrimSpace(errOut)
			if strings.Contains(line, "\n") || !strings.Contains(line, tc.want) || !strings.Contains(line, tc.dir) {
				t.Errorf("stderr %q: want one line naming %s and %q", errOut, tc.dir, tc.want)
			}
		})
	}
}

// TestCheckoutGitCannotList: when git cannot list a checkout that has a
// .git, the run says every file was read, on stderr and in the report.
func TestCheckoutGitCannotList(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "Procfile"), []byte("web: gunicorn app:app\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "requirements.txt"), []byte("flask==3.1.0\ngunicorn==23.0.0\n"), 0o644)
	os.Mkdir(filepath.Join(dir, ".git"), 0o755) // a .git git finds no repository in
	_, out, errOut := runCLI(t, nil, "--dir", dir)
	const want = "git could not list the checkout"
	if !strings.Contains(errOut, want) || !strings.Contains(out, "notice: "+want) {
		t.Errorf("no notice\nstdout:\n%s\nstderr:\n%s", out, errOut)
	}
}
