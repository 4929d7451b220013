package audit

import (
	"fmt"
	"strings"

	"github.com/herokuaudit/herokuaudit/audit/gunicorn"
)

var gunicornTimeout = Check{
	ID:        "gunicorn-timeout",
	Title:     "gunicorn's timeout is under the router's 30 s",
	Checklist: "Processes: keep gunicorn's timeout under the router's 30 s",
	Severity:  Medium,
	Rationale: "Heroku's router gives up on a request after 30 s (H12). A gunicorn timeout at or above that " +
		"keeps a worker busy on a request nobody waits for; 0 disables the timeout altogether.",
	Remediation: "Set a timeout of 10-20 s: --timeout 20 in the Procfile, or timeout = 20 in the gunicorn config.",
	Run:         runGunicornTimeout,
}

func runGunicornTimeout(v *View) Outcome {
	w, g, skip := gunicornWeb(v)
	if skip != nil {
		return *skip
	}
	p := w.proc
	t := v.Setting(w, g.Timeout)
	ev := settingEvidence(p, t, "%s: timeout %s", p.Where, shownSetting(t, string(t.Source)))
	n, ok := t.Int()
	// a timeout written in the command or a config file is a problem in the
	// code, whatever a config var might override
	written := t.Source == gunicorn.SourceCommandLine || strings.HasPrefix(string(t.Source), "config file")
	sure := func(o Outcome) Outcome {
		if written {
			return o.Sure()
		}
		return o
	}
	switch {
	case !ok:
		return Warnf("could not work out gunicorn's timeout (%s)", t.Shown()).WithEv(ev).Fix("set --timeout 20 explicitly")
	case n == 0:
		return sure(Warnf("gunicorn's timeout is disabled (0): a stuck request holds a worker forever").WithEv(ev).
			Fix("add --timeout 20 to the %s command", p.Type))
	case n >= 30:
		return sure(Warnf("gunicorn's timeout is %d s, at or above the router's 30 s", n).WithEv(ev).
			Fix("add --timeout 20 to the %s command (or timeout = 20 in the config file)", p.Type))
	}
	return Passf("gunicorn's timeout is %d s", n).WithEv(ev)
}

// shownSetting is a gunicorn setting as messages and evidence show it,
// with where it came from: "16 (from command line)", "3 (from config var
// WEB_CONCURRENCY)", "$LOG_TARGET (from command line)",
// `os.environ["LOG_TARGET"] (from config file gunicorn.conf.py)`, "set in
// $GUNICORN_CMD_ARGS (value not shown)". gunicorn.Value.Shown has the rule:
// a value that came out of the environment is named by its variable unless
// it is a number, a boolean or an enum word the check judges; a check
// never prints Raw.
func shownSetting(val gunicornValue, src string) string {
	if inVar, ok := withheldVar(val); ok {
		return "set in " + inVar + " (value not shown)"
	}
	return fmt.Sprintf("%s (from %s)", val.Shown(), src)
}

// withheldVar is the variable ("$GUNICORN_CMD_ARGS") whose value the
// setting is part of, when Shown withholds it and names only the variable.
func withheldVar(val gunicornValue) (string, bool) {
	s := val.Shown()
	return s, val.Withheld() && s == "$"+string(val.Source)
}

// settingEvidence places evidence about a gunicorn setting: at its
// config-file line when it came from one, else at the process command.
func settingEvidence(p proc, val gunicornValue, format string, a ...any) Evidence {
	if cf, ok := strings.CutPrefix(string(val.Source), "config file "); ok && val.Line > 0 {
		return inFile(cf, val.Line, format, a...)
	}
	return ofProc(p, format, a...)
}

// gunicornWeb returns the web process and its gunicorn settings, or the
// verdict for an app whose web process is not gunicorn.
// gunicornWeb returns the web command and gunicorn's effective settings,
// or the verdict when web does not run gunicorn. Read each setting through
// View.Setting, which records what the value rests on.
func gunicornWeb(v *View) (*webCommand, *gunicorn.Effective, *Outcome) {
	w, ok := v.Web()
	if !ok {
		o := noWebProcess()
		return nil, nil, &o
	}
	a := w.gun
	switch {
	case w.cmd.err != nil:
		o := Outcome{Status: Error, Message: fmt.Sprintf("could not audit: the web command cannot be understood: %v", w.cmd.err)}
		return nil, nil, &o
	case a.err != nil:
		// gunicorn exits at start: no setting of it is ever in effect
		o := Skipf("gunicorn would refuse the web command, so it never runs with any settings: %v", a.err)
		return nil, nil, &o
	case a.gun == nil:
		o := Skipf("web does not run gunicorn")
		return nil, nil, &o
	}
	return w, a.gun, nil
}

var accessLogs = Check{
	ID:        "access-logs",
	Title:     "gunicorn writes access logs",
	Checklist: "Processes: keep access logs",
	Severity:  Low,
	Rationale: "Without access logs there is no record of who requested what when investigating an incident. " +
		"The Python buildpack turns them on only when the app leaves GUNICORN_CMD_ARGS unset.",
	Remediation: "Add --access-logfile - to the gunicorn command (or accesslog = \"-\" in its config).",
	Run: func(v *View) Outcome {
		w, g, skip := gunicornWeb(v)
		if skip != nil {
			return *skip
		}
		p := w.proc
		logfile := v.Setting(w, g.AccessLogfile)
		if logfile.Raw == "" || logfile.Raw == "None" {
			msg := "gunicorn writes no access log"
			if _, set := v.ConfigVar("GUNICORN_CMD_ARGS"); set && v.HasPythonBuildpack() {
				msg += " (GUNICORN_CMD_ARGS is set, so the buildpack's --access-logfile - default does not apply)"
			}
			return Warnf("%s", msg).WithEv(ofProc(p, "%s", p.Where)).Fix("add --access-logfile - to the %s command", p.Type)
		}
		src := string(logfile.Source)
		if _, set := v.ConfigVar("GUNICORN_CMD_ARGS"); logfile.Source == "GUNICORN_CMD_ARGS" && !set {
			src = "the Python buildpack's GUNICORN_CMD_ARGS default"
		}
		if inVar, ok := withheldVar(logfile); ok {
			return Passf("gunicorn writes access logs to a target set in %s (not shown)", inVar)
		}
		return Passf("gunicorn writes access logs to %s (from %s)", accessTarget(logfile.Shown()), src)
	},
}

var dynoTier = Check{
	ID:        "dyno-tier",
	Title:     "Web dynos do not sleep",
	Checklist: "Processes: no sleeping dynos for production web",
	Severity:  Medium,
	Rationale: "Eco dynos sleep after 30 minutes without traffic: the next visitor waits for a cold start, " +
		"and scheduled work stops.",
	Remediation: "heroku ps:type web=basic -a APP (or standard-1x for production)",
	Needs:       []Part{PartFormation},
	Run: func(v *View) Outcome {
		p, ok := v.Process("web")
		if !ok {
			return Skipf("no web process")
		}
		ev := fmt.Sprintf("web: %d × %s", p.Quantity, p.Size)
		d, known := lookupDynoSize(p.Size)
		if !known {
			return Skipf("web runs on %q, a dyno size herokuaudit does not know (facts as of %s): whether it sleeps is not known", p.Size, FactsAsOf).With(ev)
		}
		if d.Sleeps {
			fix := fmt.Sprintf("heroku ps:type web=standard-1x %s", v.AppFlag())
			if v.App().Stage == "production" {
				return Failf("the production app's web runs on %s dynos, which sleep", d.Name).With(ev).Fix("%s", fix)
			}
			return Warnf("web runs on %s dynos, which sleep after 30 minutes idle", d.Name).With(ev).Fix("%s", fix)
		}
		return Passf("web runs on %s", p.Size).With(ev)
	},
}

var webRedundancy = Check{
	ID:        "web-redundancy",
	Title:     "More than one web dyno",
	Checklist: "Processes: run at least two web dynos",
	Severity:  Low,
	Rationale: "A single web dyno means downtime whenever it restarts: deploys, config changes and the daily " +
		"dyno cycling.",
	Remediation: "heroku ps:scale web=2 -a APP",
	Needs:       []Part{PartFormation},
	Run: func(v *View) Outcome {
		p, ok := v.Process("web")
		switch {
		case !ok:
			return Skipf("no web process")
		case p.Quantity == 0:
			return Skipf("web is scaled to 0")
		case p.Quantity == 1:
			return Warnf("a single web dyno: the app is down while it restarts").With("web: 1 × "+p.Size).
				Fix("heroku ps:scale web=2 %s", v.AppFlag())
		}
		return Passf("%d web dynos", p.Quantity).With(fmt.Sprintf("web: %d × %s", p.Quantity, p.Size))
	},
}

var crashedDynos = Check{
	ID:          "crashed-dynos",
	Title:       "No crashed dynos",
	Checklist:   "Processes: no crashed dynos",
	Severity:    Medium,
	Rationale:   "A crashed dyno serves nothing; Heroku restarts it with growing back-off, so crashes are often a boot loop.",
	Remediation: "heroku logs --tail -a APP to find the cause, then heroku ps:restart -a APP",
	Needs:       []Part{PartDynos},
	Run: func(v *View) Outcome {
		var crashed, jobs []string
		for _, d := range v.Dynos() {
			switch {
			case !strings.EqualFold(d.State, "crashed"):
			case isOneOff(d):
				jobs = append(jobs, d.Name)
			default:
				crashed = append(crashed, d.Name)
			}
		}
		// a crashed one-off (heroku run, the scheduler) is a failed job,
		// not the app down: its logs tell why, a restart would not help
		var jobEv, jobFix []string
		for _, j := range jobs {
			jobEv = append(jobEv, "one-off dyno "+j+" crashed (a failed job)")
			jobFix = append(jobFix, fmt.Sprintf("heroku logs --dyno %s %s", j, v.AppFlag()))
		}
		switch {
		case len(crashed) > 0:
			return Warnf("%d dyno(s) crashed: %s", len(crashed), strings.Join(crashed, ", ")).With(crashed...).With(jobEv...).
				Fix("heroku logs --tail %s to find out why, then heroku ps:restart %s", v.AppFlag(), v.AppFlag())
		case len(jobs) > 0:
			return Warnf("no app dyno crashed, but %d one-off job(s) did: %s", len(jobs), strings.Join(jobs, ", ")).With(jobEv...).
				Fix("%s", strings.Join(jobFix, "; "))
		}
		if len(v.Dynos()) == 0 {
			return Skipf("no dynos running")
		}
		return Passf("%d dyno(s), none crashed", len(v.Dynos()))
	},
}

// isOneOff reports whether a dyno is a one-off process: heroku run, run
// --detach, or the scheduler.
func isOneOff(d Dyno) bool {
	t := strings.ToLower(d.Type)
	if t == "" {
		t, _, _ = strings.Cut(strings.ToLower(d.Name), ".")
	}
	return t == "run" || t == "scheduler" || t == "run:detached"
}

// accessTarget names where gunicorn's access log goes: "-" is stdout,
// which Heroku's log router collects.
func accessTarget(v string) string {
	if v == "-" {
		return "stdout"
	}
	return v
}
