// Package pysrc finds security-relevant patterns in a Flask app's Python
// sources and Jinja templates: hard-coded secret keys, debug mode switched
// on in code, template injection sinks, CORS open to every origin, and how
// the code configures Postgres TLS.
//
// Matches are made on code tokens from a real (if small) Python tokenizer,
// so comments, docstrings and strings that merely mention a pattern are not
// findings. Test code, virtualenvs, vendored packages and migrations are
// skipped. The package is pure: no I/O, no global state.
//
// Findings never carry a secret: literals in Detail are masked, and Value
// holds a variable name or an sslmode, never a secret literal.
package pysrc

import (
	"maps"
	"path"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// Kind names what a finding is about.
type Kind string

const (
	// HardcodedSecret: a non-empty string literal assigned to SECRET_KEY,
	// app.secret_key, app.config["SECRET_KEY"], JWT_SECRET_KEY,
	// FLASK_SECRET_KEY or WTF_CSRF_SECRET_KEY, as an assignment, a keyword
	// argument (app.config.update(SECRET_KEY="..."), dict(...)) or a dict
	// entry. Value is the variable name.
	HardcodedSecret Kind = "hardcoded-secret"
	// SecretFallback: a literal used when the secret's environment variable
	// is unset: os.environ.get("SECRET_KEY", "dev"), os.getenv(..., "dev"),
	// os.environ.setdefault(...), `os.environ.get(...) or "dev"`.
	SecretFallback Kind = "secret-fallback"
	// DebugRun: app.run(debug=True), socketio.run(app, debug=True),
	// run_simple(..., use_debugger=True), app.debug = True. Scope is
	// "__main__" under `if __name__ == "__main__":`.
	DebugRun Kind = "debug-run"
	// DebugConfig: DEBUG = True at module level of a config module or in a
	// config class body (Scope holds the class name), app.config["DEBUG"] =
	// True, app.config.update(DEBUG=True) (also from_mapping, a dict
	// display or dict(DEBUG=True) as the argument).
	DebugConfig Kind = "debug-config"
	// DebugDefaultConfig: a config class with DEBUG = True that the app
	// loads by default: the default of the environment lookup that picks
	// the config (app.config.from_object(config[os.getenv("FLASK_CONFIG",
	// "default")]) with config = {"default": DevelopmentConfig},
	// os.environ.get("APP_SETTINGS", "config.DevelopmentConfig")), or a
	// from_object("config.DevelopmentConfig") that does not depend on the
	// environment. File, Line and Scope are those of the class's DEBUG =
	// True; Detail names where it is selected; Value is the environment
	// variable that picks another config ("" when none does).
	DebugDefaultConfig Kind = "debug-default-config"
	// DebugEnvDefault: DEBUG taken from an environment variable whose
	// default is on (app.config["DEBUG"] = os.environ.get("DEBUG", True),
	// DEBUG = os.getenv("FLASK_DEBUG", "True") == "True" in a config module,
	// app.debug = bool(os.getenv("DEBUG", 1))): debug mode wherever the
	// variable is unset. Value is the variable.
	DebugEnvDefault Kind = "debug-env-default"
	// DebugEnvRaw: DEBUG set to an environment variable's text as it is
	// (app.config["DEBUG"] = os.environ.get("DEBUG"), maybe through
	// bool()): any non-empty value, "False" and "0" included, is true.
	// Value is the variable.
	DebugEnvRaw Kind = "debug-env-raw"
	// CSRFOff: WTF_CSRF_ENABLED = False (or CSRF_ENABLED, Flask-WTF's old
	// name) as an assignment, app.config[...] = False, or given to
	// config.update / from_mapping. Scope says which config class.
	CSRFOff Kind = "csrf-off"
	// TemplateString: render_template_string with a first argument that is
	// not a plain string literal (nor a module constant bound to one).
	TemplateString Kind = "template-string"
	// MarkupSafe: Markup(...) in Python; |safe, {% filter safe %} and
	// {% autoescape false %} in templates.
	MarkupSafe Kind = "markup"
	// CORSAll: CORS(app) with neither origins= nor resources=, or origins
	// "*"; @cross_origin() with no origins; CORS_ORIGINS = "*" in code.
	CORSAll Kind = "cors-all"
	// SSLMode: sslmode set in code (connect args, a URL or DSN literal,
	// PGSSLMODE set in os.environ). Value is the mode.
	SSLMode Kind = "sslmode"
	// SSLRequire: ssl_require=True (dj_database_url.config / parse).
	SSLRequire Kind = "ssl-require"
	// PostgresRewrite: code that rewrites postgres:// to postgresql://.
	PostgresRewrite Kind = "postgres-rewrite"
)

// Finding is one match.
type Finding struct {
	Kind   Kind
	File   string // path relative to the app root, as given
	Line   int    // 1-based
	Detail string // short and human; secret literals masked
	// Value is the variable name for HardcodedSecret and SecretFallback
	// (SECRET_KEY; app.secret_key reads as SECRET_KEY), the mode for
	// SSLMode ("require") and the selecting environment variable for
	// DebugDefaultConfig; empty otherwise. Never a secret literal.
	Value string
	// Scope is the innermost enclosing class name, "__main__" under
	// `if __name__ == "__main__":`, else "". Template findings have none.
	Scope string
	// Loaded is, for DebugDefaultConfig, the class the app loads: Scope
	// itself, or a class that inherits DEBUG = True from Scope.
	Loaded string
}

// Scan scans every Python source and template in files (path -> content,
// paths relative to the app root) and returns the findings sorted by file,
// line and kind. Ignored paths are skipped.
//
// Beyond ScanFile, Scan looks across files once: a bare CORS(app) is not
// reported when some file sets CORS_ORIGINS or CORS_RESOURCES (Flask-CORS
// then reads the origins from the app config), and a config class with
// DEBUG = True is a DebugDefaultConfig when another file selects it by
// default.
//
// commands are the app's process commands as they run (the web command
// from the formation, say), labelled by where they come from: a factory
// they call with no arguments, `gunicorn 'app:create_app()'`, uses its
// defaults as a call in the code would. The Procfile among files counts
// without being named.
func Scan(files map[string][]byte, commands ...Command) []Finding {
	paths := slices.Sorted(maps.Keys(files))
	// files are scanned in parallel, one worker per core, each taking the
	// next file; the results are joined in path order
	type out struct {
		rs []result
		ff fileFacts
	}
	outs := make([]out, len(paths))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(paths)) {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(paths) {
					return
				}
				outs[i].rs, outs[i].ff = scanFile(paths[i], files[paths[i]])
			}
		})
	}
	wg.Wait()
	var all []result
	var facts fileFacts
	for _, o := range outs {
		all = append(all, o.rs...)
		facts.corsConfigured = facts.corsConfigured || o.ff.corsConfigured
		facts.selects = append(facts.selects, o.ff.selects...)
		facts.entries = append(facts.entries, o.ff.entries...)
		facts.classes = append(facts.classes, o.ff.classes...)
		for name, at := range o.ff.bareCalls {
			if facts.bareCalls == nil {
				facts.bareCalls = map[string]string{}
			}
			if _, seen := facts.bareCalls[name]; !seen {
				facts.bareCalls[name] = at
			}
		}
	}
	commandCalls(append([]Command{{Where: "Procfile", Text: string(files["Procfile"]), ByLine: true}}, commands...), &facts)
	return finish(all, facts)
}

// procfileFactory matches an app factory called with no arguments in a
// gunicorn target: `gunicorn "app:create_app()"`.
var procfileFactory = regexp.MustCompile(`:([A-Za-z_][A-Za-z0-9_]*)\(\)`)

// Command is a process command and where it was read: "formation web
// command". With ByLine, Text is a whole file (the Procfile) and a call is
// placed by its line.
type Command struct {
	Where, Text string
	ByLine      bool
}

// commandCalls adds the factories commands call bare to the scan's facts:
// a server's target is a call site like any in the code.
func commandCalls(commands []Command, facts *fileFacts) {
	for _, c := range commands {
		for i, line := range strings.Split(c.Text, "\n") {
			for _, m := range procfileFactory.FindAllStringSubmatch(line, 8) {
				if facts.bareCalls == nil {
					facts.bareCalls = map[string]string{}
				}
				if _, seen := facts.bareCalls[m[1]]; seen {
					continue
				}
				where := c.Where
				if c.ByLine {
					where += ":" + strconv.Itoa(i+1)
				}
				facts.bareCalls[m[1]] = where
			}
		}
	}
}

// ScanFile scans one file. A path Scan would ignore, or one that is neither
// Python nor a template, yields nothing.
func ScanFile(path string, data []byte) []Finding {
	rs, facts := scanFile(path, data)
	return finish(rs, facts)
}

// fileFacts is what a file tells the scan of the others.
type fileFacts struct {
	corsConfigured bool // CORS_ORIGINS / CORS_RESOURCES set in code
	selects        []configSelect
	entries        []configEntry
	classes        []classFact
	bareCalls      map[string]string // function name -> where it is called with no arguments
}

// result is a finding plus what the scan needs internally.
type result struct {
	Finding
	at       int  // byte offset of the matched construct, for deduplication
	bareCORS bool // CORS(app) with no origins: dropped when configured elsewhere
	// inClass marks a finding of a config class body that counts only if
	// the app loads that class (Scope), whatever the environment says.
	inClass bool
}

func scanFile(p string, data []byte) ([]result, fileFacts) {
	clean := cleanPath(p)
	if Ignored(clean) {
		return nil, fileFacts{}
	}
	switch {
	case strings.HasSuffix(clean, ".py"):
		f := newPyFile(p, clean, data)
		f.scan()
		defer f.release()
		return f.out, fileFacts{corsConfigured: f.corsConfigured, selects: f.selects, entries: f.entries, classes: f.classes, bareCalls: f.bareCalls}
	case isTemplate(clean):
		return scanTemplate(p, data), fileFacts{}
	}
	return nil, fileFacts{}
}

func finish(rs []result, facts fileFacts) []Finding {
	corsConfigured := facts.corsConfigured
	rs = defaultConfigs(rs, facts.selects, facts.entries, facts.classes, facts.bareCalls)
	type key struct {
		file  string
		kind  Kind
		at    int
		value string
	}
	seen := map[key]bool{}
	out := make([]Finding, 0, len(rs))
	for _, r := range rs {
		if r.bareCORS && corsConfigured {
			continue
		}
		k := key{r.File, r.Kind, r.at, r.Value}
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, r.Finding)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		return a.Detail < b.Detail
	})
	if len(out) == 0 {
		return nil
	}
	return out
}

func cleanPath(p string) string {
	if isClean(p) {
		return p // the common case, without allocating
	}
	p = strings.ReplaceAll(p, "\\", "/")
	p = path.Clean("/" + p)
	return strings.TrimPrefix(p, "/")
}

// isClean reports whether p is already a clean relative slash path: no
// backslash, no empty, "." or ".." component, no leading or trailing slash.
func isClean(p string) bool {
	if p == "" || strings.ContainsRune(p, '\\') {
		return false
	}
	for rest := p; ; {
		c, more, found := strings.Cut(rest, "/")
		if c == "" || c == "." || c == ".." {
			return false
		}
		if !found {
			return true
		}
		rest = more
	}
}

// skipDirs are directories whose code is not the app's own: virtualenvs,
// installed packages, generated migrations, caches.
var skipDirs = map[string]bool{
	"tests": true, "test": true,
	"venv": true, "virtualenv": true, "site-packages": true, "dist-packages": true,
	"migrations": true, "node_modules": true, "__pycache__": true,
}

// Ignored reports whether Scan skips a path: test code (test_*.py,
// *_test.py, conftest.py, anything under tests/ or test/), virtualenvs,
// site-packages, migrations, and hidden directories such as .heroku (the
// slug's Python install), .venv and .git.
func Ignored(p string) bool {
	p = cleanPath(p)
	base := path.Base(p)
	if strings.HasPrefix(base, "test_") && strings.HasSuffix(base, ".py") ||
		strings.HasSuffix(base, "_test.py") || base == "conftest.py" {
		return true
	}
	dir := path.Dir(p)
	if dir == "." {
		return false
	}
	// component by component, without building a slice: the slug reader
	// asks this of every entry
	for rest := dir; rest != ""; {
		var d string
		d, rest, _ = strings.Cut(rest, "/")
		if skipDir(d) || strings.HasPrefix(d, ".") && d != "." && d != ".." {
			return true
		}
	}
	return false
}

// skipDir matches skipDirs case-insensitively, allocating only for names
// with upper-case letters.
func skipDir(d string) bool {
	if skipDirs[d] {
		return true
	}
	if strings.ToLower(d) == d {
		return false
	}
	return skipDirs[strings.ToLower(d)]
}

// Wanted is the one file policy of slugs, checkouts and the scan: whether
// a file is source the scan reads (Python, or a template in any usual
// extension) and not test code, a migration or an installed package. The
// slug and checkout readers spend their byte budget on exactly these.
func Wanted(p string) bool {
	return (strings.HasSuffix(p, ".py") || isTemplate(p)) && !Ignored(p)
}

// isTemplate reports whether p is a Jinja template: an HTML or Jinja file
// under a templates/ directory.
func isTemplate(p string) bool {
	ext := strings.ToLower(path.Ext(p))
	switch ext {
	case ".html", ".htm", ".jinja", ".jinja2", ".j2":
	default:
		return false
	}
	for _, d := range strings.Split(path.Dir(p), "/") {
		if d == "templates" {
			return true
		}
	}
	return false
}
