package gunicorn

import (
	"reflect"
	"strings"
	"testing"
)

// cf makes a value read from gunicorn.conf.py at line.
func cf(raw string, line int) Value {
	return Value{Raw: raw, Source: ConfigFileSource("gunicorn.conf.py"), Line: line}
}

func TestParseConfigFile(t *testing.T) {
	src := ConfigFileSource("gunicorn.conf.py")
	tests := []struct {
		name string
		file string // defaults to gunicorn.conf.py
		src  string
		want Settings
	}{
		{
			name: "literals",
			src: `workers = 3
threads = 4
worker_class = "gevent"
timeout = 120
graceful_timeout = 20
keepalive = 5
reload = True
preload_app = False
loglevel = 'debug'
accesslog = "-"
errorlog = '-'
bind = "0.0.0.0:8000"
forwarded_allow_ips = '*'
max_requests = 1000
`,
			want: Settings{
				Workers: cf("3", 1), Threads: cf("4", 2), WorkerClass: cf("gevent", 3), Timeout: cf("120", 4),
				GracefulTimeout: cf("20", 5), KeepAlive: cf("5", 6), Reload: cf("true", 7), Preload: cf("false", 8),
				LogLevel: cf("debug", 9), AccessLogfile: cf("-", 10), ErrorLogfile: cf("-", 11),
				Bind: cf("0.0.0.0:8000", 12), ForwardedAllowIPs: cf("*", 13), MaxRequests: cf("1000", 14),
			},
		},
		{
			name: "WEB_CONCURRENCY with a default",
			src:  "import os\nworkers = int(os.environ.get(\"WEB_CONCURRENCY\", 2))\n",
			want: Settings{Workers: Value{Raw: `int(os.environ.get("WEB_CONCURRENCY", 2))`, Source: src, Line: 2, Env: "WEB_CONCURRENCY", Default: "2", HasDefault: true}},
		},
		{
			name: "os.getenv with a string default, no int()",
			src:  "import os\nworkers = os.getenv('WEB_CONCURRENCY', '3')\n",
			want: Settings{Workers: Value{Raw: `os.getenv('WEB_CONCURRENCY', '3')`, Source: src, Line: 2, Env: "WEB_CONCURRENCY", Default: "3", HasDefault: true}},
		},
		{
			name: "getenv keyword default and from-import",
			src:  "from os import getenv\nthreads = int(getenv('THREADS', default=8))\n",
			want: Settings{Threads: Value{Raw: `int(getenv('THREADS', default=8))`, Source: src, Line: 2, Env: "THREADS", Default: "8", HasDefault: true}},
		},
		{
			name: "os.environ subscript has no default",
			src:  "import os\nworkers = int(os.environ['WORKERS'])\n",
			want: Settings{Workers: Value{Raw: `int(os.environ['WORKERS'])`, Source: src, Line: 2, Env: "WORKERS"}},
		},
		{
			name: "x or default",
			src:  "import os\nworkers = int(os.environ.get('WEB_CONCURRENCY') or 4)\n",
			want: Settings{Workers: Value{Raw: `int(os.environ.get('WEB_CONCURRENCY') or 4)`, Source: src, Line: 2, Env: "WEB_CONCURRENCY", Default: "4", HasDefault: true}},
		},
		{
			name: "cpu_count arithmetic is an expression",
			src:  "import multiprocessing\nworkers = multiprocessing.cpu_count() * 2 + 1\n",
			want: Settings{Workers: Value{Raw: "multiprocessing.cpu_count() * 2 + 1", Source: src, Line: 2, Expr: true}},
		},
		{
			name: "env default that is an expression",
			src:  "import os, multiprocessing\nworkers = int(os.environ.get('WEB_CONCURRENCY', multiprocessing.cpu_count() * 2 + 1))\n",
			want: Settings{Workers: Value{
				Raw: "int(os.environ.get('WEB_CONCURRENCY', multiprocessing.cpu_count() * 2 + 1))", Source: src, Line: 2,
				Env: "WEB_CONCURRENCY", Default: "multiprocessing.cpu_count() * 2 + 1", HasDefault: true, DefaultExpr: true,
			}},
		},
		{
			name: "bind built from PORT",
			src:  "import os\nbind = \"0.0.0.0:\" + os.environ.get(\"PORT\", \"5000\")\n",
			want: Settings{Bind: Value{Raw: `"0.0.0.0:" + os.environ.get("PORT", "5000")`, Source: src, Line: 2, Expr: true, Env: "PORT"}},
		},
		{
			name: "bind as an f-string and via a variable",
			src:  "import os\nport = os.environ.get('PORT', 5000)\nbind = [f\"0.0.0.0:{port}\"]\n",
			want: Settings{Bind: Value{Raw: `[f"0.0.0.0:{port}"]`, Source: src, Line: 3, Expr: true, Env: "PORT"}},
		},
		{
			name: "bind with str.format, as in Heroku's sample app",
			src:  "import os\nbind = [\"[::]:{}\".format(os.environ.get(\"PORT\", 5006))]\n",
			want: Settings{Bind: Value{Raw: `["[::]:{}".format(os.environ.get("PORT", 5006))]`, Source: src, Line: 2, Expr: true, Env: "PORT"}},
		},
		{
			name: "bind list of literals",
			src:  "bind = ['0.0.0.0:8000', 'unix:/tmp/g.sock',]\n",
			want: Settings{Bind: cf("0.0.0.0:8000,unix:/tmp/g.sock", 1)},
		},
		{
			name: "hooks, comments, blocks and upper-case names are skipped",
			src: `"""Config.

workers = 100
"""
# workers = 10
WORKERS = 10
workers = 2  # two

def on_starting(server):
    workers = 99
    server.log.info("x = 1")

class Hooks:
    timeout = 5

def when_ready(server): pass
threads = 3
`,
			want: Settings{Workers: cf("2", 7), Threads: cf("3", 17)},
		},
		{
			name: "conditional assignments are reported, not applied",
			src: `import os
if os.environ.get("ENVIRONMENT") == "development":
    # reload in development
    reload = True
    def helper():
        timeout = 1
    loglevel = "debug"
else:
    reuse_port = True
    preload_app = True
if DEBUG: workers = 1
try:
    import gevent
    worker_class = "gevent"
except ImportError:
    pass
`,
			want: Settings{Conditional: []string{"reload (line 4)", "loglevel (line 7)", "preload_app (line 10)", "workers (line 11)", "worker_class (line 14)"}},
		},
		{
			name: "last assignment wins and names resolve",
			src:  "workers = 2\nworkers = 3\nthreads = workers\ntimeout = 60 * 2\nkeepalive = -(-5)\nmax_requests = max(100, 1000)\ngraceful_timeout = 7 // 2\n",
			want: Settings{
				Workers: cf("3", 2), Threads: cf("3", 3), Timeout: cf("120", 4), KeepAlive: cf("5", 5),
				MaxRequests: cf("1000", 6), GracefulTimeout: cf("3", 7),
			},
		},
		{
			name: "multi-line values, semicolons, continuations, annotations",
			src:  "logconfig_dict = {\n    'version': 1,\n    'workers': 9,\n}\nworkers = 5; threads = 2\ntimeout = \\\n    40\nkeepalive: int = 75\nbind = (\n    '0.0.0.0:'\n    '8000'\n)\n",
			want: Settings{Workers: cf("5", 5), Threads: cf("2", 5), Timeout: cf("40", 6), KeepAlive: cf("75", 8), Bind: cf("0.0.0.0:8000", 9)},
		},
		{
			name: "string forms",
			src:  "loglevel = \"\"\"warning\"\"\"\naccesslog = r'C:\\logs\\a'\nerrorlog = 'tab\\there'\nworker_class = u'sync'\n",
			want: Settings{LogLevel: cf("warning", 1), AccessLogfile: cf(`C:\logs\a`, 2), ErrorLogfile: cf("tab\there", 3), WorkerClass: cf("sync", 4)},
		},
		{
			name: "env string with lower()",
			src:  "import os\nloglevel = os.environ.get('LOG_LEVEL', 'INFO').lower()\n",
			want: Settings{LogLevel: Value{Raw: "os.environ.get('LOG_LEVEL', 'INFO').lower()", Source: src, Line: 2, Env: "LOG_LEVEL", Default: "info", HasDefault: true}},
		},
		{
			name: "reload from an env comparison is an expression",
			src:  "import os\nreload = os.environ.get('DEBUG', 'false').lower() == 'true'\n",
			want: Settings{Reload: Value{Raw: "os.environ.get('DEBUG', 'false').lower() == 'true'", Source: src, Line: 2, Expr: true, Env: "DEBUG"}},
		},
		{
			name: "None, floats, augmented assignment, conditional expression",
			src:  "accesslog = None\ntimeout = 30.5\nworkers = 2\nworkers += 1\nthreads = 4 if True else 2\n",
			want: Settings{
				AccessLogfile: Value{Source: src, Line: 1}, Timeout: cf("30.5", 2),
				Workers: Value{Raw: "workers + 1", Source: src, Line: 4, Expr: true},
				Threads: Value{Raw: "4 if True else 2", Source: src, Line: 5, Expr: true},
			},
		},
		{
			name: "wsgi_app sets App; config inside a config file is ignored",
			src:  "wsgi_app = 'app:create_app()'\nconfig = 'other.py'\n",
			want: Settings{App: "app:create_app()"},
		},
		{
			name: "a bare unknown name in a .py file is an expression",
			src:  "worker_class = gevent\n",
			want: Settings{WorkerClass: Value{Raw: "gevent", Source: src, Line: 1, Expr: true}},
		},
		{
			name: "an unterminated string skips only its statement",
			src:  "loglevel = 'debug\nworkers = 4\n",
			want: Settings{Workers: cf("4", 2)},
		},
		{
			name: "UTF-8 BOM",
			src:  "\uFEFFworkers = 2\n",
			want: Settings{Workers: cf("2", 1)},
		},
		{
			name: "ini-like cfg file",
			file: "gunicorn.cfg",
			src:  "[gunicorn]\n; comment\nbind = 0.0.0.0:8000\nworkers = 3\nworker_class = gevent\nloglevel = \"debug\"\naccesslog = -\n",
			want: Settings{
				Bind:          Value{Raw: "0.0.0.0:8000", Source: ConfigFileSource("gunicorn.cfg"), Line: 3},
				Workers:       Value{Raw: "3", Source: ConfigFileSource("gunicorn.cfg"), Line: 4},
				WorkerClass:   Value{Raw: "gevent", Source: ConfigFileSource("gunicorn.cfg"), Line: 5},
				LogLevel:      Value{Raw: "debug", Source: ConfigFileSource("gunicorn.cfg"), Line: 6},
				AccessLogfile: Value{Raw: "-", Source: ConfigFileSource("gunicorn.cfg"), Line: 7},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := tt.file
			if file == "" {
				file = "gunicorn.conf.py"
			}
			got, err := ParseConfigFile([]byte(tt.src), file)
			if err != nil {
				t.Fatalf("ParseConfigFile: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ParseConfigFile\n got  %+v\n want %+v", got, tt.want)
			}
		})
	}
}

func TestParseConfigFileErrors(t *testing.T) {
	tests := []struct {
		name string
		src  []byte
		want string
	}{
		{"binary", []byte("workers = 2\x00\x01"), "not text"},
		{"too large", []byte(strings.Repeat("#", maxConfigSize+1)), "larger"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseConfigFile(tt.src, "gunicorn.conf.py")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

// hostileConfigs are inputs built to blow up a naive evaluator (doubling
// strings and lists, deep nesting), scaled by n lines.
func hostileConfigs(n int) map[string]string {
	return map[string]string{
		"doubling strings": "a = 'xxxxxxxxxxxxxxxx'\n" + strings.Repeat("a = a + a\nb = a + 'y'\n", 2*n/5),
		"doubling lists":   "a = [1]\n" + strings.Repeat("a = a + a\n", n),
		"deep unary":       "workers = " + strings.Repeat("-", 5*n) + "1\n",
		"deep parentheses": "workers = " + strings.Repeat("(", 3*n) + "\n",
		"many reads":       strings.Repeat("a = a + os.environ.get('X')\n", 3*n/10),
		"deep not":         "reload = " + strings.Repeat("not ", 2*n) + "x\n",
	}
}

// TestParseConfigFileHostile: hostile inputs parse without error, panic or
// blow-up; how fast is measured by BenchmarkParseConfigFileHostile.
func TestParseConfigFileHostile(t *testing.T) {
	for name, src := range hostileConfigs(10000) {
		t.Run(name, func(t *testing.T) {
			if _, err := ParseConfigFile([]byte(src), "gunicorn.conf.py"); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// BenchmarkParseConfigFileHostile parses each hostile input at about 1 MB.
func BenchmarkParseConfigFileHostile(b *testing.B) {
	for name, src := range hostileConfigs(100000) {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			for b.Loop() {
				if _, err := ParseConfigFile([]byte(src), "gunicorn.conf.py"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
