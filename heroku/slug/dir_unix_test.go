//go:build unix

package slug

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/herokuaudit/herokuaudit/audit"
)

// readBoth reads root with ReadDir and with ReadCheckout (which reads the
// Procfile first), failing if either takes long: a FIFO opened for reading
// would block forever.
func readBoth(t *testing.T, root string) map[string]*audit.Files {
	t.Helper()
	out := map[string]*audit.Files{}
	for name, read := range map[string]func() (*audit.Files, error){
		"ReadDir":      func() (*audit.Files, error) { return ReadDir(context.Background(), root, Options{}) },
		"ReadCheckout": func() (*audit.Files, error) { return ReadCheckout(context.Background(), root) },
	} {
		type result struct {
			files *audit.Files
			err   error
		}
		done := make(chan result, 1)
		go func() {
			f, err := read()
			done <- result{f, err}
		}()
		select {
		case r := <-done:
			if r.err != nil {
				t.Fatalf("%s: %v", name, r.err)
			}
			out[name] = r.files
		case <-time.After(20 * time.Second):
			t.Fatalf("%s hangs", name)
		}
	}
	return out
}

func mkfifo(t *testing.T, p string) {
	t.Helper()
	if err := syscall.Mkfifo(p, 0o644); err != nil {
		t.Fatal(err)
	}
}

func needGit(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
}

func commitAll(t *testing.T, root string) {
	t.Helper()
	git(t, root, "init", "-q")
	git(t, root, "add", "-A")
	git(t, root, "commit", "-qm", "x")
}

// TestReadDirHostile: nothing outside the checkout is read, and no special
// file is opened, whether git lists the files or the directory is walked.
func TestReadDirHostile(t *testing.T) {
	tests := []struct {
		name        string
		git         bool
		root        bool // needs root (mknod)
		files       map[string]string
		setup       func(t *testing.T, root, outside string)
		wantPaths   []string
		wantSkipped []string
	}{
		{
			name:  "a FIFO named Procfile is skipped, never opened",
			files: map[string]string{"app.py": "x = 1\n"},
			setup: func(t *testing.T, root, _ string) {
				mkfifo(t, filepath.Join(root, "Procfile"))
			},
			wantPaths:   []string{"app.py"},
			wantSkipped: []string{"Procfile: fifo"},
		},
		{
			name:  "a FIFO is the only thing to audit",
			files: map[string]string{},
			setup: func(t *testing.T, root, _ string) {
				mkfifo(t, filepath.Join(root, "Procfile"))
			},
			wantSkipped: []string{"Procfile: fifo"},
		},
		{
			name:  "a tracked Procfile replaced by a FIFO",
			git:   true,
			files: map[string]string{"Procfile": "web: gunicorn app:app\n", "app.py": "x = 1\n"},
			setup: func(t *testing.T, root, _ string) {
				commitAll(t, root)
				rm(t, filepath.Join(root, "Procfile"))
				mkfifo(t, filepath.Join(root, "Procfile"))
			},
			wantPaths:   []string{"app.py"},
			wantSkipped: []string{"Procfile: fifo"},
		},
		{
			name:  "a device named Procfile is skipped, never opened",
			root:  true,
			files: map[string]string{"app.py": "x = 1\n"},
			setup: func(t *testing.T, root, _ string) {
				// /dev/zero's numbers: reading it would never end
				if err := syscall.Mknod(filepath.Join(root, "Procfile"), syscall.S_IFCHR|0o644, 1<<8|5); err != nil {
					t.Skipf("mknod: %v", err)
				}
			},
			wantPaths:   []string{"app.py"},
			wantSkipped: []string{"Procfile: device file"},
		},
		{
			name:  "a Procfile symlinked to /dev/zero",
			files: map[string]string{"app.py": "x = 1\n"},
			setup: func(t *testing.T, root, _ string) {
				symlink(t, "/dev/zero", filepath.Join(root, "Procfile"))
			},
			wantPaths:   []string{"app.py"},
			wantSkipped: []string{"Procfile: symlink"},
		},
		{
			name:  "a tracked directory replaced by a symlink to outside",
			git:   true,
			files: map[string]string{"Procfile": "web: gunicorn app:app\n", "pkg/settings.py": "DEBUG = False\n"},
			setup: func(t *testing.T, root, outside string) {
				commitAll(t, root)
				rm(t, filepath.Join(root, "pkg"))
				symlink(t, outside, filepath.Join(root, "pkg"))
			},
			wantPaths:   []string{"Procfile"},
			wantSkipped: []string{"pkg/settings.py: in a symlinked directory (not followed)"},
		},
		{
			name:  "a tracked directory replaced by a symlink inside the checkout",
			git:   true,
			files: map[string]string{"Procfile": "web: gunicorn app:app\n", "pkg/settings.py": "DEBUG = False\n"},
			setup: func(t *testing.T, root, _ string) {
				commitAll(t, root)
				if err := os.Rename(filepath.Join(root, "pkg"), filepath.Join(root, "real")); err != nil {
					t.Fatal(err)
				}
				symlink(t, "real", filepath.Join(root, "pkg"))
			},
			wantPaths:   []string{"Procfile", "real/settings.py"},
			wantSkipped: []string{"pkg/settings.py: in a symlinked directory (not followed)"},
		},
		{
			name:  "a symlinked directory is not walked",
			files: map[string]string{"Procfile": "web: gunicorn app:app\n"},
			setup: func(t *testing.T, root, outside string) {
				symlink(t, outside, filepath.Join(root, "pkg"))
			},
			wantPaths: []string{"Procfile"},
		},
		{
			name:  "a symlinked requirements file",
			files: map[string]string{"Procfile": "web: gunicorn app:app\n"},
			setup: func(t *testing.T, root, outside string) {
				symlink(t, filepath.Join(outside, "settings.py"), filepath.Join(root, "requirements.txt"))
			},
			wantPaths:   []string{"Procfile"},
			wantSkipped: []string{"requirements.txt: symlink"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.git {
				needGit(t)
			}
			if tt.root && os.Geteuid() != 0 {
				t.Skip("needs root")
			}
			root, outside := t.TempDir(), t.TempDir()
			writeTree(t, outside, map[string]string{"settings.py": "OUTSIDE = 1\n", "Procfile": "OUTSIDE\n"})
			writeTree(t, root, tt.files)
			tt.setup(t, root, outside)
			for name, files := range readBoth(t, root) {
				if got := files.Paths(); !slices.Equal(got, tt.wantPaths) {
					t.Errorf("%s: Paths = %v, want %v", name, got, tt.wantPaths)
				}
				if got := skippedLines(files); !slices.Equal(got, tt.wantSkipped) {
					t.Errorf("%s: Skipped = %q, want %q", name, got, tt.wantSkipped)
				}
				for p, data := range files.Entries {
					if strings.Contains(string(data), "OUTSIDE") {
						t.Errorf("%s: %s was read from outside the checkout", name, p)
					}
				}
				if len(files.Notices) > 0 {
					t.Errorf("%s: Notices = %q", name, files.Notices)
				}
			}
		})
	}
}

func rm(t *testing.T, p string) {
	t.Helper()
	if err := os.RemoveAll(p); err != nil {
		t.Fatal(err)
	}
}

// TestReadDirUnreadable: files and directories that cannot be read are
// listed as skipped, with the reason, never dropped.
func TestReadDirUnreadable(t *testing.T) {
	tests := []struct {
		name        string
		git         bool
		files       map[string]string
		untracked   map[string]string // written after the commit
		locked      []string          // made unreadable after the commit
		wantPaths   []string
		wantSkipped []string
		// as root with the thread's file access dropped, git itself still
		// lists the directory, and its files are skipped one by one
		orSkipped []string
	}{
		{
			name:        "an unreadable Procfile",
			files:       map[string]string{"Procfile": "web: gunicorn app:app\n", "app.py": "x = 1\n"},
			locked:      []string{"Procfile"},
			wantPaths:   []string{"app.py"},
			wantSkipped: []string{"Procfile: unreadable: permission denied"},
		},
		{
			name:        "an unreadable Procfile is still something to audit",
			files:       map[string]string{"Procfile": "web: gunicorn app:app\n"},
			locked:      []string{"Procfile"},
			wantSkipped: []string{"Procfile: unreadable: permission denied"},
		},
		{
			name:        "an unreadable tracked file",
			git:         true,
			files:       map[string]string{"Procfile": "web: gunicorn app:app\n", "app.py": "x = 1\n"},
			locked:      []string{"app.py"},
			wantPaths:   []string{"Procfile"},
			wantSkipped: []string{"app.py: unreadable: permission denied"},
		},
		{
			name:        "an unreadable directory",
			files:       map[string]string{"Procfile": "web: gunicorn app:app\n", "pkg/app.py": "x = 1\n"},
			locked:      []string{"pkg"},
			wantPaths:   []string{"Procfile"},
			wantSkipped: []string{"pkg/: unreadable: permission denied"},
		},
		{
			name:        "an unreadable directory is still something to audit",
			files:       map[string]string{"pkg/app.py": "x = 1\n"},
			locked:      []string{"pkg"},
			wantSkipped: []string{"pkg/: unreadable: permission denied"},
		},
		{
			name:        "an unreadable untracked directory in git",
			git:         true,
			files:       map[string]string{"Procfile": "web: gunicorn app:app\n"},
			untracked:   map[string]string{"pkg/app.py": "x = 1\n"},
			locked:      []string{"pkg"},
			wantPaths:   []string{"Procfile"},
			wantSkipped: []string{"pkg/: unreadable: permission denied"},
			orSkipped:   []string{"pkg/app.py: unreadable: permission denied"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.git {
				needGit(t)
			}
			root := t.TempDir()
			writeTree(t, root, tt.files)
			if tt.git {
				commitAll(t, root)
			}
			writeTree(t, root, tt.untracked)
			for _, p := range tt.locked {
				p = filepath.Join(root, p)
				if err := os.Chmod(p, 0); err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { _ = os.Chmod(p, 0o755) })
			}
			unprivileged(t, root)
			files, err := ReadDir(context.Background(), root, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if got := files.Paths(); !slices.Equal(got, tt.wantPaths) {
				t.Errorf("Paths = %v, want %v", got, tt.wantPaths)
			}
			if got := skippedLines(files); !slices.Equal(got, tt.wantSkipped) &&
				(tt.orSkipped == nil || !slices.Equal(got, tt.orSkipped)) {
				t.Errorf("Skipped = %q, want %q", got, tt.wantSkipped)
			}
		})
	}
}

// TestReadDirUnreadableRoot: a checkout that cannot be listed at all is an
// error, not an empty audit.
func TestReadDirUnreadableRoot(t *testing.T) {
	parent := t.TempDir()
	root := filepath.Join(parent, "app")
	writeTree(t, root, map[string]string{"Procfile": "web: gunicorn app:app\n"})
	if err := os.Chmod(root, 0); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.Chmod(root, 0o755) })
	unprivileged(t, parent)
	_, err := ReadDir(context.Background(), root, Options{})
	if !errors.Is(err, ErrUnreadableDir) || err.Error() != root+": unreadable directory: permission denied" {
		t.Errorf("err = %v, want %v", err, ErrUnreadableDir)
	}
}

// TestReadDirGitListing: git lists what a push would deploy, with the
// checkout's own configuration kept from running anything; when git cannot
// list a checkout that has a .git, every file is read and the run says so.
func TestReadDirGitListing(t *testing.T) {
	needGit(t)
	const fellBack = "): every file was read, including ignored ones"
	app := map[string]string{
		"Procfile":   "web: gunicorn app:app\n",
		"app.py":     "x = 1\n",
		"ignored.py": "x = 1\n",
		".gitignore": "ignored.py\n.env.local\n",
		".env":       "SECRET_KEY=FIXTURESECRET",
		".env.local": "SECRET_KEY=FIXTURESECRET",
	}
	tests := []struct {
		name          string
		needRoot      bool
		setup         func(t *testing.T, root string) string // returns the directory to read
		env           map[string]string
		wantPaths     []string
		wantNoted     []string
		wantUntracked []string
		wantNotices   []string
	}{
		{
			name: "an untracked .env that is not ignored",
			setup: func(t *testing.T, root string) string {
				git(t, root, "init", "-q")
				git(t, root, "add", "Procfile", "app.py", ".gitignore")
				git(t, root, "commit", "-qm", "x")
				return root
			},
			wantPaths:     []string{"Procfile", "app.py"},
			wantNoted:     []string{".env"},
			wantUntracked: []string{".env"},
		},
		{
			name: "a committed .env is not untracked",
			setup: func(t *testing.T, root string) string {
				commitAll(t, root)
				return root
			},
			wantPaths: []string{"Procfile", "app.py"},
			wantNoted: []string{".env"},
		},
		{
			name: "a checkout in a subdirectory of the repository",
			setup: func(t *testing.T, root string) string {
				sub := filepath.Join(root, "services", "web")
				writeTree(t, sub, app)
				git(t, root, "init", "-q")
				git(t, root, "add", "services/web/Procfile", "services/web/app.py", "services/web/.gitignore")
				git(t, root, "commit", "-qm", "x")
				return sub
			},
			wantPaths:     []string{"Procfile", "app.py"},
			wantNoted:     []string{".env"},
			wantUntracked: []string{".env"},
		},
		{
			name: "a checkout given as a symlink",
			setup: func(t *testing.T, root string) string {
				commitAll(t, root)
				link := filepath.Join(t.TempDir(), "link")
				symlink(t, root, link)
				return link
			},
			wantPaths: []string{"Procfile", "app.py"},
			wantNoted: []string{".env"},
		},
		{
			name: "git is not installed",
			setup: func(t *testing.T, root string) string {
				commitAll(t, root)
				return root
			},
			env:         map[string]string{"PATH": "/nonexistent"},
			wantPaths:   []string{"Procfile", "app.py", "ignored.py"},
			wantNoted:   []string{".env", ".env.local"},
			wantNotices: []string{"git could not list the checkout (git is not installed" + fellBack},
		},
		{
			name:      "git is not installed and there is no .git",
			setup:     func(t *testing.T, root string) string { return root },
			env:       map[string]string{"PATH": "/nonexistent"},
			wantPaths: []string{"Procfile", "app.py", "ignored.py"},
			wantNoted: []string{".env", ".env.local"},
		},
		{
			name:      "not a git work tree",
			setup:     func(t *testing.T, root string) string { return root },
			wantPaths: []string{"Procfile", "app.py", "ignored.py"},
			wantNoted: []string{".env", ".env.local"},
		},
		{
			name: "a .git in which git finds no repository",
			setup: func(t *testing.T, root string) string {
				writeTree(t, root, map[string]string{".git": "gitdir: /nonexistent\n"})
				return root
			},
			wantPaths:   []string{"Procfile", "app.py", "ignored.py"},
			wantNoted:   []string{".env", ".env.local"},
			wantNotices: []string{"git could not list the checkout (a .git is there, but git finds no repository in it" + fellBack},
		},
		{
			name:     "a repository of another user (dubious ownership)",
			needRoot: true,
			setup: func(t *testing.T, root string) string {
				commitAll(t, root)
				chownAll(t, root, 65534)
				return root
			},
			// the user's own configuration might trust every directory
			env: map[string]string{
				"HOME": os.DevNull, "XDG_CONFIG_HOME": os.DevNull, "GIT_CONFIG_GLOBAL": os.DevNull,
				"GIT_CONFIG_NOSYSTEM": "1", "SUDO_UID": "",
			},
			wantPaths:   []string{"Procfile", "app.py", "ignored.py"},
			wantNoted:   []string{".env", ".env.local"},
			wantNotices: []string{"git could not list the checkout (dubious ownership: the repository belongs to another user and is not a safe.directory" + fellBack},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.needRoot && os.Geteuid() != 0 {
				t.Skip("needs root to give the checkout another owner")
			}
			root := t.TempDir()
			writeTree(t, root, app)
			dir := tt.setup(t, root)
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			files, err := ReadDir(context.Background(), dir, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if got := files.Paths(); !slices.Equal(got, tt.wantPaths) {
				t.Errorf("Paths = %v, want %v", got, tt.wantPaths)
			}
			if !slices.Equal(files.Noted, tt.wantNoted) {
				t.Errorf("Noted = %q, want %q", files.Noted, tt.wantNoted)
			}
			if !slices.Equal(files.Untracked, tt.wantUntracked) {
				t.Errorf("Untracked = %q, want %q", files.Untracked, tt.wantUntracked)
			}
			if !slices.Equal(files.Notices, tt.wantNotices) {
				t.Errorf("Notices = %q, want %q", files.Notices, tt.wantNotices)
			}
			if len(files.Skipped) > 0 {
				t.Errorf("Skipped = %q", skippedLines(files))
			}
		})
	}
}

func chownAll(t *testing.T, root string, uid int) {
	t.Helper()
	err := filepath.Walk(root, func(p string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, uid, uid)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestReadDirGitConfigRunsNothing: a checkout's .git/config is as untrusted
// as its files; the fsmonitor command it names must not run.
func TestReadDirGitConfigRunsNothing(t *testing.T) {
	needGit(t)
	root := t.TempDir()
	writeTree(t, root, map[string]string{"Procfile": "web: gunicorn app:app\n", "app.py": "x = 1\n"})
	commitAll(t, root)
	marker := filepath.Join(t.TempDir(), "ran")
	hook := filepath.Join(t.TempDir(), "fsmonitor.sh")
	if err := os.WriteFile(hook, []byte("#!/bin/sh\ntouch '"+marker+"'\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	git(t, root, "config", "core.fsmonitor", hook)
	git(t, root, "config", "core.hooksPath", filepath.Dir(hook))

	files, err := ReadDir(context.Background(), root, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := files.Paths(), []string{"Procfile", "app.py"}; !slices.Equal(got, want) {
		t.Errorf("Paths = %v, want %v", got, want)
	}
	if _, err := os.Stat(marker); err == nil {
		t.Fatal("the checkout's core.fsmonitor command ran")
	}
	// The same listing without the guard runs it: the test proves something.
	if out, err := exec.Command("git", "-C", root, "ls-files").CombinedOutput(); err != nil {
		t.Fatalf("git ls-files: %v\n%s", err, out)
	}
	if _, err := os.Stat(marker); err != nil {
		t.Skip("this git does not run core.fsmonitor for ls-files; nothing was proven")
	}
}

// TestReadRegularFIFO: a file swapped for a FIFO after it was listed is
// refused once open, without blocking for a writer.
func TestReadRegularFIFO(t *testing.T) {
	dir := t.TempDir()
	mkfifo(t, filepath.Join(dir, "Procfile"))
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	done := make(chan error, 1)
	go func() {
		_, err := readRegular(root, "Procfile", 1<<20)
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, errNotRegular) {
			t.Errorf("err = %v, want %v", err, errNotRegular)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("readRegular blocks on a FIFO")
	}
}
