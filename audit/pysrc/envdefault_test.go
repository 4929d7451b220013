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

	{name: "a negative number is true", src: "app.config['DEBUG'] = os.getenv('DEBUG', -1)\n",
		want: []want{{DebugEnvDefault, 1, "DEBUG", "", ""}, {DebugEnvRaw, 1, "DEBUG", "", ""}}},
	{name: "zero is false", src: "app.config['DEBUG'] = os.getenv('DEBUG', 0)\n",
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

// TestDebugFromEnvironmentInClasses: a config class's DEBUG from the
// environment counts when the app loads the class whatever the
// environment says, itself or as the base a loaded class takes DEBUG from.
func TestDebugFromEnvironmentInClasses(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files map[string]string
		want  []want
	}{
		{"loaded by from_object", map[string]string{
			"config.py": "import os\n\nclass Config:\n    DEBUG = os.environ.get('DEBUG', False)\n",
			"app.py":    "app.config.from_object('config.Config')\n"},
			[]want{{DebugEnvRaw, 4, "DEBUG", "Config", "DEBUG = os.environ.get"}}},
		{"inherited by the class loaded", map[string]string{
			"config.py": "class Base:\n    DEBUG = os.getenv('APP_DEBUG', 'yes').lower() in ('yes', '1')\n\nclass Production(Base):\n    pass\n",
			"app.py":    "from config import Production\napp.config.from_object(Production)\n"},
			[]want{{DebugEnvDefault, 2, "APP_DEBUG", "Base", ""}}},
		{"a class nothing loads", map[string]string{
			"config.py": "class Config:\n    DEBUG = os.environ.get('DEBUG', True)\n",
			"app.py":    "app.config.from_object(os.environ['APP_SETTINGS'])\n"}, nil},
		{"loaded only when a variable says so", map[string]string{
			"config.py": "class Dev:\n    DEBUG = os.environ.get('DEBUG', True)\n\nconfig = {'dev': Dev}\n",
			"app.py":    "app.config.from_object(config[os.getenv('FLASK_CONFIG', 'dev')])\n"}, nil},
		{"a nearer base sets DEBUG first", map[string]string{
			"config.py": "class Base:\n    DEBUG = os.environ.get('DEBUG', True)\n\nclass Quiet:\n    DEBUG = False\n\nclass Production(Quiet, Base):\n    pass\n",
			"app.py":    "app.config.from_object('config.Production')\n"}, nil},
		{"a base the loaded class overrides", map[string]string{
			"config.py": "class Base:\n    DEBUG = os.environ.get('DEBUG', True)\n\nclass Production(Base):\n    DEBUG = False\n",
			"app.py":    "app.config.from_object('config.Production')\n"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			files := map[string][]byte{}
			for p, s := range tc.files {
				files[p] = []byte(s)
			}
			var got []Finding
			for _, f := range Scan(files) {
				if f.Kind == DebugEnvDefault || f.Kind == DebugEnvRaw {
					got = append(got, f)
				}
			}
			checkFindings(t, got, tc.want)
		})
	}
}
