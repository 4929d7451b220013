package main

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"
)

// runWithExtra runs the whole command as run does, with extraCommands
// registered when newApp does not register them yet.
func runWithExtra(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	sys := system{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}
	code = exitOK
	app := newApp(sys, &code)
	if !slices.ContainsFunc(app.Commands, func(c *cli.Command) bool { return c.Name == "demo" }) {
		app.Commands = append(app.Commands, extraCommands(sys, &code)...)
	}
	argv := append([]string{"herokuaudit"}, args...)
	withUsageErrors(app, argv)
	argv = append(argv[:1:1], reorder(app, argv[1:])...)
	if err := app.RunContext(context.Background(), argv); err != nil {
		var ee *exitError
		if errors.As(err, &ee) {
			if ee.msg != "" {
				say(sys, ee.msg)
			}
			code = ee.code
		} else {
			say(sys, err.Error())
			code = exitTrouble
		}
	}
	return code, out.String(), errb.String()
}

// needEmbeddedWired skips until newClient serves --fixtures demo from the
// embedded fixtures (run.go calls embeddedFixtures).
func needEmbeddedWired(t *testing.T) {
	t.Helper()
	t.Chdir(t.TempDir())
	if _, _, errOut := runWithExtra(t, "--fixtures", demoFixtures, "flask-secure"); strings.Contains(errOut, "not a directory") {
		t.Skip("newClient does not call embeddedFixtures yet")
	}
}

func TestDemo(t *testing.T) {
	// the report the demo must print, from the fixtures on disk
	_, want, _ := runCLI(t, nil, "--fixtures", fixturesDir, demoApp)
	_, wantPipeline, _ := runCLI(t, nil, "--fixtures", fixturesDir, "--pipeline", "example-pipeline")
	needEmbeddedWired(t) // and from here on, no fixtures on disk

	code, out, errOut := runWithExtra(t, "demo")
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
		code, out, _ := runWithExtra(t, "--fixtures", demoFixtures, demoApp)
		if code != exitGate || out != want {
			t.Errorf("exit %d, stdout:\n%s", code, out)
		}
	})
	t.Run("pipeline by app ids", func(t *testing.T) {
		_, got, _ := runWithExtra(t, "--fixtures", demoFixtures, "--pipeline", "example-pipeline")
		if got != wantPipeline || !strings.Contains(got, "my-cedar-app") {
			t.Errorf("--fixtures demo --pipeline:\n%s\nwant:\n%s", got, wantPipeline)
		}
	})
	t.Run("clean sample", func(t *testing.T) {
		code, out, errOut := runWithExtra(t, "demo", "flask-secure")
		if code != exitOK || !strings.Contains(out, "grade A") || strings.Contains(errOut, "demo:") {
			t.Errorf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
		}
	})
	t.Run("usage", func(t *testing.T) {
		code, _, errOut := runWithExtra(t, "demo", "a", "b")
		if code != exitTrouble || !strings.Contains(errOut, "one sample app") {
			t.Errorf("exit %d, stderr %s", code, errOut)
		}
	})
}
