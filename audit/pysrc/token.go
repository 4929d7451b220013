package pysrc

// A small Python tokenizer over bytes. It follows the lexical rules that
// decide what is code and what is not: comments, string literals (all
// prefixes, triple quotes, escapes, f-strings with nested quotes as Python
// 3.12 allows), bracket nesting and backslash continuations. It never fails:
// malformed input still yields tokens, and every byte is looked at a bounded
// number of times, so the cost is linear in the input.

type tokKind uint8

const (
	tkName tokKind = iota
	tkNumber
	tkString
	tkOp
)

// String prefix flags.
const (
	fRaw   uint8 = 1 << iota
	fBytes       // b"..."
	fFmt         // f"..." or t"...": may hold replacement fields
	fField       // an f-string that has at least one replacement field
)

type token struct {
	kind  tokKind
	flags uint8
	start int // byte offsets in the source
	end   int
	line  int // 1-based line of the first byte
	// For strings: the content between the quotes.
	cs, ce int
}

// logical is one Python logical line: physical lines joined by open
// brackets or backslash continuations.
type logical struct {
	from, to int // token range
	line     int
	indent   int // column of the first token, tabs to multiples of 8
}

type tokenizer struct {
	src       []byte
	pos       int
	line      int
	lineStart int // offset where the current physical line starts

	toks  []token
	match []int // for brackets: index of the partner, else -1
	encl  []int // index of the innermost enclosing opener, or -1
	lines []logical

	open  bool  // a logical line is in progress
	stack []int // open brackets of the current logical line
}

// maxNest bounds f-string nesting (strings inside replacement fields inside
// strings), so hostile input cannot recurse deeply.
const maxNest = 32

func tokenize(src []byte) *tokenizer {
	t := &tokenizer{src: src, line: 1}
	// Python averages well over four bytes a token; presizing avoids
	// regrowing the slices on large files.
	est := len(src)/4 + 16
	t.toks = make([]token, 0, est)
	t.match = make([]int, 0, est)
	t.encl = make([]int, 0, est)
	if len(src) >= 3 && src[0] == 0xEF && src[1] == 0xBB && src[2] == 0xBF {
		t.pos = 3
		t.lineStart = 3
	}
	t.run()
	return t
}

func isIdentStart(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

func isIdentChar(c byte) bool { return isIdentStart(c) || c >= '0' && c <= '9' }

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// stringPrefix returns the flags for a valid string prefix, case-insensitive.
func stringPrefix(p []byte) (uint8, bool) {
	if len(p) == 0 || len(p) > 2 {
		return 0, false
	}
	var flags uint8
	seen := 0
	for _, c := range p {
		switch c | 0x20 {
		case 'r':
			if flags&fRaw != 0 {
				return 0, false
			}
			flags |= fRaw
		case 'b':
			flags |= fBytes
		case 'f', 't':
			flags |= fFmt
		case 'u':
			if len(p) != 1 {
				return 0, false
			}
		default:
			return 0, false
		}
		seen++
	}
	if flags&fBytes != 0 && flags&fFmt != 0 {
		return 0, false
	}
	if seen == 2 && flags&fRaw == 0 {
		return 0, false // "bf", "bb", "ff" are not prefixes
	}
	return flags, true
}

func (t *tokenizer) run() {
	src := t.src
	for t.pos < len(src) {
		c := src[t.pos]
		switch {
		case c == ' ' || c == '\t' || c == '\f':
			t.pos++
		case c == '\n' || c == '\r':
			t.newline()
			if len(t.stack) == 0 {
				t.endLine()
			}
		case c == '#':
			for t.pos < len(src) && src[t.pos] != '\n' && src[t.pos] != '\r' {
				t.pos++
			}
		case c == '\\':
			if t.pos+1 < len(src) && (src[t.pos+1] == '\n' || src[t.pos+1] == '\r') {
				t.pos++
				t.newline()
			} else {
				t.emit(token{kind: tkOp, start: t.pos, end: t.pos + 1, line: t.line})
				t.pos++
			}
		case isIdentStart(c):
			start := t.pos
			for t.pos < len(src) && isIdentChar(src[t.pos]) {
				t.pos++
			}
			if t.pos < len(src) && (src[t.pos] == '"' || src[t.pos] == '\'') {
				if flags, ok := stringPrefix(src[start:t.pos]); ok {
					t.stringToken(start, flags)
					continue
				}
			}
			t.emit(token{kind: tkName, start: start, end: t.pos, line: t.line})
		case isDigit(c) || c == '.' && t.pos+1 < len(src) && isDigit(src[t.pos+1]):
			start := t.pos
			for t.pos < len(src) {
				d := src[t.pos]
				if isIdentChar(d) || d == '.' {
					t.pos++
				} else if (d == '+' || d == '-') && (src[t.pos-1]|0x20) == 'e' {
					t.pos++ // exponent sign
				} else {
					break
				}
			}
			t.emit(token{kind: tkNumber, start: start, end: t.pos, line: t.line})
		case c == '"' || c == '\'':
			t.stringToken(t.pos, 0)
		default:
			t.op()
		}
	}
	t.endLine()
}

// newline consumes one line break (\n, \r\n or \r) at t.pos.
func (t *tokenizer) newline() {
	if t.src[t.pos] == '\r' && t.pos+1 < len(t.src) && t.src[t.pos+1] == '\n' {
		t.pos++
	}
	t.pos++
	t.line++
	t.lineStart = t.pos
}

func (t *tokenizer) endLine() {
	if !t.open {
		return
	}
	for _, o := range t.stack {
		t.match[o] = -1
	}
	t.stack = t.stack[:0]
	t.lines[len(t.lines)-1].to = len(t.toks)
	t.open = false
}

func (t *tokenizer) emit(tok token) {
	idx := len(t.toks)
	if !t.open {
		t.open = true
		indent := 0
		for i := t.lineStart; i < tok.start && i < len(t.src); i++ {
			switch t.src[i] {
			case '\t':
				indent = indent/8*8 + 8
			case '\f':
				indent = 0
			default:
				indent++
			}
		}
		t.lines = append(t.lines, logical{from: idx, to: idx, line: tok.line, indent: indent})
	}
	enc := -1
	if n := len(t.stack); n > 0 {
		enc = t.stack[n-1]
	}
	m := -1
	if tok.kind == tkOp && tok.end-tok.start == 1 {
		switch t.src[tok.start] {
		case '(', '[', '{':
			t.stack = append(t.stack, idx)
		case ')', ']', '}':
			if n := len(t.stack); n > 0 {
				m = t.stack[n-1]
				t.match[m] = idx
				t.stack = t.stack[:n-1]
				if n >= 2 {
					enc = t.stack[n-2]
				} else {
					enc = -1
				}
			}
		}
	}
	t.toks = append(t.toks, tok)
	t.match = append(t.match, m)
	t.encl = append(t.encl, enc)
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

func (t *tokenizer) op() {
	n := opLen(t.src[t.pos:])
	t.emit(token{kind: tkOp, start: t.pos, end: t.pos + n, line: t.line})
	t.pos += n
}

// stringToken scans a string literal whose prefix starts at start; t.pos is
// at the opening quote.
func (t *tokenizer) stringToken(start int, flags uint8) {
	line := t.line
	q := t.src[t.pos]
	triple := t.pos+2 < len(t.src) && t.src[t.pos+1] == q && t.src[t.pos+2] == q
	ql := 1
	if triple {
		ql = 3
	}
	t.pos += ql
	cs := t.pos
	ce, fields := t.scanString(q, triple, flags, 0)
	if fields {
		flags |= fField
	}
	t.emit(token{kind: tkString, flags: flags, start: start, end: t.pos, line: line, cs: cs, ce: ce})
}

// scanString scans a string body from t.pos, leaving t.pos after the closing
// quotes. It returns the end of the content and whether replacement fields
// were seen. An unterminated single-quoted string ends at the line break,
// an unterminated triple-quoted one at the end of input.
func (t *tokenizer) scanString(q byte, triple bool, flags uint8, nest int) (contentEnd int, fields bool) {
	src := t.src
	raw := flags&fRaw != 0
	fmt := flags&fFmt != 0
	for t.pos < len(src) {
		c := src[t.pos]
		switch {
		case c == '\\':
			if t.pos+1 >= len(src) {
				t.pos++
				continue
			}
			n := src[t.pos+1]
			switch {
			case n == '\n' || n == '\r':
				t.pos++
				t.newline()
			case fmt && !raw && n == 'N' && t.pos+2 < len(src) && src[t.pos+2] == '{':
				// \N{NAME}: the brace belongs to the escape, not a field.
				t.pos += 3
				for t.pos < len(src) && src[t.pos] != '}' && src[t.pos] != q && src[t.pos] != '\n' && src[t.pos] != '\r' {
					t.pos++
				}
				if t.pos < len(src) && src[t.pos] == '}' {
					t.pos++
				}
			default:
				t.pos += 2
			}
		case c == q:
			if !triple {
				t.pos++
				return t.pos - 1, fields
			}
			if t.pos+2 < len(src) && src[t.pos+1] == q && src[t.pos+2] == q {
				t.pos += 3
				return t.pos - 3, fields
			}
			t.pos++
		case c == '\n' || c == '\r':
			if !triple {
				return t.pos, fields
			}
			t.newline()
		case fmt && c == '{':
			if t.pos+1 < len(src) && src[t.pos+1] == '{' {
				t.pos += 2
				continue
			}
			fields = true
			t.pos++
			if t.scanField(q, triple, nest+1) {
				// The field ran into this string's closing quote or a
				// line break (malformed); let the loop see it.
				continue
			}
		default:
			t.pos++
		}
	}
	return t.pos, fields
}

// scanField scans an f-string replacement field after its '{', leaving
// t.pos after the matching '}'. It reports true when it stopped early at a
// character the enclosing string must handle (its closing quote inside a
// format spec, or a line break ending a single-quoted string).
func (t *tokenizer) scanField(q byte, triple bool, nest int) (stopped bool) {
	src := t.src
	depth := 0
	for t.pos < len(src) {
		c := src[t.pos]
		switch {
		case c == '\n' || c == '\r':
			t.newline()
		case c == '#':
			for t.pos < len(src) && src[t.pos] != '\n' && src[t.pos] != '\r' {
				t.pos++
			}
		case c == '(' || c == '[' || c == '{':
			depth++
			t.pos++
		case c == ')' || c == ']':
			if depth > 0 {
				depth--
			}
			t.pos++
		case c == '}':
			t.pos++
			if depth == 0 {
				return false
			}
			depth--
		case c == ':' && depth == 0:
			t.pos++
			return t.scanSpec(q, triple, nest)
		case c == '"' || c == '\'':
			if nest >= maxNest {
				t.pos++
				continue
			}
			t.nested(0, nest)
		case isIdentStart(c):
			start := t.pos
			for t.pos < len(src) && isIdentChar(src[t.pos]) {
				t.pos++
			}
			if t.pos < len(src) && (src[t.pos] == '"' || src[t.pos] == '\'') && nest < maxNest {
				if flags, ok := stringPrefix(src[start:t.pos]); ok {
					t.nested(flags, nest)
				}
			}
		default:
			t.pos++
		}
	}
	return false
}

// nested scans a string literal inside a replacement field.
func (t *tokenizer) nested(flags uint8, nest int) {
	q := t.src[t.pos]
	triple := t.pos+2 < len(t.src) && t.src[t.pos+1] == q && t.src[t.pos+2] == q
	if triple {
		t.pos += 3
	} else {
		t.pos++
	}
	t.scanString(q, triple, flags, nest+1)
}

// scanSpec scans a format spec up to the field's closing '}'. Specs are
// literal text with nested fields.
func (t *tokenizer) scanSpec(q byte, triple bool, nest int) (stopped bool) {
	src := t.src
	for t.pos < len(src) {
		c := src[t.pos]
		switch {
		case c == '}':
			t.pos++
			return false
		case c == '{':
			t.pos++
			if nest < maxNest {
				if t.scanField(q, triple, nest+1) {
					return true
				}
			}
		case c == q:
			if !triple || t.pos+2 < len(src) && src[t.pos+1] == q && src[t.pos+2] == q {
				return true
			}
			t.pos++
		case c == '\n' || c == '\r':
			if !triple {
				return true
			}
			t.newline()
		case c == '\\' && t.pos+1 < len(src) && src[t.pos+1] != '\n' && src[t.pos+1] != '\r':
			t.pos += 2
		default:
			t.pos++
		}
	}
	return false
}
