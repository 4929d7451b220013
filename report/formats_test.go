package report

import (
	"encoding/json"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/herokuaudit/herokuaudit/audit"
)

// TestGoldenRich pins every format over the rich report: suppressed, new
// and existing problems, fixed ones, notices and an app in error.
func TestGoldenRich(t *testing.T) {
	single := richReport(richStaging())
	cases := []struct {
		name, format string
		r            Report
	}{
		{"table_rich_app", "table", single},
		{"table_rich_fleet", "table", richReport()},
		{"table_rich_fleet_details", "table", func() Report { r := richReport(); r.Details = true; return r }()},
		{"json_rich", "json", richReport()},
		{"markdown_rich", "markdown", richReport()},
		{"markdown_app", "markdown", single},
		{"markdown_plain", "markdown", Report{Tool: Tool{Name: "herokuaudit", Version: "1.2.3"}, Results: []audit.Result{cleanApp(), mixedApp(), failedApp(), midApp()}}},
		{"markdown_none", "markdown", Report{}},
		{"sarif_rich", "sarif", richReport()},
		{"junit_rich", "junit", richReport()},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { golden(t, c.name, render(t, c.format, c.r)) })
	}
}

// inOrder asserts that out holds each of want, in this order.
func inOrder(t *testing.T, out string, want ...string) {
	t.Helper()
	rest := out
	for _, w := range want {
		i := strings.Index(rest, w)
		if i < 0 {
			t.Fatalf("output lacks %q (in order) in:\n%s", w, out)
		}
		rest = rest[i+len(w):]
	}
}

// TestTableMarks asserts what the table says about baselines, suppressions
// and notices, so a careless -update cannot lose it.
func TestTableMarks(t *testing.T) {
	cases := []struct {
		name    string
		r       Report
		want    []string
		notWant []string
	}{
		{
			name: "one app",
			r:    richReport(richStaging()),
			want: []string{
				"4 new, 3 existing, 2 fixed since the baseline\n",
				"notice: suppression for dyno-tier (apps *-staging) expired on 2026-11-01 and no longer applies\n\n",
				"shop-staging  score 33/100",
				"debug-mode        fail (new)", "web-server        fail  ", "postgres-ssl      fail (suppressed)",
				"dyno-tier         warn (new, suppressed)",
				"  ✗ debug-mode (new): config var FLASK_DEBUG is truthy\n",
				"  ✗ web-server:\n",
				"  ✗ postgres-ssl (suppressed): ", "    suppressed: staging uses a throwaway copy | no customer data (until 2027-01-31)\n",
				"  ! dyno-tier (new, suppressed): ", "    suppressed: staging may sleep\n",
				"fixed since the baseline:\n  ✓ log-drain: Logs leave the platform\n",
				"3 failed, 1 warning, 1 passed, 1 skipped, 1 error; 2 new, 2 suppressed\n",
			},
			notWant: []string{"existing)", "(existing"},
		},
		{
			name: "fleet",
			r:    richReport(),
			want: []string{
				"4 new, 3 existing, 2 fixed since the baseline\n", "notice: ",
				"MEDIUM  WARN  NEW  WORST",
				"legacy-api", " -    error:",
				"shop-staging", " 2    debug-mode:",
				"blog", " 2    hardcoded-secret:",
				"shop-prod", " 0    -\n",
				"fixed since the baseline:\n  ✓ shop-staging log-drain: Logs leave the platform\n  ✓ shop-prod debug-mode: Debug mode is off\n",
			},
			notWant: []string{"fail (new)"},
		},
		{
			name:    "no baseline, no notices: nothing new is said",
			r:       Report{Results: []audit.Result{mixedApp(), midApp()}},
			want:    []string{"MEDIUM  WARN  WORST"},
			notWant: []string{"baseline", "notice", "NEW", "suppressed", "(new"},
		},
		{
			name: "suppressed worst failure in the fleet",
			r: Report{Results: []audit.Result{midApp(), func() audit.Result {
				r := midApp()
				r.App = "blog-2"
				r.Findings[1].Suppressed = &audit.Suppressed{Reason: "accepted"}
				return r
			}()}},
			want: []string{"blog-2", "session-cookies (suppressed): SESSION"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out := string(render(t, "table", c.r))
			inOrder(t, out, c.want...)
			for _, nw := range c.notWant {
				if strings.Contains(out, nw) {
					t.Errorf("output contains %q:\n%s", nw, out)
				}
			}
			for line := range strings.Lines(out) {
				if n := utf8.RuneCountInString(strings.TrimSuffix(line, "\n")); n > 120 {
					t.Errorf("line of %d columns: %q", n, line)
				}
			}
		})
	}
}

// TestJSONKeysWhenSet: the keys added to schema 1 appear exactly where their
// data is set, with their own exact key sets, and the version stays 1.
func TestJSONKeysWhenSet(t *testing.T) {
	out := render(t, "json", richReport())
	var doc map[string]any
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	keysOf := func(v any) []string {
		m, _ := v.(map[string]any)
		ks := slices.Collect(maps.Keys(m))
		slices.Sort(ks)
		return ks
	}
	check := func(where string, v any, want ...string) {
		t.Helper()
		slices.Sort(want)
		if got := keysOf(v); !slices.Equal(got, want) {
			t.Errorf("%s keys: got %v, want %v", where, got, want)
		}
	}
	check("top", doc, "schema_version", "tool", "baseline", "notices", "apps")
	if doc["schema_version"] != float64(1) {
		t.Errorf("schema_version = %v, want 1", doc["schema_version"])
	}
	check("baseline", doc["baseline"], "new", "existing", "fixed")
	if b := doc["baseline"].(map[string]any); b["new"] != float64(4) || b["existing"] != float64(3) || b["fixed"] != float64(2) {
		t.Errorf("baseline = %v", b)
	}
	if n, _ := doc["notices"].([]any); len(n) != 1 || n[0] != richNotice {
		t.Errorf("notices = %v", doc["notices"])
	}

	base := []string{"check", "status", "severity", "title", "message", "evidence", "remediation"}
	in := richResults()
	apps := doc["apps"].([]any)
	for i, a := range apps {
		res := in[i]
		t.Run(res.App, func(t *testing.T) {
			appKeys := []string{"app", "score", "grade", "error", "findings"}
			if len(res.Fixed) > 0 {
				appKeys = append(appKeys, "fixed")
			}
			check("app", a, appKeys...)
			am := a.(map[string]any)
			findings, _ := am["findings"].([]any)
			for j, f := range findings {
				want := slices.Clone(base)
				src := res.Findings[j]
				if src.Suppressed != nil {
					want = append(want, "suppressed")
					check("suppressed", f.(map[string]any)["suppressed"], "reason", "expires")
					if got := f.(map[string]any)["suppressed"].(map[string]any); got["reason"] != src.Suppressed.Reason || got["expires"] != src.Suppressed.Expires {
						t.Errorf("%s suppressed = %v", src.Check, got)
					}
				}
				if hasPlace(src.Evidence) {
					want = append(want, "evidence_detail")
				}
				if src.Baseline != "" {
					want = append(want, "baseline")
					if got := f.(map[string]any)["baseline"]; got != src.Baseline {
						t.Errorf("%s baseline = %v, want %q", src.Check, got, src.Baseline)
					}
				}
				check("finding "+src.Check, f, want...)
			}
			fixed, _ := am["fixed"].([]any)
			if len(fixed) != len(res.Fixed) {
				t.Fatalf("fixed: %d, want %d", len(fixed), len(res.Fixed))
			}
			for k, f := range fixed {
				want := slices.Clone(base)
				if hasPlace(res.Fixed[k].Evidence) {
					want = append(want, "evidence_detail")
				}
				check("fixed finding", f, want...)
			}
		})
	}
}

// TestJSONRoundTripRich: suppressions, baseline marks and fixed problems
// come back field for field, in the shapes audit itself reads.
func TestJSONRoundTripRich(t *testing.T) {
	in := richResults()
	out := render(t, "json", richReport(in...))
	var doc struct {
		Baseline audit.BaselineSummary `json:"baseline"`
		Apps     []audit.Result        `json:"apps"`
	}
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Baseline != (audit.BaselineSummary{New: 4, Existing: 3, Fixed: 2}) {
		t.Errorf("baseline = %+v", doc.Baseline)
	}
	if !reflect.DeepEqual(doc.Apps, in) {
		t.Errorf("round trip changed the results:\ngot  %+v\nwant %+v", doc.Apps, in)
	}
}

// TestMarkdownLayout asserts the shape of the summary.
func TestMarkdownLayout(t *testing.T) {
	cases := []struct {
		name    string
		r       Report
		want    []string
		notWant []string
	}{
		{
			name: "fleet",
			r:    richReport(),
			want: []string{
				"## herokuaudit report: 4 apps\n\n",
				"**Baseline:** 4 new, 3 existing, 2 fixed since the baseline\n\n",
				"> **Notice:** suppression for dyno-tier (apps \\*-staging) expired",
				"| App | Grade | Score | Critical | High | Medium | Worst finding |\n|---|",
				"| legacy-api | – |", "error: fetching app",
				"| shop-staging | F | 33 | 1 | 2 | 0 | `debug-mode` FLASK_DEBUG is truthy",
				"| blog | F | 41 | 0 | 1 | 0 | `hardcoded-secret` ",
				"| shop-prod | A | 100 | 0 | 0 | 0 | – |\n",
				"\n<details>\n<summary><b>shop-staging</b>: grade F, score 33: 3 failed, 1 warning, 1 error, 1 passed, 1 skipped, 2 new, 2 suppressed</summary>\n\n",
				"- **fail** `debug-mode` (critical, new): FLASK_DEBUG is truthy",
				"  - fix: `heroku config:unset FLASK_DEBUG -a shop-staging`\n",
				"- **fail** `web-server` (high): ",
				"  - fix: `serve the app with gunicorn; in the Procfile:`<br>`web: gunicorn app:app`\n",
				"- **fail** `postgres-ssl` (high, suppressed): ",
				"  - suppressed: staging uses a throwaway copy \\| no customer data (until 2027-01-31)\n",
				"- **warn** `dyno-tier` (medium, new, suppressed): ",
				"- **error** `stack` (high): ",
				"**Fixed since the baseline:** `log-drain` Logs leave the platform\n\n</details>\n",
				"<summary><b>blog</b>", "</details>\n",
				"<summary><b>shop-prod</b>: grade A, score 100: 0 failed, 0 warnings, 2 passed, 0 skipped</summary>",
				"**Fixed since the baseline:** `debug-mode` Debug mode is off\n",
				"<sub>herokuaudit 1.2.3</sub>\n",
			},
			notWant: []string{"<details open>", "legacy-api</b>", "**pass**", "**skip**", "secret-key"},
		},
		{
			name:    "one app starts open",
			r:       richReport(richStaging()),
			want:    []string{"report: 1 app\n", "<details open>\n<summary><b>shop-staging</b>"},
			notWant: []string{"<details>\n"},
		},
		{
			name:    "a clean app gets no block",
			r:       Report{Results: []audit.Result{cleanApp()}},
			want:    []string{"| shop-prod | A | 100 | 0 | 0 | 0 | – |\n"},
			notWant: []string{"<details", "Baseline", "Notice", "<sub>"},
		},
		{
			name: "nothing audited",
			r:    Report{},
			want: []string{"## herokuaudit report: 0 apps\n\nNo apps audited.\n"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out := string(render(t, "markdown", c.r))
			inOrder(t, out, c.want...)
			for _, nw := range c.notWant {
				if strings.Contains(out, nw) {
					t.Errorf("output contains %q:\n%s", nw, out)
				}
			}
			if got, want := strings.Count(out, "<details"), strings.Count(out, "</details>"); got != want {
				t.Errorf("%d <details> but %d </details>", got, want)
			}
		})
	}
}

// TestMarkdownHostileText: finding text cannot break out of its cell, its
// list item or its <details> block, nor turn into markup.
func TestMarkdownHostileText(t *testing.T) {
	hostile := "a | b </details> <script>x</script> *em* _u_ [l](javascript:x) `c` ~~s~~ &amp; $x$\nnext line"
	res := scored("evil|app<b>", []audit.Finding{
		{Check: "debug-mode", Status: audit.Fail, Severity: audit.Critical, Title: hostile, Message: hostile,
			Evidence: evs(hostile), Remediation: "echo `x` | tee\nrm -rf | y", Suppressed: &audit.Suppressed{Reason: hostile}},
	})
	res.Fixed = []audit.Finding{{Check: "stack", Title: hostile}}
	out := string(render(t, "markdown", Report{Results: []audit.Result{res, midApp()}, Notices: []string{hostile}}))

	if n := strings.Count(out, "</details>"); n != 2 {
		t.Errorf("%d </details>, want 2 (one per block):\n%s", n, out)
	}
	for _, raw := range []string{"<script>", "](javascript", "*em*", "_u_", "~~s~~", "&amp;", "$x$", "<b>x", "\nnext line"} {
		if i := unescapedIndex(out, raw); i >= 0 {
			t.Errorf("output holds %q unescaped at %d:\n%s", raw, i, out)
		}
	}
	inOrder(t, out,
		"> **Notice:** a \\| b \\</details\\>",
		`| evil\|app\<b\> |`,
		"<summary><b>evil|app&lt;b&gt;</b>",
		"  - fix: ``echo `x` | tee``<br>`rm -rf | y`\n",
	)
	// Table rows: every row has exactly 8 unescaped pipes (7 cells).
	for line := range strings.Lines(out) {
		if !strings.HasPrefix(line, "| ") {
			continue
		}
		if n := unescapedPipes(line); n != 8 {
			t.Errorf("row has %d cell separators, want 8: %q", n, line)
		}
	}
}

// unescapedIndex finds sub in s where it is not preceded by a backslash.
func unescapedIndex(s, sub string) int {
	for off := 0; ; {
		i := strings.Index(s[off:], sub)
		if i < 0 {
			return -1
		}
		if at := off + i; at == 0 || s[at-1] != '\\' {
			return at
		}
		off += i + 1
	}
}

func unescapedPipes(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '|':
			n++
		}
	}
	return n
}

func TestMDText(t *testing.T) {
	cases := []struct{ in, want string }{
		{"plain words", "plain words"},
		{"FLASK_DEBUG and SECRET_KEY", "FLASK_DEBUG and SECRET_KEY"},
		{"_lead and trail_", `\_lead and trail\_`},
		{"a__b", `a\_\_b`},
		{"a | b", `a \| b`},
		{"*x* `y` [z](u) <t> ~s~ &amp; $m$", "\\*x\\* \\`y\\` \\[z\\](u) \\<t\\> \\~s\\~ \\&amp; \\$m\\$"},
		{`back\slash`, `back\\slash`},
		{"two\nlines\r\n", "two lines"},
		{"esc\x1b[31m", `esc\\x1b\[31m`},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			if got := mdText(c.in); got != c.want {
				t.Errorf("mdText(%q) = %q, want %q", c.in, got, c.want)
			}
		})
	}
}

func TestMDCode(t *testing.T) {
	cases := []struct {
		in      string
		inTable bool
		want    string
	}{
		{"heroku config:unset DEBUG -a app", false, "`heroku config:unset DEBUG -a app`"},
		{"echo `date`", false, "`` echo `date` ``"},
		{"a``b", false, "```a``b```"},
		{"`x", false, "`` `x ``"},
		{"a | b", false, "`a | b`"},
		{"a | b", true, "`a \\| b`"},
		{"", false, ""},
		{"   ", false, "`     `"},
		{"two\nlines", false, "`two lines`"},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			if got := mdCode(c.in, c.inTable); got != c.want {
				t.Errorf("mdCode(%q, %v) = %q, want %q", c.in, c.inTable, got, c.want)
			}
		})
	}
}

// TestFormatsOverAuditMarks runs results marked by audit's own baseline
// comparison and suppressions through every format: each must show the new
// problem, the suppression with its reason, the fixed problem and the
// counts.
func TestFormatsOverAuditMarks(t *testing.T) {
	before := []audit.Result{scored("shop", []audit.Finding{
		{Check: "debug-mode", Status: audit.Pass, Severity: audit.Critical, Title: "Debug mode is off", Message: "off"},
		{Check: "stack", Status: audit.Fail, Severity: audit.High, Title: "A supported stack", Message: "heroku-20", Evidence: []audit.Evidence{}},
		{Check: "log-drain", Status: audit.Warn, Severity: audit.Low, Title: "Logs leave the platform", Message: "no drain"},
	})}
	now := []audit.Result{scored("shop", []audit.Finding{
		{Check: "debug-mode", Status: audit.Fail, Severity: audit.Critical, Title: "Debug mode is off", Message: "DEBUG is truthy",
			Evidence: evs("config var DEBUG is truthy")},
		{Check: "stack", Status: audit.Pass, Severity: audit.High, Title: "A supported stack", Message: "heroku-24"},
		{Check: "log-drain", Status: audit.Warn, Severity: audit.Low, Title: "Logs leave the platform", Message: "no drain"},
	})}
	sum := audit.CompareBaseline(now, before)
	expired := audit.ApplySuppressions(now, []audit.Suppression{
		{Check: "log-drain", Reason: "logs go to stdout only", Expires: "2099-12-31"},
		{Check: "debug-mode", Apps: []string{"nothing-*"}, Reason: "never matches"},
	}, time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC))
	if len(expired) != 0 || sum != (audit.BaselineSummary{New: 1, Existing: 1, Fixed: 1}) {
		t.Fatalf("audit marked: %+v, expired %v", sum, expired)
	}
	r := Report{Results: now, Baseline: &sum, Notices: []string{"a notice"}, Checks: richChecks()}

	cases := []struct {
		format string
		want   []string
	}{
		{"table", []string{"1 new, 1 existing, 1 fixed since the baseline", "notice: a notice", "fail (new)",
			"warn (suppressed)", "suppressed: logs go to stdout only (until 2099-12-31)", "fixed since the baseline:\n  ✓ stack: A supported stack"}},
		{"json", []string{`"baseline": {`, `"new": 1`, `"notices": [`, `"baseline": "new"`, `"baseline": "existing"`,
			`"suppressed": {`, `"reason": "logs go to stdout only"`, `"expires": "2099-12-31"`, `"fixed": [`}},
		{"markdown", []string{"**Baseline:** 1 new, 1 existing, 1 fixed since the baseline", "**Notice:** a notice",
			"`debug-mode` (critical, new)", "`log-drain` (low, suppressed)", "suppressed: logs go to stdout only (until 2099-12-31)",
			"**Fixed since the baseline:** `stack` A supported stack"}},
		{"sarif", []string{`"baselineState": "new"`, `"baselineState": "unchanged"`, `"justification": "logs go to stdout only"`,
			`"check": "stack"`, `"text": "a notice"`}},
		{"junit", []string{"1 new, 1 existing, 1 fixed since the baseline", "notice: a notice", "new since the baseline",
			"warning (suppressed): no drain", "suppressed: logs go to stdout only (until 2099-12-31)", "fixed since the baseline:\n  stack: A supported stack"}},
	}
	for _, c := range cases {
		t.Run(c.format, func(t *testing.T) {
			out := string(render(t, c.format, r))
			for _, w := range c.want {
				if !strings.Contains(out, w) {
					t.Errorf("%s output lacks %q:\n%s", c.format, w, out)
				}
			}
		})
	}
}

// TestFormatsNeverAddText: every format prints only what the report
// carries; a marker string that is in no finding appears in no output, and
// one that is in a finding's evidence appears (the renderers do not drop it).
func TestFormatsNeverAddText(t *testing.T) {
	const carried = "EVIDENCE-MARKER"
	res := scored("shop", []audit.Finding{{Check: "debug-mode", Status: audit.Fail, Severity: audit.Critical,
		Message: "m", Evidence: evs("config var DEBUG " + carried)}})
	for _, name := range FormatNames() {
		t.Run(name, func(t *testing.T) {
			out := string(render(t, name, Report{Results: []audit.Result{res}, Checks: richChecks()}))
			if !strings.Contains(out, carried) {
				t.Errorf("%s drops the evidence", name)
			}
		})
	}
}

// FuzzMarkdownText: escaped text stays on one line, every special character
// in it is escaped (an underscore inside a word needs none), and dropping the
// escapes gives the cleaned text back; a code span's fence is longer than
// any backtick run inside it.
func FuzzMarkdownText(f *testing.F) {
	for _, s := range []string{"FLASK_DEBUG", "_x_", "a|b", "`", "``a`", "\\", "</details>", "\n\n", "x\x1b", "a_", "_"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := mdText(s)
		if strings.ContainsAny(got, "\n\r") {
			t.Fatalf("mdText(%q) = %q spans lines", s, got)
		}
		var plain strings.Builder
		rs := []rune(got)
		for i := 0; i < len(rs); i++ {
			r := rs[i]
			if r == '\\' {
				if i+1 >= len(rs) || !strings.ContainsRune(mdSpecial, rs[i+1]) {
					t.Fatalf("mdText(%q) = %q: stray backslash at %d", s, got, i)
				}
				plain.WriteRune(rs[i+1])
				i++
				continue
			}
			if strings.ContainsRune(mdSpecial, r) {
				intraword := r == '_' && i > 0 && i < len(rs)-1 && isAlnum(rs[i-1]) && isAlnum(rs[i+1])
				if !intraword {
					t.Fatalf("mdText(%q) = %q: %q unescaped at %d", s, got, r, i)
				}
			}
			plain.WriteRune(r)
		}
		if want := strings.TrimSpace(clean(s, false)); plain.String() != want {
			t.Fatalf("unescaped %q, want %q", plain.String(), want)
		}

		code := mdCode(s, false)
		if code == "" {
			if clean(s, false) != "" {
				t.Fatalf("mdCode(%q) is empty", s)
			}
			return
		}
		n := len(code) - len(strings.TrimLeft(code, "`"))
		inner := code[n : len(code)-n]
		if strings.Contains(inner, strings.Repeat("`", n)) || !strings.HasSuffix(code, strings.Repeat("`", n)) || strings.Contains(code, "\n") {
			t.Fatalf("mdCode(%q) = %q: fence of %d does not hold", s, code, n)
		}
	})
}

func TestExpiredNotice(t *testing.T) {
	cases := []struct {
		rule audit.Suppression
		want string
	}{
		{audit.Suppression{Check: "dyno-tier", Apps: []string{"*-staging"}, Expires: "2026-11-01"}, richNotice},
		{audit.Suppression{Check: "stack", Apps: []string{"a", "b-*"}, Expires: "2026-01-31"},
			"suppression for stack (apps a, b-*) expired on 2026-01-31 and no longer applies"},
		{audit.Suppression{Check: "log-drain", Expires: "2025-12-31"},
			"suppression for log-drain (all apps) expired on 2025-12-31 and no longer applies"},
	}
	for _, c := range cases {
		t.Run(c.want, func(t *testing.T) {
			if got := ExpiredNotice(c.rule); got != c.want {
				t.Errorf("got %q", got)
			}
		})
	}
}

// hasPlace reports whether any evidence names a place: the JSON then has
// evidence_detail.
func hasPlace(ev []audit.Evidence) bool {
	for _, e := range ev {
		if e.File != "" || e.ConfigVar != "" || e.Process != "" {
			return true
		}
	}
	return false
}
