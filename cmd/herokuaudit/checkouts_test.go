package main

import (
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
