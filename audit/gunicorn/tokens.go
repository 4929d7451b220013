package gunicorn

import (
	"bytes"

	"github.com/herokuaudit/herokuaudit/internal/pytok"
)

// The config evaluator reads tokens by their text, so each carries it,
// and a plain string literal its decoded value.

type tokKind = pytok.Kind

const (
	tName   = pytok.Name
	tNumber = pytok.Number
	tString = pytok.String
	tOp     = pytok.Op
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
	broken   bool // an unterminated string: Python refuses the file; skip this statement
}

// tokenize splits src, whose text is text, into logical lines.
//
// A lone \r breaks lines, as in Python, but line numbers count \n only,
// as they always have here: a file with stray carriage returns keeps the
// numbering a \n-splitting editor shows.
func tokenize(src []byte, text string) []logicalLine {
	lines := pytok.Lines(src)
	out := make([]logicalLine, len(lines))
	hasCR := bytes.IndexByte(src, '\r') >= 0
	nl, at := 1, 0 // line number at offset at, counting \n
	for i, l := range lines {
		line := l.Line
		if hasCR {
			start := l.Tokens[0].Start
			nl += bytes.Count(src[at:start], []byte("\n"))
			at, line = start, nl
		}
		toks := make([]token, len(l.Tokens))
		for j, t := range l.Tokens {
			tok := token{kind: t.Kind, text: text[t.Start:t.End], start: t.Start, end: t.End}
			if t.Kind == pytok.String {
				tok.fstr = t.Flags&pytok.Format != 0
				tok.byts = t.Flags&pytok.Bytes != 0
				if !tok.fstr && !tok.byts {
					tok.val = pytok.Decode(src[t.ContentStart:t.ContentEnd], t.Flags)
				}
			}
			toks[j] = tok
		}
		out[i] = logicalLine{toks: toks, line: line, indented: l.Margin > 0, indent: l.Margin, broken: l.Broken}
	}
	return out
}
