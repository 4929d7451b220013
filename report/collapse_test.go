package report

import (
	"fmt"
	"strings"
	"testing"

	"github.com/herokuaudit/herokuaudit/audit"
)

// TestTableCollapsesSharedSkips: a checkout audited without an app skips
// twenty checks for one reason; the table says it once, naming them all.
func TestTableCollapsesSharedSkips(t *testing.T) {
	const why = "no app given: only the checkout was audited"
	skip := func(id string) audit.Finding {
		return audit.Finding{Check: id, Status: audit.Skip, Severity: audit.High, Message: why}
	}
	for _, tc := range []struct {
		name      string
		findings  []audit.Finding
		collapsed bool
	}{
		{"three share a reason", []audit.Finding{skip("stack"), skip("secret-key"), skip("log-drain")}, true},
		{"two stay rows of their own", []audit.Finding{skip("stack"), skip("secret-key")}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs := append([]audit.Finding{{Check: "debug-mode", Status: audit.Fail, Severity: audit.Critical, Message: "debug mode is on"}}, tc.findings...)
			out := string(render(t, "table", Report{Results: []audit.Result{scored("co", fs)}}))
			n := len(tc.findings)
			switch {
			case tc.collapsed && strings.Count(out, why) != 1:
				t.Errorf("the reason is not said once:\n%s", out)
			case tc.collapsed && !strings.Contains(out, "3 checks"):
				t.Errorf("no collapsed row:\n%s", out)
			case !tc.collapsed && strings.Count(out, why) != n:
				t.Errorf("want %d rows with the reason:\n%s", n, out)
			}
			for _, f := range tc.findings {
				if !strings.Contains(out, f.Check) {
					t.Errorf("%s is not named:\n%s", f.Check, out)
				}
			}
			if !strings.Contains(out, "skipped") || !strings.Contains(out, "debug mode is on") {
				t.Errorf("the rest of the table is gone:\n%s", out)
			}
		})
	}
}

// TestTableSaysWhatCouldNotRun: an incomplete grade comes with the checks
// that could not run, in the detail block and in the fleet summary.
func TestTableSaysWhatCouldNotRun(t *testing.T) {
	res := audit.Result{App: "shop", Score: 100, Grade: audit.GradeIncomplete, Incomplete: []string{"secret-key"},
		Findings: []audit.Finding{{Check: "secret-key", Status: audit.Error, Severity: audit.Critical, Message: "could not audit: config-vars unavailable: 403"}}}
	one := string(render(t, "table", Report{Results: []audit.Result{res}}))
	if !strings.Contains(one, "grade incomplete") || !strings.Contains(one, "could not run: secret-key") {
		t.Errorf("detail block:\n%s", one)
	}
	fleet := string(render(t, "table", Report{Results: []audit.Result{res, scored("other", nil)}}))
	if !strings.Contains(fleet, "incomplete") || !strings.Contains(fleet, "could not run: secret-key") {
		t.Errorf("summary:\n%s", fleet)
	}
}

// TestOtherLanguageIsShownAsSuch: a Ruby app of a fleet reads as such, in
// the summary, the detail block and the JSON, never as failing a Flask rule.
func TestOtherLanguageIsShownAsSuch(t *testing.T) {
	ruby := audit.Result{App: "shop-api", Language: "Ruby", Score: 100, Grade: "A",
		Findings: []audit.Finding{{Check: "secret-key", Status: audit.Skip, Severity: audit.Critical, Message: "not a Python app: Ruby (buildpack heroku/ruby)"}}}
	fleet := string(render(t, "table", Report{Results: []audit.Result{ruby, scored("web", nil)}}))
	if !strings.Contains(fleet, "not a Python app (Ruby)") {
		t.Errorf("summary:\n%s", fleet)
	}
	one := string(render(t, "table", Report{Results: []audit.Result{ruby}}))
	if !strings.Contains(one, "not a Python app (Ruby): its Python and Flask checks skip") {
		t.Errorf("detail:\n%s", one)
	}
	if js := string(render(t, "json", Report{Results: []audit.Result{ruby}})); !strings.Contains(js, `"language": "Ruby"`) {
		t.Errorf("json:\n%s", js)
	}
}

// TestCappedGradeSaysWhy: a grade the caps lowered says so, in the header
// and in the fleet summary.
func TestCappedGradeSaysWhy(t *testing.T) {
	var fs []audit.Finding
	for i := range 9 {
		fs = append(fs, audit.Finding{Check: fmt.Sprintf("c%d", i), Status: audit.Pass, Severity: audit.Critical})
	}
	fs = append(fs, audit.Finding{Check: "stack", Status: audit.Fail, Severity: audit.High, Message: "end of life"})
	res := scored("shop", fs) // 90 earned of 96: an A, capped at C
	if res.Grade != "C" {
		t.Fatalf("grade %s", res.Grade)
	}
	one := string(render(t, "table", Report{Results: []audit.Result{res}}))
	if !strings.Contains(one, "grade C (capped by a failing high check)") {
		t.Errorf("header:\n%s", one)
	}
	fleet := string(render(t, "table", Report{Results: []audit.Result{res, scored("other", nil)}}))
	if !strings.Contains(fleet, "C (capped)") {
		t.Errorf("summary:\n%s", fleet)
	}
}

// TestVulnerabilityRollup: with several apps, each advisory is listed with
// the apps it affects, in the table, Markdown, JSON and SARIF.
func TestVulnerabilityRollup(t *testing.T) {
	roll := []audit.VulnRollup{{Package: "werkzeug", Version: "2.2.2",
		Advisory: audit.Advisory{ID: "GHSA-2g68-c3qc-8985", Aliases: []string{"CVE-2024-34069"}, Severity: "high"}, Apps: []string{"blog", "shop"}}}
	r := Report{Results: []audit.Result{scored("blog", nil), scored("shop", nil)}, Vulnerabilities: roll}
	for format, want := range map[string]string{
		"table":    "werkzeug 2.2.2, GHSA-2g68-c3qc-8985, CVE-2024-34069: 2 apps (blog, shop)",
		"markdown": "| high | werkzeug 2.2.2 | GHSA-2g68-c3qc-8985, CVE-2024-34069 | 2: blog, shop |",
		"json":     `"vulnerabilities": [`,
		"sarif":    `"vulnerabilities": [`,
	} {
		if out := string(render(t, format, r)); !strings.Contains(out, want) {
			t.Errorf("%s lacks %q:\n%s", format, want, out)
		}
	}
	// without advisories, nothing is said
	if out := string(render(t, "json", Report{Results: r.Results})); strings.Contains(out, "vulnerabilities") {
		t.Error("an empty rollup is written")
	}
}
