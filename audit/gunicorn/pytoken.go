package gunicorn

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// A small Python tokenizer, enough to find a config file's top-level
// statements and read their right-hand sides. It follows Python's lexical
// rules for what matters here: comments, string literals (prefixes, triple
// quotes, escapes), bracket nesting and backslash continuations, so a
// multi-line dict or docstring never looks like a statement.

type tokKind int

const (
	tName tokKind = iota
	tNumber
	tString
	tOp
)

type token struct {
	kind       tokKind
	text       string // source text (for strings: with prefix and quotes)
	val        string // decoded value of a string literal
	fstr, byts bool   // f-string, bytes literal
	start, end int    // byte offsets in the source
}

// logicalLine is one Python logical line: physical lines joined by open
// brackets or backslashes.
type logicalLine struct {
	toks     []token
	line     int  // 1-based line number where it starts
	indented bool // starts with whitespace: part of a block
	indent   int  // width of that whitespace in bytes
	broken   bool // an unterminated string ran to the end
}

type tokenizer struct {
	src   string
	pos   int
	line  int
	lines []logicalLine
	cur   *logicalLine
	depth int
}

func tokenize(src string) []logicalLine {
	t := &tokenizer{src: src, line: 1}
	t.run()
	return t.lines
}

// begin starts a logical line whose first token starts at offset start.
func (t *tokenizer) begin(start int) {
	if t.cur != nil {
		return
	}
	// Indentation: anything between the physical line's start and the token.
	lineStart := strings.LastIndexByte(t.src[:start], '\n') + 1
	indented := start > lineStart
	t.lines = append(t.lines, logicalLine{line: t.line, indented: indented, indent: start - lineStart})
	t.cur = &t.lines[len(t.lines)-1]
}

func (t *tokenizer) end() {
	t.cur = nil
	t.depth = 0
}

func (t *tokenizer) emit(tok token) {
	t.begin(tok.start)
	t.cur.toks = append(t.cur.toks, tok)
}

// threeCharOps and twoCharOps are Python's multi-character operators.
var (
	threeCharOps = []string{"**=", "//=", ">>=", "<<=", "..."}
	twoCharOps   = []string{"**", "//", "==", "!=", "<=", ">=", "->", ":=", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "@=", "<<", ">>"}
)

func (t *tokenizer) run() {
	for t.pos < len(t.src) {
		c := t.src[t.pos]
		switch {
		case c == '\n':
			t.line++
			t.pos++
			if t.depth == 0 {
				t.end()
			}
		case c == ' ' || c == '\t' || c == '\r' || c == '\f':
			t.pos++
		case c == '#':
			for t.pos < len(t.src) && t.src[t.pos] != '\n' {
				t.pos++
			}
		case c == '\\':
			// A continuation joins the next physical line.
			t.pos++
			if t.pos < len(t.src) && t.src[t.pos] == '\r' {
				t.pos++
			}
			if t.pos < len(t.src) && t.src[t.pos] == '\n' {
				t.pos++
				t.line++
			}
		case isDigit(c) || (c == '.' && t.pos+1 < len(t.src) && isDigit(t.src[t.pos+1])):
			t.number()
		case c == '"' || c == '\'':
			t.str(t.pos, "")
		default:
			r, size := utf8.DecodeRuneInString(t.src[t.pos:])
			if r == '_' || unicode.IsLetter(r) {
				t.name()
				continue
			}
			t.op(size)
		}
	}
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func (t *tokenizer) number() {
	start := t.pos
	for t.pos < len(t.src) {
		c := t.src[t.pos]
		if isDigit(c) || c == '.' || c == '_' || (c|0x20 >= 'a' && c|0x20 <= 'z') {
			// An exponent's sign belongs to the number: 1e-3.
			if (c|0x20 == 'e') && t.pos+1 < len(t.src) && (t.src[t.pos+1] == '+' || t.src[t.pos+1] == '-') &&
				!strings.HasPrefix(strings.ToLower(t.src[start:]), "0x") {
				t.pos++
			}
			t.pos++
			continue
		}
		break
	}
	t.emit(token{kind: tNumber, text: t.src[start:t.pos], start: start, end: t.pos})
}

func (t *tokenizer) name() {
	start := t.pos
	for t.pos < len(t.src) {
		r, size := utf8.DecodeRuneInString(t.src[t.pos:])
		if r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) {
			t.pos += size
			continue
		}
		break
	}
	word := t.src[start:t.pos]
	// A string prefix directly followed by a quote starts a string literal.
	if len(word) <= 3 && t.pos < len(t.src) && (t.src[t.pos] == '"' || t.src[t.pos] == '\'') && isStringPrefix(word) {
		t.str(start, strings.ToLower(word))
		return
	}
	t.emit(token{kind: tName, text: word, start: start, end: t.pos})
}

func isStringPrefix(p string) bool {
	switch strings.ToLower(p) {
	case "r", "u", "b", "f", "br", "rb", "fr", "rf", "t", "tr", "rt":
		return true
	}
	return false
}

// str reads a string literal whose quote is at t.pos; start includes the
// prefix.
func (t *tokenizer) str(start int, prefix string) {
	q := t.src[t.pos]
	delim := string(q)
	if strings.HasPrefix(t.src[t.pos:], strings.Repeat(delim, 3)) {
		delim = strings.Repeat(delim, 3)
	}
	t.pos += len(delim)
	raw := strings.ContainsRune(prefix, 'r')
	var b strings.Builder
	for {
		if t.pos >= len(t.src) || (len(delim) == 1 && t.src[t.pos] == '\n') {
			// Unterminated: Python refuses the file; skip this statement.
			t.begin(start)
			t.cur.broken = true
			return
		}
		if strings.HasPrefix(t.src[t.pos:], delim) {
			t.pos += len(delim)
			break
		}
		c := t.src[t.pos]
		if c == '\n' {
			t.line++
		}
		if c == '\\' && t.pos+1 < len(t.src) {
			next := t.src[t.pos+1]
			if next == '\n' {
				t.line++
			}
			if raw {
				b.WriteByte(c)
				b.WriteByte(next)
				t.pos += 2
				continue
			}
			t.pos += 2
			switch next {
			case '\n':
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'r':
				b.WriteByte('\r')
			case '0':
				b.WriteByte(0)
			case '\\', '\'', '"':
				b.WriteByte(next)
			case 'x':
				if t.pos+2 <= len(t.src) {
					if n, err := strconv.ParseUint(t.src[t.pos:t.pos+2], 16, 8); err == nil {
						b.WriteRune(rune(n))
						t.pos += 2
						continue
					}
				}
				b.WriteString(`\x`)
			default:
				b.WriteByte('\\')
				b.WriteByte(next)
			}
			continue
		}
		b.WriteByte(c)
		t.pos++
	}
	t.emit(token{
		kind: tString, text: t.src[start:t.pos], val: b.String(),
		fstr: strings.ContainsAny(prefix, "ft"), byts: strings.ContainsRune(prefix, 'b'),
		start: start, end: t.pos,
	})
}

func (t *tokenizer) op(size int) {
	start := t.pos
	text := t.src[t.pos : t.pos+size]
	for _, o := range threeCharOps {
		if strings.HasPrefix(t.src[t.pos:], o) {
			text = o
			break
		}
	}
	if len(text) == size {
		for _, o := range twoCharOps {
			if strings.HasPrefix(t.src[t.pos:], o) {
				text = o
				break
			}
		}
	}
	t.pos += len(text)
	switch text {
	case "(", "[", "{":
		t.depth++
	case ")", "]", "}":
		if t.depth > 0 {
			t.depth--
		}
	}
	t.emit(token{kind: tOp, text: text, start: start, end: t.pos})
}
