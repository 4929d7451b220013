package audit

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/herokuaudit/herokuaudit/audit/gunicorn"
)

var webServer = Check{
	ID:        "web-server",
	Title:     "The web process runs a production server",
	Checklist: "Core: serve with gunicorn (or another production server), never the dev server",
	Severity:  High,
	Rationale: "Development servers (flask run, app.run(), manage.py runserver) serve one request at a " +
		"time, are not hardened, and often run with the debugger on.",
	Remediation: "Serve the app with a production WSGI/ASGI server in the Procfile, e.g. `web: gunicorn app:app`.",
	Run:         runWebServer,
}

// noWebProcess is the verdict when the app has no web process. View.Web has
// recorded every place a web command could come from, so when one of them
// could not be read the runner turns this skip into an error.
func noWebProcess() Outcome { return Skipf("no web process") }

func runWebServer(v *View) Outcome {
	w, ok := v.Web()
	if !ok {
		return noWebProcess()
	}
	p, a := w.proc, w.cmd
	if a.err != nil {
		return Outcome{Status: Error, Message: fmt.Sprintf("could not audit: the web command cannot be understood: %v", a.err)}.
			WithEv(ofProc(p, "%s", p.Where))
	}
	srv := a.server
	via := ""
	if len(a.inv.Wrappers) > 0 {
		via = " (via " + strings.Join(a.inv.Wrappers, ", ") + ")"
	}
	switch {
	case srv.Production && srv.Name == "gunicorn":
		if o, refused := gunicornRefuses(v, w); refused {
			return o
		}
		return Passf("web runs %s%s", srv.Name, via).WithEv(ofProc(p, "%s: %s", p.Where, srv.Name))
	case srv.Production:
		return Passf("web runs %s%s", srv.Name, via).WithEv(ofProc(p, "%s: %s", p.Where, srv.Name))
	case srv.Dev:
		return Failf("web runs a development server: %s%s", srv.Name, via).Sure().WithEv(ofProc(p, "%s: %s", p.Where, srv.Name)).
			Fix("use a production server in the Procfile, e.g. `web: gunicorn app:app` (module:variable of your Flask app)")
	}
	prog := srv.Name
	if prog == "" {
		prog = "the command"
	}
	return Warnf("could not tell whether %s%s is a production server", prog, via).WithEv(ofProc(p, "%s: %s", p.Where, prog)).
		Fix("run gunicorn (or another production server) directly from the Procfile's web line so it can be audited")
}

// gunicornRefuses is the verdict on a gunicorn that exits at start on its
// own arguments (an option it does not have, a value that is not a number,
// GUNICORN_CMD_ARGS it cannot split): the web process never serves.
func gunicornRefuses(v *View, w *webCommand) (Outcome, bool) {
	p := w.proc
	var why string
	switch {
	case w.gun.err != nil:
		why = w.gun.err.Error()
	case w.gun.gun != nil && len(w.gun.gun.Unknown) > 0:
		why = fmt.Sprintf("unrecognized arguments %s (gunicorn 26.1 has no such option)", strings.Join(w.gun.gun.Unknown, ", "))
	default:
		return Outcome{}, false
	}
	ev := []Evidence{ofProc(p, "%s: gunicorn", p.Where)}
	fix := "correct gunicorn's arguments; `gunicorn --check-config APP_MODULE` shows the same refusal"
	_, assigned := w.gun.inv.Env["GUNICORN_CMD_ARGS"]
	if _, isVar := v.ConfigVar("GUNICORN_CMD_ARGS"); isVar && !assigned && strings.Contains(why, string(gunicorn.SourceCmdArgsEnv)) {
		ev = append(ev, ofVar("GUNICORN_CMD_ARGS", "config var GUNICORN_CMD_ARGS holds the arguments gunicorn refuses"))
		fix = fmt.Sprintf("correct GUNICORN_CMD_ARGS (heroku config:set GUNICORN_CMD_ARGS=... %s): gunicorn splits it like a shell but expands no $VARIABLE, so give numbers as numbers, or move the option to the Procfile, where the shell expands it", v.AppFlag())
	}
	return Failf("gunicorn exits at start, so the web process never serves: %s", why).Sure().WithEv(ev...).Fix("%s", fix), true
}

var gunicornWorkers = Check{
	ID:        "gunicorn-workers",
	Title:     "gunicorn's worker count fits the dyno",
	Checklist: "Core: size gunicorn workers for the dyno (WEB_CONCURRENCY)",
	Severity:  Medium,
	Rationale: "Each gunicorn worker is a full copy of the app in memory: too many overflow the dyno " +
		"(R14/R15, the dyno is killed), too few serve one request at a time.",
	Remediation: "Leave workers to WEB_CONCURRENCY, which the Python buildpack sets from the dyno's memory, " +
		"or set it with heroku config:set WEB_CONCURRENCY=N.",
	Run: runGunicornWorkers,
}

// mbPerWorker is the memory the Python buildpack budgets a worker
// (RAM_MB/256); a worker count over twice that budget is a failure.
const mbPerWorker = 256

func runGunicornWorkers(v *View) Outcome {
	w, g, skip := gunicornWeb(v)
	if skip != nil {
		return *skip
	}
	p := w.proc
	workersVal := v.Setting(w, g.Workers)
	threadsVal := v.Setting(w, g.Threads)
	classVal := v.Setting(w, g.WorkerClass)
	ev := []Evidence{settingEvidence(p, workersVal, "workers: %s", describeSource(v, workersVal))}
	if threadsVal.Raw != "" && threadsVal.Source != "default" {
		ev = append(ev, settingEvidence(p, threadsVal, "threads: %s", shownSetting(threadsVal, string(threadsVal.Source))))
	}
	if classVal.Raw != "" && classVal.Source != "default" {
		ev = append(ev, settingEvidence(p, classVal, "worker class: %s", shownSetting(classVal, string(classVal.Source))))
	}
	for _, n := range g.Notes {
		ev = append(ev, Evidence{Text: n})
	}
	workers, ok := workersVal.Int()
	if !ok {
		if strings.Contains(workersVal.Raw, "cpu_count") {
			// seen in the config file: true whatever the dyno
			return Warnf("workers come from cpu_count(), which reports the host's cores, not the dyno's share").WithEv(ev...).
				Fix("use workers = int(os.environ.get('WEB_CONCURRENCY', 2)) in %s", g.ConfigFile).Sure()
		}
		return Warnf("could not work out the number of workers (%s)", workersVal.Shown()).WithEv(ev...)
	}
	sizeName := ""
	if f, ok := v.Process("web"); ok {
		sizeName = f.Size
	}
	size, known := lookupDynoSize(sizeName)
	if sizeName != "" {
		ev = append(ev, Evidence{Text: "web dyno size: " + sizeName, Process: "web"})
	}
	threads, _ := threadsVal.Int()
	class := strings.ToLower(classVal.Raw)
	async := strings.Contains(class, "gevent") || strings.Contains(class, "eventlet") || strings.Contains(class, "uvicorn") || strings.Contains(class, "tornado")
	unknown := fmt.Sprintf("web runs on %q, a dyno size herokuaudit does not know (facts as of %s)", sizeName, FactsAsOf)
	switch {
	case sizeName == "" || known:
	case workersVal.Source == gunicorn.SourceDefault && v.HasPythonBuildpack():
		// the buildpack sets WEB_CONCURRENCY from the size's memory and cores
		return Skipf("%s: the WEB_CONCURRENCY the Python buildpack sets for it is not known", unknown).WithEv(ev...)
	case workers > 1 || threads > 1 || async:
		return Skipf("%s: %d workers not judged against its memory", unknown, workers).WithEv(ev...)
	}
	if known {
		budget := size.RAMMB / mbPerWorker
		if budget < 1 {
			budget = 1
		}
		switch {
		case workers > 2*budget:
			return Failf("%d workers on %s (%d MB): about %d MB each, the dyno will run out of memory",
				workers, size.Name, size.RAMMB, size.RAMMB/workers).WithEv(ev...).
				Fix("%s, and remove the explicit worker count", webConcurrencyFix(v, size))
		case workers > budget:
			return Warnf("%d workers on %s (%d MB) is more than the %d the buildpack budgets for its memory",
				workers, size.Name, size.RAMMB, budget).WithEv(ev...).Fix("%s", webConcurrencyFix(v, size))
		}
	}
	if workers <= 1 && threads <= 1 && !async {
		msg := "one sync worker with one thread: the dyno serves one request at a time"
		if workersVal.Source == "default" && !v.HasPythonBuildpack() {
			msg += "; WEB_CONCURRENCY is unset and no Python buildpack sets it"
		}
		o := Warnf("%s", msg).WithEv(ev...)
		if fixedByCommand(workersVal, threadsVal, classVal) {
			// one worker on the command line is one worker on any dyno:
			// a checkout without an app shows it too
			o = o.Sure()
		}
		if known {
			return o.Fix("%s", webConcurrencyFix(v, size))
		}
		return o.Fix("heroku config:set WEB_CONCURRENCY=2 %s (or add --threads)", v.AppFlag())
	}
	desc := fmt.Sprintf("%d workers", workers)
	if threads > 1 {
		desc += fmt.Sprintf(" × %d threads", threads)
	}
	if known {
		desc += fmt.Sprintf(" on %s (%d MB)", size.Name, size.RAMMB)
	}
	return Passf("%s, from %s", desc, sourceName(v, workersVal)).WithEv(ev...)
}

// fixedByCommand reports whether the worker count is written in the
// command itself, where no config var can raise it, and threads and worker
// class are written there too or left at their defaults.
func fixedByCommand(workers, threads, class gunicornValue) bool {
	if workers.Source != gunicorn.SourceCommandLine {
		return false
	}
	for _, val := range []gunicornValue{threads, class} {
		if val.Source != gunicorn.SourceCommandLine && val.Source != gunicorn.SourceDefault {
			return false
		}
	}
	return true
}

func webConcurrencyFix(v *View, d dynoSize) string {
	return "heroku config:set WEB_CONCURRENCY=" + strconv.Itoa(d.Concurrency()) + " " + v.AppFlag()
}

// sourceName tells where gunicorn's worker count came from, naming the
// buildpack when it, not the app, set WEB_CONCURRENCY.
func sourceName(v *View, val gunicornValue) string {
	src := string(val.Source)
	if src == "WEB_CONCURRENCY" {
		if _, set := v.ConfigVar("WEB_CONCURRENCY"); !set {
			return "WEB_CONCURRENCY set by the Python buildpack for the dyno size"
		}
		return "config var WEB_CONCURRENCY"
	}
	return src
}

// describeSource shows a setting with where it came from; see shownSetting.
func describeSource(v *View, val gunicornValue) string {
	return shownSetting(val, sourceName(v, val))
}
