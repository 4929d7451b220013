// Package pytok is a small Python tokenizer over bytes. It follows the
// lexical rules that decide what is code and what is not: comments, string
// literals (all prefixes, triple quotes, escapes, f-strings with nested
// quotes and fields spanning lines as Python 3.12 allows), bracket nesting
// and backslash continuations, which join physical lines into logical ones.
//
// It never fails: malformed input (unterminated strings, stray closers,
// invalid UTF-8) still yields tokens, and every byte is looked at a bounded
// number of times, so the cost is linear in the input. Line breaks are \n,
// \r\n or a lone \r, as Python reads source; a leading UTF-8 BOM is skipped.
package pytok

// Kind is a token's lexical class.
type Kind uint8

// Token kinds. Keywords are names; every operator and delimiter is an Op.
const (
	Name Kind = iota
	Number
	String
	Op
)

// Flags describe a string literal.
type Flags uint8

// String flags. Format is set for f- and t-strings; Fields only when such a
// string holds at least one replacement field, so its value is not known.
const (
	Raw          Flags = 1 << iota // r"..."
	Bytes                          // b"..."
	Format                         // f"..." or t"..."
	Fields                         // a Format string with replacement fields
	Unterminated                   // no closing quote before the line or input ended
)

// Token is one token. Offsets index the source given to the Scanner.
type Token struct {
	Kind  Kind
	Flags Flags // strings only
	// First is set on the first token of a logical line; Indent and Margin
	// are then that line's indentation.
	First bool
	Start int // byte offsets of the token's text; a string's includes its prefix and quotes
	End   int
	Line  int // 1-based line of the first byte
	// ContentStart and ContentEnd delimit a string's content between its
	// quotes (up to where an unterminated string stopped).
	ContentStart, ContentEnd int
	Indent                   int // column of the token, tabs to multiples of 8, as Python counts
	Margin                   int // bytes between the physical line's start and the token
}

// Value returns the decoded value of a string token. It fails for other
// tokens and for f-strings with replacement fields, whose value is not
// known.
func (t Token) Value(src []byte) (string, bool) {
	if t.Kind != String || t.Flags&Fields != 0 {
		return "", false
	}
	return Decode(src[t.ContentStart:t.ContentEnd], t.Flags), true
}

// Scanner reads tokens one at a time.
type Scanner struct {
	src       []byte
	pos       int
	line      int
	lineStart int // offset where the current physical line starts
	depth     int // open brackets in the current logical line
	open      bool
	tok       Token // the token being scanned, built in place
}

// maxNest bounds f-string nesting (strings inside replacement fields inside
// strings), so hostile input cannot recurse deeply.
const maxNest = 32

// NewScanner returns a Scanner over src, past a leading UTF-8 BOM.
func NewScanner(src []byte) *Scanner {
	s := &Scanner{src: src, line: 1}
	if len(src) >= 3 && src[0] == 0xEF && src[1] == 0xBB && src[2] == 0xBF {
		s.pos, s.lineStart = 3, 3
	}
	return s
}

// Line is one logical line: physical lines joined by open brackets or
// backslash continuations.
type Line struct {
	Tokens []Token
	Line   int  // 1-based line of its first token
	Indent int  // as Token.Indent
	Margin int  // as Token.Margin
	Broken bool // holds an unterminated string: Python would refuse the file
}

// Lines tokenizes src into logical lines.
func Lines(src []byte) []Line {
	var out []Line
	s := NewScanner(src)
	for {
		tok := s.Next()
		if tok == nil {
			return out
		}
		if tok.First {
			out = append(out, Line{Line: tok.Line, Indent: tok.Indent, Margin: tok.Margin})
		}
		l := &out[len(out)-1]
		l.Tokens = append(l.Tokens, *tok)
		if tok.Flags&Unterminated != 0 {
			l.Broken = true
		}
	}
}

// IsIdentStart reports whether c may start an identifier. Every non-ASCII
// byte counts, so identifiers in any script stay whole (and so does
// invalid UTF-8, which Python would refuse anyway).
func IsIdentStart(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

// IsIdentChar reports whether c may continue an identifier.
func IsIdentChar(c byte) bool { return IsIdentStart(c) || isDigit(c) }

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// StringPrefix returns the flags for a valid string prefix
// (case-insensitive: r, u, b, f, t and the raw combinations).
func StringPrefix(p []byte) (Flags, bool) {
	if len(p) == 0 || len(p) > 2 {
		return 0, false
	}
	var flags Flags
	for _, c := range p {
		switch c | 0x20 {
		case 'r':
			if flags&Raw != 0 {
				return 0, false
			}
			flags |= Raw
		case 'b':
			flags |= Bytes
		case 'f', 't':
			flags |= Format
		case 'u':
			if len(p) != 1 {
				return 0, false
			}
		default:
			return 0, false
		}
	}
	if flags&Bytes != 0 && flags&Format != 0 {
		return 0, false
	}
	if len(p) == 2 && flags&Raw == 0 {
		return 0, false // "bf", "bb", "ff" are not prefixes
	}
	return flags, true
}

// Next returns the next token, or nil at the end of the input. The token
// is the Scanner's own and valid until the next call, which saves copying
// it on the hot path.
func (s *Scanner) Next() *Token {
	src := s.src
	for s.pos < len(src) {
		c := src[s.pos]
		switch {
		case c == ' ' || c == '\t' || c == '\f':
			s.pos++
		case c == '\n' || c == '\r':
			s.newline()
			if s.depth == 0 {
				s.open = false
			}
		case c == '#':
			s.skipComment()
		case c == '\\':
			if s.pos+1 < len(src) && (src[s.pos+1] == '\n' || src[s.pos+1] == '\r') {
				s.pos++
				s.newline()
				continue
			}
			// A stray backslash: Python refuses it; keep it visible.
			s.begin(Op)
			s.pos++
			return s.finish()
		case IsIdentStart(c):
			s.begin(Name)
			for s.pos < len(src) && IsIdentChar(src[s.pos]) {
				s.pos++
			}
			if s.pos < len(src) && (src[s.pos] == '"' || src[s.pos] == '\'') {
				if flags, ok := StringPrefix(src[s.tok.Start:s.pos]); ok {
					return s.stringToken(flags)
				}
			}
			return s.finish()
		case isDigit(c) || c == '.' && s.pos+1 < len(src) && isDigit(src[s.pos+1]):
			s.begin(Number)
			hex := c == '0' && s.pos+1 < len(src) && src[s.pos+1]|0x20 == 'x'
			for s.pos < len(src) {
				d := src[s.pos]
				if d < 0x80 && IsIdentChar(d) || d == '.' {
					s.pos++ // numeric literals are ASCII: 1é is a number and a name
				} else if (d == '+' || d == '-') && src[s.pos-1]|0x20 == 'e' && !hex {
					s.pos++ // exponent sign: 1e-3
				} else {
					break
				}
			}
			return s.finish()
		case c == '"' || c == '\'':
			s.begin(String)
			return s.stringToken(0)
		default:
			s.begin(Op)
			s.pos += opLen(src[s.pos:])
			return s.finish()
		}
	}
	return nil
}

func (s *Scanner) skipComment() {
	for s.pos < len(s.src) && s.src[s.pos] != '\n' && s.src[s.pos] != '\r' {
		s.pos++
	}
}

// newline consumes one line break (\n, \r\n or \r) at s.pos.
func (s *Scanner) newline() {
	if s.src[s.pos] == '\r' && s.pos+1 < len(s.src) && s.src[s.pos+1] == '\n' {
		s.pos++
	}
	s.pos++
	s.line++
	s.lineStart = s.pos
}

// begin starts a token at s.pos. Indentation is measured here, before a
// string can carry the scan onto a later line.
func (s *Scanner) begin(k Kind) {
	s.tok = Token{Kind: k, Start: s.pos, Line: s.line}
	if !s.open {
		s.first()
	}
}

// first marks the first token of a logical line and measures its
// indentation.
func (s *Scanner) first() {
	tok := &s.tok
	s.open = true
	tok.First = true
	tok.Margin = s.pos - s.lineStart
	for _, c := range s.src[s.lineStart:s.pos] {
		switch c {
		case '\t':
			tok.Indent = tok.Indent/8*8 + 8
		case '\f':
			tok.Indent = 0
		default:
			tok.Indent++
		}
	}
}

// finish ends a token at s.pos and tracks bracket depth, which decides
// whether a line break ends the logical line.
func (s *Scanner) finish() *Token {
	tok := &s.tok
	tok.End = s.pos
	if tok.Kind == Op && tok.End-tok.Start == 1 {
		switch s.src[tok.Start] {
		case '(', '[', '{':
			s.depth++
		case ')', ']', '}':
			if s.depth > 0 {
				s.depth--
			}
		}
	}
	return tok
}

// opLen returns the length of the operator at the start of rest: Python's
// two- and three-character operators, else 1.
func opLen(rest []byte) int {
	if len(rest) >= 3 {
		switch string(rest[:3]) {
		case "**=", "//=", ">>=", "<<=", "...":
			return 3
		}
	}
	if len(rest) >= 2 && (rest[1] == '=' || rest[0] == rest[1] || rest[0] == '-' && rest[1] == '>') {
		switch string(rest[:2]) {
		case "!=", "==", "<=", ">=", "->", ":=", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "@=",
			"**", "//", "<<", ">>":
			return 2
		}
	}
	return 1
}

// stringToken scans a string literal whose prefix starts at tok.Start;
// s.pos is at the opening quote.
func (s *Scanner) stringToken(flags Flags) *Token {
	tok := &s.tok
	tok.Kind = String
	q := s.src[s.pos]
	triple := s.pos+2 < len(s.src) && s.src[s.pos+1] == q && s.src[s.pos+2] == q
	if triple {
		s.pos += 3
	} else {
		s.pos++
	}
	tok.ContentStart = s.pos
	ce, fields, closed := s.scanString(q, triple, flags, 0)
	tok.ContentEnd = ce
	if fields {
		flags |= Fields
	}
	if !closed {
		flags |= Unterminated
	}
	tok.Flags = flags
	tok.End = s.pos
	return tok
}

// scanString scans a string body from s.pos, leaving s.pos after the
// closing quotes. It returns the end of the content, whether replacement
// fields were seen and whether the closing quotes were. An unterminated
// single-quoted string ends at the line break, an unterminated
// triple-quoted one at the end of input.
func (s *Scanner) scanString(q byte, triple bool, flags Flags, nest int) (contentEnd int, fields, closed bool) {
	src := s.src
	raw := flags&Raw != 0
	fmt := flags&Format != 0
	for s.pos < len(src) {
		c := src[s.pos]
		switch {
		case c == '\\':
			if s.pos+1 >= len(src) {
				s.pos++
				continue
			}
			n := src[s.pos+1]
			switch {
			case n == '\n' || n == '\r':
				s.pos++
				s.newline()
			case fmt && !raw && n == 'N' && s.pos+2 < len(src) && src[s.pos+2] == '{':
				// \N{NAME}: the brace belongs to the escape, not a field.
				s.pos += 3
				for s.pos < len(src) && src[s.pos] != '}' && src[s.pos] != q && src[s.pos] != '\n' && src[s.pos] != '\r' {
					s.pos++
				}
				if s.pos < len(src) && src[s.pos] == '}' {
					s.pos++
				}
			default:
				s.pos += 2
			}
		case c == q:
			if !triple {
				s.pos++
				return s.pos - 1, fields, true
			}
			if s.pos+2 < len(src) && src[s.pos+1] == q && src[s.pos+2] == q {
				s.pos += 3
				return s.pos - 3, fields, true
			}
			s.pos++
		case c == '\n' || c == '\r':
			if !triple {
				return s.pos, fields, false
			}
			s.newline()
		case fmt && c == '{':
			if s.pos+1 < len(src) && src[s.pos+1] == '{' {
				s.pos += 2
				continue
			}
			fields = true
			s.pos++
			// When the field stops early at this string's closing quote or
			// a line break (malformed), the loop sees that character next.
			s.scanField(q, triple, nest+1)
		default:
			s.pos++
		}
	}
	return s.pos, fields, false
}

// scanField scans an f-string replacement field after its '{', leaving
// s.pos after the matching '}'. It reports true when it stopped early at a
// character the enclosing string must handle (its closing quote inside a
// format spec, or a line break ending a single-quoted string).
func (s *Scanner) scanField(q byte, triple bool, nest int) (stopped bool) {
	src := s.src
	depth := 0
	for s.pos < len(src) {
		c := src[s.pos]
		switch {
		case c == '\n' || c == '\r':
			s.newline()
		case c == '#':
			s.skipComment()
		case c == '(' || c == '[' || c == '{':
			depth++
			s.pos++
		case c == ')' || c == ']':
			if depth > 0 {
				depth--
			}
			s.pos++
		case c == '}':
			s.pos++
			if depth == 0 {
				return false
			}
			depth--
		case c == ':' && depth == 0:
			s.pos++
			return s.scanSpec(q, triple, nest)
		case c == '"' || c == '\'':
			if nest >= maxNest {
				s.pos++
				continue
			}
			s.nested(0, nest)
		case IsIdentStart(c):
			start := s.pos
			for s.pos < len(src) && IsIdentChar(src[s.pos]) {
				s.pos++
			}
			if s.pos < len(src) && (src[s.pos] == '"' || src[s.pos] == '\'') && nest < maxNest {
				if flags, ok := StringPrefix(src[start:s.pos]); ok {
					s.nested(flags, nest)
				}
			}
		default:
			s.pos++
		}
	}
	return false
}

// nested scans a string literal inside a replacement field.
func (s *Scanner) nested(flags Flags, nest int) {
	q := s.src[s.pos]
	triple := s.pos+2 < len(s.src) && s.src[s.pos+1] == q && s.src[s.pos+2] == q
	if triple {
		s.pos += 3
	} else {
		s.pos++
	}
	s.scanString(q, triple, flags, nest+1)
}

// scanSpec scans a format spec up to the field's closing '}'. Specs are
// literal text with nested fields.
func (s *Scanner) scanSpec(q byte, triple bool, nest int) (stopped bool) {
	src := s.src
	for s.pos < len(src) {
		c := src[s.pos]
		switch {
		case c == '}':
			s.pos++
			return false
		case c == '{':
			s.pos++
			if nest < maxNest {
				if s.scanField(q, triple, nest+1) {
					return true
				}
			}
		case c == q:
			if !triple || s.pos+2 < len(src) && src[s.pos+1] == q && src[s.pos+2] == q {
				return true
			}
			s.pos++
		case c == '\n' || c == '\r':
			if !triple {
				return true
			}
			s.newline()
		case c == '\\' && s.pos+1 < len(src) && src[s.pos+1] != '\n' && src[s.pos+1] != '\r':
			s.pos += 2
		default:
			s.pos++
		}
	}
	return false
}
