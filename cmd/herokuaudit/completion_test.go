package main

import (
	"os/exec"
	"strings"
	"testing"
)

func TestCompletion(t *testing.T) {
	for _, shell := range []string{"bash", "zsh", "fish"} {
		t.Run(shell, func(t *testing.T) {
			code, out, errOut := runCLI(t, nil, "completion", shell)
			if code != exitOK || errOut != "" || out == "" {
				t.Fatalf("exit %d, stderr %q, %d bytes", code, errOut, len(out))
			}
			for _, w := range []string{"herokuaudit", "format", "fixtures", "fail-on", "no-color", "diff", "checks", "explain", "demo", "completion", "man"} {
				if !strings.Contains(out, w) {
					t.Errorf("%s script lacks %q", shell, w)
				}
			}
			if shell != "fish" && !strings.Contains(out, "--format") {
				t.Errorf("%s script lacks --format", shell)
			}
			if sh, err := exec.LookPath(shell); err == nil {
				cmd := exec.Command(sh, "-n")
				cmd.Stdin = strings.NewReader(out)
				if b, err := cmd.CombinedOutput(); err != nil {
					t.Errorf("%s -n: %v\n%s", shell, err, b)
				}
			}
		})
	}
	for _, args := range [][]string{{"completion"}, {"completion", "tcsh"}, {"completion", "bash", "zsh"}} {
		code, out, errOut := runCLI(t, nil, args...)
		if code != exitTrouble || out != "" || !strings.Contains(errOut, "bash, zsh or fish") {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, code, out, errOut)
		}
	}
}

func TestMan(t *testing.T) {
	code, out, errOut := runCLI(t, nil, "man")
	if code != exitOK || errOut != "" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	if !strings.HasPrefix(out, ".") || !strings.Contains(out, ".SH") {
		t.Errorf("not a roff man page:\n%.300s", out)
	}
	app := newApp(system{}, new(int))
	for _, f := range app.Flags {
		if n := f.Names()[0]; !strings.Contains(out, "--"+n) {
			t.Errorf("man page lacks --%s", n)
		}
	}
	for _, c := range append(app.Commands, extraCommands(system{}, new(int))...) {
		if !strings.Contains(out, c.Name) {
			t.Errorf("man page lacks the command %s", c.Name)
		}
		for _, f := range c.Flags {
			if n := f.Names()[0]; !strings.Contains(out, "--"+n) {
				t.Errorf("man page lacks %s --%s", c.Name, n)
			}
		}
	}
	if code, _, errOut := runCLI(t, nil, "man", "x"); code != exitTrouble || !strings.Contains(errOut, "no arguments") {
		t.Errorf("man x: exit %d, %s", code, errOut)
	}
}
