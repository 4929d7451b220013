package report

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/herokuaudit/herokuaudit/audit"
)

// catalogFormats are the formats `herokuaudit checks` can write.
var catalogFormats = []string{"table", "json"}

// RenderCatalog lists the checks for `herokuaudit checks`: as a table (ID,
// SEVERITY, TITLE, then the scoring rule) or as JSON
// ({"schema_version":1,"checks":[...],"scoring":"..."}). Colour applies to
// the table only.
func RenderCatalog(w io.Writer, format string, checks []audit.Check, color bool) error {
	var b bytes.Buffer
	switch format {
	case "table":
		if err := writeCatalogTable(&b, checks, palette(color)); err != nil {
			return err
		}
	case "json":
		if err := writeJSON(&b, catalogJSON(checks)); err != nil {
			return err
		}
	default:
		return fmt.Errorf("unknown format %q for the check list (want %s)", format, joinOr(catalogFormats))
	}
	_, err := w.Write(b.Bytes())
	return err
}

// Explain writes one check's documentation for `herokuaudit explain ID`.
func Explain(w io.Writer, c audit.Check) error {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s: %s\n\n", clean(c.ID, false), clean(c.Title, false))
	fmt.Fprintf(&b, "severity  %s\n", c.Severity)
	reads := make([]string, 0, len(c.Inputs()))
	for _, in := range c.Inputs() {
		reads = append(reads, clean(in, false))
	}
	if len(reads) == 0 {
		reads = append(reads, "-")
	}
	fmt.Fprintf(&b, "reads     %s\n", strings.Join(reads, ", "))
	if c.Checklist != "" {
		fmt.Fprintf(&b, "checklist %s\n", clean(c.Checklist, false))
	}
	writeSection(&b, "Why it matters", c.Rationale)
	writeSection(&b, "How to fix", c.Remediation)
	_, err := w.Write(b.Bytes())
	return err
}

// writeSection writes a heading and its text wrapped and indented; a check
// with no text for it says so rather than leave a bare heading.
func writeSection(b *bytes.Buffer, heading, text string) {
	fmt.Fprintf(b, "\n%s\n", heading)
	text = strings.TrimSpace(text)
	if text == "" {
		text = "(not documented)"
	}
	for _, l := range wrap(clean(text, true), proseWidth-2) {
		if l == "" {
			b.WriteByte('\n')
			continue
		}
		b.WriteString("  " + l + "\n")
	}
}
