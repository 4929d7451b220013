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
	Reads:       []Part{PartConfig},
	Uses:        []string{"config var WTF_CSRF_ENABLED", "installed packages", "templates (forms)"},
	Run:         runCSRF,
}

var postForm = regexp.MustCompile(`(?is)<form[^>]*method\s*=\s*["']?post`)

func runCSRF(s *Snapshot) Outcome {
	if v, ok := s.configVar("WTF_CSRF_ENABLED"); ok && isFalsy(v) {
		return Failf("WTF_CSRF_ENABLED turns CSRF protection off").With("config var WTF_CSRF_ENABLED is false").
			Fix("heroku config:unset WTF_CSRF_ENABLED %s", s.appFlag())
	}
	if _, gap := s.Gaps[PartFiles]; gap {
		return Skipf("the app's files are not available to tell whether a CSRF library is installed")
	}
	deps := s.deps()
	for _, lib := range []string{"flask-wtf", "flask-seasurf"} {
		if deps.Has(lib) {
			return Passf("%s is installed and CSRF protection is not turned off", lib).With("installed: " + lib)
		}
	}
	var forms []string
	for _, p := range s.Files.Paths() {
		if strings.HasSuffix(p, ".html") {
			if data, _ := s.Files.Get(p); postForm.Match(data) {
				forms = append(forms, p)
			}
		}
	}
	if len(forms) == 0 {
		return Skipf("no POST forms in the templates and no CSRF library installed")
	}
	return Warnf("the templates have POST forms but neither Flask-WTF nor Flask-SeaSurf is installed").
		With(forms...).Fix("pip install flask-wtf, add it to requirements.txt, and call CSRFProtect(app)")
}

var rateLimitStorage = Check{
	ID:        "rate-limit-storage",
	Title:     "Rate limits are shared between workers",
	Checklist: "Configuration: keep Flask-Limiter's counters in shared storage",
	Severity:  Medium,
	Rationale: "Flask-Limiter's default memory:// storage keeps a counter per process: with several gunicorn " +
		"workers or dynos, each counts alone and the real limit is that many times higher.",
	Remediation: "Point RATELIMIT_STORAGE_URI at Redis (heroku addons:create heroku-redis, then RATELIMIT_STORAGE_URI=$REDIS_URL).",
	Reads:       []Part{PartConfig, PartFiles},
	Uses:        []string{"installed packages", "config vars RATELIMIT_STORAGE_URI/URL", "Limiter(storage_uri=...) in the source", "workers and dynos"},
	Run:         runRateLimitStorage,
}

func runRateLimitStorage(s *Snapshot) Outcome {
	if !s.deps().Has("flask-limiter") {
		return Skipf("Flask-Limiter is not installed")
	}
	for _, n := range []string{"RATELIMIT_STORAGE_URI", "RATELIMIT_STORAGE_URL"} {
		if v, ok := s.configVar(n); ok {
			if strings.HasPrefix(strings.TrimSpace(v), "memory://") || strings.TrimSpace(v) == "" {
				break
			}
			return Passf("rate-limit counters are stored outside the process (%s)", n).With("config var " + n)
		}
	}
	if where := storageURIInCode(s); where != "" {
		return Passf("the code gives Limiter a storage_uri").With(where)
	}
	procs, workers := 1, 1
	if p, ok := s.Process("web"); ok {
		procs = p.Quantity
	}
	if _, a, skip := gunicornWeb(s); skip == nil {
		if n, ok := a.gun.Workers.Int(); ok {
			workers = n
		}
	}
	if procs*workers <= 1 {
		return Passf("one process serves the app, so in-memory counters are exact")
	}
	return Warnf("Flask-Limiter counts in memory across %d processes (%d dynos × %d workers): each counts alone", procs*workers, procs, workers).
		With("RATELIMIT_STORAGE_URI unset or memory://").
		Fix("heroku config:set RATELIMIT_STORAGE_URI=<your Redis URL> %s", s.appFlag())
}

// storageURIInCode finds Limiter(..., storage_uri="redis://...") or a
// RATELIMIT_STORAGE_URI setting in the source.
func storageURIInCode(s *Snapshot) string {
	where := ""
	s.pythonLines(func(l sourceLine) bool {
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
	Reads:       []Part{PartConfig, PartFiles},
	Uses:        []string{"config var DATABASE_URL", "installed SQLAlchemy version", "Python sources"},
	Run: func(s *Snapshot) Outcome {
		v, ok := s.configVar("DATABASE_URL")
		if !ok || !strings.HasPrefix(strings.TrimSpace(v), "postgres://") {
			return Skipf("DATABASE_URL is not a postgres:// URL")
		}
		deps := s.deps()
		if !deps.Has("sqlalchemy") && !deps.Has("flask-sqlalchemy") {
			return Skipf("SQLAlchemy is not installed")
		}
		if rw := s.sourceFindings(pysrc.PostgresRewrite); len(rw) > 0 {
			return Passf("the code rewrites postgres:// to postgresql://").With(sourceEvidence(rw[:1])...)
		}
		if atLeast, known := deps.AtLeast("sqlalchemy", "1.4"); known && !atLeast {
			return Passf("SQLAlchemy older than 1.4 still accepts postgres://")
		}
		return Warnf("DATABASE_URL uses postgres://, which SQLAlchemy 1.4+ refuses, and the code does not rewrite it").
			With("config var DATABASE_URL starts with postgres://").
			Fix("rewrite it in code: os.environ['DATABASE_URL'].replace('postgres://', 'postgresql://', 1)")
	},
}
