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
		b.WriteString(v.Raw)
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
			if v.HasDefault {
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
