package audit

// Baseline statuses of a problem finding.
const (
	BaselineNew      = "new"
	BaselineExisting = "existing"
)

// BaselineSummary counts what changed since the baseline report.
type BaselineSummary struct {
	New      int `json:"new"`
	Existing int `json:"existing"`
	Fixed    int `json:"fixed"`
}

// CompareBaseline marks each problem in results as new or existing against
// the baseline's results, and lists as fixed the baseline's problems that
// are gone. A problem is identified by app and check ID. Apps that could not
// be audited now, or were not audited then, fix nothing and have nothing new
// to compare: their problems count as new only when the app was in the
// baseline.
func CompareBaseline(results []Result, baseline []Result) BaselineSummary {
	before := map[string]map[string]Finding{}
	for _, r := range baseline {
		if r.Error != "" {
			continue
		}
		m := map[string]Finding{}
		for _, f := range r.Findings {
			if f.Problem() {
				m[f.Check] = f
			}
		}
		before[r.App] = m
	}
	var sum BaselineSummary
	for i := range results {
		r := &results[i]
		if r.Error != "" {
			continue
		}
		was, known := before[r.App]
		now := map[string]bool{}
		for j := range r.Findings {
			f := &r.Findings[j]
			if !f.Problem() {
				continue
			}
			now[f.Check] = true
			if _, ok := was[f.Check]; ok && known {
				f.Baseline = BaselineExisting
				sum.Existing++
			} else {
				f.Baseline = BaselineNew
				sum.New++
			}
		}
		// fixed: in the baseline's catalog order, as the baseline had them
		for _, bf := range findingsOf(baseline, r.App) {
			if bf.Problem() && !now[bf.Check] {
				r.Fixed = append(r.Fixed, bf)
				sum.Fixed++
			}
		}
	}
	return sum
}

func findingsOf(results []Result, app string) []Finding {
	for _, r := range results {
		if r.App == app && r.Error == "" {
			return r.Findings
		}
	}
	return nil
}
