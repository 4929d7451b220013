package report

import (
	"bytes"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"

	"github.com/herokuaudit/herokuaudit/audit"
)

// Widths keep a table within about 120 columns: messages wrap, the fleet
// summary's WORST column is cut short (the detail block has it whole).
const (
	messageWidth = 60 // the MESSAGE column of an app's table
	appWidth     = 30 // Heroku app names are at most 30 characters
	worstWidth   = 46 // the WORST column of the fleet summary
	titleWidth   = 70 // the TITLE column of the catalog
	proseWidth   = 80 // free text: the scoring rule, explain
)

type tableRenderer struct{}

// Render writes one app's detail block, or for several apps a summary table
// worst first (and, with Details, every app's block after it). The output is
// built whole and written once, so a failed write leaves no half table.
func (tableRenderer) Render(w io.Writer, r Report) error {
	var b bytes.Buffer
	p := palette(r.Color)
	writePreamble(&b, r, p)
	switch len(r.Results) {
	case 0:
		b.WriteString("no apps audited\n")
	case 1:
		if err := writeApp(&b, r.Results[0], p, newLayout(r, false)); err != nil {
			return err
		}
	default:
		ordered := worstFirst(r.Results)
		if err := writeFleet(&b, ordered, r.Baseline != nil, p, newLayout(r, true)); err != nil {
			return err
		}
		writeVulnRollup(&b, r.Vulnerabilities, p)
		if r.Details {
			for _, res := range ordered {
				b.WriteByte('\n')
				if err := writeApp(&b, res, p, newLayout(r, true)); err != nil {
					return err
				}
			}
		} else {
			// Without the detail blocks, what was fixed would go unsaid.
			writeFleetFixed(&b, ordered, p)
		}
	}
	_, err := w.Write(b.Bytes())
	return err
}

// writePreamble writes what concerns the whole run before any app: the
// comparison with the baseline, then the notices, then a blank line.
func writePreamble(b *bytes.Buffer, r Report, p palette) {
	if r.Baseline == nil && len(r.Notices) == 0 {
		return
	}
	if r.Baseline != nil {
		b.WriteString(p.paint(sgrBold, baselineLine(*r.Baseline)) + "\n")
	}
	for _, n := range r.Notices {
		fmt.Fprintf(b, "%s %s\n", p.paint(sgrYellow, "notice:"), clean(n, false))
	}
	b.WriteByte('\n')
}

// writeApp writes the header line, the findings table, the evidence and fix
// of everything that needs attention, and the status counts.
func writeApp(b *bytes.Buffer, res audit.Result, p palette, lay layout) error {
	app := p.paint(sgrBold, clean(res.App, false))
	if res.Error != "" {
		fmt.Fprintf(b, "%s  %s %s\n", app, p.paint(sgrMagenta, "error:"), clean(res.Error, false))
		return nil
	}
	grade := p.paint(gradeColor(res.Grade), clean(res.Grade, false))
	if why := audit.CapReason(res); why != "" {
		grade += " (" + why + ")"
	}
	fmt.Fprintf(b, "%s  score %d/100  grade %s\n", app, res.Score, grade)
	if len(res.Findings) == 0 {
		b.WriteString("  no checks ran\n")
		return nil
	}

	if res.Language != "" {
		fmt.Fprintf(b, "%s: its Python and Flask checks skip, platform checks ran\n", languageNote(res.Language))
	}
	if len(res.Incomplete) > 0 {
		fmt.Fprintf(b, "%s %s\n", p.paint(sgrMagenta, "could not run:"),
			strings.Join(wrap(clean(strings.Join(res.Incomplete, ", "), false), lay.message+40), "\n  "))
	}
	b.WriteByte('\n')

	collapsed := skipGroups(res.Findings)
	if lay.problems {
		collapsed = nil
	}
	rows := make([][]string, 0, len(res.Findings))
	for _, f := range res.Findings {
		if _, ok := collapsed[f.Message]; ok && f.Status == audit.Skip {
			continue
		}
		if lay.problems && (f.Status == audit.Pass || f.Status == audit.Skip) {
			continue
		}
		rows = append(rows, []string{
			clean(f.Check, false),
			p.paint(statusColor(f.Status), clean(statusLabel(f), false)),
			f.Severity.String(),
			strings.Join(wrap(clean(f.Message, true), lay.message), "\n"),
		})
	}
	// skips that share a reason ("no app given") are one row, last
	for _, msg := range slices.Sorted(maps.Keys(collapsed)) {
		ids := collapsed[msg]
		rows = append(rows, []string{
			fmt.Sprintf("%d checks", len(ids)),
			p.paint(statusColor(audit.Skip), string(audit.Skip)),
			"",
			strings.Join(wrap(clean(msg+": "+strings.Join(ids, ", "), true), lay.message), "\n"),
		})
	}
	if len(rows) > 0 {
		if err := writeTable(b, []string{"CHECK", "STATUS", "SEVERITY", "MESSAGE"}, rows); err != nil {
			return err
		}
	} else {
		b.WriteString("  no problems found\n")
	}

	attention := false
	for _, f := range res.Findings {
		if f.Status == audit.Pass || f.Status == audit.Skip {
			continue
		}
		if !attention {
			b.WriteByte('\n')
			attention = true
		}
		writeAttention(b, f, p, lay)
	}

	if len(res.Fixed) > 0 {
		b.WriteString("\nfixed since the baseline:\n")
		for _, f := range res.Fixed {
			fmt.Fprintf(b, "  %s %s: %s\n", p.paint(sgrGreen, statusMark(audit.Pass)), clean(f.Check, false), clean(fixedTitle(f), false))
		}
	}

	c := countStatuses(res.Findings)
	fmt.Fprintf(b, "\n%s, %s, %s, %s, %s",
		paintCount(p, c.fail, sgrRed, fmt.Sprintf("%d failed", c.fail)),
		paintCount(p, c.warn, sgrYellow, plural(c.warn, "warning", "warnings")),
		paintCount(p, c.pass, sgrGreen, fmt.Sprintf("%d passed", c.pass)),
		paintCount(p, c.skip, sgrDim, fmt.Sprintf("%d skipped", c.skip)),
		paintCount(p, c.errs, sgrMagenta, plural(c.errs, "error", "errors")))
	var extra []string
	if t := tallyOf(res.Findings); t.newProblems > 0 || t.suppressed > 0 {
		if t.newProblems > 0 {
			extra = append(extra, fmt.Sprintf("%d new", t.newProblems))
		}
		if t.suppressed > 0 {
			extra = append(extra, fmt.Sprintf("%d suppressed", t.suppressed))
		}
		fmt.Fprintf(b, "; %s", strings.Join(extra, ", "))
	}
	b.WriteByte('\n')
	return nil
}

// layout is how wide the table's free text runs, and whether passes and
// skips are shown.
type layout struct {
	message  int // the MESSAGE column
	evidence int // an evidence line
	worst    int // the fleet summary's WORST column
	problems bool
}

// newLayout fits the report's width (0: the default, about 120 columns);
// problems-only is the default for several apps' detail blocks.
func newLayout(r Report, fleet bool) layout {
	l := layout{message: messageWidth, evidence: 1 << 20, worst: worstWidth, problems: r.Problems || fleet && r.Details && !r.AllRows}
	if w := r.Width; w > 0 {
		w = max(w, 80)
		l.message = max(w-44, 24)
		l.evidence = w - 8
		l.worst = max(w-84, 20)
	}
	return l
}

// writeVulnRollup lists the run's known vulnerabilities by advisory,
// worst first, with the apps each affects.
func writeVulnRollup(b *bytes.Buffer, rs []audit.VulnRollup, p palette) {
	if len(rs) == 0 {
		return
	}
	b.WriteString("\nknown vulnerabilities, worst first:\n")
	for _, r := range rs {
		ids := strings.Join(append([]string{r.Advisory.ID}, r.Advisory.Aliases...), ", ")
		sev := r.Advisory.Severity
		if sev == "" {
			sev = "unrated"
		}
		fmt.Fprintf(b, "  %-8s %s %s, %s: %s (%s)\n", p.paint(sgrBold, sev), clean(r.Package, false), clean(r.Version, false),
			clean(ids, false), plural(len(r.Apps), "app", "apps"), clean(strings.Join(r.Apps, ", "), false))
	}
}

// minCollapse is how many skips must share a reason to share a row.
const minCollapse = 3

// skipGroups returns the skip reasons shared by at least minCollapse
// checks, with those checks' IDs in catalog order.
func skipGroups(fs []audit.Finding) map[string][]string {
	by := map[string][]string{}
	for _, f := range fs {
		if f.Status == audit.Skip && f.Suppressed == nil {
			by[f.Message] = append(by[f.Message], f.Check)
		}
	}
	for msg, ids := range by {
		if len(ids) < minCollapse {
			delete(by, msg)
		}
	}
	return by
}

// writeAttention writes one finding that needs attention:
//
//	✗ check-id: the one piece of evidence
//	! check-id (new):
//	    first piece of evidence
//	    second piece
//	  fix: the command
//	  suppressed: the reason (until 2026-11-01)
//
// With no evidence at all, the message stands in for it.
func writeAttention(b *bytes.Buffer, f audit.Finding, p palette, lay layout) {
	mark := p.paint(statusColor(f.Status), statusMark(f.Status))
	id := clean(f.Check, false)
	if q := qualifiers(f); len(q) > 0 {
		id += " (" + strings.Join(q, ", ") + ")"
	}
	switch len(f.Evidence) {
	case 0:
		fmt.Fprintf(b, "  %s %s: %s\n", mark, id, strings.Join(wrap(clean(f.Message, false), max(lay.evidence+2-len([]rune(id)), 20)), "\n      "))
	case 1:
		// "  ! id: " comes first on the line
		fmt.Fprintf(b, "  %s %s: %s\n", mark, id, strings.Join(wrap(clean(f.Evidence[0].Text, false), max(lay.evidence+2-len([]rune(id)), 20)), "\n      "))
	default:
		fmt.Fprintf(b, "  %s %s:\n", mark, id)
		for _, e := range f.Evidence {
			fmt.Fprintf(b, "      %s\n", strings.Join(wrap(clean(e.Text, false), lay.evidence), "\n      "))
		}
	}
	if fix := strings.TrimSpace(f.Remediation); fix != "" {
		// Commands are not re-wrapped (a wrapped command no longer pastes);
		// their own line breaks are kept and aligned under the first line.
		lines := strings.Split(clean(fix, true), "\n")
		fmt.Fprintf(b, "    %s %s\n", p.paint(sgrDim, "fix:"), lines[0])
		for _, l := range lines[1:] {
			fmt.Fprintf(b, "         %s\n", l)
		}
	}
	if f.Suppressed != nil {
		fmt.Fprintf(b, "    %s\n", p.paint(sgrDim, clean(suppressedText(f.Suppressed), false)))
	}
}

func paintCount(p palette, n int, code, s string) string {
	if n == 0 {
		return s
	}
	return p.paint(code, s)
}

// writeFleet writes the summary table of several apps, in the order given.
// With a baseline it adds a NEW column: how many of each app's problems the
// baseline did not have.
func writeFleet(b *bytes.Buffer, results []audit.Result, withNew bool, p palette, lay layout) error {
	rows := make([][]string, 0, len(results))
	for _, res := range results {
		app := strings.Join(wrap(clean(res.App, false), appWidth), "\n")
		var row []string
		if res.Error != "" {
			row = []string{app, p.paint(sgrMagenta, "-"), "-", "-", "-", "-", "-",
				p.paint(sgrMagenta, "error:") + " " + truncate(clean(res.Error, false), lay.worst-len("error: "))}
		} else {
			worst := "-"
			if res.Language != "" {
				worst = truncate(languageNote(res.Language)+": platform checks only", lay.worst)
			}
			if n := len(res.Incomplete); n > 0 {
				worst = truncate("could not run: "+clean(strings.Join(res.Incomplete, ", "), false), lay.worst)
			}
			if f, ok := worstFail(res.Findings); ok {
				id := clean(f.Check, false)
				if f.Suppressed != nil {
					id += " (suppressed)"
				}
				worst = id + ": " + truncate(clean(f.Message, false), max(lay.worst-len(id)-2, 10))
			}
			grade := clean(res.Grade, false)
			if audit.CapReason(res) != "" {
				grade += " (capped)"
			}
			row = []string{
				app,
				p.paint(gradeColor(res.Grade), grade),
				strconv.Itoa(res.Score),
				strconv.Itoa(failsBySeverity(res.Findings, audit.Critical)),
				strconv.Itoa(failsBySeverity(res.Findings, audit.High)),
				strconv.Itoa(failsBySeverity(res.Findings, audit.Medium)),
				strconv.Itoa(countStatuses(res.Findings).warn),
				worst,
			}
		}
		if withNew {
			n := "-"
			if res.Error == "" {
				n = strconv.Itoa(tallyOf(res.Findings).newProblems)
			}
			row = slices.Insert(row, 7, n) // before WORST
		}
		rows = append(rows, row)
	}
	// CRITICAL, HIGH, MEDIUM count failing checks; WARN every warning
	header := []string{"APP", "GRADE", "SCORE", "CRITICAL", "HIGH", "MEDIUM", "WARN", "WORST"}
	if withNew {
		header = []string{"APP", "GRADE", "SCORE", "CRITICAL", "HIGH", "MEDIUM", "WARN", "NEW", "WORST"}
	}
	return writeTable(b, header, rows)
}

// writeFleetFixed lists, after the fleet summary, the problems the baseline
// had that are gone, app by app in the summary's order.
func writeFleetFixed(b *bytes.Buffer, results []audit.Result, p palette) {
	first := true
	for _, res := range results {
		for _, f := range res.Fixed {
			if first {
				b.WriteString("\nfixed since the baseline:\n")
				first = false
			}
			fmt.Fprintf(b, "  %s %s %s: %s\n", p.paint(sgrGreen, statusMark(audit.Pass)),
				clean(res.App, false), clean(f.Check, false), clean(fixedTitle(f), false))
		}
	}
}

// writeCatalogTable writes the check list of `herokuaudit checks`.
func writeCatalogTable(b *bytes.Buffer, checks []audit.Check, p palette) error {
	rows := make([][]string, 0, len(checks))
	for _, c := range checks {
		rows = append(rows, []string{
			clean(c.ID, false),
			p.paint(severityColor(c.Severity), c.Severity.String()),
			strings.Join(wrap(clean(c.Title, true), titleWidth), "\n"),
		})
	}
	if err := writeTable(b, []string{"ID", "SEVERITY", "TITLE"}, rows); err != nil {
		return err
	}
	b.WriteByte('\n')
	for _, l := range wrap(audit.ScoringRule, proseWidth) {
		b.WriteString(l + "\n")
	}
	b.WriteString("\nPlatform facts (dyno sizes, Python support, stacks) as of " + audit.FactsAsOf + ".\n")
	return nil
}

// writeTable is the one place tablewriter is driven. The style is
// borderless with a light rule under the header: it reads in a terminal and
// survives CI logs. Cells arrive already wrapped (tablewriter would let long
// words overflow, or break every word), so tablewriter only aligns.
func writeTable(b *bytes.Buffer, header []string, rows [][]string) error {
	var out bytes.Buffer
	t := tablewriter.NewTable(&out,
		tablewriter.WithRenderer(renderer.NewBlueprint(tw.Rendition{
			Borders: tw.BorderNone,
			Symbols: tw.NewSymbols(tw.StyleLight),
			Settings: tw.Settings{
				Lines:      tw.Lines{ShowTop: tw.Off, ShowBottom: tw.Off, ShowHeaderLine: tw.On, ShowFooterLine: tw.Off},
				Separators: tw.Separators{BetweenColumns: tw.Off, BetweenRows: tw.Off},
			},
		})),
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithHeaderAlignment(tw.AlignLeft),
		tablewriter.WithRowAlignment(tw.AlignLeft),
		tablewriter.WithHeaderAutoWrap(tw.WrapNone),
		tablewriter.WithRowAutoWrap(tw.WrapNone),
	)
	t.Header(header)
	if err := t.Bulk(rows); err != nil {
		return fmt.Errorf("table: %w", err)
	}
	if err := t.Render(); err != nil {
		return fmt.Errorf("table: %w", err)
	}
	// Padding leaves trailing blanks on every line; they only add noise to
	// logs and golden files.
	for line := range strings.Lines(out.String()) {
		b.WriteString(strings.TrimRight(line, " \n"))
		b.WriteByte('\n')
	}
	return nil
}
