package report

import (
	"fmt"
	"strings"

	"github.com/herokuaudit/herokuaudit/audit"
)

// What every format says about suppressions and baselines, worded once so
// the formats agree.

// baselineLine is the one-line comparison with the baseline report.
func baselineLine(s audit.BaselineSummary) string {
	return fmt.Sprintf("%d new, %d existing, %d fixed since the baseline", s.New, s.Existing, s.Fixed)
}

// suppressedText says why a finding is accepted, and until when.
func suppressedText(s *audit.Suppressed) string {
	if s == nil {
		return ""
	}
	reason := strings.TrimSpace(s.Reason)
	if reason == "" {
		// ParseSuppressions refuses rules without a reason; a hand-built
		// finding may still lack one, and "suppressed: " alone reads as a bug.
		reason = "no reason given"
	}
	if s.Expires != "" {
		return "suppressed: " + reason + " (until " + s.Expires + ")"
	}
	return "suppressed: " + reason
}

// qualifiers are the words after a status: "new" when the baseline did not
// have the problem, "suppressed" when a rule accepts it. "existing" is the
// quiet default of a baseline run and is not spelled out.
func qualifiers(f audit.Finding) []string {
	var q []string
	if f.Baseline == audit.BaselineNew {
		q = append(q, "new")
	}
	if f.Suppressed != nil {
		q = append(q, "suppressed")
	}
	return q
}

// statusLabel is the status with its qualifiers: "fail (new, suppressed)".
func statusLabel(f audit.Finding) string {
	q := qualifiers(f)
	if len(q) == 0 {
		return string(f.Status)
	}
	return string(f.Status) + " (" + strings.Join(q, ", ") + ")"
}

// fixedTitle names a fixed problem by its check's title, which states the
// state now reached ("Debug mode is off"); the old message would describe
// the problem as if it were still there.
func fixedTitle(f audit.Finding) string {
	if t := strings.TrimSpace(f.Title); t != "" {
		return t
	}
	return f.Message
}

// tally counts the qualifiers of one app's problems.
type tally struct {
	newProblems, suppressed int
}

func tallyOf(fs []audit.Finding) tally {
	var t tally
	for _, f := range fs {
		if !f.Problem() {
			continue
		}
		if f.Baseline == audit.BaselineNew {
			t.newProblems++
		}
		if f.Suppressed != nil {
			t.suppressed++
		}
	}
	return t
}

// toolName is the producing tool's name, "herokuaudit" when not given.
func toolName(r Report) string {
	if r.Tool.Name == "" {
		return "herokuaudit"
	}
	return r.Tool.Name
}

// ExpiredNotice words the notice for a suppression rule past its expiry
// date (audit.ApplySuppressions returns them), for Report.Notices:
// "suppression for dyno-tier (apps *-staging) expired on 2026-11-01 and no
// longer applies".
func ExpiredNotice(s audit.Suppression) string {
	apps := "all apps"
	if len(s.Apps) > 0 {
		apps = "apps " + strings.Join(s.Apps, ", ")
	}
	return fmt.Sprintf("suppression for %s (%s) expired on %s and no longer applies", s.Check, apps, s.Expires)
}
