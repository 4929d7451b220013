package pysrc

import (
	"strings"

	"github.com/herokuaudit/herokuaudit/internal/pytok"
)

// Statements and scopes. Logical lines are split into simple statements
// (at ';') and compound headers (`if x:`, `class C(B):`), and each statement
// knows its enclosing blocks from indentation, which is all the scoping the
// rules need: "in a class body", "at module level", "under __main__".

type frameKind uint8

const (
	frBlock frameKind = iota // if/for/while/with/try/else/...
	frClass
	frDef
	frMain // if __name__ == "__main__":
)

type frame struct {
	parent   *frame
	indent   int
	kind     frameKind
	name     string // class or function name
	from, to int    // the header's tokens
}

type stmt struct {
	from, to int // token range
	line     int
	fr       *frame // innermost enclosing block, nil at module level
	header   *frame // for a compound header: the block it opens
}

// compound lists the keywords that open a block.
var compound = map[string]frameKind{
	"if": frBlock, "elif": frBlock, "else": frBlock, "while": frBlock, "for": frBlock,
	"with": frBlock, "try": frBlock, "except": frBlock, "finally": frBlock,
	"class": frClass, "def": frDef, "async": frBlock, "match": frBlock, "case": frBlock,
}

func (f *pyfile) buildStmts() {
	var top *frame
	for _, l := range f.lines {
		for top != nil && top.indent >= l.indent {
			top = top.parent
		}
		if hdr := f.header(l, top); hdr != nil {
			colon := hdr.to
			f.stmts = append(f.stmts, stmt{from: l.from, to: colon, line: l.line, fr: top, header: hdr})
			if colon+1 < l.to {
				// An inline body (`if x: y; z`) belongs to the block, which
				// ends with the line.
				f.split(colon+1, l.to, hdr)
			} else {
				top = hdr
			}
			continue
		}
		f.split(l.from, l.to, top)
	}
}

// header returns the frame a logical line opens, or nil when it is not a
// compound statement header. The frame's to is the index of the colon.
func (f *pyfile) header(l logical, top *frame) *frame {
	first := l.from
	if f.toks[first].kind != tkName {
		return nil
	}
	kw := f.text(first)
	kind, ok := compound[kw]
	if !ok {
		return nil
	}
	colon := -1
	for i := first + 1; i < l.to; i++ {
		if f.opener(i) == -1 && f.isOp(i, ":") {
			colon = i
			break
		}
	}
	if colon < 0 {
		return nil
	}
	if kw == "match" || kw == "case" {
		// Soft keywords: a header only when the colon ends the line and the
		// next token does not make it an expression (`match = 1`).
		if colon != l.to-1 || first+1 < l.to && f.toks[first+1].kind == tkOp && !f.isOp(first+1, "(") && !f.isOp(first+1, "[") && !f.isOp(first+1, "{") && !f.isOp(first+1, "-") {
			return nil
		}
	}
	fr := &frame{parent: top, indent: l.indent, kind: kind, from: first, to: colon}
	switch kw {
	case "class", "def":
		if first+1 < colon && f.toks[first+1].kind == tkName {
			fr.name = f.text(first + 1)
		}
	case "async":
		if first+2 < colon && f.isName(first+1, "def") {
			fr.kind = frDef
			fr.name = f.text(first + 2)
		}
	case "if":
		if f.isMainTest(first+1, colon) {
			fr.kind = frMain
		}
	}
	return fr
}

// isMainTest reports whether tokens [a, b) are `__name__ == "__main__"`
// (either way round, optionally parenthesized).
func (f *pyfile) isMainTest(a, b int) bool {
	a, b = f.stripParens(a, b)
	if b-a != 3 || !f.isOp(a+1, "==") {
		return false
	}
	isName := func(i int) bool { return f.isName(i, "__name__") }
	isMain := func(i int) bool {
		v, ok := f.strValue(i)
		return ok && v == "__main__"
	}
	return isName(a) && isMain(a+2) || isMain(a) && isName(a+2)
}

// split adds the ';'-separated statements of tokens [a, b).
func (f *pyfile) split(a, b int, fr *frame) {
	start := a
	for i := a; i <= b; i++ {
		if i == b || f.opener(i) == -1 && f.isOp(i, ";") {
			if i > start {
				f.stmts = append(f.stmts, stmt{from: start, to: i, line: int(f.toks[start].line), fr: fr})
			}
			start = i + 1
		}
	}
}

// scopeName is the Finding.Scope of a statement in frame fr.
func scopeName(fr *frame) string {
	for ; fr != nil; fr = fr.parent {
		switch fr.kind {
		case frClass:
			return fr.name
		case frMain:
			return "__main__"
		}
	}
	return ""
}

// classBody returns the class whose body directly holds a statement in
// frame fr (through if/try blocks, not through a def).
func classBody(fr *frame) (string, bool) {
	for ; fr != nil; fr = fr.parent {
		switch fr.kind {
		case frClass:
			return fr.name, true
		case frDef:
			return "", false
		}
	}
	return "", false
}

// moduleLevel reports whether a statement in frame fr runs at import time
// of its module (not in a def or class), and whether it sits in a block.
func moduleLevel(fr *frame) (ok, conditional bool) {
	for ; fr != nil; fr = fr.parent {
		if fr.kind == frClass || fr.kind == frDef {
			return false, false
		}
		conditional = true
	}
	return true, conditional
}

// --- token helpers ---

func (f *pyfile) text(i int) string {
	t := f.toks[i]
	return string(f.src[t.start:t.end])
}

func (f *pyfile) is(i int, k tokKind, s string) bool {
	if i < 0 || i >= len(f.toks) {
		return false
	}
	t := f.toks[i]
	return t.kind == k && int(t.end-t.start) == len(s) && string(f.src[t.start:t.end]) == s
}

func (f *pyfile) isOp(i int, s string) bool   { return f.is(i, tkOp, s) }
func (f *pyfile) isName(i int, s string) bool { return f.is(i, tkName, s) }

// stripParens removes parentheses wrapping all of [a, b).
func (f *pyfile) stripParens(a, b int) (int, int) {
	for b-a >= 2 && f.isOp(a, "(") && f.partner(a) == b-1 {
		a++
		b--
	}
	return a, b
}

// strValue decodes a string token. It fails for f-strings with replacement
// fields, whose value is not known.
func (f *pyfile) strValue(i int) (string, bool) {
	if i < 0 || i >= len(f.toks) {
		return "", false
	}
	t := f.toks[i]
	if t.kind != tkString || t.flags&pytok.Fields != 0 {
		return "", false
	}
	return pytok.Decode(f.src[t.cs:t.ce], t.flags), true
}

// literal returns the value of [a, b) when it is nothing but string
// literals (implicitly concatenated, optionally parenthesized) with no
// replacement fields. bytes reports a bytes literal.
func (f *pyfile) literal(a, b int) (val string, bytes, ok bool) {
	a, b = f.stripParens(a, b)
	if a >= b {
		return "", false, false
	}
	var sb strings.Builder
	for i := a; i < b; i++ {
		v, ok := f.strValue(i)
		if !ok {
			return "", false, false
		}
		sb.WriteString(v)
		bytes = bytes || f.toks[i].flags&pytok.Bytes != 0
	}
	return sb.String(), bytes, true
}

// isTrue reports whether [a, b) is `True` or `1`.
func (f *pyfile) isTrue(a, b int) bool {
	a, b = f.stripParens(a, b)
	return b-a == 1 && (f.isName(a, "True") || f.is(a, tkNumber, "1"))
}

// isFalse reports whether a[a:b] is the literal False or 0.
func (f *pyfile) isFalse(a, b int) bool {
	a, b = f.stripParens(a, b)
	return b-a == 1 && (f.isName(a, "False") || f.is(a, tkNumber, "0"))
}

// stringOnly reports whether a statement is a bare string expression: a
// docstring or a no-op string, never code.
func (f *pyfile) stringOnly(s stmt) bool {
	a, b := f.stripParens(s.from, s.to)
	if a >= b {
		return false
	}
	for i := a; i < b; i++ {
		if f.toks[i].kind != tkString {
			return false
		}
	}
	return true
}
