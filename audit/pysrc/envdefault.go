package pysrc

import (
	"slices"
	"strconv"
	"strings"
)

// DEBUG taken from the environment with a default that is on:
//
//	app.config["DEBUG"] = os.environ.get("DEBUG", True)
//	DEBUG = os.getenv("FLASK_DEBUG", "True") == "True"
//	app.debug = bool(os.getenv("DEBUG", 1))
//
// is debug mode on a dyno where the variable is not set. envDefaultOn
// evaluates such an expression for the unset variable.

// pyVal is a Python literal's value: a string, a bool, None or an int.
type pyVal struct {
	kind byte // 's' string, 'b' bool, 'n' None, 'i' int
	s    string
	b    bool
	i    int64
}

func (v pyVal) truthy() bool {
	switch v.kind {
	case 's':
		return v.s != ""
	case 'b':
		return v.b
	case 'i':
		return v.i != 0
	}
	return false
}

// pyLiteral reads a single literal: a string, True, False, None or an int.
func (f *pyfile) pyLiteral(a, b int) (pyVal, bool) {
	a, b = f.stripParens(a, b)
	if s, _, ok := f.literal(a, b); ok {
		return pyVal{kind: 's', s: s}, true
	}
	neg := false
	if b-a == 2 && f.isOp(a, "-") {
		neg, a = true, a+1
	}
	if b-a != 1 {
		return pyVal{}, false
	}
	switch {
	case f.isName(a, "True"), f.isName(a, "False"):
		return pyVal{kind: 'b', b: f.isName(a, "True")}, true
	case f.isName(a, "None"):
		return pyVal{kind: 'n'}, true
	case f.toks[a].kind == tkNumber:
		n, err := strconv.ParseInt(strings.ReplaceAll(f.text(a), "_", ""), 0, 64)
		if err != nil {
			return pyVal{}, false
		}
		if neg {
			n = -n
		}
		return pyVal{kind: 'i', i: n}, true
	}
	return pyVal{}, false
}

// envGetters are the calls that read one environment variable with a
// default.
var envGetters = map[string]bool{"os.environ.get": true, "environ.get": true, "os.getenv": true, "getenv": true}

// envDefaultOn reports whether [a, b) reads an environment variable and is
// true when that variable is unset. It follows the getter alone (Python
// truthiness: any non-empty string is true, "False" included), wrapped in
// bool(), int() or strtobool(), then .lower() / .upper() / .strip(), and
// compared with ==, != or (not) in a literal or a tuple, list or set of
// them. Anything else is not judged.
//
// raw reports that the variable's text is used as it is (maybe through
// bool()): set to any non-empty text, "False" and "0" included, it is true.
func (f *pyfile) envDefaultOn(a, b int) (env string, on, raw bool) {
	a, b = f.stripParens(a, b)
	// one wrapper call around the whole expression
	conv := ""
	if b-a > 3 && f.toks[a].kind == tkName && f.isOp(a+1, "(") && f.partner(a+1) == b-1 {
		switch f.text(a) {
		case "bool", "int", "strtobool":
			conv = f.text(a)
			a, b = a+2, b-1
		}
	}
	// the getter: a dotted name and its call
	i := a
	for i+2 < b && f.toks[i].kind == tkName && f.isOp(i+1, ".") {
		i += 2
	}
	if i+1 >= b || f.toks[i].kind != tkName || !f.isOp(i+1, "(") {
		return "", false, false
	}
	c := f.call(i)
	if !envGetters[c.chain] || c.start != a || c.close < 0 || c.close >= b {
		return "", false, false
	}
	p := positional(f.args(c))
	if len(p) == 0 {
		return "", false, false
	}
	key, _, ok := f.literal(p[0].from, p[0].to)
	if !ok || !envName.MatchString(key) {
		return "", false, false
	}
	v := pyVal{kind: 'n'} // no default: None
	if da, db, ok := f.getterDefault(c); ok {
		if v, ok = f.pyLiteral(da, db); !ok {
			return "", false, false
		}
	}
	j := c.close + 1
	raw = j == b && (conv == "" || conv == "bool")
	// string methods
	for j+3 < b && f.isOp(j, ".") && f.toks[j+1].kind == tkName && f.isOp(j+2, "(") && f.isOp(j+3, ")") {
		if v.kind != 's' {
			return "", false, false
		}
		switch f.text(j + 1) {
		case "lower", "casefold":
			v.s = strings.ToLower(v.s)
		case "upper":
			v.s = strings.ToUpper(v.s)
		case "strip":
			v.s = strings.TrimSpace(v.s)
		default:
			return "", false, false
		}
		j += 4
	}
	switch {
	case j == b && conv == "" || j == b && conv == "bool":
		on = v.truthy()
	case j == b && conv == "int":
		if v.kind == 's' {
			n, err := strconv.ParseInt(strings.TrimSpace(v.s), 10, 64)
			if err != nil {
				return "", false, false // int("x") raises: not a setting
			}
			v = pyVal{kind: 'i', i: n}
		}
		on = v.truthy()
	case j == b && conv == "strtobool":
		if v.kind != 's' {
			return "", false, false
		}
		switch strings.ToLower(v.s) {
		case "y", "yes", "t", "true", "on", "1":
			on = true
		case "n", "no", "f", "false", "off", "0":
		default:
			return "", false, false
		}
	case conv != "":
		return "", false, false
	case j+1 < b && (f.isOp(j, "==") || f.isOp(j, "!=")):
		w, ok := f.pyLiteral(j+1, b)
		if !ok {
			return "", false, false
		}
		on = v == w
		if f.isOp(j, "!=") {
			on = !on
		}
	case j+1 < b && (f.isName(j, "in") || f.isName(j, "not") && f.isName(j+1, "in")):
		neg := f.isName(j, "not")
		if neg {
			j++
		}
		set, ok := f.literalSet(j+1, b)
		if !ok {
			return "", false, false
		}
		on = slices.Contains(set, v)
		if neg {
			on = !on
		}
	default:
		return "", false, false
	}
	return key, on, raw
}

// literalSet reads a tuple, list or set display of literals.
func (f *pyfile) literalSet(a, b int) ([]pyVal, bool) {
	if b-a < 2 || !(f.isOp(a, "(") || f.isOp(a, "[") || f.isOp(a, "{")) || f.partner(a) != b-1 {
		return nil, false
	}
	var out []pyVal
	for x := a + 1; x < b-1; {
		y := x
		for y < b-1 && !(f.isOp(y, ",") && f.opener(y) == a) {
			y++
		}
		if y > x {
			v, ok := f.pyLiteral(x, y)
			if !ok {
				return nil, false
			}
			out = append(out, v)
		}
		x = y + 1
	}
	return out, true
}

// debugTarget reports whether an assignment target is the app's debug
// switch: DEBUG, config["DEBUG"], or a .debug attribute.
func debugTarget(t target) bool {
	return t.kind == tgName && t.name == "DEBUG" || t.kind == tgSub && t.name == "DEBUG" || t.kind == tgAttr && t.name == "debug"
}

// debugFromEnv reports DEBUG set from an environment variable that
// defaults to on, where it configures the app: config["DEBUG"], app.debug
// (not self's or cls's), DEBUG at module level of a config module, or in a
// class body: counted only when the app loads that class (defaultConfigs).
func (f *pyfile) debugFromEnv(s stmt, t target, tok, va, vb int, lhs string) {
	inClass := false
	switch t.kind {
	case tgSub:
		if !f.baseIs(t, "config") {
			return
		}
	case tgAttr:
		if t.bb-t.ba != 1 || f.isName(t.ba, "self") || f.isName(t.ba, "cls") {
			return
		}
	case tgName:
		if _, ok := classBody(s.fr); ok {
			inClass = true
		} else if ok, _ := moduleLevel(s.fr); !ok || !f.configModule {
			return
		}
	}
	env, on, raw := f.envDefaultOn(va, vb)
	if !on && !raw {
		return
	}
	detail := clip(lhs + " = " + f.render(va, vb, -1, -1, ""))
	n := len(f.out)
	if on {
		f.add(DebugEnvDefault, s, tok, detail, env)
	}
	if raw {
		f.add(DebugEnvRaw, s, tok, detail, env)
	}
	for i := n; i < len(f.out); i++ {
		f.out[i].inClass = inClass
	}
}
