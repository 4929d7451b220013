//go:build unix

package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestOutputRefusesNonRegular: -o replaces its target by renaming a new
// file over it, so anything but a regular file or a new path is refused,
// before the audit runs, with the target left as it was.
func TestOutputRefusesNonRegular(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "elsewhere.json")
	os.WriteFile(target, []byte("keep"), 0o644)
	link := filepath.Join(dir, "link.json")
	os.Symlink(target, link)
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, out, want string }{
		{"a device", os.DevNull, "not a regular file"},
		{"a directory", dir, "not a regular file"},
		{"a fifo", fifo, "not a regular file"},
		{"a symlink", link, "a symlink"},
		{"no such directory", filepath.Join(dir, "no", "r.json"), "no directory"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, nil, "--fixtures", fixturesDir, "-f", "json", "-o", tc.out, "flask-secure")
			if code != exitTrouble || out != "" || !strings.Contains(errOut, "--output "+tc.out+": "+tc.want) {
				t.Errorf("exit %d, stdout %q, stderr %q", code, out, errOut)
			}
		})
	}
	if st, err := os.Stat(os.DevNull); err != nil || st.Mode().IsRegular() {
		t.Errorf("%s was replaced", os.DevNull)
	}
	if data, _ := os.ReadFile(target); string(data) != "keep" {
		t.Errorf("the symlink's target was written: %q", data)
	}
	// a new path and an existing report are written
	for _, p := range []string{filepath.Join(dir, "new.json"), target} {
		if code, _, errOut := runCLI(t, nil, "--fixtures", fixturesDir, "-f", "json", "-o", p, "flask-secure"); code != exitOK {
			t.Errorf("-o %s: exit %d, %s", p, code, errOut)
		}
	}
}

// TestInputFilesAreBounded: the suppressions file found in the working
// directory and the baseline are read only when they are regular files
// under a cap; a FIFO must not hang the run, /dev/zero must not fill memory.
func TestInputFilesAreBounded(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	fixtures := filepath.Join(startDir, fixturesDir)
	elsewhere := filepath.Join(t.TempDir(), "rules.yml")
	os.WriteFile(elsewhere, []byte("suppressions: []\n"), 0o644)

	for _, tc := range []struct {
		name  string
		setup func()
		args  []string
		want  string
	}{
		{"default config is a fifo", func() { syscall.Mkfifo(defaultConfigFile, 0o644) }, nil, ".herokuaudit.yml: cannot read it: not a regular file"},
		{"default config links to /dev/zero", func() { os.Symlink("/dev/zero", defaultConfigFile) }, nil, "a symlink (not followed)"},
		{"default config links outside", func() { os.Symlink(elsewhere, defaultConfigFile) }, nil, "a symlink (not followed)"},
		{"default config too large", func() { os.WriteFile(defaultConfigFile, make([]byte, maxConfigFile+1), 0o644) }, nil, "larger than 1 MiB"},
		{"--config /dev/zero", func() {}, []string{"--config", "/dev/zero"}, "--config /dev/zero: cannot read it: not a regular file"},
		{"--baseline is a fifo", func() { syscall.Mkfifo("last.json", 0o644) }, []string{"--baseline", "last.json"}, "--baseline last.json: cannot read it: not a regular file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			os.Remove(defaultConfigFile)
			os.Remove("last.json")
			tc.setup()
			done := make(chan struct{})
			var code int
			var errOut string
			go func() {
				defer close(done)
				code, _, errOut = runCLI(t, nil, append(append([]string{"--fixtures", fixtures}, tc.args...), "flask-secure")...)
			}()
			select {
			case <-done:
			case <-time.After(20 * time.Second):
				t.Fatal("the run hangs on its input file")
			}
			if code != exitTrouble || !strings.Contains(errOut, tc.want) {
				t.Errorf("exit %d, stderr %q, want %q", code, errOut, tc.want)
			}
		})
	}
	// a --config named explicitly may be a symlink: the user chose it
	os.Remove(defaultConfigFile)
	os.Symlink(elsewhere, "mine.yml")
	if code, _, errOut := runCLI(t, nil, "--fixtures", fixtures, "--config", "mine.yml", "flask-secure"); code != exitOK {
		t.Errorf("--config through a symlink: exit %d, %s", code, errOut)
	}
}

// TestStderrIsSanitized: text from input files reaches stderr with its
// control characters escaped, never as terminal escape sequences.
func TestStderrIsSanitized(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "rules.yml")
	os.WriteFile(cfg, []byte("suppressions:\n  - check: stack\n    reason: \"old \\e[31mred\\e[0m \\a\"\n    expires: 2020-01-01\n"), 0o644)
	_, _, errOut := runCLI(t, nil, "--fixtures", fixturesDir, "--config", cfg, "flask-secure")
	if strings.ContainsAny(errOut, "\x1b\a") {
		t.Errorf("raw control characters on stderr: %q", errOut)
	}
	if !strings.Contains(errOut, `old \x1b[31mred\x1b[0m \x07`) {
		t.Errorf("the reason is not shown escaped: %q", errOut)
	}
}
