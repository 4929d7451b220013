package report

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/herokuaudit/herokuaudit/audit"
)

// What a CI system reads, declared here apart from the renderer's types.
type xSuites struct {
	XMLName  xml.Name `xml:"testsuites"`
	Name     string   `xml:"name,attr"`
	Tests    int      `xml:"tests,attr"`
	Failures int      `xml:"failures,attr"`
	Errors   int      `xml:"errors,attr"`
	Skipped  int      `xml:"skipped,attr"`
	Comment  string   `xml:",comment"`
	Suites   []xSuite `xml:"testsuite"`
}

type xSuite struct {
	Name       string `xml:"name,attr"`
	Tests      int    `xml:"tests,attr"`
	Failures   int    `xml:"failures,attr"`
	Errors     int    `xml:"errors,attr"`
	Skipped    int    `xml:"skipped,attr"`
	Properties []struct {
		Name  string `xml:"name,attr"`
		Value string `xml:"value,attr"`
	} `xml:"properties>property"`
	Cases     []xCase `xml:"testcase"`
	SystemOut string  `xml:"system-out"`
}

type xCase struct {
	Classname string `xml:"classname,attr"`
	Name      string `xml:"name,attr"`
	Failure   *struct {
		Message string `xml:"message,attr"`
		Type    string `xml:"type,attr"`
		Text    string `xml:",chardata"`
	} `xml:"failure"`
	Error *struct {
		Message string `xml:"message,attr"`
		Text    string `xml:",chardata"`
	} `xml:"error"`
	Skipped *struct {
		Message string `xml:"message,attr"`
	} `xml:"skipped"`
	SystemOut string `xml:"system-out"`
}

// readJUnit checks the output is well-formed XML token by token, then reads it.
func readJUnit(t *testing.T, out []byte) xSuites {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(out))
	for {
		_, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, out)
		}
	}
	var doc xSuites
	if err := xml.Unmarshal(out, &doc); err != nil {
		t.Fatalf("does not read as JUnit: %v", err)
	}
	return doc
}

// outcome names what a CI system makes of a test case.
func (c xCase) outcome() string {
	switch {
	case c.Failure != nil:
		return "failure"
	case c.Error != nil:
		return "error"
	case c.Skipped != nil:
		return "skipped"
	}
	return "pass"
}

func TestJUnit(t *testing.T) {
	out := render(t, "junit", richReport())
	if !bytes.HasPrefix(out, []byte(xml.Header)) {
		t.Errorf("no XML declaration:\n%s", out)
	}
	doc := readJUnit(t, out)
	if doc.Name != "herokuaudit" {
		t.Errorf("testsuites name %q", doc.Name)
	}
	if !strings.Contains(doc.Comment, "4 new, 3 existing, 2 fixed since the baseline") || !strings.Contains(doc.Comment, "notice: "+richNotice) {
		t.Errorf("comment %q lacks the baseline counts or the notice", doc.Comment)
	}

	type want struct {
		app   string
		cases []string // "name outcome"
		props map[string]string
		out   string
	}
	wants := []want{
		{"shop-staging", []string{
			"debug-mode: Debug mode is off failure",
			"secret-key: SECRET_KEY is strong pass",
			"web-server: A production web server failure",
			"gunicorn-workers: Gunicorn workers fit the dyno skipped",
			"postgres-ssl: Postgres over TLS skipped",
			"dyno-tier: Web dynos do not sleep pass",
			"stack: A supported stack error",
		}, map[string]string{"score": "33", "grade": "F", "baseline.new": "2", "baseline.existing": "2", "baseline.fixed": "1"},
			"fixed since the baseline:\n  log-drain: Logs leave the platform"},
		{"blog", []string{
			"hardcoded-secret: No secret in the source failure",
			"debug-in-source: No debug switch in the source pass",
			"session-cookies: Session cookies are locked down pass",
			"server-banner: The server banner is quiet pass",
		}, map[string]string{"score": "41", "grade": "F", "baseline.new": "2", "baseline.existing": "1", "baseline.fixed": "0"}, ""},
		{"shop-prod", []string{
			"debug-mode: Debug mode is off pass",
			"web-server: A production web server pass",
		}, map[string]string{"score": "100", "grade": "A", "baseline.new": "0", "baseline.existing": "0", "baseline.fixed": "1"},
			"fixed since the baseline:\n  debug-mode: Debug mode is off"},
		{"legacy-api", []string{"audit error"}, map[string]string{}, ""},
	}
	if len(doc.Suites) != len(wants) {
		t.Fatalf("%d suites, want %d", len(doc.Suites), len(wants))
	}
	var tests, failures, errs, skipped int
	for i, w := range wants {
		s := doc.Suites[i]
		t.Run(w.app, func(t *testing.T) {
			if s.Name != w.app {
				t.Fatalf("suite %q", s.Name)
			}
			var got []string
			var f, e, sk int
			for _, c := range s.Cases {
				if c.Classname != w.app {
					t.Errorf("classname %q", c.Classname)
				}
				got = append(got, c.Name+" "+c.outcome())
				switch c.outcome() {
				case "failure":
					f++
				case "error":
					e++
				case "skipped":
					sk++
				}
			}
			if strings.Join(got, "\n") != strings.Join(w.cases, "\n") {
				t.Errorf("cases:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(w.cases, "\n"))
			}
			if s.Tests != len(s.Cases) || s.Failures != f || s.Errors != e || s.Skipped != sk {
				t.Errorf("counts tests=%d failures=%d errors=%d skipped=%d; cases say %d %d %d %d",
					s.Tests, s.Failures, s.Errors, s.Skipped, len(s.Cases), f, e, sk)
			}
			props := map[string]string{}
			for _, p := range s.Properties {
				props[p.Name] = p.Value
			}
			if len(props) != len(w.props) {
				t.Errorf("properties %v, want %v", props, w.props)
			}
			for k, v := range w.props {
				if props[k] != v {
					t.Errorf("property %s = %q, want %q", k, props[k], v)
				}
			}
			if s.SystemOut != w.out {
				t.Errorf("system-out %q, want %q", s.SystemOut, w.out)
			}
			tests += s.Tests
			failures += s.Failures
			errs += s.Errors
			skipped += s.Skipped
		})
	}
	if doc.Tests != tests || doc.Failures != failures || doc.Errors != errs || doc.Skipped != skipped {
		t.Errorf("totals %d %d %d %d, suites add up to %d %d %d %d",
			doc.Tests, doc.Failures, doc.Errors, doc.Skipped, tests, failures, errs, skipped)
	}

	staging := doc.Suites[0].Cases
	if f := staging[0].Failure; f.Type != "critical" || f.Message != "FLASK_DEBUG is truthy: the Werkzeug debugger runs in production" ||
		f.Text != "config var FLASK_DEBUG is truthy\nfix: heroku config:unset FLASK_DEBUG -a shop-staging\nnew since the baseline" {
		t.Errorf("failure = %+v", f)
	}
	if s := staging[4].Skipped.Message; s != "suppressed: staging uses a throwaway copy | no customer data (until 2027-01-31)" {
		t.Errorf("suppressed fail skipped with %q", s)
	}
	if o := staging[5].SystemOut; !strings.HasPrefix(o, "warning (new, suppressed): web runs on eco dynos") || !strings.Contains(o, "fix: heroku ps:type web=basic") {
		t.Errorf("warning system-out %q", o)
	}
	if e := doc.Suites[3].Cases[0].Error.Message; e != "fetching app: 404 not_found: Couldn't find that app." {
		t.Errorf("app error %q", e)
	}
}

// TestJUnitWellFormed: markup characters and control bytes in any text end
// up as data, never as markup, and come back as they went in.
func TestJUnitWellFormed(t *testing.T) {
	const name = `a&b<c>"d'e`
	res := scored(name, []audit.Finding{
		{Check: "debug-mode", Status: audit.Fail, Severity: audit.Critical, Title: name, Message: name,
			Evidence: evs(name+"</failure><x>", "]]>", "ctl\x01\x1b\uFFFE"), Remediation: name + "\n--"},
		{Check: "stack", Status: audit.Warn, Severity: audit.High, Title: name, Message: "-->" + name},
		{Check: "web-server", Status: audit.Fail, Severity: audit.High, Title: name, Message: name,
			Suppressed: &audit.Suppressed{Reason: name + "--"}},
	})
	out := render(t, "junit", Report{Tool: Tool{Name: name}, Results: []audit.Result{res, audit.Failed(name+"2", errors.New(name))},
		Notices: []string{"a -- b --> c-"}, Baseline: &audit.BaselineSummary{}})
	doc := readJUnit(t, out)
	if doc.Name != name || doc.Suites[0].Name != name || doc.Suites[0].Cases[0].Classname != name ||
		doc.Suites[0].Cases[0].Name != "debug-mode: "+name || doc.Suites[1].Cases[0].Error.Message != name {
		t.Errorf("names did not survive: %+v", doc)
	}
	f := doc.Suites[0].Cases[0].Failure
	if f.Message != name || !strings.Contains(f.Text, name+"</failure><x>\n]]>\nctl\\x01\\x1b\\ufffe\nfix: "+name+"\n--") {
		t.Errorf("failure = %+v", f)
	}
	if o := doc.Suites[0].Cases[1].SystemOut; o != "warning: -->"+name {
		t.Errorf("system-out %q", o)
	}
	if strings.Contains(doc.Comment, "--") || !strings.Contains(doc.Comment, "notice: a - - b - -> c-") {
		t.Errorf("comment %q", doc.Comment)
	}
	if doc.Failures != 1 || doc.Skipped != 1 || doc.Errors != 1 || doc.Tests != 4 {
		t.Errorf("totals %+v", doc)
	}
}

func TestJUnitEmpty(t *testing.T) {
	doc := readJUnit(t, render(t, "junit", Report{}))
	if doc.Tests != 0 || len(doc.Suites) != 0 || doc.Comment != "" {
		t.Errorf("got %+v", doc)
	}
}

func TestXMLText(t *testing.T) {
	cases := []struct{ in, want string }{
		{"plain\nlines\ttab", "plain\nlines\ttab"},
		{`a&b<c>"d'`, `a&amp;b&lt;c&gt;"d'`},
		{"\uFFFE\uFFFF\x00", `\ufffe\uffff\u0000`},
		{"ok \U0001F600", "ok \U0001F600"},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			if got := xmlText(c.in); got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}
