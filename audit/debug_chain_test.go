package audit

import (
	"strings"
	"testing"
)

// debugApp is a main module whose __main__ block runs the debugger.
const debugApp = "from flask import Flask\napp = Flask(__name__)\nif __name__ == '__main__':\n    app.run(debug=True)\n"

// TestDebugModeWholeChain pins that debug-mode reads every program of the
// web command, not only the last one, and names where it found the switch.
func TestDebugModeWholeChain(t *testing.T) {
	tests := []struct {
		name    string
		command string
		files   map[string]string
		status  Status
		msg     string // substring of the message
		ev      string // substring of some evidence line
		evFile  string // file some evidence points at ("" for none)
		evLine  int
	}{
		{name: "reload then true", command: "gunicorn app:app --reload; true",
			status: Fail, msg: "gunicorn --reload", ev: "Procfile line 2", evFile: "Procfile", evLine: 2},
		{name: "reload && echo", command: "gunicorn --reload app:app && echo ok",
			status: Fail, msg: "gunicorn --reload", evFile: "Procfile", evLine: 2},
		{name: "reload in the background, then sleep", command: "gunicorn --reload app:app & sleep infinity",
			status: Fail, msg: "gunicorn --reload", evFile: "Procfile", evLine: 2},
		{name: "a reloading gunicorn that is not the main one", command: "gunicorn --reload admin:app & gunicorn app:app",
			status: Fail, msg: "gunicorn --reload", ev: "in `gunicorn --reload admin:app`", evFile: "Procfile", evLine: 2},
		{name: "migrate then gunicorn", command: "python manage.py migrate && gunicorn app:app",
			status: Pass},
		{name: "uvicorn --reload inside sh -c", command: "sh -c 'uvicorn app:app --reload || true'",
			status: Fail, msg: "uvicorn --reload", ev: "in `uvicorn app:app --reload`", evFile: "Procfile", evLine: 2},
		{name: "FLASK_DEBUG=1 on a background flask run", command: "FLASK_DEBUG=1 flask run & gunicorn app:app",
			status: Fail, msg: "FLASK_DEBUG=1 in the command", ev: "in `flask run`", evFile: "Procfile", evLine: 2},
		{name: "export reaches the server", command: "export FLASK_DEBUG=1; gunicorn app:app",
			status: Fail, msg: "FLASK_DEBUG=1 in the command", evFile: "Procfile", evLine: 2},
		{name: "flask run --debug before the server", command: "flask run --debug & gunicorn app:app",
			status: Fail, msg: "flask run --debug", evFile: "Procfile", evLine: 2},
		{name: "hypercorn --debug in a chain", command: "hypercorn --debug main:app; sleep 1",
			status: Fail, msg: "hypercorn --debug", evFile: "Procfile", evLine: 2},
		{name: "python app.py before the server runs the debugger", command: "python app.py & gunicorn wsgi:app",
			files: map[string]string{"app.py": debugApp}, status: Fail, msg: "app.run(debug=True) in app.py", evFile: "app.py", evLine: 4},
		{name: "python app.py in a subshell with cd", command: "(cd src && python app.py) ; echo bye",
			files: map[string]string{"src/app.py": debugApp}, status: Fail, ev: "src/app.py:4", evFile: "src/app.py", evLine: 4},
		{name: "a clean chain", command: "flask db upgrade && gunicorn app:app --workers 2; echo done",
			status: Pass},
		{name: "an unparsable command", command: "gunicorn app:app; sh -c 'gunicorn \"app:app'",
			status: Error, msg: "cannot be understood"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := base()
			s.Files.Origin = "dir"
			s.Files.Entries["Procfile"] = []byte("# the web process\nweb: " + tt.command + "\n")
			for p, c := range tt.files {
				s.Files.Entries[p] = []byte(c)
			}
			f := Audit(s, []Check{debugMode}).Findings[0]
			if f.Status != tt.status {
				t.Fatalf("status = %s (%s; evidence %q), want %s", f.Status, f.Message, Texts(f.Evidence), tt.status)
			}
			if !strings.Contains(f.Message, tt.msg) {
				t.Errorf("message %q does not contain %q", f.Message, tt.msg)
			}
			if tt.ev != "" && !strings.Contains(strings.Join(Texts(f.Evidence), "\n"), tt.ev) {
				t.Errorf("evidence %q does not contain %q", Texts(f.Evidence), tt.ev)
			}
			if tt.evFile != "" {
				found := false
				for _, e := range f.Evidence {
					found = found || e.File == tt.evFile && e.Line == tt.evLine
				}
				if !found {
					t.Errorf("no evidence at %s:%d in %+v", tt.evFile, tt.evLine, f.Evidence)
				}
			}
			if f.Status == Fail && f.Remediation == "" {
				t.Error("a failure must say how to fix it")
			}
		})
	}
}

// TestDebugModeSecondLine: a formation command may hold a newline; the line
// after the server does not hide it.
func TestDebugModeSecondLine(t *testing.T) {
	for _, command := range []string{"gunicorn --reload app:app\necho started", "uvicorn main:app --reload\n\ntrue"} {
		s := base()
		s.Formation[0].Command = command
		f := Audit(s, []Check{debugMode}).Findings[0]
		if f.Status != Fail || !strings.Contains(strings.Join(Texts(f.Evidence), "\n"), "formation web command") {
			t.Errorf("%q: %s (%s; evidence %q), want a failure naming the formation web command", command, f.Status, f.Message, Texts(f.Evidence))
		}
	}
}

// TestWebCommandMainIsTheServer pins that the checks reading the web command
// judge the server of a chain, not the command after it.
func TestWebCommandMainIsTheServer(t *testing.T) {
	tests := []struct {
		command string
		check   Check
		status  Status
		msg     string
	}{
		{"gunicorn --reload app:app; true", webServer, Pass, "gunicorn"},
		{"gunicorn app:app && echo ok", webServer, Pass, "gunicorn"},
		{"python manage.py migrate && gunicorn app:app", webServer, Pass, "gunicorn"},
		// a named server beats a script that only may be one
		{"gunicorn app:app & python worker.py", webServer, Pass, "gunicorn"},
		{"bin/setup && bin/run", webServer, Warn, "run"},
		{"gunicorn -w 16 app:app; true", gunicornWorkers, Fail, "16 workers"},
		{"sh -c 'gunicorn -w 16 app:app || echo crashed'", gunicornWorkers, Fail, "16 workers"},
	}
	for _, tt := range tests {
		t.Run(tt.command, func(t *testing.T) {
			s := base()
			s.Formation[0].Command = tt.command
			f := Audit(s, []Check{tt.check}).Findings[0]
			if f.Status != tt.status || !strings.Contains(f.Message, tt.msg) {
				t.Errorf("%s: %s (%s), want %s containing %q", tt.check.ID, f.Status, f.Message, tt.status, tt.msg)
			}
		})
	}
}

const devConfig = `import os

class Config:
    DEBUG = False

class DevelopmentConfig(Config):
    DEBUG = True

class ProductionConfig(Config):
    DEBUG = False

config = {"development": DevelopmentConfig, "production": ProductionConfig, "default": DevelopmentConfig}
`

// TestDebugInCode pins what the checks say about debug mode switched on in
// the code the app loads: a config class selected by default, and DEBUG=True
// handed to config.update / from_mapping.
func TestDebugInCode(t *testing.T) {
	selectDefault := "from config import config\napp = Flask(__name__)\napp.config.from_object(config[os.getenv('FLASK_CONFIG', 'default')])\n"
	noApp := func(s *Snapshot) {
		s.ConfigVars = nil
		s.SetGap(PartConfig, "no app given: only the checkout was audited", false)
	}
	tests := []struct {
		name   string
		check  Check
		files  map[string]string
		change change
		status Status
		msg    string
		evFile string
		evLine int
		ev     string
	}{
		{name: "default DevelopmentConfig, FLASK_CONFIG unset", check: debugMode,
			files:  map[string]string{"config.py": devConfig, "app.py": selectDefault},
			status: Fail, msg: "DEBUG = True in DevelopmentConfig, which the app loads by default (FLASK_CONFIG is unset)",
			evFile: "config.py", evLine: 7, ev: "app.py:3"},
		{name: "default DevelopmentConfig, FLASK_CONFIG set", check: debugMode,
			files:  map[string]string{"config.py": devConfig, "app.py": selectDefault},
			change: env("FLASK_CONFIG", "production"),
			status: Pass, evFile: "config.py", evLine: 7, ev: "config var FLASK_CONFIG is set"},
		{name: "default DevelopmentConfig in a checkout without an app", check: debugMode,
			files:  map[string]string{"config.py": devConfig, "app.py": selectDefault},
			change: noApp,
			status: Warn, msg: "unless the app is told otherwise", evFile: "config.py", evLine: 7},
		{name: "APP_SETTINGS defaults to the development class", check: debugMode,
			files:  map[string]string{"config.py": devConfig, "app.py": "app.config.from_object(os.environ.get('APP_SETTINGS', 'config.DevelopmentConfig'))\n"},
			status: Fail, msg: "APP_SETTINGS is unset", evFile: "config.py", evLine: 7},
		{name: "from_object of the development class, always", check: debugMode,
			files:  map[string]string{"config.py": devConfig, "app.py": "app.config.from_object('config.DevelopmentConfig')\n"},
			status: Fail, msg: "DEBUG = True in DevelopmentConfig, which the app loads", evFile: "config.py", evLine: 7},
		// the production class loaded by default inherits DEBUG = True
		{name: "an inherited DEBUG = True", check: debugMode,
			files:  map[string]string{"config.py": "class Config:\n    DEBUG = True\n\nclass ProductionConfig(Config):\n    TESTING = False\n", "app.py": "app.config.from_object(os.environ.get('APP_SETTINGS', 'config.ProductionConfig'))\n"},
			status: Fail, msg: "DEBUG = True in Config, inherited by ProductionConfig, which the app loads by default (APP_SETTINGS is unset)", evFile: "config.py", evLine: 2},
		{name: "debug-in-source names the class loaded", check: debugInSource,
			files:  map[string]string{"config.py": "class Config:\n    DEBUG = True\n\nclass ProductionConfig(Config):\n    TESTING = False\n", "app.py": "app.config.from_object('config.ProductionConfig')\n"},
			status: Warn, msg: "ProductionConfig, with DEBUG = True, is the config loaded by default", evFile: "config.py", evLine: 2},
		// an app factory's default config, the factory called bare by gunicorn
		{name: "create_app()'s development default", check: debugMode,
			files: map[string]string{"config.py": devConfig, "Procfile": "web: gunicorn 'app:create_app()'\n",
				"app/__init__.py": "from config import config\n\ndef create_app(config_name='development'):\n    app = Flask(__name__)\n    app.config.from_object(config[config_name])\n    return app\n"},
			status: Fail, msg: "DEBUG = True in DevelopmentConfig, which the app loads", evFile: "config.py", evLine: 7, ev: "called bare at Procfile:1"},
		{name: "create_app()'s development default, called bare by the formation's command", check: debugMode,
			files: map[string]string{"config.py": devConfig,
				"app/__init__.py": "from config import config\n\ndef create_app(config_name='development'):\n    app = Flask(__name__)\n    app.config.from_object(config[config_name])\n    return app\n"},
			change: web(`gunicorn "app:create_app()" --workers 2`),
			status: Fail, msg: "DEBUG = True in DevelopmentConfig, which the app loads", evFile: "config.py", evLine: 7, ev: "called bare at formation web command"},
		// DEBUG from the environment with a default that is on
		{name: "DEBUG defaults to on, the variable unset", check: debugMode,
			files:  map[string]string{"app.py": "import os\napp = Flask(__name__)\napp.config['DEBUG'] = os.environ.get('DEBUG', True)\n"},
			status: Fail, msg: "DEBUG defaults to on in app.py:3 (DEBUG is unset)", evFile: "app.py", evLine: 3, ev: "config var DEBUG is not set"},
		// the text as it is: "false" is a non-empty string, and true
		{name: "DEBUG from the variable's text, set to false", check: debugMode,
			files:  map[string]string{"app.py": "import os\napp = Flask(__name__)\napp.config['DEBUG'] = os.environ.get('DEBUG', True)\n"},
			change: env("DEBUG", "false"),
			status: Fail, msg: "app.py:3 uses config var DEBUG's text as it is, and any non-empty text is true", evFile: "app.py", evLine: 3, ev: "config var DEBUG is set, so it decides"},
		{name: "DEBUG compared in the code, set to false", check: debugMode,
			files:  map[string]string{"app.py": "import os\napp = Flask(__name__)\napp.config['DEBUG'] = os.environ.get('DEBUG', 'True').lower() == 'true'\n"},
			change: env("DEBUG", "false"),
			status: Pass, evFile: "app.py", evLine: 3, ev: "config var DEBUG is set, so it decides"},
		{name: "DEBUG from the variable's text, set empty", check: debugMode,
			files:  map[string]string{"app.py": "import os\napp.config['DEBUG'] = os.environ.get('APP_DEBUG')\n"},
			change: env("APP_DEBUG", ""),
			status: Pass},
		{name: "DEBUG defaults to on, config vars unknown", check: debugMode,
			files:  map[string]string{"settings.py": "import os\nDEBUG = os.getenv('APP_DEBUG', 'True') == 'True'\n"},
			change: noApp,
			status: Warn, msg: "the code turns DEBUG on when APP_DEBUG is unset", evFile: "settings.py", evLine: 2},
		{name: "the loaded config class takes DEBUG's text as it is, DEBUG=False", check: debugMode,
			files: map[string]string{"config.py": "import os\n\nclass Config:\n    DEBUG = os.environ.get('DEBUG', False)\n",
				"app.py": "app = Flask(__name__)\napp.config.from_object('config.Config')\n"},
			change: env("DEBUG", "False"),
			status: Fail, msg: "config.py:4 uses config var DEBUG's text as it is", evFile: "config.py", evLine: 4},
		{name: "a DevelopmentConfig production does not select by default", check: debugMode,
			files:  map[string]string{"config.py": devConfig, "app.py": "app.config.from_object(config[os.getenv('FLASK_CONFIG', 'production')])\n"},
			status: Pass},
		{name: "the default selected in debug-in-source stays a pass there", check: debugInSource,
			files:  map[string]string{"config.py": devConfig, "app.py": "app.config.from_object(config[os.environ['FLASK_CONFIG']])\n"},
			status: Pass},
		{name: "debug-in-source reports the development class loaded by default", check: debugInSource,
			files:  map[string]string{"config.py": devConfig, "app.py": selectDefault},
			status: Warn, msg: "DevelopmentConfig, with DEBUG = True, is the config loaded by default", evFile: "config.py", evLine: 7},
		{name: "update(dict(DEBUG=True))", check: debugInSource,
			files:  map[string]string{"app.py": "app = Flask(__name__)\napp.config.update(dict(\n    DATABASE='x.db',\n    DEBUG=True,\n))\n"},
			status: Warn, evFile: "app.py", evLine: 4, ev: "app.config.update(dict(DEBUG=True))"},
		{name: "from_mapping(DEBUG=True)", check: debugInSource,
			files:  map[string]string{"app.py": "app.config.from_mapping(DEBUG=True)\n"},
			status: Warn, evFile: "app.py", evLine: 1},
		{name: "config.update({'DEBUG': True})", check: debugInSource,
			files:  map[string]string{"app.py": "app.config.update({'DEBUG': True})\n"},
			status: Warn, evFile: "app.py", evLine: 1},
		{name: "DEBUG=False and DEBUG from the environment", check: debugInSource,
			files:  map[string]string{"app.py": "app.config.update(dict(DEBUG=False))\napp.config.from_mapping(DEBUG=os.getenv('DEBUG') == '1')\n"},
			status: Pass},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := base()
			for p, c := range tt.files {
				s.Files.Entries[p] = []byte(c)
			}
			if tt.change != nil {
				tt.change(s)
			}
			f := Audit(s, []Check{tt.check}).Findings[0]
			if f.Status != tt.status {
				t.Fatalf("%s: status = %s (%s; evidence %q), want %s", tt.check.ID, f.Status, f.Message, Texts(f.Evidence), tt.status)
			}
			if !strings.Contains(f.Message, tt.msg) {
				t.Errorf("message %q does not contain %q", f.Message, tt.msg)
			}
			if tt.ev != "" && !strings.Contains(strings.Join(Texts(f.Evidence), "\n"), tt.ev) {
				t.Errorf("evidence %q does not contain %q", Texts(f.Evidence), tt.ev)
			}
			if tt.evFile != "" {
				found := false
				for _, e := range f.Evidence {
					found = found || e.File == tt.evFile && e.Line == tt.evLine
				}
				if !found {
					t.Errorf("no evidence at %s:%d in %+v", tt.evFile, tt.evLine, f.Evidence)
				}
			}
			if (f.Status == Fail || f.Status == Warn) && f.Remediation == "" {
				t.Error("a failure must say how to fix it")
			}
		})
	}
}

// TestGunicornConfigFileInAChain: the config file gunicorn is given is found
// when the server is not the last command of the chain.
func TestGunicornConfigFileInAChain(t *testing.T) {
	for command, want := range map[string]string{
		"gunicorn -c conf/g.py app:app && echo ok":           "conf/g.py",
		"flask db upgrade; gunicorn -c g.py app:app; true":   "g.py",
		"cd src && sh -c 'gunicorn -c g.py app:app || true'": "src/g.py",
		"uvicorn main:app; true":                             "",
	} {
		if got := GunicornConfigFile(command); got != want {
			t.Errorf("GunicornConfigFile(%q) = %q, want %q", command, got, want)
		}
	}
}
