package report

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/herokuaudit/herokuaudit/audit"
)

// The JUnit wire types: the common schema CI systems read (Jenkins, GitLab,
// GitHub test reporters): testsuites > testsuite > testcase with at most
// one of failure, error or skipped.

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Comment  string       `xml:",comment"` // the baseline counts and notices: JUnit has no element for them
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string           `xml:"name,attr"`
	Tests      int              `xml:"tests,attr"`
	Failures   int              `xml:"failures,attr"`
	Errors     int              `xml:"errors,attr"`
	Skipped    int              `xml:"skipped,attr"`
	Properties *junitProperties `xml:"properties,omitempty"`
	Cases      []junitCase      `xml:"testcase"`
	SystemOut  *junitText       `xml:"system-out,omitempty"`
}

type junitProperties struct {
	Property []junitProperty `xml:"property"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Classname string        `xml:"classname,attr"`
	Name      string        `xml:"name,attr"`
	Failure   *junitProblem `xml:"failure,omitempty"`
	Error     *junitProblem `xml:"error,omitempty"`
	Skipped   *junitSkipped `xml:"skipped,omitempty"`
	SystemOut *junitText    `xml:"system-out,omitempty"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",innerxml"` // escaped by xmlText
}

// junitText is element text escaped by xmlText. encoding/xml would write
// every line break as &#xA;, which CI systems decode but people reading the
// file cannot.
type junitText struct {
	Text string `xml:",innerxml"`
}

type junitSkipped struct {
	Message string `xml:"message,attr"`
}

type junitRenderer struct{}

// Render writes JUnit XML: a suite per app, a test case per check. A fail
// fails its test; a warn passes, with the warning in system-out, so warnings
// never fail CI; skips skip; errors error. A suppressed fail is skipped with
// the reason: the risk is accepted, and CI should not fail on it. An app
// that could not be audited is one test case "audit" in error.
func (junitRenderer) Render(w io.Writer, r Report) error {
	doc := junitSuites{Name: clean(toolName(r), false)}
	var preamble []string
	if r.Baseline != nil {
		preamble = append(preamble, baselineLine(*r.Baseline))
	}
	for _, n := range r.Notices {
		preamble = append(preamble, "notice: "+n)
	}
	doc.Comment = xmlComment(preamble)
	for _, res := range r.Results {
		s := junitSuiteOf(res, r.Baseline != nil)
		doc.Suites = append(doc.Suites, s)
		doc.Tests += s.Tests
		doc.Failures += s.Failures
		doc.Errors += s.Errors
		doc.Skipped += s.Skipped
	}
	var b bytes.Buffer
	b.WriteString(xml.Header)
	enc := xml.NewEncoder(&b)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("junit: %w", err)
	}
	b.WriteByte('\n')
	_, err := w.Write(b.Bytes())
	return err
}

func junitSuiteOf(res audit.Result, withBaseline bool) junitSuite {
	app := clean(res.App, false)
	s := junitSuite{Name: app}
	if res.Error != "" {
		s.Cases = []junitCase{{Classname: app, Name: "audit",
			Error: &junitProblem{Message: clean(res.Error, false)}}}
		s.Tests, s.Errors = 1, 1
		return s
	}
	props := []junitProperty{{"score", strconv.Itoa(res.Score)}, {"grade", clean(res.Grade, false)}}
	if withBaseline {
		var newN, existing int
		for _, f := range res.Findings {
			switch f.Baseline {
			case audit.BaselineNew:
				newN++
			case audit.BaselineExisting:
				existing++
			}
		}
		props = append(props,
			junitProperty{"baseline.new", strconv.Itoa(newN)},
			junitProperty{"baseline.existing", strconv.Itoa(existing)},
			junitProperty{"baseline.fixed", strconv.Itoa(len(res.Fixed))})
	}
	s.Properties = &junitProperties{Property: props}
	for _, f := range res.Findings {
		c := junitCase{Classname: app, Name: clean(f.Check, false) + ": " + clean(nonEmpty(f.Title, f.Check), false)}
		switch {
		case f.Status == audit.Fail && f.Suppressed != nil:
			c.Skipped = &junitSkipped{Message: clean(suppressedText(f.Suppressed), false)}
			s.Skipped++
		case f.Status == audit.Fail:
			c.Failure = &junitProblem{Message: clean(f.Message, false), Type: f.Severity.String(), Text: xmlText(junitDetails(f))}
			s.Failures++
		case f.Status == audit.Warn:
			label := "warning"
			if q := qualifiers(f); len(q) > 0 {
				label += " (" + strings.Join(q, ", ") + ")"
			}
			out := label + ": " + clean(f.Message, false)
			if d := junitDetails(f); d != "" {
				out += "\n" + d
			}
			if f.Suppressed != nil {
				out += "\n" + clean(suppressedText(f.Suppressed), false)
			}
			c.SystemOut = &junitText{Text: xmlText(out)}
		case f.Status == audit.Skip:
			c.Skipped = &junitSkipped{Message: clean(f.Message, false)}
			s.Skipped++
		case f.Status == audit.Pass:
		default:
			// error, and any status this renderer does not know: the check
			// did not run to a verdict.
			c.Error = &junitProblem{Message: clean(f.Message, false), Text: xmlText(junitDetails(f))}
			s.Errors++
		}
		s.Cases = append(s.Cases, c)
	}
	s.Tests = len(s.Cases)
	if len(res.Fixed) > 0 {
		var out strings.Builder
		out.WriteString("fixed since the baseline:")
		for _, f := range res.Fixed {
			fmt.Fprintf(&out, "\n  %s: %s", clean(f.Check, false), clean(fixedTitle(f), false))
		}
		s.SystemOut = &junitText{Text: xmlText(out.String())}
	}
	return s
}

// junitDetails is the body of a failure: the evidence, the fix and, against
// a baseline, whether the problem is new, one per line.
func junitDetails(f audit.Finding) string {
	var lines []string
	for _, e := range f.Evidence {
		lines = append(lines, clean(e.Text, false))
	}
	if fix := strings.TrimSpace(f.Remediation); fix != "" {
		lines = append(lines, "fix: "+clean(fix, true))
	}
	if f.Baseline == audit.BaselineNew {
		lines = append(lines, "new since the baseline")
	}
	return strings.Join(lines, "\n")
}

// xmlText escapes text for element content: the three markup characters
// become entities, and characters XML 1.0 does not allow (which clean has
// not already escaped: U+FFFE, U+FFFF) become \u escapes, so the document
// stays well-formed whatever a finding says. Line breaks stay line breaks.
func xmlText(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '&':
			b.WriteString("&amp;")
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case r == '\n' || r == '\t' || r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF:
			b.WriteRune(r)
		default:
			fmt.Fprintf(&b, `\u%04x`, r)
		}
	}
	return b.String()
}

// xmlComment makes lines into the text of one XML comment, a line each,
// indented under the opening tag. A comment may not hold "--" (the encoder
// refuses it), so a run of dashes gets blanks inside. No lines, no comment.
func xmlComment(lines []string) string {
	if len(lines) == 0 {
		return ""
	}
	var b strings.Builder
	for _, l := range lines {
		l = clean(l, false)
		for strings.Contains(l, "--") {
			l = strings.ReplaceAll(l, "--", "- -")
		}
		b.WriteString("\n    " + l)
	}
	b.WriteString("\n  ")
	return b.String()
}
