package report

import (
	"bytes"
	"cmp"
	"fmt"
	"html"
	"io"
	"strings"
	"unicode"

	"github.com/herokuaudit/herokuaudit/audit"
)

// markdownWorstWidth cuts the worst finding's message in the summary table:
// a table row that wraps over several screen lines is hard to scan.
const markdownWorstWidth = 80

// mdSpecial are the characters mdText escapes.
const mdSpecial = "\\`*_[]<>|~&$"

type markdownRenderer struct{}

// Render writes a summary fit for a pull request comment or a chat post: a
// heading, the baseline counts, the notices, a table of apps worst first,
// then for each app with something to say a collapsible block listing its
// problems and errors (passes and skips only counted) and what was fixed.
// GitHub-flavoured Markdown: tables, <details>, inline code.
func (markdownRenderer) Render(w io.Writer, r Report) error {
	var b bytes.Buffer
	fmt.Fprintf(&b, "## %s report: %s\n\n", mdText(toolName(r)), plural(len(r.Results), "app", "apps"))
	if r.Baseline != nil {
		fmt.Fprintf(&b, "**Baseline:** %s\n\n", baselineLine(*r.Baseline))
	}
	for _, n := range r.Notices {
		fmt.Fprintf(&b, "> **Notice:** %s\n\n", mdText(n))
	}
	if len(r.Results) == 0 {
		b.WriteString("No apps audited.\n")
		_, err := w.Write(b.Bytes())
		return err
	}

	ordered := worstFirst(r.Results)
	b.WriteString("| App | Grade | Score | Critical | High | Medium | Worst finding |\n")
	b.WriteString("|---|:-:|--:|--:|--:|--:|---|\n")
	for _, res := range ordered {
		if res.Error != "" {
			fmt.Fprintf(&b, "| %s | – | – | – | – | – | error: %s |\n", mdText(res.App), mdText(res.Error))
			continue
		}
		worst := "–"
		if res.Language != "" {
			worst = mdText(languageNote(res.Language)) + ": platform checks only"
		}
		if len(res.Incomplete) > 0 {
			worst = "could not run: " + mdText(strings.Join(res.Incomplete, ", "))
		}
		if f, ok := worstFail(res.Findings); ok {
			worst = mdCode(f.Check, true) + " " + mdText(truncate(clean(f.Message, false), markdownWorstWidth))
			if f.Suppressed != nil {
				worst += " (suppressed)"
			}
		}
		fmt.Fprintf(&b, "| %s | %s | %d | %d | %d | %d | %s |\n", mdText(res.App), mdText(res.Grade), res.Score,
			failsBySeverity(res.Findings, audit.Critical), failsBySeverity(res.Findings, audit.High),
			failsBySeverity(res.Findings, audit.Medium), worst)
	}

	if len(r.Vulnerabilities) > 0 {
		b.WriteString("\n**Known vulnerabilities**, worst first:\n\n| Severity | Package | Advisory | Apps |\n|---|---|---|---|\n")
		for _, v := range r.Vulnerabilities {
			ids := strings.Join(append([]string{v.Advisory.ID}, v.Advisory.Aliases...), ", ")
			fmt.Fprintf(&b, "| %s | %s | %s | %d: %s |\n", mdText(cmp.Or(v.Advisory.Severity, "unrated")), mdText(v.Package+" "+v.Version),
				mdText(ids), len(v.Apps), mdText(strings.Join(v.Apps, ", ")))
		}
	}
	if g := r.Gate; g != nil && g.Tripped {
		b.WriteString("\n**Gate tripped:**\n\n")
		for _, reason := range g.Reasons {
			fmt.Fprintf(&b, "- %s\n", mdText(reason))
		}
	}

	// One app: its block is the point of the post, so it starts open.
	open := len(ordered) == 1
	for _, res := range ordered {
		writeMarkdownApp(&b, res, open)
	}
	if v := strings.TrimSpace(r.Tool.Version); v != "" {
		fmt.Fprintf(&b, "\n<sub>%s %s</sub>\n", html.EscapeString(clean(toolName(r), false)), html.EscapeString(clean(v, false)))
	}
	_, err := w.Write(b.Bytes())
	return err
}

// writeMarkdownApp writes one app's <details> block. An app that could not be
// audited has its error in the table already, and a clean app with nothing
// fixed has nothing to list: neither gets a block.
func writeMarkdownApp(b *bytes.Buffer, res audit.Result, open bool) {
	if res.Error != "" {
		return
	}
	var listed []audit.Finding
	for _, f := range res.Findings {
		if f.Status != audit.Pass && f.Status != audit.Skip {
			listed = append(listed, f)
		}
	}
	if len(listed) == 0 && len(res.Fixed) == 0 {
		return
	}

	c := countStatuses(res.Findings)
	parts := []string{fmt.Sprintf("%d failed", c.fail), plural(c.warn, "warning", "warnings")}
	if c.errs > 0 {
		parts = append(parts, plural(c.errs, "error", "errors"))
	}
	parts = append(parts, fmt.Sprintf("%d passed", c.pass), fmt.Sprintf("%d skipped", c.skip))
	if t := tallyOf(res.Findings); t.newProblems > 0 || t.suppressed > 0 {
		if t.newProblems > 0 {
			parts = append(parts, fmt.Sprintf("%d new", t.newProblems))
		}
		if t.suppressed > 0 {
			parts = append(parts, fmt.Sprintf("%d suppressed", t.suppressed))
		}
	}
	tag := "<details>"
	if open {
		tag = "<details open>"
	}
	// Inside an HTML tag Markdown is not parsed: the summary is escaped as
	// HTML, not as Markdown.
	fmt.Fprintf(b, "\n%s\n<summary><b>%s</b>: grade %s, score %d: %s</summary>\n\n", tag,
		html.EscapeString(clean(res.App, false)), html.EscapeString(clean(res.Grade, false)), res.Score,
		strings.Join(parts, ", "))

	for _, f := range listed {
		head := fmt.Sprintf("- **%s** %s (%s", mdText(string(f.Status)), mdCode(f.Check, false), f.Severity)
		for _, q := range qualifiers(f) {
			head += ", " + q
		}
		fmt.Fprintf(b, "%s): %s\n", head, mdText(f.Message))
		if len(f.Evidence) > 0 {
			ev := make([]string, len(f.Evidence))
			for i, e := range f.Evidence {
				ev[i] = mdText(e.Text)
			}
			fmt.Fprintf(b, "  - evidence: %s\n", strings.Join(ev, "; "))
		}
		if fix := strings.TrimSpace(f.Remediation); fix != "" {
			// One code span per line: a span cannot hold a line break, and
			// a fenced block would make every item tall.
			var spans []string
			for l := range strings.SplitSeq(clean(fix, true), "\n") {
				if strings.TrimSpace(l) != "" {
					spans = append(spans, mdCode(l, false))
				}
			}
			fmt.Fprintf(b, "  - fix: %s\n", strings.Join(spans, "<br>"))
		}
		if f.Suppressed != nil {
			fmt.Fprintf(b, "  - %s\n", mdText(suppressedText(f.Suppressed)))
		}
	}
	if len(res.Fixed) > 0 {
		if len(listed) > 0 {
			b.WriteByte('\n')
		}
		fixed := make([]string, len(res.Fixed))
		for i, f := range res.Fixed {
			fixed[i] = mdCode(f.Check, false) + " " + mdText(fixedTitle(f))
		}
		fmt.Fprintf(b, "**Fixed since the baseline:** %s\n", strings.Join(fixed, "; "))
	}
	b.WriteString("\n</details>\n")
}

// mdText makes finding text inert inline Markdown on one line: control
// characters are escaped as the table does, line breaks become spaces, and
// every character that could start emphasis, a link, an HTML tag, an entity,
// a code span, math ($) or a table cell boundary is backslash-escaped. A
// message holding "</details>" or "[x](javascript:...)" prints as those
// characters. Text never starts a line here, so line-start syntax (#, -, 1.)
// needs no escape.
func mdText(s string) string {
	rs := []rune(strings.TrimSpace(clean(s, false)))
	var b strings.Builder
	b.Grow(len(rs))
	for i, r := range rs {
		// An underscore between two letters or digits can neither open nor
		// close emphasis; leaving it bare keeps FLASK_DEBUG readable in the
		// raw text of a comment.
		intraword := r == '_' && i > 0 && i < len(rs)-1 && isAlnum(rs[i-1]) && isAlnum(rs[i+1])
		if strings.ContainsRune(mdSpecial, r) && !intraword {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

func isAlnum(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// mdCode writes s as an inline code span. Backslash escapes do not work in
// code spans, so the fence is one backtick longer than the longest run
// inside; in a table cell a pipe would still end the cell (GFM splits cells
// before parsing spans), so it is written \| there, which GFM turns back
// into a pipe.
func mdCode(s string, inTable bool) string {
	s = clean(s, false)
	if s == "" {
		return ""
	}
	longest, run := 0, 0
	for _, r := range s {
		if r == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	fence := strings.Repeat("`", longest+1)
	// A span that starts or ends with a backtick (or is all blanks) needs a
	// blank either side, which the parser strips again.
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") || strings.TrimSpace(s) == "" {
		s = " " + s + " "
	}
	if inTable {
		s = strings.ReplaceAll(s, "|", `\|`)
	}
	return fence + s + fence
}
