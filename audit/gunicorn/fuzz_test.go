package gunicorn

import (
	"bytes"
	"strings"
	"testing"
)

func FuzzParseArgs(f *testing.F) {
	for _, s := range []string{
		"-w3\napp:app",
		"autoapp:app\n-b\n0.0.0.0:$PORT\n-w\n3",
		"--workers=3\n--config=gunicorn.conf.py\n-k\ngevent\napp",
		"-Rw3\n-RD\n--pre\n--work\n3\n--\n-x",
		"-b\n--chdir\n./server\napp:app",
		"--proxy-protocol\n--reload=1\n-w=\n--log-file-\n\n-1\n-x y",
		"-w\n${WEB_CONCURRENCY:-3}\n--timeout\n$(nproc)\napp",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		args := strings.Split(s, "\n")
		got, err := ParseArgs(args, SourceCommandLine)
		if (err != nil) != (len(got.Invalid) > 0) {
			t.Fatalf("error %v disagrees with Invalid %q", err, got.Invalid)
		}
		if len(got.Args) > 0 && got.App != got.Args[0] {
			t.Fatalf("App %q is not the first positional %q", got.App, got.Args)
		}
		for _, u := range got.Unknown {
			if strings.Contains(u, "=") && strings.HasPrefix(u, "--") {
				t.Fatalf("unknown option %q keeps its value", u)
			}
		}
		// The same words as GUNICORN_CMD_ARGS, after a shlex round trip.
		eff, _ := Resolve(Inputs{
			Args:     args,
			Env:      map[string]string{"GUNICORN_CMD_ARGS": s, "WEB_CONCURRENCY": "2"},
			ReadFile: func(string) ([]byte, bool) { return []byte("workers = 3\n"), true },
		})
		if !eff.Workers.IsSet() || !eff.Timeout.IsSet() {
			t.Fatalf("defaults lost: %+v", eff.Settings)
		}
	})
}

func FuzzParseConfigFile(f *testing.F) {
	for _, s := range []string{
		"import os\nworkers = int(os.environ.get(\"WEB_CONCURRENCY\", 2))\n",
		"import multiprocessing\nworkers = multiprocessing.cpu_count() * 2 + 1\nthreads = workers\n",
		"bind = \"0.0.0.0:\" + os.environ.get(\"PORT\", \"5000\")\nreload = True\nloglevel = 'debug'\n",
		"bind = [f\"0.0.0.0:{port}\", '''x\ny''']\naccesslog = None\ntimeout = 30.5\n",
		"def on_starting(server):\n    workers = 9\nif DEBUG: reload = True\nelse:\n    x = 1\n",
		"logconfig_dict = {\n 'a': [1, (2,)],\n}\nworkers = 5; threads = 2\ntimeout = \\\n 40\n",
		"[gunicorn]\nbind = 0.0.0.0:8000\nworker_class = gevent\n",
		"workers = -(-(-(2**3)))\nmax_requests = max(1, 2) // 0\n",
		"x = 'unterminated\nworkers = 4\n",
	} {
		f.Add([]byte(s), "gunicorn.conf.py")
	}
	f.Add([]byte("bind = 0.0.0.0:8000\n"), "gunicorn.cfg")
	f.Fuzz(func(t *testing.T, src []byte, name string) {
		s, err := ParseConfigFile(src, name)
		if err != nil {
			return
		}
		lines := bytes.Count(src, []byte("\n")) + 1
		for _, n := range settingNames {
			v := s.field(n)
			if !v.IsSet() {
				continue
			}
			if v.Source != ConfigFileSource(name) {
				t.Fatalf("%s: source %q", n, v.Source)
			}
			if v.Line < 1 || v.Line > lines {
				t.Fatalf("%s: line %d outside 1..%d", n, v.Line, lines)
			}
			_ = v.String()
			v.Int()
		}
	})
}
