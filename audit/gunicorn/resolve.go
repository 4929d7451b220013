package gunicorn

import (
	"errors"
	"fmt"
	"path"
	"strings"
)

// HerokuDefaultCmdArgs is what the Python buildpack's
// .profile.d/python.gunicorn.sh exports as GUNICORN_CMD_ARGS when the app
// has not set that variable (heroku-buildpack-python, as of v351,
// 2026-08-18). Callers that know the buildpack is in use add it to
// Inputs.Env.
const HerokuDefaultCmdArgs = "--access-logfile -"

// DefaultConfigFile is the config file gunicorn reads from its working
// directory when no -c is given.
const DefaultConfigFile = "gunicorn.conf.py"

// Inputs are what Resolve needs to know about one gunicorn start.
type Inputs struct {
	// Args is argv after "gunicorn".
	Args []string
	// Env is the effective environment: config vars, plus any
	// Invocation.Env, plus WEB_CONCURRENCY (and FORWARDED_ALLOW_IPS,
	// GUNICORN_CMD_ARGS) set by the buildpack if the caller computed them.
	Env map[string]string
	// ReadFile reads a file relative to the app root; nil means no files
	// are available.
	ReadFile func(path string) ([]byte, bool)
	// Dir is the directory gunicorn starts in, relative to the app root
	// (Invocation.Dir after `cd DIR &&`); config paths are relative to it.
	Dir string
	// CmdArgsExpanded says GUNICORN_CMD_ARGS was assigned on the command
	// line (`GUNICORN_CMD_ARGS="-w $N" gunicorn …`), where the shell
	// expands it. From a config var or the buildpack it is taken as it is:
	// gunicorn splits it like a shell but expands nothing.
	CmdArgsExpanded bool
}

// Effective is the outcome of Resolve: the settings gunicorn runs with.
type Effective struct {
	Settings
	ConfigFile string   // the config file applied (path relative to the app root), "" if none
	Notes      []string // what the reader should know, e.g. a -c file that was not found
}

// Resolve applies gunicorn's precedence, lowest to highest: defaults
// (workers = $WEB_CONCURRENCY or 1, threads 1, worker class sync, timeout
// 30, graceful timeout 30, keepalive 2, bind 0.0.0.0:$PORT,
// forwarded_allow_ips = $FORWARDED_ALLOW_IPS or 127.0.0.1,::1) < the config
// file (-c on the command line, else -c in GUNICORN_CMD_ARGS, else
// ./gunicorn.conf.py when present) < GUNICORN_CMD_ARGS (split like Python's
// shlex.split) < the command line.
//
// Values that read an environment variable (`-w $WEB_CONCURRENCY`,
// `int(os.environ.get("WEB_CONCURRENCY", 2))`) are evaluated against
// in.Env; Text keeps what was written. PORT is left as written when in.Env
// lacks it, because Heroku sets it only when the dyno starts. A variable
// whose name looks secret is never substituted into a string setting.
// Substituted values stay in Raw for checks to judge; output shows
// Value.Shown, which names the variable instead of a free-text value.
//
// Resolve returns an error (an *ArgError, or a GUNICORN_CMD_ARGS splitting
// error) when gunicorn would exit at start because of its arguments; the
// Effective settings are filled either way, so callers can still report on
// them.
func Resolve(in Inputs) (Effective, error) {
	var eff Effective
	eff.Settings = defaults(in.Env, &eff.Notes)

	cli, cliErr := ParseArgs(in.Args, SourceCommandLine)
	var envArgs Settings
	var envErr error
	if raw, ok := in.Env["GUNICORN_CMD_ARGS"]; ok {
		words, err := ShlexSplit(raw)
		if err != nil {
			envErr = fmt.Errorf("gunicorn cannot split GUNICORN_CMD_ARGS: %w", err)
			eff.Notes = append(eff.Notes, "GUNICORN_CMD_ARGS cannot be split like a shell command line ("+err.Error()+"); gunicorn exits at start")
		} else {
			envArgs, envErr = parseArgs(words, SourceCmdArgsEnv, !in.CmdArgsExpanded)
			if len(envArgs.Args) > 0 {
				eff.Notes = append(eff.Notes, "positional arguments in GUNICORN_CMD_ARGS are ignored by gunicorn")
			}
		}
	}

	// The config file: -c on the command line wins over -c in
	// GUNICORN_CMD_ARGS; without either, ./gunicorn.conf.py if it exists.
	var file Settings
	switch {
	case cli.Config.IsSet():
		file = eff.loadConfig(in, cli.Config.Raw, "-c")
	case envArgs.Config.IsSet():
		file = eff.loadConfig(in, envArgs.Config.Raw, cmdArgsConfig)
	default:
		file = eff.loadConfig(in, DefaultConfigFile, "")
	}

	for _, src := range []Settings{file, envArgs, cli} {
		overlay(&eff.Settings, src)
	}
	eff.App = cli.App
	if eff.App == "" {
		eff.App = file.App
	}
	eff.Args = cli.Args
	eff.Conditional = file.Conditional
	eff.Unknown = append(append([]string(nil), cli.Unknown...), envArgs.Unknown...)
	eff.Invalid = append([]string(nil), cli.Invalid...)
	for _, p := range envArgs.Invalid {
		eff.Invalid = append(eff.Invalid, "GUNICORN_CMD_ARGS: "+p)
	}

	for _, name := range settingNames {
		if f := eff.field(name); f != nil {
			resolveEnv(name, f, in.Env, &eff.Notes)
		}
	}
	if eff.App == "" && len(eff.Invalid) == 0 {
		eff.Notes = append(eff.Notes, "no app target: gunicorn exits with \"No application module specified\"")
	}
	return eff, errors.Join(cliErr, envErr)
}

// defaults are gunicorn's defaults, with the ones it reads from the
// environment filled from env.
func defaults(env map[string]string, notes *[]string) Settings {
	d := func(raw string) Value { return Value{Raw: raw, Source: SourceDefault} }
	s := Settings{
		Workers:         d("1"),
		Threads:         d("1"),
		WorkerClass:     d("sync"),
		Timeout:         d("30"),
		GracefulTimeout: d("30"),
		KeepAlive:       d("2"),
		LogLevel:        d("info"),
		ErrorLogfile:    d("-"),
		MaxRequests:     d("0"),
		Reload:          d("false"),
		Preload:         d("false"),
		// Heroku sets PORT in every dyno, so gunicorn's default bind there
		// is 0.0.0.0:$PORT (without PORT it would be 127.0.0.1:8000).
		Bind:              Value{Raw: "0.0.0.0:$PORT", Source: SourcePort, Env: "PORT"},
		ForwardedAllowIPs: d("127.0.0.1,::1"),
	}
	if v, ok := env["WEB_CONCURRENCY"]; ok {
		s.Workers = Value{Raw: v, Source: SourceWebConcurrency}
		if _, isInt := parsePyInt(v); !isInt {
			*notes = append(*notes, "WEB_CONCURRENCY is not an integer: gunicorn fails when it loads its settings")
		}
	}
	if v, ok := env["PORT"]; ok {
		s.Bind = Value{Raw: "0.0.0.0:" + v, Source: SourcePort}
	}
	if v, ok := env["FORWARDED_ALLOW_IPS"]; ok {
		s.ForwardedAllowIPs = Value{Raw: v, Source: SourceForwardedIPs}
	}
	return s
}

// overlay copies the settings src sets onto dst.
func overlay(dst *Settings, src Settings) {
	for _, name := range settingNames {
		if v := src.field(name); v != nil && v.IsSet() {
			*dst.field(name) = *v
		}
	}
}

// loadConfig reads the config file at location (as given to -c); how says
// where it was named ("" for the implicit gunicorn.conf.py).
func (eff *Effective) loadConfig(in Inputs, location, how string) Settings {
	note := func(format string, a ...any) { eff.Notes = append(eff.Notes, fmt.Sprintf(format, a...)) }
	// A location taken from GUNICORN_CMD_ARGS is a config var's text: notes
	// name it only once it is known to be a file of the app.
	named := "config file " + location + " named by " + how
	if how == cmdArgsConfig {
		named = "the config file named by " + how
	}
	if strings.ContainsAny(location, "$`") {
		note("%s depends on the environment and was not read", named)
		return Settings{}
	}
	candidates := configPaths(in.Dir, location)
	if len(candidates) == 0 {
		note("%s is outside the app and was not read", named)
		return Settings{}
	}
	if in.ReadFile == nil {
		if how != "" {
			note("%s was not checked: no files available", named)
		}
		return Settings{}
	}
	for _, p := range candidates {
		data, ok := in.ReadFile(p)
		if !ok {
			continue
		}
		name := strings.TrimPrefix(location, "file:")
		s, err := ParseConfigFile(data, name)
		if err != nil {
			note("config file %s could not be read: %v", p, err)
			return Settings{}
		}
		eff.ConfigFile = p
		if !strings.HasPrefix(location, "python:") && !strings.HasSuffix(p, ".py") {
			note("config file %s does not end in .py: gunicorn warns, then runs it as Python", p)
		}
		return s
	}
	if how != "" {
		note("%s was not found (gunicorn exits when it is missing)", named)
	}
	return Settings{}
}

// cmdArgsConfig is how loadConfig is told the location came from -c in
// GUNICORN_CMD_ARGS.
const cmdArgsConfig = "-c in GUNICORN_CMD_ARGS"

// configPaths maps a -c location to candidate paths relative to the app
// root: "python:pkg.mod" is a module (pkg/mod.py or pkg/mod/__init__.py),
// "file:x" and plain paths are files relative to dir. Absolute paths under
// /app (the app root on a dyno) are made relative; other absolute paths
// have no candidates.
func configPaths(dir, location string) []string {
	if mod, ok := strings.CutPrefix(location, "python:"); ok {
		if mod == "" {
			return nil
		}
		p := strings.ReplaceAll(mod, ".", "/")
		return []string{rel(dir, p+".py"), rel(dir, p+"/__init__.py")}
	}
	location = strings.TrimPrefix(location, "file:")
	if location == "" {
		return nil
	}
	if strings.HasPrefix(location, "/") {
		p := path.Clean(location)
		if rest, ok := strings.CutPrefix(p, "/app/"); ok {
			return []string{rest}
		}
		return nil
	}
	p := rel(dir, location)
	if p == "" {
		return nil
	}
	return []string{p}
}

// rel joins p under dir; "" when it climbs out of the app root.
func rel(dir, p string) string {
	j := path.Join(dir, p)
	if j == "." || j == ".." || strings.HasPrefix(j, "../") || strings.HasPrefix(j, "/") {
		return ""
	}
	return j
}

// intSettings are the settings whose values are integers.
var intSettings = map[string]bool{
	"workers": true, "threads": true, "timeout": true, "graceful_timeout": true, "keepalive": true, "max_requests": true,
}

// secretWords mark environment variable names whose values must not be
// copied into settings (and so into reports).
var secretWords = []string{"KEY", "SECRET", "TOKEN", "PASS", "PWD", "AUTH", "CREDENTIAL", "PRIVATE", "CERT", "URL", "URI", "DSN", "SALT", "SIGNATURE"}

func secretLike(name string) bool {
	up := strings.ToUpper(name)
	for _, w := range secretWords {
		if strings.Contains(up, w) {
			return true
		}
	}
	return false
}

// resolveEnv evaluates a value that is exactly an environment variable.
func resolveEnv(setting string, v *Value, env map[string]string, notes *[]string) {
	if v.Env == "" || v.Expr || v.Text != "" || Source(v.Env) == v.Source {
		return
	}
	// A variable named inside GUNICORN_CMD_ARGS is that var's text: the
	// notes do not repeat it.
	name := v.Env
	if v.Source == SourceCmdArgsEnv {
		name = "a variable named in GUNICORN_CMD_ARGS"
	}
	note := func(format string, a ...any) { *notes = append(*notes, fmt.Sprintf(format, a...)) }
	val, set := env[v.Env]
	if v.Env == "PORT" && !set {
		return // set by Heroku when the dyno starts
	}
	shell := v.Source == SourceCommandLine || v.Source == SourceCmdArgsEnv
	if shell && set && val == "" && v.HasDefault {
		set = false // ${X:-default} treats empty as unset
	}
	var resolved string
	switch {
	case set:
		if intSettings[setting] {
			if _, ok := parsePyInt(val); !ok {
				note("%s reads %s, which is not an integer", setting, name)
				return
			}
		} else if secretLike(v.Env) {
			note("%s reads %s; its value is not shown", setting, name)
			return
		}
		resolved = val
	case v.HasDefault && v.DefaultExpr:
		v.Text, v.Raw, v.Expr = v.Raw, v.Default, true
		return
	case v.HasDefault:
		resolved = v.Default
	case shell:
		note("%s reads %s, which is not set: the word expands to nothing", setting, name)
		return
	default:
		note("%s reads %s, which is not set and has no default (None)", setting, name)
		return
	}
	v.Text, v.Raw = v.Raw, resolved
}
