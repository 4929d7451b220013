package audit

import (
	"fmt"
	"path"
	"strings"

	"github.com/herokuaudit/herokuaudit/audit/gunicorn"
	"github.com/herokuaudit/herokuaudit/audit/procfile"
	"github.com/herokuaudit/herokuaudit/audit/pysrc"
)

var debugMode = Check{
	ID:        "debug-mode",
	Title:     "Debug mode is off",
	Checklist: "Core: turn DEBUG off in production",
	Severity:  Critical,
	Rationale: "Flask's debug mode serves the Werkzeug debugger, which runs arbitrary Python for anyone " +
		"who reaches an error page, and gunicorn's --reload shows full tracebacks to any client.",
	Remediation: "Unset DEBUG and FLASK_DEBUG (or set them to false), drop FLASK_ENV=development, and " +
		"remove --debug / --reload from the web command.",
	Run: runDebugMode,
}

func runDebugMode(v *View) Outcome {
	var fails, warns []string
	var evidence []Evidence
	fix := []string{}
	for _, name := range []string{"DEBUG", "FLASK_DEBUG"} {
		val, ok := v.ConfigVar(name)
		switch {
		case !ok:
		case isTruthy(val):
			fails = append(fails, name+" is on")
			evidence = append(evidence, ofVar(name, "config var %s is truthy", name))
			fix = append(fix, fmt.Sprintf("heroku config:unset %s %s", name, v.AppFlag()))
		case !isFalsy(val):
			warns = append(warns, name)
			evidence = append(evidence, ofVar(name, "config var %s is set to a value that is neither true nor false (%s)", name, describeLength(val)))
		}
	}
	if val, ok := v.ConfigVar("FLASK_ENV"); ok && strings.EqualFold(strings.TrimSpace(val), "development") {
		fails = append(fails, "FLASK_ENV=development")
		evidence = append(evidence, ofVar("FLASK_ENV", "config var FLASK_ENV is development (turns on the debugger in Flask < 2.3)"))
		fix = append(fix, fmt.Sprintf("heroku config:unset FLASK_ENV %s", v.AppFlag()))
	}
	if w, ok := v.Web(); ok {
		if w.cmd.err != nil {
			if len(fails) == 0 {
				return Outcome{Status: Error, Message: fmt.Sprintf("could not audit: the web command cannot be understood: %v", w.cmd.err)}
			}
		} else {
			for _, d := range debugSwitches(v, w) {
				fails = append(fails, d.what)
				evidence = append(evidence, d.where)
				fix = append(fix, d.fix)
			}
		}
	}
	d := defaultDebugConfigs(v)
	fails, evidence, fix = append(fails, d.fails...), append(evidence, d.evidence...), append(fix, d.fix...)
	switch {
	case len(fails) > 0:
		o := Failf("debug mode is on: %s", strings.Join(fails, ", ")).WithEv(evidence...)
		return o.Fix("%s", strings.Join(fix, "; ")).Sure()
	case len(warns) > 0:
		return Warnf("%s set to an unrecognised value; is debug mode on?", strings.Join(warns, " and ")).
			WithEv(evidence...).Fix("set %s to false, or unset it", strings.Join(warns, " and ")).Sure()
	case len(d.warns) > 0:
		return Warnf("debug mode is on unless the app is told otherwise: %s", strings.Join(d.warns, ", ")).
			WithEv(evidence...).Fix("%s", strings.Join(d.fix, "; ")).Sure()
	}
	return Passf("DEBUG and FLASK_DEBUG are off and no debug flags in the web command").WithEv(evidence...)
}

// debugDefaults is what the config classes the app loads by default say
// about debug mode.
type debugDefaults struct {
	fails, warns []string
	evidence     []Evidence
	fix          []string
}

// defaultDebugConfigs judges config classes with DEBUG = True that the
// app loads by default (pysrc.DebugDefaultConfig). Loaded whatever the
// environment says, or by default with the selecting config var unset:
// debug mode is on. With the config vars unknown (a checkout audited
// without an app): a warning. With the variable set, another config may be
// loaded: noted only.
func defaultDebugConfigs(v *View) debugDefaults {
	var d debugDefaults
	for _, f := range v.Source(pysrc.DebugDefaultConfig) {
		ev := inFile(f.File, f.Line, "%s:%d: %s", f.File, f.Line, f.Detail)
		debugIn := "DEBUG = True in " + f.Scope
		fix := fmt.Sprintf("set DEBUG = False in %s (%s:%d) or load a production config by default", f.Scope, f.File, f.Line)
		if f.Loaded != "" && f.Loaded != f.Scope {
			debugIn += ", inherited by " + f.Loaded
			fix = fmt.Sprintf("set DEBUG = False in %s, or in %s (%s:%d), or load a production config by default", f.Loaded, f.Scope, f.File, f.Line)
		}
		what := debugIn + ", which the app loads by default"
		if f.Value == "" {
			d.fails = append(d.fails, debugIn+", which the app loads")
			d.evidence = append(d.evidence, ev)
			d.fix = append(d.fix, fix)
			continue
		}
		_, set := v.ConfigVar(f.Value)
		ev.ConfigVar = f.Value
		switch {
		case set:
			ev.Text += fmt.Sprintf("; config var %s is set, so another config may be loaded", f.Value)
			d.evidence = append(d.evidence, ev)
		case v.holeFor(string(PartConfig)):
			d.warns = append(d.warns, what+" when "+f.Value+" is unset")
			ev.Text += fmt.Sprintf("; whether config var %s is set could not be read", f.Value)
			d.evidence = append(d.evidence, ev)
			d.fix = append(d.fix, fix+fmt.Sprintf(", or set %s to a production config", f.Value))
		default:
			d.fails = append(d.fails, what+" ("+f.Value+" is unset)")
			ev.Text += fmt.Sprintf("; config var %s is not set", f.Value)
			d.evidence = append(d.evidence, ev)
			d.fix = append(d.fix, fix+fmt.Sprintf(", or heroku config:set %s=<production config> %s", f.Value, v.AppFlag()))
		}
	}
	// DEBUG read from a variable whose default is on
	for _, f := range v.Source(pysrc.DebugEnvDefault) {
		ev := inFile(f.File, f.Line, "%s:%d: %s", f.File, f.Line, f.Detail)
		ev.ConfigVar = f.Value
		fix := fmt.Sprintf("default it to off in the code (%s:%d), e.g. os.environ.get(%q, \"\") == \"1\"", f.File, f.Line, f.Value)
		_, set := v.ConfigVar(f.Value)
		switch {
		case set:
			ev.Text += fmt.Sprintf("; config var %s is set, so it decides", f.Value)
			d.evidence = append(d.evidence, ev)
		case v.holeFor(string(PartConfig)):
			d.warns = append(d.warns, fmt.Sprintf("the code turns DEBUG on when %s is unset", f.Value))
			ev.Text += fmt.Sprintf("; whether config var %s is set could not be read", f.Value)
			d.evidence = append(d.evidence, ev)
			d.fix = append(d.fix, fix)
		default:
			d.fails = append(d.fails, fmt.Sprintf("DEBUG defaults to on in %s:%d (%s is unset)", f.File, f.Line, f.Value))
			ev.Text += fmt.Sprintf("; config var %s is not set", f.Value)
			d.evidence = append(d.evidence, ev)
			d.fix = append(d.fix, fix)
		}
	}
	// DEBUG set to a variable's text as it is: "false" is a non-empty string
	for _, f := range v.Source(pysrc.DebugEnvRaw) {
		val, set := v.ConfigVar(f.Value)
		if !set || val == "" || (f.Value == "DEBUG" || f.Value == "FLASK_DEBUG") && isTruthy(val) {
			continue // unset: the default's business; truthy DEBUG: reported above
		}
		ev := inFile(f.File, f.Line, "%s:%d: %s; config var %s is set, and any non-empty text is true", f.File, f.Line, f.Detail, f.Value)
		ev.ConfigVar = f.Value
		d.fails = append(d.fails, fmt.Sprintf("%s:%d uses config var %s's text as it is, and any non-empty text is true (\"false\" too)", f.File, f.Line, f.Value))
		d.evidence = append(d.evidence, ev)
		d.fix = append(d.fix, fmt.Sprintf("compare the text in the code (%s:%d), e.g. os.environ.get(%q, \"\").lower() in (\"1\", \"true\"); or heroku config:unset %s %s", f.File, f.Line, f.Value, f.Value, v.AppFlag()))
	}
	return d
}

type debugSwitch struct {
	what  string
	where Evidence
	fix   string
}

// debugEnv are assignments in a command that turn Flask's debugger on.
var debugEnv = []string{"FLASK_DEBUG", "DEBUG"}

// debugSwitches finds what turns debug mode on in any program of the web
// command's chain (`gunicorn --reload app:app; true`, `FLASK_DEBUG=1 flask
// run & gunicorn app:app`): an inline FLASK_DEBUG=1, the Flask CLI's
// --debug, --reload of an ASGI server, gunicorn's reload (from whichever of
// its sources set it for the main program, from a literal --reload for
// another), and app.run(debug=True) in a script `python app.py` runs.
func debugSwitches(v *View, w *webCommand) []debugSwitch {
	p := w.proc
	var out []debugSwitch
	seen := map[string]bool{}
	chain := w.cmd.chain.Invocations
	for i, inv := range chain {
		// Name the program when the command runs more than one.
		in := ""
		if len(chain) > 1 {
			in = " in `" + argvText(inv.Argv) + "`"
		}
		add := func(what, fix string) {
			if seen[what+in] {
				return
			}
			seen[what+in] = true
			out = append(out, debugSwitch{what, ofProc(p, "%s: %s%s", p.Where, what, in), fix})
		}
		for _, name := range debugEnv {
			if val, ok := inv.Env[name]; ok && isTruthy(val) {
				what := name + "=" + strings.TrimSpace(val) + " in the command"
				if !seen["env "+name] {
					seen["env "+name] = true // an export reaches every later program: say it once
					add(what, fmt.Sprintf("remove %s=... from the %s command (%s)", name, p.Type, p.Where))
				}
			}
		}
		if val, ok := inv.Env["FLASK_ENV"]; ok && strings.EqualFold(strings.TrimSpace(val), "development") && !seen["env FLASK_ENV"] {
			seen["env FLASK_ENV"] = true
			add("FLASK_ENV=development in the command", fmt.Sprintf("remove FLASK_ENV=development from the %s command (%s)", p.Type, p.Where))
		}
		srv := procfile.Classify(inv.Argv)
		switch srv.Name {
		case "flask run", "python -m flask run":
			for _, a := range inv.Argv {
				if a == "--debug" || a == "--debugger" || a == "--reload" {
					add("flask run "+a, fmt.Sprintf("serve %s with gunicorn instead of flask run", p.Type))
				}
			}
		case "uvicorn", "hypercorn", "granian", "daphne":
			if procfile.HasFlag(inv.Argv, "--reload") {
				add(srv.Name+" --reload", fmt.Sprintf("remove --reload from the %s command (%s)", p.Type, p.Where))
			}
			if srv.Name == "hypercorn" && procfile.HasFlag(inv.Argv, "--debug") {
				add("hypercorn --debug", fmt.Sprintf("remove --debug from the %s command (%s)", p.Type, p.Where))
			}
		case "gunicorn":
			// The main program's reload is judged below from all of
			// gunicorn's sources; another gunicorn of the chain by its flag.
			if (i != w.cmd.chain.Main || w.gun.gun == nil) && procfile.HasFlag(inv.Argv, "--reload") {
				add("gunicorn --reload", fmt.Sprintf("remove --reload from the %s command (%s)", p.Type, p.Where))
			}
		}
		if script, ok := strings.CutPrefix(srv.Name, "python "); ok && srv.Dev {
			// the script's __main__ block is what runs on the dyno
			file := path.Clean(path.Join(inv.Dir, script))
			for _, f := range v.Source(pysrc.DebugRun) {
				if f.File == file && f.Scope == "__main__" && !seen[f.File+":"+fmt.Sprint(f.Line)] {
					seen[f.File+":"+fmt.Sprint(f.Line)] = true
					out = append(out, debugSwitch{
						what:  "app.run(debug=True) in " + file + ", which the web command runs",
						where: inFile(f.File, f.Line, "%s:%d: %s, run by %s: the Werkzeug debugger is on a public dyno", f.File, f.Line, f.Detail, p.Where),
						fix:   fmt.Sprintf("serve %s with gunicorn (web: gunicorn MODULE:app) and drop debug=True", p.Type),
					})
				}
			}
		}
	}
	if g := w.gun.gun; g != nil {
		reload := v.Setting(w, g.Reload)
		if reload.Raw == "true" {
			src := reload.Source
			d := debugSwitch{what: "gunicorn --reload", where: settingEvidence(p, reload, "%s: gunicorn reload from %s", p.Where, src)}
			switch {
			case src == gunicorn.Source("GUNICORN_CMD_ARGS"):
				d.fix = fmt.Sprintf("heroku config:set GUNICORN_CMD_ARGS='...' %s without --reload", v.AppFlag())
			case strings.HasPrefix(string(src), "config file"):
				d.fix = fmt.Sprintf("remove reload = True from %s", g.ConfigFile)
			default:
				d.fix = fmt.Sprintf("remove --reload from the %s command (%s)", p.Type, p.Where)
			}
			out = append(out, d)
		}
	}
	return out
}

// argvText shows a program's argv as a short command line for evidence.
// Words are the command's own text (no config var values reach them).
func argvText(argv []string) string {
	s := strings.Join(argv, " ")
	if r := []rune(s); len(r) > 60 {
		s = string(r[:59]) + "…"
	}
	return s
}
