package procfile

import (
	"reflect"
	"strings"
	"testing"
)

func TestAnalyze(t *testing.T) {
	tests := []struct {
		name    string
		command string
		want    Invocation
	}{
		{
			name:    "plain gunicorn",
			command: "gunicorn -w3 app:app",
			want:    Invocation{Argv: []string{"gunicorn", "-w3", "app:app"}},
		},
		{
			name:    "newrelic wrapper",
			command: "newrelic-admin run-program gunicorn -b \"0.0.0.0:$PORT\" -w 3 hello:app",
			want: Invocation{
				Argv:     []string{"gunicorn", "-b", "0.0.0.0:$PORT", "-w", "3", "hello:app"},
				Wrappers: []string{"newrelic-admin run-program"},
			},
		},
		{
			name:    "env assignment prefix and newrelic",
			command: "NEW_RELIC_CONFIG_FILE=newrelic.ini newrelic-admin run-program gunicorn api",
			want: Invocation{
				Argv:     []string{"gunicorn", "api"},
				Env:      map[string]string{"NEW_RELIC_CONFIG_FILE": "newrelic.ini"},
				Wrappers: []string{"newrelic-admin run-program"},
			},
		},
		{
			name:    "cd, migrate, then waitress",
			command: "cd ekip && python manage.py migrate --settings=config.settings.production --noinput && waitress-serve --port=$PORT config.wsgi:application",
			want: Invocation{
				Argv:    []string{"waitress-serve", "--port=$PORT", "config.wsgi:application"},
				Prelude: [][]string{{"python", "manage.py", "migrate", "--settings=config.settings.production", "--noinput"}},
				Dir:     "ekip",
			},
		},
		{
			name:    "semicolon chain",
			command: "flask db upgrade; flask translate compile; gunicorn microblog:app",
			want: Invocation{
				Argv:    []string{"gunicorn", "microblog:app"},
				Prelude: [][]string{{"flask", "db", "upgrade"}, {"flask", "translate", "compile"}},
			},
		},
		{
			name:    "sh -c with single quotes",
			command: "sh -c 'gunicorn app:app --reload'",
			want:    Invocation{Argv: []string{"gunicorn", "app:app", "--reload"}, Wrappers: []string{"sh -c"}},
		},
		{
			name:    "bash -c with a chain inside, parameter kept",
			command: `bash -c "python manage.py migrate && exec gunicorn app:app -b 0.0.0.0:\$PORT"`,
			want: Invocation{
				Argv:     []string{"gunicorn", "app:app", "-b", "0.0.0.0:$PORT"},
				Wrappers: []string{"bash -c", "exec"},
				Prelude:  [][]string{{"python", "manage.py", "migrate"}},
			},
		},
		{
			name:    "bash -lc and /bin/sh path",
			command: "/bin/bash -lc 'uvicorn main:app'",
			want:    Invocation{Argv: []string{"uvicorn", "main:app"}, Wrappers: []string{"bash -c"}},
		},
		{
			name:    "bin/start-nginx",
			command: "bin/start-nginx gunicorn -c config/gunicorn.py app:app",
			want: Invocation{
				Argv:     []string{"gunicorn", "-c", "config/gunicorn.py", "app:app"},
				Wrappers: []string{"bin/start-nginx"},
			},
		},
		{
			name:    "backgrounded helper, pgbouncer and newrelic",
			command: "bin/helper & bin/start-pgbouncer-stunnel newrelic-admin run-program gunicorn web:app --log-file -",
			want: Invocation{
				Argv:     []string{"gunicorn", "web:app", "--log-file", "-"},
				Wrappers: []string{"bin/start-pgbouncer-stunnel", "newrelic-admin run-program"},
				Prelude:  [][]string{{"bin/helper"}},
			},
		},
		{
			name:    "python -m flask run stays a python argv",
			command: "python -m flask run --debug",
			want:    Invocation{Argv: []string{"python", "-m", "flask", "run", "--debug"}},
		},
		{
			name:    "python -m gunicorn becomes gunicorn",
			command: "python -m gunicorn app:app --workers 1 --threads 1 --timeout 120",
			want: Invocation{
				Argv:     []string{"gunicorn", "app:app", "--workers", "1", "--threads", "1", "--timeout", "120"},
				Wrappers: []string{"python -m"},
			},
		},
		{
			name:    "ddtrace-run python -m gunicorn.app.wsgiapp",
			command: "ddtrace-run python -m gunicorn.app.wsgiapp -c gunicorn-prod.conf.py warehouse.wsgi:application",
			want: Invocation{
				Argv:     []string{"gunicorn", "-c", "gunicorn-prod.conf.py", "warehouse.wsgi:application"},
				Wrappers: []string{"ddtrace-run", "python -m"},
			},
		},
		{
			name:    "python3 -u -m uvicorn",
			command: "python3.12 -u -m uvicorn main:app --port $PORT",
			want:    Invocation{Argv: []string{"uvicorn", "main:app", "--port", "$PORT"}, Wrappers: []string{"python -m"}},
		},
		{
			name:    "python -m waitress",
			command: "python -m waitress --port=$PORT app:app",
			want:    Invocation{Argv: []string{"waitress-serve", "--port=$PORT", "app:app"}, Wrappers: []string{"python -m"}},
		},
		{
			name:    "python app.py",
			command: "python app.py",
			want:    Invocation{Argv: []string{"python", "app.py"}},
		},
		{
			name:    "./manage.py runserver",
			command: "./manage.py runserver",
			want:    Invocation{Argv: []string{"./manage.py", "runserver"}},
		},
		{
			name:    "uvicorn with braced default",
			command: "uvicorn main:app --host=0.0.0.0 --port=${PORT:-5000}",
			want:    Invocation{Argv: []string{"uvicorn", "main:app", "--host=0.0.0.0", "--port=${PORT:-5000}"}},
		},
		{
			name:    "shell-escaped parentheses",
			command: `gunicorn app:create_app\(\) -b 0.0.0.0:$PORT -w 3`,
			want:    Invocation{Argv: []string{"gunicorn", "app:create_app()", "-b", "0.0.0.0:$PORT", "-w", "3"}},
		},
		{
			name:    "double-quoted factory and escaped quotes",
			command: `gunicorn --access-logformat "%(h)s \"%(r)s\" µs" "backend.application:init_app()"`,
			want:    Invocation{Argv: []string{"gunicorn", "--access-logformat", `%(h)s "%(r)s" µs`, "backend.application:init_app()"}},
		},
		{
			name:    "opentelemetry-instrument with its own flags",
			command: "python manage.py migrate --noinput && opentelemetry-instrument --traces_exporter console --metrics_exporter=none gunicorn config.wsgi:application --worker-class gevent",
			want: Invocation{
				Argv:     []string{"gunicorn", "config.wsgi:application", "--worker-class", "gevent"},
				Wrappers: []string{"opentelemetry-instrument"},
				Prelude:  [][]string{{"python", "manage.py", "migrate", "--noinput"}},
			},
		},
		{
			name:    "doppler run --",
			command: "doppler run --project web -c prd -- gunicorn app:app",
			want:    Invocation{Argv: []string{"gunicorn", "app:app"}, Wrappers: []string{"doppler run"}},
		},
		{
			name:    "doppler run --command",
			command: `doppler run --command "gunicorn app:app -w 2"`,
			want:    Invocation{Argv: []string{"gunicorn", "app:app", "-w", "2"}, Wrappers: []string{"doppler run"}},
		},
		{
			name:    "env -i with assignments, exec, nice",
			command: "env -i DD_SERVICE=web FOO=bar exec nice -n 5 gunicorn app:app",
			want: Invocation{
				Argv:     []string{"gunicorn", "app:app"},
				Env:      map[string]string{"DD_SERVICE": "web", "FOO": "bar"},
				Wrappers: []string{"env", "exec", "nice"},
			},
		},
		{
			name:    "export statement and bare assignment before the server",
			command: "export PYTHONPATH=$PYTHONPATH:/app/src; WORKERS=3; gunicorn app:app",
			want: Invocation{
				Argv: []string{"gunicorn", "app:app"},
				Env:  map[string]string{"PYTHONPATH": "$PYTHONPATH:/app/src", "WORKERS": "3"},
			},
		},
		{
			name:    "assignment prefixed to a prelude command does not leak",
			command: "FLASK_APP=app.py flask db upgrade && gunicorn app:app",
			want: Invocation{
				Argv:    []string{"gunicorn", "app:app"},
				Prelude: [][]string{{"flask", "db", "upgrade"}},
			},
		},
		{
			name:    "poetry, pipenv and uv run",
			command: "poetry run pipenv run uv run --frozen --with gevent gunicorn app:app",
			want: Invocation{
				Argv:     []string{"gunicorn", "app:app"},
				Wrappers: []string{"poetry run", "pipenv run", "uv run"},
			},
		},
		{
			name:    "pipe: the last command is the main one",
			command: `yes "yes" | python manage.py migrate`,
			want: Invocation{
				Argv:    []string{"python", "manage.py", "migrate"},
				Prelude: [][]string{{"yes", "yes"}},
			},
		},
		{
			name:    "subshell and absolute cd under /app",
			command: "(cd /app/src && gunicorn wsgi:app)",
			want:    Invocation{Argv: []string{"gunicorn", "wsgi:app"}, Dir: "src"},
		},
		{
			name:    "nested cd",
			command: "cd a && cd ../b/c && gunicorn x:app",
			want:    Invocation{Argv: []string{"gunicorn", "x:app"}, Dir: "b/c"},
		},
		{
			name:    "trailing backslash at the end of a line",
			command: `gunicorn -w 4 -b 0.0.0.0:5000 \`,
			want:    Invocation{Argv: []string{"gunicorn", "-w", "4", "-b", "0.0.0.0:5000", `\`}},
		},
		{
			name:    "command substitution kept as text",
			command: "gunicorn -w $(nproc) app:app",
			want:    Invocation{Argv: []string{"gunicorn", "-w", "$(nproc)", "app:app"}},
		},
		{
			name:    "ANSI-C quoting",
			command: `gunicorn --access-logformat $'a\tb' app:app`,
			want:    Invocation{Argv: []string{"gunicorn", "--access-logformat", "a\tb", "app:app"}},
		},
		{
			name:    "unknown launcher script is the program",
			command: "bin/run.sh",
			want:    Invocation{Argv: []string{"bin/run.sh"}},
		},
		{
			name:    "bash running a script is not unwrapped",
			command: "bash deploy/start.sh",
			want:    Invocation{Argv: []string{"bash", "deploy/start.sh"}},
		},
		{
			name:    "sh setup then streamlit",
			command: "sh setup.sh && streamlit run app.py",
			want: Invocation{
				Argv:    []string{"streamlit", "run", "app.py"},
				Prelude: [][]string{{"sh", "setup.sh"}},
			},
		},
		{
			name:    "newrelic-admin run-python",
			command: "newrelic-admin run-python app.py",
			want:    Invocation{Argv: []string{"python", "app.py"}, Wrappers: []string{"newrelic-admin run-python"}},
		},
		{
			name:    "empty command",
			command: "   ",
			want:    Invocation{},
		},
		{
			name:    "only assignments",
			command: "A=1 B=2",
			want:    Invocation{Env: map[string]string{"A": "1", "B": "2"}},
		},
		{
			name:    "if block: the then-branch counts",
			command: "if true; then gunicorn app:app; fi",
			want:    Invocation{Argv: []string{"gunicorn", "app:app"}, Prelude: [][]string{{"true"}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Analyze(tt.command)
			if err != nil {
				t.Fatalf("Analyze(%q): %v", tt.command, err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Analyze(%q)\n got  %#v\n want %#v", tt.command, got, tt.want)
			}
		})
	}
}

func TestAnalyzeErrors(t *testing.T) {
	tests := []struct {
		name    string
		command string
		wantErr string
	}{
		{"JavaScript", ".listen(process.env.PORT || 5000)", "cannot parse"},
		{"unterminated quote", `gunicorn "app:app`, "cannot parse"},
		{"unterminated quote inside sh -c", `sh -c 'gunicorn "app:app'`, "cannot parse"},
		{"too long", "gunicorn " + strings.Repeat("a", maxCommandLen), "longer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Analyze(tt.command)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Analyze error = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestAnalyzeDepthLimit(t *testing.T) {
	// Each sh -c level is one level deeper; quoting makes a literal
	// maxDepth-deep command huge, so start near the limit instead.
	var inv Invocation
	err := analyze(`sh -c "sh -c 'sh -c gunicorn'"`, maxDepth-1, &inv)
	if err == nil || !strings.Contains(err.Error(), "nested") {
		t.Errorf("error = %v, want a nesting error", err)
	}
	inv = Invocation{}
	if err := analyze(`sh -c gunicorn`, maxDepth-1, &inv); err != nil || inv.Argv[0] != "gunicorn" {
		t.Errorf("one level below the limit: %v, %v", inv.Argv, err)
	}
}

func TestAnalyzeChain(t *testing.T) {
	type inv struct {
		argv     string // argv joined by spaces
		env      map[string]string
		dir      string
		wrappers string // joined by ", "
	}
	tests := []struct {
		name    string
		command string
		want    []inv
		main    int
	}{
		{
			name:    "server then true",
			command: "gunicorn app:app --reload; true",
			want:    []inv{{argv: "gunicorn app:app --reload"}, {argv: "true"}},
			main:    0,
		},
		{
			name:    "server && echo",
			command: "gunicorn --reload app:app && echo ok",
			want:    []inv{{argv: "gunicorn --reload app:app"}, {argv: "echo ok"}},
			main:    0,
		},
		{
			name:    "server in the background, then sleep",
			command: "gunicorn --reload app:app & sleep infinity",
			want:    []inv{{argv: "gunicorn --reload app:app"}, {argv: "sleep infinity"}},
			main:    0,
		},
		{
			name:    "a second line after the server",
			command: "gunicorn app:app\necho started",
			want:    []inv{{argv: "gunicorn app:app"}, {argv: "echo started"}},
			main:    0,
		},
		{
			name:    "migrate then gunicorn",
			command: "python manage.py migrate && gunicorn app:app",
			want:    []inv{{argv: "python manage.py migrate"}, {argv: "gunicorn app:app"}},
			main:    1,
		},
		{
			name:    "sh -c chain is flattened under its wrapper",
			command: "sh -c 'uvicorn app:app --reload || true'",
			want:    []inv{{argv: "uvicorn app:app --reload", wrappers: "sh -c"}, {argv: "true", wrappers: "sh -c"}},
			main:    0,
		},
		{
			name:    "inline env applies to its own command only",
			command: "FLASK_DEBUG=1 flask run & gunicorn app:app",
			want:    []inv{{argv: "flask run", env: map[string]string{"FLASK_DEBUG": "1"}}, {argv: "gunicorn app:app"}},
			main:    1,
		},
		{
			name:    "export applies to every later command",
			command: "export A=1; B=2 worker & gunicorn app:app",
			want: []inv{
				{argv: "worker", env: map[string]string{"A": "1", "B": "2"}},
				{argv: "gunicorn app:app", env: map[string]string{"A": "1"}},
			},
			main: 1,
		},
		{
			name:    "subshell cd and export stay in the subshell",
			command: "(cd web && export X=1 && flask run --debug) & gunicorn app:app",
			want: []inv{
				{argv: "flask run --debug", env: map[string]string{"X": "1"}, dir: "web"},
				{argv: "gunicorn app:app"},
			},
			main: 1,
		},
		{
			name:    "nested sh -c keeps env, dir and wrappers of the outer command",
			command: `cd src && DEBUG=1 newrelic-admin run-program bash -c "python app.py; echo done"`,
			want: []inv{
				{argv: "python app.py", env: map[string]string{"DEBUG": "1"}, dir: "src", wrappers: "newrelic-admin run-program, bash -c"},
				{argv: "echo done", env: map[string]string{"DEBUG": "1"}, dir: "src", wrappers: "newrelic-admin run-program, bash -c"},
			},
			main: 0,
		},
		{
			name:    "both branches of an if",
			command: `if [ "$DEV" ]; then flask run --debug; else gunicorn app:app; fi`,
			want:    []inv{{argv: "[ $DEV ]"}, {argv: "flask run --debug"}, {argv: "gunicorn app:app"}},
			main:    2,
		},
		{
			name:    "no server: the last command is the main one",
			command: "bin/setup && bin/run",
			want:    []inv{{argv: "bin/setup"}, {argv: "bin/run"}},
			main:    1,
		},
		{
			name:    "no program",
			command: "A=1",
			main:    -1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := AnalyzeChain(tt.command)
			if err != nil {
				t.Fatalf("AnalyzeChain(%q): %v", tt.command, err)
			}
			var got []inv
			for _, i := range c.Invocations {
				if i.Prelude != nil {
					t.Errorf("Prelude set on a chain invocation: %v", i.Prelude)
				}
				got = append(got, inv{argv: strings.Join(i.Argv, " "), env: i.Env, dir: i.Dir, wrappers: strings.Join(i.Wrappers, ", ")})
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("AnalyzeChain(%q)\n got  %+v\n want %+v", tt.command, got, tt.want)
			}
			if c.Main != tt.main {
				t.Errorf("Main = %d, want %d", c.Main, tt.main)
			}
		})
	}
}

func TestAnalyzePicksTheServer(t *testing.T) {
	tests := []struct {
		command  string
		argv     string
		prelude  int
		wrappers string
	}{
		{"gunicorn --reload app:app; true", "gunicorn --reload app:app", 0, ""},
		{"gunicorn app:app & sleep infinity", "gunicorn app:app", 0, ""},
		{"sh -c 'uvicorn app:app --reload || true'", "uvicorn app:app --reload", 0, "sh -c"},
		{"python manage.py migrate && gunicorn app:app", "gunicorn app:app", 1, ""},
		// a named server beats a script that only may be one
		{"gunicorn app:app & python worker.py", "gunicorn app:app", 0, ""},
		{"python manage.py migrate && python app.py", "python app.py", 1, ""},
		{"python app.py; true", "python app.py", 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.command, func(t *testing.T) {
			inv, err := Analyze(tt.command)
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(inv.Argv, " "); got != tt.argv {
				t.Errorf("main = %q, want %q", got, tt.argv)
			}
			if len(inv.Prelude) != tt.prelude {
				t.Errorf("Prelude = %v, want %d commands", inv.Prelude, tt.prelude)
			}
			if got := strings.Join(inv.Wrappers, ", "); got != tt.wrappers {
				t.Errorf("Wrappers = %q, want %q", got, tt.wrappers)
			}
		})
	}
}

func TestAnalyzeChainErrors(t *testing.T) {
	for _, command := range []string{
		".listen(process.env.PORT || 5000)",
		`gunicorn app:app; sh -c 'gunicorn "app:app'`,
		"gunicorn " + strings.Repeat("a", maxCommandLen),
		strings.Repeat("x;", maxInvocations+1),
	} {
		if _, err := AnalyzeChain(command); err == nil {
			t.Errorf("AnalyzeChain(%.40q) = nil error, want one", command)
		}
	}
}
