package report

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/herokuaudit/herokuaudit/audit"
)

func TestWrap(t *testing.T) {
	cases := []struct {
		name  string
		in    string
		width int
		want  []string
	}{
		{"fits", "web runs gunicorn", 20, []string{"web runs gunicorn"}},
		{"at spaces", "one two three four", 9, []string{"one two", "three", "four"}},
		{"exact width", "abc def", 7, []string{"abc def"}},
		{"long word on lines of its own", "see abcdefghij now", 4, []string{"see", "abcd", "efgh", "ij", "now"}},
		{"long word then short", "abcdefgh x", 4, []string{"abcd", "efgh", "x"}},
		{"keeps line breaks", "first\nsecond line", 6, []string{"first", "second", "line"}},
		{"keeps blank lines inside", "a\n\nb", 5, []string{"a", "", "b"}},
		{"drops a trailing newline", "a\n", 5, []string{"a"}},
		{"collapses runs of blanks", "a    b", 5, []string{"a b"}},
		{"counts runes, not bytes", "ééé ééé", 3, []string{"ééé", "ééé"}},
		{"empty", "", 5, []string{""}},
		{"nonsense width", "ab", 0, []string{"a", "b"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := wrap(c.in, c.width); !slices.Equal(got, c.want) {
				t.Errorf("wrap(%q, %d) = %q, want %q", c.in, c.width, got, c.want)
			}
		})
	}
}

func TestClean(t *testing.T) {
	cases := []struct {
		name     string
		in       string
		newlines bool
		want     string
	}{
		{"plain", "config var DEBUG", false, "config var DEBUG"},
		{"escape sequence", "app\x1b[2J.py", false, `app\x1b[2J.py`},
		{"bell and delete", "a\x07b\x7f", false, `a\x07b\x7f`},
		{"C1 control", "a\u009bb", false, `a\x9bb`},
		{"newline kept", "a\nb", true, "a\nb"},
		{"newline flattened", "a\nb", false, "a b"},
		{"tab", "a\tb", true, "a b"},
		{"CRLF", "a\r\nb", true, "a\nb"},
		{"bidi override", "main\u202Eyp.py", false, `main\u202eyp.py`},
		{"invalid UTF-8", "a\xffb", false, `a\xffb`},
		{"a real replacement character stays", "a\uFFFDb", false, "a\uFFFDb"},
		{"non-ASCII text stays", "≥ 50 caractères", false, "≥ 50 caractères"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := clean(c.in, c.newlines); got != c.want {
				t.Errorf("clean(%q) = %q, want %q", c.in, got, c.want)
			}
		})
	}
}

func TestTruncate(t *testing.T) {
	cases := []struct {
		in   string
		n    int
		want string
	}{
		{"short", 10, "short"},
		{"exactly10!", 10, "exactly10!"},
		{"a bit too long", 10, "a bit too…"},
		{"ends at space here", 9, "ends at…"},
		{"two\nlines", 20, "two lines"},
		{"ééééé", 3, "éé…"},
		{"x", 0, ""},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			if got := truncate(c.in, c.n); got != c.want {
				t.Errorf("truncate(%q, %d) = %q, want %q", c.in, c.n, got, c.want)
			}
		})
	}
}

// FuzzRender feeds arbitrary finding text through every renderer: none may
// fail or panic, the table must not pass terminal control bytes through,
// message lines must wrap, JSON must stay valid and carry the text,
// Markdown must keep every line to its own shape (no text can start a line
// of its own), SARIF must stay JSON (FuzzSARIF validates it against the
// schema, which is slower), and JUnit must stay well-formed XML with the app
// name intact.
func FuzzRender(f *testing.F) {
	f.Add("shop", "DEBUG is truthy", "config var DEBUG", "heroku config:unset DEBUG -a shop", "")
	f.Add("", "", "", "", "")
	f.Add("a\x1b[31mb", "line\nbreak\r\n\ttab", "\xff\xfe", "fix\n\nit", "boom\x07")
	f.Add("x", strings.Repeat("w", 300), strings.Repeat("e ", 200), "\u202eevil", "")
	f.Add("app", "\u202e\u2066 ≥ 日本語", "", "", "fetch failed: 503")
	f.Fuzz(func(t *testing.T, app, message, evidence, remediation, appErr string) {
		res := audit.Result{App: app, Score: 50, Grade: "F", Error: appErr, Findings: []audit.Finding{
			{Check: "debug-mode", Status: audit.Fail, Severity: audit.Critical, Title: "t", Message: message,
				Evidence: evs(evidence, evidence), Remediation: remediation},
			{Check: "web-server", Status: audit.Warn, Severity: audit.High, Message: message, Evidence: evs(evidence)},
			{Check: "stack", Status: audit.Error, Severity: audit.High, Message: message},
			{Check: "log-drain", Status: audit.Fail, Severity: audit.Low, Message: message, Evidence: evs(evidence),
				Suppressed: &audit.Suppressed{Reason: remediation, Expires: evidence}, Baseline: audit.BaselineNew},
		}, Fixed: []audit.Finding{{Check: "csp", Title: message, Message: evidence}}}
		for _, r := range []Report{
			{Results: []audit.Result{res}},
			{Results: []audit.Result{res, res}, Details: true},
		} {
			var b bytes.Buffer
			if err := (tableRenderer{}).Render(&b, r); err != nil {
				t.Fatalf("table: %v", err)
			}
			out := b.String()
			if i := strings.IndexFunc(out, func(r rune) bool {
				return r != '\n' && (r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0))
			}); i >= 0 {
				t.Fatalf("table passes a control character through at %d: %q", i, out)
			}
			if !utf8.ValidString(out) {
				t.Fatalf("table output is not UTF-8: %q", out)
			}
		}

		rich := Report{Results: []audit.Result{res, res}, Notices: []string{message}, Baseline: &audit.BaselineSummary{New: 1}}
		var md bytes.Buffer
		if err := (markdownRenderer{}).Render(&md, rich); err != nil {
			t.Fatalf("markdown: %v", err)
		}
		for line := range strings.Lines(md.String()) {
			if !slices.ContainsFunc(markdownLineShapes, func(p string) bool { return strings.HasPrefix(line, p) }) {
				t.Fatalf("markdown line of no known shape: %q", line)
			}
		}
		var sb bytes.Buffer
		if err := (sarifRenderer{}).Render(&sb, rich); err != nil {
			t.Fatalf("sarif: %v", err)
		}
		if !json.Valid(sb.Bytes()) {
			t.Fatalf("sarif output is not JSON:\n%s", sb.Bytes())
		}
		var jb bytes.Buffer
		if err := (junitRenderer{}).Render(&jb, rich); err != nil {
			t.Fatalf("junit: %v", err)
		}
		var doc0 xSuites
		if err := xml.Unmarshal(jb.Bytes(), &doc0); err != nil {
			t.Fatalf("junit output is not XML: %v\n%s", err, jb.Bytes())
		}
		if len(doc0.Suites) != 2 || doc0.Suites[0].Name != clean(app, false) {
			t.Fatalf("junit suite name %q, want %q", doc0.Suites[0].Name, clean(app, false))
		}

		var b bytes.Buffer
		if err := (jsonRenderer{}).Render(&b, Report{Results: []audit.Result{res}}); err != nil {
			t.Fatalf("json: %v", err)
		}
		var doc struct {
			Apps []audit.Result `json:"apps"`
		}
		if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
			t.Fatalf("json output does not parse: %v\n%s", err, b.Bytes())
		}
		if utf8.ValidString(message) && doc.Apps[0].Findings[0].Message != message {
			t.Fatalf("json message %q, want %q", doc.Apps[0].Findings[0].Message, message)
		}
	})
}

// markdownLineShapes are how every line the Markdown renderer writes begins.
var markdownLineShapes = []string{"## ", "**Baseline:** ", "> **Notice:** ", "| ", "|---", "<details", "<summary><b>",
	"- **", "  - ", "**Fixed since the baseline:** ", "</details>", "<sub>", "No apps audited.", "\n"}

// TestMessageWrapsInTable: however long a message, the table stays narrow.
func TestMessageWrapsInTable(t *testing.T) {
	cases := []struct{ name, message string }{
		{"words", strings.Repeat("lorem ipsum ", 40)},
		{"one long word", strings.Repeat("x", 500)},
		{"URL", "see https://example.com/" + strings.Repeat("a", 200) + " for more"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := scored("app", []audit.Finding{{Check: "web-server", Status: audit.Pass, Severity: audit.High, Message: c.message}})
			out := string(render(t, "table", Report{Results: []audit.Result{res}}))
			for line := range strings.Lines(out) {
				if n := utf8.RuneCountInString(strings.TrimSuffix(line, "\n")); n > 120 {
					t.Errorf("line of %d columns: %q", n, line)
				}
			}
			if got := strings.Join(strings.Fields(strings.ReplaceAll(out, "\n", " ")), ""); !strings.Contains(got, strings.Join(strings.Fields(c.message), "")) {
				t.Errorf("the message was not kept whole across lines:\n%s", out)
			}
		})
	}
}
