package report

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/herokuaudit/herokuaudit/audit"
)

// ANSI SGR codes. Plain escapes: every terminal that shows colour knows them.
const (
	sgrBold    = "1"
	sgrDim     = "2"
	sgrRed     = "31"
	sgrGreen   = "32"
	sgrYellow  = "33"
	sgrMagenta = "35"
	sgrCyan    = "36"
)

// palette paints text when colour is on and leaves it alone otherwise, so
// the layout code never branches on colour.
type palette bool

func (p palette) paint(code, s string) string {
	if !p || code == "" || s == "" {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}

func statusColor(s audit.Status) string {
	switch s {
	case audit.Fail:
		return sgrRed
	case audit.Warn:
		return sgrYellow
	case audit.Pass:
		return sgrGreen
	case audit.Skip:
		return sgrDim
	}
	return sgrMagenta
}

func gradeColor(g string) string {
	switch g {
	case "A", "B":
		return sgrGreen
	case "C", "D":
		return sgrYellow
	case "F":
		return sgrRed
	}
	return sgrMagenta
}

func severityColor(s audit.Severity) string {
	switch s {
	case audit.Critical:
		return sgrBold + ";" + sgrRed
	case audit.High:
		return sgrRed
	case audit.Medium:
		return sgrYellow
	case audit.Low:
		return sgrCyan
	}
	return sgrDim
}

// statusMark is the one-character marker of the detail lines.
func statusMark(s audit.Status) string {
	switch s {
	case audit.Fail:
		return "✗"
	case audit.Warn:
		return "!"
	case audit.Pass:
		return "✓"
	case audit.Skip:
		return "-"
	}
	return "?"
}

// clean makes text from findings safe for a terminal: control characters
// (an escape sequence in a file name from a slug, say) and bidirectional
// overrides are shown as \x.. / \u.... escapes instead of acting on the
// terminal. Newlines survive only when keepNewlines is set; tabs become a
// space.
func clean(s string, keepNewlines bool) string {
	if !needsCleaning(s, keepNewlines) {
		return s
	}
	var b strings.Builder
	for i, r := range s {
		switch {
		case r == utf8.RuneError && !strings.HasPrefix(s[i:], "\uFFFD"):
			b.WriteString(fmt.Sprintf(`\x%02x`, s[i]))
		case r == '\n' && keepNewlines:
			b.WriteRune(r)
		case r == '\t' || r == '\n':
			b.WriteByte(' ')
		case r == '\r':
			// Dropped: a CRLF line ending is a line ending, not content.
		case r < 0x100 && unicode.IsControl(r):
			b.WriteString(fmt.Sprintf(`\x%02x`, r))
		case isBidiControl(r):
			b.WriteString(fmt.Sprintf(`\u%04x`, r))
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// OneLine is s made safe for one line of a terminal, as clean does: for
// the CLI's stderr lines.
func OneLine(s string) string { return clean(s, false) }

func needsCleaning(s string, keepNewlines bool) bool {
	if !utf8.ValidString(s) {
		return true
	}
	for _, r := range s {
		if (r < 0x100 && unicode.IsControl(r) && (r != '\n' || !keepNewlines)) || isBidiControl(r) {
			return true
		}
	}
	return false
}

// isBidiControl reports the characters that reorder text on screen, so what
// a terminal shows would differ from what the finding says.
func isBidiControl(r rune) bool {
	return (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069) || r == 0x200E || r == 0x200F || r == 0x061C
}

// wrap breaks text into lines of at most width runes, at spaces where it
// can, inside a word only when the word alone is longer than a line. Line
// breaks already in the text are kept; blank lines inside it too.
func wrap(s string, width int) []string {
	if width < 1 {
		width = 1
	}
	var lines []string
	for para := range strings.SplitSeq(s, "\n") {
		words := strings.Fields(para)
		if len(words) == 0 {
			lines = append(lines, "")
			continue
		}
		line, n := "", 0
		for _, w := range words {
			wn := utf8.RuneCountInString(w)
			if wn > width {
				// A word no line can hold (a URL, a hash): give it lines of
				// its own, cut at the width, and carry on after its tail.
				if n > 0 {
					lines = append(lines, line)
				}
				for wn > width {
					head, tail := splitRunes(w, width)
					lines = append(lines, head)
					w, wn = tail, wn-width
				}
				line, n = w, wn
				continue
			}
			switch {
			case n == 0:
				line, n = w, wn
			case n+1+wn <= width:
				line, n = line+" "+w, n+1+wn
			default:
				lines = append(lines, line)
				line, n = w, wn
			}
		}
		if n > 0 {
			lines = append(lines, line)
		}
	}
	// A trailing newline in the text would otherwise leave a blank last line.
	for len(lines) > 1 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

func splitRunes(s string, n int) (string, string) {
	i := 0
	for range n {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return s[:i], s[i:]
}

// truncate shortens s to at most n runes, ending with an ellipsis when it
// had to cut; it works on one line.
func truncate(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	if n < 1 {
		return ""
	}
	head, _ := splitRunes(s, n-1)
	return strings.TrimRight(head, " ") + "…"
}

// plural writes "1 warning" / "2 warnings".
func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}
