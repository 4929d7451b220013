package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/herokuaudit/herokuaudit/audit"
	"github.com/herokuaudit/herokuaudit/audit/pipeline"
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
			return troublef("%s is not an app name (app names start with a letter)", a)
		}
	}
	rules, err := loadSuppressions(opts.Config, opts.Dir)
	if err != nil {
		return err
	}
	if opts.Output == "-" {
		opts.Output = "" // the usual name for stdout
	}
	if opts.Output != "" {
		// before the audit, not after a fleet's worth of it
		if err := checkOutput(opts.Output); err != nil {
			return troublef("--output %s: %v", opts.Output, err)
		}
	}
	if opts.FailOnNew && opts.Baseline == "" {
		return troublef("--fail-on-new needs --baseline FILE: without one every finding is new")
	}
	var baseline []audit.Result
	if opts.Baseline != "" {
		if baseline, err = loadBaseline(opts.Baseline); err != nil {
			return err
		}
	}
	var checkout *audit.Files
	if opts.Dir != "" {
		if isFleet(opts) {
			// one checkout is the code of the apps named; it cannot stand in for a whole fleet's
			return troublef("--dir goes with named apps, not with --team, --all, --pipeline or globs")
		}
		// a checkout that cannot be read, or holds nothing to audit, stops
		// the run: auditing nothing would pass
		if checkout, err = slug.ReadCheckout(ctx, opts.Dir); err != nil {
			return troublef("--dir %v", err)
		}
	}

	popt := pipeline.Options{
		Checks: opts.Checks,
		Apps:   opts.Apps, Checkout: checkout, CheckoutName: checkoutName(opts.Dir),
		Parallel:     2 * max(opts.Concurrency, 1), // while some apps wait on their slug, others keep the request bound busy
		Suppressions: rules, Now: time.Now(),
		Baseline: baseline, HasBaseline: opts.Baseline != "",
		Gate: pipeline.Gate{FailOn: gate, FailUnder: opts.FailUnder, OnlyNew: opts.FailOnNew},
	}
	popt.Timeout = opts.Timeout
	if opts.Probe {
		if len(opts.Apps) == 0 && !isFleet(opts) {
			return troublef("--probe needs an app: a checkout alone has no URL (herokuaudit probe URL... asks one)")
		}
		popt.Probe = probeHook(newProber(sys))
	}
	if !opts.TimeoutSet && isFleet(opts) {
		// a fleet's apps may wait long for the rate limit, but not for ever
		popt.Timeout = fleetAppTimeout
	}
	var dbNotices []string
	switch {
	case opts.VulnDB != "":
		if popt.Vulns, dbNotices, err = vulnLookup(opts.VulnDB); err != nil {
			return err
		}
	case opts.Offline:
		// nothing leaves the machine: dependency-vulns skips, saying how
	case opts.Fixtures != "":
		if popt.Vulns, err = fixtureLookup(opts.Fixtures); err != nil {
			return err
		}
	case sys.OSVURL != "" || sys.RealSystem && opts.Fixtures == "":
		popt.Vulns = osvLookup(sys.OSVURL)
	}
	var src pipeline.Source
	var warnMu sync.Mutex
	var warnings []string
	switch {
	case len(opts.Apps) == 0 && opts.Dir != "" && !isFleet(opts):
		// the checkout alone
	case len(opts.Apps) == 0 && !isFleet(opts):
		return troublef("no app given: herokuaudit [flags] APP... (or -a APP, --team TEAM, --dir PATH; see --help)")
	default:
		client, token, err := newClient(ctx, opts, sys)
		if err != nil {
			return err
		}
		if token != "" {
			popt.Secrets = append(popt.Secrets, token)
		}
		bar := newProgress(sys)
		client.OnWait(bar.waiting)
		// X-Heroku-Warning (a deprecation, maintenance): once each, as a
		// notice of the report
		client.OnWarning(func(msg string) {
			warnMu.Lock()
			defer warnMu.Unlock()
			if n := "Heroku API: " + msg; !slices.Contains(warnings, n) {
				warnings = append(warnings, n)
			}
		})
		src = client
		if isFleet(opts) {
			f, err := selectFleet(ctx, client, &opts, sys)
			if err != nil {
				return err
			}
			src, popt.Apps = f, opts.Apps
		}
		popt.Progress = bar
	}
	run, err := pipeline.Audit(ctx, src, popt)
	if err != nil {
		return troublef("%v", err)
	}
	if bar, ok := popt.Progress.(*progress); ok {
		bar.finish()
	}

	warnMu.Lock()
	notices := append(append(slices.Clone(warnings), dbNotices...), run.Notices...)
	warnMu.Unlock()
	rep := report.Report{Tool: report.Tool{Name: "herokuaudit", Version: toolVersion()}, Results: run.Results,
		Color: opts.Color, Details: opts.Details, Notices: notices, Baseline: run.Baseline,
		Problems: opts.Problems, AllRows: opts.AllRows, Width: sys.Width, Vulnerabilities: run.Vulnerabilities,
		Gate: &report.Gate{Tripped: run.Verdict.Tripped(), Reasons: run.Verdict.All()}}
	if err := writeReport(opts, sys, rep); err != nil {
		return err
	}
	for _, n := range rep.Notices {
		say(sys, n)
	}
	return conclude(ctx, sys, run.Verdict, code)
}

// conclude ends a run: the gate's lines on stderr, and the exit code the
// verdict calls for (trouble before a tripped gate).
func conclude(ctx context.Context, sys system, v pipeline.Verdict, code *int) error {
	printGate(sys, v.All())
	if ctx.Err() != nil {
		return troublef("interrupted")
	}
	switch {
	case len(v.Trouble) > 0:
		*code = exitTrouble
	case len(v.Reasons) > 0:
		*code = exitGate
	}
	return nil
}

// fleetAppTimeout bounds each app of a fleet when --timeout is not given:
// long enough for any wait the rate limit imposes, short of for ever.
const fleetAppTimeout = 30 * time.Minute

// maxGateLines bounds the gate's lines on stderr; a fleet may have
// thousands of reasons, and the report has them all.
const maxGateLines = 10

// printGate ends stderr with why the gate did not open, one line each.
func printGate(sys system, reasons []string) {
	for i, r := range reasons {
		if i == maxGateLines-1 && len(reasons) > maxGateLines {
			say(sys, fmt.Sprintf("gate: and %d more (the report lists every finding)", len(reasons)-i))
			return
		}
		say(sys, "gate: "+r)
	}
}

// loadSuppressions reads --config, or the first .herokuaudit.yml found in
// the working directory, the --dir checkout, then the git work tree's root
// above the working directory: where suppressions live next to the code.
func loadSuppressions(path, dir string) ([]audit.Suppression, error) {
	if path != "" {
		return parseSuppressions(path, true)
	}
	for _, d := range configDirs(dir) {
		rules, err := parseSuppressions(filepath.Join(d, defaultConfigFile), false)
		if !errors.Is(err, fs.ErrNotExist) {
			return rules, err
		}
	}
	return nil, nil
}

// configDirs are where the default suppressions file is looked for, in
// order, each once.
func configDirs(dir string) []string {
	dirs := []string{"."}
	if dir != "" {
		dirs = append(dirs, dir)
	}
	if wd, err := os.Getwd(); err == nil {
		for d := wd; ; d = filepath.Dir(d) {
			if _, err := os.Lstat(filepath.Join(d, ".git")); err == nil {
				dirs = append(dirs, d)
				break
			}
			if filepath.Dir(d) == d {
				break
			}
		}
	}
	var out []string
	seen := map[string]bool{}
	for _, d := range dirs {
		abs, err := filepath.Abs(d)
		if err == nil && !seen[abs] {
			seen[abs] = true
			out = append(out, d)
		}
	}
	return out
}

// parseSuppressions reads one suppressions file. A file found rather than
// named is read only as a regular file, not through a symlink: it may sit in
// a checkout someone else wrote. A missing found file is fs.ErrNotExist.
func parseSuppressions(path string, named bool) ([]audit.Suppression, error) {
	data, err := readInput(path, maxConfigFile, !named)
	switch {
	case err != nil && !named && errors.Is(err, fs.ErrNotExist):
		return nil, err
	case err != nil && !named:
		return nil, troublef("%s: cannot read it: %s", path, reason(err))
	case err != nil:
		return nil, troublef("--config %s: cannot read it: %s", path, reason(err))
	}
	rules, err := audit.ParseSuppressions(data)
	var se *audit.SuppressionError
	switch {
	case errors.As(err, &se) && se.Line > 0:
		return nil, troublef("%s:%d: %s", path, se.Line, se.Msg) // file:line, as compilers say it
	case err != nil:
		return nil, troublef("%s: %v", path, err)
	}
	return rules, nil
}

// loadBaseline reads a previous `--format json` report.
func loadBaseline(path string) ([]audit.Result, error) {
	data, err := readInput(path, maxBaselineFile, false)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil // the first night: every finding is new
	}
	if err != nil {
		return nil, troublef("--baseline %s: cannot read it: %s", path, reason(err))
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
	if err := checkOutput(opts.Output); err != nil {
		return troublef("--output %s: %v", opts.Output, err)
	}
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
	// nothing on stdout: say where the report went, and what it holds
	say(sys, fmt.Sprintf("wrote %s (%s): %s", opts.Output, opts.Format, summary(rep.Results)))
	return nil
}

// summary counts a run's results for the line that says where a report
// went: "3 apps, 2 failed checks, 1 warning".
func summary(results []audit.Result) string {
	var fails, warns, broken int
	for _, r := range results {
		if r.Error != "" {
			broken++
		}
		for _, f := range r.Findings {
			switch f.Status {
			case audit.Fail:
				fails++
			case audit.Warn:
				warns++
			}
		}
	}
	out := fmt.Sprintf("%s, %s, %s", plural(len(results), "app"), plural(fails, "failed check"), plural(warns, "warning"))
	if broken > 0 {
		out += ", " + plural(broken, "app") + " not audited"
	}
	return out
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
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

// Start draws the bar for total apps; one app needs no bar.
func (p *progress) Start(total int) {
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

func (p *progress) Done() {
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
		say(sys, w)
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
