package main

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/sync/errgroup"

	"github.com/herokuaudit/herokuaudit/audit"
	"github.com/herokuaudit/herokuaudit/heroku"
	"github.com/herokuaudit/herokuaudit/heroku/slug"
	"github.com/herokuaudit/herokuaudit/report"
)

// defaultConfigFile is read from the working directory when --config is not
// given: where suppressions live next to the code.
const defaultConfigFile = ".herokuaudit.yml"

// runAudit audits the apps: collect every snapshot, link what apps share,
// check, apply suppressions and the baseline, render, gate.
func runAudit(ctx context.Context, opts Options, sys system, code *int) error {
	if _, err := report.Lookup(opts.Format); err != nil {
		return troublef("%v", err)
	}
	gate, err := parseGate(opts.FailOn)
	if err != nil {
		return troublef("--fail-on: %v", err)
	}
	if opts.FailUnder < 0 || opts.FailUnder > 100 {
		return troublef("--fail-under must be between 0 and 100")
	}
	for _, a := range opts.Apps {
		if strings.HasPrefix(a, "-") {
			return troublef("flag %s after the apps: put flags before the app names", a)
		}
	}
	rules, err := loadSuppressions(opts.Config)
	if err != nil {
		return err
	}
	var baseline []audit.Result
	if opts.Baseline != "" {
		if baseline, err = loadBaseline(opts.Baseline); err != nil {
			return err
		}
	}
	var checkout *audit.Files
	if opts.Dir != "" {
		if checkout, err = readCheckout(ctx, opts.Dir); err != nil {
			return troublef("--dir %v", err)
		}
	}

	var snaps []*audit.Snapshot
	var results []audit.Result
	fleet := opts.Team != "" || opts.All || opts.Pipeline != "" || hasGlob(opts.Apps)
	switch {
	case len(opts.Apps) == 0 && opts.Dir != "" && !fleet:
		snaps = []*audit.Snapshot{audit.CheckoutSnapshot(checkoutName(opts.Dir), checkout)}
		results = make([]audit.Result, 1)
	case len(opts.Apps) == 0 && !fleet:
		return troublef("no app given: herokuaudit [flags] APP... (flags go before the apps; see --help)")
	default:
		client, err := newClient(ctx, opts, sys)
		if err != nil {
			return err
		}
		bar := newProgress(sys)
		client.OnWait(bar.waiting)
		var src auditor = client
		if fleet {
			f, err := selectFleet(ctx, client, &opts, sys)
			if err != nil {
				return err
			}
			src = f
		}
		snaps, results = collect(ctx, src, opts, bar)
		for _, s := range snaps {
			if s != nil && checkout != nil {
				// the checkout is what is about to ship: its files stand in
				// for the running slug's
				s.Files = checkout
				delete(s.Gaps, audit.PartFiles)
			}
		}
	}

	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return troublef("making the run's fingerprint key: %v", err)
	}
	audit.LinkSharedSecrets(snaps, key)
	for i, s := range snaps {
		if s != nil {
			results[i] = audit.Audit(s, audit.Catalog())
		}
	}

	rep := report.Report{Tool: report.Tool{Name: "herokuaudit", Version: toolVersion()}, Results: results,
		Color: opts.Color, Details: opts.Details}
	for _, r := range audit.ApplySuppressions(results, rules, time.Now()) {
		rep.Notices = append(rep.Notices, fmt.Sprintf("the suppression of %s (%s) expired on %s and no longer applies", r.Check, r.Reason, r.Expires))
	}
	if baseline != nil {
		sum := audit.CompareBaseline(results, baseline)
		rep.Baseline = &sum
	}
	if err := writeReport(opts, sys, rep); err != nil {
		return err
	}
	*code = exitCode(results, gate, opts.FailUnder, opts.FailOnNew)
	for _, n := range rep.Notices {
		fmt.Fprintf(sys.Stderr, "herokuaudit: %s\n", n)
	}
	for _, r := range results {
		if r.Error != "" {
			fmt.Fprintf(sys.Stderr, "herokuaudit: %s\n", r.Error)
		}
	}
	if ctx.Err() != nil {
		return troublef("interrupted")
	}
	return nil
}

// collect fetches every app's snapshot concurrently. An app that fails has a
// nil snapshot and its error in the result; the others are untouched.
func collect(ctx context.Context, client auditor, opts Options, bar *progress) ([]*audit.Snapshot, []audit.Result) {
	snaps := make([]*audit.Snapshot, len(opts.Apps))
	results := make([]audit.Result, len(opts.Apps))
	bar.start(len(opts.Apps))
	var g errgroup.Group
	// twice the request bound: while some apps wait on their slug download,
	// others' API requests keep the bound busy
	g.SetLimit(2 * max(opts.Concurrency, 1))
	for i, app := range opts.Apps {
		g.Go(func() error {
			actx, cancel := ctx, context.CancelFunc(func() {})
			if opts.TimeoutSet || !isFleet(opts) {
				actx, cancel = context.WithTimeout(ctx, opts.Timeout)
			}
			defer cancel()
			s, err := client.Snapshot(actx, app)
			if err != nil {
				results[i] = audit.Failed(app, err)
			} else {
				snaps[i] = s
			}
			bar.done()
			return nil
		})
	}
	_ = g.Wait() // per-app errors are recorded in results, never returned
	bar.finish()
	return snaps, results
}

// exitCode applies the gate: trouble beats a tripped gate, because an app
// that could not be audited cannot be said to pass. Suppressed findings never
// trip it; with onlyNew, only findings new since the baseline do.
func exitCode(results []audit.Result, gate audit.Severity, failUnder int, onlyNew bool) int {
	code := exitOK
	for _, r := range results {
		if r.Error != "" {
			return exitTrouble
		}
		if r.Score < failUnder {
			code = exitGate
		}
		for _, f := range r.Findings {
			if gate < 0 || f.Status != audit.Fail || f.Severity < gate || f.Suppressed != nil {
				continue
			}
			if onlyNew && f.Baseline != audit.BaselineNew {
				continue
			}
			code = exitGate
		}
	}
	return code
}

// loadSuppressions reads --config, or .herokuaudit.yml when it exists.
func loadSuppressions(path string) ([]audit.Suppression, error) {
	explicit := path != ""
	if !explicit {
		path = defaultConfigFile
	}
	data, err := os.ReadFile(path)
	if err != nil {
		if !explicit && errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		return nil, troublef("--config %s: cannot read it", path)
	}
	rules, err := audit.ParseSuppressions(data)
	if err != nil {
		return nil, troublef("%s: %v", path, err)
	}
	return rules, nil
}

// loadBaseline reads a previous `--format json` report.
func loadBaseline(path string) ([]audit.Result, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, troublef("--baseline %s: cannot read it", path)
	}
	var doc struct {
		SchemaVersion int            `json:"schema_version"`
		Apps          []audit.Result `json:"apps"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, troublef("--baseline %s: not a herokuaudit JSON report", path)
	}
	if doc.SchemaVersion != 1 {
		return nil, troublef("--baseline %s: schema_version %d is not supported (want 1)", path, doc.SchemaVersion)
	}
	return doc.Apps, nil
}

// writeReport renders to stdout, or to --output atomically: a reader of the
// file (tomorrow's --baseline) never sees half a report.
func writeReport(opts Options, sys system, rep report.Report) error {
	renderer, err := report.Lookup(opts.Format)
	if err != nil {
		return troublef("%v", err)
	}
	if opts.Output == "" {
		if err := renderer.Render(sys.Stdout, rep); err != nil {
			return troublef("writing the report: %v", err)
		}
		return nil
	}
	rep.Color = false
	dir := filepath.Dir(opts.Output)
	tmp, err := os.CreateTemp(dir, ".herokuaudit-*.tmp")
	if err != nil {
		return troublef("--output %s: cannot write in %s", opts.Output, dir)
	}
	defer os.Remove(tmp.Name()) // after a successful rename this is a no-op
	if err := renderer.Render(tmp, rep); err != nil {
		tmp.Close()
		return troublef("writing the report: %v", err)
	}
	if err := tmp.Close(); err != nil {
		return troublef("--output %s: %v", opts.Output, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return troublef("--output %s: %v", opts.Output, err)
	}
	if err := os.Rename(tmp.Name(), opts.Output); err != nil {
		return troublef("--output %s: cannot replace it", opts.Output)
	}
	return nil
}

// readCheckout reads a local checkout's files with the slug reader's rules,
// plus a gunicorn config file the Procfile's web line names with -c (looked
// up first, so the tree is walked once).
func readCheckout(ctx context.Context, dir string) (*audit.Files, error) {
	var opt slug.Options
	if procfile, err := os.ReadFile(filepath.Join(dir, "Procfile")); err == nil {
		web := audit.WebCommand(&audit.Files{Entries: map[string][]byte{"Procfile": procfile}})
		if extra := audit.GunicornConfigFile(web); extra != "" {
			opt.Extra = []string{extra}
		}
	}
	return slug.ReadDir(ctx, dir, opt)
}

// checkoutName names a checkout audited without an app: its folder's name.
func checkoutName(dir string) string {
	if abs, err := filepath.Abs(dir); err == nil {
		return filepath.Base(abs)
	}
	return dir
}

// progress shows apps done on stderr when stderr is a terminal; elsewhere
// (CI logs, pipes) it says nothing.
type progress struct {
	w   io.Writer // nil: silent
	bar *progressbar.ProgressBar
}

func newProgress(sys system) *progress {
	if !sys.StderrTTY {
		return &progress{}
	}
	return &progress{w: sys.Stderr}
}

// start draws the bar for total apps; one app needs no bar.
func (p *progress) start(total int) {
	if p.w == nil || total < 2 {
		return
	}
	p.bar = progressbar.NewOptions(total,
		progressbar.OptionSetWriter(p.w),
		progressbar.OptionSetDescription("auditing"),
		progressbar.OptionShowCount(),
		progressbar.OptionSetWidth(30),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
	)
}

func (p *progress) done() {
	if p.bar != nil {
		_ = p.bar.Add(1) // a progress line that fails to draw is not worth failing for
	}
}

// waiting says why the run is paused, e.g. for the API's rate limit.
func (p *progress) waiting(d time.Duration, why string) {
	if p.bar != nil {
		p.bar.Describe(fmt.Sprintf("waiting %s (%s)", d.Round(time.Second), why))
	}
}

func (p *progress) finish() {
	if p.bar != nil {
		_ = p.bar.Finish()
	}
}

// isFleet reports whether the apps come from a listing rather than by name.
func isFleet(opts Options) bool {
	return opts.Team != "" || opts.All || opts.Pipeline != "" || hasGlob(opts.Apps)
}

// hasGlob reports whether any app argument is a name pattern.
func hasGlob(args []string) bool {
	for _, a := range args {
		if strings.ContainsAny(a, "*?[") {
			return true
		}
	}
	return false
}

// selectFleet lists the apps to audit: a team's, a pipeline's or every app
// the token sees, narrowed by the APP arguments taken as globs. It fetches
// the team- or account-wide lists once, so each app then costs few calls.
// It replaces opts.Apps with the names chosen.
func selectFleet(ctx context.Context, c *heroku.Client, opts *Options, sys system) (*heroku.Fleet, error) {
	if n := btoi(opts.Team != "") + btoi(opts.All) + btoi(opts.Pipeline != ""); n > 1 {
		return nil, troublef("--team, --all and --pipeline choose apps in different ways: give one")
	}
	if opts.Dir != "" {
		// one checkout is the code of the apps named; it cannot stand in for a whole fleet's
		return nil, troublef("--dir goes with named apps, not with --team, --all, --pipeline or globs")
	}
	if err := heroku.CheckGlobs(opts.Apps); err != nil {
		return nil, troublef("%v", err)
	}
	// the free budget read paces the first burst; without it the run
	// learns the budget from its first responses
	if _, err := c.RateLimitBudget(ctx); err != nil && ctx.Err() != nil {
		return nil, troublef("interrupted")
	}
	var f *heroku.Fleet
	var err error
	switch {
	case opts.Team != "":
		f, err = c.NewTeamFleet(ctx, opts.Team)
	case opts.Pipeline != "":
		var refs []heroku.AppRef
		if refs, err = c.ListPipelineApps(ctx, opts.Pipeline); err == nil {
			f, err = c.NewFleet(ctx, refs)
		}
	default:
		var refs []heroku.AppRef
		if refs, err = c.ListAllApps(ctx); err == nil {
			f, err = c.NewFleet(ctx, refs)
		}
	}
	if err != nil {
		return nil, troublef("%v", err)
	}
	for _, w := range f.Warnings() {
		fmt.Fprintf(sys.Stderr, "herokuaudit: %s\n", w)
	}
	refs := heroku.MatchApps(f.Apps(), opts.Apps)
	if len(refs) == 0 {
		return nil, troublef("no apps to audit: the listing has %d app(s) and none match %s", len(f.Apps()), strings.Join(opts.Apps, " "))
	}
	opts.Apps = make([]string, len(refs))
	for i, r := range refs {
		opts.Apps[i] = r.Name
	}
	return f, nil
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
