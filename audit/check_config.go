package audit

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/herokuaudit/herokuaudit/audit/pysrc"
)

var sessionCookies = Check{
	ID:        "session-cookies",
	Title:     "Session cookies are Secure and HttpOnly",
	Checklist: "Configuration: mark session cookies Secure, HttpOnly and SameSite",
	Severity:  Medium,
	Rationale: "A session cookie without Secure can leak over plain HTTP; without HttpOnly, any XSS can " +
		"steal it; SameSite=None without Secure is rejected by browsers or sent cross-site.",
	Remediation: "Leave SESSION_COOKIE_HTTPONLY at its default (true) and set SESSION_COOKIE_SECURE=true " +
		"and REMEMBER_COOKIE_SECURE=true.",
	Reads: []Part{PartConfig},
	Uses:  []string{"config vars SESSION_COOKIE_SECURE, SESSION_COOKIE_HTTPONLY, SESSION_COOKIE_SAMESITE, REMEMBER_COOKIE_SECURE"},
	Run:   runSessionCookies,
}

func runSessionCookies(s *Snapshot) Outcome {
	names := []string{"SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE", "REMEMBER_COOKIE_SECURE"}
	var set, fails, fixes []string
	for _, n := range names {
		if _, ok := s.configVar(n); ok {
			set = append(set, n)
		}
	}
	if len(set) == 0 {
		return Skipf("no session cookie settings in the config vars (the live probe checks the real cookies)")
	}
	for _, n := range []string{"SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "REMEMBER_COOKIE_SECURE"} {
		if v, ok := s.configVar(n); ok && isFalsy(v) {
			fails = append(fails, n+" is off")
			fixes = append(fixes, fmt.Sprintf("heroku config:set %s=true %s", n, s.appFlag()))
		}
	}
	if v, ok := s.configVar("SESSION_COOKIE_SAMESITE"); ok && strings.EqualFold(strings.TrimSpace(v), "none") {
		if sec, ok := s.configVar("SESSION_COOKIE_SECURE"); !ok || !isTruthy(sec) {
			fails = append(fails, "SESSION_COOKIE_SAMESITE=None without SESSION_COOKIE_SECURE")
			fixes = append(fixes, fmt.Sprintf("heroku config:set SESSION_COOKIE_SAMESITE=Lax %s", s.appFlag()))
		}
	}
	ev := []string{"config vars set: " + strings.Join(set, ", ")}
	if len(fails) > 0 {
		return Failf("%s", strings.Join(fails, "; ")).With(ev...).Fix("%s", strings.Join(fixes, "; "))
	}
	return Passf("session cookie settings are safe").With(ev...)
}

var sqlEcho = Check{
	ID:          "sql-echo",
	Title:       "SQL echo is off",
	Checklist:   "Configuration: keep SQL echo off in production",
	Severity:    Medium,
	Rationale:   "SQLALCHEMY_ECHO logs every SQL statement with its parameters: passwords, tokens and personal data end up in the logs.",
	Remediation: "heroku config:unset SQLALCHEMY_ECHO -a APP",
	Reads:       []Part{PartConfig},
	Uses:        []string{"config var SQLALCHEMY_ECHO"},
	Run: func(s *Snapshot) Outcome {
		if v, ok := s.configVar("SQLALCHEMY_ECHO"); ok && (isTruthy(v) || strings.EqualFold(strings.TrimSpace(v), "debug")) {
			return Failf("SQLALCHEMY_ECHO is on: SQL and its parameters go to the logs").
				With("config var SQLALCHEMY_ECHO is truthy").Fix("heroku config:unset SQLALCHEMY_ECHO %s", s.appFlag())
		}
		return Passf("SQLALCHEMY_ECHO is off")
	},
}

var logLevel = Check{
	ID:          "log-level",
	Title:       "Logging is not at debug level",
	Checklist:   "Configuration: log at info or above in production",
	Severity:    Low,
	Rationale:   "Debug logging in production floods the 1,500-line log buffer and tends to record request bodies, headers and tokens.",
	Remediation: "Log at info or above in production: heroku config:set LOG_LEVEL=info -a APP, and drop --log-level debug.",
	Reads:       []Part{PartConfig},
	Uses:        []string{"config vars LOG_LEVEL, LOGLEVEL", "gunicorn --log-level from every source"},
	Run:         runLogLevel,
}

func runLogLevel(s *Snapshot) Outcome {
	var found, fixes []string
	for _, n := range []string{"LOG_LEVEL", "LOGLEVEL"} {
		if v, ok := s.configVar(n); ok && strings.EqualFold(strings.TrimSpace(v), "debug") {
			found = append(found, "config var "+n+" is debug")
			fixes = append(fixes, fmt.Sprintf("heroku config:set %s=info %s", n, s.appFlag()))
		}
	}
	if p, a, skip := gunicornWeb(s); skip == nil && strings.EqualFold(a.gun.LogLevel.Raw, "debug") {
		found = append(found, fmt.Sprintf("%s: gunicorn --log-level debug (from %s)", p.Where, a.gun.LogLevel.Source))
		fixes = append(fixes, "set gunicorn's log level to info")
	}
	if len(found) > 0 {
		return Warnf("logging at debug level in production").With(found...).Fix("%s", strings.Join(fixes, "; "))
	}
	return Passf("no debug log level set")
}

var corsOrigins = Check{
	ID:        "cors-origins",
	Title:     "CORS does not allow every origin",
	Checklist: "Configuration: restrict CORS to known origins",
	Severity:  High,
	Rationale: "Access-Control-Allow-Origin: * lets any website read the API's responses from a visitor's " +
		"browser; with credentials it hands over the user's session.",
	Remediation: "List the allowed origins explicitly, e.g. heroku config:set CORS_ORIGINS=https://www.example.com -a APP, " +
		"and pass origins= to CORS(app).",
	Reads: []Part{PartConfig},
	Uses:  []string{"config vars CORS_ORIGINS, CORS_ALLOW_ORIGINS, CORS_ORIGIN_WHITELIST"},
	Run:   runCORSOrigins,
}

func runCORSOrigins(s *Snapshot) Outcome {
	for _, n := range []string{"CORS_ORIGINS", "CORS_ALLOW_ORIGINS", "CORS_ORIGIN_WHITELIST"} {
		v, ok := s.configVar(n)
		if !ok {
			continue
		}
		for _, o := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' || r == ';' }) {
			if strings.Trim(o, `"'[]`) == "*" {
				return Failf("%s allows every origin (*)", n).With("config var "+n+" contains *").
					Fix("heroku config:set %s=https://your.domain %s", n, s.appFlag())
			}
		}
	}
	if all := s.sourceFindings(pysrc.CORSAll); len(all) > 0 {
		return Warnf("the code allows CORS from every origin").With(sourceEvidence(all)...).
			Fix("pass the allowed origins: CORS(app, origins=[\"https://your.domain\"])")
	}
	return Passf("no CORS wildcard in the config vars or the code")
}

var secretStrength = Check{
	ID:        "secret-strength",
	Title:     "Other secrets are not placeholders",
	Checklist: "Configuration: use real, strong values for every credential",
	Severity:  High,
	Rationale: "Tokens, passwords and API keys copied from an example file or left as a short test value " +
		"are the first thing an attacker tries.",
	Remediation: "Replace each flagged value with the real, randomly generated credential: heroku config:set NAME=... -a APP",
	Reads:       []Part{PartConfig},
	Uses:        []string{"config vars named *_SECRET, *_TOKEN, *_PASSWORD, *_API_KEY, *_KEY (not public or publishable keys)", "add-ons (their vars are generated)"},
	Run:         runSecretStrength,
}

var (
	secretName    = regexp.MustCompile(`(^|_)(SECRET|TOKEN|PASSWORD|PASSWD|PASS|API_KEY|KEY|PRIVATE_KEY|CLIENT_SECRET)$`)
	publicKeyName = regexp.MustCompile(`(PUBLISHABLE|PUBLIC|PUB|SITE)_KEY$|_KEY_ID$`)
)

// minSecretLen is what "very short" means for an API token or password.
const minSecretLen = 12

// isSecretName reports whether a config var name looks like it holds a
// credential.
func isSecretName(name string) bool {
	n := strings.ToUpper(name)
	return secretName.MatchString(n) && !publicKeyName.MatchString(n)
}

func runSecretStrength(s *Snapshot) Outcome {
	fromAddon := map[string]bool{}
	for _, a := range s.Addons {
		for _, v := range a.ConfigVars {
			fromAddon[v] = true
		}
	}
	var weak, checked []string
	for _, name := range sortedKeys(s.ConfigVars) {
		switch name {
		case "SECRET_KEY", "FLASK_SECRET_KEY", "JWT_SECRET_KEY":
			continue // the secret-key check
		}
		if !isSecretName(name) || fromAddon[name] {
			continue
		}
		checked = append(checked, name)
		if why := valueWeakness(s.ConfigVars[name], minSecretLen); why != "" {
			weak = append(weak, fmt.Sprintf("config var %s: %s", name, why))
		}
	}
	if len(checked) == 0 {
		return Skipf("no other secret-like config vars")
	}
	if len(weak) > 0 {
		return Failf("%d secret-like config var(s) hold weak or placeholder values", len(weak)).With(weak...).
			Fix("set each to the real credential: heroku config:set NAME=... %s", s.appFlag())
	}
	return Passf("%d secret-like config var(s) look like real credentials", len(checked)).With(strings.Join(checked, ", "))
}

var uploadsStorage = Check{
	ID:        "uploads-storage",
	Title:     "Uploads go to object storage",
	Checklist: "Configuration: store uploads off the ephemeral dyno filesystem",
	Severity:  Medium,
	Rationale: "A dyno's filesystem is ephemeral: files written there vanish at the next restart or deploy " +
		"(at least daily) and are not shared between dynos.",
	Remediation: "Store uploads in object storage (S3, Bucketeer, Cloudinary) instead of UPLOAD_FOLDER on the dyno.",
	Reads:       []Part{PartConfig},
	Uses:        []string{"config vars UPLOAD_FOLDER, UPLOAD_DIR and object storage vars", "add-ons"},
	Run:         runUploadsStorage,
}

var objectStorageVar = regexp.MustCompile(`^(AWS_STORAGE_BUCKET_NAME|S3_BUCKET.*|AWS_S3_BUCKET.*|BUCKETEER_.*|CLOUDINARY_URL|CLOUDCUBE_.*|GCS_BUCKET.*|AZURE_STORAGE_.*|B2_BUCKET.*)$`)

var objectStorageAddons = []string{"bucketeer", "cloudinary", "cloudcube", "hdrive", "filestack"}

func runUploadsStorage(s *Snapshot) Outcome {
	var local []string
	for _, n := range []string{"UPLOAD_FOLDER", "UPLOAD_DIR", "UPLOADS_FOLDER", "UPLOAD_PATH"} {
		v, ok := s.configVar(n)
		if ok && v != "" && !strings.Contains(v, "://") {
			local = append(local, n)
		}
	}
	if len(local) == 0 {
		return Skipf("no upload folder configured")
	}
	for n := range s.ConfigVars {
		if objectStorageVar.MatchString(n) {
			return Passf("uploads folder set, and object storage is configured").With("config var " + n)
		}
	}
	for _, a := range s.Addons {
		if containsString(objectStorageAddons, a.Service) {
			return Passf("uploads folder set, and object storage is configured").With("add-on " + a.Service)
		}
	}
	return Warnf("%s points at the dyno's ephemeral filesystem and no object storage is configured", strings.Join(local, ", ")).
		With("config var "+strings.Join(local, ", ")+" is a local path").
		Fix("store uploads in S3 or a storage add-on, e.g. heroku addons:create bucketeer %s", s.appFlag())
}
