package audit

import (
	"fmt"
	"strconv"
	"strings"
)

var webServer = Check{
	ID:        "web-server",
	Title:     "The web process runs a production server",
	Checklist: "Core: serve with gunicorn (or another production server), never the dev server",
	Severity:  High,
	Rationale: "Development servers (flask run, app.run(), manage.py runserver) serve one request at a " +
		"time, are not hardened, and often run with the debugger on.",
	Remediation: "Serve the app with a production WSGI/ASGI server in the Procfile, e.g. `web: gunicorn app:app`.",
	Uses:        []string{"formation", "slug process types", "Procfile"},
	Run:         runWebServer,
}

// noWebProcess is the verdict when the app has no web process: a skip, or an
// error when the formation could not be fetched to tell.
func noWebProcess(s *Snapshot) Outcome {
	if g, ok := s.Gaps[PartFormation]; ok && g.Failed {
		return Outcome{Status: Error, Message: "formation unavailable: " + g.Reason}
	}
	return Skipf("no web process")
}

func runWebServer(s *Snapshot) Outcome {
	w, ok := s.webCommand()
	if !ok {
		return noWebProcess(s)
	}
	p, a := w.proc, w.cmd
	if a.err != nil {
		return Warnf("could not parse the web command: %v", a.err).With(p.Where)
	}
	srv := a.server
	via := ""
	if len(a.inv.Wrappers) > 0 {
		via = " (via " + strings.Join(a.inv.Wrappers, ", ") + ")"
	}
	switch {
	case srv.Production:
		return Passf("web runs %s%s", srv.Name, via).With(p.Where + ": " + srv.Name)
	case srv.Dev:
		return Failf("web runs a development server: %s%s", srv.Name, via).With(p.Where + ": " + srv.Name).
			Fix("use a production server in the Procfile, e.g. `web: gunicorn app:app` (module:variable of your Flask app)")
	}
	prog := srv.Name
	if prog == "" {
		prog = "the command"
	}
	return Warnf("could not tell whether %s%s is a production server", prog, via).With(p.Where + ": " + prog).
		Fix("run gunicorn (or another production server) directly from the Procfile's web line so it can be audited")
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
	Uses: []string{"web command", "GUNICORN_CMD_ARGS", "gunicorn config file", "WEB_CONCURRENCY", "dyno size", "buildpacks"},
	Run:  runGunicornWorkers,
}

// mbPerWorker is the memory the Python buildpack budgets a worker
// (RAM_MB/256); a worker count over twice that budget is a failure.
const mbPerWorker = 256

func runGunicornWorkers(s *Snapshot) Outcome {
	p, a, skip := gunicornWeb(s)
	if skip != nil {
		return *skip
	}
	g := a.gun
	workersFrom := describeSource(s, g.Workers)
	ev := []string{fmt.Sprintf("workers: %s", workersFrom)}
	if g.Threads.Raw != "" && g.Threads.Source != "default" {
		ev = append(ev, fmt.Sprintf("threads: %s (from %s)", g.Threads.Raw, g.Threads.Source))
	}
	if g.WorkerClass.Raw != "" && g.WorkerClass.Source != "default" {
		ev = append(ev, fmt.Sprintf("worker class: %s (from %s)", g.WorkerClass.Raw, g.WorkerClass.Source))
	}
	ev = append(ev, g.Notes...)
	workers, ok := g.Workers.Int()
	if !ok {
		if strings.Contains(g.Workers.Raw, "cpu_count") {
			return Warnf("workers come from cpu_count(), which reports the host's cores, not the dyno's share").With(ev...).
				Fix("use workers = int(os.environ.get('WEB_CONCURRENCY', 2)) in %s", g.ConfigFile)
		}
		return Warnf("could not work out the number of workers (%s)", g.Workers.Raw).With(ev...)
	}
	size, known := lookupDynoSize(p.Size)
	if p.Size != "" {
		ev = append(ev, fmt.Sprintf("web dyno size: %s", p.Size))
	}
	threads, _ := g.Threads.Int()
	class := strings.ToLower(g.WorkerClass.Raw)
	async := strings.Contains(class, "gevent") || strings.Contains(class, "eventlet") || strings.Contains(class, "uvicorn") || strings.Contains(class, "tornado")
	if known {
		budget := size.RAMMB / mbPerWorker
		if budget < 1 {
			budget = 1
		}
		switch {
		case workers > 2*budget:
			return Failf("%d workers on %s (%d MB): about %d MB each, the dyno will run out of memory",
				workers, size.Name, size.RAMMB, size.RAMMB/workers).With(ev...).
				Fix("%s, and remove the explicit worker count", webConcurrencyFix(s, size))
		case workers > budget:
			return Warnf("%d workers on %s (%d MB) is more than the %d the buildpack budgets for its memory",
				workers, size.Name, size.RAMMB, budget).With(ev...).Fix("%s", webConcurrencyFix(s, size))
		}
	}
	if workers <= 1 && threads <= 1 && !async {
		msg := "one sync worker with one thread: the dyno serves one request at a time"
		if g.Workers.Source == "default" && !s.hasPythonBuildpack() {
			msg += "; WEB_CONCURRENCY is unset and no Python buildpack sets it"
		}
		o := Warnf("%s", msg).With(ev...)
		if known {
			return o.Fix("%s", webConcurrencyFix(s, size))
		}
		return o.Fix("heroku config:set WEB_CONCURRENCY=2 %s (or add --threads)", s.appFlag())
	}
	desc := fmt.Sprintf("%d workers", workers)
	if threads > 1 {
		desc += fmt.Sprintf(" × %d threads", threads)
	}
	if known {
		desc += fmt.Sprintf(" on %s (%d MB)", size.Name, size.RAMMB)
	}
	return Passf("%s, from %s", desc, sourceName(s, g.Workers)).With(ev...)
}

func webConcurrencyFix(s *Snapshot, d dynoSize) string {
	return "heroku config:set WEB_CONCURRENCY=" + strconv.Itoa(d.Concurrency) + " " + s.appFlag()
}

// sourceName tells where gunicorn's worker count came from, naming the
// buildpack when it, not the app, set WEB_CONCURRENCY.
func sourceName(s *Snapshot, v gunicornValue) string {
	src := string(v.Source)
	if src == "WEB_CONCURRENCY" {
		if _, set := s.ConfigVars["WEB_CONCURRENCY"]; !set {
			return "WEB_CONCURRENCY set by the Python buildpack for the dyno size"
		}
		return "config var WEB_CONCURRENCY"
	}
	return src
}

func describeSource(s *Snapshot, v gunicornValue) string {
	return fmt.Sprintf("%s (from %s)", v.Raw, sourceName(s, v))
}
