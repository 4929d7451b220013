package audit

import (
	"fmt"
	"sync"
)

// Audit runs the checks over one snapshot concurrently and returns the
// findings in catalog order, scored. A check that panics yields an error
// finding; it never takes the run down.
func Audit(s *Snapshot, checks []Check) Result {
	s.derive()
	findings := make([]Finding, len(checks))
	var wg sync.WaitGroup
	for i := range checks {
		wg.Go(func() { findings[i] = runOne(s, &checks[i]) })
	}
	wg.Wait()
	score, grade := Score(findings)
	return Result{App: s.App.Name, Score: score, Grade: grade, Findings: findings}
}

func runOne(s *Snapshot, c *Check) (f Finding) {
	f = Finding{Check: c.ID, Severity: c.Severity, Title: c.Title, Evidence: []string{}}
	if o, missing := gapOutcome(s, c.Reads); missing {
		return fill(f, o)
	}
	defer func() {
		if r := recover(); r != nil {
			f = fill(f, Outcome{Status: Error, Message: fmt.Sprintf("check failed internally: %v", r)})
		}
	}()
	return fill(f, c.Run(s))
}

func fill(f Finding, o Outcome) Finding {
	f.Status, f.Message, f.Remediation = o.Status, o.Message, o.Remediation
	if o.Evidence != nil {
		f.Evidence = o.Evidence
	}
	if f.Status == "" {
		f.Status = Error
		f.Message = "check returned no verdict"
	}
	return f
}

// gapOutcome turns the first missing part a check reads into its verdict: an
// error when fetching failed, a skip when the part does not apply.
func gapOutcome(s *Snapshot, reads []Part) (Outcome, bool) {
	for _, p := range reads {
		if g, ok := s.Gaps[p]; ok {
			if g.Failed {
				return Outcome{Status: Error, Message: fmt.Sprintf("%s unavailable: %s", p, g.Reason)}, true
			}
			return Outcome{Status: Skip, Message: g.Reason}, true
		}
	}
	return Outcome{}, false
}

// Failed returns a result for an app that could not be audited at all.
func Failed(app string, err error) Result {
	return Result{App: app, Grade: "-", Error: err.Error(), Findings: []Finding{}}
}
