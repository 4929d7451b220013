package pysrc

import (
	"sync"

	"github.com/herokuaudit/herokuaudit/internal/pytok"
)

// The rules work on token indexes: each token knows its bracket partner
// and its innermost enclosing bracket, and logical lines are token ranges.

type tokKind = pytok.Kind

const (
	tkName   = pytok.Name
	tkNumber = pytok.Number
	tkString = pytok.String
	tkOp     = pytok.Op
)

// token is 24 bytes: offsets, not copies, and 32-bit (a source file is
// capped far below 2 GiB), since a scan holds one per four bytes of source.
type token struct {
	kind  tokKind
	flags pytok.Flags
	start int32 // byte offsets in the source
	end   int32
	line  int32 // 1-based line of the first byte
	// For strings: the content between the quotes.
	cs, ce int32
}

// logical is one Python logical line.
type logical struct {
	from, to int // token range
	line     int
	indent   int // column of the first token, tabs to multiples of 8
}

type tokens struct {
	toks  []token
	match []int32 // for brackets: index of the partner, else -1
	encl  []int32 // index of the innermost enclosing opener, or -1
	lines []logical
	stack []int  // scratch: open brackets while tokenizing
	stmts []stmt // the file's statements, kept with the tables for reuse
}

// tokenPool keeps token buffers between files: a slug of 20,000 sources
// would otherwise allocate each file's tables afresh. Nothing a scan returns
// points into them.
var tokenPool = sync.Pool{New: func() any { return new(tokens) }}

// tokenize fills t (from tokenPool) with src's tokens.
func tokenize(src []byte, t *tokens) *tokens {
	// Python averages well over four bytes a token; presizing avoids
	// regrowing the slices on large files.
	est := len(src)/4 + 16
	if cap(t.toks) < est {
		t.toks, t.match, t.encl = make([]token, 0, est), make([]int32, 0, est), make([]int32, 0, est)
	}
	t.toks, t.match, t.encl, t.lines = t.toks[:0], t.match[:0], t.encl[:0], t.lines[:0]
	stack := t.stack[:0] // open brackets of the current logical line
	sc := pytok.NewScanner(src)
	for {
		tok := sc.Next()
		if tok == nil {
			break
		}
		idx := len(t.toks)
		if tok.First {
			if n := len(t.lines); n > 0 {
				t.lines[n-1].to = idx
			}
			stack = stack[:0]
			t.lines = append(t.lines, logical{from: idx, to: idx, line: tok.Line, indent: tok.Indent})
		}
		enc := -1
		if n := len(stack); n > 0 {
			enc = stack[n-1]
		}
		m := -1
		if tok.Kind == pytok.Op && tok.End-tok.Start == 1 {
			switch src[tok.Start] {
			case '(', '[', '{':
				stack = append(stack, idx)
			case ')', ']', '}':
				if n := len(stack); n > 0 {
					m = stack[n-1]
					t.match[m] = int32(idx)
					stack = stack[:n-1]
					enc = -1
					if n >= 2 {
						enc = stack[n-2]
					}
				}
			}
		}
		t.toks = append(t.toks, token{
			kind: tok.Kind, flags: tok.Flags, start: int32(tok.Start), end: int32(tok.End), line: int32(tok.Line),
			cs: int32(tok.ContentStart), ce: int32(tok.ContentEnd),
		})
		t.match = append(t.match, int32(m))
		t.encl = append(t.encl, int32(enc))
	}
	if n := len(t.lines); n > 0 {
		t.lines[n-1].to = len(t.toks)
	}
	t.stack = stack
	return t
}

// partner is the index of token i's bracket partner, or -1.
func (f *pyfile) partner(i int) int { return int(f.match[i]) }

// opener is the index of the innermost bracket enclosing token i, or -1.
func (f *pyfile) opener(i int) int { return int(f.encl[i]) }
