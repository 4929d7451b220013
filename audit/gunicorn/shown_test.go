package gunicorn

import (
	"strings"
	"testing"
)

// TestShownNeverExpandsFreeText resolves settings whose values come from
// config vars with innocent names and checks that what output may show
// (Shown, String, Notes) holds no value but numbers, booleans and enum
// words, and names the variable instead.
func TestShownNeverExpandsFreeText(t *testing.T) {
	const secret = "PLANTED"
	tests := []struct {
		name    string
		in      Inputs
		setting string
		want    string // Shown
		judge   string // Raw, which checks judge, still holds the value
	}{
		{
			name:    "GUNICORN_CMD_ARGS access log URL",
			in:      Inputs{Args: []string{"app:app"}, Env: map[string]string{"GUNICORN_CMD_ARGS": "--access-logfile https://h/?token=PLANTED2 -k postgres://u:PLANTED3@h/db"}},
			setting: "accesslog", want: "$GUNICORN_CMD_ARGS", judge: "https://h/?token=PLANTED2",
		},
		{
			name:    "GUNICORN_CMD_ARGS worker class that is not an enum word",
			in:      Inputs{Args: []string{"app:app"}, Env: map[string]string{"GUNICORN_CMD_ARGS": "--access-logfile https://h/?token=PLANTED2 -k postgres://u:PLANTED3@h/db"}},
			setting: "worker_class", want: "$GUNICORN_CMD_ARGS", judge: "postgres://u:PLANTED3@h/db",
		},
		{
			name:    "GUNICORN_CMD_ARGS worker class gevent is shown",
			in:      Inputs{Args: []string{"app:app"}, Env: map[string]string{"GUNICORN_CMD_ARGS": "-k gevent"}},
			setting: "worker_class", want: "gevent", judge: "gevent",
		},
		{
			name:    "GUNICORN_CMD_ARGS worker count is a number",
			in:      Inputs{Args: []string{"app:app"}, Env: map[string]string{"GUNICORN_CMD_ARGS": "-w 0_3"}},
			setting: "workers", want: "3", judge: "0_3",
		},
		{
			name:    "GUNICORN_CMD_ARGS reload",
			in:      Inputs{Args: []string{"app:app"}, Env: map[string]string{"GUNICORN_CMD_ARGS": "--reload"}},
			setting: "reload", want: "true", judge: "true",
		},
		{
			name:    "$VAR on the command line",
			in:      Inputs{Args: []string{"--access-logfile", "$LOG_TARGET", "app:app"}, Env: map[string]string{"LOG_TARGET": "https://logs.example/?token=PLANTED1"}},
			setting: "accesslog", want: "$LOG_TARGET", judge: "https://logs.example/?token=PLANTED1",
		},
		{
			name:    "${VAR:-default} on the command line",
			in:      Inputs{Args: []string{"-b", "${BIND_TO:-0.0.0.0:5000}", "app:app"}, Env: map[string]string{"BIND_TO": "10.1.2.3:PLANTED"}},
			setting: "bind", want: "${BIND_TO:-0.0.0.0:5000}", judge: "10.1.2.3:PLANTED",
		},
		{
			name: "os.environ[...] in the config file",
			in: Inputs{Args: []string{"app:app"}, Env: map[string]string{"LOG_TARGET": "/var/log/PLANTED.log"},
				ReadFile: files(map[string]string{"gunicorn.conf.py": "import os\naccesslog = os.environ[\"LOG_TARGET\"]\n"})},
			setting: "accesslog", want: `os.environ["LOG_TARGET"]`, judge: "/var/log/PLANTED.log",
		},
		{
			name: "os.getenv in the config file, as a worker class",
			in: Inputs{Args: []string{"app:app"}, Env: map[string]string{"WORKER_KIND": "PLANTED.Worker"},
				ReadFile: files(map[string]string{"gunicorn.conf.py": "import os\nworker_class = os.getenv('WORKER_KIND', 'sync')\n"})},
			setting: "worker_class", want: `os.getenv('WORKER_KIND', 'sync')`, judge: "PLANTED.Worker",
		},
		{
			name: "os.environ.get in the config file, as a number",
			in: Inputs{Args: []string{"app:app"}, Env: map[string]string{"WEB_CONCURRENCY": "5"},
				ReadFile: files(map[string]string{"gunicorn.conf.py": "import os\nworkers = int(os.environ.get('WEB_CONCURRENCY', 2))\n"})},
			setting: "workers", want: "5", judge: "5",
		},
		{
			name:    "WEB_CONCURRENCY that is not a number",
			in:      Inputs{Args: []string{"app:app"}, Env: map[string]string{"WEB_CONCURRENCY": "PLANTED4"}},
			setting: "workers", want: "$WEB_CONCURRENCY", judge: "PLANTED4",
		},
		{
			name:    "FORWARDED_ALLOW_IPS",
			in:      Inputs{Args: []string{"app:app"}, Env: map[string]string{"FORWARDED_ALLOW_IPS": "10.0.0.1,PLANTED.internal"}},
			setting: "forwarded_allow_ips", want: "$FORWARDED_ALLOW_IPS", judge: "10.0.0.1,PLANTED.internal",
		},
		{
			name:    "PORT",
			in:      Inputs{Args: []string{"app:app"}, Env: map[string]string{"PORT": "PLANTED"}},
			setting: "bind", want: "0.0.0.0:$PORT", judge: "0.0.0.0:PLANTED",
		},
		{
			name:    "a command-line literal is the app's own text",
			in:      Inputs{Args: []string{"--access-logfile", "/tmp/access.log", "app:app"}},
			setting: "accesslog", want: "/tmp/access.log", judge: "/tmp/access.log",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			eff, _ := Resolve(tt.in)
			v := *eff.field(tt.setting)
			if v.Raw != tt.judge {
				t.Errorf("Raw = %q, want %q: checks judge the value", v.Raw, tt.judge)
			}
			if got := v.Shown(); got != tt.want {
				t.Errorf("Shown = %q, want %q", got, tt.want)
			}
			for _, s := range []string{v.Shown(), v.String()} {
				if strings.Contains(s, secret) {
					t.Errorf("a value reaches output: %q", s)
				}
			}
			if named := strings.Contains(tt.want, "$") || strings.Contains(tt.want, "os."); v.Withheld() != named {
				t.Errorf("Withheld = %v, want %v", v.Withheld(), named)
			}
		})
	}
}

// TestNotesNameNoValue checks the notes about GUNICORN_CMD_ARGS: a -c it
// names is not echoed unless it is a file of the app.
func TestNotesNameNoValue(t *testing.T) {
	for _, cmdArgs := range []string{"-c /app/PLANTED.py", "-c PLANTED.py", "-c /etc/PLANTED.py", "-c $PLANTED", "-c 'PLANTED\"", "-w PLANTED"} {
		t.Run(cmdArgs, func(t *testing.T) {
			eff, err := Resolve(Inputs{Args: []string{"app:app"}, Env: map[string]string{"GUNICORN_CMD_ARGS": cmdArgs},
				ReadFile: files(map[string]string{})})
			for _, n := range eff.Notes {
				if strings.Contains(n, "PLANTED") {
					t.Errorf("note shows the value: %s", n)
				}
			}
			if err != nil && strings.Contains(err.Error(), "PLANTED") {
				t.Errorf("error shows the value: %v", err)
			}
		})
	}
}
