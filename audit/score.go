package audit

import "math"

// weight is what a check of each severity is worth in the score.
func weight(s Severity) int {
	switch s {
	case Critical:
		return 10
	case High:
		return 6
	case Medium:
		return 3
	case Low:
		return 1
	}
	return 0
}

// Score computes the 0-100 score and the letter grade: a pass earns the
// check's weight, a warn half, a fail nothing; skips and errors count neither
// way. As SSL Labs does, a failing critical check caps the grade at F and a
// failing high one at C, whatever the score. With nothing scorable the score
// is 100: there was nothing to lose points on.
func Score(findings []Finding) (int, string) {
	earned, possible := 0.0, 0.0
	worstFail := Severity(-1)
	for _, f := range findings {
		w := float64(weight(f.Severity))
		switch f.Status {
		case Pass:
			earned += w
		case Warn:
			earned += w / 2
		case Fail:
			worstFail = max(worstFail, f.Severity)
		default:
			continue
		}
		possible += w
	}
	score := 100
	if possible > 0 {
		score = int(math.Round(100 * earned / possible))
	}
	grade := gradeFor(score)
	switch {
	case worstFail == Critical:
		grade = "F"
	case worstFail == High && grade < "C":
		grade = "C"
	}
	return score, grade
}

// GradeIncomplete is the grade of an app with a check in error: what could
// not be read might hold a failure, so no letter is earned.
const GradeIncomplete = "incomplete"

func gradeFor(score int) string {
	switch {
	case score >= 90:
		return "A"
	case score >= 80:
		return "B"
	case score >= 70:
		return "C"
	case score >= 60:
		return "D"
	}
	return "F"
}

// ScoringRule states the formula for `herokuaudit checks` and the README.
const ScoringRule = "Score = round(100 × earned / possible): a pass earns the check's weight " +
	"(critical 10, high 6, medium 3, low 1, info 0), a warn half, a fail nothing; skip and error " +
	"count neither way. Grade: A ≥ 90, B ≥ 80, C ≥ 70, D ≥ 60, else F. A failing critical check " +
	"caps the grade at F, a failing high check at C. A check in error (its data could not be read) " +
	"makes the grade incomplete, unless a failing critical check already fixes it at F."

// CapReason says why a result's grade is lower than its score earns: "capped
// by a failing critical check", or "" when it is not capped.
func CapReason(r Result) string {
	if r.Error != "" || r.Grade == GradeIncomplete || r.Grade == gradeFor(r.Score) {
		return ""
	}
	worst := Severity(-1)
	for _, f := range r.Findings {
		if f.Status == Fail {
			worst = max(worst, f.Severity)
		}
	}
	switch {
	case worst == Critical && r.Grade == "F":
		return "capped by a failing critical check"
	case worst == High && r.Grade == "C":
		return "capped by a failing high check"
	}
	return ""
}
