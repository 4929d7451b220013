package gunicorn_test

import (
	"errors"
	"testing"

	"github.com/herokuaudit/herokuaudit/audit/gunicorn"
	"github.com/herokuaudit/herokuaudit/audit/procfile"

	"github.com/herokuaudit/herokuaudit/internal/corpus"
)

// TestCorpus resolves every gunicorn command of the real-world Procfiles the
// way the auditor will: Analyze, then Resolve with the buildpack's
// environment.
func TestCorpus(t *testing.T) {
	var resolved int
	var rejected []string
	for _, f := range corpus.Load(t, "procfiles") {
		p := f.Name
		entries, _, err := procfile.Parse(f.Data)
		if err != nil {
			t.Errorf("%s: %v", p, err)
			continue
		}
		for _, e := range entries {
			inv, err := procfile.Analyze(e.Command)
			if err != nil {
				t.Errorf("%s line %d: Analyze: %v", p, e.Line, err)
				continue
			}
			if procfile.Classify(inv.Argv).Name != "gunicorn" {
				continue
			}
			env := map[string]string{"WEB_CONCURRENCY": "2", "GUNICORN_CMD_ARGS": gunicorn.HerokuDefaultCmdArgs}
			for k, v := range inv.Env {
				env[k] = v
			}
			eff, err := gunicorn.Resolve(gunicorn.Inputs{Args: inv.Argv[1:], Env: env, Dir: inv.Dir})
			resolved++
			if err != nil {
				var argErr *gunicorn.ArgError
				if !errors.As(err, &argErr) {
					t.Errorf("%s line %d: error %v is not an *ArgError", p, e.Line, err)
				}
				rejected = append(rejected, p+": "+err.Error())
				continue
			}
			if _, ok := eff.Workers.Int(); !ok {
				t.Errorf("%s line %d: workers %v is not a number", p, e.Line, eff.Workers)
			}
			if eff.AccessLogfile.Raw != "-" {
				t.Errorf("%s line %d: access log %v, want - from the buildpack default", p, e.Line, eff.AccessLogfile)
			}
			if eff.App == "" {
				t.Errorf("%s line %d: no app target in %q", p, e.Line, inv.Argv)
			}
		}
	}
	t.Logf("%d gunicorn commands resolved; rejected by gunicorn's parser: %q", resolved, rejected)
	if resolved < 60 {
		t.Errorf("only %d gunicorn commands found; is the corpus complete?", resolved)
	}
	// A handful of real Procfiles carry arguments gunicorn refuses (a -b
	// with no value, words after the app target); most do not.
	if len(rejected) > resolved/10 {
		t.Errorf("%d of %d commands rejected, want at most 10%%: %q", len(rejected), resolved, rejected)
	}
}
