package pysrc

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// maxDetail bounds a Detail, in runes.
const maxDetail = 120

// masked describes a secret literal without its value: "<24 chars>" or
// b"<16 bytes>".
func masked(v string, bytes bool) string {
	if bytes {
		return `b"<` + plural(len(v), "byte") + `>"`
	}
	return `"<` + plural(utf8.RuneCountInString(v), "char") + `>"`
}

func plural(n int, unit string) string {
	s := strconv.Itoa(n) + " " + unit
	if n != 1 {
		s += "s"
	}
	return s
}

// showable reports whether a literal may appear in a Detail as it is: a
// short identifier such as an environment variable or config key name.
// Anything else (URLs, templates, possible secrets) is shown as "…".
func showable(v string) bool {
	if v == "" || len(v) > 40 {
		return false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// render writes tokens [a, b) compactly for a Detail. The tokens in
// [ma, mb) (a secret literal) are replaced by maskText, which always
// survives clipping; other string literals are shown only when showable.
func (f *pyfile) render(a, b, ma, mb int, maskText string) string {
	if ma < a || ma >= b {
		return clip(f.renderRange(a, b))
	}
	var sb strings.Builder
	sb.WriteString(short(f.renderRange(a, ma), 48))
	if ma > a && f.gap(ma) {
		sb.WriteByte(' ')
	}
	sb.WriteString(maskText)
	if mb < b && f.gap(mb) {
		sb.WriteByte(' ')
	}
	sb.WriteString(short(f.renderRange(mb, b), 16))
	return clip(sb.String())
}

// gap reports whether a space separates token i from the one before, as
// in the source, except inside brackets and before commas.
func (f *pyfile) gap(i int) bool {
	return f.toks[i].start > f.toks[i-1].end &&
		!f.isOp(i-1, "(") && !f.isOp(i-1, "[") && !f.isOp(i-1, "{") &&
		!f.isOp(i, ")") && !f.isOp(i, "]") && !f.isOp(i, "}") && !f.isOp(i, ",")
}

func (f *pyfile) renderRange(a, b int) string {
	var sb strings.Builder
	for i := a; i < b && sb.Len() < 4*maxDetail; i++ {
		if i > a && f.gap(i) {
			sb.WriteByte(' ')
		}
		t := f.toks[i]
		if t.kind == tkString {
			if v, ok := f.strValue(i); ok && showable(v) {
				sb.WriteString(`"` + v + `"`)
			} else {
				sb.WriteString(`"…"`)
			}
			continue
		}
		sb.Write(f.src[t.start:t.end])
	}
	return strings.ToValidUTF8(sb.String(), "\uFFFD")
}

// clip makes s valid UTF-8 and at most maxDetail runes.
func clip(s string) string {
	return short(strings.ToValidUTF8(s, "\uFFFD"), maxDetail)
}

// short cuts s to at most n runes, marking the cut with "…".
func short(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	k := 0
	for i := range s {
		if k == n-1 {
			return s[:i] + "…"
		}
		k++
	}
	return s
}
