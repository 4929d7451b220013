package audit

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
)

// Audit runs the checks over one snapshot concurrently and returns the
// findings in catalog order, scored. A check that panics yields an error
// finding; it never takes the run down.
//
// No verdict outlives missing evidence. A check whose Needs has a gap is
// skipped (or in error, when the part failed to come) without running.
// After a check runs, the parts and files it read decide what its verdict
// is worth:
//   - a Definite fail or warn stands, with a note of what was not read:
//     the problem was seen;
//   - any other verdict that read something that failed to come (a 403, a
//     truncated slug, a file skipped for its size or type) becomes error,
//     naming it;
//   - any other verdict that read a part absent by design (no app given,
//     not fetched for a fleet, no slug on Fir) becomes skip, naming it.
func Audit(s *Snapshot, checks []Check) Result {
	s.derive()
	g := s.pythonGate()
	other, notPython, lang := g.other, g.notPython, g.lang
	findings := make([]Finding, len(checks))
	var wg sync.WaitGroup
	for i := range checks {
		if notPython != "" && checks[i].Python {
			findings[i] = fill(Finding{Check: checks[i].ID, Severity: checks[i].Severity, Title: checks[i].Title, Evidence: []Evidence{}},
				Outcome{Status: Skip, Message: notPython})
			continue
		}
		wg.Go(func() { findings[i] = runOne(s, &checks[i]) })
	}
	wg.Wait()
	r := Result{App: s.App.Name, Findings: findings}
	switch {
	case other:
		r.Language = lang
	case notPython != "":
		r.Language = "unknown"
	}
	rescore(&r)
	return r
}

// langGate is whether an app's Python checks run, worked out once: a thin
// snapshot keeps the whole one's answer.
type langGate struct {
	lang      string // the app's language when not Python
	other     bool   // built in another language
	notPython string // why its Python checks skip; "" when they run
}

func (s *Snapshot) pythonGate() langGate {
	if s.gate != nil {
		return *s.gate
	}
	lang, why := s.language()
	g := langGate{lang: lang, other: lang != "" && lang != LangPython}
	switch {
	case g.other:
		g.notPython = fmt.Sprintf("not a Python app: %s (%s)", lang, why)
	case lang == "":
		if u := s.unknownLanguage(); u != "" {
			g.notPython = "language not known: " + u
		}
	}
	return g
}

// rescore works out a result's score, grade and incomplete checks from its
// findings.
func rescore(r *Result) {
	score, grade := Score(r.Findings)
	var incomplete []string
	criticalFail := false
	for _, f := range r.Findings {
		switch {
		case f.Status == Error:
			incomplete = append(incomplete, f.Check)
		case f.Status == Fail && f.Severity == Critical:
			criticalFail = true
		}
	}
	// What did not run could only lower a grade, except below the F a
	// failing critical check already fixes.
	if len(incomplete) > 0 && !criticalFail {
		grade = GradeIncomplete
	}
	r.Score, r.Grade, r.Incomplete = score, grade, incomplete
}

// Thin is what the cross-app checks need of a snapshot after the others
// ran: the app record and the missing parts, without files or config
// values. A fleet keeps this, and SecretPrints, instead of the snapshot.
func (s *Snapshot) Thin() *Snapshot {
	g := s.pythonGate()
	t := &Snapshot{App: s.App, Taken: s.Taken, Gaps: maps.Clone(s.Gaps), gate: &g}
	if s.ConfigVars != nil {
		t.ConfigVars = map[string]string{} // read; the values are not kept
	}
	return t
}

// Merge adds the findings of checks run later (the cross-app ones) to a
// result, in the order of checks, and scores it again.
func Merge(r Result, later Result, checks []Check) Result {
	if r.Error != "" {
		return r
	}
	by := map[string]Finding{}
	for _, f := range append(slices.Clone(r.Findings), later.Findings...) {
		by[f.Check] = f
	}
	r.Findings = make([]Finding, 0, len(by))
	for _, c := range checks {
		if f, ok := by[c.ID]; ok {
			r.Findings = append(r.Findings, f)
		}
	}
	rescore(&r)
	return r
}

func runOne(s *Snapshot, c *Check) (f Finding) {
	f = Finding{Check: c.ID, Severity: c.Severity, Title: c.Title, Evidence: []Evidence{}}
	if o, missing := gapOutcome(s, c.Needs); missing {
		return fill(f, o)
	}
	defer func() {
		if r := recover(); r != nil {
			f = fill(f, Outcome{Status: Error, Message: fmt.Sprintf("check failed internally: %v", r)})
		}
	}()
	v := newView(s)
	o := c.Run(v)
	return fill(f, settle(o, v))
}

// settle weighs a check's outcome against the holes it ran into.
func settle(o Outcome, v *View) Outcome {
	if o.Status == "" || o.Status == Error {
		return o
	}
	var failed, absent []hole
	for _, h := range v.holes {
		if h.failed {
			failed = append(failed, h)
		} else {
			absent = append(absent, h)
		}
	}
	switch {
	case len(v.holes) == 0:
		return o
	case o.Definite && (o.Status == Fail || o.Status == Warn):
		return o.With(holeLines("not read", v.holes)...)
	case len(failed) > 0:
		return Outcome{Status: Error, Message: "could not audit: " + strings.Join(holeLines("", failed), "; ")}
	case o.Status == Skip:
		return o // not applicable whatever the missing part holds
	}
	if r := sameReason(absent); r != "" {
		// "no app given" once, not once per part: skips that share a
		// reason read alike and collapse in the table
		return Outcome{Status: Skip, Message: r}
	}
	return Outcome{Status: Skip, Message: strings.Join(holeLines("", absent), "; ")}
}

// sameReason returns the reason every hole shares, or "".
func sameReason(holes []hole) string {
	for _, h := range holes[1:] {
		if h.reason != holes[0].reason {
			return ""
		}
	}
	return holes[0].reason
}

// holeLines describes holes, one line each: "config-vars unavailable: 403
// forbidden", "requirements.txt: symlink (not read)".
func holeLines(prefix string, holes []hole) []string {
	out := make([]string, 0, len(holes))
	for _, h := range holes {
		line := h.what + ": " + h.reason
		if h.what == string(h.part) {
			line = h.what + " unavailable: " + h.reason
		}
		if prefix != "" {
			line = prefix + ": " + line
		}
		out = append(out, line)
	}
	return out
}

func fill(f Finding, o Outcome) Finding {
	f.Status, f.Message, f.Remediation = o.Status, o.Message, o.Remediation
	if o.Evidence != nil {
		f.Evidence = capEvidence(o.Evidence)
	}
	if f.Status == "" {
		f.Status = Error
		f.Message = "check returned no verdict"
	}
	return f
}

// MaxEvidence bounds a finding's evidence lines: a slug with 50,000
// templates must not make a report of 50,000 lines per check.
const MaxEvidence = 50

func capEvidence(ev []Evidence) []Evidence {
	if len(ev) <= MaxEvidence {
		return ev
	}
	out := append([]Evidence{}, ev[:MaxEvidence-1]...)
	return append(out, Evidence{Text: fmt.Sprintf("… and %d more", len(ev)-MaxEvidence+1)})
}

// gapOutcome turns the first missing part a check needs into its verdict: an
// error when fetching failed, a skip when the part does not apply.
func gapOutcome(s *Snapshot, needs []Part) (Outcome, bool) {
	for _, p := range needs {
		if g, ok := s.Gaps[p]; ok {
			if g.Failed {
				return Outcome{Status: Error, Message: fmt.Sprintf("could not audit: %s unavailable: %s", p, g.Reason)}, true
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
