package audit

import (
	"fmt"
	"strings"
)

var gunicornTimeout = Check{
	ID:        "gunicorn-timeout",
	Title:     "gunicorn's timeout is under the router's 30 s",
	Checklist: "Processes: keep gunicorn's timeout under the router's 30 s",
	Severity:  Medium,
	Rationale: "Heroku's router gives up on a request after 30 s (H12). A gunicorn timeout at or above that " +
		"keeps a worker busy on a request nobody waits for; 0 disables the timeout altogether.",
	Remediation: "Set a timeout of 10-20 s: --timeout 20 in the Procfile, or timeout = 20 in the gunicorn config.",
	Uses:        []string{"web command", "GUNICORN_CMD_ARGS", "gunicorn config file"},
	Run:         runGunicornTimeout,
}

func runGunicornTimeout(s *Snapshot) Outcome {
	p, a, skip := gunicornWeb(s)
	if skip != nil {
		return *skip
	}
	t := a.gun.Timeout
	ev := fmt.Sprintf("%s: timeout %s (from %s)", p.Where, t.Raw, t.Source)
	n, ok := t.Int()
	switch {
	case !ok:
		return Warnf("could not work out gunicorn's timeout (%s)", t.Raw).With(ev).Fix("set --timeout 20 explicitly")
	case n == 0:
		return Warnf("gunicorn's timeout is disabled (0): a stuck request holds a worker forever").With(ev).
			Fix("add --timeout 20 to the %s command", p.Type)
	case n >= 30:
		return Warnf("gunicorn's timeout is %d s, at or above the router's 30 s", n).With(ev).
			Fix("add --timeout 20 to the %s command (or timeout = 20 in the config file)", p.Type)
	}
	return Passf("gunicorn's timeout is %d s", n).With(ev)
}

// gunicornWeb returns the web process and its gunicorn settings, or the
// verdict for an app whose web process is not gunicorn.
func gunicornWeb(s *Snapshot) (proc, analysis, *Outcome) {
	w, ok := s.webCommand()
	if !ok {
		o := noWebProcess(s)
		return proc{}, analysis{}, &o
	}
	a := w.gun
	switch {
	case a.err != nil:
		o := Skipf("web command not understood: %v", a.err)
		return proc{}, analysis{}, &o
	case a.gun == nil:
		o := Skipf("web does not run gunicorn")
		return proc{}, analysis{}, &o
	}
	return w.proc, a, nil
}

var accessLogs = Check{
	ID:        "access-logs",
	Title:     "gunicorn writes access logs",
	Checklist: "Processes: keep access logs",
	Severity:  Low,
	Rationale: "Without access logs there is no record of who requested what when investigating an incident. " +
		"The Python buildpack turns them on only when the app leaves GUNICORN_CMD_ARGS unset.",
	Remediation: "Add --access-logfile - to the gunicorn command (or accesslog = \"-\" in its config).",
	Uses:        []string{"web command", "GUNICORN_CMD_ARGS", "gunicorn config file", "buildpacks"},
	Run: func(s *Snapshot) Outcome {
		p, a, skip := gunicornWeb(s)
		if skip != nil {
			return *skip
		}
		v := a.gun.AccessLogfile
		if v.Raw == "" || v.Raw == "None" {
			msg := "gunicorn writes no access log"
			if _, set := s.ConfigVars["GUNICORN_CMD_ARGS"]; set && s.hasPythonBuildpack() {
				msg += " (GUNICORN_CMD_ARGS is set, so the buildpack's --access-logfile - default does not apply)"
			}
			return Warnf("%s", msg).With(p.Where).Fix("add --access-logfile - to the %s command", p.Type)
		}
		src := string(v.Source)
		if _, set := s.ConfigVars["GUNICORN_CMD_ARGS"]; v.Source == "GUNICORN_CMD_ARGS" && !set {
			src = "the Python buildpack's GUNICORN_CMD_ARGS default"
		}
		return Passf("gunicorn writes access logs to %s (from %s)", accessTarget(v.Raw), src)
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
	Reads:       []Part{PartFormation},
	Uses:        []string{"formation", "pipeline stage"},
	Run: func(s *Snapshot) Outcome {
		p, ok := s.Process("web")
		if !ok {
			return Skipf("no web process")
		}
		ev := fmt.Sprintf("web: %d × %s", p.Quantity, p.Size)
		d, known := lookupDynoSize(p.Size)
		if known && d.Sleeps {
			fix := fmt.Sprintf("heroku ps:type web=standard-1x %s", s.appFlag())
			if s.App.Stage == "production" {
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
	Reads:       []Part{PartFormation},
	Uses:        []string{"formation"},
	Run: func(s *Snapshot) Outcome {
		p, ok := s.Process("web")
		switch {
		case !ok:
			return Skipf("no web process")
		case p.Quantity == 0:
			return Skipf("web is scaled to 0")
		case p.Quantity == 1:
			return Warnf("a single web dyno: the app is down while it restarts").With("web: 1 × "+p.Size).
				Fix("heroku ps:scale web=2 %s", s.appFlag())
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
	Reads:       []Part{PartDynos},
	Uses:        []string{"dynos"},
	Run: func(s *Snapshot) Outcome {
		var crashed []string
		for _, d := range s.Dynos {
			if strings.EqualFold(d.State, "crashed") {
				crashed = append(crashed, d.Name)
			}
		}
		if len(crashed) > 0 {
			return Warnf("%d dyno(s) crashed: %s", len(crashed), strings.Join(crashed, ", ")).With(crashed...).
				Fix("heroku logs --tail %s to find out why, then heroku ps:restart %s", s.appFlag(), s.appFlag())
		}
		if len(s.Dynos) == 0 {
			return Skipf("no dynos running")
		}
		return Passf("%d dyno(s), none crashed", len(s.Dynos))
	},
}

// accessTarget names where gunicorn's access log goes: "-" is stdout,
// which Heroku's log router collects.
func accessTarget(v string) string {
	if v == "-" {
		return "stdout"
	}
	return v
}
