package pydeps

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/herokuaudit/herokuaudit/internal/textenc"
)

// decodeText turns a file's bytes into text the way pip reads requirements
// files: a byte-order mark picks UTF-8 or UTF-16 (PowerShell's "pip freeze >"
// writes UTF-16LE); otherwise the bytes must be UTF-8. Invalid sequences are
// replaced and reported, so one bad byte does not lose the whole file.
func decodeText(data []byte) (string, string) {
	text, valid := textenc.Decode(data)
	if !valid {
		return text, "not valid UTF-8 (invalid bytes replaced)"
	}
	return text, ""
}

// splitLines splits text like Python's str.splitlines, which pip uses, so
// line numbers match pip's: \n, \r, \r\n, \v, \f, \x1c-\x1e, U+0085, U+2028
// and U+2029 all end a line, and a final line break adds no empty line.
func splitLines(s string) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch r {
		case '\n', '\v', '\f', 0x1c, 0x1d, 0x1e, 0x85, 0x2028, 0x2029:
			out = append(out, s[start:i])
			start = i + size
		case '\r':
			out = append(out, s[start:i])
			if i+1 < len(s) && s[i+1] == '\n' {
				size = 2
			}
			start = i + size
		}
		i += size
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}

// isSpace matches what Python's str.isspace and re's \s accept.
func isSpace(r rune) bool {
	return unicode.IsSpace(r) || r >= 0x1c && r <= 0x1f
}

func trimSpace(s string) string { return strings.TrimFunc(s, isSpace) }
