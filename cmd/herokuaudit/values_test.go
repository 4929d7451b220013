package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/herokuaudit/herokuaudit/report"
)

// planted marks every value planted by plantedFixtures: no output may hold it.
const planted = "PLANTED"

// plantedFixtures copies the fixtures and plants values under innocent
// names, where gunicorn and the checks read them: a config var read by the
// web command ($LOG_TARGET) and by gunicorn.conf.py (os.environ[...]),
// GUNICORN_CMD_ARGS with a log URL and a credentialled worker class, a
// worker count that is not a number, and a var only one stage has, which
// diff compares. None of the names looks secret, and some of the values do
// not either.
func plantedFixtures(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "fixtures")
	if err := os.CopyFS(dir, os.DirFS(fixturesDir)); err != nil {
		t.Fatal(err)
	}
	app := func(name string) string { return filepath.Join(dir, "apps", name) }

	// flask-secure: gunicorn.conf.py reads LOG_TARGET and WORKER_KIND, the
	// command reads LOG_TARGET too, and WEB_CONCURRENCY (no workers in the
	// file) is not a number.
	setVars(t, app("flask-secure"), map[string]string{
		"LOG_TARGET":      "https://logs.example/?token=PLANTED1",
		"WEB_CONCURRENCY": "PLANTED4workers",
		"LOG_MODE":        "PLANTED5-chatty",
		"WORKER_KIND":     "PLANTED13.workers.Custom",
	})
	setWeb(t, app("flask-secure"), "gunicorn --config gunicorn.conf.py --error-logfile $LOG_TARGET --log-level $LOG_MODE app:app")
	editFile(t, filepath.Join(app("flask-secure"), "slug", "gunicorn.conf.py"), func(s string) string {
		s = strings.Replace(s, `workers = int(os.environ.get("WEB_CONCURRENCY", 2))`, "", 1)
		s = strings.Replace(s, `worker_class = "gthread"`, `worker_class = os.environ["WORKER_KIND"]`, 1)
		return strings.Replace(s, `accesslog = "-"`, `accesslog = os.environ["LOG_TARGET"]`, 1)
	})

	// flask-production: GUNICORN_CMD_ARGS sets the access log and the
	// worker class; a log target that does not look secret.
	setVars(t, app("flask-production"), map[string]string{
		"GUNICORN_CMD_ARGS": "--access-logfile https://h/?token=PLANTED2 -k postgres://u:PLANTED3@h/db",
		"LOG_TARGET":        "syslog+tls://logs.example.net:6514/PLANTED6",
	})
	setWeb(t, app("flask-production"), "gunicorn --config gunicorn.conf.py --access-logfile $LOG_TARGET wsgi:app")

	// flask-staging: vars only this stage has, which diff lists.
	setVars(t, app("flask-staging"), map[string]string{
		"SYSLOG_DEST":       "syslog+tls://logs.example.net:6514/PLANTED7",
		"GUNICORN_CMD_ARGS": "--access-logfile /var/log/PLANTED8.log --timeout 20",
	})

	// flask-insecure: the command sets workers; GUNICORN_CMD_ARGS a worker
	// class and an access log path, and -c to a config file it lacks.
	setVars(t, app("flask-insecure"), map[string]string{
		"GUNICORN_CMD_ARGS":   "-k PLANTED9worker --access-logfile /tmp/PLANTED10.log -c /app/PLANTED11.py",
		"FORWARDED_ALLOW_IPS": "10.0.0.1,PLANTED12.internal",
	})
	return dir
}

// setVars adds config vars to an app of the fixtures.
func setVars(t *testing.T, appDir string, add map[string]string) {
	t.Helper()
	p := filepath.Join(appDir, "config-vars.json")
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	vars := map[string]*string{}
	if err := json.Unmarshal(data, &vars); err != nil {
		t.Fatal(err)
	}
	for k, v := range add {
		vars[k] = &v
	}
	out, err := json.MarshalIndent(vars, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, out, 0o644); err != nil {
		t.Fatal(err)
	}
}

// setWeb replaces the web command everywhere an app's fixtures hold it:
// the Procfile, the formation and the slug's process types.
func setWeb(t *testing.T, appDir, cmd string) {
	t.Helper()
	procfile := filepath.Join(appDir, "slug", "Procfile")
	editFile(t, procfile, func(s string) string {
		lines := strings.Split(s, "\n")
		for i, l := range lines {
			if strings.HasPrefix(l, "web:") {
				lines[i] = "web: " + cmd
			}
		}
		return strings.Join(lines, "\n")
	})
	editJSON := func(p string, edit func(any)) {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var doc any
		if err := json.Unmarshal(data, &doc); err != nil {
			t.Fatal(err)
		}
		edit(doc)
		out, _ := json.MarshalIndent(doc, "", "  ")
		if err := os.WriteFile(p, out, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	editJSON(filepath.Join(appDir, "formation.json"), func(doc any) {
		for _, f := range doc.([]any) {
			if m := f.(map[string]any); m["type"] == "web" {
				m["command"] = cmd
			}
		}
	})
	slugs, _ := filepath.Glob(filepath.Join(appDir, "slugs", "*.json"))
	if len(slugs) == 0 {
		t.Fatalf("%s: no slug", appDir)
	}
	for _, p := range slugs {
		editJSON(p, func(doc any) {
			doc.(map[string]any)["process_types"].(map[string]any)["web"] = cmd
		})
	}
}

func editFile(t *testing.T, p string, edit func(string) string) {
	t.Helper()
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	s := edit(string(data))
	if s == string(data) {
		t.Fatalf("%s: the edit changed nothing", p)
	}
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestNoPlantedValueInAnyOutput sweeps every format of the audit and of
// diff over apps whose config vars, under innocent names, are read by the
// web command, GUNICORN_CMD_ARGS and gunicorn.conf.py: no value may reach
// stdout or stderr, whatever it looks like.
func TestNoPlantedValueInAnyOutput(t *testing.T) {
	fx := plantedFixtures(t)
	apps := []string{"flask-secure", "flask-insecure", "flask-staging", "flask-production"}
	check := func(t *testing.T, what, out, errOut string) {
		t.Helper()
		for _, s := range []struct{ name, text string }{{"stdout", out}, {"stderr", errOut}} {
			for _, l := range strings.Split(s.text, "\n") {
				if strings.Contains(l, planted) {
					t.Errorf("%s: a planted value reaches %s: %s", what, s.name, strings.TrimSpace(l))
				}
			}
		}
	}
	for _, format := range report.FormatNames() {
		t.Run(format, func(t *testing.T) {
			code, out, errOut := runCLI(t, nil, append([]string{"--fixtures", fx, "-f", format, "--fail-on", "none"}, apps...)...)
			if code != exitOK {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			check(t, format, out, errOut)
		})
	}
	// with the gate on, stderr says why it tripped, quoting findings
	t.Run("gate", func(t *testing.T) {
		code, out, errOut := runCLI(t, nil, append([]string{"--fixtures", fx, "--fail-on", "info"}, apps...)...)
		if code != exitGate || errOut == "" {
			t.Fatalf("exit %d, stderr %q", code, errOut)
		}
		check(t, "gate", out, errOut)
	})
	// the planted settings are audited, not skipped: the sweep proves
	// something only if the checks read them
	_, out, _ := runCLI(t, nil, "--fixtures", fx, "-f", "json", "--fail-on", "none", "flask-secure", "flask-production", "flask-insecure")
	for _, want := range []string{`os.environ[\"WORKER_KIND\"]`, "$LOG_TARGET", "set in $GUNICORN_CMD_ARGS", "$WEB_CONCURRENCY"} {
		if !strings.Contains(out, want) {
			t.Errorf("the JSON report never names %s: the planted values were not read", want)
		}
	}
	for _, format := range report.DiffFormatNames() {
		for _, p := range [][2]string{{"flask-staging", "flask-production"}, {"flask-insecure", "flask-secure"}} {
			t.Run("diff/"+format+"/"+p[0], func(t *testing.T) {
				code, out, errOut := runCLI(t, nil, "--fixtures", fx, "diff", "-f", format, "--fail-on", "none", p[0], p[1])
				if code != exitOK {
					t.Fatalf("exit %d: %s", code, errOut)
				}
				if !strings.Contains(out, "SYSLOG_DEST") && p[0] == "flask-staging" {
					t.Errorf("diff does not list SYSLOG_DEST: the sweep proves nothing\n%s", out)
				}
				check(t, "diff "+format, out, errOut)
			})
		}
	}
}
