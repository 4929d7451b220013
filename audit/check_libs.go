package audit

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/herokuaudit/herokuaudit/audit/pysrc"
)

var csrfProtection = Check{
	ID:        "csrf-protection",
	Title:     "Forms are protected against CSRF",
	Checklist: "Configuration: keep CSRF protection on (Flask-WTF or Flask-SeaSurf)",
	Severity:  High,
	Rationale: "Without CSRF tokens any website can make a logged-in visitor's browser submit the app's " +
		"forms: change their email, password or payment details.",
	Remediation: "Install Flask-WTF and enable CSRFProtect(app); never set WTF_CSRF_ENABLED=false in production.",
	Run:         runCSRF,
}

var postForm = regexp.MustCompile(`(?is)<form[^>]*method\s*=\s*["']?post`)

func runCSRF(v *View) Outcome {
	if val, ok := v.ConfigVar("WTF_CSRF_ENABLED"); ok && isFalsy(val) {
		return Failf("WTF_CSRF_ENABLED turns CSRF protection off").Sure().WithEv(ofVar("WTF_CSRF_ENABLED", "config var WTF_CSRF_ENABLED is false")).
			Fix("heroku config:unset WTF_CSRF_ENABLED %s", v.AppFlag())
	}
	var off []pysrc.Finding
	for _, f := range v.Source(pysrc.CSRFOff) {
		if !isDevScope(f.Scope) { // a TestingConfig may turn it off
			off = append(off, f)
		}
	}
	if len(off) > 0 {
		return Failf("the code turns CSRF protection off (%s = False)", off[0].Value).Sure().
			WithEv(sourceEvidence(off)...).
			Fix("remove %s = False outside the testing config", off[0].Value)
	}
	deps := v.Deps()
	for _, lib := range []string{"flask-wtf", "flask-seasurf"} {
		if deps.Has(lib) {
			return Passf("%s is installed and CSRF protection is not turned off", lib).With("installed: " + lib)
		}
	}
	var forms []string
	for _, p := range v.FilePaths() {
		if pysrc.IsTemplate(p) {
			if data, _ := v.File(p); postForm.Match(data) {
				forms = append(forms, p)
			}
		}
	}
	if len(forms) == 0 {
		return Skipf("no POST forms in the templates and no CSRF library installed")
	}
	// seen in the files: no config var can install a library
	return Warnf("the templates have POST forms but neither Flask-WTF nor Flask-SeaSurf is installed").Sure().
		WithEv(placesOf(forms)...).Fix("pip install flask-wtf, add it to requirements.txt, and call CSRFProtect(app)")
}

var rateLimitStorage = Check{
	ID:        "rate-limit-storage",
	Title:     "Rate limits are shared between workers",
	Checklist: "Configuration: keep Flask-Limiter's counters in shared storage",
	Severity:  Medium,
	Rationale: "Flask-Limiter's default memory:// storage keeps a counter per process: with several gunicorn " +
		"workers or dynos, each counts alone and the real limit is that many times higher.",
	Remediation: "Point RATELIMIT_STORAGE_URI at Redis (heroku addons:create heroku-redis, then RATELIMIT_STORAGE_URI=$REDIS_URL).",
	Needs:       []Part{PartConfig, PartFiles},
	Run:         runRateLimitStorage,
}

func runRateLimitStorage(v *View) Outcome {
	if !v.Deps().Has("flask-limiter") {
		return Skipf("Flask-Limiter is not installed")
	}
	for _, n := range []string{"RATELIMIT_STORAGE_URI", "RATELIMIT_STORAGE_URL"} {
		if val, ok := v.ConfigVar(n); ok {
			if strings.HasPrefix(strings.TrimSpace(val), "memory://") || strings.TrimSpace(val) == "" {
				break
			}
			return Passf("rate-limit counters are stored outside the process (%s)", n).WithEv(ofVar(n, "config var %s", n))
		}
	}
	if where := storageURIInCode(v); where != "" {
		return Passf("the code gives Limiter a storage_uri").With(where)
	}
	procs, workers := 1, 1
	if p, ok := v.Process("web"); ok {
		procs = p.Quantity
	}
	if w, g, skip := gunicornWeb(v); skip == nil {
		if n, ok := v.Setting(w, g.Workers).Int(); ok {
			workers = n
		}
	}
	if procs*workers <= 1 {
		return Passf("one process serves the app, so in-memory counters are exact")
	}
	return Warnf("Flask-Limiter counts in memory across %d processes (%d dynos × %d workers): each counts alone", procs*workers, procs, workers).
		With("RATELIMIT_STORAGE_URI unset or memory://").
		Fix("heroku config:set RATELIMIT_STORAGE_URI=<your Redis URL> %s", v.AppFlag())
}

// storageURIInCode finds Limiter(..., storage_uri="redis://...") or a
// RATELIMIT_STORAGE_URI setting in the source.
func storageURIInCode(v *View) string {
	where := ""
	v.PythonLines(func(l sourceLine) bool {
		if (strings.Contains(l.Text, "storage_uri") || strings.Contains(l.Text, "RATELIMIT_STORAGE_UR")) && !strings.Contains(l.Text, "memory://") {
			where = fmt.Sprintf("%s:%d", l.File, l.Line)
			return false
		}
		return true
	})
	return where
}

var databaseURLScheme = Check{
	ID:        "database-url-scheme",
	Title:     "The postgres:// scheme is rewritten for SQLAlchemy",
	Checklist: "Platform: rewrite postgres:// to postgresql:// for SQLAlchemy 1.4+",
	Severity:  Medium,
	Rationale: "Heroku's DATABASE_URL starts with postgres://, which SQLAlchemy 1.4 and later refuse: the app " +
		"fails at its first query, or someone edits DATABASE_URL by hand and Heroku's next credential rotation breaks it.",
	Remediation: "In code: url = os.environ['DATABASE_URL'].replace('postgres://', 'postgresql://', 1).",
	Needs:       []Part{PartConfig, PartFiles},
	Run: func(v *View) Outcome {
		val, ok := v.ConfigVar("DATABASE_URL")
		if !ok || !strings.HasPrefix(strings.TrimSpace(val), "postgres://") {
			return Skipf("DATABASE_URL is not a postgres:// URL")
		}
		deps := v.Deps()
		if !deps.Has("sqlalchemy") && !deps.Has("flask-sqlalchemy") {
			return Skipf("SQLAlchemy is not installed")
		}
		if rw := v.Source(pysrc.PostgresRewrite); len(rw) > 0 {
			return Passf("the code rewrites postgres:// to postgresql://").WithEv(sourceEvidence(rw[:1])...)
		}
		if atLeast, known := deps.AtLeast("sqlalchemy", "1.4"); known && !atLeast {
			return Passf("SQLAlchemy older than 1.4 still accepts postgres://")
		}
		return Warnf("DATABASE_URL uses postgres://, which SQLAlchemy 1.4+ refuses, and the code does not rewrite it").
			WithEv(ofVar("DATABASE_URL", "config var DATABASE_URL starts with postgres://")).
			Fix("rewrite it in code: os.environ['DATABASE_URL'].replace('postgres://', 'postgresql://', 1)")
	},
}
