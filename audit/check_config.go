package audit

import (
	"fmt"
	"net/url"
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
	Needs: []Part{PartConfig},
	Run:   runSessionCookies,
}

func runSessionCookies(v *View) Outcome {
	names := []string{"SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE", "REMEMBER_COOKIE_SECURE"}
	var set, fails, fixes []string
	for _, n := range names {
		if _, ok := v.ConfigVar(n); ok {
			set = append(set, n)
		}
	}
	if len(set) == 0 {
		return Skipf("no session cookie settings in the config vars (the live probe checks the real cookies)")
	}
	for _, n := range []string{"SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "REMEMBER_COOKIE_SECURE"} {
		if val, ok := v.ConfigVar(n); ok && isFalsy(val) {
			fails = append(fails, n+" is off")
			fixes = append(fixes, fmt.Sprintf("heroku config:set %s=true %s", n, v.AppFlag()))
		}
	}
	if val, ok := v.ConfigVar("SESSION_COOKIE_SAMESITE"); ok && strings.EqualFold(strings.TrimSpace(val), "none") {
		if sec, ok := v.ConfigVar("SESSION_COOKIE_SECURE"); !ok || !isTruthy(sec) {
			fails = append(fails, "SESSION_COOKIE_SAMESITE=None without SESSION_COOKIE_SECURE")
			fixes = append(fixes, fmt.Sprintf("heroku config:set SESSION_COOKIE_SAMESITE=Lax %s", v.AppFlag()))
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
	Needs:       []Part{PartConfig},
	Run: func(v *View) Outcome {
		if val, ok := v.ConfigVar("SQLALCHEMY_ECHO"); ok && (isTruthy(val) || strings.EqualFold(strings.TrimSpace(val), "debug")) {
			return Failf("SQLALCHEMY_ECHO is on: SQL and its parameters go to the logs").
				WithEv(ofVar("SQLALCHEMY_ECHO", "config var SQLALCHEMY_ECHO is truthy")).Fix("heroku config:unset SQLALCHEMY_ECHO %s", v.AppFlag())
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
	Run:         runLogLevel,
}

func runLogLevel(v *View) Outcome {
	var found []Evidence
	var fixes []string
	for _, n := range []string{"LOG_LEVEL", "LOGLEVEL"} {
		if val, ok := v.ConfigVar(n); ok && strings.EqualFold(strings.TrimSpace(val), "debug") {
			found = append(found, ofVar(n, "config var %s is debug", n))
			fixes = append(fixes, fmt.Sprintf("heroku config:set %s=info %s", n, v.AppFlag()))
		}
	}
	if w, g, skip := gunicornWeb(v); skip == nil && strings.EqualFold(v.Setting(w, g.LogLevel).Raw, "debug") {
		found = append(found, settingEvidence(w.proc, g.LogLevel, "%s: gunicorn --log-level debug (from %s)", w.Where, g.LogLevel.Source))
		fixes = append(fixes, "set gunicorn's log level to info")
	}
	if len(found) > 0 {
		return Warnf("logging at debug level in production").Sure().WithEv(found...).Fix("%s", strings.Join(fixes, "; "))
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
	Run: runCORSOrigins,
}

func runCORSOrigins(v *View) Outcome {
	for _, n := range []string{"CORS_ORIGINS", "CORS_ALLOW_ORIGINS", "CORS_ORIGIN_WHITELIST"} {
		val, ok := v.ConfigVar(n)
		if !ok {
			continue
		}
		for _, o := range strings.FieldsFunc(val, func(r rune) bool { return r == ',' || r == ' ' || r == ';' }) {
			if strings.Trim(o, `"'[]`) == "*" {
				return Failf("%s allows every origin (*)", n).Sure().WithEv(ofVar(n, "config var %s contains *", n)).
					Fix("heroku config:set %s=https://your.domain %s", n, v.AppFlag())
			}
		}
	}
	if all := v.Source(pysrc.CORSAll); len(all) > 0 {
		return Warnf("the code allows CORS from every origin").Sure().WithEv(sourceEvidence(all)...).
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
	Needs:       []Part{PartConfig},
	Run:         runSecretStrength,
}

// credentialOf is the part of a secret's value that is the credential: the
// password of a URL (its host is not the app's choice), else the whole
// value. A URL without a password has none to judge.
func credentialOf(v string) (string, bool) {
	u, err := url.Parse(strings.TrimSpace(v))
	if err != nil || u.Scheme == "" || u.Host == "" {
		return v, true
	}
	if u.User == nil {
		return "", false
	}
	return u.User.Password()
}

func runSecretStrength(v *View) Outcome {
	fromAddon := map[string]bool{}
	for _, a := range v.Addons() {
		for _, v := range a.ConfigVars {
			fromAddon[v] = true
		}
	}
	var weak []Evidence
	var checked []string
	for _, name := range sortedKeys(v.ConfigVars()) {
		switch name {
		case "SECRET_KEY", "FLASK_SECRET_KEY", "JWT_SECRET_KEY":
			continue // the secret-key check
		}
		val := v.ConfigVars()[name]
		if !IsSecret(name, val) || fromAddon[name] {
			continue
		}
		cred, ok := credentialOf(val)
		if !ok {
			continue
		}
		checked = append(checked, name)
		if why := valueWeakness(cred, minSecretLen); why != "" {
			weak = append(weak, ofVar(name, "config var %s: %s", name, why))
		}
	}
	if len(checked) == 0 {
		return Skipf("no other secret-like config vars")
	}
	if len(weak) > 0 {
		return Failf("%d secret-like config var(s) hold weak or placeholder values", len(weak)).WithEv(weak...).
			Fix("set each to the real credential: heroku config:set NAME=... %s", v.AppFlag())
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
	Needs:       []Part{PartConfig},
	Run:         runUploadsStorage,
}

var objectStorageVar = regexp.MustCompile(`^(AWS_STORAGE_BUCKET_NAME|S3_BUCKET.*|AWS_S3_BUCKET.*|BUCKETEER_.*|CLOUDINARY_URL|CLOUDCUBE_.*|GCS_BUCKET.*|AZURE_STORAGE_.*|B2_BUCKET.*)$`)

var objectStorageAddons = []string{"bucketeer", "cloudinary", "cloudcube", "hdrive", "filestack"}

func runUploadsStorage(v *View) Outcome {
	var local []string
	for _, n := range []string{"UPLOAD_FOLDER", "UPLOAD_DIR", "UPLOADS_FOLDER", "UPLOAD_PATH"} {
		val, ok := v.ConfigVar(n)
		if ok && val != "" && !strings.Contains(val, "://") {
			local = append(local, n)
		}
	}
	if len(local) == 0 {
		return Skipf("no upload folder configured")
	}
	for n := range v.ConfigVars() {
		if objectStorageVar.MatchString(n) {
			return Passf("uploads folder set, and object storage is configured").WithEv(ofVar(n, "config var %s", n))
		}
	}
	for _, a := range v.Addons() {
		if containsString(objectStorageAddons, a.Service) {
			return Passf("uploads folder set, and object storage is configured").With("add-on " + a.Service)
		}
	}
	return Warnf("%s points at the dyno's ephemeral filesystem and no object storage is configured", strings.Join(local, ", ")).
		WithEv(ofVar(local[0], "config var %s is a local path", strings.Join(local, ", "))).
		Fix("store uploads in S3 or a storage add-on, e.g. heroku addons:create bucketeer %s", v.AppFlag())
}
