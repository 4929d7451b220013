package report

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/herokuaudit/herokuaudit/audit"
)

// diffFormats are the formats `herokuaudit diff` can write.
var diffFormats = []string{"table", "json", "markdown"}

// DiffFormatNames lists the formats RenderDiff knows, for --format help.
func DiffFormatNames() []string { return append([]string(nil), diffFormats...) }

// Column widths of the diff table: about 140 columns in all.
const (
	diffKeyWidth    = 26
	diffValueWidth  = 22
	diffReasonWidth = 44
)

// RenderDiff writes the comparisons of `herokuaudit diff`, one per pair of
// apps (a pipeline gives several), each riskiest first as audit.Compare
// sorted it. Entries carry only what may be shown (fingerprints for
// secrets), so nothing here can leak a value. Colour applies to the table.
//
// The JSON document (schema_version 1) has one shape for one pair and for a
// pipeline:
//
//	{"schema_version": 1,
//	 "a": "APP_A", "b": "APP_B",   // the two apps; "" when several pairs were compared
//	 "entries": [ENTRY...],        // every pair's entries, pair after pair
//	 "diffs": [{"a": "APP_A", "b": "APP_B", "entries": [ENTRY...]}, ...]}  // one per pair
//
// ENTRY is {"kind", "key", "change", "risk", "reason", "a", "b"}: "a" and "b"
// are what may be shown of each app's side ("" when absent, "fp:…" for a
// secret). Every key is always present; entries are arrays, never null.
func RenderDiff(w io.Writer, format string, diffs []audit.Diff, color bool) error {
	return RenderDiffWidth(w, format, diffs, color, 0)
}

// diffTableWidth is the narrowest terminal the diff's seven columns fit;
// below it each difference is a few lines of its own.
const diffTableWidth = 140

// RenderDiffWidth is RenderDiff for a terminal width columns wide (0: not
// a terminal, the full table).
func RenderDiffWidth(w io.Writer, format string, diffs []audit.Diff, color bool, width int) error {
	var b bytes.Buffer
	switch {
	case format == "table" && width > 0 && width < diffTableWidth:
		writeDiffList(&b, diffs, palette(color), max(width, 80))
	case format == "table":
		if err := writeDiffTable(&b, diffs, palette(color)); err != nil {
			return err
		}
	case format != "table":
		return renderDiffOther(&b, w, format, diffs)
	}
	_, err := w.Write(b.Bytes())
	return err
}

func renderDiffOther(b *bytes.Buffer, w io.Writer, format string, diffs []audit.Diff) error {
	switch format {
	case "json":
		if err := writeJSON(b, diffJSON(diffs)); err != nil {
			return err
		}
	case "markdown":
		writeDiffMarkdown(b, diffs)
	default:
		return fmt.Errorf("unknown format %q for diff (want %s)", format, joinOr(diffFormats))
	}
	_, err := w.Write(b.Bytes())
	return err
}

// writeDiffList writes each difference as a few lines, for a terminal too
// narrow for the table:
//
//	high  config SECRET_KEY  same-secret
//	      flask-staging: fp:212d0adc  flask-production: fp:212d0adc
//	      flask-staging and flask-production sign with the same key …
func writeDiffList(b *bytes.Buffer, diffs []audit.Diff, p palette, width int) {
	if len(diffs) == 0 {
		b.WriteString("no apps compared\n")
		return
	}
	text := width - 10 // after the nine-column indent
	for i, d := range diffs {
		if i > 0 {
			b.WriteByte('\n')
		}
		fmt.Fprintf(b, "%s → %s  %s\n", p.paint(sgrBold, clean(d.A, false)), p.paint(sgrBold, clean(d.B, false)), riskCounts(d, p))
		for _, e := range d.Entries {
			fmt.Fprintf(b, "\n %-6s  %s\n", p.paint(severityColor(e.Risk), e.Risk.String()),
				strings.Join(wrap(clean(e.Kind+" "+e.Key+"  "+e.Change, false), text), "\n         "))
			sides := fmt.Sprintf("%s: %s   %s: %s", d.A, orDash(e.A), d.B, orDash(e.B))
			fmt.Fprintf(b, "         %s\n", strings.Join(wrap(clean(sides, false), text), "\n         "))
			fmt.Fprintf(b, "         %s\n", strings.Join(wrap(clean(e.Reason, false), text), "\n         "))
		}
	}
}

// ---- JSON ----

type jsonDiffReport struct {
	SchemaVersion int             `json:"schema_version"`
	A             string          `json:"a"`
	B             string          `json:"b"`
	Entries       []jsonDiffEntry `json:"entries"`
	Diffs         []jsonDiff      `json:"diffs"`
}

type jsonDiff struct {
	A       string          `json:"a"`
	B       string          `json:"b"`
	Entries []jsonDiffEntry `json:"entries"`
}

type jsonDiffEntry struct {
	Kind   string `json:"kind"`
	Key    string `json:"key"`
	Change string `json:"change"`
	Risk   string `json:"risk"`
	Reason string `json:"reason"`
	A      string `json:"a"`
	B      string `json:"b"`
}

func diffJSON(diffs []audit.Diff) jsonDiffReport {
	out := jsonDiffReport{SchemaVersion: SchemaVersion, Entries: []jsonDiffEntry{}, Diffs: make([]jsonDiff, 0, len(diffs))}
	if len(diffs) == 1 {
		out.A, out.B = diffs[0].A, diffs[0].B
	}
	for _, d := range diffs {
		jd := jsonDiff{A: d.A, B: d.B, Entries: make([]jsonDiffEntry, 0, len(d.Entries))}
		for _, e := range d.Entries {
			jd.Entries = append(jd.Entries, jsonDiffEntry{Kind: e.Kind, Key: e.Key, Change: e.Change,
				Risk: e.Risk.String(), Reason: e.Reason, A: e.A, B: e.B})
		}
		out.Entries = append(out.Entries, jd.Entries...)
		out.Diffs = append(out.Diffs, jd)
	}
	return out
}

// ---- table ----

func writeDiffTable(b *bytes.Buffer, diffs []audit.Diff, p palette) error {
	if len(diffs) == 0 {
		b.WriteString("no apps compared\n")
		return nil
	}
	for i, d := range diffs {
		if i > 0 {
			b.WriteByte('\n')
		}
		fmt.Fprintf(b, "%s → %s  %s\n", p.paint(sgrBold, clean(d.A, false)), p.paint(sgrBold, clean(d.B, false)), riskCounts(d, p))
		if len(d.Entries) == 0 {
			continue
		}
		b.WriteByte('\n')
		rows := make([][]string, 0, len(d.Entries))
		for _, e := range d.Entries {
			rows = append(rows, []string{
				p.paint(severityColor(e.Risk), e.Risk.String()),
				clean(e.Kind, false),
				cell(e.Key, diffKeyWidth),
				clean(e.Change, false),
				cell(orDash(e.A), diffValueWidth),
				cell(orDash(e.B), diffValueWidth),
				cell(e.Reason, diffReasonWidth),
			})
		}
		header := []string{"RISK", "KIND", "KEY", "CHANGE", cell(d.A, diffValueWidth), cell(d.B, diffValueWidth), "REASON"}
		if err := writeTable(b, header, rows); err != nil {
			return err
		}
	}
	return nil
}

// cell cleans and wraps one table cell.
func cell(s string, width int) string {
	return strings.Join(wrap(clean(s, false), width), "\n")
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// riskCounts summarises a diff: "no differences" or "1 high, 2 medium, ...".
func riskCounts(d audit.Diff, p palette) string {
	if len(d.Entries) == 0 {
		return p.paint(sgrGreen, "no differences")
	}
	var parts []string
	for s := audit.Critical; s >= audit.Info; s-- {
		n := 0
		for _, e := range d.Entries {
			if e.Risk == s {
				n++
			}
		}
		if n > 0 {
			parts = append(parts, p.paint(severityColor(s), fmt.Sprintf("%d %s", n, s)))
		}
	}
	return strings.Join(parts, ", ")
}

// ---- markdown ----

// writeDiffMarkdown writes a heading and a table per pair, fit to paste in a
// pull request or a chat: every cell is escaped, values are code spans.
func writeDiffMarkdown(b *bytes.Buffer, diffs []audit.Diff) {
	if len(diffs) == 0 {
		b.WriteString("No apps compared.\n")
		return
	}
	for i, d := range diffs {
		if i > 0 {
			b.WriteByte('\n')
		}
		fmt.Fprintf(b, "### %s → %s\n\n%s\n", mdText(d.A), mdText(d.B), riskCounts(d, palette(false)))
		if len(d.Entries) == 0 {
			continue
		}
		fmt.Fprintf(b, "\n| Risk | Kind | Key | Change | %s | %s | Reason |\n", mdText(d.A), mdText(d.B))
		b.WriteString("|---|---|---|---|---|---|---|\n")
		for _, e := range d.Entries {
			fmt.Fprintf(b, "| %s | %s | %s | %s | %s | %s | %s |\n", e.Risk, mdText(e.Kind), mdCode(e.Key, true),
				mdText(e.Change), mdValue(e.A), mdValue(e.B), mdText(e.Reason))
		}
	}
}

// mdValue shows one side's value: a code span, or a dash when absent.
func mdValue(s string) string {
	if strings.TrimSpace(s) == "" {
		return "–"
	}
	return mdCode(s, true)
}
