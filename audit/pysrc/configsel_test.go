package pysrc

import (
	"strings"
	"testing"
)

var debugInCallCases = []scanCase{
	{name: "update(dict(DEBUG=True)) (the old Flask tutorial)",
		src:  "app.config.update(dict(\n    DATABASE=os.path.join(app.root_path, 'flaskr.db'),\n    DEBUG=True,\n))\n",
		want: []want{{DebugConfig, 3, "", "", "app.config.update(dict(DEBUG=True))"}}},
	{name: "from_mapping(**dict(DEBUG=True))", src: "app.config.from_mapping(**dict(DEBUG=True))\n",
		want: []want{{DebugConfig, 1, "", "", "app.config.from_mapping(dict(DEBUG=True))"}}},
	{name: "config.update keyword on another object", src: "config.update(DEBUG=True)\n",
		want: []want{{DebugConfig, 1, "", "", "config.update(DEBUG=True)"}}},
	{name: "config.update dict display", src: "config.update({\"DEBUG\": True})\n",
		want: []want{{DebugConfig, 1, "", "", `config.update({"DEBUG": True})`}}},
	{name: "from_mapping keyword", src: "app.config.from_mapping(\n    SECRET_KEY=os.environ['SECRET_KEY'],\n    DEBUG=True,\n)\n",
		want: []want{{DebugConfig, 3, "", "", "app.config.from_mapping(DEBUG=True)"}}},
	{name: "from_mapping dict display", src: "app.config.from_mapping({'DEBUG': 1})\n",
		want: []want{{DebugConfig, 1, "", "", `app.config.from_mapping({"DEBUG": True})`}}},

	{name: "dict(DEBUG=False)", src: "app.config.update(dict(DEBUG=False))\n"},
	{name: "from_mapping DEBUG from the environment", src: "app.config.from_mapping(DEBUG=os.getenv('DEBUG') == '1')\n"},
	{name: "update DEBUG=os.getenv(...)", src: "app.config.update(DEBUG=os.getenv('FLASK_DEBUG', False))\n"},
	{name: "dict(DEBUG=True) that is not config", src: "render_template('a.html', **dict(DEBUG=True))\n"},
	{name: "update of another dict", src: "ctx.update(DEBUG=True)\n"},
}

func TestDebugInConfigCalls(t *testing.T) { runScanCases(t, debugInCallCases) }

const configClasses = `import os

class Config:
    DEBUG = False

class DevelopmentConfig(Config):
    DEBUG = True

class ProductionConfig(Config):
    DEBUG = False
`

func TestDebugDefaultConfig(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  []want // DebugDefaultConfig findings only (in config.py)
	}{
		{
			name: "flasky: a map with a development default, selected in another file",
			files: map[string]string{
				"config.py": configClasses + "\nconfig = {\n    'development': DevelopmentConfig,\n    'production': ProductionConfig,\n    'default': DevelopmentConfig,\n}\n",
				"app/__init__.py": "from config import config\n\ndef create_app():\n    app = Flask(__name__)\n" +
					"    app.config.from_object(config[os.getenv('FLASK_CONFIG', 'default')])\n    return app\n",
			},
			want: []want{{DebugDefaultConfig, 7, "FLASK_CONFIG", "DevelopmentConfig", "DevelopmentConfig, the config app/__init__.py:5 loads when FLASK_CONFIG is unset"}},
		},
		{
			name: "APP_SETTINGS with a dotted default",
			files: map[string]string{
				"config.py": configClasses,
				"app.py":    "app = Flask(__name__)\napp.config.from_object(os.environ.get(\"APP_SETTINGS\", \"config.DevelopmentConfig\"))\n",
			},
			want: []want{{DebugDefaultConfig, 7, "APP_SETTINGS", "DevelopmentConfig", "app.py:2 loads when APP_SETTINGS is unset"}},
		},
		{
			name: "a variable named like a config, with `or`",
			files: map[string]string{
				"config.py": configClasses + "config_by_name = dict(dev=DevelopmentConfig)\nconfig_map = {'dev': DevelopmentConfig, 'prod': ProductionConfig}\n",
				"manage.py": "app = create_app(os.getenv('BOILERPLATE_ENV') or 'dev')\n",
			},
			want: []want{{DebugDefaultConfig, 7, "BOILERPLATE_ENV", "DevelopmentConfig", "manage.py:1"}},
		},
		{
			name: "from_object with a class path that does not depend on the environment",
			files: map[string]string{
				"config.py": configClasses,
				"app.py":    "def create_app():\n    app = Flask(__name__)\n    app.config.from_object('config.DevelopmentConfig')\n    return app\n",
			},
			want: []want{{DebugDefaultConfig, 7, "", "DevelopmentConfig", "the config app.py:3 loads"}},
		},
		{
			name: "from_object(DevelopmentConfig) in the same file",
			files: map[string]string{
				"app.py": configClasses + "\napp = Flask(__name__)\napp.config.from_object(DevelopmentConfig)\n",
			},
			want: []want{{DebugDefaultConfig, 7, "", "DevelopmentConfig", "app.py:13 loads"}},
		},

		// inheritance: Python finds DEBUG on the first base that sets it
		{
			name: "the loaded class inherits DEBUG = True",
			files: map[string]string{
				"config.py": "class Config:\n    DEBUG = True\n    TESTING = False\n\nclass ProductionConfig(Config):\n    SQLALCHEMY_ECHO = False\n",
				"app.py":    "app.config.from_object(os.environ.get('APP_SETTINGS', 'config.ProductionConfig'))\n",
			},
			want: []want{{DebugDefaultConfig, 2, "APP_SETTINGS", "Config", "DEBUG = True in Config, inherited by ProductionConfig, the config app.py:1 loads when APP_SETTINGS is unset"}},
		},
		{
			name: "inherited over two levels, from a base in another module",
			files: map[string]string{
				"settings/base.py": "class BaseConfig(object):\n    DEBUG = True\n",
				"settings/prod.py": "from settings.base import BaseConfig\n\nclass StagingConfig(base.BaseConfig):\n    pass\n\nclass ProdConfig(StagingConfig, LoggingMixin):\n    pass\n",
				"app.py":           "app.config.from_object('settings.prod.ProdConfig')\n",
			},
			want: []want{{DebugDefaultConfig, 2, "", "BaseConfig", "DEBUG = True in BaseConfig, inherited by ProdConfig, the config app.py:1 loads"}},
		},
		// an app factory's default: used where the factory is called bare
		{
			name: "create_app's default, called bare in wsgi.py",
			files: map[string]string{
				"config.py":       configClasses + "config = {'development': DevelopmentConfig, 'production': ProductionConfig}\n",
				"app/__init__.py": "from config import config\n\ndef create_app(config_name='development'):\n    app = Flask(__name__)\n    app.config.from_object(config[config_name])\n    return app\n",
				"wsgi.py":         "from app import create_app\n\napp = create_app()\n",
			},
			want: []want{{DebugDefaultConfig, 7, "", "DevelopmentConfig",
				"DEBUG = True in DevelopmentConfig, create_app()'s default (app/__init__.py:5), called bare at wsgi.py:3"}},
		},
		{
			name: "a factory's annotated default, called bare by the Procfile's gunicorn",
			files: map[string]string{
				"config.py": configClasses,
				"app.py":    "def create_app(config_class: str = 'config.DevelopmentConfig'):\n    app = Flask(__name__)\n    app.config.from_object(config_class)\n    return app\n",
				"Procfile":  "release: flask db upgrade\nweb: gunicorn 'app:create_app()' --workers 2\n",
			},
			want: []want{{DebugDefaultConfig, 7, "", "DevelopmentConfig", "create_app()'s default (app.py:3), called bare at Procfile:2"}},
		},
		{
			name: "the default is production",
			files: map[string]string{
				"config.py": configClasses + "config = {'development': DevelopmentConfig, 'production': ProductionConfig}\n",
				"app.py":    "app.config.from_object(config[os.getenv('FLASK_CONFIG', 'production')])\n",
			},
		},
		{
			name: "no default: the variable must be set",
			files: map[string]string{
				"config.py": configClasses + "config = {'development': DevelopmentConfig, 'default': DevelopmentConfig}\n",
				"app.py":    "app.config.from_object(config[os.environ['FLASK_CONFIG']])\n",
			},
		},
		{
			name: "a DevelopmentConfig nothing selects",
			files: map[string]string{
				"config.py": configClasses,
				"app.py":    "app.config.from_object(os.environ['APP_SETTINGS'])\n",
			},
		},
		{
			name: "from_object of a development class only under a condition",
			files: map[string]string{
				"config.py": configClasses,
				"app.py":    "if os.getenv('LOCAL'):\n    app.config.from_object('config.DevelopmentConfig')\nelse:\n    app.config.from_object('config.ProductionConfig')\n",
			},
		},
		{
			name: "the loaded class overrides the inherited DEBUG",
			files: map[string]string{
				"config.py": "class Config:\n    DEBUG = True\n\nclass ProductionConfig(Config):\n    DEBUG = os.environ.get('DEBUG') == '1'\n",
				"app.py":    "app.config.from_object('config.ProductionConfig')\n",
			},
		},
		{
			name: "a nearer base turns it off",
			files: map[string]string{
				"config.py": "class Config:\n    DEBUG = True\n\nclass Quiet(Config):\n    DEBUG = False\n\nclass ProductionConfig(Quiet, Config):\n    pass\n",
				"app.py":    "app.config.from_object('config.ProductionConfig')\n",
			},
		},
		{
			name: "DEBUG set in a method is not the class's",
			files: map[string]string{
				"config.py": "class Config:\n    DEBUG = True\n\nclass ProductionConfig(Config):\n    DEBUG = False\n    def init_app(self, app):\n        DEBUG = True\n",
				"app.py":    "app.config.from_object('config.ProductionConfig')\n",
			},
		},
		{
			name: "a class that inherits from itself by name does not loop",
			files: map[string]string{
				"config.py": "class Config(Config):\n    pass\n\nclass A(B):\n    pass\n\nclass B(A):\n    pass\n",
				"app.py":    "app.config.from_object('config.A')\napp.config.from_object('config.Config')\n",
			},
		},
		{
			name: "the config parameter after another, annotated, with keyword-only ones after",
			files: map[string]string{
				"config.py":       configClasses + "config = {'development': DevelopmentConfig, 'production': ProductionConfig}\n",
				"app/__init__.py": "def create_app(name=None, config_name: str = 'development', *, testing=False):\n    app = Flask(name)\n    app.config.from_object(config[config_name])\n    return app\n",
				"wsgi.py":         "app = create_app()\n",
			},
			want: []want{{DebugDefaultConfig, 7, "", "DevelopmentConfig", "create_app()'s default (app/__init__.py:3), called bare at wsgi.py:1"}},
		},
		{
			name: "a keyword-only config parameter",
			files: map[string]string{
				"config.py":       configClasses + "config = {'development': DevelopmentConfig}\n",
				"app/__init__.py": "def make_app(*, env='development'):\n    app.config.from_object(config[env])\n",
				"wsgi.py":         "app = make_app()\n",
			},
			want: []want{{DebugDefaultConfig, 7, "", "DevelopmentConfig", "make_app()'s default"}},
		},
		{
			name: "a factory every caller gives a config",
			files: map[string]string{
				"config.py":       configClasses + "config = {'development': DevelopmentConfig, 'production': ProductionConfig}\n",
				"app/__init__.py": "def create_app(config_name='development'):\n    app = Flask(__name__)\n    app.config.from_object(config[config_name])\n    return app\n",
				"wsgi.py":         "app = create_app('production')\n",
				"Procfile":        "web: gunicorn 'app:create_app(\"production\")'\n",
			},
		},
		{
			name: "a factory whose default is production",
			files: map[string]string{
				"config.py":       configClasses + "config = {'development': DevelopmentConfig, 'production': ProductionConfig}\n",
				"app/__init__.py": "def create_app(config_name='production'):\n    app.config.from_object(config[config_name])\n",
				"wsgi.py":         "app = create_app()\n",
			},
		},
		{
			name: "a factory parameter without a default",
			files: map[string]string{
				"config.py":       configClasses + "config = {'development': DevelopmentConfig}\n",
				"app/__init__.py": "def create_app(config_name):\n    app.config.from_object(config[config_name])\n",
				"wsgi.py":         "app = create_app()\n",
			},
		},
		{
			name: "a lookup that does not pick the config",
			files: map[string]string{
				"config.py": configClasses + "modes = {'default': DevelopmentConfig}\n",
				"app.py":    "colour = os.getenv('COLOUR', 'default')\n",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := map[string][]byte{}
			for p, s := range tt.files {
				files[p] = []byte(s)
			}
			var got []Finding
			for _, f := range Scan(files) {
				if f.Kind == DebugDefaultConfig {
					got = append(got, f)
				}
			}
			checkFindings(t, got, tt.want)
			for _, f := range got {
				if !strings.HasSuffix(f.File, ".py") || !strings.Contains(f.Detail, "DEBUG = True in "+f.Scope) {
					t.Errorf("finding does not name the class and file: %+v", f)
				}
			}
		})
	}
}
