package audit

import (
	"bytes"
	"io"
	"os"
	"path"
	"regexp"
	"strings"
	"testing"

	"github.com/herokuaudit/herokuaudit/internal/corpus"
)

// readCorpus returns the corpus files of a kind keyed "NNN.txt OWNER/REPO
// PATH".
func readCorpus(t *testing.T, kind string) map[string][]byte {
	out := map[string][]byte{}
	for _, f := range corpus.Load(t, kind) {
		out[f.Name+" "+f.Repo+" "+f.Path] = f.Data
	}
	return out
}

// TestRuntimeCorpus reads every real runtime.txt and .python-version: none
// errors, every one gets a verdict with a reason, and the buildpack's own
// deliberately broken fixtures are refused as the buildpack refuses them.
func TestRuntimeCorpus(t *testing.T) {
	// what the buildpack's documentation calls a valid pin, per file
	valid := map[string]*regexp.Regexp{
		"runtime.txt":     regexp.MustCompile(`^python-\d+\.\d+(\.\d+)?$`),
		".python-version": regexp.MustCompile(`^\d+\.\d+(\.\d+)?$`),
	}
	wellFormed := func(file string, body []byte) bool {
		if bytes.HasPrefix(body, []byte("\xef\xbb\xbf")) {
			return false
		}
		var lines []string
		for _, l := range strings.Split(string(body), "\n") {
			if l = strings.TrimSpace(l); l != "" && l[0] != '#' {
				lines = append(lines, l)
			}
		}
		return len(lines) == 1 && valid[file].MatchString(lines[0])
	}
	files := readCorpus(t, "runtimes")
	for name, body := range files {
		t.Run(name, func(t *testing.T) {
			file := path.Base(strings.Fields(name)[2])
			s := &Snapshot{App: App{Name: "corpus"}, Files: &Files{Origin: "slug", Entries: map[string][]byte{file: body}}}
			f := Audit(s, []Check{pythonRuntime}).Findings[0]
			if f.Status == Error || f.Status == Skip || f.Message == "" {
				t.Fatalf("%s: %s %q", file, f.Status, f.Message)
			}
			if f.Status != Pass && f.Remediation == "" {
				t.Errorf("%s: %s without a remediation", file, f.Status)
			}
			pin, _ := findPythonPin(s.Files.Get)
			if wf := wellFormed(file, body); wf != (pin.Problem == "") {
				t.Errorf("%s: well-formed = %v, but the check says %q", file, wf, pin.Problem)
			}
			repo := strings.Fields(name)[1]
			if repo == "heroku/heroku-buildpack-python" && strings.Contains(name, "invalid") && f.Status != Fail {
				t.Errorf("a buildpack fixture meant to be invalid got %s: %s", f.Status, f.Message)
			}
		})
	}
}

// TestCatalogOverCorpus runs the whole catalog over every real Procfile,
// runtime file and requirements file: no check errors or panics on them, and
// nothing is written to stdout (the report owns stdout).
func TestCatalogOverCorpus(t *testing.T) {
	var snaps []*Snapshot
	for kind, file := range map[string]string{"procfiles": "Procfile", "runtimes": "", "requirements": "requirements.txt"} {
		for name, body := range readCorpus(t, kind) {
			f := file
			if f == "" {
				f = path.Base(strings.Fields(name)[2])
			}
			s := base()
			s.Formation = nil // the Procfile decides the processes
			s.Files.Entries = map[string][]byte{f: body}
			s.App.Name = name
			snaps = append(snaps, s)
		}
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout := os.Stdout
	os.Stdout = w
	results := make([]Result, len(snaps))
	for i, s := range snaps {
		results[i] = Audit(s, Catalog())
	}
	os.Stdout = stdout
	w.Close()
	printed, _ := io.ReadAll(r)
	if len(printed) > 0 {
		t.Errorf("checks printed to stdout: %.200q", printed)
	}
	for _, res := range results {
		for _, f := range res.Findings {
			if f.Status == Error {
				t.Errorf("%s: %s: %s", res.App, f.Check, f.Message)
			}
		}
	}
	t.Logf("%d corpus files through %d checks", len(snaps), len(Catalog()))
}
