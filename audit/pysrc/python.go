package pysrc

import (
	"path"
	"strconv"
	"strings"

	"github.com/herokuaudit/herokuaudit/internal/pytok"
)

// The rules over a tokenized Python file.

type pyfile struct {
	path   string // as given, for findings
	clean  string // normalized, for path tests
	src    []byte
	tables *tokens // from tokenPool; release gives it back
	toks   []token
	match  []int32 // see partner and opener
	encl   []int32
	lines  []logical
	stmts  []stmt
	out    []result

	configModule   bool                // DEBUG = True at module level counts
	corsConfigured bool                // CORS_ORIGINS / CORS_RESOURCES set in code
	corsNames      map[string]bool     // names bound to CORS() without an app
	binds          map[string]*binding // how each name is bound, for constants
	selects        []configSelect      // config classes chosen by name (configsel.go)
	entries        []configEntry       // "key": ClassName entries of dicts
	classes        []classFact         // class statements: bases, and whether DEBUG is set
	bareCalls      map[string]string   // callee name -> where it is first called with no arguments
}

// binding counts the bindings of a name in a file. A name bound exactly
// once, at module level, to a plain string literal is a constant.
type binding struct {
	count    int
	lit      bool
	from, to int // the literal's tokens
}

// maxExpr bounds, in tokens, the expressions the rules look into (a
// secret's value, a resources= dict): real ones are short, and the bound
// keeps hostile nesting from making the scan quadratic.
const maxExpr = 2048

// secretNames are the config keys holding signing secrets.
var secretNames = map[string]bool{
	"SECRET_KEY": true, "JWT_SECRET_KEY": true, "FLASK_SECRET_KEY": true, "WTF_CSRF_SECRET_KEY": true,
}

// sslModes are libpq's sslmode values (also asyncpg's ssl= strings).
var sslModes = map[string]bool{
	"disable": true, "allow": true, "prefer": true, "require": true, "verify-ca": true, "verify-full": true,
}

func newPyFile(p, clean string, data []byte) *pyfile {
	t := tokenize(data, tokenPool.Get().(*tokens))
	f := &pyfile{
		path: p, clean: clean, src: data, tables: t,
		toks: t.toks, match: t.match, encl: t.encl, lines: t.lines, stmts: t.stmts[:0],
		corsNames: map[string]bool{}, binds: map[string]*binding{}, bareCalls: map[string]string{},
	}
	f.buildStmts()
	return f
}

// release returns the token tables to the pool: f must not be used after.
func (f *pyfile) release() {
	clear(f.stmts) // drop the frames they point to
	f.tables.stmts = f.stmts[:0]
	tokenPool.Put(f.tables)
	f.tables, f.toks, f.match, f.encl, f.lines = nil, nil, nil, nil, nil
}

func (f *pyfile) scan() {
	f.prepass()
	// A header testing for postgres:// (`if url.startswith("postgres://"):`)
	// whose body writes a postgresql literal is a rewrite, reported once at
	// the header.
	var pending *frame
	var pendingStmt stmt
	for _, s := range f.stmts {
		if pending != nil {
			switch {
			case !within(s.fr, pending):
				pending = nil
			case s.header == nil && f.pgHasNew(s):
				if !f.pgRewrite(s) {
					f.addAt(PostgresRewrite, pendingStmt, int(f.toks[pendingStmt.from].start), pendingStmt.line,
						"rewrites the postgres:// scheme to postgresql://", "")
				}
				pending = nil
			}
		}
		if f.stringOnly(s) {
			continue
		}
		if s.header == nil {
			f.assignRules(s)
		} else if s.header.kind == frClass {
			f.classHeader(s)
		}
		f.callRules(s)
		f.dictRules(s)
		f.configMaps(s)
		f.stringRules(s)
		if s.header != nil {
			if f.pgHasOld(s) {
				pending, pendingStmt = s.header, s
			}
		} else if f.pgRewrite(s) {
			f.addAt(PostgresRewrite, s, int(f.toks[s.from].start), s.line, "rewrites the postgres:// scheme to postgresql://", "")
		}
	}
}

// within reports whether frame fr is b or nested in it, looking a few
// levels up only (rewrites sit right in the block).
func within(fr, b *frame) bool {
	for k := 0; fr != nil && k < 4; k++ {
		if fr == b {
			return true
		}
		fr = fr.parent
	}
	return false
}

func (f *pyfile) add(k Kind, s stmt, tok int, detail, value string) {
	f.addAt(k, s, int(f.toks[tok].start), int(f.toks[tok].line), detail, value)
}

func (f *pyfile) addAt(k Kind, s stmt, at, line int, detail, value string) {
	f.out = append(f.out, result{
		Finding: Finding{Kind: k, File: f.path, Line: line, Detail: clip(detail), Value: value, Scope: scopeName(s.fr)},
		at:      at,
	})
}

// --- pre-pass: config module, constants, CORS() objects ---

func (f *pyfile) prepass() {
	base := strings.ToLower(strings.TrimSuffix(path.Base(f.clean), ".py"))
	f.configModule = strings.Contains(base, "config") || strings.Contains(base, "settings")
	for _, d := range strings.Split(path.Dir(f.clean), "/") {
		switch strings.ToLower(d) {
		case "config", "configs", "settings", "conf":
			f.configModule = true
		}
	}
	for i := 0; i+3 < len(f.toks); i++ {
		// app.config.from_object(__name__) makes this module's upper-case
		// names the app's config.
		if f.isName(i, "from_object") && f.isOp(i+1, "(") && f.isName(i+2, "__name__") && f.isOp(i+3, ")") {
			f.configModule = true
		}
	}
	bind := func(i int) *binding {
		name := f.text(i)
		b := f.binds[name]
		if b == nil {
			b = &binding{}
			f.binds[name] = b
		}
		b.count++
		return b
	}
	for _, s := range f.stmts {
		f.prepassStmt(s, bind)
	}
}

func (f *pyfile) prepassStmt(s stmt, bind func(int) *binding) {
	if s.header == nil {
		if targets, va, vb, ok := f.assignment(s); ok {
			for _, t := range targets {
				for i := t[0]; i < t[1]; i++ {
					if f.toks[i].kind == tkName && !(i > t[0] && f.isOp(i-1, ".")) {
						bind(i)
					}
				}
			}
			if len(targets) == 1 && targets[0][1]-targets[0][0] == 1 && f.toks[targets[0][0]].kind == tkName {
				name := f.text(targets[0][0])
				if ok, _ := moduleLevel(s.fr); ok {
					if _, _, lit := f.literal(va, vb); lit && f.binds[name].count == 1 {
						b := f.binds[name]
						b.lit, b.from, b.to = true, va, vb
					}
				}
				// cors = CORS(): configured later by cors.init_app(app, ...).
				a, b := f.stripParens(va, vb)
				if b-a >= 3 && f.isName(b-3, "CORS") && f.isOp(b-2, "(") && f.isOp(b-1, ")") {
					f.corsNames[name] = true
				}
			}
		}
	}
	if f.isName(s.from, "import") || f.isName(s.from, "from") || f.isName(s.from, "global") || f.isName(s.from, "nonlocal") {
		for i := s.from + 1; i < s.to; i++ {
			if f.toks[i].kind == tkName {
				bind(i)
			}
		}
		return
	}
	if s.header != nil && (s.header.kind == frDef || s.header.kind == frClass) {
		params := f.paramParen(s)
		for i := s.from; i < s.to; i++ {
			if f.toks[i].kind != tkName {
				continue
			}
			// The def/class name, and parameter names (a name right after
			// '(' , '*' or '**' directly inside the parameter list).
			if i > s.from && (f.isName(i-1, "def") || f.isName(i-1, "class")) ||
				f.opener(i) >= 0 && f.opener(i) == params &&
					(f.isOp(i-1, "(") || f.isOp(i-1, ",") || f.isOp(i-1, "*") || f.isOp(i-1, "**")) {
				bind(i)
			}
		}
	}
	for i := s.from; i < s.to; i++ {
		switch {
		case f.toks[i].kind != tkName:
		case f.isName(i, "as"):
			if i+1 < s.to && f.toks[i+1].kind == tkName {
				bind(i + 1)
			}
		case f.isName(i, "for"):
			for j := i + 1; j < s.to && !f.isName(j, "in") && !f.isName(j, "for"); j++ {
				if f.toks[j].kind == tkName {
					bind(j)
				}
			}
		case i+1 < s.to && f.toks[i+1].kind == tkOp && isRebind(f.text(i+1)):
			bind(i)
		}
	}
}

// paramParen returns the index of a def header's parameter '(' or -1.
func (f *pyfile) paramParen(s stmt) int {
	for i := s.from; i+1 < s.to; i++ {
		if f.isName(i, "def") && f.toks[i+1].kind == tkName && i+2 < s.to && f.isOp(i+2, "(") {
			return i + 2
		}
	}
	return -1
}

func isRebind(op string) bool {
	switch op {
	case ":=", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "@=", "**=", "//=", ">>=", "<<=":
		return true
	}
	return false
}

// constant returns the literal a bare name in [a, b) is bound to, when it
// is a module constant.
func (f *pyfile) constant(a, b int) (*binding, string, bool) {
	a, b = f.stripParens(a, b)
	if b-a != 1 || f.toks[a].kind != tkName {
		return nil, "", false
	}
	name := f.text(a)
	bd := f.binds[name]
	if bd == nil || bd.count != 1 || !bd.lit {
		return nil, "", false
	}
	return bd, name, true
}

// --- assignments ---

// assignment splits a statement at its top-level '=' into targets and the
// value. Annotated targets (`X: str = ...`) lose their annotation.
func (f *pyfile) assignment(s stmt) (targets [][2]int, va, vb int, ok bool) {
	start := s.from
	for i := s.from; i < s.to; i++ {
		if f.opener(i) == -1 && f.isOp(i, "=") {
			end := i
			for j := start; j < i; j++ {
				if f.opener(j) == -1 && f.isOp(j, ":") {
					end = j
					break
				}
			}
			if end > start {
				targets = append(targets, [2]int{start, end})
			}
			start = i + 1
		}
	}
	if len(targets) == 0 || start >= s.to {
		return nil, 0, 0, false
	}
	return targets, start, s.to, true
}

type tgKind uint8

const (
	tgOther tgKind = iota
	tgName
	tgAttr // base.name
	tgSub  // base["name"]
)

type target struct {
	kind   tgKind
	name   string
	ba, bb int // the base expression's tokens
}

func (f *pyfile) target(a, b int) target {
	switch {
	case b-a == 1 && f.toks[a].kind == tkName:
		return target{kind: tgName, name: f.text(a)}
	case b-a >= 3 && f.toks[b-1].kind == tkName && f.isOp(b-2, "."):
		return target{kind: tgAttr, name: f.text(b - 1), ba: a, bb: b - 2}
	case b-a >= 4 && f.isOp(b-1, "]") && f.partner(b-1) == b-3:
		if v, ok := f.strValue(b - 2); ok {
			return target{kind: tgSub, name: v, ba: a, bb: b - 3}
		}
	}
	return target{}
}

// baseIs reports whether a target's base expression ends with name
// (app.config, os.environ).
func (f *pyfile) baseIs(t target, name string) bool {
	return t.bb > t.ba && f.isName(t.bb-1, name)
}

func secretName(t target) string {
	switch {
	case t.kind == tgAttr && t.name == "secret_key":
		return "SECRET_KEY"
	case t.kind != tgOther && secretNames[t.name]:
		return t.name
	}
	return ""
}

func (f *pyfile) assignRules(s stmt) {
	targets, va, vb, ok := f.assignment(s)
	if !ok {
		return
	}
	for _, tr := range targets {
		t := f.target(tr[0], tr[1])
		if t.kind == tgOther {
			continue
		}
		lhs := short(f.render(tr[0], tr[1], -1, -1, ""), 32)
		line := f.toks[tr[0]].line
		if name := secretName(t); name != "" {
			f.secretValue(s, int(line), name, va, vb, func(rhs string) string { return lhs + " = " + rhs })
		}
		if t.kind == tgName && t.name == "DEBUG" {
			f.classSetsDebug(s)
		}
		if debugTarget(t) && !f.isTrue(va, vb) {
			f.debugFromEnv(s, t, tr[0], va, vb, lhs)
		}
		switch {
		case t.kind == tgName && t.name == "DEBUG" && f.isTrue(va, vb):
			f.debugConfig(s, tr[0])
		case t.kind == tgAttr && t.name == "debug" && f.isTrue(va, vb) && t.bb-t.ba == 1 &&
			!f.isName(t.ba, "self") && !f.isName(t.ba, "cls"):
			f.add(DebugRun, s, tr[0], lhs+" = True", "")
		case t.kind == tgSub && t.name == "DEBUG" && f.baseIs(t, "config") && f.isTrue(va, vb):
			f.add(DebugConfig, s, tr[0], lhs+" = True", "")
		case csrfSwitch[t.name] && (t.kind == tgName || t.kind == tgSub && f.baseIs(t, "config")) && f.isFalse(va, vb):
			f.add(CSRFOff, s, tr[0], lhs+" = False", t.name)
		case t.kind == tgSub && t.name == "PGSSLMODE" && f.baseIs(t, "environ"):
			if mode, ok := f.mode(va, vb); ok {
				f.add(SSLMode, s, tr[0], lhs+` = "`+mode+`"`, mode)
			}
		case t.name == "CORS_ORIGINS" || t.name == "CORS_RESOURCES":
			f.corsSetting(s, tr[0], t.name, va, vb, lhs+" = ")
		}
	}
}

// csrfSwitch names the settings that turn Flask-WTF's CSRF protection off.
var csrfSwitch = map[string]bool{"WTF_CSRF_ENABLED": true, "CSRF_ENABLED": true}

// debugConfig reports `DEBUG = True` when it configures an app: in a class
// body (a config class), or at module level of a config module.
func (f *pyfile) debugConfig(s stmt, tok int) {
	if class, ok := classBody(s.fr); ok {
		f.add(DebugConfig, s, tok, "DEBUG = True in "+class, "")
		return
	}
	ok, cond := moduleLevel(s.fr)
	if !ok || !f.configModule {
		return
	}
	detail := "DEBUG = True at module level of " + path.Base(f.clean)
	if cond {
		detail += " (in a conditional block)"
	}
	f.add(DebugConfig, s, tok, detail, "")
}

// mode returns an sslmode literal's value.
func (f *pyfile) mode(a, b int) (string, bool) {
	v, _, ok := f.literal(a, b)
	if !ok || !validMode(v) {
		return "", false
	}
	return v, true
}

func validMode(v string) bool {
	if v == "" || len(v) > 20 {
		return false
	}
	for i := 0; i < len(v); i++ {
		c := v[i] | 0x20
		if !(c >= 'a' && c <= 'z' || v[i] == '-') {
			return false
		}
	}
	return true
}

// secretValue classifies the value [a, b) given to a secret: a literal is
// a hard-coded secret; a literal used when the environment lacks the
// variable is a fallback. wrap turns the rendered value into the Detail.
func (f *pyfile) secretValue(s stmt, line int, name string, a, b int, wrap func(string) string) {
	if v, isBytes, ok := f.literal(a, b); ok {
		if v != "" {
			f.addAt(HardcodedSecret, s, int(f.toks[a].start), line, wrap(masked(v, isBytes)), name)
		}
		return
	}
	if bd, cname, ok := f.constant(a, b); ok {
		// A constant named like a secret (app.secret_key = SECRET_KEY) is
		// already reported where it is bound.
		if v, isBytes, _ := f.literal(bd.from, bd.to); v != "" && !secretNames[cname] {
			f.addAt(HardcodedSecret, s, int(f.toks[a].start), line,
				wrap(short(cname, 32)+" (bound to "+masked(v, isBytes)+" on line "+strconv.Itoa(int(f.toks[bd.from].line))+")"), name)
		}
		return
	}
	for _, fb := range f.fallbacks(a, b) {
		v, isBytes, _ := f.literal(fb[0], fb[1])
		f.addAt(SecretFallback, s, int(f.toks[fb[0]].start), line, wrap(f.render(a, b, fb[0], fb[1], masked(v, isBytes))), name)
	}
}

// fallbacks returns the non-empty literals in [a, b) used when an
// environment variable is unset: a getter's default (os.environ.get(K, "x"),
// os.getenv, setdefault, decouple's config(K, default="x"), environs'
// env.str) or an operand of `or` / a conditional expression.
func (f *pyfile) fallbacks(a, b int) [][2]int {
	if b-a > maxExpr {
		return nil
	}
	var out [][2]int
	for i := a; i+1 < b; i++ {
		if f.toks[i].kind != tkName || !f.isOp(i+1, "(") {
			continue
		}
		c := f.call(i)
		if !isGetter(c) {
			continue
		}
		if da, db, ok := f.getterDefault(c); ok {
			if v, _, ok := f.literal(da, db); ok && v != "" {
				out = append(out, [2]int{da, db})
			}
		}
	}
	a, b = f.stripParens(a, b)
	if a >= b {
		return out
	}
	lvl := f.opener(a)
	var segs [][2]int
	afterIf := []bool{false}
	start := a
	for i := a; i <= b; i++ {
		if i == b || f.opener(i) == lvl && (f.isName(i, "or") || f.isName(i, "if") || f.isName(i, "else")) {
			segs = append(segs, [2]int{start, i})
			if i < b {
				afterIf = append(afterIf, f.isName(i, "if"))
			}
			start = i + 1
		}
	}
	if len(segs) > 1 {
		for k, sg := range segs {
			if afterIf[k] {
				continue // the condition
			}
			if v, _, ok := f.literal(sg[0], sg[1]); ok && v != "" {
				out = append(out, sg)
			}
		}
	}
	return out
}

// isGetter reports whether a call reads an environment or config value
// with a default.
func isGetter(c call) bool {
	if c.recv {
		switch c.last {
		case "get", "getenv", "setdefault", "str":
			return true
		}
		return false
	}
	switch c.last {
	case "getenv", "config", "env":
		return true
	}
	return false
}

// getterDefault returns a getter call's default argument: the second
// positional one or default=.
func (f *pyfile) getterDefault(c call) (int, int, bool) {
	pos := 0
	for _, ar := range f.args(c) {
		switch {
		case ar.kw == "default":
			return ar.from, ar.to, true
		case ar.kw == "" && !ar.star:
			pos++
			if pos == 2 {
				return ar.from, ar.to, true
			}
		}
	}
	return 0, 0, false
}

// --- calls ---

type call struct {
	name        int // index of the callee's last name
	open, close int // the parentheses
	chain       string
	first, last string // first and last name of the chain
	recv        bool   // called on something (x.f()), not a bare name
	start       int    // first token of the callee expression
}

// call describes the call whose callee name is at i (followed by '(').
func (f *pyfile) call(i int) call {
	c := call{name: i, open: i + 1, close: f.partner(i + 1), last: f.text(i), first: f.text(i), start: i}
	parts := []string{c.last}
	j := i
	for j >= 2 && f.isOp(j-1, ".") && f.toks[j-2].kind == tkName && len(parts) < 8 {
		j -= 2
		parts = append(parts, f.text(j))
	}
	c.start = j
	if j >= 1 && f.isOp(j-1, ".") {
		parts = append(parts, "…")
		c.start = j - 1
	}
	c.recv = len(parts) > 1
	c.first = parts[len(parts)-1]
	for l, r := 0, len(parts)-1; l < r; l, r = l+1, r-1 {
		parts[l], parts[r] = parts[r], parts[l]
	}
	c.chain = short(strings.ToValidUTF8(strings.Join(parts, "."), "\uFFFD"), 40)
	return c
}

type arg struct {
	from, to int
	kw       string // keyword name, "" for positional
	star     bool   // *args or **kwargs
	kwTok    int
}

// args splits a call's arguments at its top-level commas.
func (f *pyfile) args(c call) []arg {
	end := c.close
	if end < 0 {
		end = f.lineEnd(c.open)
	}
	var out []arg
	start := c.open + 1
	for i := start; ; i = f.skip(i, end) {
		if i < end && !f.isOp(i, ",") {
			continue
		}
		if i > end {
			i = end
		}
		if i > start {
			a := arg{from: start, to: i}
			switch {
			case i-start >= 2 && f.toks[start].kind == tkName && f.isOp(start+1, "="):
				a.kw, a.kwTok, a.from = f.text(start), start, start+2
			case f.isOp(start, "*") || f.isOp(start, "**"):
				a.star = true
			}
			out = append(out, a)
		}
		if i >= end {
			return out
		}
		start = i + 1
	}
}

// lineEnd returns the end of the logical line holding token i.
func (f *pyfile) lineEnd(i int) int {
	lo, hi := 0, len(f.lines)
	for lo < hi {
		m := (lo + hi) / 2
		if f.lines[m].to <= i {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < len(f.lines) {
		return f.lines[lo].to
	}
	return len(f.toks)
}

// skip returns the index after token i at its nesting level: past the
// partner of an opening bracket (end for an unclosed one). Loops that
// step with it visit only one level of a bracket's contents, which keeps
// the rules linear however deeply brackets nest.
func (f *pyfile) skip(i, end int) int {
	if f.toks[i].kind == tkOp && f.toks[i].end-f.toks[i].start == 1 {
		switch f.src[f.toks[i].start] {
		case '(', '[', '{':
			if m := f.partner(i); m > i && m < end {
				return m + 1
			}
			return end
		}
	}
	return i + 1
}

func positional(args []arg) []arg {
	var out []arg
	for _, a := range args {
		if a.kw == "" && !a.star {
			out = append(out, a)
		}
	}
	return out
}

func kwarg(args []arg, name string) (arg, bool) {
	for _, a := range args {
		if a.kw == name {
			return a, true
		}
	}
	return arg{}, false
}

func hasStar(args []arg) bool {
	for _, a := range args {
		if a.star {
			return true
		}
	}
	return false
}

func (f *pyfile) callRules(s stmt) {
	for i := s.from; i+1 < s.to; i++ {
		if f.toks[i].kind != tkName || !f.isOp(i+1, "(") {
			continue
		}
		if i > 0 && (f.isName(i-1, "def") || f.isName(i-1, "class")) {
			continue
		}
		c := f.call(i)
		args := f.args(c)
		f.bareCall(c)
		f.callRule(s, c, args)
		for _, a := range args {
			f.kwargRule(s, c, a)
		}
	}
}

func (f *pyfile) callRule(s stmt, c call, args []arg) {
	line := f.toks[c.start].line
	switch c.last {
	case "run":
		if d, ok := kwarg(args, "debug"); ok && c.recv && c.first != "asyncio" && f.isTrue(d.from, d.to) {
			detail := c.chain + "(debug=True)"
			if scopeName(s.fr) == "__main__" {
				detail += ` under if __name__ == "__main__"`
			}
			f.addAt(DebugRun, s, int(f.toks[d.kwTok].start), int(line), detail, "")
		}
	case "run_simple":
		if d, ok := kwarg(args, "use_debugger"); ok && f.isTrue(d.from, d.to) {
			detail := c.chain + "(use_debugger=True)"
			if scopeName(s.fr) == "__main__" {
				detail += ` under if __name__ == "__main__"`
			}
			f.addAt(DebugRun, s, int(f.toks[d.kwTok].start), int(line), detail, "")
		}
	case "render_template_string":
		f.templateString(s, c, args)
	case "Markup":
		if (!c.recv || c.first == "markupsafe" || c.first == "flask" || c.first == "jinja2") && len(args) > 0 {
			from := args[0].from
			if args[0].kw != "" {
				from = args[0].kwTok
			}
			f.addAt(MarkupSafe, s, int(f.toks[c.name].start), int(line), c.chain+"("+f.render(from, args[0].to, -1, -1, "")+")", "")
		}
	case "CORS":
		f.corsCall(s, c, args)
	case "init_app":
		if c.recv && strings.Count(c.chain, ".") == 1 && f.corsNames[c.first] {
			f.corsCall(s, c, args)
		}
	case "cross_origin":
		f.crossOrigin(s, c, args)
	case "update", "from_mapping":
		if strings.HasSuffix(c.chain, "config."+c.last) {
			f.configDebug(s, c, args)
		}
	case "from_object":
		f.fromObject(s, c, args)
	case "putenv":
		if p := positional(args); len(p) == 2 {
			if k, _, ok := f.literal(p[0].from, p[0].to); ok && k == "PGSSLMODE" {
				if mode, ok := f.mode(p[1].from, p[1].to); ok {
					f.addAt(SSLMode, s, int(f.toks[p[0].from].start), int(line), c.chain+`("PGSSLMODE", "`+mode+`")`, mode)
				}
			}
		}
	}
	if !isGetter(c) {
		return
	}
	p := positional(args)
	if len(p) == 0 {
		return
	}
	key, _, ok := f.literal(p[0].from, p[0].to)
	if !ok {
		return
	}
	f.configLookup(c, key)
	switch {
	case secretNames[key]:
		if da, db, ok := f.getterDefault(c); ok {
			if v, isBytes, ok := f.literal(da, db); ok && v != "" {
				end := c.close + 1
				if c.close < 0 {
					end = f.lineEnd(c.open)
				}
				f.addAt(SecretFallback, s, int(f.toks[da].start), int(line), f.render(c.start, end, da, db, masked(v, isBytes)), key)
			}
		}
	case key == "PGSSLMODE" && c.last == "setdefault":
		if da, db, ok := f.getterDefault(c); ok {
			if mode, ok := f.mode(da, db); ok {
				f.addAt(SSLMode, s, int(f.toks[da].start), int(line), c.chain+`("PGSSLMODE", "`+mode+`")`, mode)
			}
		}
	}
}

// kwargRule applies the rules about keyword arguments of any call.
func (f *pyfile) kwargRule(s stmt, c call, a arg) {
	if a.kw == "" {
		return
	}
	line := f.toks[a.kwTok].line
	switch {
	case secretNames[a.kw]:
		f.secretValue(s, int(line), a.kw, a.from, a.to, func(rhs string) string {
			return c.chain + "(" + a.kw + "=" + rhs + ")"
		})
	case a.kw == "sslmode" || a.kw == "PGSSLMODE":
		if mode, ok := f.mode(a.from, a.to); ok {
			f.add(SSLMode, s, a.kwTok, c.chain+"("+a.kw+`="`+mode+`")`, mode)
		}
	case a.kw == "ssl":
		if mode, ok := f.mode(a.from, a.to); ok && sslModes[mode] {
			f.add(SSLMode, s, a.kwTok, c.chain+`(ssl="`+mode+`")`, mode)
		}
	case a.kw == "ssl_require":
		if f.isTrue(a.from, a.to) {
			f.add(SSLRequire, s, a.kwTok, c.chain+"(ssl_require=True)", "")
		}
	case a.kw == "CORS_ORIGINS" || a.kw == "CORS_RESOURCES":
		f.corsSetting(s, a.kwTok, a.kw, a.from, a.to, c.chain+"("+a.kw+"=")
	}
}

// templateString reports render_template_string with a template that is not
// a plain literal: the template source may then carry user input (SSTI).
func (f *pyfile) templateString(s stmt, c call, args []arg) {
	var src arg
	found := false
	if p := positional(args); len(p) > 0 {
		src, found = p[0], true
	} else if a, ok := kwarg(args, "source"); ok {
		src, found = a, true
	} else if hasStar(args) {
		src, found = args[0], true
	}
	if !found {
		return
	}
	if !src.star {
		if _, _, ok := f.literal(src.from, src.to); ok {
			return
		}
		if _, _, ok := f.constant(src.from, src.to); ok {
			return
		}
	}
	from := src.from
	if src.kw != "" {
		from = src.kwTok
	}
	detail := c.chain + "(" + f.render(from, src.to, -1, -1, "")
	if len(args) > 1 {
		detail += ", …"
	}
	f.addAt(TemplateString, s, int(f.toks[c.name].start), int(f.toks[c.start].line), detail+")", "")
}

// configDebug reports app.config.update(DEBUG=True),
// app.config.update({"DEBUG": True}) and app.config.update(dict(DEBUG=True)),
// and the same given to from_mapping.
func (f *pyfile) configDebug(s stmt, c call, args []arg) {
	for _, a := range args {
		if csrfSwitch[a.kw] && f.isFalse(a.from, a.to) {
			f.add(CSRFOff, s, a.kwTok, c.chain+"("+a.kw+"=False)", a.kw)
		}
		if a.kw == "DEBUG" && f.isTrue(a.from, a.to) {
			f.add(DebugConfig, s, a.kwTok, c.chain+"(DEBUG=True)", "")
		}
		if from := a.from; a.kw == "" && (!a.star || f.isOp(from, "**")) {
			if a.star {
				from++
			}
			if from+1 < a.to && f.isName(from, "dict") && f.isOp(from+1, "(") {
				d := f.call(from)
				if kw, ok := kwarg(f.args(d), "DEBUG"); ok && f.isTrue(kw.from, kw.to) {
					f.add(DebugConfig, s, kw.kwTok, c.chain+"(dict(DEBUG=True))", "")
				}
			}
		}
		if a.kw != "" || a.star || !f.isOp(a.from, "{") {
			continue
		}
		f.dictEntries(a.from, func(key string, kt, va, vb int) {
			if key == "DEBUG" && f.isTrue(va, vb) {
				f.add(DebugConfig, s, kt, c.chain+`({"DEBUG": True})`, "")
			}
			if csrfSwitch[key] && f.isFalse(va, vb) {
				f.add(CSRFOff, s, kt, c.chain+`({"`+key+`": False})`, key)
			}
		})
	}
}

// dictEntries calls fn for each string-keyed entry of the dict display
// opened at token open.
func (f *pyfile) dictEntries(open int, fn func(key string, keyTok, va, vb int)) {
	end := f.partner(open)
	if end < 0 {
		end = f.lineEnd(open)
	}
	for i := open + 1; i+1 < end; i = f.skip(i, end) {
		if f.toks[i].kind != tkString || !f.isOp(i+1, ":") || !(f.isOp(i-1, "{") || f.isOp(i-1, ",")) {
			continue
		}
		key, ok := f.strValue(i)
		if !ok {
			continue
		}
		vb := i + 2
		for vb < end && !f.isOp(vb, ",") {
			vb = f.skip(vb, end)
		}
		fn(key, i, i+2, vb)
		i = vb - 1 // resume at the comma
	}
}

// dictRules applies the rules about dict entries anywhere in a statement:
// {"SECRET_KEY": "..."}, connect_args={"sslmode": "require"}.
func (f *pyfile) dictRules(s stmt) {
	for i := s.from; i < s.to; i++ {
		if !f.isOp(i, "{") {
			continue
		}
		f.dictEntries(i, func(key string, kt, va, vb int) {
			line := f.toks[kt].line
			switch {
			case secretNames[key]:
				f.secretValue(s, int(line), key, va, vb, func(rhs string) string {
					return `{"` + key + `": ` + rhs + "}"
				})
			case key == "sslmode" || key == "PGSSLMODE":
				if mode, ok := f.mode(va, vb); ok {
					f.add(SSLMode, s, kt, `{"`+key+`": "`+mode+`"}`, mode)
				}
			case key == "ssl":
				if mode, ok := f.mode(va, vb); ok && sslModes[mode] {
					f.add(SSLMode, s, kt, `{"ssl": "`+mode+`"}`, mode)
				}
			case key == "CORS_ORIGINS" || key == "CORS_RESOURCES":
				f.corsSetting(s, kt, key, va, vb, `{"`+key+`": `)
			}
		})
	}
}

// --- CORS ---

// isWildcard reports whether [a, b) is the origin "*" (or the regex ".*"),
// or a list, tuple or set holding it.
func (f *pyfile) isWildcard(a, b int) bool {
	a, b = f.stripParens(a, b)
	if a >= b {
		return false
	}
	if f.isWildcardLit(a, b) {
		return true
	}
	if (f.isOp(a, "[") || f.isOp(a, "(") || f.isOp(a, "{")) && f.partner(a) == b-1 {
		start := a + 1
		for i := a + 1; i < b; i = f.skip(i, b) {
			if i == b-1 || f.isOp(i, ",") {
				if i > start && f.isWildcardLit(start, i) {
					return true
				}
				start = i + 1
			}
		}
	}
	return false
}

func (f *pyfile) isWildcardLit(a, b int) bool {
	v, _, ok := f.literal(a, b)
	return ok && (v == "*" || v == ".*" || v == "^.*$")
}

// corsSetting handles CORS_ORIGINS / CORS_RESOURCES set in code: "*" is a
// finding; anything else means Flask-CORS reads its origins from config.
func (f *pyfile) corsSetting(s stmt, tok int, key string, a, b int, prefix string) {
	if key == "CORS_ORIGINS" && f.isWildcard(a, b) {
		detail := prefix + `"*"`
		if strings.HasSuffix(prefix, "(CORS_ORIGINS=") {
			detail += ")"
		} else if strings.HasPrefix(prefix, "{") {
			detail += "}"
		}
		f.add(CORSAll, s, tok, detail, "")
		return
	}
	f.corsConfigured = true
}

func (f *pyfile) corsCall(s stmt, c call, args []arg) {
	_, kwApp := kwarg(args, "app")
	if len(positional(args)) == 0 && !kwApp {
		return // CORS() alone: configured by init_app later
	}
	line := f.toks[c.start].line
	creds := ""
	if a, ok := kwarg(args, "supports_credentials"); ok && f.isTrue(a.from, a.to) {
		creds = ", supports_credentials=True"
	}
	if a, ok := kwarg(args, "origins"); ok {
		if f.isWildcard(a.from, a.to) {
			f.add(CORSAll, s, a.kwTok, c.chain+`(app, origins="*"`+creds+")", "")
		}
		return
	}
	if a, ok := kwarg(args, "resources"); ok {
		if f.resourcesWildcard(a.from, a.to) {
			f.add(CORSAll, s, a.kwTok, c.chain+`(app, resources={…: {"origins": "*"}}`+creds+")", "")
		}
		return
	}
	if hasStar(args) {
		return // options from **kwargs: unknown
	}
	f.out = append(f.out, result{
		Finding: Finding{Kind: CORSAll, File: f.path, Line: int(line), Scope: scopeName(s.fr),
			Detail: c.chain + "(app" + creds + ") with no origins: every origin is allowed"},
		at:       int(f.toks[c.name].start),
		bareCORS: true,
	})
}

// resourcesWildcard reports an "origins": "*" entry in a resources value.
func (f *pyfile) resourcesWildcard(a, b int) bool {
	if b-a > maxExpr {
		return false
	}
	found := false
	for i := a; i < b; i++ {
		if f.isOp(i, "{") {
			f.dictEntries(i, func(key string, _, va, vb int) {
				if key == "origins" && f.isWildcard(va, vb) {
					found = true
				}
			})
		}
	}
	return found
}

func (f *pyfile) crossOrigin(s stmt, c call, args []arg) {
	line := f.toks[c.start].line
	if a, ok := kwarg(args, "origins"); ok {
		if f.isWildcard(a.from, a.to) {
			f.add(CORSAll, s, a.kwTok, c.chain+`(origins="*")`, "")
		}
		return
	}
	if p := positional(args); len(p) > 0 {
		if f.isWildcard(p[0].from, p[0].to) {
			f.add(CORSAll, s, p[0].from, c.chain+`("*")`, "")
		}
		return
	}
	if _, ok := kwarg(args, "resources"); ok || hasStar(args) {
		return
	}
	f.out = append(f.out, result{
		Finding: Finding{Kind: CORSAll, File: f.path, Line: int(line), Scope: scopeName(s.fr),
			Detail: c.chain + "() with no origins: every origin is allowed"},
		at:       int(f.toks[c.name].start),
		bareCORS: true,
	})
}

// --- string contents: sslmode in URLs, postgres:// rewrites ---

func (f *pyfile) stringRules(s stmt) {
	for i := s.from; i < s.to; i++ {
		t := f.toks[i]
		if t.kind != tkString {
			continue
		}
		var v string
		if t.flags&pytok.Fields != 0 {
			v = string(f.src[t.cs:t.ce]) // literal parts are what matters
		} else {
			v, _ = f.strValue(i)
		}
		if mode, ok := urlSSLMode(v); ok {
			f.add(SSLMode, s, i, "sslmode="+mode+" in a connection URL or DSN literal", mode)
		}
	}
}

// urlSSLMode finds sslmode=MODE in a connection URL's query or a libpq
// key=value DSN. Prose that mentions it is not matched.
func urlSSLMode(v string) (string, bool) {
	i := strings.Index(v, "sslmode=")
	if i < 0 {
		return "", false
	}
	if i > 0 {
		switch v[i-1] {
		case '?', '&', ' ', ';':
		default:
			return "", false
		}
	}
	urlish := strings.Contains(v, "://") || v[0] == '?' || v[0] == '&'
	if !urlish {
		// A DSN: every field is key=value.
		urlish = true
		for _, fld := range strings.Fields(v) {
			if !strings.Contains(fld, "=") {
				urlish = false
				break
			}
		}
	}
	if !urlish {
		return "", false
	}
	j := i + len("sslmode=")
	k := j
	for k < len(v) && (v[k]|0x20 >= 'a' && v[k]|0x20 <= 'z' || v[k] == '-') {
		k++
	}
	mode := v[j:k]
	if !validMode(mode) {
		return "", false
	}
	return mode, true
}

func isOldScheme(v string) bool {
	v = strings.TrimPrefix(strings.ToLower(v), "^")
	return v == "postgres" || strings.HasPrefix(v, "postgres:")
}

func isNewScheme(v string) bool {
	return strings.HasPrefix(strings.ToLower(v), "postgresql")
}

func (f *pyfile) scanStrings(s stmt, fn func(v string) bool) bool {
	for i := s.from; i < s.to; i++ {
		t := f.toks[i]
		if t.kind != tkString {
			continue
		}
		var v string
		if t.flags&pytok.Fields != 0 {
			v = string(f.src[t.cs:t.ce])
		} else {
			v, _ = f.strValue(i)
		}
		if fn(v) {
			return true
		}
	}
	return false
}

func (f *pyfile) pgHasOld(s stmt) bool { return f.scanStrings(s, isOldScheme) }
func (f *pyfile) pgHasNew(s stmt) bool { return f.scanStrings(s, isNewScheme) }

// pgRewrite reports a statement that turns postgres:// into postgresql://:
// both schemes appear, and something rewrites (replace/sub, concatenation,
// drivername=) rather than merely tests for either.
func (f *pyfile) pgRewrite(s stmt) bool {
	if !f.pgHasOld(s) || !f.pgHasNew(s) {
		return false
	}
	for i := s.from; i < s.to; i++ {
		switch {
		case f.isOp(i, "+"), f.isName(i, "drivername"):
			return true
		case f.toks[i].kind == tkName && f.isOp(i+1, "(") && i+1 < s.to:
			switch f.text(i) {
			case "replace", "sub", "subn", "set", "_replace":
				return true
			}
		}
	}
	return false
}
