package pytok

import (
	"bytes"
	"strings"
	"unicode/utf8"
)

// Decode returns the value of a string literal's content (between its
// quotes), following Python's escapes for the given prefix flags. It never
// fails: a malformed \x, \u or \U escape becomes '?'. In an f-string
// without fields, doubled braces stand for one.
func Decode(b []byte, flags Flags) string {
	raw := flags&Raw != 0
	fmt := flags&Format != 0
	if !raw && !fmt && bytes.IndexByte(b, '\\') < 0 && bytes.IndexByte(b, '\r') < 0 {
		return string(b)
	}
	var sb strings.Builder
	sb.Grow(len(b))
	for i := 0; i < len(b); i++ {
		c := b[i]
		if fmt && (c == '{' || c == '}') && i+1 < len(b) && b[i+1] == c {
			sb.WriteByte(c)
			i++
			continue
		}
		if c == '\r' {
			// Python reads source with universal newlines.
			if i+1 < len(b) && b[i+1] == '\n' {
				i++
			}
			sb.WriteByte('\n')
			continue
		}
		if c != '\\' || i+1 >= len(b) {
			sb.WriteByte(c)
			continue
		}
		if raw {
			// A backslash stays, and keeps the next character with it.
			sb.WriteByte(c)
			if b[i+1] != '\r' {
				sb.WriteByte(b[i+1])
				i++
			}
			continue
		}
		n := b[i+1]
		i++
		switch n {
		case '\n':
		case '\r':
			if i+1 < len(b) && b[i+1] == '\n' {
				i++
			}
		case '\\', '\'', '"':
			sb.WriteByte(n)
		case 'n':
			sb.WriteByte('\n')
		case 't':
			sb.WriteByte('\t')
		case 'r':
			sb.WriteByte('\r')
		case 'a':
			sb.WriteByte(7)
		case 'b':
			sb.WriteByte(8)
		case 'f':
			sb.WriteByte(12)
		case 'v':
			sb.WriteByte(11)
		case '0', '1', '2', '3', '4', '5', '6', '7':
			v := int(n - '0')
			for k := 0; k < 2 && i+1 < len(b) && b[i+1] >= '0' && b[i+1] <= '7'; k++ {
				i++
				v = v*8 + int(b[i]-'0')
			}
			writeCode(&sb, v, flags)
		case 'x', 'u', 'U':
			digits := 2
			switch n {
			case 'u':
				digits = 4
			case 'U':
				digits = 8
			}
			if n != 'x' && flags&Bytes != 0 {
				sb.WriteByte('\\')
				sb.WriteByte(n)
				continue
			}
			v, k := 0, 0
			for ; k < digits && i+1 < len(b) && hexVal(b[i+1]) >= 0; k++ {
				i++
				v = v*16 + hexVal(b[i])
			}
			if k < digits {
				sb.WriteByte('?') // malformed escape: keep a placeholder
				continue
			}
			writeCode(&sb, v, flags)
		default:
			sb.WriteByte('\\')
			sb.WriteByte(n)
		}
	}
	return sb.String()
}

// writeCode writes a code point from an escape: a byte in a bytes literal,
// else the character in UTF-8.
func writeCode(sb *strings.Builder, v int, flags Flags) {
	if flags&Bytes != 0 || v < 0x80 {
		sb.WriteByte(byte(v))
		return
	}
	if v > utf8.MaxRune {
		v = utf8.RuneError
	}
	sb.WriteRune(rune(v))
}

func hexVal(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}
