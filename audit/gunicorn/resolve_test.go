package gunicorn

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// files serves an in-memory app tree to Resolve.
func files(m map[string]string) func(string) ([]byte, bool) {
	return func(p string) ([]byte, bool) {
		s, ok := m[p]
		return []byte(s), ok
	}
}

func TestResolve(t *testing.T) {
	def := func(raw string) Value { return Value{Raw: raw, Source: SourceDefault} }
	env := func(raw string) Value { return Value{Raw: raw, Source: SourceCmdArgsEnv} }
	const webConcurrencyConf = "import os\nworkers = int(os.environ.get(\"WEB_CONCURRENCY\", 2))\n"
	tests := []struct {
		name       string
		in         Inputs
		check      map[string]Value // setting name -> expected value
		app        string
		configFile string
		notes      []string // substrings expected in Notes, in order
		wantErr    bool
	}{
		{
			name: "defaults",
			in:   Inputs{Args: []string{"app:app"}},
			check: map[string]Value{
				"workers": def("1"), "threads": def("1"), "worker_class": def("sync"), "timeout": def("30"),
				"graceful_timeout": def("30"), "keepalive": def("2"), "loglevel": def("info"), "errorlog": def("-"),
				"accesslog": {}, "reload": def("false"), "preload_app": def("false"), "max_requests": def("0"),
				"bind":                {Raw: "0.0.0.0:$PORT", Source: SourcePort, Env: "PORT"},
				"forwarded_allow_ips": def("127.0.0.1,::1"),
			},
			app: "app:app",
		},
		{
			name: "WEB_CONCURRENCY, PORT and FORWARDED_ALLOW_IPS feed the defaults",
			in:   Inputs{Args: []string{"app:app"}, Env: map[string]string{"WEB_CONCURRENCY": "4", "PORT": "5000", "FORWARDED_ALLOW_IPS": "*"}},
			check: map[string]Value{
				"workers":             {Raw: "4", Source: SourceWebConcurrency},
				"bind":                {Raw: "0.0.0.0:5000", Source: SourcePort},
				"forwarded_allow_ips": {Raw: "*", Source: SourceForwardedIPs},
			},
			app: "app:app",
		},
		{
			name:  "WEB_CONCURRENCY that is not an integer",
			in:    Inputs{Args: []string{"app:app"}, Env: map[string]string{"WEB_CONCURRENCY": "lots"}},
			notes: []string{"WEB_CONCURRENCY is not an integer"},
			app:   "app:app",
		},
		{
			name: "config file reading WEB_CONCURRENCY, variable set",
			in: Inputs{
				Args:     []string{"-c", "gunicorn.conf.py", "app:app"},
				Env:      map[string]string{"WEB_CONCURRENCY": "4"},
				ReadFile: files(map[string]string{"gunicorn.conf.py": webConcurrencyConf}),
			},
			check: map[string]Value{"workers": {
				Raw: "4", Source: ConfigFileSource("gunicorn.conf.py"), Line: 2, Env: "WEB_CONCURRENCY",
				Default: "2", HasDefault: true, Text: `int(os.environ.get("WEB_CONCURRENCY", 2))`,
			}},
			app: "app:app", configFile: "gunicorn.conf.py",
		},
		{
			name: "config file reading WEB_CONCURRENCY, variable unset: its default",
			in: Inputs{
				Args:     []string{"app:app"},
				ReadFile: files(map[string]string{"gunicorn.conf.py": webConcurrencyConf}),
			},
			check: map[string]Value{"workers": {
				Raw: "2", Source: ConfigFileSource("gunicorn.conf.py"), Line: 2, Env: "WEB_CONCURRENCY",
				Default: "2", HasDefault: true, Text: `int(os.environ.get("WEB_CONCURRENCY", 2))`,
			}},
			app: "app:app", configFile: "gunicorn.conf.py",
		},
		{
			name: "GUNICORN_CMD_ARGS overrides the config file but not the command line",
			in: Inputs{
				Args:     []string{"--config=gunicorn.conf.py", "-w", "2", "app:app"},
				Env:      map[string]string{"GUNICORN_CMD_ARGS": "--timeout 20 --workers 3 " + HerokuDefaultCmdArgs},
				ReadFile: files(map[string]string{"gunicorn.conf.py": "workers = 5\ntimeout = 120\nthreads = 4\n"}),
			},
			check: map[string]Value{
				"workers":   cl("2"),
				"timeout":   env("20"),
				"accesslog": env("-"),
				"threads":   {Raw: "4", Source: ConfigFileSource("gunicorn.conf.py"), Line: 3},
			},
			app: "app:app", configFile: "gunicorn.conf.py",
		},
		{
			name: "-c in GUNICORN_CMD_ARGS picks the config file",
			in: Inputs{
				Args:     []string{"app:app"},
				Env:      map[string]string{"GUNICORN_CMD_ARGS": "-c conf/prod.py"},
				ReadFile: files(map[string]string{"conf/prod.py": "workers = 7\n", "gunicorn.conf.py": "workers = 1\n"}),
			},
			check:      map[string]Value{"workers": {Raw: "7", Source: ConfigFileSource("conf/prod.py"), Line: 1}},
			app:        "app:app",
			configFile: "conf/prod.py",
		},
		{
			name: "-c file missing: noted, and gunicorn.conf.py is not used instead",
			in: Inputs{
				Args:     []string{"-c", "gunicorn_config.py", "run:app"},
				ReadFile: files(map[string]string{"gunicorn.conf.py": "workers = 9\n"}),
			},
			check: map[string]Value{"workers": def("1")},
			app:   "run:app",
			notes: []string{"config file gunicorn_config.py named by -c was not found"},
		},
		{
			name:  "no files available",
			in:    Inputs{Args: []string{"-c", "gunicorn_config.py", "run:app"}},
			app:   "run:app",
			notes: []string{"was not checked: no files available"},
		},
		{
			name: "python: module config",
			in: Inputs{
				Args:     []string{"-c", "python:config.gunicorn", "app.app:create_app()"},
				ReadFile: files(map[string]string{"config/gunicorn.py": "reload = True\n"}),
			},
			check:      map[string]Value{"reload": {Raw: "true", Source: ConfigFileSource("python:config.gunicorn"), Line: 1}},
			app:        "app.app:create_app()",
			configFile: "config/gunicorn.py",
		},
		{
			name: "config path relative to the directory after cd, absolute /app path",
			in: Inputs{
				Args:     []string{"-c", "/app/src/g.py", "wsgi"},
				Dir:      "src",
				ReadFile: files(map[string]string{"src/g.py": "timeout = 15\n"}),
			},
			check:      map[string]Value{"timeout": {Raw: "15", Source: ConfigFileSource("/app/src/g.py"), Line: 1}},
			app:        "wsgi",
			configFile: "src/g.py",
		},
		{
			name: "implicit gunicorn.conf.py in the working directory",
			in: Inputs{
				Args:     []string{"wsgi:app"},
				Dir:      "src",
				ReadFile: files(map[string]string{"src/gunicorn.conf.py": "loglevel = 'debug'\nwsgi_app = 'other:app'\n"}),
			},
			check:      map[string]Value{"loglevel": {Raw: "debug", Source: ConfigFileSource("gunicorn.conf.py"), Line: 1}},
			app:        "wsgi:app",
			configFile: "src/gunicorn.conf.py",
		},
		{
			name: "wsgi_app from the config file when no positional",
			in: Inputs{
				ReadFile: files(map[string]string{"gunicorn.conf.py": "wsgi_app = 'app:create_app()'\n"}),
			},
			app:        "app:create_app()",
			configFile: "gunicorn.conf.py",
		},
		{
			name: ".cfg config is noted",
			in: Inputs{
				Args:     []string{"-c", "gunicorn.cfg", "bauble.app:app"},
				ReadFile: files(map[string]string{"gunicorn.cfg": "workers = 3\nbind = 0.0.0.0:8000\n"}),
			},
			check: map[string]Value{
				"workers": {Raw: "3", Source: ConfigFileSource("gunicorn.cfg"), Line: 1},
				"bind":    {Raw: "0.0.0.0:8000", Source: ConfigFileSource("gunicorn.cfg"), Line: 2},
			},
			app: "bauble.app:app", configFile: "gunicorn.cfg",
			notes: []string{"does not end in .py"},
		},
		{
			name: "shell parameter on the command line, set",
			in:   Inputs{Args: []string{"-w", "$WEB_CONCURRENCY", "app"}, Env: map[string]string{"WEB_CONCURRENCY": "3"}},
			check: map[string]Value{"workers": {
				Raw: "3", Source: SourceCommandLine, Env: "WEB_CONCURRENCY", Text: "$WEB_CONCURRENCY",
			}},
			app: "app",
		},
		{
			name: "shell parameter with a default, unset",
			in:   Inputs{Args: []string{"--timeout=${TIMEOUT:-15}", "app"}},
			check: map[string]Value{"timeout": {
				Raw: "15", Source: SourceCommandLine, Env: "TIMEOUT", Default: "15", HasDefault: true, Text: "${TIMEOUT:-15}",
			}},
			app: "app",
		},
		{
			name:  "shell parameter without default, unset",
			in:    Inputs{Args: []string{"-w", "$WEB_CONCURRENCY", "app"}},
			check: map[string]Value{"workers": {Raw: "$WEB_CONCURRENCY", Source: SourceCommandLine, Env: "WEB_CONCURRENCY"}},
			app:   "app",
			notes: []string{"workers reads WEB_CONCURRENCY, which is not set"},
		},
		{
			name: "PORT is left for the dyno to set",
			in: Inputs{
				Args:     []string{"app"},
				ReadFile: files(map[string]string{"gunicorn.conf.py": "import os\nbind = os.environ.get('PORT', '8000')\n"}),
			},
			check: map[string]Value{"bind": {
				Raw: "os.environ.get('PORT', '8000')", Source: ConfigFileSource("gunicorn.conf.py"), Line: 2,
				Env: "PORT", Default: "8000", HasDefault: true,
			}},
			app: "app", configFile: "gunicorn.conf.py",
		},
		{
			name: "secret-looking variables are not copied into string settings",
			in: Inputs{
				Args: []string{"app"},
				Env:  map[string]string{"LOG_TOKEN": "s3cr3t-value", "LOG_LEVEL": "debug"},
				ReadFile: files(map[string]string{"gunicorn.conf.py": "import os\n" +
					"accesslog = os.environ.get('LOG_TOKEN')\nloglevel = os.environ.get('LOG_LEVEL', 'info')\n"}),
			},
			check: map[string]Value{
				"accesslog": {Raw: "os.environ.get('LOG_TOKEN')", Source: ConfigFileSource("gunicorn.conf.py"), Line: 2, Env: "LOG_TOKEN"},
				"loglevel": {Raw: "debug", Source: ConfigFileSource("gunicorn.conf.py"), Line: 3, Env: "LOG_LEVEL",
					Default: "info", HasDefault: true, Text: "os.environ.get('LOG_LEVEL', 'info')"},
			},
			app:        "app",
			configFile: "gunicorn.conf.py",
			notes:      []string{"accesslog reads LOG_TOKEN; its value is not shown"},
		},
		{
			name: "env default that is an expression stays an expression",
			in: Inputs{
				Args: []string{"app"},
				ReadFile: files(map[string]string{"gunicorn.conf.py": "import os, multiprocessing\n" +
					"workers = int(os.environ.get('WEB_CONCURRENCY', multiprocessing.cpu_count() * 2 + 1))\n"}),
			},
			check: map[string]Value{"workers": {
				Raw: "multiprocessing.cpu_count() * 2 + 1", Source: ConfigFileSource("gunicorn.conf.py"), Line: 2, Expr: true,
				Env: "WEB_CONCURRENCY", Default: "multiprocessing.cpu_count() * 2 + 1", HasDefault: true, DefaultExpr: true,
				Text: "int(os.environ.get('WEB_CONCURRENCY', multiprocessing.cpu_count() * 2 + 1))",
			}},
			app: "app", configFile: "gunicorn.conf.py",
		},
		{
			name:    "invalid command line: error, settings still filled",
			in:      Inputs{Args: []string{"-b", "--chdir", "./server", "--reload", "app:app"}},
			check:   map[string]Value{"reload": cl("true")},
			app:     "app:app",
			wantErr: true,
		},
		{
			name:    "GUNICORN_CMD_ARGS that cannot be split",
			in:      Inputs{Args: []string{"app"}, Env: map[string]string{"GUNICORN_CMD_ARGS": `--access-logformat "x`}},
			app:     "app",
			notes:   []string{"GUNICORN_CMD_ARGS cannot be split"},
			wantErr: true,
		},
		{
			name:  "no app target",
			in:    Inputs{Args: []string{"-w", "2"}},
			notes: []string{"no app target"},
		},
		{
			name: "positional in GUNICORN_CMD_ARGS is ignored",
			in:   Inputs{Args: []string{"app"}, Env: map[string]string{"GUNICORN_CMD_ARGS": "other:app --preload"}},
			check: map[string]Value{
				"preload_app": env("true"),
			},
			app:   "app",
			notes: []string{"positional arguments in GUNICORN_CMD_ARGS are ignored"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Resolve(tt.in)
			if (err != nil) != tt.wantErr {
				t.Errorf("error = %v, want error %v", err, tt.wantErr)
			}
			for name, want := range tt.check {
				if v := *got.field(name); !reflect.DeepEqual(v, want) {
					t.Errorf("%s = %#v, want %#v", name, v, want)
				}
			}
			if got.App != tt.app {
				t.Errorf("App = %q, want %q", got.App, tt.app)
			}
			if got.ConfigFile != tt.configFile {
				t.Errorf("ConfigFile = %q, want %q", got.ConfigFile, tt.configFile)
			}
			i := 0
			for _, n := range got.Notes {
				if i < len(tt.notes) && strings.Contains(n, tt.notes[i]) {
					i++
				}
			}
			if i < len(tt.notes) {
				t.Errorf("Notes = %q, want ones containing %q", got.Notes, tt.notes)
			}
			if len(tt.notes) == 0 && len(got.Notes) > 0 {
				t.Errorf("unexpected Notes %q", got.Notes)
			}
			for _, n := range got.Notes {
				if strings.Contains(n, "s3cr3t") {
					t.Errorf("note leaks a secret: %q", n)
				}
			}
		})
	}
}

func TestResolveErrorTypes(t *testing.T) {
	_, err := Resolve(Inputs{Args: []string{"app", "-w"}, Env: map[string]string{"GUNICORN_CMD_ARGS": "--rel"}})
	var argErr *ArgError
	if !errors.As(err, &argErr) {
		t.Fatalf("error %v is not an *ArgError", err)
	}
	for _, want := range []string{"command line", "GUNICORN_CMD_ARGS", "expected one argument", "ambiguous option --rel"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
}

func TestResolveConditionalAndWorkerType(t *testing.T) {
	eff, err := Resolve(Inputs{
		Args: []string{"app"},
		ReadFile: files(map[string]string{"gunicorn.conf.py": "import os\nthreads = 5\n" +
			"if os.environ.get('ENVIRONMENT') == 'development':\n    reload = True\n"}),
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"reload (line 4)"}; !reflect.DeepEqual(eff.Conditional, want) {
		t.Errorf("Conditional = %q, want %q", eff.Conditional, want)
	}
	if got := eff.WorkerType(); got != "gthread" {
		t.Errorf("WorkerType = %q, want gthread (sync with 5 threads)", got)
	}
	if r, ok := eff.Reload.Bool(); !ok || r {
		t.Errorf("Reload = %v, %v; want false from the default", r, ok)
	}
}

// TestEmptyVariableWithDefault: a shell's ${X:-d} takes d when X is set but
// empty; Python's os.environ.get("X", d) takes the empty string.
func TestEmptyVariableWithDefault(t *testing.T) {
	env := map[string]string{"WEB_CONCURRENCY": "", "N": ""}
	for _, tc := range []struct {
		name    string
		in      Inputs
		workers string
		note    string
	}{
		{"command line", Inputs{Args: []string{"-w", "${N:-3}", "app:app"}}, "3", ""},
		{"GUNICORN_CMD_ARGS assigned in the Procfile", Inputs{Args: []string{"app:app"}, CmdArgsExpanded: true,
			Env: map[string]string{"GUNICORN_CMD_ARGS": "-w ${N:-4}"}}, "4", ""},
		{"a config file", Inputs{Args: []string{"app:app"}, ReadFile: func(string) ([]byte, bool) {
			return []byte("import os\nworkers = int(os.environ.get('N', 5))\n"), true
		}}, "", "workers reads N, which is not an integer"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			e := map[string]string{}
			for k, v := range env {
				e[k] = v
			}
			for k, v := range in.Env {
				e[k] = v
			}
			in.Env = e
			eff, _ := Resolve(in)
			if tc.workers != "" && eff.Workers.Raw != tc.workers {
				t.Errorf("workers %q, want %q (notes %q)", eff.Workers.Raw, tc.workers, eff.Notes)
			}
			if tc.note != "" && !slices.ContainsFunc(eff.Notes, func(n string) bool { return strings.Contains(n, tc.note) }) {
				t.Errorf("notes %q lack %q", eff.Notes, tc.note)
			}
		})
	}
}
