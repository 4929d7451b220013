// Package corpus reads, for tests, the real-world deployment files kept
// beside the project (../shared/corpus: Procfiles, runtime files,
// requirements files from public repositories). They are read where they
// are, never copied in; tests that use them skip when they are absent.
package corpus

import (
	"bytes"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// File is one corpus entry.
type File struct {
	Name string // NNN.txt
	Repo string // OWNER/REPO it was read from
	Path string // its path in that repository
	Data []byte // its bytes, the "# source:" line removed
}

// Base is the file name the entry had in its repository ("Procfile").
func (f File) Base() string { return filepath.Base(f.Path) }

// Load returns the corpus entries of one kind ("procfiles", "runtimes",
// "requirements") in name order, or skips the test when the corpus is not
// beside the project.
func Load(tb testing.TB, kind string) []File {
	tb.Helper()
	dir := filepath.Join(root(tb), "..", "shared", "corpus", kind)
	paths, _ := filepath.Glob(filepath.Join(dir, "*.txt"))
	if len(paths) == 0 {
		tb.Skipf("corpus %s not present at %s", kind, dir)
	}
	sort.Strings(paths)
	out := make([]File, 0, len(paths))
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			tb.Fatal(err)
		}
		head, body, _ := bytes.Cut(data, []byte("\n"))
		fields := strings.Fields(string(head))
		if len(fields) < 4 || fields[0] != "#" || fields[1] != "source:" {
			tb.Fatalf("%s: no # source: line", p)
		}
		out = append(out, File{Name: filepath.Base(p), Repo: fields[2], Path: fields[3], Data: body})
	}
	return out
}

// root finds the module root (the folder with go.mod) above the test's
// working directory, so any package's tests find the corpus.
func root(tb testing.TB) string {
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Fatal("no go.mod above the test's directory")
		}
		dir = parent
	}
}
