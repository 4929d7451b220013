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
		locked      []string // made unreadable after the commit
		wantPaths   []string
		wantSkipped []string
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
			if got := skippedLines(files); !slices.Equal(got, tt.wantSkipped) {
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
