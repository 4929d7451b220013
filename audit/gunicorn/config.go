package gunicorn

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
)

// maxConfigSize bounds the config file read; gunicorn config files are a
// few kilobytes.
const maxConfigSize = 1 << 20

// ParseConfigFile reads a gunicorn config file's top-level assignments, the
// way gunicorn sees the module's variables: `workers = 3`, strings,
// True/False/None, lists, `int(os.environ.get("WEB_CONCURRENCY", 2))` (Env
// "WEB_CONCURRENCY", Default "2"), os.getenv(...), os.environ[...],
// `x or default`, concatenation (`"0.0.0.0:" + os.environ.get("PORT",
// "5000")`), integer arithmetic, and names assigned earlier in the file.
// Anything else (multiprocessing.cpu_count() * 2 + 1, conditionals,
// f-strings) is kept as an expression: Expr true, Raw its text.
//
// Only exact lower-case setting names count, as in gunicorn. Comments,
// imports, functions (server hooks such as `def on_starting`), and indented
// lines (blocks, conditional assignments) are skipped; the last top-level
// assignment of a name wins. wsgi_app sets App.
//
// name is the file's name, used for Source. A file whose name does not end
// in .py may also use the ini-like `key = value` form with bare values
// (`bind = 0.0.0.0:8000`, `worker_class = gevent`); gunicorn itself would
// execute such a file as Python.
//
// The only errors are for input that is not text or larger than 1 MiB.
func ParseConfigFile(src []byte, name string) (Settings, error) {
	var s Settings
	if len(src) > maxConfigSize {
		return s, fmt.Errorf("gunicorn: config file %s is larger than %d bytes", name, maxConfigSize)
	}
	if bytes.IndexByte(src, 0) >= 0 {
		return s, errors.New("gunicorn: config file " + name + " is not text")
	}
	src = bytes.TrimPrefix(src, []byte("\uFEFF"))
	text := string(src)
	iniMode := !strings.HasSuffix(strings.ToLower(name), ".py")
	source := ConfigFileSource(name)
	names := map[string]pyVal{}
	inFunc := false  // the current top-level statement defines a function or class
	funcIndent := -1 // indentation of a def/class nested in a block
	for _, ll := range tokenize(src, text) {
		if ll.broken || len(ll.toks) == 0 {
			continue
		}
		if ll.indented {
			if !inFunc {
				s.Conditional = append(s.Conditional, conditional(ll, &funcIndent)...)
			}
			continue
		}
		first := ll.toks[0].text
		inFunc = first == "def" || first == "class" || first == "async" || first == "@"
		funcIndent = -1
		if blockKeywords[first] && !(len(ll.toks) > 1 && ll.toks[1].text == "=") {
			// A one-line block: `if DEBUG: reload = True`.
			if body := afterColon(ll.toks); len(body) > 0 {
				s.Conditional = append(s.Conditional, conditional(logicalLine{toks: body, line: ll.line, indent: 1}, &funcIndent)...)
			}
			continue
		}
		for _, stmt := range splitStatements(ll.toks) {
			targets, rhs, aug := assignment(stmt)
			if len(targets) == 0 || len(rhs) == 0 {
				continue
			}
			e := evaluator{src: text, toks: rhs, names: names}
			v, ok := e.parse()
			if aug != "" {
				v, ok = pyVal{expr: true}, true
			}
			if !ok {
				if !iniMode {
					v = pyVal{expr: true}
				} else {
					v = pyVal{kind: pyStr, s: unquote(strings.TrimSpace(text[rhs[0].start:rhs[len(rhs)-1].end]))}
				}
			} else if iniMode && v.bareName {
				v = pyVal{kind: pyStr, s: rhs[0].text}
			}
			if v.expr && v.text == "" {
				v.text = aug + sourceText(text, rhs)
			}
			for _, t := range targets {
				names[t] = v
				if t == "wsgi_app" {
					if v.kind == pyStr && !v.expr {
						s.App = v.s
					}
					continue
				}
				if t == "config" {
					continue // has no effect inside a config file
				}
				if f := s.field(t); f != nil {
					*f = v.value(source, ll.line)
				}
			}
		}
	}
	return s, nil
}

// conditional reports the settings an indented line inside a top-level
// block assigns, skipping the bodies of functions defined in the block.
func conditional(ll logicalLine, funcIndent *int) []string {
	if *funcIndent >= 0 && ll.indent > *funcIndent {
		return nil
	}
	*funcIndent = -1
	switch ll.toks[0].text {
	case "def", "class", "async", "@":
		*funcIndent = ll.indent
		return nil
	}
	var out []string
	for _, stmt := range splitStatements(ll.toks) {
		targets, _, _ := assignment(stmt)
		for _, t := range targets {
			if t == "wsgi_app" || (t != "config" && (&Settings{}).field(t) != nil) {
				out = append(out, fmt.Sprintf("%s (line %d)", t, ll.line))
			}
		}
	}
	return out
}

// blockKeywords start blocks whose bodies run depending on a condition.
var blockKeywords = map[string]bool{
	"if": true, "elif": true, "else": true, "for": true, "while": true, "with": true,
	"try": true, "except": true, "finally": true, "match": true, "case": true,
}

// afterColon returns the tokens after a block header's colon.
func afterColon(toks []token) []token {
	depth := 0
	for i, t := range toks {
		if t.kind != tOp {
			continue
		}
		switch t.text {
		case "(", "[", "{":
			depth++
		case ")", "]", "}":
			depth--
		case ":":
			if depth == 0 {
				return toks[i+1:]
			}
		}
	}
	return nil
}

// splitStatements splits a logical line at top-level semicolons.
func splitStatements(toks []token) [][]token {
	var out [][]token
	depth, start := 0, 0
	for i, t := range toks {
		if t.kind != tOp {
			continue
		}
		switch t.text {
		case "(", "[", "{":
			depth++
		case ")", "]", "}":
			depth--
		case ";":
			if depth == 0 {
				out = append(out, toks[start:i])
				start = i + 1
			}
		}
	}
	return append(out, toks[start:])
}

// compoundKeywords start statements whose bodies are blocks; such lines and
// one-line forms (`if DEBUG: reload = True`) are not plain assignments.
var compoundKeywords = map[string]bool{
	"if": true, "elif": true, "else": true, "for": true, "while": true, "try": true, "except": true,
	"finally": true, "with": true, "def": true, "class": true, "async": true,
	"import": true, "from": true, "global": true, "nonlocal": true, "del": true,
	"return": true, "assert": true, "raise": true, "pass": true, "print": true, "lambda": true,
}

// assignment recognises `a = b = expr`, `a: T = expr` and `a += expr`,
// returning the target names and the right-hand side tokens. aug is the
// augmented operator's text plus a space ("+= ") for `a += expr`.
func assignment(stmt []token) (targets []string, rhs []token, aug string) {
	if len(stmt) < 3 || stmt[0].kind != tName || compoundKeywords[stmt[0].text] {
		return nil, nil, ""
	}
	i := 0
	for i+1 < len(stmt) && stmt[i].kind == tName && stmt[i+1].kind == tOp {
		switch op := stmt[i+1].text; {
		case op == "=":
			targets = append(targets, stmt[i].text)
			i += 2
			continue
		case op == ":" && len(targets) == 0:
			// An annotation: skip to the "=" that follows it.
			for j := i + 2; j < len(stmt); j++ {
				if stmt[j].kind == tOp && stmt[j].text == "=" {
					return []string{stmt[i].text}, stmt[j+1:], ""
				}
			}
			return nil, nil, ""
		case len(targets) == 0 && len(op) >= 2 && strings.HasSuffix(op, "=") && op != "==" && op != "!=" && op != "<=" && op != ">=":
			return []string{stmt[i].text}, stmt[i+2:], stmt[i].text + " " + op[:len(op)-1] + " "
		}
		break
	}
	if len(targets) == 0 || i >= len(stmt) {
		return nil, nil, ""
	}
	return targets, stmt[i:], ""
}

func unquote(s string) string {
	if len(s) >= 2 && (s[0] == '"' || s[0] == '\'') && s[len(s)-1] == s[0] {
		return s[1 : len(s)-1]
	}
	return s
}

var spaceRunRE = regexp.MustCompile(`\s+`)

// sourceText returns the source of toks with whitespace runs collapsed.
func sourceText(src string, toks []token) string {
	if len(toks) == 0 {
		return ""
	}
	return strings.TrimSpace(spaceRunRE.ReplaceAllString(src[toks[0].start:toks[len(toks)-1].end], " "))
}

type pyKind int

const (
	pyUnknown pyKind = iota
	pyStr
	pyInt
	pyFloat
	pyBool
	pyNone
	pyList
)

// pyVal is what the evaluator knows about an expression's value.
type pyVal struct {
	kind  pyKind
	s     string  // str value; int in decimal; float text; bool "true"/"false"
	n     int64   // int value
	items []pyVal // list and tuple elements

	// env is set when the value is exactly an environment variable,
	// optionally converted with int() or str(); def is its default.
	env    string
	def    *pyVal
	hasDef bool

	expr     bool     // not evaluated
	text     string   // source text, for expressions and env reads
	reads    []string // environment variables read anywhere inside
	bareName bool     // a lone unknown name (ini-like bare value)
}

// value converts v into a setting Value.
func (v pyVal) value(src Source, line int) Value {
	out := Value{Source: src, Line: line}
	switch {
	case v.env != "":
		out.Raw, out.Env = v.text, v.env
		if v.hasDef {
			out.HasDefault = true
			if v.def.expr || v.def.kind == pyUnknown || v.def.kind == pyList {
				out.Default, out.DefaultExpr = v.def.text, true
			} else {
				out.Default = v.def.s
			}
		}
	case v.expr:
		out.Raw, out.Expr = v.text, true
		if len(v.reads) > 0 {
			out.Env = v.reads[0]
		}
	case v.kind == pyList:
		parts := make([]string, 0, len(v.items))
		for _, it := range v.items {
			if it.expr || it.env != "" || it.kind == pyList || it.kind == pyUnknown {
				out.Raw, out.Expr = v.text, true
				if r := it.allReads(); len(r) > 0 {
					out.Env = r[0]
				}
				return out
			}
			parts = append(parts, it.s)
		}
		out.Raw = strings.Join(parts, ",")
	case v.kind == pyNone:
		// Set to None: Raw stays "" but Source marks it set.
	default:
		out.Raw = v.s
	}
	return out
}

func (v pyVal) allReads() []string {
	if v.env != "" {
		return append([]string{v.env}, v.reads...)
	}
	return v.reads
}

// opaque makes an unevaluated expression from the parts it was built of.
func opaque(text string, parts ...pyVal) pyVal {
	out := pyVal{expr: true, text: text}
	for _, p := range parts {
		for _, r := range p.allReads() {
			if len(out.reads) < maxReads && !contains(out.reads, r) {
				out.reads = append(out.reads, r)
			}
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (v pyVal) literal() bool {
	return !v.expr && v.env == "" && v.kind != pyUnknown
}

// truthy reports Python truthiness for literals.
func (v pyVal) truthy() bool {
	switch v.kind {
	case pyStr:
		return v.s != ""
	case pyInt:
		return v.n != 0
	case pyBool:
		return v.s == "true"
	case pyList:
		return len(v.items) > 0
	case pyFloat:
		f, _ := strconv.ParseFloat(v.s, 64)
		return f != 0
	}
	return false
}

func intVal(n int64) pyVal { return pyVal{kind: pyInt, n: n, s: strconv.FormatInt(n, 10)} }

// errSyntax aborts evaluation of an expression outside the supported subset.
var errSyntax = errors.New("unsupported expression")

// evaluator is a recursive-descent parser over one right-hand side that
// evaluates what it can.
type evaluator struct {
	src   string
	toks  []token
	pos   int
	names map[string]pyVal
	depth int
}

// parse evaluates the whole token list; ok is false when the tokens are not
// one expression of the supported subset.
func (e *evaluator) parse() (v pyVal, ok bool) {
	v, err := e.expr()
	if err != nil || e.pos != len(e.toks) {
		return pyVal{}, false
	}
	if v.text == "" {
		v.text = sourceText(e.src, e.toks)
	}
	return v, true
}

func (e *evaluator) peek() *token {
	if e.pos < len(e.toks) {
		return &e.toks[e.pos]
	}
	return nil
}

func (e *evaluator) isOp(text string) bool {
	t := e.peek()
	return t != nil && t.kind == tOp && t.text == text
}

func (e *evaluator) isName(text string) bool {
	t := e.peek()
	return t != nil && t.kind == tName && t.text == text
}

func (e *evaluator) expect(text string) error {
	if !e.isOp(text) {
		return errSyntax
	}
	e.pos++
	return nil
}

// span returns the source text of tokens from start to the current position.
func (e *evaluator) span(start int) string {
	if start >= e.pos {
		return ""
	}
	return sourceText(e.src, e.toks[start:e.pos])
}

// spanText gives a value built by a chain of operators (`a + b + c`) the
// source text of the whole chain, once the chain is read: taking the text
// at every operator would make a long chain quadratic. Values that carry
// no text (numbers, strings evaluated) are left alone.
func (e *evaluator) spanText(v *pyVal, start int) {
	if v.text == "" && (v.expr || v.kind == pyList || v.env != "") {
		v.text = e.span(start)
	}
}

const maxExprDepth = 100

// maxPathLen bounds a dotted name (os.environ.get): a longer one names
// nothing the evaluator knows.
const maxPathLen = 256

// enter guards the recursion depth; callers defer e.leave().
func (e *evaluator) enter() error {
	e.depth++
	if e.depth > maxExprDepth {
		return errSyntax
	}
	return nil
}

func (e *evaluator) leave() { e.depth-- }

func (e *evaluator) expr() (pyVal, error) {
	defer e.leave()
	if err := e.enter(); err != nil {
		return pyVal{}, err
	}
	start := e.pos
	if e.isName("lambda") {
		return pyVal{}, errSyntax
	}
	v, err := e.or()
	if err != nil {
		return v, err
	}
	if e.isName("if") {
		e.pos++
		cond, err := e.or()
		if err != nil {
			return v, err
		}
		if !e.isName("else") {
			return v, errSyntax
		}
		e.pos++
		alt, err := e.expr()
		if err != nil {
			return v, err
		}
		return opaque(e.span(start), v, cond, alt), nil
	}
	return v, nil
}

func (e *evaluator) or() (pyVal, error) {
	start := e.pos
	v, err := e.and()
	if err != nil {
		return v, err
	}
	chained := false
	for e.isName("or") {
		e.pos++
		w, err := e.and()
		if err != nil {
			return v, err
		}
		v = orVal(v, w, "")
		chained = true
	}
	if chained {
		e.spanText(&v, start)
	}
	return v, nil
}

// orVal evaluates `a or b`. `os.environ.get("X") or 2` is the variable X
// with default 2 (an unset or empty X gives 2).
func orVal(a, b pyVal, text string) pyVal {
	switch {
	case a.literal():
		if a.truthy() {
			return a
		}
		return b
	case a.env != "" && b.literal() && (!a.hasDef || (a.def.literal() && !a.def.truthy())):
		out := a
		out.def, out.hasDef, out.text = &b, true, text
		return out
	}
	return opaque(text, a, b)
}

func (e *evaluator) and() (pyVal, error) {
	start := e.pos
	v, err := e.not()
	if err != nil {
		return v, err
	}
	chained := false
	for e.isName("and") {
		e.pos++
		w, err := e.not()
		if err != nil {
			return v, err
		}
		v = opaque("", v, w)
		chained = true
	}
	if chained {
		e.spanText(&v, start)
	}
	return v, nil
}

func (e *evaluator) not() (pyVal, error) {
	defer e.leave()
	if err := e.enter(); err != nil {
		return pyVal{}, err
	}
	start := e.pos
	if e.isName("not") {
		e.pos++
		v, err := e.not()
		if err != nil {
			return v, err
		}
		return opaque(e.span(start), v), nil
	}
	return e.binary(0)
}

// binaryLevels lists binary operators from lowest to highest precedence.
var binaryLevels = [][]string{
	{"==", "!=", "<", ">", "<=", ">=", "in", "not", "is"},
	{"|"}, {"^"}, {"&"}, {"<<", ">>"},
	{"+", "-"},
	{"*", "/", "//", "%", "@"},
}

func (e *evaluator) binaryOp(level int) (string, bool) {
	t := e.peek()
	if t == nil || (t.kind != tOp && t.kind != tName) {
		return "", false
	}
	for _, op := range binaryLevels[level] {
		if t.text == op {
			if t.kind == tName && level != 0 {
				return "", false
			}
			return op, true
		}
	}
	return "", false
}

func (e *evaluator) binary(level int) (pyVal, error) {
	if level == len(binaryLevels) {
		return e.unary()
	}
	start := e.pos
	v, err := e.binary(level + 1)
	if err != nil {
		return v, err
	}
	chained := false
	for {
		op, ok := e.binaryOp(level)
		if !ok {
			if chained {
				e.spanText(&v, start)
			}
			return v, nil
		}
		e.pos++
		if op == "not" || op == "is" {
			// "not in", "is not"
			if e.isName("in") || e.isName("not") {
				e.pos++
			}
		}
		w, err := e.binary(level + 1)
		if err != nil {
			return v, err
		}
		v = combine(op, v, w, "")
		chained = true
	}
}

// Limits on values built by evaluation, so a hostile file of many
// `a = a + a` lines stays cheap: beyond them a value becomes an expression.
const (
	maxLiteralLen = 4 << 10
	maxListLen    = 256
	maxReads      = 8
)

// combine evaluates literal arithmetic and string concatenation; anything
// else stays an expression.
func combine(op string, a, b pyVal, text string) pyVal {
	if a.literal() && b.literal() {
		switch {
		case a.kind == pyInt && b.kind == pyInt:
			switch op {
			case "+":
				if r, ok := addInt(a.n, b.n); ok {
					return intVal(r)
				}
			case "-":
				if r, ok := addInt(a.n, -b.n); ok && b.n != math.MinInt64 {
					return intVal(r)
				}
			case "*":
				if r, ok := mulInt(a.n, b.n); ok {
					return intVal(r)
				}
			case "//":
				if b.n != 0 && !(a.n == math.MinInt64 && b.n == -1) {
					q := a.n / b.n
					if (a.n%b.n != 0) && ((a.n < 0) != (b.n < 0)) {
						q-- // floor division
					}
					return intVal(q)
				}
			}
		case a.kind == pyStr && b.kind == pyStr && op == "+" && len(a.s)+len(b.s) <= maxLiteralLen:
			return pyVal{kind: pyStr, s: a.s + b.s}
		case a.kind == pyList && b.kind == pyList && op == "+" && len(a.items)+len(b.items) <= maxListLen:
			return pyVal{kind: pyList, items: append(append([]pyVal(nil), a.items...), b.items...), text: text}
		}
	}
	return opaque(text, a, b)
}

func addInt(a, b int64) (int64, bool) {
	r := a + b
	if (b > 0 && r < a) || (b < 0 && r > a) {
		return 0, false
	}
	return r, true
}

func mulInt(a, b int64) (int64, bool) {
	if a == 0 || b == 0 {
		return 0, true
	}
	r := a * b
	if r/b != a || (a == -1 && b == math.MinInt64) || (b == -1 && a == math.MinInt64) {
		return 0, false
	}
	return r, true
}

func (e *evaluator) unary() (pyVal, error) {
	defer e.leave()
	if err := e.enter(); err != nil {
		return pyVal{}, err
	}
	start := e.pos
	if e.isOp("-") || e.isOp("+") || e.isOp("~") {
		op := e.peek().text
		e.pos++
		v, err := e.unary()
		if err != nil {
			return v, err
		}
		if v.literal() && v.kind == pyInt && v.n != math.MinInt64 {
			switch op {
			case "-":
				return intVal(-v.n), nil
			case "+":
				return v, nil
			}
		}
		return opaque(e.span(start), v), nil
	}
	return e.power()
}

func (e *evaluator) power() (pyVal, error) {
	start := e.pos
	v, err := e.primary()
	if err != nil {
		return v, err
	}
	if e.isOp("**") {
		e.pos++
		w, err := e.unary()
		if err != nil {
			return v, err
		}
		return opaque(e.span(start), v, w), nil
	}
	return v, nil
}

// envGetters are the calls that read an environment variable with an
// optional default.
var envGetters = map[string]bool{
	"os.environ.get": true, "environ.get": true, "os.getenv": true, "getenv": true,
	"os.environ.setdefault": true, "environ.setdefault": true,
}

// primary parses an atom and its trailers: attribute access, calls and
// subscripts.
func (e *evaluator) primary() (pyVal, error) {
	start := e.pos
	t := e.peek()
	if t == nil {
		return pyVal{}, errSyntax
	}
	var v pyVal
	path := "" // dotted name while the primary is still a plain reference
	switch t.kind {
	case tName:
		e.pos++
		switch t.text {
		case "True":
			v = pyVal{kind: pyBool, s: "true"}
		case "False":
			v = pyVal{kind: pyBool, s: "false"}
		case "None":
			v = pyVal{kind: pyNone}
		default:
			if compoundKeywords[t.text] || t.text == "and" || t.text == "or" || t.text == "not" || t.text == "in" || t.text == "is" || t.text == "yield" || t.text == "await" {
				return pyVal{}, errSyntax
			}
			path = t.text
		}
	case tNumber:
		e.pos++
		v = number(t.text)
	case tString:
		v = e.stringLits()
	case tOp:
		switch t.text {
		case "(":
			e.pos++
			if e.isOp(")") {
				e.pos++
				v = pyVal{kind: pyList}
				break
			}
			items, tuple, err := e.exprList(")")
			if err != nil {
				return v, err
			}
			if tuple {
				v = listVal(items, e.span(start))
			} else {
				v = items[0]
			}
		case "[":
			e.pos++
			if e.isOp("]") {
				e.pos++
				v = pyVal{kind: pyList}
				break
			}
			items, _, err := e.exprList("]")
			if err != nil {
				return v, err
			}
			v = listVal(items, e.span(start))
		case "{":
			if err := e.skipBrackets(); err != nil {
				return v, err
			}
			v = opaque(e.span(start))
		case "...":
			e.pos++
			v = opaque("...")
		default:
			return v, errSyntax
		}
	}

	// Values built here get the text of the whole chain once it is read:
	// taking it at every step would make `a[1][1]…` quadratic.
	spanned := false
	for {
		switch {
		case e.isOp("."):
			e.pos++
			n := e.peek()
			if n == nil || n.kind != tName {
				return v, errSyntax
			}
			e.pos++
			if path != "" {
				if len(path) > maxPathLen {
					v, path, spanned = opaque(""), "", true // no module has such a name
					continue
				}
				path += "." + n.text
				continue
			}
			// A method on a value: .lower()/.upper()/.strip() keep what
			// we know (gunicorn lower-cases log levels anyway).
			method := n.text
			if !e.isOp("(") {
				v = opaque("", v)
				spanned = true
				continue
			}
			args, _, err := e.callArgs()
			if err != nil {
				return v, err
			}
			switch {
			case len(args) == 0 && (method == "lower" || method == "upper" || method == "strip"):
				v = strMethod(v, method)
				spanned = true
			default:
				v = opaque("", append(args, v)...)
				spanned = true
			}
		case e.isOp("("):
			args, kw, err := e.callArgs()
			if err != nil {
				return v, err
			}
			if path == "" {
				v = opaque("", append(args, v)...)
				spanned = true
				continue
			}
			v = e.call(path, args, kw, "")
			spanned = true
			path = ""
		case e.isOp("["):
			e.pos++
			key, err := e.expr()
			if err != nil {
				return v, err
			}
			if err := e.expect("]"); err != nil {
				return v, err
			}
			if (path == "os.environ" || path == "environ") && key.literal() && key.kind == pyStr {
				v = pyVal{env: key.s, text: ""}
				spanned = true
			} else {
				base := v
				if path != "" {
					base = e.lookup(path)
				}
				v = opaque("", base, key)
				spanned = true
			}
			path = ""
		default:
			if path != "" {
				v = e.lookup(path)
			}
			if spanned {
				v.text = e.span(start)
			}
			return v, nil
		}
	}
}

// lookup resolves a name: earlier top-level assignments, else unknown.
func (e *evaluator) lookup(path string) pyVal {
	if v, ok := e.names[path]; ok {
		return v
	}
	v := opaque(path)
	v.bareName = !strings.Contains(path, ".")
	return v
}

func strMethod(v pyVal, method string) pyVal {
	apply := func(s string) string {
		switch method {
		case "lower":
			return strings.ToLower(s)
		case "upper":
			return strings.ToUpper(s)
		}
		return strings.TrimSpace(s)
	}
	switch {
	case v.literal() && v.kind == pyStr:
		v.s = apply(v.s)
		return v
	case v.env != "":
		if v.hasDef && v.def.literal() && v.def.kind == pyStr {
			d := *v.def
			d.s = apply(d.s)
			v.def = &d
		}
		return v
	}
	return opaque(v.text, v)
}

// call evaluates a call of the dotted name path.
func (e *evaluator) call(path string, args []pyVal, kw map[string]pyVal, text string) pyVal {
	switch {
	case envGetters[path]:
		if len(args) == 0 || !args[0].literal() || args[0].kind != pyStr {
			return opaque(text, args...)
		}
		out := pyVal{env: args[0].s, text: text}
		def, has := kw["default"]
		if len(args) > 1 {
			def, has = args[1], true
		}
		if has {
			d := def
			out.def, out.hasDef = &d, true
		}
		return out
	case path == "int" || path == "str":
		if len(args) != 1 || len(kw) > 0 {
			return opaque(text, args...)
		}
		a := args[0]
		switch {
		case a.env != "":
			a.text = text
			return a
		case !a.literal():
			return opaque(text, a)
		case path == "str":
			if a.kind == pyList || a.kind == pyNone {
				return opaque(text, a)
			}
			return pyVal{kind: pyStr, s: a.s}
		case a.kind == pyInt:
			return a
		case a.kind == pyStr:
			if n, ok := parsePyInt(a.s); ok {
				return intVal(int64(n))
			}
		case a.kind == pyBool:
			return intVal(map[bool]int64{true: 1, false: 0}[a.s == "true"])
		case a.kind == pyFloat:
			if f, err := strconv.ParseFloat(a.s, 64); err == nil && math.Abs(f) < 1e15 {
				return intVal(int64(f))
			}
		}
		return opaque(text, a)
	case path == "max" || path == "min":
		if len(args) == 0 {
			return opaque(text)
		}
		best := args[0]
		for _, a := range args {
			if !a.literal() || a.kind != pyInt {
				return opaque(text, args...)
			}
			if (path == "max" && a.n > best.n) || (path == "min" && a.n < best.n) {
				best = a
			}
		}
		return best
	}
	return opaque(text, args...)
}

// callArgs parses "(args)" with positional and keyword arguments.
func (e *evaluator) callArgs() ([]pyVal, map[string]pyVal, error) {
	if err := e.expect("("); err != nil {
		return nil, nil, err
	}
	var args []pyVal
	kw := map[string]pyVal{}
	for !e.isOp(")") {
		if e.isOp("*") || e.isOp("**") {
			e.pos++
		}
		if t := e.peek(); t != nil && t.kind == tName && e.pos+1 < len(e.toks) && e.toks[e.pos+1].kind == tOp && e.toks[e.pos+1].text == "=" {
			e.pos += 2
			v, err := e.expr()
			if err != nil {
				return nil, nil, err
			}
			kw[t.text] = v
		} else {
			v, err := e.expr()
			if err != nil {
				return nil, nil, err
			}
			if e.isName("for") {
				return nil, nil, errSyntax // a generator expression
			}
			args = append(args, v)
		}
		if e.isOp(",") {
			e.pos++
			continue
		}
		if !e.isOp(")") {
			return nil, nil, errSyntax
		}
	}
	e.pos++
	return args, kw, nil
}

// exprList parses comma-separated expressions up to the closing bracket;
// tuple reports a comma.
func (e *evaluator) exprList(closing string) (items []pyVal, tuple bool, err error) {
	for {
		if e.isOp("*") {
			e.pos++
		}
		v, err := e.expr()
		if err != nil {
			return nil, false, err
		}
		if e.isName("for") {
			return nil, false, errSyntax // a comprehension
		}
		items = append(items, v)
		if e.isOp(",") {
			e.pos++
			tuple = true
			if e.isOp(closing) {
				break
			}
			continue
		}
		break
	}
	if err := e.expect(closing); err != nil {
		return nil, false, err
	}
	return items, tuple, nil
}

func (e *evaluator) skipBrackets() error {
	depth := 0
	for e.pos < len(e.toks) {
		t := e.toks[e.pos]
		e.pos++
		if t.kind != tOp {
			continue
		}
		switch t.text {
		case "(", "[", "{":
			depth++
		case ")", "]", "}":
			depth--
			if depth == 0 {
				return nil
			}
		}
	}
	return errSyntax
}

func listVal(items []pyVal, text string) pyVal {
	return pyVal{kind: pyList, items: items, text: text}
}

// fstringRefRE finds environment reads and names inside an f-string.
var (
	fstringEnvRE  = regexp.MustCompile(`(?:environ\.get|getenv|environ\.setdefault)\(\s*['"]([A-Za-z_][A-Za-z0-9_]*)['"]|environ\[\s*['"]([A-Za-z_][A-Za-z0-9_]*)['"]\s*\]`)
	fstringNameRE = regexp.MustCompile(`\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*[}!:]`)
)

// strings reads adjacent string literals, which Python concatenates.
func (e *evaluator) stringLits() pyVal {
	start := e.pos
	var b strings.Builder
	opaqueStr := false
	var parts []pyVal
	for {
		t := e.peek()
		if t == nil || t.kind != tString {
			break
		}
		e.pos++
		if t.fstr || t.byts {
			opaqueStr = true
			for _, m := range fstringEnvRE.FindAllStringSubmatch(t.text, -1) {
				parts = append(parts, pyVal{env: m[1] + m[2]})
			}
			for _, m := range fstringNameRE.FindAllStringSubmatch(t.text, -1) {
				if v, ok := e.names[m[1]]; ok {
					parts = append(parts, v)
				}
			}
			continue
		}
		b.WriteString(t.val)
	}
	if opaqueStr {
		return opaque(e.span(start), parts...)
	}
	return pyVal{kind: pyStr, s: b.String()}
}

// number reads a Python numeric literal.
func number(text string) pyVal {
	clean := strings.ReplaceAll(text, "_", "")
	lower := strings.ToLower(clean)
	if strings.HasPrefix(lower, "0x") || strings.HasPrefix(lower, "0o") || strings.HasPrefix(lower, "0b") {
		if n, err := strconv.ParseInt(lower, 0, 64); err == nil {
			return intVal(n)
		}
		return opaque(text)
	}
	if n, err := strconv.ParseInt(clean, 10, 64); err == nil {
		return intVal(n)
	}
	if strings.HasSuffix(lower, "j") {
		return opaque(text)
	}
	if _, err := strconv.ParseFloat(clean, 64); err == nil {
		return pyVal{kind: pyFloat, s: text}
	}
	return opaque(text)
}
