package audit

import (
	"fmt"
	"strings"

	"github.com/herokuaudit/herokuaudit/audit/gunicorn"
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
	Reads: []Part{PartConfig},
	Uses:  []string{"config vars", "web command", "GUNICORN_CMD_ARGS", "gunicorn config file"},
	Run:   runDebugMode,
}

func runDebugMode(s *Snapshot) Outcome {
	var fails, warns, evidence []string
	fix := []string{}
	for _, name := range []string{"DEBUG", "FLASK_DEBUG"} {
		v, ok := s.configVar(name)
		switch {
		case !ok:
		case isTruthy(v):
			fails = append(fails, name+" is on")
			evidence = append(evidence, fmt.Sprintf("config var %s is truthy", name))
			fix = append(fix, fmt.Sprintf("heroku config:unset %s %s", name, s.appFlag()))
		case !isFalsy(v):
			warns = append(warns, name)
			evidence = append(evidence, fmt.Sprintf("config var %s is set to a value that is neither true nor false (%s)", name, describeLength(v)))
		}
	}
	if v, ok := s.configVar("FLASK_ENV"); ok && strings.EqualFold(strings.TrimSpace(v), "development") {
		fails = append(fails, "FLASK_ENV=development")
		evidence = append(evidence, "config var FLASK_ENV is development (turns on the debugger in Flask < 2.3)")
		fix = append(fix, fmt.Sprintf("heroku config:unset FLASK_ENV %s", s.appFlag()))
	}
	if w, ok := s.webCommand(); ok {
		for _, d := range debugSwitches(s, w) {
			fails = append(fails, d.what)
			evidence = append(evidence, d.where)
			fix = append(fix, d.fix)
		}
	}
	switch {
	case len(fails) > 0:
		o := Failf("debug mode is on: %s", strings.Join(fails, ", ")).With(evidence...)
		return o.Fix("%s", strings.Join(fix, "; "))
	case len(warns) > 0:
		return Warnf("%s set to an unrecognised value; is debug mode on?", strings.Join(warns, " and ")).
			With(evidence...).Fix("set %s to false, or unset it", strings.Join(warns, " and "))
	}
	return Passf("DEBUG and FLASK_DEBUG are off and no debug flags in the web command").With(evidence...)
}

type debugSwitch struct{ what, where, fix string }

// debugSwitches finds debug switches in a process command: the Flask CLI's
// --debug/--debugger, and gunicorn's --reload from whichever of its sources
// set it (command line, GUNICORN_CMD_ARGS, config file).
func debugSwitches(s *Snapshot, w *webCommand) []debugSwitch {
	p, a := w.proc, w.gun
	if a.err != nil {
		return nil
	}
	var out []debugSwitch
	if a.server.Name == "flask run" {
		for _, w := range a.inv.Argv {
			if w == "--debug" || w == "--debugger" {
				out = append(out, debugSwitch{"flask run " + w, p.Where + ": flask run " + w,
					fmt.Sprintf("serve %s with gunicorn instead of flask run", p.Type)})
			}
		}
	}
	if a.gun != nil && a.gun.Reload.Raw == "true" {
		src := a.gun.Reload.Source
		d := debugSwitch{what: "gunicorn --reload", where: fmt.Sprintf("%s: gunicorn reload from %s", p.Where, src)}
		switch {
		case src == gunicorn.Source("GUNICORN_CMD_ARGS"):
			d.fix = fmt.Sprintf("heroku config:set GUNICORN_CMD_ARGS='...' %s without --reload", s.appFlag())
		case strings.HasPrefix(string(src), "config file"):
			d.fix = fmt.Sprintf("remove reload = True from %s", a.gun.ConfigFile)
		default:
			d.fix = fmt.Sprintf("remove --reload from the %s command (%s)", p.Type, p.Where)
		}
		out = append(out, d)
	}
	return out
}
