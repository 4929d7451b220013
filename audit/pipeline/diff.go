package pipeline

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/herokuaudit/herokuaudit/audit"
)

// DiffOptions is what one comparison run does.
type DiffOptions struct {
	Pairs   [][2]string // (earlier stage, later stage)
	Timeout time.Duration
	Checks  []audit.Check // nil: the catalog
	FailOn  audit.Severity
	// Secrets are values to hide besides the apps' config vars: the token.
	Secrets []string
}

// DiffRun is a comparison's outcome. Trouble lists, one line each, the apps
// or parts that could not be fetched: a comparison missing a part cannot be
// said to show no difference.
type DiffRun struct {
	Diffs   []audit.Diff
	Trouble []string
	// Reasons has one line per difference at or above FailOn: why the
	// gate tripped.
	Reasons []string
}

// diffParts are the parts a comparison reads.
var diffParts = []audit.Part{audit.PartApp, audit.PartConfig, audit.PartAddons, audit.PartFormation,
	audit.PartBuildpacks, audit.PartFiles}

// Diff compares each pair: both apps' config, platform and audit verdicts.
// Every app is fetched and audited once, however many pairs name it.
func Diff(ctx context.Context, src Source, opt DiffOptions) (DiffRun, error) {
	checks := opt.Checks
	if checks == nil {
		checks = audit.Catalog()
	}
	var names []string
	for _, p := range opt.Pairs {
		for _, n := range p {
			if !slices.Contains(names, n) {
				names = append(names, n)
			}
		}
	}
	snapList := make([]*audit.Snapshot, len(names))
	results := make([]audit.Result, len(names))
	collect(ctx, src, names, Options{Timeout: opt.Timeout, Parallel: 4}, func(i int, s *audit.Snapshot, err error) {
		if err != nil {
			results[i] = audit.Failed(names[i], err)
			return
		}
		snapList[i] = s
	})
	key, err := runKey()
	if err != nil {
		return DiffRun{}, err
	}
	var run DiffRun
	snaps := map[string]*audit.Snapshot{}
	var fetched []*audit.Snapshot
	for i, n := range names {
		if s := snapList[i]; s != nil {
			snaps[n] = s // keyed by the name asked for: pairs name apps that way
			fetched = append(fetched, s)
		} else {
			run.Trouble = append(run.Trouble, results[i].Error)
		}
	}
	audit.LinkSharedSecrets(fetched, key)
	audited := map[string]audit.Result{}
	for _, n := range names {
		if s := snaps[n]; s != nil {
			audited[n] = audit.Audit(s, checks)
			run.Trouble = append(run.Trouble, missingParts(s)...)
		}
	}
	for _, p := range opt.Pairs {
		a, b := snaps[p[0]], snaps[p[1]]
		if a == nil || b == nil {
			continue // its error is in Trouble
		}
		d := audit.Compare(a, b, audited[p[0]], audited[p[1]], key)
		for _, e := range d.Entries {
			if opt.FailOn >= 0 && e.Risk >= opt.FailOn {
				run.Reasons = append(run.Reasons, fmt.Sprintf("%s → %s: %s %s %s (%s)", d.A, d.B, e.Kind, e.Key, e.Change, e.Risk))
			}
		}
		run.Diffs = append(run.Diffs, d)
	}
	redactDiffRun(&run, snaps, key, opt.Secrets)
	return run, nil
}

// missingParts lists the parts of a snapshot that could not be fetched.
func missingParts(s *audit.Snapshot) []string {
	var out []string
	for _, p := range diffParts {
		if g, ok := s.Gaps[p]; ok && g.Failed {
			out = append(out, fmt.Sprintf("%s: %s could not be fetched (%s): the comparison is incomplete", s.App.Name, p, g.Reason))
		}
	}
	return out
}
