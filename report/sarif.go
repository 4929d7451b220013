package report

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/url"
	"strings"
	"unicode"

	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"

	"github.com/herokuaudit/herokuaudit/audit"
)

// informationURI is where the tool's documentation lives, for the driver.
const informationURI = "https://github.com/herokuaudit/herokuaudit"

// fingerprintKey names the partial fingerprint code scanning matches
// results by across runs. The version suffix is bumped if what goes into the
// fingerprint ever changes, so old alerts are not silently re-matched.
const fingerprintKey = "herokuaudit/v1"

type sarifRenderer struct{}

// Render writes SARIF 2.1.0: one run, one rule per catalog check, one result
// per failing or warning finding. Apps that could not be audited, checks
// that ended in error and the run's notices become tool execution
// notifications; the baseline comparison and what was fixed go in the run's
// properties (a "fixed" result would open an alert in code scanning).
func (sarifRenderer) Render(w io.Writer, r Report) error {
	return writeJSON(w, sarifReport(r))
}

// sarifReport builds the SARIF document. Everything comes from the findings
// and the catalog; locations are parsed from evidence, which names files,
// lines and config vars but never values.
func sarifReport(r Report) *sarif.Report {
	checks := r.Checks
	if checks == nil {
		checks = audit.Catalog()
	}
	run := sarif.NewRunWithInformationURI(toolName(r), informationURI)
	if v := strings.TrimSpace(r.Tool.Version); v != "" {
		run.Tool.Driver.WithVersion(v)
	}
	for _, c := range checks {
		addRule(run, c)
	}

	inv := sarif.NewInvocation()
	ok := true
	for _, res := range r.Results {
		if res.Error != "" {
			ok = false
			inv.AddToolExecutionNotification(sarif.NewNotification().
				WithLevel(sarif.LevelError).
				WithMessage(sarif.NewTextMessage(res.App + ": could not be audited: " + res.Error)))
			continue
		}
		for _, f := range res.Findings {
			switch {
			case f.Problem():
				addResult(run, res.App, f)
			case f.Status == audit.Error:
				ok = false // an incomplete audit did not execute successfully
				n := sarif.NewNotification().
					WithLevel(sarif.LevelWarning).
					WithMessage(sarif.NewTextMessage(res.App + ": " + f.Check + ": " + f.Message))
				if i := ruleIndex(run, f); i >= 0 {
					n.WithAssociatedRule(sarif.NewReportingDescriptorReference().WithID(f.Check).WithIndex(i))
				}
				inv.AddToolExecutionNotification(n)
			}
		}
	}
	for _, n := range r.Notices {
		inv.AddToolExecutionNotification(sarif.NewNotification().
			WithLevel(sarif.LevelWarning).
			WithMessage(sarif.NewTextMessage(n)))
	}
	run.AddInvocation(inv.WithExecutionSuccessful(ok))

	if props := runProperties(r); props != nil {
		run.WithProperties(props)
	}
	return sarif.NewReport().AddRun(run)
}

// addRule adds one check as a reporting descriptor, with what code scanning
// shows and ranks by: the title, the rationale, the fix, and a
// security-severity score.
func addRule(run *sarif.Run, c audit.Check) {
	full := strings.TrimSpace(c.Rationale)
	if full == "" {
		full = c.Title
	}
	help := strings.TrimSpace(c.Remediation)
	if help == "" {
		help = "No remediation is documented for this check."
	}
	tags := []string{"security"}
	if cl := strings.TrimSpace(c.Checklist); cl != "" {
		tags = append(tags, cl)
	}
	run.AddRule(c.ID).
		WithName(ruleName(c)).
		WithShortDescription(sarif.NewMultiformatMessageString().WithText(nonEmpty(c.Title, c.ID))).
		WithFullDescription(sarif.NewMultiformatMessageString().WithText(nonEmpty(full, c.ID))).
		WithHelp(sarif.NewMultiformatMessageString().WithText(help).WithMarkdown(mdText(help))).
		WithProperties(sarif.NewPropertyBag().
			Add("security-severity", securitySeverity(c.Severity)).
			WithTags(tags))
}

// ruleIndex finds the finding's rule, adding one from the finding itself
// when the catalog given does not list its check, so every result points at
// a rule.
func ruleIndex(run *sarif.Run, f audit.Finding) int {
	if i := run.GetRuleIndex(f.Check); i >= 0 || f.Check == "" {
		return i
	}
	addRule(run, audit.Check{ID: f.Check, Title: f.Title, Severity: f.Severity})
	return run.GetRuleIndex(f.Check)
}

// addResult adds one failing or warning finding.
func addResult(run *sarif.Run, app string, f audit.Finding) {
	level := sarif.LevelWarning
	if f.Status == audit.Fail {
		level = sarif.LevelError
	}
	uri, line := findingLocation(app, f)
	phys := sarif.NewPhysicalLocation().WithArtifactLocation(sarif.NewSimpleArtifactLocation(uri))
	if line > 0 {
		phys.WithRegion(sarif.NewRegion().WithStartLine(line))
	}

	text := app + ": " + nonEmpty(f.Message, f.Title)
	if len(f.Evidence) > 0 {
		text += "\nEvidence: " + strings.Join(audit.Texts(f.Evidence), "; ")
	}
	if fix := strings.TrimSpace(f.Remediation); fix != "" {
		text += "\nFix: " + fix
	}

	res := sarif.NewRuleResult(f.Check).
		WithLevel(level).
		WithMessage(sarif.NewTextMessage(text)).
		AddLocation(sarif.NewLocationWithPhysicalLocation(phys)).
		// With, not Add: go-sarif's AddPartialFingerprint writes to a nil map.
		WithPartialFingerprints(map[string]string{fingerprintKey: fingerprint(app, f.Check, uri)}).
		WithProperties(sarif.NewPropertyBag().
			Add("app", app).
			Add("severity", f.Severity.String()))
	if i := ruleIndex(run, f); i >= 0 {
		res.WithRuleIndex(i)
	}
	switch f.Baseline {
	case audit.BaselineNew:
		res.WithBaselineState("new")
	case audit.BaselineExisting:
		res.WithBaselineState("unchanged")
	}
	if s := f.Suppressed; s != nil {
		sup := sarif.NewSuppression().
			WithKind("external").
			WithStatus("accepted").
			WithJustification(nonEmpty(strings.TrimSpace(s.Reason), "no reason given"))
		if s.Expires != "" {
			sup.WithProperties(sarif.NewPropertyBag().Add("expires", s.Expires))
		}
		res.AddSuppression(sup)
	}
	run.AddResult(res)
}

// runProperties carries what SARIF has no field for: the counts against
// the baseline and the problems fixed since it.
func runProperties(r Report) *sarif.PropertyBag {
	var fixed []map[string]string
	for _, res := range r.Results {
		for _, f := range res.Fixed {
			fixed = append(fixed, map[string]string{"app": res.App, "check": f.Check, "title": f.Title})
		}
	}
	var incomplete []map[string]any
	for _, res := range r.Results {
		if len(res.Incomplete) > 0 {
			incomplete = append(incomplete, map[string]any{"app": res.App, "grade": res.Grade, "checks": res.Incomplete})
		}
	}
	if r.Baseline == nil && len(fixed) == 0 && len(incomplete) == 0 && r.Gate == nil && len(r.Vulnerabilities) == 0 {
		return nil
	}
	props := sarif.NewPropertyBag()
	if len(incomplete) > 0 {
		props.Add("incomplete", incomplete)
	}
	if len(r.Vulnerabilities) > 0 {
		props.Add("vulnerabilities", r.Vulnerabilities)
	}
	if g := r.Gate; g != nil {
		props.Add("gate", map[string]any{"tripped": g.Tripped, "reasons": append([]string{}, g.Reasons...)})
	}
	if b := r.Baseline; b != nil {
		props.Add("baseline", map[string]int{"new": b.New, "existing": b.Existing, "fixed": b.Fixed})
	}
	if len(fixed) > 0 {
		props.Add("fixed", fixed)
	}
	return props
}

// findingLocation places a finding: at the file and line its evidence
// names, else at a stable URI for the config var or process it names, else
// at one for the check on the app. The places are the evidence's own
// fields, so rewording a message never moves an alert.
func findingLocation(app string, f audit.Finding) (uri string, line int) {
	for _, e := range f.Evidence {
		if e.File != "" {
			return fileURI(e.File), e.Line
		}
	}
	for _, e := range f.Evidence {
		if e.ConfigVar != "" {
			return herokuURI(app, "config-vars", e.ConfigVar), 0
		}
	}
	for _, e := range f.Evidence {
		if e.Process != "" {
			return herokuURI(app, "formation", e.Process), 0
		}
	}
	return herokuURI(app, "checks", f.Check), 0
}

// fileURI writes a slug-relative path as a relative URI reference, which
// code scanning resolves against the repository root.
func fileURI(file string) string {
	// Files are relative to the app root. A leading "/" or "//" would make
	// the reference absolute, or a network path with a host, so it goes.
	for strings.HasPrefix(file, "./") || strings.HasPrefix(file, "/") {
		file = strings.TrimPrefix(strings.TrimPrefix(file, "./"), "/")
	}
	if file == "" {
		file = "."
	}
	return (&url.URL{Path: file}).String()
}

// herokuURI is heroku://APP/KIND/NAME. A Heroku app name (lower-case
// letters, digits, dashes) is a valid host name; any other name cannot be
// one (a host takes no escapes), so it moves, escaped, into the path:
// heroku:///APP/KIND/NAME.
func herokuURI(app, kind, name string) string {
	tail := "/" + kind + "/" + url.PathEscape(name)
	if isHostName(app) {
		return "heroku://" + app + tail
	}
	return "heroku:///" + url.PathEscape(app) + tail
}

func isHostName(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r == '-' || r == '.' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// fingerprint identifies a result across runs by app, check and location
// (the line is left out: an edit above it must not make it a new alert).
func fingerprint(app, check, uri string) string {
	sum := sha256.Sum256([]byte(app + "\x00" + check + "\x00" + uri))
	return hex.EncodeToString(sum[:])
}

// securitySeverity is the score code scanning ranks security alerts by:
// over 9.0 critical, 7.0 to 8.9 high, 4.0 to 6.9 medium, 0.1 to 3.9 low.
func securitySeverity(s audit.Severity) string {
	switch s {
	case audit.Critical:
		return "9.5"
	case audit.High:
		return "7.5"
	case audit.Medium:
		return "5.0"
	case audit.Low:
		return "2.0"
	}
	return "0.0"
}

// ruleName is the title as an identifier ("Debug mode is off" becomes
// "DebugModeIsOff"), the form SARIF asks of a rule's name.
func ruleName(c audit.Check) string {
	var b strings.Builder
	for w := range strings.FieldsFuncSeq(c.Title, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		rs := []rune(w)
		b.WriteRune(unicode.ToUpper(rs[0]))
		b.WriteString(string(rs[1:]))
	}
	if b.Len() == 0 {
		return c.ID
	}
	return b.String()
}

func nonEmpty(s, fallback string) string {
	if strings.TrimSpace(s) == "" {
		return fallback
	}
	return s
}
