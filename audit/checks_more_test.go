package audit

import (
	"slices"
	"strings"
	"testing"
	"time"
)

var checkCases = slices.Concat(coreCases, configCases, processCases, platformCases, sourceCases, probeCases)

func noted(paths ...string) change {
	return func(s *Snapshot) { s.Files.Noted = append(s.Files.Noted, paths...) }
}

const pinnedReqs = "flask==3.1.2\ngunicorn==26.1.0\n"

var sourceCases = []checkCase{
	{check: "dependency-pins", name: "no requirements", status: Skip},
	{check: "dependency-pins", name: "pinned", changes: []change{file("requirements.txt", pinnedReqs)}, status: Pass, msg: "all 2"},
	{check: "dependency-pins", name: "some unpinned", changes: []change{file("requirements.txt", pinnedReqs+"requests>=2\nFlask_WTF\n")}, status: Warn, msg: "2 of 4", ev: "requirements.txt:3: requests>=2"},
	{check: "dependency-pins", name: "none pinned", changes: []change{file("requirements.txt", "flask\ngunicorn\n")}, status: Fail, fix: "pip freeze"},
	{check: "dependency-pins", name: "include unpinned", changes: []change{file("requirements.txt", "-r requirements/base.txt\nflask==3.1.2\n"), file("requirements/base.txt", "sqlalchemy\n")}, status: Warn, msg: "sqlalchemy"},
	{check: "dependency-pins", name: "uv lock", changes: []change{file("pyproject.toml", "[project]\nname = \"x\"\ndependencies = [\"flask>=3\"]\n"), file("uv.lock", "version = 1\n[[package]]\nname = \"flask\"\nversion = \"3.1.2\"\n")}, status: Pass, msg: "uv.lock"},

	{check: "hardcoded-secret", name: "from the environment", changes: []change{file("config.py", "import os\nSECRET_KEY = os.environ['SECRET_KEY']\n")}, status: Pass},
	{check: "hardcoded-secret", name: "literal", changes: []change{file("app.py", "app.secret_key = 'FIXTURESECRET-hardcoded-value'\n")}, status: Fail, ev: "app.py:1", fix: "rotate"},
	{check: "hardcoded-secret", name: "literal in a test file", changes: []change{file("tests/test_app.py", "SECRET_KEY = 'FIXTURESECRET-test'\n")}, status: Pass},
	{check: "hardcoded-secret", name: "commented out", changes: []change{file("config.py", "# SECRET_KEY = 'FIXTURESECRET-old'\n")}, status: Pass},
	{check: "hardcoded-secret", name: "fallback", changes: []change{file("config.py", "import os\nSECRET_KEY = os.environ.get('SECRET_KEY', 'FIXTURESECRET-dev')\n")}, status: Warn, msg: "falls back"},

	{check: "debug-in-source", name: "clean", status: Pass},
	{check: "debug-in-source", name: "app.run(debug=True) under main", changes: []change{file("app.py", "app = Flask(__name__)\nif __name__ == '__main__':\n    app.run(debug=True)\n")}, status: Warn, msg: "__main__", ev: "app.py:3"},
	{check: "debug-in-source", name: "production config", changes: []change{file("config.py", "class ProductionConfig:\n    DEBUG = True\n")}, status: Warn},
	{check: "debug-in-source", name: "development config is fine", changes: []change{file("config.py", "class DevelopmentConfig:\n    DEBUG = True\n")}, status: Pass},
	{check: "debug-in-source", name: "debug from the environment", changes: []change{file("app.py", "app.run(debug=os.environ.get('FLASK_DEBUG') == '1')\n")}, status: Pass},

	{check: "template-injection", name: "clean", status: Pass},
	{check: "template-injection", name: "literal template", changes: []change{file("app.py", "render_template_string('<p>hi</p>')\n")}, status: Pass},
	{check: "template-injection", name: "built template", changes: []change{file("app.py", "return render_template_string('<p>' + request.args['q'] + '</p>')\n")}, status: Warn, ev: "app.py:1", fix: "render_template"},
	{check: "template-injection", name: "safe filter only", changes: []change{file("templates/page.html", "<div>{{ body|safe }}</div>\n")}, status: Pass, msg: "review"},

	{check: "security-extensions", name: "no requirements", status: Skip},
	{check: "security-extensions", name: "talisman", changes: []change{file("requirements.txt", pinnedReqs+"Flask-Talisman==1.1.0\nflask-wtf==1.2.1\n")}, status: Pass, ev: "flask-wtf, flask-talisman"},
	{check: "security-extensions", name: "none", changes: []change{file("requirements.txt", pinnedReqs)}, status: Warn, fix: "flask-talisman"},
	{check: "security-extensions", name: "headers by hand", changes: []change{file("requirements.txt", pinnedReqs), file("app.py", "resp.headers['Strict-Transport-Security'] = 'max-age=31536000'\n")}, status: Pass, msg: "app.py:1"},
	{check: "env-file-in-slug", name: "clean", status: Pass},
	{check: "env-file-in-slug", name: ".env", changes: []change{noted(".env")}, status: Fail, msg: ".env deployed in the slug", fix: "git rm --cached .env"},
	{check: "env-file-in-slug", name: ".env.production in a subfolder", changes: []change{noted("config/.env.production")}, status: Fail},
	{check: "env-file-in-slug", name: ".git", changes: []change{noted(".git/")}, status: Warn, msg: "history"},
	// templates are not secrets, unless their values have a real secret's shape
	{check: "env-file-in-slug", name: "template with placeholders", changes: []change{file(".env.example", "SECRET_KEY=change-me\nDATABASE_URL=postgres://user:password@localhost:5432/app\nSTRIPE_KEY=\n# API_TOKEN=xxx\n")}, status: Pass, ev: ".env.example: a template"},
	{check: "env-file-in-slug", name: "template holding a real token", changes: []change{file("config/.env.sample", "DEBUG=1\nGITHUB_TOKEN=ghp_9aK2mB7xQ4vN1pL8rT3wY6zC5dF0gH\n")}, status: Fail, ev: "config/.env.sample:2: GITHUB_TOKEN holds a value shaped like a real secret"},
	{check: "env-file-in-slug", name: "template holding a real database password", changes: []change{file(".env.dist", "DATABASE_URL=postgres://app:Zk8q2LmR7vXw4tYb9NcP@db.internal:5432/app\n")}, status: Fail, ev: "DATABASE_URL holds"},
	{check: "env-file-in-slug", name: "template skipped for its size", changes: []change{func(s *Snapshot) {
		s.Files.Skipped = append(s.Files.Skipped, SkippedFile{Path: ".env.example", Reason: "larger than the 1 MiB per-file cap"})
	}}, status: Error, msg: ".env.example: larger than the 1 MiB per-file cap"},
	{check: "env-file-in-slug", name: "encrypted vault", changes: []change{noted(".env.vault")}, status: Pass, ev: "encrypted by dotenv-vault"},
	{check: "env-file-in-slug", name: "untracked, not ignored .env in a checkout", changes: []change{noted(".env"), func(s *Snapshot) { s.Files.Origin = "dir"; s.Files.Untracked = []string{".env"} }}, status: Warn, msg: "not ignored: one `git add .` from being deployed"},
	{check: "env-file-in-slug", name: "no slug", changes: []change{func(s *Snapshot) { s.Files = nil; s.SetGap(PartFiles, "the current release has no slug", false) }}, status: Skip},
}

var taken = time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)

func stage(st string) change   { return func(s *Snapshot) { s.App.Stage = st } }
func quantity(n int) change    { return func(s *Snapshot) { s.Formation[0].Quantity = n } }
func stackIs(st string) change { return func(s *Snapshot) { s.App.Stack, s.App.BuildStack = st, st } }
func domains(d ...Domain) change {
	return func(s *Snapshot) { s.Domains = append(s.Domains, d...); s.Taken = taken }
}
func certs(c ...Cert) change { return func(s *Snapshot) { s.Certs = append(s.Certs, c...) } }
func acm(on bool) change     { return func(s *Snapshot) { s.App.ACM = on } }
func dynos(d ...Dyno) change { return func(s *Snapshot) { s.Dynos = append(s.Dynos, d...) } }

func auditedWith(vars map[string]string) change {
	return func(s *Snapshot) {
		LinkSharedSecrets([]*Snapshot{s, {App: App{Name: "other"}, ConfigVars: vars}}, []byte("k"))
	}
}

var configCases = []checkCase{
	{check: "shared-secret", name: "audited alone", status: Skip},
	// SENTRY_DSN is a secret to diff; it is to shared-secret too (one classifier)
	{check: "shared-secret", name: "same SENTRY_DSN", changes: []change{env("SENTRY_DSN", "https://a1b2c3d4e5f6a7b8c9d0@o1.ingest.sentry.io/42"), auditedWith(map[string]string{"SENTRY_DSN": "https://a1b2c3d4e5f6a7b8c9d0@o1.ingest.sentry.io/42"})}, status: Fail, ev: "SENTRY_DSN has the same value"},
	{check: "shared-secret", name: "nothing shared", changes: []change{auditedWith(map[string]string{"SECRET_KEY": strings.Repeat("7f", 32)})}, status: Pass},
	{check: "shared-secret", name: "same SECRET_KEY", changes: []change{auditedWith(map[string]string{"SECRET_KEY": strongKey})}, status: Fail, ev: "same value as other's SECRET_KEY", fix: "config:set SECRET_KEY=... -a myapp"},

	{check: "csrf-protection", name: "no forms, no library", status: Skip},
	{check: "csrf-protection", name: "flask-wtf", changes: []change{file("requirements.txt", pinnedReqs+"Flask-WTF==1.2.1\n")}, status: Pass},
	{check: "csrf-protection", name: "disabled", changes: []change{env("WTF_CSRF_ENABLED", "False"), file("requirements.txt", pinnedReqs+"Flask-WTF==1.2.1\n")}, status: Fail, fix: "config:unset WTF_CSRF_ENABLED"},
	// the code's own config
	{check: "csrf-protection", name: "turned off in the production config class", changes: []change{file("requirements.txt", pinnedReqs+"Flask-WTF==1.2.1\n"), file("config.py", "class ProductionConfig:\n    WTF_CSRF_ENABLED = False\n")}, status: Fail, ev: "config.py:2"},
	{check: "csrf-protection", name: "turned off on app.config", changes: []change{file("requirements.txt", pinnedReqs+"Flask-WTF==1.2.1\n"), file("app.py", "app = Flask(__name__)\napp.config['WTF_CSRF_ENABLED'] = False\n")}, status: Fail, msg: "WTF_CSRF_ENABLED = False"},
	{check: "csrf-protection", name: "off only in the testing config", changes: []change{file("requirements.txt", pinnedReqs+"Flask-WTF==1.2.1\n"), file("config.py", "class TestingConfig:\n    WTF_CSRF_ENABLED = False\n")}, status: Pass},
	{check: "csrf-protection", name: "turned off in code, checkout without an app", changes: []change{file("requirements.txt", pinnedReqs+"Flask-WTF==1.2.1\n"), file("app.py", "app.config.update(WTF_CSRF_ENABLED=False)\n"), checkoutOnly}, status: Fail},
	{check: "csrf-protection", name: "a source file the reader skipped", changes: []change{file("requirements.txt", pinnedReqs+"Flask-WTF==1.2.1\n"), func(s *Snapshot) {
		s.Files.Skipped = append(s.Files.Skipped, SkippedFile{Path: "config.py", Reason: "larger than the 1 MiB per-file cap"})
	}}, status: Error, msg: "config.py"},
	{check: "csrf-protection", name: "a form in a .jinja2 template", changes: []change{file("requirements.txt", pinnedReqs), file("app/templates/login.jinja2", "<form method='post'>")}, status: Warn, ev: "app/templates/login.jinja2"},
	{check: "csrf-protection", name: "forms without a library", changes: []change{file("requirements.txt", pinnedReqs), file("templates/login.html", "<form action=\"/login\" METHOD=\"POST\">")}, status: Warn, ev: "templates/login.html"},
	{check: "csrf-protection", name: "seasurf", changes: []change{file("requirements.txt", "flask-seasurf\n"), file("templates/login.html", "<form method=post>")}, status: Pass},

	{check: "rate-limit-storage", name: "no limiter", status: Skip},
	{check: "rate-limit-storage", name: "memory across dynos", changes: []change{file("requirements.txt", pinnedReqs+"Flask-Limiter==3.8.0\n")}, status: Warn, msg: "4 processes (2 dynos × 2 workers)"},
	{check: "rate-limit-storage", name: "explicit memory", changes: []change{file("requirements.txt", pinnedReqs+"Flask-Limiter==3.8.0\n"), env("RATELIMIT_STORAGE_URI", "memory://")}, status: Warn},
	{check: "rate-limit-storage", name: "redis", changes: []change{file("requirements.txt", pinnedReqs+"Flask-Limiter==3.8.0\n"), env("RATELIMIT_STORAGE_URI", "rediss://:FIXTURESECRET@h:1")}, status: Pass},
	{check: "rate-limit-storage", name: "storage in code", changes: []change{file("requirements.txt", pinnedReqs+"Flask-Limiter==3.8.0\n"), file("ext.py", "limiter = Limiter(get_remote_address, storage_uri=os.environ['REDIS_URL'])\n")}, status: Pass, ev: "ext.py:1"},
	{check: "rate-limit-storage", name: "single process", changes: []change{file("requirements.txt", pinnedReqs+"Flask-Limiter==3.8.0\n"), quantity(1), web("gunicorn -w 1 --threads 8 app:app")}, status: Pass},

	{check: "session-cookies", name: "nothing set", status: Skip},
	{check: "session-cookies", name: "secure", changes: []change{env("SESSION_COOKIE_SECURE", "True", "REMEMBER_COOKIE_SECURE", "1")}, status: Pass},
	{check: "session-cookies", name: "secure off", changes: []change{env("SESSION_COOKIE_SECURE", "false")}, status: Fail, msg: "SESSION_COOKIE_SECURE is off", fix: "SESSION_COOKIE_SECURE=true"},
	{check: "session-cookies", name: "httponly off", changes: []change{env("SESSION_COOKIE_HTTPONLY", "0")}, status: Fail},
	{check: "session-cookies", name: "samesite none without secure", changes: []change{env("SESSION_COOKIE_SAMESITE", "None")}, status: Fail, msg: "SameSite"[:0] + "SESSION_COOKIE_SAMESITE=None"},
	{check: "session-cookies", name: "samesite none with secure", changes: []change{env("SESSION_COOKIE_SAMESITE", "None", "SESSION_COOKIE_SECURE", "true")}, status: Pass},
	{check: "session-cookies", name: "remember cookie", changes: []change{env("REMEMBER_COOKIE_SECURE", "no")}, status: Fail},

	{check: "sql-echo", name: "unset", status: Pass},
	{check: "sql-echo", name: "false", changes: []change{env("SQLALCHEMY_ECHO", "False")}, status: Pass},
	{check: "sql-echo", name: "true", changes: []change{env("SQLALCHEMY_ECHO", "true")}, status: Fail, fix: "config:unset SQLALCHEMY_ECHO -a myapp"},
	{check: "sql-echo", name: "debug", changes: []change{env("SQLALCHEMY_ECHO", "debug")}, status: Fail},

	{check: "log-level", name: "unset", status: Pass},
	{check: "log-level", name: "info", changes: []change{env("LOG_LEVEL", "INFO")}, status: Pass},
	{check: "log-level", name: "LOG_LEVEL debug", changes: []change{env("LOG_LEVEL", "DEBUG")}, status: Warn, ev: "LOG_LEVEL is debug"},
	{check: "log-level", name: "LOGLEVEL debug", changes: []change{env("LOGLEVEL", "debug")}, status: Warn},
	{check: "log-level", name: "gunicorn --log-level debug", changes: []change{web("gunicorn --log-level=debug app:app")}, status: Warn, ev: "--log-level debug"},

	{check: "cors-origins", name: "unset", status: Pass},
	{check: "cors-origins", name: "explicit", changes: []change{env("CORS_ORIGINS", "https://a.example,https://b.example")}, status: Pass},
	{check: "cors-origins", name: "star", changes: []change{env("CORS_ORIGINS", "*")}, status: Fail, msg: "every origin"},
	{check: "cors-origins", name: "star in a list", changes: []change{env("CORS_ALLOW_ORIGINS", `["https://a.example", "*"]`)}, status: Fail},
	{check: "cors-origins", name: "whitelist star", changes: []change{env("CORS_ORIGIN_WHITELIST", " * ")}, status: Fail},
	{check: "cors-origins", name: "CORS(app) in code", changes: []change{file("app.py", "from flask_cors import CORS\nCORS(app)\n")}, status: Warn, ev: "app.py:2"},
	{check: "cors-origins", name: "CORS with origins in code", changes: []change{file("app.py", "CORS(app, origins=['https://a.example'])\n")}, status: Pass},

	{check: "secret-strength", name: "none", status: Skip},
	{check: "secret-strength", name: "real token", changes: []change{env("STRIPE_API_KEY", "sk_live_51H8aQ2Lk3jZxY9vB7nM4pR6tW1", "GITHUB_TOKEN", "ghp_9aK2mB7xQ4vN1pL8rT3wY6zC5dF0gH")}, status: Pass},
	{check: "secret-strength", name: "short password", changes: []change{env("ADMIN_PASSWORD", "hunter2")}, status: Fail, ev: "ADMIN_PASSWORD: 7 characters, shorter than 12"},
	{check: "secret-strength", name: "placeholder token", changes: []change{env("SLACK_TOKEN", "changeme")}, status: Fail, ev: "placeholder"},
	{check: "secret-strength", name: "publishable key ignored", changes: []change{env("STRIPE_PUBLISHABLE_KEY", "pk"), env("AWS_ACCESS_KEY_ID", "x")}, status: Skip},
	{check: "secret-strength", name: "add-on vars ignored", changes: []change{env("REDIS_PASSWORD", "x"), addons(Addon{Service: "heroku-redis", ConfigVars: []string{"REDIS_PASSWORD"}})}, status: Skip},
	{check: "secret-strength", name: "secret-key family left to secret-key", changes: []change{env("JWT_SECRET_KEY", "x")}, status: Skip},
	// the one classifier: a DSN is a secret here as it is to diff and shared-secret
	{check: "secret-strength", name: "placeholder DSN", changes: []change{env("SENTRY_DSN", "changeme")}, status: Fail, ev: "SENTRY_DSN"},
	// a URL's host is not the app's choice; its password is
	{check: "secret-strength", name: "URL judged by its password", changes: []change{env("EXTERNAL_DB_URL", "postgres://app:hunter2@db.example.com:5432/app")}, status: Fail, ev: "EXTERNAL_DB_URL: 7 characters"},
	{check: "secret-strength", name: "URL with a strong password", changes: []change{env("EXTERNAL_DB_URL", "postgres://app:Zk8q2LmR7vXw4tYb9NcP@db.example.com:5432/app")}, status: Pass},

	{check: "uploads-storage", name: "no upload folder", status: Skip},
	{check: "uploads-storage", name: "local folder", changes: []change{env("UPLOAD_FOLDER", "/app/uploads")}, status: Warn, msg: "ephemeral", fix: "bucketeer"},
	{check: "uploads-storage", name: "local folder with S3", changes: []change{env("UPLOAD_FOLDER", "uploads", "S3_BUCKET_NAME", "b")}, status: Pass},
	{check: "uploads-storage", name: "local folder with bucketeer", changes: []change{env("UPLOAD_DIR", "tmp"), addons(Addon{Service: "bucketeer"})}, status: Pass},
	{check: "uploads-storage", name: "s3 url", changes: []change{env("UPLOAD_FOLDER", "s3://bucket/uploads")}, status: Skip},
}

var processCases = []checkCase{
	{check: "gunicorn-timeout", name: "default 30", status: Warn, msg: "30 s", fix: "--timeout 20"},
	{check: "gunicorn-timeout", name: "20", changes: []change{web("gunicorn -t 20 app:app")}, status: Pass, msg: "20 s"},
	{check: "gunicorn-timeout", name: "disabled", changes: []change{web("gunicorn --timeout=0 app:app")}, status: Warn, msg: "disabled"},
	{check: "gunicorn-timeout", name: "120 from the config file", changes: []change{web("gunicorn -c gunicorn.conf.py app:app"), file("gunicorn.conf.py", "timeout = 120\n")}, status: Warn, ev: "config file"},
	{check: "gunicorn-timeout", name: "GUNICORN_CMD_ARGS", changes: []change{env("GUNICORN_CMD_ARGS", "--timeout 15 --access-logfile -")}, status: Pass},
	{check: "gunicorn-timeout", name: "not gunicorn", changes: []change{web("waitress-serve --port=$PORT app:app")}, status: Skip},

	{check: "access-logs", name: "buildpack default", status: Pass, msg: "stdout (from the Python buildpack's GUNICORN_CMD_ARGS default)"},
	{check: "access-logs", name: "GUNICORN_CMD_ARGS without access log", changes: []change{env("GUNICORN_CMD_ARGS", "--timeout 20")}, status: Warn, msg: "buildpack"},
	{check: "access-logs", name: "no Python buildpack", changes: []change{func(s *Snapshot) { s.Buildpacks = []string{"heroku/nodejs"} }}, status: Warn},
	{check: "access-logs", name: "explicit", changes: []change{func(s *Snapshot) { s.Buildpacks = []string{"heroku/nodejs"} }, web("gunicorn --access-logfile - app:app")}, status: Pass},

	{check: "dyno-tier", name: "standard", status: Pass},
	{check: "dyno-tier", name: "eco", changes: []change{size("eco")}, status: Warn, msg: "sleep", fix: "ps:type web=standard-1x"},
	{check: "dyno-tier", name: "Eco in production", changes: []change{size("Eco"), stage("production")}, status: Fail},
	{check: "dyno-tier", name: "no web", changes: []change{func(s *Snapshot) { s.Formation[0].Type = "worker" }}, status: Skip},

	{check: "web-redundancy", name: "two", status: Pass},
	{check: "web-redundancy", name: "one", changes: []change{quantity(1)}, status: Warn, fix: "ps:scale web=2"},
	{check: "web-redundancy", name: "zero", changes: []change{quantity(0)}, status: Skip},

	// the registry's URL of the Python buildpack is the Python buildpack: it sets WEB_CONCURRENCY
	{check: "gunicorn-workers", name: "buildpack given as its registry .tgz URL", changes: []change{bps("https://buildpack-registry.s3.amazonaws.com/buildpacks/heroku/python.tgz"), nofile("requirements.txt")}, status: Pass, ev: "set by the Python buildpack"},
	{check: "gunicorn-workers", name: "buildpack detected from files when none is set", changes: []change{func(s *Snapshot) { s.Buildpacks = nil }}, status: Pass, ev: "set by the Python buildpack"},
	// GUNICORN_CMD_ARGS, a config var, could turn the buildpack's default off
	{check: "access-logs", name: "checkout only: config vars unknown", changes: []change{func(s *Snapshot) { *s = *CheckoutSnapshot("myapp", s.Files) }}, status: Skip, msg: "no app given: only the checkout was audited"},
	// a checkout without an app: what the Procfile fixes is judged, what
	// the dyno or a config var decides is not
	{check: "gunicorn-workers", name: "checkout only: -w 1 on the command line", changes: []change{file("Procfile", "web: gunicorn -w 1 app:app\n"), checkoutOnly}, status: Warn, msg: "one sync worker"},
	{check: "gunicorn-workers", name: "checkout only: -w 1 with --threads 4", changes: []change{file("Procfile", "web: gunicorn -w 1 --threads 4 app:app\n"), checkoutOnly}, status: Skip, msg: "no app given"},
	{check: "gunicorn-workers", name: "checkout only: workers left to WEB_CONCURRENCY", changes: []change{file("Procfile", "web: gunicorn app:app\n"), checkoutOnly}, status: Skip, msg: "no app given"},
	{check: "gunicorn-workers", name: "checkout only: cpu_count() in the config file", changes: []change{file("Procfile", "web: gunicorn -c gunicorn.conf.py app:app\n"), file("gunicorn.conf.py", "import multiprocessing\nworkers = multiprocessing.cpu_count() * 2 + 1\n"), checkoutOnly}, status: Warn, msg: "cpu_count()"},
	// dependency-vulns: what an advisory lookup found in the inventory
	// (advisories shaped like OSV's PYSEC-2023-62 / GHSA-m2qf-hxjv-5gpq,
	// Flask < 2.2.5, and CVE-2024-34069, Werkzeug < 3.0.3)
	{check: "dependency-vulns", name: "not looked up", status: Skip, msg: "not looked up"},
	{check: "dependency-vulns", name: "nothing known", changes: []change{vulns(&Vulns{Source: "OSV test records", Checked: []Package{{"flask", "3.1.0", "installed: sp/flask-3.1.0.dist-info"}}})}, status: Pass, msg: "no known vulnerability in the 1 packages installed"},
	{check: "dependency-vulns", name: "a high advisory", changes: []change{vulns(&Vulns{Source: "OSV", Checked: []Package{{"werkzeug", "2.2.2", "installed: sp/w"}},
		Matches: []VulnMatch{{Package: Package{"werkzeug", "2.2.2", "installed: sp/w"}, Advisories: []Advisory{{ID: "GHSA-2g68-c3qc-8985", Aliases: []string{"CVE-2024-34069"}, Severity: "high", Fixed: []string{"3.0.3"}}}}}})},
		status: Fail, msg: "werkzeug 2.2.2 (1 advisory)", ev: "werkzeug==2.2.2: GHSA-2g68-c3qc-8985, CVE-2024-34069 (high); fixed in 3.0.3", fix: "pin werkzeug>=3.0.3 in the requirements (the slug installed 2.2.2)"},
	{check: "dependency-vulns", name: "a moderate advisory warns", changes: []change{vulns(&Vulns{Source: "OSV", Checked: []Package{{"flask", "2.2.2", "requirements.txt:1"}},
		Matches: []VulnMatch{{Package: Package{"flask", "2.2.2", "requirements.txt:1"}, Advisories: []Advisory{{ID: "PYSEC-2023-62", Aliases: []string{"CVE-2023-30861", "GHSA-m2qf-hxjv-5gpq"}, Severity: "moderate", Fixed: []string{"2.2.5", "2.3.2"}}}}}})},
		status: Warn, fix: "requirements.txt:1: flask==2.2.5"},
	{check: "dependency-vulns", name: "a package from a lock file", changes: []change{vulns(&Vulns{Source: "OSV", Checked: []Package{{"gunicorn", "20.1.0", "poetry.lock"}},
		Matches: []VulnMatch{{Package: Package{"gunicorn", "20.1.0", "poetry.lock"}, Advisories: []Advisory{{ID: "GHSA-w3h3-4rj7-4ph4", Severity: "high", Fixed: []string{"22.0.0"}}}}}})},
		status: Fail, fix: "raise gunicorn to 22.0.0 and update poetry.lock"},
	{check: "dependency-vulns", name: "no fix published", changes: []change{vulns(&Vulns{Source: "OSV", Checked: []Package{{"pkg", "1.0", "requirements.txt:1"}},
		Matches: []VulnMatch{{Package: Package{"pkg", "1.0", "requirements.txt:1"}, Advisories: []Advisory{{ID: "GHSA-xxxx", Severity: "low"}}}}})},
		status: Warn, fix: "no fixed version is published yet"},
	// PyPA's records mostly carry no severity: unrated is said, and warns
	{check: "dependency-vulns", name: "an unrated advisory", changes: []change{vulns(&Vulns{Source: "OSV", Checked: []Package{{"werkzeug", "2.2.2", "installed: sp/w"}},
		Matches: []VulnMatch{{Package: Package{"werkzeug", "2.2.2", "installed: sp/w"}, Advisories: []Advisory{{ID: "PYSEC-2023-57", Aliases: []string{"CVE-2023-23934"}, Fixed: []string{"2.2.3"}}}}}})},
		status: Warn, ev: "werkzeug==2.2.2: PYSEC-2023-57, CVE-2023-23934 (not rated); fixed in 2.2.3"},
	// a malicious package (OpenSSF's MAL-2026-15859): removed, and the secrets rotated
	{check: "dependency-vulns", name: "a malicious package", changes: []change{vulns(&Vulns{Source: "OSV", Checked: []Package{{"0requests", "0.0.1", "requirements.txt:4"}, {"werkzeug", "2.2.2", "requirements.txt:2"}},
		Matches: []VulnMatch{{Package: Package{"0requests", "0.0.1", "requirements.txt:4"}, Advisories: []Advisory{{ID: "MAL-2026-15859", Summary: "Malicious code in 0requests (PyPI)", Severity: "critical", Malicious: true}}},
			{Package: Package{"werkzeug", "2.2.2", "requirements.txt:2"}, Advisories: []Advisory{{ID: "GHSA-2g68-c3qc-8985", Severity: "high", Fixed: []string{"3.0.3"}}}}}})},
		status: Fail, ev: "0requests==0.0.1: MAL-2026-15859 (critical: malicious package)",
		fix: "remove 0requests from the app and deploy, then rotate every secret in its config vars; requirements.txt:2: werkzeug==3.0.3"},
	{check: "dependency-vulns", name: "nothing in a sample is not a pass", changes: []change{vulns(&Vulns{Source: "9 sample records", Sample: true, Checked: []Package{{"flask", "3.1.0", "installed: sp/f"}}})}, status: Skip, msg: "a sample, not a vulnerability database"},
	{check: "dependency-vulns", name: "a database with unreadable records is not a pass", changes: []change{vulns(&Vulns{Source: "OSV", Unread: 2, Checked: []Package{{"flask", "3.1.0", "installed: sp/f"}}})}, status: Warn, msg: "2 advisory records of OSV could not be read"},
	{check: "dependency-vulns", name: "unpinned versions are not a pass", changes: []change{vulns(&Vulns{Source: "OSV", Checked: []Package{{"flask", "", "requirements.txt:1 (version unknown: not pinned with ==)"}}})}, status: Warn, msg: "could not be checked"},
	{check: "dependency-vulns", name: "the lookup failed", changes: []change{func(s *Snapshot) { s.SetGap(PartVulns, "OSV answered 503", true) }}, status: Error, msg: "OSV answered 503"},
	{check: "crashed-dynos", name: "none running", status: Skip},
	{check: "crashed-dynos", name: "all up", changes: []change{dynos(Dyno{Name: "web.1", State: "up"}, Dyno{Name: "web.2", State: "idle"})}, status: Pass},
	{check: "crashed-dynos", name: "crashed", changes: []change{dynos(Dyno{Name: "web.1", State: "up"}, Dyno{Name: "worker.1", State: "crashed"})}, status: Warn, msg: "worker.1"},
	// a crashed one-off is a failed job: its logs, not a restart
	{check: "crashed-dynos", name: "a crashed scheduler job", changes: []change{dynos(Dyno{Name: "web.1", Type: "web", State: "up"}, Dyno{Name: "scheduler.4821", Type: "scheduler", State: "crashed"})}, status: Warn, msg: "no app dyno crashed, but 1 one-off job(s) did: scheduler.4821", fix: "heroku logs --dyno scheduler.4821 -a myapp"},
	{check: "crashed-dynos", name: "a crashed run:detached, type from the name", changes: []change{dynos(Dyno{Name: "run.9120", State: "crashed"})}, status: Warn, msg: "one-off job"},
	{check: "crashed-dynos", name: "an app crash and a job", changes: []change{dynos(Dyno{Name: "web.1", Type: "web", State: "crashed"}, Dyno{Name: "run.7", Type: "run:detached", State: "crashed"})}, status: Warn, msg: "1 dyno(s) crashed: web.1", fix: "ps:restart", ev: "one-off dyno run.7 crashed"},
}

var platformCases = []checkCase{
	{check: "database-url-scheme", name: "no database", status: Skip},
	{check: "database-url-scheme", name: "no sqlalchemy", changes: []change{env("DATABASE_URL", herokuDBURL), file("requirements.txt", pinnedReqs)}, status: Skip},
	{check: "database-url-scheme", name: "sqlalchemy 2 without rewrite", changes: []change{env("DATABASE_URL", herokuDBURL), file("requirements.txt", pinnedReqs+"SQLAlchemy==2.0.36\n")}, status: Warn, fix: "replace('postgres://', 'postgresql://', 1)"},
	{check: "database-url-scheme", name: "unpinned flask-sqlalchemy", changes: []change{env("DATABASE_URL", herokuDBURL), file("requirements.txt", "flask-sqlalchemy\n")}, status: Warn},
	{check: "database-url-scheme", name: "rewritten", changes: []change{env("DATABASE_URL", herokuDBURL), file("requirements.txt", "SQLAlchemy==2.0.36\n"), file("config.py", "uri = os.environ['DATABASE_URL'].replace('postgres://', 'postgresql://', 1)\n")}, status: Pass},
	{check: "database-url-scheme", name: "old sqlalchemy", changes: []change{env("DATABASE_URL", herokuDBURL), file("requirements.txt", "SQLAlchemy==1.3.24\n")}, status: Pass},
	{check: "database-url-scheme", name: "already postgresql", changes: []change{env("DATABASE_URL", "postgresql://u:p@h/d"), file("requirements.txt", "SQLAlchemy==2.0.36\n")}, status: Skip},

	{check: "stack", name: "heroku-24", status: Pass},
	{check: "stack", name: "heroku-26", changes: []change{stackIs("heroku-26")}, status: Pass},
	// Fir: the Python CNB reads .python-version, not runtime.txt
	{check: "python-runtime", name: "Fir, only runtime.txt", changes: []change{fir, nofile(".python-version"), file("runtime.txt", "python-3.9.18\n")}, status: Warn, msg: "ignores runtime.txt", ev: "runtime.txt (ignored on Fir)"},
	{check: "python-runtime", name: "Fir, runtime.txt beside .python-version", changes: []change{fir, file("runtime.txt", "python-3.9.18\n")}, status: Warn, msg: "on Fir the Python CNB ignores runtime.txt", ev: ".python-version pins 3.13"},
	{check: "python-runtime", name: "Cedar, runtime.txt wins", changes: []change{file("runtime.txt", "python-3.9.18\n")}, status: Fail, msg: "end of life"},
	{check: "python-runtime", name: "runtime.txt in a checkout without an app", changes: []change{file("runtime.txt", "python-3.13\n"), checkoutOnly}, status: Warn, msg: "runtime.txt is deprecated"},
	// an empty formation command runs the release's process type
	{check: "web-server", name: "empty formation command, slug process type", changes: []change{web(""), func(s *Snapshot) { s.Slug = &Slug{ProcessTypes: map[string]string{"web": "flask run --host 0.0.0.0"}} }}, status: Fail, ev: "slug process type web (the formation's command is empty)"},
	{check: "web-server", name: "empty formation command, Procfile", changes: []change{web("   "), file("Procfile", "web: gunicorn app:app\n")}, status: Pass, ev: "Procfile line 1 (the formation's command is empty)"},
	{check: "stack", name: "a container app", changes: []change{stackIs("container")}, status: Skip, msg: "container image"},
	{check: "stack", name: "a CNB build stack without a generation", changes: []change{stackIs("cnb"), func(s *Snapshot) { s.App.Generation = "" }}, status: Skip, msg: "Cloud Native Buildpacks"},
	{check: "stack", name: "an unknown stack", changes: []change{stackIs("heroku-99")}, status: Warn, msg: "unknown stack heroku-99"},
	{check: "stack", name: "heroku-22", changes: []change{stackIs("heroku-22")}, status: Warn, msg: "April 2027", fix: "stack:set heroku-24 -a myapp"},
	{check: "stack", name: "heroku-20", changes: []change{stackIs("heroku-20")}, status: Fail, msg: "end of life"},
	{check: "stack", name: "heroku-18 moving to 24", changes: []change{stackIs("heroku-18"), func(s *Snapshot) { s.App.BuildStack = "heroku-24" }}, status: Fail, msg: "next build uses heroku-24"},
	{check: "stack", name: "fir", changes: []change{func(s *Snapshot) { s.App.Generation = "fir" }}, status: Skip},

	{check: "postgres-plan", name: "no postgres", status: Skip},
	{check: "postgres-plan", name: "standard", changes: []change{addons(herokuPG)}, status: Pass},
	{check: "postgres-plan", name: "an essential plan being deprovisioned beside a standard one", changes: []change{addons(herokuPG, Addon{Name: "old-pg", Service: "heroku-postgresql", Plan: "heroku-postgresql:essential-0", State: "deprovisioning"})}, status: Pass},
	{check: "postgres-plan", name: "only a deprovisioned one", changes: []change{addons(Addon{Name: "old-pg", Service: "heroku-postgresql", Plan: "heroku-postgresql:essential-0", State: "deprovisioned"})}, status: Skip},
	{check: "postgres-plan", name: "essential", changes: []change{addons(Addon{Name: "pg", Service: "heroku-postgresql", Plan: "heroku-postgresql:essential-0"})}, status: Warn, fix: "addons:upgrade pg heroku-postgresql:standard-0"},
	{check: "postgres-plan", name: "legacy hobby", changes: []change{addons(Addon{Name: "pg", Service: "heroku-postgresql", Plan: "heroku-postgresql:hobby-dev"})}, status: Warn},
	{check: "postgres-plan", name: "essential in staging", changes: []change{stage("staging"), addons(Addon{Name: "pg", Service: "heroku-postgresql", Plan: "heroku-postgresql:essential-0"})}, status: Skip},

	{check: "tls-custom-domains", name: "only the herokuapp domain", changes: []change{domains(Domain{Hostname: "myapp.herokuapp.com", Kind: "heroku"})}, status: Skip},
	{check: "tls-custom-domains", name: "ACM", changes: []change{acm(true), domains(Domain{Hostname: "www.example.com", Kind: "custom", ACMStatus: "cert issued"})}, status: Pass},
	{check: "tls-custom-domains", name: "no certificate", changes: []change{domains(Domain{Hostname: "www.example.com", Kind: "custom"})}, status: Fail, msg: "www.example.com", fix: "certs:auto:enable"},
	{check: "tls-custom-domains", name: "ACM failing", changes: []change{acm(true), domains(Domain{Hostname: "www.example.com", Kind: "custom", ACMStatus: "failing", ACMStatusReason: "CAA record"})}, status: Fail, ev: "CAA record"},
	{check: "tls-custom-domains", name: "ACM ok", changes: []change{acm(true), domains(Domain{Hostname: "www.example.com", Kind: "custom", ACMStatus: "ok"})}, status: Pass},
	{check: "tls-custom-domains", name: "ACM in progress", changes: []change{acm(true), domains(Domain{Hostname: "www.example.com", Kind: "custom", ACMStatus: "in-progress"})}, status: Warn, msg: "no ACM certificate yet (in-progress)"},
	{check: "tls-custom-domains", name: "ACM dns-verified", changes: []change{acm(true), domains(Domain{Hostname: "www.example.com", Kind: "custom", ACMStatus: "dns-verified"})}, status: Warn},
	{check: "tls-custom-domains", name: "ACM verified", changes: []change{acm(true), domains(Domain{Hostname: "www.example.com", Kind: "custom", ACMStatus: "verified"})}, status: Warn},
	{check: "tls-custom-domains", name: "ACM on, no status yet", changes: []change{acm(true), domains(Domain{Hostname: "www.example.com", Kind: "custom"})}, status: Warn, msg: "none yet"},
	// an ACM certificate listed under /sni-endpoints is ACM: no certs:auto:enable, and its renewal window is routine
	{check: "tls-custom-domains", name: "ACM certificate under sni-endpoints", changes: []change{domains(Domain{Hostname: "www.example.com", Kind: "custom", ACMStatus: "cert issued", SNIEndpoint: "acm-1"}), certs(Cert{Name: "acm-1", ACM: true, ExpiresAt: taken.Add(20 * 24 * time.Hour), Domains: []string{"www.example.com"}})}, status: Pass},
	{check: "tls-custom-domains", name: "ACM certificate expired", changes: []change{domains(Domain{Hostname: "www.example.com", Kind: "custom", ACMStatus: "cert issued", SNIEndpoint: "acm-1"}), certs(Cert{Name: "acm-1", ACM: true, ExpiresAt: taken.Add(-time.Hour)})}, status: Fail, msg: "expired"},
	{check: "tls-custom-domains", name: "SNI cert expiring", changes: []change{domains(Domain{Hostname: "www.example.com", Kind: "custom", SNIEndpoint: "tokyo-123"}), certs(Cert{Name: "tokyo-123", ExpiresAt: taken.Add(10 * 24 * time.Hour)})}, status: Warn, ev: "expires on 2026-12-09"},
	{check: "tls-custom-domains", name: "SNI cert expired", changes: []change{domains(Domain{Hostname: "www.example.com", Kind: "custom", SNIEndpoint: "tokyo-123"}), certs(Cert{Name: "tokyo-123", ExpiresAt: taken.Add(-time.Hour)})}, status: Fail},
	{check: "tls-custom-domains", name: "SNI cert fine", changes: []change{domains(Domain{Hostname: "www.example.com", Kind: "custom", SNIEndpoint: "tokyo-123"}), certs(Cert{Name: "tokyo-123", ExpiresAt: taken.Add(90 * 24 * time.Hour)})}, status: Pass},

	{check: "log-drain", name: "nothing", status: Warn, fix: "papertrail"},
	{check: "log-drain", name: "drain", changes: []change{func(s *Snapshot) { s.LogDrains = 1 }}, status: Pass},
	{check: "log-drain", name: "add-on", changes: []change{addons(Addon{Name: "papertrail-x", Service: "papertrail"})}, status: Pass},
	{check: "log-drain", name: "drains unavailable", changes: []change{func(s *Snapshot) { s.SetGap(PartLogDrains, "Heroku API error 503", true) }}, status: Error},

	{check: "edge-protection", name: "none", status: Warn, fix: "expeditedwaf"},
	{check: "edge-protection", name: "waf", changes: []change{addons(Addon{Name: "expeditedwaf-x", Service: "expeditedwaf"})}, status: Pass},
}

func TestGunicornConfigFile(t *testing.T) {
	for _, tc := range []struct{ cmd, want string }{
		{"gunicorn -c gunicorn.cfg app:app", "gunicorn.cfg"},
		{"gunicorn --config=config/gunicorn.conf app:app", "config/gunicorn.conf"},
		{"gunicorn app:app -c /app/etc/g.cfg", "etc/g.cfg"},
		{"newrelic-admin run-program gunicorn -cgunicorn.cfg app:app", "gunicorn.cfg"},
		{"cd src && gunicorn -c conf/g.cfg app:app", "src/conf/g.cfg"},
		{"sh -c 'gunicorn -c g.cfg app:app'", "g.cfg"},
		{"gunicorn -c python:myapp.gconf app:app", ""},
		{"gunicorn -c $CONF app:app", ""},
		{"gunicorn -c /etc/gunicorn.cfg app:app", ""},
		{"gunicorn -c ../outside.cfg app:app", ""},
		{"gunicorn app:app", ""},
		{"uwsgi -c x.ini", ""},
		{"sh -c 'exit' && gunicorn app:app", ""},
		{"gunicorn -c gunicorn.conf app:app", "gunicorn.conf"},
		{"gunicorn --config config/gunicorn.toml app:app", "config/gunicorn.toml"},
		{"gunicorn --config=./etc/gc.cfg app:app", "etc/gc.cfg"},
		{"gunicorn -cetc/gc.ini app:app", "etc/gc.ini"},
		{"newrelic-admin run-program gunicorn -c 'conf/g.conf' app:app", "conf/g.conf"},
		{"gunicorn -c gunicorn_config.py app:app", "gunicorn_config.py"},
		{"gunicorn app:app && ls -c x", ""},
		{"gunicorn -c", ""},
		{"", ""},
	} {
		t.Run(tc.cmd, func(t *testing.T) {
			if got := GunicornConfigFile(tc.cmd); got != tc.want {
				t.Errorf("GunicornConfigFile(%q) = %q, want %q", tc.cmd, got, tc.want)
			}
		})
	}
}

func FuzzGunicornConfigFile(f *testing.F) {
	for _, s := range []string{"gunicorn -c g.conf app:app", "gunicorn --config=/app/../x", "gunicorn -c ./a/./b/../c", "gunicorn -c python:x", "gunicorn -c", "cd .. && gunicorn -c x app:app"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, cmd string) {
		p := GunicornConfigFile(cmd)
		if p == "" {
			return
		}
		if strings.HasPrefix(p, "/") {
			t.Errorf("GunicornConfigFile(%q) = %q is absolute", cmd, p)
		}
		for _, seg := range strings.Split(p, "/") {
			if seg == "" || seg == "." || seg == ".." {
				t.Errorf("GunicornConfigFile(%q) = %q has segment %q", cmd, p, seg)
			}
		}
	})
}

// checkoutOnly turns the snapshot into a checkout audited without an app.
func checkoutOnly(s *Snapshot) { *s = *CheckoutSnapshot("myapp", s.Files) }

func fir(s *Snapshot) { s.App.Generation = "fir" }

func vulns(v *Vulns) change { return func(s *Snapshot) { s.Vulns = v } }
