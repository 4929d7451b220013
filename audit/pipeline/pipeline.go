// Package pipeline runs an audit, or a diff, end to end: collect each app's
// snapshot concurrently from a Source, link what apps share under a key made
// for the run, run the checks, apply suppressions and the baseline, and weigh
// the gate. The command line only turns flags into Options and the outcome
// into output and an exit code. All I/O goes through the Source.
package pipeline

import (
	"cmp"
	"context"
	"crypto/rand"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/herokuaudit/herokuaudit/audit"
)

// Source yields one app's snapshot; the API client and the fixtures both do.
type Source interface {
	Snapshot(ctx context.Context, app string) (*audit.Snapshot, error)
}

// Progress is told how many apps there are and when each is collected.
type Progress interface {
	Start(total int)
	Done()
}

// Options is what one audit run does.
type Options struct {
	// Apps are audited in this order; a name given twice is audited once.
	Apps []string
	// Checkout, when set, stands in for every app's slug: the code about to
	// ship. With no Apps it is audited alone, named CheckoutName.
	Checkout     *audit.Files
	CheckoutName string

	Timeout  time.Duration // per app; 0 for none
	Parallel int           // snapshots collected at once; 0 means 8
	Progress Progress      // may be nil
	Checks   []audit.Check // nil: the catalog

	Suppressions []audit.Suppression
	Now          time.Time // decides which suppressions expired

	// Baseline is the previous run's results. With HasBaseline and a nil
	// Baseline (the first night), every problem is new.
	Baseline    []audit.Result
	HasBaseline bool

	Gate Gate

	// Vulns, when set, looks up the inventories of every app of the run
	// in an advisory database, all at once (so an online lookup batches a
	// whole fleet's distinct package-versions), once every app is checked:
	// one answer per inventory, in order. Without it the part is absent by
	// design and dependency-vulns skips, saying how to run it.
	Vulns func(ctx context.Context, inventories [][]audit.Package) ([]*audit.Vulns, error)

	// Probe, when set, fills each snapshot's probe part once it is
	// collected, within the app's timeout (--probe). Without it the part is
	// absent by design and the probe checks skip, saying how to run them.
	Probe func(ctx context.Context, s *audit.Snapshot)

	// Secrets are values to hide from every output besides the apps'
	// config vars, which are always hidden: the API token.
	Secrets []string
}

// Gate is what trips a run.
type Gate struct {
	FailOn    audit.Severity // fail (or error) at or above this; -1 for none
	FailUnder int            // a score below this
	OnlyNew   bool           // only problems new since the baseline trip it
}

// Run is an audit's outcome.
type Run struct {
	Results  []audit.Result
	Notices  []string               // one line each, e.g. an expired suppression
	Baseline *audit.BaselineSummary // with a baseline
	Verdict  Verdict
	// Vulnerabilities rolls the apps' known vulnerabilities up by advisory,
	// worst first, each with the apps it affects.
	Vulnerabilities []audit.VulnRollup
}

// Verdict says whether the gate stays shut, and why, one line per reason.
// Trouble is what could not be audited: an app that could not be fetched, a
// check at or above the gate that could not run. It outranks Reasons, the
// problems found, because what could not be read cannot be said to pass.
type Verdict struct {
	Trouble []string
	Reasons []string
}

// Tripped reports whether the run does not pass.
func (v Verdict) Tripped() bool { return len(v.Trouble)+len(v.Reasons) > 0 }

// All is every line of the verdict, trouble first.
func (v Verdict) All() []string { return append(slices.Clone(v.Trouble), v.Reasons...) }

// Audit runs one audit. src may be nil when only a checkout is audited.
//
// It streams: each app is checked, and its result redacted with its own
// config values, as soon as its snapshot is complete, and the snapshot is
// dropped then. What the cross-app checks need (keyed fingerprints of its
// secrets, its app record) and the results are all that stay, so memory
// grows with the apps in flight, not with their files.
func Audit(ctx context.Context, src Source, opt Options) (Run, error) {
	checks := opt.Checks
	if checks == nil {
		checks = audit.Catalog()
	}
	var local, cross []audit.Check
	for _, c := range checks {
		if c.CrossApp {
			cross = append(cross, c)
		} else {
			local = append(local, c)
		}
	}
	key, err := runKey()
	if err != nil {
		return Run{}, err
	}
	apps := unique(opt.Apps)
	if len(apps) == 0 && opt.Checkout != nil {
		apps = []string{opt.CheckoutName}
	}
	left := make([]kept, len(apps))
	var pkgs packages
	results := make([]audit.Result, len(apps))
	limit := cmp.Or(opt.Timeout, defaultCheckTime)
	// Checking is CPU work: more apps at it than cores only holds more
	// parsed sources in memory at once, while fetching may run wider.
	cpu := make(chan struct{}, runtime.GOMAXPROCS(0))
	check := func(i int, s *audit.Snapshot) {
		left[i] = keep(s, key, opt, &pkgs)
		cpu <- struct{}{}
		results[i] = auditWithin(ctx, s, local, limit)
		<-cpu
		// redacted now, while the app's values are at hand: the cross-app
		// findings added later name vars and apps, never values
		red := audit.SnapshotRedactor(opt.Secrets, s)
		red.RedactResult(&results[i])
		for j, n := range left[i].notices {
			left[i].notices[j] = red.Redact(n)
		}
	}
	switch {
	case len(opt.Apps) == 0 && opt.Checkout != nil:
		check(0, audit.CheckoutSnapshot(opt.CheckoutName, opt.Checkout))
	case src == nil:
		return Run{}, fmt.Errorf("pipeline: apps to audit but nothing to fetch them from")
	default:
		collect(ctx, src, apps, opt, func(i int, s *audit.Snapshot, err error) {
			if err != nil {
				results[i] = audit.Failed(apps[i], err)
				return
			}
			if opt.Checkout != nil {
				// the checkout is what is about to ship: its files stand in
				// for the running slug's
				s.Files = opt.Checkout
				delete(s.Gaps, audit.PartFiles)
			}
			check(i, s)
		})
	}

	// the cross-app checks, on what each app left
	thins := make([]*audit.Snapshot, len(left))
	prints := make([]audit.SecretPrints, len(left))
	for i, k := range left {
		thins[i], prints[i] = k.thin, k.prints
	}
	audit.LinkPrints(thins, prints)
	lookUp(ctx, thins, left, &pkgs, opt)
	for i, t := range thins {
		if t != nil && len(cross) > 0 {
			results[i] = audit.Merge(results[i], audit.Audit(t, cross), checks)
		}
	}

	var run Run
	if opt.Checkout != nil {
		run.Notices = append(run.Notices, opt.Checkout.Notices...)
	}
	secrets := audit.SnapshotRedactor(opt.Secrets)
	for i := range results {
		// the errors of apps that could not be read, and the cross-app
		// findings, may only quote the token
		secrets.RedactResult(&results[i])
		for _, n := range left[i].notices {
			run.Notices = append(run.Notices, results[i].App+": "+n)
		}
	}
	for _, r := range audit.ApplySuppressions(results, opt.Suppressions, opt.Now) {
		run.Notices = append(run.Notices, fmt.Sprintf("the suppression of %s (%s) expired on %s and no longer applies", r.Check, r.Reason, r.Expires))
	}
	if opt.HasBaseline {
		if opt.Baseline == nil {
			run.Notices = append(run.Notices, "no baseline yet: every finding is new")
		}
		sum := audit.CompareBaseline(results, opt.Baseline)
		run.Baseline = &sum
	}
	run.Results = results
	run.Verdict = opt.Gate.weigh(results)
	byApp := map[string][]audit.VulnMatch{}
	for i, k := range left {
		if len(k.vulns) > 0 {
			byApp[results[i].App] = k.vulns
		}
	}
	run.Vulnerabilities = audit.Rollup(byApp)
	return run, nil
}

// lookUp fills each app's vulnerabilities part from one lookup of every
// inventory, or records why not: an app whose files could not be read has
// no inventory, and a failed lookup fails every app's part.
func lookUp(ctx context.Context, thins []*audit.Snapshot, left []kept, pkgs *packages, opt Options) {
	var invs [][]audit.Package
	var who []int
	for i, t := range thins {
		switch {
		case t == nil:
		case opt.Vulns == nil:
			t.SetGap(audit.PartVulns, audit.NotLookedUp, false)
		case left[i].noInventory != nil:
			g := left[i].noInventory
			t.SetGap(audit.PartVulns, "no inventory: "+g.Reason, g.Failed)
		default:
			invs = append(invs, pkgs.list(left[i].inventory))
			who = append(who, i)
		}
	}
	if len(invs) == 0 {
		return
	}
	answers, err := opt.Vulns(ctx, invs)
	for n, i := range who {
		switch {
		case err != nil:
			thins[i].SetGap(audit.PartVulns, "the advisory lookup failed: "+err.Error(), true)
		case n < len(answers) && answers[n] != nil:
			thins[i].Vulns = answers[n]
			left[i].vulns = answers[n].Matches
		default:
			thins[i].SetGap(audit.PartVulns, "the advisory lookup gave no answer", true)
		}
	}
}

// kept is what an app leaves behind once its snapshot is checked.
type kept struct {
	thin        *audit.Snapshot // for the cross-app checks
	prints      audit.SecretPrints
	notices     []string          // its slug reader's, not the checkout's
	inventory   []int32           // what the app runs, for the advisory lookup: indexes into the run's packages
	noInventory *audit.Gap        // why there is none: its files could not be read
	vulns       []audit.VulnMatch // for the run's rollup
}

// packages holds each distinct package of a run once: a team's apps run
// much the same packages at much the same versions, and each app keeping
// its own copy of its inventory until the lookup at the end was most of
// what a fleet run held per app.
type packages struct {
	mu    sync.Mutex
	index map[audit.Package]int32
	all   []audit.Package
}

func (t *packages) add(inv []audit.Package) []int32 {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.index == nil {
		t.index = map[audit.Package]int32{}
	}
	out := make([]int32, len(inv))
	for i, p := range inv {
		n, ok := t.index[p]
		if !ok {
			n = int32(len(t.all))
			t.index[p] = n
			t.all = append(t.all, p)
		}
		out[i] = n
	}
	return out
}

// list is an app's inventory again, its strings shared with every app's.
func (t *packages) list(idx []int32) []audit.Package {
	out := make([]audit.Package, len(idx))
	for i, n := range idx {
		out[i] = t.all[n]
	}
	return out
}

func keep(s *audit.Snapshot, key []byte, opt Options, pkgs *packages) kept {
	k := kept{thin: s.Thin(), prints: audit.PrintSecrets(s, key)}
	if g, gap := s.Gaps[audit.PartFiles]; gap && s.Files == nil {
		k.noInventory = &g
	} else if opt.Vulns != nil {
		k.inventory = pkgs.add(s.Inventory())
	}
	if s.Files != nil && s.Files != opt.Checkout {
		k.notices = slices.Clone(s.Files.Notices)
	}
	for _, a := range s.Addons {
		// counted by the checks as it will be, but not serving yet
		if strings.EqualFold(a.State, "provisioning") {
			k.notices = append(k.notices, fmt.Sprintf("add-on %s (%s) is still provisioning", a.Name, a.Plan))
		}
	}
	return k
}

// weigh applies the gate to the results. Suppressed findings never trip it;
// with OnlyNew, only problems new since the baseline do. A check in error at
// or above FailOn is trouble whether or not it is new: it was not seen.
func (g Gate) weigh(results []audit.Result) Verdict {
	var v Verdict
	for _, r := range results {
		if r.Error != "" {
			line := r.Error // the collector's errors name the app
			if !strings.Contains(line, r.App) {
				line = r.App + ": " + line
			}
			v.Trouble = append(v.Trouble, line)
			continue
		}
		for _, f := range r.Findings {
			if g.FailOn < 0 || f.Severity < g.FailOn || f.Suppressed != nil {
				continue
			}
			switch {
			case f.Status == audit.Error:
				v.Trouble = append(v.Trouble, fmt.Sprintf("%s could not run on %s (%s, at or above --fail-on %s): %s",
					f.Check, r.App, f.Severity, g.FailOn, f.Message))
			case f.Status == audit.Fail && (!g.OnlyNew || f.Baseline == audit.BaselineNew):
				v.Reasons = append(v.Reasons, fmt.Sprintf("%s failed (%s) on %s", f.Check, f.Severity, r.App))
			}
		}
		if r.Score < g.FailUnder {
			v.Reasons = append(v.Reasons, fmt.Sprintf("%s scored %d < --fail-under %d", r.App, r.Score, g.FailUnder))
		}
	}
	return v
}

// defaultCheckTime bounds an app's checks when no per-app timeout is set.
// They take milliseconds; only hostile input could make them take longer.
const defaultCheckTime = 2 * time.Minute

// auditWithin runs the checks over one snapshot, giving up after limit: an
// app whose files make a check slow costs the run that app's result, never
// the others'. The abandoned checks finish in the background.
func auditWithin(ctx context.Context, s *audit.Snapshot, checks []audit.Check, limit time.Duration) audit.Result {
	done := make(chan audit.Result, 1)
	go func() { done <- audit.Audit(s, checks) }()
	t := time.NewTimer(limit)
	defer t.Stop()
	select {
	case r := <-done:
		return r
	case <-t.C:
		return audit.Failed(s.App.Name, fmt.Errorf("%s: the checks did not finish within %s", s.App.Name, limit))
	case <-ctx.Done():
		return audit.Failed(s.App.Name, fmt.Errorf("%s: interrupted while checking", s.App.Name))
	}
}

// collect fetches every app's snapshot concurrently and hands each to
// done, in the goroutine that fetched it, as soon as it is complete (or
// failed): at most Parallel snapshots are alive at once.
func collect(ctx context.Context, src Source, apps []string, opt Options, done func(i int, s *audit.Snapshot, err error)) {
	if opt.Progress != nil {
		opt.Progress.Start(len(apps))
	}
	var g errgroup.Group
	g.SetLimit(cmp.Or(opt.Parallel, 8))
	for i, app := range apps {
		g.Go(func() error {
			actx, cancel := ctx, context.CancelFunc(func() {})
			if opt.Timeout > 0 {
				actx, cancel = context.WithTimeout(ctx, opt.Timeout)
			}
			s, err := src.Snapshot(actx, app)
			if err == nil && s == nil {
				err = fmt.Errorf("%s: nothing was collected", app)
			}
			if err == nil {
				switch {
				case opt.Probe != nil:
					opt.Probe(actx, s) // within the app's timeout
				case s.Probe == nil:
					if _, gap := s.Gaps[audit.PartProbe]; !gap {
						s.SetGap(audit.PartProbe, audit.NotProbed, false)
					}
				}
			}
			cancel()
			done(i, s, err)
			if opt.Progress != nil {
				opt.Progress.Done()
			}
			return nil
		})
	}
	_ = g.Wait() // per-app errors go to done, never returned
}

// runKey is the run's fingerprint key: fingerprints compare within one run
// and mean nothing outside it.
func runKey() ([]byte, error) {
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("making the run's fingerprint key: %w", err)
	}
	return key, nil
}

// unique keeps the first of each name, in order: an app named twice is one
// app, and must not share secrets with itself.
func unique(names []string) []string {
	out := make([]string, 0, len(names))
	for _, n := range names {
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}
