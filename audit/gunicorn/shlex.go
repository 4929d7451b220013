package gunicorn

import (
	"errors"
	"strings"
)

// Errors of ShlexSplit, worded as Python's shlex words them.
var (
	ErrNoClosingQuote = errors.New("no closing quotation")
	ErrNoEscapedChar  = errors.New("no escaped character")
)

// ShlexSplit splits s into words the way Python's shlex.split(s) does (POSIX
// mode, no comments), which is how gunicorn reads GUNICORN_CMD_ARGS:
// whitespace separates words, single quotes keep everything literally,
// double quotes keep everything but a backslash before `"` or `\`, a
// backslash outside quotes escapes any character, and `”` is an empty word.
func ShlexSplit(s string) ([]string, error) {
	var (
		words  []string
		cur    strings.Builder
		inWord bool
	)
	const space = " \t\r\n"
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case strings.IndexByte(space, c) >= 0:
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		case c == '\\':
			if i+1 >= len(s) {
				return nil, ErrNoEscapedChar
			}
			i++
			cur.WriteByte(s[i])
			inWord = true
		case c == '\'':
			end := strings.IndexByte(s[i+1:], '\'')
			if end < 0 {
				return nil, ErrNoClosingQuote
			}
			cur.WriteString(s[i+1 : i+1+end])
			i += end + 1
			inWord = true
		case c == '"':
			closed := false
			for i++; i < len(s); i++ {
				if s[i] == '"' {
					closed = true
					break
				}
				if s[i] == '\\' && i+1 == len(s) {
					// Python's shlex: an escape with nothing after it
					return nil, ErrNoEscapedChar
				}
				if s[i] == '\\' && (s[i+1] == '"' || s[i+1] == '\\') {
					i++
				}
				cur.WriteByte(s[i])
			}
			if !closed {
				return nil, ErrNoClosingQuote
			}
			inWord = true
		default:
			cur.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, nil
}
