// Package gunicorn models how gunicorn reads its settings: command-line
// arguments (with argparse's rules), GUNICORN_CMD_ARGS, a Python config file
// and environment defaults, and the precedence between them.
//
// Facts follow gunicorn 26.1.0 (gunicorn/config.py and gunicorn/app/base.py,
// 2026-08-18). The package does no I/O: files come through a callback.
package gunicorn

import (
	"fmt"
	"strconv"
	"strings"
)

// Source says where a value came from.
type Source string

// The sources of a setting, lowest precedence first. A config file's source
// is ConfigFileSource(name).
const (
	SourceDefault        Source = "default"
	SourceWebConcurrency Source = "WEB_CONCURRENCY"     // workers default from the environment
	SourcePort           Source = "PORT"                // bind default from the environment
	SourceForwardedIPs   Source = "FORWARDED_ALLOW_IPS" // forwarded_allow_ips default from the environment
	SourceCmdArgsEnv     Source = "GUNICORN_CMD_ARGS"
	SourceCommandLine    Source = "command line"
)

// ConfigFileSource is the Source of values read from the named config file.
func ConfigFileSource(name string) Source { return Source("config file " + name) }

// Value is one setting's value and where it came from. Raw "" with Source ""
// means unset; Raw "" with a config-file Source means set to None.
type Value struct {
	// Raw is the value as gunicorn would see it: "3", "gevent", "true",
	// "0.0.0.0:$PORT". Several bind addresses are joined with ",". When the
	// value is computed (Expr) or reads the environment and has not been
	// resolved, Raw is the text as written: "$WEB_CONCURRENCY",
	// `int(os.environ.get("WEB_CONCURRENCY", 2))`,
	// "multiprocessing.cpu_count() * 2 + 1".
	Raw    string
	Source Source
	// Line is the config-file line the value was assigned on, 0 otherwise.
	Line int
	// Expr is true when Raw is the text of a Python expression this package
	// does not evaluate (arithmetic, cpu_count(), conditionals, f-strings).
	Expr bool
	// Env names the environment variable the value reads, if any:
	// `$WEB_CONCURRENCY` or `${WEB_CONCURRENCY:-3}` on a command line,
	// os.environ.get / os.getenv / os.environ[...] in a config file. When Expr
	// is false the value is exactly that variable (maybe through int() or
	// str()), so Resolve can evaluate it from the environment.
	Env string
	// Default is the value used when Env is unset (HasDefault tells "" from
	// no default). DefaultExpr is true when Default is an expression's text.
	Default     string
	HasDefault  bool
	DefaultExpr bool
	// Text keeps the original text after Resolve replaced Raw with the
	// value it evaluates to ("" when Raw is as written).
	Text string
}

// IsSet reports whether the value was set by any source.
func (v Value) IsSet() bool { return v.Source != "" || v.Raw != "" }

// Int returns the value as an integer, parsed like Python's int(): false if
// unset, an expression, or not a number (for example "$WEB_CONCURRENCY"
// before Resolve).
func (v Value) Int() (int, bool) {
	if v.Expr || !v.IsSet() {
		return 0, false
	}
	return parsePyInt(v.Raw)
}

// Bool returns a boolean setting (reload, preload): "true"/"false" in any
// case, as gunicorn's validate_bool accepts them. False if unset or not a
// boolean.
func (v Value) Bool() (val, ok bool) {
	if v.Expr || !v.IsSet() {
		return false, false
	}
	switch strings.ToLower(strings.TrimSpace(v.Raw)) {
	case "true":
		return true, true
	case "false":
		return false, true
	}
	return false, false
}

// Items splits a list value (bind, forwarded_allow_ips) into its elements.
func (v Value) Items() []string {
	if !v.IsSet() || v.Expr {
		return nil
	}
	var out []string
	for _, s := range strings.Split(v.Raw, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// What output may show of a value. A setting's value is shown as it is
// only when it is text of the app's own code: a word of the command line,
// a literal of the config file, or gunicorn's default. A value that came
// out of the environment (a config var such as GUNICORN_CMD_ARGS,
// WEB_CONCURRENCY, FORWARDED_ALLOW_IPS or PORT, or one that Resolve
// substituted for `$VAR`, `os.environ["VAR"]` or `os.getenv("VAR")`) is
// shown by the reference that names its variable: `$GUNICORN_CMD_ARGS`,
// `$LOG_TARGET`, `os.environ["LOG_TARGET"]`, `0.0.0.0:$PORT`. The one
// exception is a value that parses as what gunicorn reads it as and that
// cannot carry a secret: an integer (shown as the number it parses to), a
// boolean, or one of the fixed words of an enum setting (a worker class or
// log level gunicorn ships, "-" for stdout). Free text from the
// environment (a URL, a path, a log file, a bind address) never is.
//
// Checks judge Raw; they put Shown, never Raw, into messages, evidence and
// remediations.

// safeWords are the fixed values of gunicorn's enum settings: worker
// classes and log levels it ships, and "-" (stdout/stderr). None can carry
// a secret, so they are shown even when they came from the environment.
var safeWords = map[string]bool{
	"sync": true, "gthread": true, "gevent": true, "eventlet": true, "tornado": true, "asgi": true,
	"uvicorn.workers.UvicornWorker": true, "uvicorn.workers.UvicornH11Worker": true,
	"uvicorn_worker.UvicornWorker": true, "uvicorn_worker.UvicornH11Worker": true,
	"debug": true, "info": true, "warning": true, "error": true, "critical": true,
	"-": true,
}

// envSources are the Sources whose Raw is a variable's value.
var envSources = map[Source]string{
	SourceCmdArgsEnv:     "$GUNICORN_CMD_ARGS",
	SourceWebConcurrency: "$WEB_CONCURRENCY",
	SourceForwardedIPs:   "$FORWARDED_ALLOW_IPS",
	SourcePort:           "$PORT",
}

// FromEnv reports whether Raw holds (part of) an environment variable's
// value rather than text of the app's own code.
func (v Value) FromEnv() bool {
	if _, ok := envSources[v.Source]; ok {
		return v.IsSet() && !(v.Source == SourcePort && v.Env == "PORT")
	}
	return v.Text != ""
}

// Withheld reports whether Shown names where the value comes from instead
// of showing it.
func (v Value) Withheld() bool {
	if !v.FromEnv() {
		return false
	}
	if _, ok := v.Int(); ok {
		return false
	}
	if _, ok := v.Bool(); ok {
		return false
	}
	return !safeWords[strings.TrimSpace(v.Raw)] && !safeWords[strings.ToLower(strings.TrimSpace(v.Raw))]
}

// Shown is the value as output may show it (see the rule above): Raw when
// it is the app's own text, the number, boolean or enum word it parses to,
// or else the reference to its variable.
func (v Value) Shown() string {
	if !v.FromEnv() {
		return v.Raw
	}
	if n, ok := v.Int(); ok && !v.Expr {
		return strconv.Itoa(n)
	}
	if b, ok := v.Bool(); ok {
		return strconv.FormatBool(b)
	}
	if w := strings.TrimSpace(v.Raw); safeWords[w] || safeWords[strings.ToLower(w)] {
		return w
	}
	if ref, ok := envSources[v.Source]; ok {
		if v.Source == SourcePort {
			return "0.0.0.0:$PORT"
		}
		return ref
	}
	// Text is what the command line or config file wrote: `$LOG_TARGET`,
	// `os.environ["LOG_TARGET"]`.
	return v.Text
}

// String explains the value: "3 (from command line)",
// "4 (from config file gunicorn.conf.py line 2, via WEB_CONCURRENCY)",
// "multiprocessing.cpu_count() * 2 + 1 (expression, from config file
// gunicorn.conf.py line 3)", or "unset".
func (v Value) String() string {
	if !v.IsSet() {
		return "unset"
	}
	var b strings.Builder
	switch {
	case v.Raw != "":
		b.WriteString(v.Shown())
	case strings.HasPrefix(string(v.Source), "config file "):
		b.WriteString("None")
	default:
		b.WriteString(`""`)
	}
	b.WriteString(" (")
	if v.Expr {
		b.WriteString("expression, ")
	}
	b.WriteString("from ")
	b.WriteString(string(v.Source))
	if v.Line > 0 {
		fmt.Fprintf(&b, " line %d", v.Line)
	}
	if v.Env != "" && Source(v.Env) != v.Source {
		if v.Text != "" {
			b.WriteString(", via " + v.Env)
		} else {
			b.WriteString(", reads " + v.Env)
			if _, env := envSources[v.Source]; v.HasDefault && !env {
				b.WriteString(", default " + v.Default)
			}
		}
	}
	b.WriteString(")")
	return b.String()
}

// parsePyInt parses s the way Python's int(str) does for base 10: surrounding
// whitespace, an optional sign, digits with single underscores between them.
func parsePyInt(s string) (int, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, false
	}
	neg := false
	switch s[0] {
	case '+', '-':
		neg = s[0] == '-'
		s = s[1:]
	}
	if s == "" || s[0] == '_' || s[len(s)-1] == '_' || strings.Contains(s, "__") {
		return 0, false
	}
	n, err := strconv.Atoi(strings.ReplaceAll(s, "_", ""))
	if err != nil || strings.ContainsAny(s, "+-") {
		return 0, false
	}
	if neg {
		n = -n
	}
	return n, true
}
