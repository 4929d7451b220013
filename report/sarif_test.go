package report

import (
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"

	"github.com/herokuaudit/herokuaudit/audit"
)

// sarifDoc reads back what code scanning reads, independently of go-sarif's
// types, so the tests pin the wire shape.
type sarifDoc struct {
	Schema  string `json:"$schema"`
	Version string `json:"version"`
	Runs    []struct {
		Tool struct {
			Driver struct {
				Name           string `json:"name"`
				Version        string `json:"version"`
				InformationURI string `json:"informationUri"`
				Rules          []struct {
					ID               string `json:"id"`
					Name             string `json:"name"`
					ShortDescription struct {
						Text string `json:"text"`
					} `json:"shortDescription"`
					FullDescription struct {
						Text string `json:"text"`
					} `json:"fullDescription"`
					Help struct {
						Text     string `json:"text"`
						Markdown string `json:"markdown"`
					} `json:"help"`
					Properties map[string]any `json:"properties"`
				} `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		Results     []sarifResult `json:"results"`
		Invocations []struct {
			ExecutionSuccessful        bool `json:"executionSuccessful"`
			ToolExecutionNotifications []struct {
				Level   string `json:"level"`
				Message struct {
					Text string `json:"text"`
				} `json:"message"`
			} `json:"toolExecutionNotifications"`
		} `json:"invocations"`
		Properties map[string]any `json:"properties"`
	} `json:"runs"`
}

type sarifResult struct {
	RuleID    string `json:"ruleId"`
	RuleIndex int    `json:"ruleIndex"`
	Level     string `json:"level"`
	Message   struct {
		Text string `json:"text"`
	} `json:"message"`
	BaselineState string `json:"baselineState"`
	Suppressions  []struct {
		Kind          string         `json:"kind"`
		Status        string         `json:"status"`
		Justification string         `json:"justification"`
		Properties    map[string]any `json:"properties"`
	} `json:"suppressions"`
	Locations []struct {
		PhysicalLocation struct {
			ArtifactLocation struct {
				URI string `json:"uri"`
			} `json:"artifactLocation"`
			Region *struct {
				StartLine int `json:"startLine"`
			} `json:"region"`
		} `json:"physicalLocation"`
	} `json:"locations"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
	Properties          map[string]any    `json:"properties"`
}

func readSARIF(t *testing.T, out []byte) sarifDoc {
	t.Helper()
	var doc sarifDoc
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatalf("SARIF does not parse: %v\n%s", err, out)
	}
	if len(doc.Runs) != 1 {
		t.Fatalf("%d runs, want 1", len(doc.Runs))
	}
	return doc
}

// TestSARIFValidates checks the written bytes, read back as they are,
// against the official 2.1.0 schema go-sarif embeds.
func TestSARIFValidates(t *testing.T) {
	cases := []struct {
		name string
		r    Report
	}{
		{"rich", richReport()},
		{"plain fleet, real catalog", Report{Tool: Tool{Name: "herokuaudit", Version: "1.2.3"}, Results: []audit.Result{cleanApp(), mixedApp(), failedApp(), midApp()}}},
		{"nothing audited", Report{}},
		{"no version, empty check list", Report{Results: []audit.Result{mixedApp()}, Checks: []audit.Check{}}},
		{"hostile text", Report{Results: []audit.Result{hostileResult()}, Notices: []string{"a\x00b"}, Checks: []audit.Check{{ID: "debug-mode"}}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out := render(t, "sarif", c.r)
			rep, err := sarif.FromBytes(out, sarif.WithStrictValidation())
			if err != nil {
				t.Fatalf("go-sarif cannot read the output: %v", err)
			}
			if err := rep.Validate(); err != nil {
				t.Errorf("output does not validate against SARIF 2.1.0: %v", err)
			}
			if err := sarifReport(c.r).Validate(); err != nil {
				t.Errorf("report does not validate: %v", err)
			}
			doc := readSARIF(t, out)
			if doc.Version != "2.1.0" || !strings.Contains(doc.Schema, "sarif-schema-2.1.0.json") {
				t.Errorf("version %q, schema %q", doc.Version, doc.Schema)
			}
		})
	}
}

func hostileResult() audit.Result {
	h := "a\x1b[2J\"<>&\u202e\xff|`\n"
	return scored("app&<>\"", []audit.Finding{
		{Check: "debug-mode", Status: audit.Fail, Severity: audit.Critical, Title: h, Message: h,
			Evidence: evs(h, "config var "+h, "x.py:0: "+h), Remediation: h,
			Suppressed: &audit.Suppressed{Reason: h, Expires: h}, Baseline: audit.BaselineNew},
		{Check: h, Status: audit.Warn, Severity: audit.Severity(42), Message: h, Evidence: evs("a b:12: " + h)},
		{Check: "", Status: audit.Warn, Severity: audit.Low, Message: ""},
		{Check: "stack", Status: audit.Error, Severity: audit.High, Message: h},
	})
}

// TestSARIFRules: one rule per check given, in order, with what code
// scanning shows and ranks by; a finding of a check the list lacks gets a
// rule of its own.
func TestSARIFRules(t *testing.T) {
	doc := readSARIF(t, render(t, "sarif", richReport()))
	d := doc.Runs[0].Tool.Driver
	if d.Name != "herokuaudit" || d.Version != "1.2.3" || d.InformationURI != "https://github.com/herokuaudit/herokuaudit" {
		t.Errorf("driver = %q %q %q", d.Name, d.Version, d.InformationURI)
	}
	checks := richChecks()
	if len(d.Rules) != len(checks)+1 {
		t.Fatalf("%d rules, want %d (the catalog and server-banner)", len(d.Rules), len(checks)+1)
	}
	for i, c := range checks {
		rule := d.Rules[i]
		t.Run(c.ID, func(t *testing.T) {
			if rule.ID != c.ID || rule.ShortDescription.Text != c.Title || rule.FullDescription.Text != c.Rationale ||
				rule.Help.Text != c.Remediation || rule.Help.Markdown == "" {
				t.Errorf("rule = %+v", rule)
			}
			if rule.Name == "" || strings.ContainsAny(rule.Name, " -_") {
				t.Errorf("name %q is not an identifier", rule.Name)
			}
			if got, want := rule.Properties["security-severity"], securitySeverity(c.Severity); got != want {
				t.Errorf("security-severity = %v, want %q", got, want)
			}
			tags, _ := rule.Properties["tags"].([]any)
			want := []any{"security"}
			if c.Checklist != "" {
				want = append(want, c.Checklist)
			}
			if !slices.Equal(tags, want) {
				t.Errorf("tags = %v, want %v", tags, want)
			}
		})
	}
	extra := d.Rules[len(checks)]
	if extra.ID != "server-banner" || extra.ShortDescription.Text != "The server banner is quiet" || extra.Properties["security-severity"] != "2.0" {
		t.Errorf("rule added from the finding = %+v", extra)
	}
}

func TestSecuritySeverity(t *testing.T) {
	cases := []struct {
		s    audit.Severity
		want string
	}{
		{audit.Critical, "9.5"}, {audit.High, "7.5"}, {audit.Medium, "5.0"}, {audit.Low, "2.0"}, {audit.Info, "0.0"}, {audit.Severity(9), "0.0"},
	}
	for _, c := range cases {
		t.Run(c.s.String(), func(t *testing.T) {
			if got := securitySeverity(c.s); got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}

// TestSARIFCatalogRules: with no check list given, the real catalog
// supplies the rules, and every one carries a severity score, help and a
// description.
func TestSARIFCatalogRules(t *testing.T) {
	doc := readSARIF(t, render(t, "sarif", Report{Results: []audit.Result{mixedApp()}}))
	rules := doc.Runs[0].Tool.Driver.Rules
	cat := audit.Catalog()
	if len(rules) < len(cat) {
		t.Fatalf("%d rules for %d checks", len(rules), len(cat))
	}
	for i, c := range cat {
		rule := rules[i]
		t.Run(c.ID, func(t *testing.T) {
			if rule.ID != c.ID {
				t.Fatalf("rule %d is %q, want %q (catalog order)", i, rule.ID, c.ID)
			}
			if s, _ := rule.Properties["security-severity"].(string); !slices.Contains([]string{"9.5", "7.5", "5.0", "2.0", "0.0"}, s) {
				t.Errorf("security-severity %q", s)
			}
			if strings.TrimSpace(rule.Help.Text) == "" || strings.TrimSpace(rule.Help.Markdown) == "" {
				t.Error("no help")
			}
			if rule.ShortDescription.Text == "" || rule.FullDescription.Text == "" || rule.Name == "" {
				t.Errorf("rule lacks a description or name: %+v", rule)
			}
		})
	}
}

// TestSARIFResults: one result per fail and warn, in app and catalog order,
// with level, message, location, baseline state, suppression and the app.
func TestSARIFResults(t *testing.T) {
	doc := readSARIF(t, render(t, "sarif", richReport()))
	run := doc.Runs[0]
	type want struct {
		rule, level, uri string
		line             int
		baseline         string
		suppressed       string
		app              string
	}
	wants := []want{
		{"debug-mode", "error", "heroku://shop-staging/config-vars/FLASK_DEBUG", 0, "new", "", "shop-staging"},
		{"web-server", "error", "Procfile", 1, "unchanged", "", "shop-staging"},
		{"postgres-ssl", "error", "heroku://shop-staging/config-vars/DATABASE_URL", 0, "unchanged", "staging uses a throwaway copy | no customer data", "shop-staging"},
		{"dyno-tier", "warning", "heroku://shop-staging/checks/dyno-tier", 0, "new", "staging may sleep", "shop-staging"},
		{"hardcoded-secret", "error", "app.py", 12, "new", "", "blog"},
		{"debug-in-source", "warning", "blog/config.py", 3, "unchanged", "", "blog"},
		{"server-banner", "warning", "heroku://blog/checks/server-banner", 0, "new", "", "blog"},
	}
	if len(run.Results) != len(wants) {
		t.Fatalf("%d results, want %d", len(run.Results), len(wants))
	}
	rules := run.Tool.Driver.Rules
	seen := map[string]bool{}
	for i, w := range wants {
		r := run.Results[i]
		t.Run(w.rule, func(t *testing.T) {
			if r.RuleID != w.rule || r.RuleIndex < 0 || r.RuleIndex >= len(rules) || rules[r.RuleIndex].ID != w.rule {
				t.Errorf("rule %q index %d", r.RuleID, r.RuleIndex)
			}
			if r.Level != w.level {
				t.Errorf("level %q, want %q", r.Level, w.level)
			}
			if len(r.Locations) != 1 {
				t.Fatalf("%d locations", len(r.Locations))
			}
			loc := r.Locations[0].PhysicalLocation
			if loc.ArtifactLocation.URI != w.uri {
				t.Errorf("uri %q, want %q", loc.ArtifactLocation.URI, w.uri)
			}
			switch {
			case w.line == 0 && loc.Region != nil:
				t.Errorf("region %+v, want none", loc.Region)
			case w.line > 0 && (loc.Region == nil || loc.Region.StartLine != w.line):
				t.Errorf("region %+v, want line %d", loc.Region, w.line)
			}
			if r.BaselineState != w.baseline {
				t.Errorf("baselineState %q, want %q", r.BaselineState, w.baseline)
			}
			switch {
			case w.suppressed == "" && len(r.Suppressions) != 0:
				t.Errorf("suppressions %+v, want none", r.Suppressions)
			case w.suppressed != "" && (len(r.Suppressions) != 1 || r.Suppressions[0].Kind != "external" ||
				r.Suppressions[0].Justification != w.suppressed || r.Suppressions[0].Status != "accepted"):
				t.Errorf("suppressions %+v, want one external: %q", r.Suppressions, w.suppressed)
			}
			if r.Properties["app"] != w.app || !strings.HasPrefix(r.Message.Text, w.app+": ") {
				t.Errorf("app %v, message %q", r.Properties["app"], r.Message.Text)
			}
			fp := r.PartialFingerprints["herokuaudit/v1"]
			if fp != fingerprint(w.app, w.rule, w.uri) || seen[fp] {
				t.Errorf("fingerprint %q missing, wrong or repeated", fp)
			}
			seen[fp] = true
		})
	}
	if got := run.Results[2].Suppressions[0].Properties["expires"]; got != "2027-01-31" {
		t.Errorf("expiry of the suppression = %v", got)
	}
	if msg := run.Results[0].Message.Text; !strings.Contains(msg, "FLASK_DEBUG is truthy") || !strings.Contains(msg, "config var FLASK_DEBUG is truthy") {
		t.Errorf("message lacks the message or the evidence: %q", msg)
	}

	inv := run.Invocations
	if len(inv) != 1 || inv[0].ExecutionSuccessful {
		t.Fatalf("invocations %+v: want one, unsuccessful (an app could not be audited)", inv)
	}
	var notes []string
	for _, n := range inv[0].ToolExecutionNotifications {
		notes = append(notes, n.Level+" "+n.Message.Text)
	}
	wantNotes := []string{
		"warning shop-staging: stack: app unavailable: 503 from the Platform API",
		"error legacy-api: could not be audited: fetching app: 404 not_found: Couldn't find that app.",
		"warning " + richNotice,
	}
	if !slices.Equal(notes, wantNotes) {
		t.Errorf("notifications:\n%q\nwant\n%q", notes, wantNotes)
	}
	b, _ := json.Marshal(run.Properties)
	if got := string(b); got != `{"baseline":{"existing":3,"fixed":2,"new":4},"fixed":[{"app":"shop-staging","check":"log-drain","title":"Logs leave the platform"},{"app":"shop-prod","check":"debug-mode","title":"Debug mode is off"}]}` {
		t.Errorf("run properties = %s", got)
	}
}

// TestSARIFWithoutBaseline: no baseline, no suppression: none of their
// fields appear, and a run that audited everything succeeded.
func TestSARIFWithoutBaseline(t *testing.T) {
	out := render(t, "sarif", Report{Results: []audit.Result{mixedApp()}, Checks: richChecks()})
	for _, absent := range []string{"baselineState", "suppressions", `"baseline"`, `"fixed"`} {
		if strings.Contains(string(out), absent) {
			t.Errorf("output holds %s", absent)
		}
	}
	// mixedApp has a check in error: the audit is incomplete
	doc := readSARIF(t, out)
	if doc.Runs[0].Invocations[0].ExecutionSuccessful {
		t.Error("executionSuccessful is true with a check in error")
	}
	whole := mixedApp()
	whole.Findings = slices.DeleteFunc(whole.Findings, func(f audit.Finding) bool { return f.Status == audit.Error })
	doc = readSARIF(t, render(t, "sarif", Report{Results: []audit.Result{whole}, Checks: richChecks()}))
	if !doc.Runs[0].Invocations[0].ExecutionSuccessful {
		t.Error("executionSuccessful is false with every check run")
	}
}

// TestSARIFConfigVarLocation: evidence that names a config var and says
// something about its value locates the result by the name alone.
func TestSARIFConfigVarLocation(t *testing.T) {
	const value = "sslmode=disable"
	res := scored("app", []audit.Finding{{Check: "postgres-ssl", Status: audit.Fail, Severity: audit.High,
		Message: "TLS is off", Evidence: evs("config var DATABASE_URL: " + value)}})
	out := render(t, "sarif", Report{Results: []audit.Result{res}, Checks: richChecks()})
	doc := readSARIF(t, out)
	r := doc.Runs[0].Results[0]
	if got := r.Locations[0].PhysicalLocation.ArtifactLocation.URI; got != "heroku://app/config-vars/DATABASE_URL" {
		t.Errorf("uri = %q", got)
	}
	// The value may appear only where the finding put it: the message.
	r.Message.Text = ""
	b, _ := json.Marshal(r)
	if strings.Contains(string(b), "sslmode") || strings.Contains(string(b), "disable") {
		t.Errorf("something other than the message carries the value: %s", b)
	}
	if n := strings.Count(string(out), value); n != 1 {
		t.Errorf("the value appears %d times, want once (in the message)", n)
	}
}

func TestEvidenceLocation(t *testing.T) {
	cases := []struct {
		name     string
		evidence []audit.Evidence
		uri      string
		line     int
	}{
		{"file and line", []audit.Evidence{{Text: "x", File: "app.py", Line: 12}}, "app.py", 12},
		{"nested file", []audit.Evidence{{Text: "x", File: "blog/config.py", Line: 3}}, "blog/config.py", 3},
		{"file without a line", []audit.Evidence{{Text: "x", File: "runtime.txt"}}, "runtime.txt", 0},
		{"leading ./", []audit.Evidence{{Text: "x", File: "./app.py", Line: 4}}, "app.py", 4},
		{"a file wins over a config var before it", []audit.Evidence{{Text: "x", ConfigVar: "DEBUG"}, {Text: "y", File: "app.py", Line: 9}}, "app.py", 9},
		{"config var", []audit.Evidence{{Text: "x", ConfigVar: "DEBUG"}}, "heroku://shop/config-vars/DEBUG", 0},
		{"a config var wins over a process", []audit.Evidence{{Text: "x", Process: "web"}, {Text: "y", ConfigVar: "GUNICORN_CMD_ARGS"}}, "heroku://shop/config-vars/GUNICORN_CMD_ARGS", 0},
		{"process", []audit.Evidence{{Text: "x", Process: "web"}}, "heroku://shop/formation/web", 0},
		// the text is never read for a place: rewording moves nothing
		{"text alone names nothing", []audit.Evidence{{Text: "app.py:12: config var DEBUG"}}, "heroku://shop/checks/x", 0},
		{"file name needing escapes", []audit.Evidence{{Text: "x", File: "my%file#1.py", Line: 2}}, "my%25file%231.py", 2},
		{"no evidence", nil, "heroku://shop/checks/x", 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			uri, line := findingLocation("shop", audit.Finding{Check: "x", Evidence: c.evidence})
			if uri != c.uri || line != c.line {
				t.Errorf("got %q line %d, want %q line %d", uri, line, c.uri, c.line)
			}
		})
	}
}

func TestHerokuURI(t *testing.T) {
	cases := []struct{ app, kind, name, want string }{
		{"shop-prod", "config-vars", "DATABASE_URL", "heroku://shop-prod/config-vars/DATABASE_URL"},
		{"shop-prod", "checks", "x/y?z", "heroku://shop-prod/checks/x%2Fy%3Fz"},
		{"a b/c", "checks", "stack", "heroku:///a%20b%2Fc/checks/stack"},
		{"app&<>\"", "checks", "stack", "heroku:///app&%3C%3E%22/checks/stack"},
		{"", "checks", "stack", "heroku:////checks/stack"},
	}
	for _, c := range cases {
		t.Run(c.want, func(t *testing.T) {
			got := herokuURI(c.app, c.kind, c.name)
			if got != c.want {
				t.Errorf("got %q", got)
			}
			if u, err := url.Parse(got); err != nil || u.Scheme != "heroku" {
				t.Errorf("%q does not parse as a heroku URI: %v", got, err)
			}
		})
	}
}

func TestRuleName(t *testing.T) {
	cases := []struct{ title, id, want string }{
		{"Debug mode is off in production", "debug-mode", "DebugModeIsOffInProduction"},
		{"SECRET_KEY is strong", "secret-key", "SECRETKEYIsStrong"},
		{"Workers ≥ 2, fit the dyno", "w", "Workers2FitTheDyno"},
		{"", "stack", "stack"},
		{"— !", "x", "x"},
	}
	for _, c := range cases {
		t.Run(c.want, func(t *testing.T) {
			if got := ruleName(audit.Check{ID: c.id, Title: c.title}); got != c.want {
				t.Errorf("got %q", got)
			}
		})
	}
}

// FuzzEvidenceLocation: whatever the evidence's fields hold, locating a
// finding does not panic and yields a URI that parses.
func FuzzEvidenceLocation(f *testing.F) {
	f.Add("app.py", 12, "DATABASE_URL", "web")
	f.Add("", 0, "", "")
	f.Add("a b/c%.py", -1, "\xff", "w/eb")
	f.Add("//!:1", 1, "", "") // once an authority, then a bad escape
	f.Add("/./x.py", 2, "", "")
	f.Fuzz(func(t *testing.T, file string, line int, name, proc string) {
		ev := []audit.Evidence{{Text: "t", File: file, Line: line, ConfigVar: name, Process: proc}}
		uri, _ := findingLocation("app", audit.Finding{Check: "chk", Evidence: ev})
		u, err := url.Parse(uri)
		if err != nil || uri == "" {
			t.Fatalf("uri %q does not parse: %v", uri, err)
		}
		if file != "" && (u.Scheme != "" || u.Host != "") {
			t.Fatalf("file %q located at %q: not a path relative to the app root", file, uri)
		}
	})
}

// FuzzSARIF: whatever the findings say, the SARIF output is JSON whose
// locations are URI references as the 2.1.0 schema checks them (what
// url.Parse accepts, with no backslash) and whose results point at rules.
// Full schema validation costs ~20 ms a run, too slow for the fuzzer;
// TestSARIFValidates runs it over hostile text instead.
func FuzzSARIF(f *testing.F) {
	f.Add("shop", "app.py:12: x", "config var DATABASE_URL: sslmode=disable", "reason")
	f.Add("a b", "Procfile line 3", "config var ", "")
	f.Add("app&<>\"", "%zz:1", "x\\y.py:2", "\xff")
	f.Add("", ":1", "a:b:3", "\u202e")
	f.Add("0 0", "Procfile8line 3", "config var ", "J0\x89\xbb\x8c\xb6T")
	f.Fuzz(func(t *testing.T, app, ev1, ev2, reason string) {
		res := audit.Result{App: app, Findings: []audit.Finding{
			{Check: "debug-mode", Status: audit.Fail, Severity: audit.Critical, Message: ev1, Evidence: evs(ev1, ev2),
				Suppressed: &audit.Suppressed{Reason: reason, Expires: reason}, Baseline: audit.BaselineExisting},
			{Check: ev2, Status: audit.Warn, Severity: audit.Low, Message: reason, Evidence: evs(ev2)},
			{Check: "stack", Status: audit.Error, Message: ev1},
		}, Fixed: []audit.Finding{{Check: ev1, Title: reason}}}
		var b strings.Builder
		r := Report{Tool: Tool{Version: reason}, Results: []audit.Result{res, {App: ev1, Error: reason}},
			Notices: []string{reason}, Baseline: &audit.BaselineSummary{}, Checks: richChecks()}
		if err := (sarifRenderer{}).Render(&b, r); err != nil {
			t.Fatal(err)
		}
		doc := readSARIF(t, []byte(b.String()))
		run := doc.Runs[0]
		if len(run.Results) != 2 {
			t.Fatalf("%d results, want 2", len(run.Results))
		}
		for _, res := range run.Results {
			uri := res.Locations[0].PhysicalLocation.ArtifactLocation.URI
			if _, err := url.Parse(uri); err != nil || uri == "" || strings.Contains(uri, `\`) {
				t.Fatalf("uri %q is not a URI reference: %v", uri, err)
			}
			if res.RuleIndex < 0 && res.RuleID != "" || res.RuleIndex >= len(run.Tool.Driver.Rules) ||
				res.RuleIndex >= 0 && run.Tool.Driver.Rules[res.RuleIndex].ID != res.RuleID {
				t.Fatalf("result for %q points at rule %d", res.RuleID, res.RuleIndex)
			}
		}
	})
}
