package audit

import (
	"strings"
	"testing"
)

// strongKey is 64 hex characters, like secrets.token_hex(32).
const strongKey = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

// base is a healthy app; cases change one thing each.
func base() *Snapshot {
	return &Snapshot{
		App:        App{Name: "myapp", Stack: "heroku-24", Generation: "cedar"},
		ConfigVars: map[string]string{"SECRET_KEY": strongKey},
		Formation:  []Process{{Type: "web", Command: "gunicorn app:app", Quantity: 2, Size: "standard-1x"}},
		Buildpacks: []string{"heroku/python"},
		Files: &Files{Origin: "slug", Entries: map[string][]byte{
			"Procfile":        []byte("web: gunicorn app:app\n"),
			".python-version": []byte("3.13\n"),
			"app.py":          []byte("from flask import Flask\napp = Flask(__name__)\n"),
		}},
	}
}

type change func(*Snapshot)

func env(kv ...string) change {
	return func(s *Snapshot) {
		for i := 0; i+1 < len(kv); i += 2 {
			s.ConfigVars[kv[i]] = kv[i+1]
		}
	}
}

func unset(names ...string) change {
	return func(s *Snapshot) {
		for _, n := range names {
			delete(s.ConfigVars, n)
		}
	}
}

func web(cmd string) change {
	return func(s *Snapshot) { s.Formation[0].Command = cmd }
}

func size(sz string) change { return func(s *Snapshot) { s.Formation[0].Size = sz } }

func file(path, content string) change {
	return func(s *Snapshot) { s.Files.Entries[path] = []byte(content) }
}

func nofile(path string) change { return func(s *Snapshot) { delete(s.Files.Entries, path) } }

func addons(a ...Addon) change { return func(s *Snapshot) { s.Addons = append(s.Addons, a...) } }

var herokuPG = Addon{Name: "postgresql-round-123", Service: "heroku-postgresql", Plan: "heroku-postgresql:standard-0", ConfigVars: []string{"DATABASE_URL"}}

const herokuDBURL = "postgres://u:p4ss@ec2-1-2-3-4.compute-1.amazonaws.com:5432/dbname"

type checkCase struct {
	check   string
	name    string
	changes []change
	status  Status
	msg     string // substring of the message
	ev      string // substring of some evidence line
	fix     string // substring of the remediation
}

var coreCases = []checkCase{
	// debug-mode
	{check: "debug-mode", name: "nothing set", status: Pass},
	{check: "debug-mode", name: "DEBUG=False is safe", changes: []change{env("DEBUG", "False")}, status: Pass},
	{check: "debug-mode", name: "DEBUG=0", changes: []change{env("DEBUG", " 0 ")}, status: Pass},
	{check: "debug-mode", name: "DEBUG=True", changes: []change{env("DEBUG", "True")}, status: Fail, msg: "DEBUG is on", fix: "heroku config:unset DEBUG -a myapp"},
	{check: "debug-mode", name: "FLASK_DEBUG=1", changes: []change{env("FLASK_DEBUG", "1")}, status: Fail, ev: "FLASK_DEBUG is truthy"},
	{check: "debug-mode", name: "FLASK_DEBUG=on", changes: []change{env("FLASK_DEBUG", "ON")}, status: Fail},
	{check: "debug-mode", name: "FLASK_ENV=development", changes: []change{env("FLASK_ENV", "development")}, status: Fail, fix: "config:unset FLASK_ENV"},
	{check: "debug-mode", name: "FLASK_ENV=production", changes: []change{env("FLASK_ENV", "production")}, status: Pass},
	{check: "debug-mode", name: "DEBUG=maybe", changes: []change{env("DEBUG", "maybe")}, status: Warn, ev: "neither true nor false"},
	{check: "debug-mode", name: "flask run --debug", changes: []change{web("flask run --debug --host 0.0.0.0 --port $PORT")}, status: Fail, msg: "flask run --debug"},
	{check: "debug-mode", name: "python -m flask run --debugger", changes: []change{web("python -m flask run --debugger")}, status: Fail},
	{check: "debug-mode", name: "gunicorn --reload", changes: []change{web("gunicorn --reload app:app")}, status: Fail, msg: "--reload", fix: "remove --reload from the web command"},
	{check: "debug-mode", name: "gunicorn --reload behind a wrapper", changes: []change{web("newrelic-admin run-program gunicorn app:app --reload")}, status: Fail},
	{check: "debug-mode", name: "reload from GUNICORN_CMD_ARGS", changes: []change{env("GUNICORN_CMD_ARGS", "--reload --access-logfile -")}, status: Fail, fix: "GUNICORN_CMD_ARGS"},
	{check: "debug-mode", name: "reload from the config file", changes: []change{web("gunicorn -c gunicorn.conf.py app:app"), file("gunicorn.conf.py", "workers = 2\nreload = True\n")}, status: Fail, fix: "gunicorn.conf.py"},
	{check: "debug-mode", name: "reload only in another process", changes: []change{func(s *Snapshot) {
		s.Formation = append(s.Formation, Process{Type: "dev", Command: "gunicorn --reload app:app"})
	}}, status: Pass},
	// the web command as it runs (issue: fail closed)
	{check: "debug-mode", name: "inline FLASK_DEBUG=1", changes: []change{web("FLASK_DEBUG=1 gunicorn app:app")}, status: Fail, msg: "FLASK_DEBUG=1 in the command"},
	{check: "debug-mode", name: "env FLASK_ENV=development", changes: []change{web("env FLASK_ENV=development gunicorn app:app")}, status: Fail, msg: "FLASK_ENV=development in the command"},
	{check: "debug-mode", name: "uvicorn --reload", changes: []change{web("uvicorn main:app --reload --host 0.0.0.0 --port $PORT")}, status: Fail, msg: "uvicorn --reload"},
	{check: "debug-mode", name: "hypercorn --debug", changes: []change{web("hypercorn --debug main:app")}, status: Fail, msg: "hypercorn --debug"},
	{check: "debug-mode", name: "python app.py with app.run(debug=True)", changes: []change{web("python app.py"),
		file("app.py", "from flask import Flask\napp = Flask(__name__)\nif __name__ == '__main__':\n    app.run(debug=True)\n")},
		status: Fail, msg: "app.run(debug=True) in app.py", ev: "app.py:4"},
	{check: "debug-mode", name: "cd src && python app.py", changes: []change{web("cd src && python app.py"),
		file("src/app.py", "from flask import Flask\napp = Flask(__name__)\nif __name__ == '__main__':\n    app.run(debug=True)\n")},
		status: Fail, ev: "src/app.py:4"},
	{check: "debug-mode", name: "python other.py leaves app.py's __main__ alone", changes: []change{web("python other.py"),
		file("app.py", "from flask import Flask\napp = Flask(__name__)\nif __name__ == '__main__':\n    app.run(debug=True)\n")},
		status: Pass},
	{check: "debug-mode", name: "a command the shell cannot parse", changes: []change{web("gunicorn 'app:app")}, status: Error, msg: "cannot be understood"},
	{check: "debug-mode", name: "the gunicorn config file was not read", changes: []change{web("gunicorn -c gunicorn.conf.py app:app"), func(s *Snapshot) {
		s.Files.Skipped = append(s.Files.Skipped, SkippedFile{Path: "gunicorn.conf.py", Reason: "symlink"})
	}}, status: Error, msg: "gunicorn.conf.py: symlink"},
	{check: "debug-mode", name: "slug download failed", changes: []change{func(s *Snapshot) {
		s.Files = nil
		s.SetGap(PartFiles, "slug: archive ends early", true)
	}}, status: Error, msg: "files unavailable: slug: archive ends early"},
	{check: "debug-mode", name: "config vars forbidden, but the command has --reload", changes: []change{web("gunicorn --reload app:app"), func(s *Snapshot) {
		s.ConfigVars = nil
		s.SetGap(PartConfig, "403 forbidden", true)
	}}, status: Fail, ev: "not read: config-vars unavailable: 403 forbidden"},

	// no default stands in for a config file that was never read
	{check: "gunicorn-timeout", name: "slug download failed", changes: []change{func(s *Snapshot) {
		s.Files = nil
		s.SetGap(PartFiles, "slug: archive ends early", true)
	}}, status: Error, msg: "files unavailable"},
	{check: "gunicorn-timeout", name: "timeout on the command line needs no file", changes: []change{web("gunicorn --timeout 20 app:app"), func(s *Snapshot) {
		s.Files = nil
		s.SetGap(PartFiles, "slug: archive ends early", true)
	}}, status: Pass},
	{check: "dependency-pins", name: "symlinked requirements.txt", changes: []change{func(s *Snapshot) {
		s.Files.Skipped = append(s.Files.Skipped, SkippedFile{Path: "requirements.txt", Reason: "symlink"})
	}}, status: Error, msg: "requirements.txt: symlink"},
	{check: "hardcoded-secret", name: "app.py over the size cap", changes: []change{nofile("app.py"), func(s *Snapshot) {
		s.Files.Skipped = append(s.Files.Skipped, SkippedFile{Path: "app.py", Reason: "larger than the 1 MiB per-file cap"})
	}}, status: Error, msg: "app.py: larger than the 1 MiB per-file cap"},
	{check: "hardcoded-secret", name: "an unreadable directory may hold sources", changes: []change{func(s *Snapshot) {
		s.Files.Skipped = append(s.Files.Skipped, SkippedFile{Path: "pkg/", Reason: "unreadable: permission denied"})
	}}, status: Error, msg: "pkg/: unreadable: permission denied"},
	{check: "dependency-pins", name: "an unreadable directory may hold a requirements file", changes: []change{func(s *Snapshot) {
		s.Files.Skipped = append(s.Files.Skipped, SkippedFile{Path: "pkg/", Reason: "unreadable: permission denied"})
	}}, status: Error, msg: "pkg/"},
	{check: "python-runtime", name: "an unreadable subdirectory holds no root runtime file", changes: []change{func(s *Snapshot) {
		s.Files.Skipped = append(s.Files.Skipped, SkippedFile{Path: "pkg/", Reason: "unreadable: permission denied"})
	}}, status: Pass},
	{check: "secret-key", name: "config vars forbidden", changes: []change{func(s *Snapshot) { s.ConfigVars = nil; s.SetGap(PartConfig, "403 forbidden", true) }}, status: Error, msg: "403 forbidden"},

	// secret-key
	{check: "secret-key", name: "strong", status: Pass},
	{check: "secret-key", name: "FLASK_SECRET_KEY instead", changes: []change{unset("SECRET_KEY"), env("FLASK_SECRET_KEY", strongKey)}, status: Pass},
	{check: "secret-key", name: "missing", changes: []change{unset("SECRET_KEY")}, status: Fail, msg: "not set", fix: "secrets.token_hex(32)"},
	{check: "secret-key", name: "short", changes: []change{env("SECRET_KEY", "a8F3k2LmQ9")}, status: Fail, ev: "10 characters, shorter than 50"},
	{check: "secret-key", name: "placeholder", changes: []change{env("SECRET_KEY", "changeme")}, status: Fail, ev: "known placeholder"},
	{check: "secret-key", name: "placeholder other spelling", changes: []change{env("SECRET_KEY", "Your_Secret_Key")}, status: Fail, ev: "placeholder"},
	{check: "secret-key", name: "long placeholder", changes: []change{env("SECRET_KEY", "please-changeme-in-production-this-is-not-a-real-key-0123")}, status: Fail, ev: "looks like a placeholder"},
	{check: "secret-key", name: "django insecure", changes: []change{env("SECRET_KEY", "django-insecure-abc")}, status: Fail, ev: "django-insecure"},
	{check: "secret-key", name: "few distinct characters", changes: []change{env("SECRET_KEY", strings.Repeat("ab", 20)+strings.Repeat("c", 20))}, status: Fail, ev: "distinct"},
	{check: "secret-key", name: "repeated pattern", changes: []change{env("SECRET_KEY", strings.Repeat("q7Zx!", 12))}, status: Fail, ev: "repeated pattern"},
	{check: "secret-key", name: "weak JWT key", changes: []change{env("JWT_SECRET_KEY", "jwt")}, status: Fail, msg: "JWT_SECRET_KEY", fix: "JWT_SECRET_KEY="},

	// web-server
	{check: "web-server", name: "gunicorn", status: Pass, msg: "gunicorn"},
	{check: "web-server", name: "wrapped gunicorn", changes: []change{web("newrelic-admin run-program gunicorn app:app")}, status: Pass, msg: "via"},
	{check: "web-server", name: "waitress after cd and migrate", changes: []change{web("cd ekip && python manage.py migrate --noinput && waitress-serve --port=$PORT config.wsgi:application")}, status: Pass, msg: "waitress-serve"},
	// gunicorn refusing its own arguments never serves (each refusal as
	// gunicorn 20.1 gives it, in audit/gunicorn's TestResolveAgreesWithGunicorn)
	{check: "web-server", name: "a $variable in the GUNICORN_CMD_ARGS config var", changes: []change{env("GUNICORN_CMD_ARGS", "--workers $WEB_CONCURRENCY", "WEB_CONCURRENCY", "3")},
		status: Fail, msg: "gunicorn exits at start", ev: "config var GUNICORN_CMD_ARGS holds the arguments gunicorn refuses", fix: "expands no $VARIABLE"},
	{check: "web-server", name: "a $variable in GUNICORN_CMD_ARGS assigned in the Procfile", changes: []change{env("WEB_CONCURRENCY", "3"), web(`GUNICORN_CMD_ARGS="--workers $WEB_CONCURRENCY" gunicorn app:app`)}, status: Pass},
	{check: "web-server", name: "an option gunicorn does not have", changes: []change{web("gunicorn --wokers 3 app:app")}, status: Fail, msg: "unrecognized arguments --wokers"},
	{check: "web-server", name: "a worker count that is not a number", changes: []change{web("gunicorn -w two app:app")}, status: Fail, msg: "invalid int value", fix: "--check-config"},
	{check: "web-server", name: "uvicorn", changes: []change{web("uvicorn main:app --host=0.0.0.0 --port=${PORT:-5000}")}, status: Pass},
	{check: "web-server", name: "python app.py", changes: []change{web("python app.py")}, status: Fail, msg: "development server", fix: "gunicorn"},
	{check: "web-server", name: "flask run", changes: []change{web("flask run --host=0.0.0.0 --port=$PORT")}, status: Fail},
	{check: "web-server", name: "python -m flask run", changes: []change{web("python -m flask run")}, status: Fail},
	{check: "web-server", name: "manage.py runserver", changes: []change{web("python manage.py runserver 0.0.0.0:$PORT")}, status: Fail},
	{check: "web-server", name: "sh -c wrapping flask run", changes: []change{web("sh -c 'flask db upgrade && flask run'")}, status: Fail},
	{check: "web-server", name: "unknown script", changes: []change{web("bin/run.sh")}, status: Warn},
	{check: "web-server", name: "no web process", changes: []change{func(s *Snapshot) { s.Formation[0].Type = "worker" }, nofile("Procfile")}, status: Skip},
	{check: "web-server", name: "from the slug when formation failed", changes: []change{func(s *Snapshot) {
		s.Formation = nil
		s.SetGap(PartFormation, "Heroku API error 500", true)
		s.Slug = &Slug{ID: "x", ProcessTypes: map[string]string{"web": "python app.py"}}
	}}, status: Fail},
	{check: "web-server", name: "no processes and formation failed", changes: []change{func(s *Snapshot) {
		s.Formation = nil
		s.SetGap(PartFormation, "Heroku API error 500", true)
	}, nofile("Procfile")}, status: Error},
	{check: "web-server", name: "checkout's Procfile wins", changes: []change{func(s *Snapshot) { s.Files.Origin = "dir" }, file("Procfile", "web: python app.py\r\n")}, status: Fail, ev: "Procfile line 1"},

	// gunicorn-workers
	{check: "gunicorn-workers", name: "buildpack default", status: Pass, msg: "2 workers", ev: "set by the Python buildpack"},
	{check: "gunicorn-workers", name: "-w 16 on 512 MB", changes: []change{web("gunicorn -w 16 app:app"), size("eco")}, status: Fail, msg: "16 workers", fix: "WEB_CONCURRENCY=2"},
	{check: "gunicorn-workers", name: "--workers=16 on Standard-1X", changes: []change{web("gunicorn --workers=16 app:app"), size("Standard-1X")}, status: Fail},
	{check: "gunicorn-workers", name: "-w3 on 512 MB warns", changes: []change{web("gunicorn -w3 app:app")}, status: Warn},
	{check: "gunicorn-workers", name: "-w 16 on performance-l", changes: []change{web("gunicorn -w 16 app:app"), size("performance-l")}, status: Pass},
	{check: "gunicorn-workers", name: "WEB_CONCURRENCY config var", changes: []change{env("WEB_CONCURRENCY", "3"), size("standard-2x")}, status: Pass, msg: "config var WEB_CONCURRENCY"},
	{check: "gunicorn-workers", name: "WEB_CONCURRENCY too high", changes: []change{env("WEB_CONCURRENCY", "20")}, status: Fail},
	{check: "gunicorn-workers", name: "GUNICORN_CMD_ARGS workers", changes: []change{env("GUNICORN_CMD_ARGS", "--workers 12")}, status: Fail, ev: "GUNICORN_CMD_ARGS"},
	{check: "gunicorn-workers", name: "command line beats GUNICORN_CMD_ARGS", changes: []change{env("GUNICORN_CMD_ARGS", "--workers 12"), web("gunicorn -w 2 app:app")}, status: Pass},
	{check: "gunicorn-workers", name: "config file workers from env", changes: []change{web("gunicorn -c gunicorn.conf.py app:app"), file("gunicorn.conf.py", "import os\nworkers = int(os.environ.get('WEB_CONCURRENCY', 2))\nthreads = 4\n")}, status: Pass, msg: "× 4 threads"},
	{check: "gunicorn-workers", name: "one sync worker", changes: []change{web("gunicorn -w 1 app:app")}, status: Warn, msg: "one request at a time"},
	{check: "gunicorn-workers", name: "one worker with threads", changes: []change{web("gunicorn -w 1 --threads 8 app:app")}, status: Pass},
	{check: "gunicorn-workers", name: "one gevent worker", changes: []change{web("gunicorn -w 1 -k gevent app:app")}, status: Pass},
	{check: "gunicorn-workers", name: "no buildpack, no WEB_CONCURRENCY", changes: []change{func(s *Snapshot) { s.Buildpacks = []string{"https://github.com/example/custom-buildpack"} }}, status: Warn, msg: "no Python buildpack"},
	{check: "gunicorn-workers", name: "cpu_count in config", changes: []change{web("gunicorn -c gunicorn.conf.py app:app"), file("gunicorn.conf.py", "import multiprocessing\nworkers = multiprocessing.cpu_count() * 2 + 1\n")}, status: Warn, msg: "cpu_count"},
	{check: "gunicorn-workers", name: "not gunicorn", changes: []change{web("uwsgi uwsgi.ini")}, status: Skip},

	// postgres-ssl
	{check: "postgres-ssl", name: "no database", status: Skip},
	{check: "postgres-ssl", name: "heroku postgres, nothing set", changes: []change{env("DATABASE_URL", herokuDBURL), addons(herokuPG)}, status: Warn, ev: "DATABASE_URL"},
	{check: "postgres-ssl", name: "heroku postgres, sslmode in code", changes: []change{env("DATABASE_URL", herokuDBURL), addons(herokuPG), file("config.py", "SQLALCHEMY_ENGINE_OPTIONS = {'connect_args': {'sslmode': 'require'}}\n")}, status: Pass, ev: "config.py:1"},
	{check: "postgres-ssl", name: "sslmode only in a test file", changes: []change{env("DATABASE_URL", herokuDBURL), addons(herokuPG), file("tests/test_db.py", "connect_args={'sslmode': 'require'}\n")}, status: Warn},
	{check: "postgres-ssl", name: "commented-out sslmode", changes: []change{env("DATABASE_URL", herokuDBURL), addons(herokuPG), file("config.py", "# connect_args={'sslmode': 'require'}\n")}, status: Warn},
	{check: "postgres-ssl", name: "dj-database-url ssl_require", changes: []change{env("DATABASE_URL", herokuDBURL), file("settings.py", "DATABASES = {'default': dj_database_url.config(ssl_require=True)}\n")}, status: Pass},
	{check: "postgres-ssl", name: "PGSSLMODE=require", changes: []change{env("DATABASE_URL", herokuDBURL, "PGSSLMODE", "require")}, status: Pass},
	{check: "postgres-ssl", name: "PGSSLMODE=prefer", changes: []change{env("DATABASE_URL", herokuDBURL, "PGSSLMODE", "prefer")}, status: Fail, msg: "PGSSLMODE=prefer"},
	{check: "postgres-ssl", name: "sslmode=disable in URL", changes: []change{env("DATABASE_URL", "postgresql://u:p@db.example.com/x?sslmode=disable")}, status: Fail, msg: "sslmode=disable", fix: "PGSSLMODE=require"},
	{check: "postgres-ssl", name: "sslmode=verify-full in URL", changes: []change{env("DATABASE_URL", "postgresql://u:p@db.example.com/x?sslmode=verify-full")}, status: Pass},
	{check: "postgres-ssl", name: "external host without sslmode", changes: []change{env("DATABASE_URL", "postgres://u:p@db.example.com:5432/x")}, status: Fail, msg: "not Heroku Postgres"},
	{check: "postgres-ssl", name: "other var holding a postgres URL", changes: []change{env("ANALYTICS_DB", "postgres://u:p@db.example.com/x?sslmode=allow")}, status: Fail, msg: "ANALYTICS_DB"},
	{check: "postgres-ssl", name: "unparseable URL still read", changes: []change{env("DATABASE_URL", "postgres://u:p%zz@db.example.com/x?sslmode=disable")}, status: Fail},
	{check: "postgres-ssl", name: "code disables it", changes: []change{env("DATABASE_URL", herokuDBURL), addons(herokuPG), file("db.py", `engine = create_engine(url, connect_args={"sslmode": "disable"})`+"\n")}, status: Fail, ev: "db.py:1"},

	// python-runtime
	{check: "python-runtime", name: ".python-version 3.13", status: Pass, msg: "3.13"},
	{check: "python-runtime", name: ".python-version with comments, tabs and CRLF", changes: []change{file(".python-version", "# pinned\r\n\t\t# indented comment\r\n  3.12  \r\n\r\n")}, status: Pass},
	{check: "python-runtime", name: ".python-version with a BOM", changes: []change{file(".python-version", "\xef\xbb\xbf# pinned\r\n3.12\r\n")}, status: Fail, msg: "byte order mark"},
	{check: "python-runtime", name: ".python-version not UTF-8", changes: []change{file(".python-version", "\xff\xfe3\x00.\x001\x002\x00")}, status: Fail, msg: "UTF-8"},
	{check: "python-runtime", name: "runtime.txt with comments", changes: []change{file("runtime.txt", "# Comments are supported\n    # even indented\n\n  python-3.13  \n")}, status: Warn, msg: "runtime.txt is deprecated"},
	{check: "python-runtime", name: "runtime.txt with a zero width space", changes: []change{file("runtime.txt", "\u200bpython-3.12.0\n")}, status: Fail, msg: "python-3.X"},
	{check: "python-runtime", name: "runtime.txt pypy", changes: []change{file("runtime.txt", "pypy3.6-7.3.2\n")}, status: Fail},
	{check: "python-runtime", name: "runtime.txt wildcard", changes: []change{file("runtime.txt", "python-3.7.*\n")}, status: Fail},
	{check: "python-runtime", name: "latest patch", changes: []change{file(".python-version", "3.13.15\n")}, status: Pass},
	{check: "python-runtime", name: "old patch", changes: []change{file(".python-version", "3.13.1")}, status: Warn, msg: "older than 3.13.15"},
	{check: "python-runtime", name: "3.10 deprecated", changes: []change{file(".python-version", "3.10")}, status: Warn, msg: "2027-01-06"},
	{check: "python-runtime", name: "3.9 EOL", changes: []change{file(".python-version", "3.9")}, status: Fail, msg: "end of life"},
	{check: "python-runtime", name: "python 2", changes: []change{nofile(".python-version"), file("runtime.txt", "python-2.7.18\n")}, status: Fail},
	{check: "python-runtime", name: "runtime.txt wins and is deprecated", changes: []change{file("runtime.txt", "python-3.12\n")}, status: Warn, msg: "runtime.txt is deprecated", fix: ".python-version"},
	{check: "python-runtime", name: "runtime.txt unparseable", changes: []change{file("runtime.txt", "3.12\n")}, status: Fail},
	{check: "python-runtime", name: ".python-version with prefix", changes: []change{file(".python-version", "python-3.12\n")}, status: Fail},
	{check: "python-runtime", name: ".python-version two lines", changes: []change{file(".python-version", "3.12\n3.13\n")}, status: Fail},
	{check: "python-runtime", name: "nothing pinned", changes: []change{nofile(".python-version")}, status: Warn, msg: "no Python version pinned"},
	{check: "python-runtime", name: "not a Python app", changes: []change{nofile(".python-version"), nofile("app.py"), file("package.json", "{}")}, status: Skip, msg: "not a Python app"},
	{check: "python-runtime", name: "Pipfile.lock", changes: []change{nofile(".python-version"), file("Pipfile.lock", `{"_meta": {"requires": {"python_version": "3.12"}}}`)}, status: Pass},
	{check: "python-runtime", name: "Pipfile.lock old", changes: []change{nofile(".python-version"), file("Pipfile.lock", `{"_meta": {"requires": {"python_full_version": "3.8.10"}}}`)}, status: Fail},
	{check: "python-runtime", name: "newer than the table", changes: []change{file(".python-version", "3.15")}, status: Warn, msg: "newer than"},
	{check: "python-runtime", name: "Fir app has no slug", changes: []change{func(s *Snapshot) {
		s.Files = nil
		s.SetGap(PartFiles, "Fir-generation apps release OCI images, not slugs", false)
	}}, status: Skip, msg: "Fir"},
}

func TestChecks(t *testing.T) {
	for _, tc := range checkCases {
		t.Run(tc.check+"/"+tc.name, func(t *testing.T) {
			c, ok := Lookup(tc.check)
			if !ok {
				t.Fatalf("no check %q", tc.check)
			}
			s := base()
			for _, ch := range tc.changes {
				ch(s)
			}
			f := Audit(s, []Check{c}).Findings[0]
			if f.Status != tc.status {
				t.Fatalf("status = %s (%s; evidence %q), want %s", f.Status, f.Message, f.Evidence, tc.status)
			}
			if !strings.Contains(f.Message, tc.msg) {
				t.Errorf("message %q does not contain %q", f.Message, tc.msg)
			}
			if tc.ev != "" && !strings.Contains(strings.Join(Texts(f.Evidence), "\n"), tc.ev) {
				t.Errorf("evidence %q does not contain %q", f.Evidence, tc.ev)
			}
			if !strings.Contains(f.Remediation, tc.fix) {
				t.Errorf("remediation %q does not contain %q", f.Remediation, tc.fix)
			}
			if (f.Status == Fail || f.Status == Warn) && f.Remediation == "" {
				t.Errorf("a %s finding must say how to fix it", f.Status)
			}
			// secrets never reach findings: not config values, not literals in files
			for _, text := range append([]string{f.Message, f.Remediation}, Texts(f.Evidence)...) {
				if strings.Contains(text, "FIXTURESECRET") {
					t.Errorf("a secret literal appears in the finding: %q", text)
				}
			}
			for name, v := range s.ConfigVars {
				if len(v) < 4 || !strings.ContainsAny(name, "_") || !(strings.Contains(name, "KEY") || strings.Contains(name, "URL") || strings.Contains(name, "DB")) {
					continue
				}
				for _, text := range append([]string{f.Message, f.Remediation}, Texts(f.Evidence)...) {
					if strings.Contains(text, v) {
						t.Errorf("the value of %s appears in the finding: %q", name, text)
					}
				}
			}
		})
	}
}

// TestEveryCheckHasPassAndFailCases keeps the table honest as the catalog grows.
func TestEveryCheckHasPassAndFailCases(t *testing.T) {
	for _, c := range Catalog() {
		var pass, fail bool
		for _, tc := range checkCases {
			if tc.check == c.ID {
				pass = pass || tc.status == Pass
				fail = fail || tc.status == Fail || tc.status == Warn
			}
		}
		if !pass || !fail {
			t.Errorf("check %s needs at least one passing and one failing case (pass=%v fail=%v)", c.ID, pass, fail)
		}
	}
}
