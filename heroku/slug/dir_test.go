package slug

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/herokuaudit/herokuaudit/audit"
)

func writeTree(t *testing.T, root string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func git(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-C", dir, "-c", "user.email=t@example.com", "-c", "user.name=t"}, args...)...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
}

var sampleCheckout = map[string]string{
	"Procfile":                   "web: gunicorn app:app\r\n",
	".python-version":            "3.13\n",
	"requirements.txt":           "flask==3.1.2\n",
	"app.py":                     "from flask import Flask\n",
	"templates/index.html":       "<p>{{ x }}</p>",
	"static/logo.png":            "png",
	".env":                       "SECRET_KEY=FIXTURESECRET-dotenv",
	"venv/lib/site.py":           "x = 1\n",
	"node_modules/x/index.py":    "x = 1\n",
	"notes/scratch.py":           "print('untracked but not ignored')\n",
	"build/generated_ignored.py": "x = 1\n",
	".gitignore":                 ".env\nvenv/\nbuild/\n",
}

func TestReadDirGit(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	tests := []struct {
		name       string
		trackEnv   bool
		wantPaths  []string
		wantNoted  []string
		wantAbsent []string
	}{
		{
			name:       "ignored files do not deploy",
			wantPaths:  []string{".python-version", "Procfile", "app.py", "notes/scratch.py", "requirements.txt", "templates/index.html"},
			wantAbsent: []string{"venv/lib/site.py", "build/generated_ignored.py", "static/logo.png", "node_modules/x/index.py"},
		},
		{
			name:      "a committed .env is noted, never read",
			trackEnv:  true,
			wantPaths: []string{".python-version", "Procfile", "app.py", "notes/scratch.py", "requirements.txt", "templates/index.html"},
			wantNoted: []string{".env"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			writeTree(t, root, sampleCheckout)
			git(t, root, "init", "-q")
			git(t, root, "add", "Procfile", ".python-version", "requirements.txt", "app.py", "templates", ".gitignore", "static")
			if tt.trackEnv {
				git(t, root, "add", "-f", ".env")
			}
			git(t, root, "commit", "-qm", "x")
			files, err := ReadDir(context.Background(), root, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if files.Origin != "dir" {
				t.Errorf("Origin = %q", files.Origin)
			}
			if got := files.Paths(); !slices.Equal(got, tt.wantPaths) {
				t.Errorf("Paths = %v, want %v", got, tt.wantPaths)
			}
			if !slices.Equal(files.Noted, tt.wantNoted) {
				t.Errorf("Noted = %v, want %v", files.Noted, tt.wantNoted)
			}
			if b, _ := files.Get("Procfile"); string(b) != "web: gunicorn app:app\r\n" {
				t.Errorf("Procfile not byte-exact: %q", b)
			}
			for _, e := range files.Entries {
				if strings.Contains(string(e), "FIXTURESECRET") {
					t.Error(".env content was read")
				}
			}
		})
	}
}

func TestReadDirPlain(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{
		"Procfile":       "web: python app.py\n",
		"app.py":         "x = 1\n",
		"big.py":         strings.Repeat("#", 2<<20),
		".venv/x.py":     "x = 1\n",
		".env.local":     "A=FIXTURESECRET",
		"config/gun.cfg": "workers = 2\n",
	})
	if err := os.Symlink("/etc/passwd", filepath.Join(root, "requirements.txt")); err != nil {
		t.Fatal(err)
	}
	files, err := ReadDir(context.Background(), root, Options{Extra: []string{"config/gun.cfg"}})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := files.Paths(), []string{"Procfile", "app.py", "config/gun.cfg"}; !slices.Equal(got, want) {
		t.Errorf("Paths = %v, want %v", got, want)
	}
	if !slices.Equal(files.Noted, []string{".env.local"}) {
		t.Errorf("Noted = %v", files.Noted)
	}
	skipped := strings.Join(skippedLines(files), "\n")
	for _, want := range []string{"big.py: larger than", "requirements.txt: symlink"} {
		if !strings.Contains(skipped, want) {
			t.Errorf("Skipped lacks %q: %v", want, files.Skipped)
		}
	}
}

func TestReadDirErrors(t *testing.T) {
	_, noGit := exec.LookPath("git")
	tests := []struct {
		name  string
		git   bool
		setup func(t *testing.T) string // returns the directory to read
		want  error
		msg   string // the error's text after "DIR: "
	}{
		{
			name:  "no such directory",
			setup: func(t *testing.T) string { return filepath.Join(t.TempDir(), "missing") },
			want:  ErrNoSuchDir, msg: "no such directory",
		},
		{
			name: "a symlink to nowhere",
			setup: func(t *testing.T) string {
				link := filepath.Join(t.TempDir(), "link")
				symlink(t, filepath.Join(t.TempDir(), "gone"), link)
				return link
			},
			want: ErrNoSuchDir, msg: "no such directory",
		},
		{
			name: "a file",
			setup: func(t *testing.T) string {
				f := filepath.Join(t.TempDir(), "file")
				writeTree(t, filepath.Dir(f), map[string]string{"file": "x"})
				return f
			},
			want: ErrNotDir, msg: "not a directory",
		},
		{
			name: "below a file",
			setup: func(t *testing.T) string {
				root := t.TempDir()
				writeTree(t, root, map[string]string{"file": "x"})
				return filepath.Join(root, "file", "sub")
			},
			want: ErrNotDir, msg: "not a directory",
		},
		{
			name: "a symlink loop",
			setup: func(t *testing.T) string {
				link := filepath.Join(t.TempDir(), "loop")
				symlink(t, link, link)
				return link
			},
			want: ErrUnreadableDir, msg: "unreadable directory: too many levels of symbolic links",
		},
		{
			name:  "an empty directory",
			setup: func(t *testing.T) string { return t.TempDir() },
			want:  ErrEmptyDir, msg: "empty directory",
		},
		{
			name: "static files and templates only",
			setup: func(t *testing.T) string {
				root := t.TempDir()
				writeTree(t, root, map[string]string{"templates/index.html": "<p>", "static/app.js": "x", "README.md": "x"})
				return root
			},
			want: ErrNothingToAudit, msg: "nothing to audit: no Procfile, requirements or Python files",
		},
		{
			name: "Python files only in dependency directories",
			setup: func(t *testing.T) string {
				root := t.TempDir()
				writeTree(t, root, map[string]string{"venv/lib/x.py": "x = 1\n", "node_modules/y/z.py": "x = 1\n"})
				return root
			},
			want: ErrNothingToAudit, msg: "nothing to audit: no Procfile, requirements or Python files",
		},
		{
			name: "a fresh git repository",
			git:  true,
			setup: func(t *testing.T) string {
				root := t.TempDir()
				git(t, root, "init", "-q")
				return root
			},
			want: ErrNothingToAudit, msg: "nothing to audit: no Procfile, requirements or Python files",
		},
		{
			name: "everything ignored by git",
			git:  true,
			setup: func(t *testing.T) string {
				root := t.TempDir()
				writeTree(t, root, map[string]string{"Procfile": "web: gunicorn app:app\n", "app.py": "x = 1\n", ".gitignore": "*\n"})
				git(t, root, "init", "-q")
				return root
			},
			want: ErrNothingToAudit, msg: "nothing to audit: no Procfile, requirements or Python files",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.git && noGit != nil {
				t.Skip("git not installed")
			}
			dir := tt.setup(t)
			for _, read := range []struct {
				name string
				fn   func() (*audit.Files, error)
			}{
				{"ReadDir", func() (*audit.Files, error) { return ReadDir(context.Background(), dir, Options{}) }},
				{"ReadCheckout", func() (*audit.Files, error) { return ReadCheckout(context.Background(), dir) }},
			} {
				files, err := read.fn()
				if !errors.Is(err, tt.want) {
					t.Fatalf("%s = %v, %v; want %v", read.name, files, err, tt.want)
				}
				if got, want := err.Error(), dir+": "+tt.msg; got != want {
					t.Errorf("%s: error %q, want %q", read.name, got, want)
				}
			}
		})
	}
}

func symlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
}

func TestGitUnreadable(t *testing.T) {
	tests := []struct {
		name   string
		stderr []string
		prefix string
		want   []audit.SkippedFile
	}{
		{
			name:   "at the top of the repository",
			stderr: []string{"warning: could not open directory 'pkg/locked/': Permission denied", ""},
			want:   []audit.SkippedFile{{Path: "pkg/locked/", Reason: "unreadable: permission denied"}},
		},
		{
			name:   "in a subdirectory: paths relative to the checkout",
			stderr: []string{"warning: could not open directory 'services/web/locked/': Permission denied"},
			prefix: "services/web/",
			want:   []audit.SkippedFile{{Path: "locked/", Reason: "unreadable: permission denied"}},
		},
		{
			name:   "other warnings are not skips",
			stderr: []string{"warning: Empty last update token.", "warning: could not open directory 'x/'"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := gitUnreadable(tt.stderr, tt.prefix); !slices.Equal(got, tt.want) {
				t.Errorf("gitUnreadable = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestReadRegularBounded: a file is read to one byte past the cap at most,
// so one that grows after it was listed cannot exhaust memory.
func TestReadRegularBounded(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"big.py": strings.Repeat("#", 100)})
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	for _, tc := range []struct {
		max  int64
		want int
	}{{10, 11}, {100, 100}, {1000, 100}} {
		data, err := readRegular(root, "big.py", tc.max)
		if err != nil || len(data) != tc.want {
			t.Errorf("readRegular(max %d) = %d bytes, %v; want %d", tc.max, len(data), err, tc.want)
		}
	}
}

// TestReadCheckout: the gunicorn config the Procfile's web command names
// with -c is picked too, found only through a regular Procfile.
func TestReadCheckout(t *testing.T) {
	const procfile = "web: gunicorn -c settings/gunicorn.cfg app:app\n"
	tests := []struct {
		name        string
		files       map[string]string
		link        [2]string // target, name
		wantPaths   []string
		wantSkipped []string
	}{
		{
			name:      "a config named with -c",
			files:     map[string]string{"Procfile": procfile, "settings/gunicorn.cfg": "workers = 2\n"},
			wantPaths: []string{"Procfile", "settings/gunicorn.cfg"},
		},
		{
			name:      "no -c",
			files:     map[string]string{"Procfile": "web: gunicorn app:app\n", "settings/gunicorn.cfg": "workers = 2\n"},
			wantPaths: []string{"Procfile"},
		},
		{
			name:        "a symlinked Procfile is not read, even to find the config",
			files:       map[string]string{"real": procfile, "settings/gunicorn.cfg": "workers = 2\n", "app.py": "x = 1\n"},
			link:        [2]string{"real", "Procfile"},
			wantPaths:   []string{"app.py"},
			wantSkipped: []string{"Procfile: symlink"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			writeTree(t, root, tt.files)
			if tt.link[0] != "" {
				symlink(t, tt.link[0], filepath.Join(root, tt.link[1]))
			}
			files, err := ReadCheckout(context.Background(), root)
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
