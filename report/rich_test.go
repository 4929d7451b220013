package report

import (
	"github.com/herokuaudit/herokuaudit/audit"
)

// The rich report: several apps compared with a baseline, with suppressed,
// new and existing problems, fixed ones, an app that could not be audited
// and a notice. Built by hand so the goldens pin the renderers only.

const richNotice = "suppression for dyno-tier (apps *-staging) expired on 2026-11-01 and no longer applies"

func richStaging() audit.Result {
	r := scored("shop-staging", []audit.Finding{
		{Check: "debug-mode", Status: audit.Fail, Severity: audit.Critical, Title: "Debug mode is off",
			Message:     "FLASK_DEBUG is truthy: the Werkzeug debugger runs in production",
			Evidence:    evs("config var FLASK_DEBUG is truthy"),
			Remediation: "heroku config:unset FLASK_DEBUG -a shop-staging", Baseline: audit.BaselineNew},
		{Check: "secret-key", Status: audit.Pass, Severity: audit.Critical, Title: "SECRET_KEY is strong",
			Message: "SECRET_KEY is set: 64 characters, high entropy", Evidence: evs("config var SECRET_KEY")},
		{Check: "web-server", Status: audit.Fail, Severity: audit.High, Title: "A production web server",
			Message:     "web runs a development server: flask run",
			Evidence:    evs("Procfile line 1: flask run", "slug process type web"),
			Remediation: "serve the app with gunicorn; in the Procfile:\nweb: gunicorn app:app", Baseline: audit.BaselineExisting},
		{Check: "gunicorn-workers", Status: audit.Skip, Severity: audit.Medium, Title: "Gunicorn workers fit the dyno",
			Message: "web does not run gunicorn", Evidence: []audit.Evidence{}},
		{Check: "postgres-ssl", Status: audit.Fail, Severity: audit.High, Title: "Postgres over TLS",
			Message:     "DATABASE_URL turns TLS off",
			Evidence:    evs("config var DATABASE_URL: sslmode=disable"),
			Remediation: "create_engine(url, connect_args={\"sslmode\": \"require\"})",
			Suppressed:  &audit.Suppressed{Reason: "staging uses a throwaway copy | no customer data", Expires: "2027-01-31"},
			Baseline:    audit.BaselineExisting},
		{Check: "dyno-tier", Status: audit.Warn, Severity: audit.Medium, Title: "Web dynos do not sleep",
			Message: "web runs on eco dynos, which sleep after 30 minutes idle", Evidence: evs("web: 1 × eco"),
			Remediation: "heroku ps:type web=basic -a shop-staging",
			Suppressed:  &audit.Suppressed{Reason: "staging may sleep"}, Baseline: audit.BaselineNew},
		{Check: "stack", Status: audit.Error, Severity: audit.High, Title: "A supported stack",
			Message: "app unavailable: 503 from the Platform API", Evidence: []audit.Evidence{}},
	})
	r.Fixed = []audit.Finding{
		{Check: "log-drain", Status: audit.Warn, Severity: audit.Low, Title: "Logs leave the platform",
			Message: "no log drain and no logging add-on", Evidence: []audit.Evidence{}},
	}
	return r
}

func richBlog() audit.Result {
	return scored("blog", []audit.Finding{
		{Check: "hardcoded-secret", Status: audit.Fail, Severity: audit.High, Title: "No secret in the source",
			Message:     "SECRET_KEY is a string literal in the source",
			Evidence:    evs("app.py:12: SECRET_KEY = '****'"),
			Remediation: "read it from the environment: app.secret_key = os.environ[\"SECRET_KEY\"]", Baseline: audit.BaselineNew},
		{Check: "debug-in-source", Status: audit.Warn, Severity: audit.High, Title: "No debug switch in the source",
			Message: "DEBUG = True in a config module", Evidence: evs("blog/config.py:3: DEBUG = True"),
			Remediation: "set DEBUG from the environment", Baseline: audit.BaselineExisting},
		{Check: "session-cookies", Status: audit.Pass, Severity: audit.Medium, Title: "Session cookies are locked down",
			Message: "no cookie settings weakened", Evidence: []audit.Evidence{}},
		// not in richChecks: SARIF must add a rule for it from the finding
		{Check: "server-banner", Status: audit.Warn, Severity: audit.Low, Title: "The server banner is quiet",
			Message: "Server reveals a version", Evidence: evs("Server: gunicorn/23.0.0"), Baseline: audit.BaselineNew},
	})
}

func richProd() audit.Result {
	r := scored("shop-prod", []audit.Finding{
		{Check: "debug-mode", Status: audit.Pass, Severity: audit.Critical, Title: "Debug mode is off",
			Message: "DEBUG and FLASK_DEBUG are unset", Evidence: []audit.Evidence{}},
		{Check: "web-server", Status: audit.Pass, Severity: audit.High, Title: "A production web server",
			Message: "web runs gunicorn", Evidence: evs("Procfile line 1: gunicorn")},
	})
	r.Fixed = []audit.Finding{
		{Check: "debug-mode", Status: audit.Fail, Severity: audit.Critical, Title: "Debug mode is off",
			Message: "DEBUG is truthy", Evidence: evs("config var DEBUG is truthy")},
	}
	return r
}

func richResults() []audit.Result {
	return []audit.Result{richStaging(), richBlog(), richProd(), failedApp()}
}

// richChecks is a small catalog for SARIF rules, so the goldens do not move
// when the real catalog grows.
func richChecks() []audit.Check {
	return []audit.Check{
		{ID: "debug-mode", Title: "Debug mode is off", Severity: audit.Critical, Checklist: "Debug mode disabled",
			Rationale:   "The Werkzeug debugger runs arbitrary Python for anyone who can trigger an error.",
			Remediation: "heroku config:unset DEBUG FLASK_DEBUG -a APP"},
		{ID: "secret-key", Title: "SECRET_KEY is strong", Severity: audit.Critical, Checklist: "Secret key set",
			Rationale: "A weak key lets anyone forge sessions.", Remediation: "heroku config:set SECRET_KEY=$(python -c 'import secrets; print(secrets.token_hex(32))') -a APP"},
		{ID: "web-server", Title: "A production web server", Severity: audit.High, Checklist: "Production WSGI server",
			Rationale: "The development server is single-threaded and not hardened.", Remediation: "web: gunicorn app:app"},
		{ID: "gunicorn-workers", Title: "Gunicorn workers fit the dyno", Severity: audit.Medium, Checklist: "Gunicorn workers",
			Rationale: "Too many workers exhaust memory.", Remediation: "set WEB_CONCURRENCY"},
		{ID: "postgres-ssl", Title: "Postgres over TLS", Severity: audit.High, Checklist: "Database SSL",
			Rationale: "Unencrypted database traffic can be read.", Remediation: "sslmode=require"},
		{ID: "dyno-tier", Title: "Web dynos do not sleep", Severity: audit.Medium,
			Rationale: "Eco dynos sleep.", Remediation: "heroku ps:type web=basic -a APP"},
		{ID: "stack", Title: "A supported stack", Severity: audit.High, Checklist: "Stack",
			Rationale: "Old stacks get no security updates.", Remediation: "heroku stack:set heroku-24 -a APP"},
		{ID: "hardcoded-secret", Title: "No secret in the source", Severity: audit.High, Checklist: "Secret key set",
			Rationale: "A secret in the source is in every copy of it.", Remediation: "read secrets from the environment"},
		{ID: "debug-in-source", Title: "No debug switch in the source", Severity: audit.High, Checklist: "Debug mode disabled",
			Rationale: "app.run(debug=True) turns the debugger on.", Remediation: "drop debug=True"},
		{ID: "session-cookies", Title: "Session cookies are locked down", Severity: audit.Medium, Checklist: "Session cookies",
			Rationale: "Cookies without Secure travel in clear text.", Remediation: "SESSION_COOKIE_SECURE=True"},
		{ID: "log-drain", Title: "Logs leave the platform", Severity: audit.Low, Checklist: "Logging",
			Rationale: "Heroku keeps 1,500 lines.", Remediation: "heroku drains:add URL -a APP"},
	}
}

func richReport(results ...audit.Result) Report {
	if results == nil {
		results = richResults()
	}
	return Report{
		Tool:     Tool{Name: "herokuaudit", Version: "1.2.3"},
		Results:  results,
		Baseline: &audit.BaselineSummary{New: 4, Existing: 3, Fixed: 2},
		Notices:  []string{richNotice},
		Checks:   richChecks(),
	}
}
