package pysrc

import (
	"bytes"
	"strings"

	"github.com/herokuaudit/herokuaudit/internal/pytok"
)

// Jinja templates: only what is inside {{ }} and {% %} is template code;
// {# #} comments and {% raw %} blocks are skipped, and string literals in
// expressions are not filters.

type tmplScanner struct {
	path string
	src  []byte
	line int // line of offset lpos
	lpos int
	out  []result
}

func scanTemplate(p string, data []byte) []result {
	t := &tmplScanner{path: p, src: data, line: 1}
	t.run()
	return t.out
}

// lineOf returns the 1-based line of offset pos; offsets must not decrease
// between calls, which keeps the whole scan linear.
func (t *tmplScanner) lineOf(pos int) int {
	for ; t.lpos < pos && t.lpos < len(t.src); t.lpos++ {
		switch t.src[t.lpos] {
		case '\n':
			t.line++
		case '\r':
			if t.lpos+1 >= len(t.src) || t.src[t.lpos+1] != '\n' {
				t.line++
			}
		}
	}
	return t.line
}

func (t *tmplScanner) add(pos int, detail string) {
	t.out = append(t.out, result{
		Finding: Finding{Kind: MarkupSafe, File: t.path, Line: t.lineOf(pos), Detail: clip(detail)},
		at:      pos,
	})
}

func (t *tmplScanner) run() {
	src := t.src
	i := 0
	for i < len(src) {
		j := bytes.IndexByte(src[i:], '{')
		if j < 0 || i+j+1 >= len(src) {
			return
		}
		k := i + j
		switch src[k+1] {
		case '#':
			end := bytes.Index(src[k+2:], []byte("#}"))
			if end < 0 {
				return
			}
			i = k + 2 + end + 2
		case '{':
			end := t.blockEnd(k+2, '}')
			t.pipes(k+2, end, "{{ ", " }}")
			i = end + 2
		case '%':
			end := t.blockEnd(k+2, '%')
			i = t.tag(k, end)
		default:
			i = k + 1
		}
	}
}

// blockEnd returns the offset of the closing delimiter (c followed by '}')
// of a block whose body starts at from, skipping string literals; the
// input's length when it is unterminated.
func (t *tmplScanner) blockEnd(from int, c byte) int {
	src := t.src
	for i := from; i < len(src); i++ {
		switch src[i] {
		case '\'', '"':
			q := src[i]
			for i++; i < len(src) && src[i] != q; i++ {
				if src[i] == '\\' {
					i++
				}
			}
		case c:
			if i+1 < len(src) && src[i+1] == '}' {
				return i
			}
		}
	}
	return len(src)
}

// trimBody strips whitespace control markers and spaces from a block body.
func trimBody(b []byte) string {
	s := strings.TrimSpace(string(b))
	s = strings.TrimPrefix(s, "-")
	s = strings.TrimPrefix(s, "+")
	s = strings.TrimSuffix(s, "-")
	s = strings.TrimSuffix(s, "+")
	return strings.TrimSpace(s)
}

// tag handles a {% %} block from offset k (its '{') to end (its '%') and
// returns where scanning resumes.
func (t *tmplScanner) tag(k, end int) int {
	body := t.src[k+2 : end]
	s := trimBody(body)
	name, rest, _ := strings.Cut(s, " ")
	name = strings.TrimSpace(name)
	rest = strings.TrimSpace(rest)
	next := end + 2
	switch name {
	case "raw":
		// Everything up to {% endraw %} is literal text.
		for i := next; i < len(t.src); {
			j := bytes.Index(t.src[i:], []byte("{%"))
			if j < 0 {
				return len(t.src)
			}
			e := t.blockEnd(i+j+2, '%')
			if trimBody(t.src[i+j+2:e]) == "endraw" {
				return e + 2
			}
			i = e + 2
		}
		return len(t.src)
	case "autoescape":
		arg := strings.Fields(rest)
		if len(arg) > 0 && strings.EqualFold(arg[0], "false") {
			t.add(k, "{% autoescape false %}")
		}
		return next
	case "filter":
		for _, fl := range strings.Split(rest, "|") {
			fl, _, _ = strings.Cut(strings.TrimSpace(fl), "(")
			if strings.TrimSpace(fl) == "safe" {
				t.add(k, "{% filter safe %}")
			}
		}
		return next
	}
	t.pipes(k+2, end, "{% ", " %}")
	return next
}

// pipes reports each |safe filter in the expression src[from:to].
func (t *tmplScanner) pipes(from, to int, open, close string) {
	src := t.src
	detail := ""
	for i := from; i < to; i++ {
		switch src[i] {
		case '\'', '"':
			q := src[i]
			for i++; i < to && src[i] != q; i++ {
				if src[i] == '\\' {
					i++
				}
			}
		case '|':
			j := i + 1
			for j < to && (src[j] == ' ' || src[j] == '\t' || src[j] == '\n' || src[j] == '\r') {
				j++
			}
			if j+4 <= to && string(src[j:j+4]) == "safe" && (j+4 == to || !pytok.IsIdentChar(src[j+4])) {
				if detail == "" {
					detail = clip(open + strings.Join(strings.Fields(trimBody(src[from:to])), " ") + close)
				}
				t.add(i, detail)
			}
		}
	}
}
