package pysrc

import "testing"

// DEBUG from the environment, on when the variable is unset. The defaults
// follow Python: os.getenv returns the default itself when the variable is
// unset, and any non-empty string, "False" included, is true.
var debugEnvCases = []scanCase{
	{name: "config[DEBUG] from getenv with True", src: "app.config['DEBUG'] = os.environ.get('DEBUG', True)\n",
		want: []want{{DebugEnvDefault, 1, "DEBUG", "", `app.config["DEBUG"] = os.environ.get("DEBUG", True)`}, {DebugEnvRaw, 1, "DEBUG", "", ""}}},
	{name: "a string default is true, even 'False'", src: "app.config[\"DEBUG\"] = os.getenv(\"FLASK_DEBUG\", \"False\")\n",
		want: []want{{DebugEnvDefault, 1, "FLASK_DEBUG", "", ""}, {DebugEnvRaw, 1, "FLASK_DEBUG", "", ""}}},
	{name: "compared with the default", path: "config.py", src: "import os\nDEBUG = os.getenv('DEBUG', 'True') == 'True'\n",
		want: []want{{DebugEnvDefault, 2, "DEBUG", "", ""}}},
	{name: "lower() in a tuple", src: "app.debug = os.environ.get('APP_DEBUG', 'Yes').lower() in ('1', 'true', 'yes')\n",
		want: []want{{DebugEnvDefault, 1, "APP_DEBUG", "", ""}}},
	{name: "bool of an int", src: "app.debug = bool(int(os.getenv('DEBUG', 1)))\n"}, // two wrappers: not judged
	{name: "bool of a number", src: "app.debug = bool(os.getenv('DEBUG', 1))\n",
		want: []want{{DebugEnvDefault, 1, "DEBUG", "", ""}, {DebugEnvRaw, 1, "DEBUG", "", ""}}},
	{name: "int of a string", src: "app.config['DEBUG'] = int(os.environ.get('DEBUG', '1'))\n",
		want: []want{{DebugEnvDefault, 1, "DEBUG", "", ""}}},
	{name: "strtobool", src: "app.config['DEBUG'] = strtobool(os.environ.get('DEBUG', 'on'))\n",
		want: []want{{DebugEnvDefault, 1, "DEBUG", "", ""}}},
	{name: "not in", src: "app.config['DEBUG'] = os.getenv('ENV', 'dev') not in ['prod', 'production']\n",
		want: []want{{DebugEnvDefault, 1, "ENV", "", ""}}},
	{name: "!= production", src: "app.config['DEBUG'] = os.getenv('ENV', 'development') != 'production'\n",
		want: []want{{DebugEnvDefault, 1, "ENV", "", ""}}},

	// off when unset, but the text as it is: "false" would be true
	{name: "default False", src: "app.config['DEBUG'] = os.environ.get('DEBUG', False)\n",
		want: []want{{DebugEnvRaw, 1, "DEBUG", "", ""}}},
	{name: "no default: None", src: "app.config['DEBUG'] = os.environ.get('DEBUG')\n",
		want: []want{{DebugEnvRaw, 1, "DEBUG", "", ""}}},

	// off when unset, or not judged
	{name: "compared, default differs", src: "app.config['DEBUG'] = os.getenv('DEBUG', 'False') == 'True'\n"},
	{name: "lower() against true", src: "app.config['DEBUG'] = os.getenv('DEBUG', 'False').lower() == 'true'\n"},
	{name: "strtobool of off", src: "app.config['DEBUG'] = strtobool(os.getenv('DEBUG', 'off'))\n"},
	{name: "int of a non-number", src: "app.config['DEBUG'] = int(os.getenv('DEBUG', 'yes'))\n"},
	{name: "a computed default", src: "app.config['DEBUG'] = os.getenv('DEBUG', LOCAL)\n"},
	{name: "another dict's DEBUG", src: "ctx['DEBUG'] = os.getenv('DEBUG', True)\n"},
	{name: "self.debug", src: "class X:\n    def f(self):\n        self.debug = os.getenv('DEBUG', True)\n"},
	{name: "DEBUG in a module that is not a config", src: "DEBUG = os.getenv('DEBUG', True)\n"},
	{name: "DEBUG in a config class (loaded or not is another matter)", path: "config.py", src: "class Dev:\n    DEBUG = os.getenv('DEBUG', True)\n"},
	{name: "request args, not the environment", src: "app.debug = request.args.get('debug', True)\n"},
}

func TestDebugFromEnvironment(t *testing.T) { runScanCases(t, debugEnvCases) }
