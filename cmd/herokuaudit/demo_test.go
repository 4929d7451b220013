package main

import (
	"strings"
	"testing"
)

// fromNowhere runs the rest of a test from a directory with no fixtures
// on disk: only the ones built into the binary can answer.
func fromNowhere(t *testing.T) {
	t.Helper()
	t.Chdir(t.TempDir())
}

func TestDemo(t *testing.T) {
	// the report the demo must print, from the fixtures on disk
	_, want, _ := runCLI(t, nil, "--fixtures", fixturesDir, demoApp)
	_, wantPipeline, _ := runCLI(t, nil, "--fixtures", fixturesDir, "--pipeline", "example-pipeline")
	fromNowhere(t) // and from here on, no fixtures on disk

	code, out, errOut := runCLI(t, nil, "demo")
	if code != exitGate {
		t.Errorf("exit code = %d, want 1\nstderr:\n%s", code, errOut)
	}
	if out != want {
		t.Errorf("demo stdout is not the full report of %s over the fixtures:\n--- demo\n%s\n--- --fixtures %s\n%s", demoApp, out, fixturesDir, want)
	}
	for _, w := range []string{demoApp + "  score", "grade F", "heroku config:unset DEBUG -a " + demoApp} {
		if !strings.Contains(out, w) {
			t.Errorf("stdout lacks %q", w)
		}
	}
	lines := strings.Split(strings.TrimSuffix(errOut, "\n"), "\n")
	last := lines[len(lines)-1]
	if !strings.HasPrefix(last, "herokuaudit: demo: exit 1 is the gate working") || !strings.Contains(last, "planted") {
		t.Errorf("stderr does not end by explaining exit 1:\n%s", errOut)
	}

	t.Run("--fixtures demo", func(t *testing.T) {
		code, out, _ := runCLI(t, nil, "--fixtures", demoFixtures, demoApp)
		if code != exitGate || out != want {
			t.Errorf("exit %d, stdout:\n%s", code, out)
		}
	})
	t.Run("pipeline by app ids", func(t *testing.T) {
		_, got, _ := runCLI(t, nil, "--fixtures", demoFixtures, "--pipeline", "example-pipeline")
		if got != wantPipeline || !strings.Contains(got, "my-cedar-app") {
			t.Errorf("--fixtures demo --pipeline:\n%s\nwant:\n%s", got, wantPipeline)
		}
	})
	t.Run("clean sample", func(t *testing.T) {
		code, out, errOut := runCLI(t, nil, "demo", "flask-secure")
		if code != exitOK || !strings.Contains(out, "grade A") || strings.Contains(errOut, "demo:") {
			t.Errorf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
		}
	})
	t.Run("usage", func(t *testing.T) {
		code, _, errOut := runCLI(t, nil, "demo", "a", "b")
		if code != exitTrouble || !strings.Contains(errOut, "one sample app") {
			t.Errorf("exit %d, stderr %s", code, errOut)
		}
	})
}
