package pysrc

import (
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Which config class does an app load when nothing is configured? Flask
// apps commonly pick a config class by name from the environment with a
// default:
//
//	config = {"development": DevelopmentConfig, "default": DevelopmentConfig}
//	app.config.from_object(config[os.getenv("FLASK_CONFIG", "default")])
//	app.config.from_object(os.environ.get("APP_SETTINGS", "config.DevelopmentConfig"))
//	app.config.from_object("config.DevelopmentConfig")
//
// A class with DEBUG = True that the default names is what production runs
// when the variable is not set. The selections and the name-to-class maps
// are often in different files, so each file records them and Scan joins
// them.

// configSelect is a config class chosen by name: the default of an
// environment lookup (env is the variable), or a from_object argument that
// does not depend on the environment (env is "").
type configSelect struct {
	env  string
	name string // a map key, a class name or a dotted path to a class
	file string
	line int
	// factory and param: the selection is the default of a parameter of
	// an app factory, `def create_app(config_name="development")`, used
	// only where something calls the factory with no arguments.
	factory, param string
}

// classFact is a class statement: its bases (last names, in order) and
// whether its body assigns DEBUG itself, to any value, on any path.
type classFact struct {
	name      string
	bases     []string
	setsDebug bool
}

// configEntry is one `"key": ClassName` entry of a dict display.
type configEntry struct {
	key, class string
}

// maxConfigFacts bounds what one file records, so hostile input stays cheap.
const maxConfigFacts = 256

// selectorName matches what a config default looks like: a key or a dotted
// path, never a URL or a secret.
var selectorName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_.]{0,99}$`)

// envName matches an environment variable's name as code spells it.
var envName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,63}$`)

// configVarName reports whether an environment variable's name says it
// picks the app's configuration: FLASK_CONFIG, APP_SETTINGS, FLASK_ENV,
// CONFIG_NAME, ENVIRONMENT.
func configVarName(key string) bool {
	if !envName.MatchString(key) {
		return false
	}
	u := strings.ToUpper(key)
	return strings.Contains(u, "CONFIG") || strings.Contains(u, "SETTINGS") ||
		u == "ENV" || u == "ENVIRONMENT" || strings.HasSuffix(u, "_ENV") || strings.HasSuffix(u, "_ENVIRONMENT")
}

// inFromObject reports whether token i sits inside the arguments of a
// from_object(...) call, a few brackets deep at most.
func (f *pyfile) inFromObject(i int) bool {
	for o, k := f.opener(i), 0; o > 0 && k < 8; o, k = f.opener(o), k+1 {
		if f.isOp(o, "(") && f.isName(o-1, "from_object") {
			return true
		}
	}
	return false
}

// configLookup records the default of an environment lookup that picks
// the config: os.getenv("FLASK_CONFIG", "default"),
// os.environ.get("APP_SETTINGS", "config.DevelopmentConfig"),
// os.getenv("FLASK_CONFIG") or "default". key is the variable's name.
func (f *pyfile) configLookup(c call, key string) {
	if len(f.selects) >= maxConfigFacts || !envName.MatchString(key) || !configVarName(key) && !f.inFromObject(c.name) {
		return
	}
	var def string
	if da, db, ok := f.getterDefault(c); ok {
		def, _, _ = f.literal(da, db)
	} else if c.close > 0 && f.isName(c.close+1, "or") && c.close+2 < len(f.toks) {
		def, _, _ = f.literal(c.close+2, c.close+3)
	}
	if !selectorName.MatchString(def) {
		return
	}
	f.selects = append(f.selects, configSelect{env: key, name: def, file: f.path, line: int(f.toks[c.start].line)})
}

// fromObject records app.config.from_object("config.DevelopmentConfig")
// and from_object(DevelopmentConfig): a class loaded whatever the
// environment says, unless the call sits in a conditional block; and
// from_object(config[config_name]) in `def create_app(config_name="dev")`.
func (f *pyfile) fromObject(s stmt, c call, args []arg) {
	p := positional(args)
	if len(p) != 1 || len(args) != 1 || len(f.selects) >= maxConfigFacts || conditional(s.fr) {
		return
	}
	if sel, ok := f.factoryDefault(s, p[0]); ok {
		sel.line = int(f.toks[c.start].line)
		f.selects = append(f.selects, sel)
		return
	}
	name, ok := f.dottedName(p[0].from, p[0].to)
	if !ok {
		v, _, lit := f.literal(p[0].from, p[0].to)
		if !lit || !selectorName.MatchString(v) {
			return
		}
		name = v
	}
	f.selects = append(f.selects, configSelect{name: name, file: f.path, line: int(f.toks[c.start].line)})
}

// factoryDefault reads a from_object argument that is a parameter of the
// enclosing function, or a map indexed by one (`config[config_name]`), when
// that parameter has a string default: `def create_app(config_name="dev")`.
func (f *pyfile) factoryDefault(s stmt, a arg) (configSelect, bool) {
	var fn *frame
	for fr := s.fr; fr != nil; fr = fr.parent {
		if fr.kind == frDef {
			fn = fr
			break
		}
		if fr.kind == frClass {
			return configSelect{}, false
		}
	}
	x, y := f.stripParens(a.from, a.to)
	var param int
	switch {
	case fn == nil:
		return configSelect{}, false
	case y-x == 1 && f.toks[x].kind == tkName:
		param = x
	case y-x == 4 && f.toks[x].kind == tkName && f.isOp(x+1, "[") && f.toks[x+2].kind == tkName && f.isOp(x+3, "]"):
		param = x + 2
	default:
		return configSelect{}, false
	}
	name := f.text(param)
	def, ok := f.paramDefault(fn, name)
	if !ok || !selectorName.MatchString(def) {
		return configSelect{}, false
	}
	return configSelect{name: def, file: f.path, factory: fn.name, param: name}, true
}

// paramDefault returns the string literal a def's parameter defaults to:
// `name="x"` or `name: str = "x"` directly inside its parentheses.
func (f *pyfile) paramDefault(fn *frame, name string) (string, bool) {
	open := -1
	for i := fn.from; i+2 < fn.to; i++ {
		if f.isName(i, "def") && f.isOp(i+2, "(") {
			open = i + 2
			break
		}
	}
	if open < 0 {
		return "", false
	}
	end := f.partner(open)
	for i := open + 1; i < end; i++ {
		if f.opener(i) != open || !f.isName(i, name) || !(f.isOp(i-1, "(") || f.isOp(i-1, ",")) {
			continue
		}
		j := i + 1
		if f.isOp(j, ":") { // an annotation: skip to its '='
			for j < end && !(f.isOp(j, "=") && f.opener(j) == open) && !(f.isOp(j, ",") && f.opener(j) == open) {
				j++
			}
		}
		if !f.isOp(j, "=") {
			return "", false
		}
		k := j + 1
		for k < end && !(f.isOp(k, ",") && f.opener(k) == open) {
			k++
		}
		v, _, ok := f.literal(j+1, k)
		return v, ok
	}
	return "", false
}

// bareCall records a call with no arguments, `create_app()`, by the
// callee's last name: it is what uses an app factory's defaults.
func (f *pyfile) bareCall(c call) {
	if len(f.bareCalls) >= maxConfigFacts || c.close != c.open+1 {
		return
	}
	if _, seen := f.bareCalls[c.last]; !seen {
		f.bareCalls[c.last] = f.path + ":" + strconv.Itoa(int(f.toks[c.name].line))
	}
}

// conditional reports whether a statement runs only on some paths of its
// function or module: inside an if, a loop, a try, or under __main__.
func conditional(fr *frame) bool {
	for ; fr != nil; fr = fr.parent {
		switch fr.kind {
		case frClass, frDef:
			return false
		case frBlock, frMain:
			return true
		}
	}
	return false
}

// dottedName returns the last name of [a, b) when it is a name or a dotted
// name (config.DevelopmentConfig).
func (f *pyfile) dottedName(a, b int) (string, bool) {
	a, b = f.stripParens(a, b)
	if a >= b || (b-a)%2 == 0 {
		return "", false
	}
	for i := a; i < b; i++ {
		if (i-a)%2 == 0 && f.toks[i].kind != tkName || (i-a)%2 == 1 && !f.isOp(i, ".") {
			return "", false
		}
	}
	return f.text(b - 1), true
}

// configMaps records the `"key": ClassName` entries of the dict displays in
// a statement (a class given by name or by a dotted path string).
func (f *pyfile) configMaps(s stmt) {
	for i := s.from; i < s.to && len(f.entries) < maxConfigFacts; i++ {
		if !f.isOp(i, "{") {
			continue
		}
		f.dictEntries(i, func(key string, _, va, vb int) {
			if len(f.entries) >= maxConfigFacts {
				return
			}
			class, ok := f.dottedName(va, vb)
			if !ok {
				v, _, lit := f.literal(va, vb)
				if !lit || !selectorName.MatchString(v) {
					return
				}
				class = v[strings.LastIndex(v, ".")+1:]
			}
			if class != "" && class[0] >= 'A' && class[0] <= 'Z' {
				f.entries = append(f.entries, configEntry{key: key, class: class})
			}
		})
	}
}

// classHeader records a class statement and its bases:
// `class ProductionConfig(Config, mixins.Logging, metaclass=M):`.
func (f *pyfile) classHeader(s stmt) {
	if len(f.classes) >= maxConfigFacts || s.header.name == "" {
		return
	}
	c := classFact{name: s.header.name}
	for i := s.from; i < s.to; i++ {
		if !f.isOp(i, "(") {
			continue
		}
		end := f.partner(i)
		for a := i + 1; a < end && len(c.bases) < 8; {
			b := a
			for b < end && !(f.isOp(b, ",") && f.opener(b) == i) {
				b++
			}
			if name, ok := f.dottedName(a, b); ok { // keyword arguments are not bases
				c.bases = append(c.bases, name)
			}
			a = b + 1
		}
		break
	}
	f.classes = append(f.classes, c)
}

// classSetsDebug marks the class whose body (not a method) assigns DEBUG.
func (f *pyfile) classSetsDebug(s stmt) {
	class, ok := classBody(s.fr)
	if !ok {
		return
	}
	for i := len(f.classes) - 1; i >= 0; i-- {
		if f.classes[i].name == class {
			f.classes[i].setsDebug = true
			return
		}
	}
}

// inheritedDebug returns the classes whose DEBUG = True a class takes
// through its bases, for a class that does not set DEBUG itself.
func inheritedDebug(class string, classes map[string][]classFact, debugTrue map[string]bool) []string {
	for _, c := range classes[class] {
		if c.setsDebug {
			return nil
		}
	}
	return slices.DeleteFunc(debugProviders(class, classes), func(n string) bool { return n == class || !debugTrue[n] })
}

// defaultConfigs adds a DebugDefaultConfig finding for each config class
// with DEBUG = True (a DebugConfig finding in a class body) that a
// selection names by default, directly or through a map.
func defaultConfigs(rs []result, selects []configSelect, entries []configEntry, classList []classFact, bareCalls map[string]string) []result {
	// a factory's default applies where something calls it bare
	selects = slices.DeleteFunc(slices.Clone(selects), func(sel configSelect) bool {
		return sel.factory != "" && bareCalls[sel.factory] == ""
	})
	classes := map[string][]classFact{}
	for _, c := range classList {
		classes[c.name] = append(classes[c.name], c)
	}
	rs = keepLoadedClassDebug(rs, selects, classes)
	if len(selects) == 0 {
		return rs
	}
	debugTrue := map[string]bool{}
	for _, r := range rs {
		if r.Kind == DebugConfig && r.Scope != "" && r.Detail == "DEBUG = True in "+r.Scope {
			debugTrue[r.Scope] = true
		}
	}
	chosen := map[string][]configSelect{} // class -> selections naming it
	for _, sel := range selects {
		classes := map[string]bool{sel.name[strings.LastIndex(sel.name, ".")+1:]: true}
		for _, e := range entries {
			if e.key == sel.name {
				classes[e.class] = true
			}
		}
		for c := range classes {
			if len(chosen[c]) < 4 {
				chosen[c] = append(chosen[c], sel)
			}
		}
	}
	// a chosen class that inherits DEBUG = True: reported at the base's
	// assignment, naming the class loaded
	inherits := map[string][]string{} // base -> chosen classes inheriting its DEBUG = True
	for _, c := range slices.Sorted(maps.Keys(chosen)) {
		for _, base := range inheritedDebug(c, classes, debugTrue) {
			inherits[base] = append(inherits[base], c)
		}
	}
	out := rs
	for _, r := range rs {
		if r.Kind != DebugConfig || r.Scope == "" || r.Detail != "DEBUG = True in "+r.Scope {
			continue
		}
		for _, sel := range chosen[r.Scope] {
			out = append(out, loadedDebug(r, sel, r.Scope, "DEBUG = True in "+r.Scope, bareCalls))
		}
		for _, c := range inherits[r.Scope] {
			for _, sel := range chosen[c] {
				out = append(out, loadedDebug(r, sel, c, "DEBUG = True in "+r.Scope+", inherited by "+c, bareCalls))
			}
		}
	}
	return out
}

// keepLoadedClassDebug keeps a config class's DEBUG-from-the-environment
// findings only where the app loads the class whatever the environment
// says (from_object("config.Config"), from_object(Config)), itself or as
// the base a loaded class takes DEBUG from.
func keepLoadedClassDebug(rs []result, selects []configSelect, classes map[string][]classFact) []result {
	loaded := map[string]bool{}
	for _, sel := range selects {
		if sel.env != "" || sel.factory != "" {
			continue
		}
		name := sel.name[strings.LastIndex(sel.name, ".")+1:]
		loaded[name] = true
		for _, p := range debugProviders(name, classes) {
			loaded[p] = true
		}
	}
	return slices.DeleteFunc(rs, func(r result) bool { return r.inClass && !loaded[r.Scope] })
}

// debugProviders returns the classes a class takes DEBUG from: itself if
// it sets it, else the first base that does, as Python looks the attribute
// up: base by base, left to right, depth first (the MRO of single and
// simple multiple inheritance). Same-named classes are each followed: any
// could be the one imported.
func debugProviders(class string, classes map[string][]classFact) []string {
	var out []string
	seen := map[string]bool{}
	var walk func(name string, depth int) bool // true once DEBUG is set on the path
	walk = func(name string, depth int) bool {
		if depth > 10 || seen[name] {
			return false
		}
		seen[name] = true
		settled := false
		for _, c := range classes[name] {
			if c.setsDebug {
				out = append(out, name)
				settled = true
				continue
			}
			for _, b := range c.bases {
				if walk(b, depth+1) {
					settled = true
					break
				}
			}
		}
		return settled
	}
	walk(class, 0)
	return out
}

// loadedDebug is the DebugDefaultConfig finding of a DEBUG = True (r) that
// the selection sel loads; what says where DEBUG comes from.
func loadedDebug(r result, sel configSelect, loaded, what string, bareCalls map[string]string) result {
	n := r
	n.Kind, n.Value, n.Loaded = DebugDefaultConfig, sel.env, loaded
	where := sel.file + ":" + strconv.Itoa(sel.line)
	switch {
	case sel.factory != "":
		n.Detail = clip(what + ", " + sel.factory + "()'s default (" + where + "), called bare at " + bareCalls[sel.factory])
	case sel.env == "":
		n.Detail = clip(what + ", the config " + where + " loads")
	default:
		n.Detail = clip(what + ", the config " + where + " loads when " + sel.env + " is unset")
	}
	return n
}
