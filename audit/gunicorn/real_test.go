package gunicorn

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestResolveAgreesWithGunicorn runs the real gunicorn with --print-config
// on each case and compares what it resolved, or that it refused to start,
// with Resolve. It needs gunicorn installed (Debian: apt-get install
// gunicorn; .ci/run installs it when CI=true) and skips without it. The
// settings compared are those whose meaning has not changed between
// gunicorn 20 (Debian's) and the versions Heroku apps run.
func TestResolveAgreesWithGunicorn(t *testing.T) {
	bin, err := exec.LookPath("gunicorn")
	if err != nil {
		t.Skip("gunicorn is not installed (Debian: apt-get install gunicorn)")
	}
	wsgi := "def app(environ, start_response):\n    start_response('200 OK', [])\n    return [b'ok']\n"
	for _, tc := range []struct {
		name string
		args []string
		env  map[string]string
		conf string // ./gunicorn.conf.py, when set
	}{
		{name: "defaults", args: []string{"wsgi:app"}},
		{name: "short and long flags", args: []string{"-w", "3", "--threads=4", "-k", "gthread", "--timeout", "45", "wsgi:app"}},
		{name: "a cluster of short flags", args: []string{"-w3", "--preload", "wsgi:app"}},
		{name: "several binds", args: []string{"-b", "0.0.0.0:8000", "--bind=[::]:9000", "wsgi:app"}},
		{name: "python int forms", args: []string{"--workers", "0_4", "--max-requests", " +1_000 ", "wsgi:app"}},
		{name: "a word that is not an int", args: []string{"-w", "two", "wsgi:app"}},
		{name: "a missing value", args: []string{"wsgi:app", "--timeout"}},
		{name: "an abbreviation", args: []string{"--work", "5", "--graceful", "10", "wsgi:app"}},
		{name: "an unknown option", args: []string{"--no-such-thing", "wsgi:app"}},
		// a real Procfile's (the corpus's procfiles/, `gunicorn prueba123.wsgi --log-file-`)
		{name: "a typo after the app", args: []string{"wsgi:app", "--log-file-"}},
		{name: "WEB_CONCURRENCY", args: []string{"wsgi:app"}, env: map[string]string{"WEB_CONCURRENCY": "4"}},
		{name: "GUNICORN_CMD_ARGS", args: []string{"wsgi:app"}, env: map[string]string{"GUNICORN_CMD_ARGS": "--workers 6 --timeout 50 --keep-alive 5"}},
		{name: "the command line over GUNICORN_CMD_ARGS", args: []string{"-w", "2", "wsgi:app"}, env: map[string]string{"GUNICORN_CMD_ARGS": "--workers 6 -t 20"}},
		{name: "GUNICORN_CMD_ARGS split like a shell", args: []string{"wsgi:app"}, env: map[string]string{"GUNICORN_CMD_ARGS": `--bind '0.0.0.0:7000' --log-level "debug"`}},
		// a config var is not expanded: gunicorn reads the text $WEB_CONCURRENCY
		{name: "a variable in GUNICORN_CMD_ARGS", args: []string{"wsgi:app"}, env: map[string]string{"GUNICORN_CMD_ARGS": "--workers $WEB_CONCURRENCY", "WEB_CONCURRENCY": "3"}},
		{name: "a variable in a GUNICORN_CMD_ARGS bind", args: []string{"wsgi:app"}, env: map[string]string{"GUNICORN_CMD_ARGS": "--bind $HOST:5000", "HOST": "0.0.0.0"}},
		{name: "the config file under the rest", args: []string{"wsgi:app"}, env: map[string]string{"GUNICORN_CMD_ARGS": "--threads 3"},
			conf: "workers = 5\nthreads = 2\ntimeout = 90\npreload_app = True\n"},
		{name: "the command line over the config file", args: []string{"--timeout", "15", "wsgi:app"}, conf: "timeout = 90\nworker_class = 'gthread'\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			os.WriteFile(filepath.Join(dir, "wsgi.py"), []byte(wsgi), 0o644)
			if tc.conf != "" {
				os.WriteFile(filepath.Join(dir, DefaultConfigFile), []byte(tc.conf), 0o644)
			}
			env := map[string]string{"PORT": "5000"}
			for k, v := range tc.env {
				env[k] = v
			}
			cmd := exec.Command(bin, append([]string{"--print-config"}, tc.args...)...)
			cmd.Dir = dir
			cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir}
			for k, v := range env {
				cmd.Env = append(cmd.Env, k+"="+v)
			}
			out, runErr := cmd.CombinedOutput()
			var exit *exec.ExitError
			if runErr != nil && !errors.As(runErr, &exit) {
				t.Fatal(runErr)
			}
			eff, err := Resolve(Inputs{Args: tc.args, Env: env, ReadFile: func(p string) ([]byte, bool) {
				data, err := os.ReadFile(filepath.Join(dir, p))
				return data, err == nil
			}})
			// an option Resolve does not know is listed apart, not an
			// error: it may be one a newer gunicorn added
			if refused := runErr != nil; refused != (err != nil || len(eff.Unknown) > 0) {
				t.Fatalf("gunicorn refused: %v; Resolve: %v, unknown %q\n%s", refused, err, eff.Unknown, out)
			}
			if runErr != nil {
				return
			}
			printed := map[string]string{}
			for _, line := range strings.Split(string(out), "\n") {
				if k, v, ok := strings.Cut(line, "="); ok {
					printed[strings.TrimSpace(k)] = strings.TrimSpace(v)
				}
			}
			for name, ours := range map[string]Value{
				"workers": eff.Workers, "threads": eff.Threads, "timeout": eff.Timeout, "graceful_timeout": eff.GracefulTimeout,
				"keepalive": eff.KeepAlive, "max_requests": eff.MaxRequests, "worker_class": eff.WorkerClass,
				"bind": eff.Bind, "preload_app": eff.Preload, "loglevel": eff.LogLevel,
			} {
				if got, want := normal(name, ours.Raw), normal(name, printed[name]); got != want {
					t.Errorf("%s: Resolve %q, gunicorn %q", name, got, want)
				}
			}
		})
	}
}

// normal puts a setting as Resolve holds it and as gunicorn prints it in
// one form: integers as numbers, a bind list as comma-joined addresses,
// booleans in lower case.
func normal(name, v string) string {
	if intSettings[name] {
		if n, ok := parsePyInt(v); ok {
			return strconv.Itoa(n)
		}
	}
	if name == "bind" && strings.HasPrefix(v, "[") {
		var addrs []string
		for _, a := range strings.Split(strings.Trim(v, "[]"), ", ") {
			addrs = append(addrs, strings.Trim(a, "'"))
		}
		return strings.Join(addrs, ",")
	}
	if name == "preload_app" {
		return strings.ToLower(v) // True, "true"
	}
	return v
}
