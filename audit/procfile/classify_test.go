package procfile

import (
	"strings"
	"testing"
)

func TestClassify(t *testing.T) {
	prod := func(name string) Server { return Server{Name: name, Production: true} }
	dev := func(name string) Server { return Server{Name: name, Dev: true} }
	other := func(name string) Server { return Server{Name: name} }
	tests := []struct {
		argv string // split on spaces
		want Server
	}{
		{"gunicorn app:app", prod("gunicorn")},
		{"/app/.heroku/python/bin/gunicorn -w 3 app:app", prod("gunicorn")},
		{"uwsgi uwsgi.ini", prod("uwsgi")},
		{"waitress-serve --port=$PORT app:app", prod("waitress-serve")},
		{"hypercorn main:app", prod("hypercorn")},
		{"uvicorn main:app --reload", prod("uvicorn")},
		{"daphne project.asgi:application", prod("daphne")},
		{"granian --interface asgi main:app", prod("granian")},
		{"mod_wsgi-express start-server wsgi.py", prod("mod_wsgi-express")},
		{"mod_wsgi-express setup-server wsgi.py", other("mod_wsgi-express")},
		{"python -m gunicorn app:app", prod("gunicorn")},
		{"python3 -m uvicorn main:app", prod("uvicorn")},
		{"python -m waitress app:app", prod("waitress-serve")},
		{"fastapi run main.py", prod("fastapi run")},
		{"fastapi dev main.py", dev("fastapi dev")},
		{"flask run --host=0.0.0.0 --port=$PORT", dev("flask run")},
		{"flask --app app --debug run", dev("flask run")},
		{"flask -A app run", dev("flask run")},
		{"flask db upgrade", other("flask")},
		{"python -m flask run --debug", dev("flask run")},
		{"python3 -m flask --app x run", dev("flask run")},
		{"python -m flask db upgrade", other("python -m flask")},
		{"python app.py", dev("python app.py")},
		{"python3 app/app.py", dev("python app/app.py")},
		{"python3.6 app.py", dev("python app.py")},
		{"python -u server.py --port=$PORT", dev("python server.py")},
		{"python -W ignore app.py", dev("python app.py")},
		{"python -Wignore -O app.py", dev("python app.py")},
		{"./app.py", dev("python ./app.py")},
		{"./manage.py runserver", dev("manage.py runserver")},
		{"python manage.py runserver 0.0.0.0:$PORT --noreload", dev("manage.py runserver")},
		{"python manage.py runserver_plus", dev("manage.py runserver")},
		{"python myproject.py runserver 0.0.0.0:5000", dev("myproject.py runserver")},
		{"python manage.py migrate", other("manage.py migrate")},
		{"python -u manage.py run_worker", other("manage.py run_worker")},
		{"python -m django runserver", dev("manage.py runserver")},
		{"django-admin runserver", dev("django-admin runserver")},
		{"python -m http.server $PORT", dev("python -m http.server")},
		{"python -m SimpleHTTPServer", dev("python -m SimpleHTTPServer")},
		{"python -m celery worker", other("python -m celery")},
		{"python -c print(1)", other("python -c")},
		{"python", other("python")},
		{"bin/run.sh", other("run.sh")},
		{"node server.js", other("node")},
		{"streamlit run app.py", other("streamlit")},
		{"celery -A app worker", other("celery")},
	}
	for _, tt := range tests {
		t.Run(tt.argv, func(t *testing.T) {
			if got := Classify(strings.Fields(tt.argv)); got != tt.want {
				t.Errorf("Classify(%q) = %+v, want %+v", tt.argv, got, tt.want)
			}
		})
	}
	if got := Classify(nil); got != (Server{}) {
		t.Errorf("Classify(nil) = %+v, want zero", got)
	}
}

// TestAnalyzeThenClassify checks the pipeline callers use on real commands.
func TestAnalyzeThenClassify(t *testing.T) {
	tests := []struct {
		command string
		want    Server
	}{
		{"newrelic-admin run-program gunicorn -c gunicorn_config.py run:app", Server{Name: "gunicorn", Production: true}},
		{"NEW_RELIC_CONFIG_FILE=newrelic.ini newrelic-admin run-program python evepod.py", Server{Name: "python evepod.py", Dev: true}},
		{"sh -c 'python -m flask run --debug'", Server{Name: "flask run", Dev: true}},
		{"alembic upgrade head && uvicorn app.main:app --port ${PORT:-8000}", Server{Name: "uvicorn", Production: true}},
		{"bin/run.sh", Server{Name: "run.sh"}},
	}
	for _, tt := range tests {
		t.Run(tt.command, func(t *testing.T) {
			inv, err := Analyze(tt.command)
			if err != nil {
				t.Fatal(err)
			}
			if got := Classify(inv.Argv); got != tt.want {
				t.Errorf("Classify = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestHasFlag(t *testing.T) {
	tests := []struct {
		argv  string
		names []string
		want  bool
	}{
		{"python -m flask run --debug", []string{"--debug"}, true},
		{"flask --debug run", []string{"--debug"}, true},
		{"flask run", []string{"--debug"}, false},
		{"flask run --debugger", []string{"--debug"}, false},
		{"gunicorn app:app --reload", []string{"--reload"}, true},
		{"uvicorn main:app --reload=true", []string{"--reload"}, true},
		{"gunicorn -- --reload", []string{"--reload"}, false},
		{"gunicorn -R app", []string{"-R", "--enable-stdio-inheritance"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.argv, func(t *testing.T) {
			if got := HasFlag(strings.Fields(tt.argv), tt.names...); got != tt.want {
				t.Errorf("HasFlag(%q, %q) = %v, want %v", tt.argv, tt.names, got, tt.want)
			}
		})
	}
}

func TestFlagValue(t *testing.T) {
	tests := []struct {
		argv  string
		names []string
		want  string
		ok    bool
	}{
		{"uvicorn main:app --port $PORT", []string{"--port"}, "$PORT", true},
		{"uvicorn main:app --port=${PORT:-5000}", []string{"--port"}, "${PORT:-5000}", true},
		{"uvicorn main:app --workers 2 --workers 4", []string{"--workers"}, "4", true},
		{"flask run -p 5000", []string{"-p", "--port"}, "5000", true},
		{"flask run -p5000", []string{"-p", "--port"}, "5000", true},
		{"flask run", []string{"-p", "--port"}, "", false},
		{"uvicorn main:app --port", []string{"--port"}, "", false},
		{"x -- --port 1", []string{"--port"}, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.argv, func(t *testing.T) {
			got, ok := FlagValue(strings.Fields(tt.argv), tt.names...)
			if got != tt.want || ok != tt.ok {
				t.Errorf("FlagValue(%q, %q) = %q, %v; want %q, %v", tt.argv, tt.names, got, ok, tt.want, tt.ok)
			}
		})
	}
}
