package pytok

import (
	"bytes"
	"reflect"
	"testing"
)

func FuzzTokenize(f *testing.F) {
	for _, s := range []string{
		"x = a.b(1e-5, 0x1F) ** 2\n", `rb'a' f"{x["a"]}" f"{x:{w}.{p}f}" f"\N{BULLET} {x}"`,
		"f'''{x # c\n}''' y", "class A:\n    x = '''\nmulti\n'''\n\ty = (1,\n2)\n  \\\n  z\n",
		"x = 'abc\ny", "x = f'{a\ny", "a\rb\r\nc # d\r", "\xEF\xBB\xBFx = 1", ") \\ \xff", `"""a "b" ""c"" """`,
		`'\`, "f'{x:'", "f'{'", "\\\r", "0x1e+5",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		checkTokens(t, src)
	})
}

// checkTokens checks what must hold for any input: tokens in order, inside
// the source, only blanks, comments and continuations between them, line
// numbers that count the line breaks before each token, logical lines that
// start after a line break, and Lines agreeing with the Scanner.
func checkTokens(t *testing.T, src []byte) {
	t.Helper()
	var toks []Token
	s := NewScanner(src)
	for {
		tok := s.Next()
		if tok == nil {
			break
		}
		toks = append(toks, *tok)
	}
	pos := 0
	if bytes.HasPrefix(src, []byte("\xEF\xBB\xBF")) {
		pos = 3
	}
	line := 1
	for i, tok := range toks {
		if tok.Start < pos || tok.End <= tok.Start || tok.End > len(src) {
			t.Fatalf("token %d at [%d,%d) after offset %d in %d bytes", i, tok.Start, tok.End, pos, len(src))
		}
		gap := src[pos:tok.Start]
		if !blank(gap) {
			t.Fatalf("token %d: code between tokens: %q", i, gap)
		}
		breaks := lineBreaks(gap)
		line += breaks
		if tok.Line != line {
			t.Fatalf("token %d %q on line %d, want %d", i, src[tok.Start:tok.End], tok.Line, line)
		}
		if i == 0 && !tok.First || i > 0 && tok.First && breaks == 0 {
			t.Fatalf("token %d: First = %v with %d line breaks before it", i, tok.First, breaks)
		}
		if tok.Kind == String {
			if tok.ContentStart <= tok.Start || tok.ContentStart > tok.ContentEnd || tok.ContentEnd > tok.End {
				t.Fatalf("token %d: content [%d,%d) outside [%d,%d)", i, tok.ContentStart, tok.ContentEnd, tok.Start, tok.End)
			}
			if tok.Flags&Unterminated == 0 && tok.End-tok.ContentEnd != tok.ContentStart-tok.Start-prefixLen(src[tok.Start:]) {
				t.Fatalf("token %d %q: closing quotes do not match opening ones", i, src[tok.Start:tok.End])
			}
			tok.Value(src) // must not panic
		} else if tok.Flags != 0 {
			t.Fatalf("token %d: flags %v on a non-string", i, tok.Flags)
		}
		line += lineBreaks(src[tok.Start:tok.End])
		pos = tok.End
	}
	if !blank(src[pos:]) {
		t.Fatalf("code after the last token: %q", src[pos:])
	}
	var fromLines []Token
	for _, l := range Lines(src) {
		broken := false
		for _, tok := range l.Tokens {
			broken = broken || tok.Flags&Unterminated != 0
		}
		first := l.Tokens[0]
		if !first.First || l.Line != first.Line || l.Indent != first.Indent || l.Margin != first.Margin || l.Broken != broken {
			t.Fatalf("line %+v does not describe its tokens", l)
		}
		fromLines = append(fromLines, l.Tokens...)
	}
	if !reflect.DeepEqual(fromLines, toks) {
		t.Fatalf("Lines and Scanner disagree")
	}
}

// blank reports whether b holds only whitespace, line breaks, comments and
// backslash continuations.
func blank(b []byte) bool {
	for i := 0; i < len(b); i++ {
		switch b[i] {
		case ' ', '\t', '\f', '\n', '\r':
		case '#':
			for i+1 < len(b) && b[i+1] != '\n' && b[i+1] != '\r' {
				i++
			}
		case '\\':
			if i+1 >= len(b) || b[i+1] != '\n' && b[i+1] != '\r' {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// lineBreaks counts \n, \r\n and lone \r.
func lineBreaks(b []byte) int {
	n := 0
	for i := 0; i < len(b); i++ {
		if b[i] == '\n' || b[i] == '\r' {
			if b[i] == '\r' && i+1 < len(b) && b[i+1] == '\n' {
				i++
			}
			n++
		}
	}
	return n
}

// prefixLen is the length of a string token's prefix.
func prefixLen(b []byte) int {
	n := 0
	for n < len(b) && b[n] != '"' && b[n] != '\'' {
		n++
	}
	return n
}
