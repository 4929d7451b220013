package procfile

import (
	"testing"

	"github.com/herokuaudit/herokuaudit/internal/corpus"
)

// readCorpus returns the corpus's Procfiles by file name.
func readCorpus(t *testing.T) map[string][]byte {
	out := map[string][]byte{}
	for _, f := range corpus.Load(t, "procfiles") {
		out[f.Name] = f.Data
	}
	return out
}

func TestCorpus(t *testing.T) {
	corpus := readCorpus(t)
	var web, known, commands int
	var unknown []string
	for name, data := range corpus {
		entries, _, err := Parse(data)
		if err != nil {
			t.Errorf("%s: Parse: %v", name, err)
			continue
		}
		for _, e := range entries {
			commands++
			inv, err := Analyze(e.Command)
			if err != nil {
				t.Errorf("%s line %d: Analyze: %v", name, e.Line, err)
				continue
			}
			chain, err := AnalyzeChain(e.Command)
			if err != nil || chain.Main >= len(chain.Invocations) {
				t.Errorf("%s line %d: AnalyzeChain: %v, main %d of %d", name, e.Line, err, chain.Main, len(chain.Invocations))
			}
			if e.Type != "web" {
				continue
			}
			web++
			if s := Classify(inv.Argv); s.Production || s.Dev {
				known++
			} else {
				unknown = append(unknown, name+": "+s.Name)
			}
		}
	}
	if web < 90 {
		t.Errorf("only %d web lines found in %d files; is the corpus complete?", web, len(corpus))
	}
	share := float64(known) / float64(web)
	t.Logf("%d files, %d commands, %d web lines, %.1f%% classified as a known server; unknown: %v",
		len(corpus), commands, web, 100*share, unknown)
	if share < 0.90 {
		t.Errorf("%.1f%% of web lines classified as a known server, want at least 90%%; unknown: %v", 100*share, unknown)
	}
}
