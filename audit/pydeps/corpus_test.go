package pydeps

import (
	"io"
	"os"
	"strings"
	"testing"

	"github.com/herokuaudit/herokuaudit/internal/corpus"
)

// readCorpus returns the corpus's requirements files by file name.
func readCorpus(t *testing.T) map[string][]byte {
	out := map[string][]byte{}
	for _, f := range corpus.Load(t, "requirements") {
		out[f.Name] = f.Data
	}
	return out
}

// captureStdout runs fn with os.Stdout redirected and returns what it wrote.
func captureStdout(t *testing.T, fn func()) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	old := os.Stdout
	os.Stdout = w
	done := make(chan string)
	go func() {
		b, _ := io.ReadAll(r)
		done <- string(b)
	}()
	defer func() { os.Stdout = old }()
	fn()
	os.Stdout = old
	w.Close()
	return <-done
}

func TestCorpus(t *testing.T) {
	corpus := readCorpus(t)
	var lines, reqLines int
	var misses []string
	out := captureStdout(t, func() {
		for name, data := range corpus {
			reqs, _, err := ParseRequirements(data, name)
			if err != nil {
				t.Logf("%s: %v", name, err)
			}
			text, _ := decodeText(data)
			got := map[int]bool{}
			for _, r := range reqs {
				got[r.Line] = true
			}
			for _, ll := range logicalLines(text) {
				if strings.HasPrefix(ll.Text, "-") && !strings.HasPrefix(ll.Text, "-e") {
					continue // an option line: index, include, build settings
				}
				lines++
				if got[ll.Line] {
					reqLines++
				} else {
					misses = append(misses, name+": "+ll.Text)
				}
			}
			// A lone requirements.txt is what Collect sees in a slug.
			s := Collect(map[string][]byte{"requirements.txt": data})
			if len(s.Requirements) != len(reqs) {
				t.Errorf("%s: Collect found %d requirements, ParseRequirements %d", name, len(s.Requirements), len(reqs))
			}
		}
	})
	if out != "" {
		t.Errorf("parsing printed to stdout: %q", out)
	}
	if lines < 500 {
		t.Errorf("only %d requirement lines in %d files; is the corpus complete?", lines, len(corpus))
	}
	share := float64(reqLines) / float64(lines)
	t.Logf("%d files, %d non-option lines, %.1f%% became requirements; missed: %q", len(corpus), lines, 100*share, misses)
	if share < 0.90 {
		t.Errorf("%.1f%% of non-option lines became requirements, want at least 90%%", 100*share)
	}
}
