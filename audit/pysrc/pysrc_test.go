package pysrc

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

// want is an expected finding. Detail, when set, must be a substring of the
// finding's Detail.
type want struct {
	kind   Kind
	line   int
	value  string
	scope  string
	detail string
}

type scanCase struct {
	name string
	path string // default app.py
	src  string
	want []want
	// secrets are literal values that must never appear in a Detail or
	// Value. Every literal containing "s3cr3t" is checked as well.
	secrets []string
}

// secretMarker is part of every long secret literal in the test inputs.
const secretMarker = "s3cr3t"

func runScanCases(t *testing.T, cases []scanCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.path
			if p == "" {
				p = "app.py"
			}
			got := ScanFile(p, []byte(tc.src))
			checkFindings(t, got, tc.want)
			assertNoSecrets(t, got, tc.secrets)
			// CRLF line endings must not change anything.
			crlf := ScanFile(p, []byte(strings.ReplaceAll(tc.src, "\n", "\r\n")))
			checkFindings(t, crlf, tc.want)
		})
	}
}

func checkFindings(t *testing.T, got []Finding, wants []want) {
	t.Helper()
	if len(got) != len(wants) {
		t.Fatalf("got %d findings, want %d:\n%s", len(got), len(wants), dump(got))
	}
	for i, w := range wants {
		g := got[i]
		if g.Kind != w.kind || g.Line != w.line || g.Value != w.value || g.Scope != w.scope {
			t.Errorf("finding %d = {%s line %d value %q scope %q}, want {%s line %d value %q scope %q}\n%s",
				i, g.Kind, g.Line, g.Value, g.Scope, w.kind, w.line, w.value, w.scope, dump(got))
		}
		if !strings.Contains(g.Detail, w.detail) {
			t.Errorf("finding %d detail %q does not contain %q", i, g.Detail, w.detail)
		}
	}
}

func assertNoSecrets(t *testing.T, got []Finding, secrets []string) {
	t.Helper()
	for _, g := range got {
		for _, field := range []string{g.Detail, g.Value} {
			if strings.Contains(strings.ToLower(field), secretMarker) {
				t.Errorf("finding leaks a secret: %+v", g)
			}
			for _, s := range secrets {
				// Short secrets ("dev") are checked as literals, longer ones
				// anywhere.
				if len(s) < 6 && (strings.Contains(field, `"`+s+`"`) || strings.Contains(field, `'`+s+`'`)) ||
					len(s) >= 6 && strings.Contains(field, s) {
					t.Errorf("finding leaks secret %q: %+v", s, g)
				}
			}
		}
		if !utf8.ValidString(g.Detail) || utf8.RuneCountInString(g.Detail) > maxDetail {
			t.Errorf("bad detail %q", g.Detail)
		}
	}
}

func dump(fs []Finding) string {
	var sb strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&sb, "  %s:%d %s value=%q scope=%q detail=%q\n", f.File, f.Line, f.Kind, f.Value, f.Scope, f.Detail)
	}
	return sb.String()
}

var hardcodedCases = []scanCase{
	{name: "module SECRET_KEY", src: `SECRET_KEY = "s3cr3t-value-123"`,
		want: []want{{HardcodedSecret, 1, "SECRET_KEY", "", `SECRET_KEY = "<16 chars>"`}}},
	{name: "app.secret_key", src: "import os\napp.secret_key = 's3cr3t'\n",
		want: []want{{HardcodedSecret, 2, "SECRET_KEY", "", `app.secret_key = "<6 chars>"`}}},
	{name: "app.config subscript", src: `app.config["SECRET_KEY"] = "s3cr3t-abc"`,
		want: []want{{HardcodedSecret, 1, "SECRET_KEY", "", `app.config["SECRET_KEY"] = "<10 chars>"`}}},
	{name: "JWT secret", src: `app.config['JWT_SECRET_KEY'] = 's3cr3t-jwt'`,
		want: []want{{HardcodedSecret, 1, "JWT_SECRET_KEY", "", `"<10 chars>"`}}},
	{name: "config.update keyword", src: `app.config.update(SECRET_KEY="s3cr3t", DEBUG=False)`,
		want: []want{{HardcodedSecret, 1, "SECRET_KEY", "", `app.config.update(SECRET_KEY="<6 chars>")`}}},
	{name: "from_mapping multi-line (Flask tutorial)",
		src:  "app.config.from_mapping(\n    SECRET_KEY='dev',\n    DATABASE=os.path.join(app.instance_path, 'flaskr.sqlite'),\n)\n",
		want: []want{{HardcodedSecret, 2, "SECRET_KEY", "", `SECRET_KEY="<3 chars>"`}}, secrets: []string{"dev"}},
	{name: "dict()", src: `settings = dict(SECRET_KEY="s3cr3t-dict")`,
		want: []want{{HardcodedSecret, 1, "SECRET_KEY", "", `dict(SECRET_KEY=`}}},
	{name: "dict display", src: "app.config.update({\n    'SECRET_KEY': 's3cr3t-in-dict',\n})",
		want: []want{{HardcodedSecret, 2, "SECRET_KEY", "", `{"SECRET_KEY": "<14 chars>"}`}}},
	{name: "bytes literal (Flask quickstart)", src: `app.secret_key = b'_5#y2L"F4Q8z\n\xec]/'`,
		want: []want{{HardcodedSecret, 1, "SECRET_KEY", "", `b"<16 bytes>"`}}, secrets: []string{`_5#y2L`, `F4Q8z`}},
	{name: "config class", src: "class Config(object):\n    SECRET_KEY = 's3cr3t-cls'\n    DEBUG = False\n",
		want: []want{{HardcodedSecret, 2, "SECRET_KEY", "Config", ""}}},
	{name: "annotated", src: `SECRET_KEY: str = "s3cr3t-ann"`,
		want: []want{{HardcodedSecret, 1, "SECRET_KEY", "", `"<10 chars>"`}}},
	{name: "implicit concatenation in parens", src: "SECRET_KEY = (\n    \"s3cr3t-\"\n    'more'\n)",
		want: []want{{HardcodedSecret, 1, "SECRET_KEY", "", `"<11 chars>"`}}},
	{name: "triple quoted", src: "SECRET_KEY = \"\"\"s3cr3t\nline\"\"\"\nDEBUG = False",
		want: []want{{HardcodedSecret, 1, "SECRET_KEY", "", `"<11 chars>"`}}},
	{name: "os.environ set to a literal", src: `os.environ["SECRET_KEY"] = "s3cr3t-env"`,
		want: []want{{HardcodedSecret, 1, "SECRET_KEY", "", `os.environ["SECRET_KEY"] = "<10 chars>"`}}},
	{name: "module constant", src: "KEY = 's3cr3t-const'\napp.secret_key = KEY\n",
		want: []want{{HardcodedSecret, 2, "SECRET_KEY", "", `app.secret_key = KEY (bound to "<12 chars>" on line 1)`}}},
	{name: "secret constant reported once", src: "SECRET_KEY = 's3cr3t-once'\napp.secret_key = SECRET_KEY\napp.config['SECRET_KEY'] = SECRET_KEY\n",
		want: []want{{HardcodedSecret, 1, "SECRET_KEY", "", ""}}},
	{name: "chained assignment", src: `SECRET_KEY = JWT_SECRET_KEY = "s3cr3t-both"`,
		want: []want{
			{HardcodedSecret, 1, "JWT_SECRET_KEY", "", ""},
			{HardcodedSecret, 1, "SECRET_KEY", "", ""},
		}},
	{name: "trailing comment and semicolons", src: `import os; SECRET_KEY = "s3cr3t-semi"  # FIXME`,
		want: []want{{HardcodedSecret, 1, "SECRET_KEY", "", ""}}},
	{name: "inside create_app", src: "def create_app():\n    app = Flask(__name__)\n    app.secret_key = \"s3cr3t-fn\"\n    return app\n",
		want: []want{{HardcodedSecret, 3, "SECRET_KEY", "", ""}}},
	{name: "FLASK_SECRET_KEY", src: `FLASK_SECRET_KEY = 's3cr3t-flask'`,
		want: []want{{HardcodedSecret, 1, "FLASK_SECRET_KEY", "", ""}}},
	{name: "f-string without fields is a literal", src: `SECRET_KEY = f"s3cr3t-f"`,
		want: []want{{HardcodedSecret, 1, "SECRET_KEY", "", `"<8 chars>"`}}},

	{name: "commented out", src: "# SECRET_KEY = 's3cr3t-comment'\n#app.secret_key = 's3cr3t'\n"},
	{name: "docstring", src: "\"\"\"Set SECRET_KEY = 's3cr3t-doc' in production.\"\"\"\ndef f():\n    '''app.secret_key = \"s3cr3t\"'''\n"},
	{name: "string mentions it", src: `print("SECRET_KEY = 's3cr3t-print'")`},
	{name: "os.environ subscript", src: `SECRET_KEY = os.environ["SECRET_KEY"]`},
	{name: "os.getenv without default", src: `SECRET_KEY = os.getenv("SECRET_KEY")`},
	{name: "empty string", src: `SECRET_KEY = ""`},
	{name: "random key", src: "SECRET_KEY = secrets.token_hex(32)\napp.secret_key = os.urandom(24)"},
	{name: "f-string with fields", src: `SECRET_KEY = f"{os.environ['PREFIX']}-s3cr3t"`},
	{name: "comparison", src: "if SECRET_KEY == 's3cr3t-cmp':\n    raise RuntimeError('x')\nassert app.secret_key != 's3cr3t-assert'"},
	{name: "rebound name is not a constant", src: "key = 's3cr3t-a'\nkey = load()\napp.secret_key = key\n"},
	{name: "None", src: `SECRET_KEY = None`},
	{name: "other key", src: `API_KEY = "s3cr3t-other"`},
	{name: "read via config.get", src: `key = app.config.get("SECRET_KEY")`},
}

func TestHardcodedSecret(t *testing.T) { runScanCases(t, hardcodedCases) }

var fallbackCases = []scanCase{
	{name: "environ.get default", src: `SECRET_KEY = os.environ.get("SECRET_KEY", "dev")`,
		want:    []want{{SecretFallback, 1, "SECRET_KEY", "", `SECRET_KEY = os.environ.get("SECRET_KEY", "<3 chars>")`}},
		secrets: []string{"dev"}},
	{name: "getenv into app.secret_key", src: `app.secret_key = os.getenv("FLASK_SECRET", "changeme")`,
		want:    []want{{SecretFallback, 1, "SECRET_KEY", "", `"<8 chars>"`}},
		secrets: []string{"changeme"}},
	{name: "or fallback", src: `app.config["SECRET_KEY"] = os.environ.get("SECRET_KEY") or "s3cr3t-or"`,
		want: []want{{SecretFallback, 1, "SECRET_KEY", "", `or "<9 chars>"`}}},
	{name: "decouple default=", src: `SECRET_KEY = config("SECRET_KEY", default="s3cr3t-dec")`,
		want: []want{{SecretFallback, 1, "SECRET_KEY", "", ""}}},
	{name: "setdefault statement", src: `os.environ.setdefault("SECRET_KEY", "s3cr3t-sd")`,
		want: []want{{SecretFallback, 1, "SECRET_KEY", "", `os.environ.setdefault("SECRET_KEY", "<9 chars>")`}}},
	{name: "env read into another name", src: `key = os.environ.get("JWT_SECRET_KEY", "s3cr3t-jwt")`,
		want: []want{{SecretFallback, 1, "JWT_SECRET_KEY", "", ""}}},
	{name: "conditional expression", src: `SECRET_KEY = "s3cr3t-dbg" if DEBUG else os.environ["SECRET_KEY"]`,
		want: []want{{SecretFallback, 1, "SECRET_KEY", "", `"<10 chars>" if DEBUG else`}}},
	{name: "class body multi-line", src: "class Config:\n    SECRET_KEY = os.environ.get(\n        'SECRET_KEY',\n        'you-will-never-guess',\n    )\n",
		want:    []want{{SecretFallback, 2, "SECRET_KEY", "Config", ""}},
		secrets: []string{"you-will-never-guess"}},
	{name: "config.update keyword", src: `app.config.update(SECRET_KEY=os.environ.get("SECRET_KEY", "s3cr3t-up"))`,
		want: []want{{SecretFallback, 1, "SECRET_KEY", "", ""}}},

	{name: "empty default", src: `SECRET_KEY = os.environ.get("SECRET_KEY", "")`},
	{name: "None default", src: `SECRET_KEY = os.environ.get("SECRET_KEY", None)`},
	{name: "other variable default", src: `PORT = os.environ.get("PORT", "5000")`},
	{name: "commented", src: `# SECRET_KEY = os.environ.get("SECRET_KEY", "dev")`},
}

func TestSecretFallback(t *testing.T) { runScanCases(t, fallbackCases) }

var debugRunCases = []scanCase{
	{name: "app.run", src: "app = Flask(__name__)\napp.run(debug=True)\n",
		want: []want{{DebugRun, 2, "", "", "app.run(debug=True)"}}},
	{name: "under __main__", src: "if __name__ == \"__main__\":\n    app.run(debug=True)\n",
		want: []want{{DebugRun, 2, "", "__main__", `under if __name__ == "__main__"`}}},
	{name: "multi-line call", src: "if __name__ == '__main__':\n    app.run(\n        host=\"0.0.0.0\",\n        debug=True)\n",
		want: []want{{DebugRun, 2, "", "__main__", ""}}},
	{name: "inline main", src: `if __name__ == '__main__': app.run(host="0.0.0.0", debug=True)`,
		want: []want{{DebugRun, 1, "", "__main__", ""}}},
	{name: "reversed main test", src: "if ('__main__' == __name__):\n\tapp.run(debug=True)\n",
		want: []want{{DebugRun, 2, "", "__main__", ""}}},
	{name: "else of main is not main", src: "if __name__ == '__main__':\n    pass\nelse:\n    app.run(debug=True)\n",
		want: []want{{DebugRun, 4, "", "", ""}}},
	{name: "after main block", src: "if __name__ == '__main__':\n    pass\napp.run(debug=True)\n",
		want: []want{{DebugRun, 3, "", "", ""}}},
	{name: "socketio", src: `socketio.run(app, port=5000, debug=True)`,
		want: []want{{DebugRun, 1, "", "", "socketio.run(debug=True)"}}},
	{name: "debug=1", src: `app.run(debug=1)`,
		want: []want{{DebugRun, 1, "", "", ""}}},
	{name: "app.debug attribute", src: `app.debug = True`,
		want: []want{{DebugRun, 1, "", "", "app.debug = True"}}},
	{name: "run_simple", src: `run_simple("localhost", 5000, app, use_reloader=True, use_debugger=True)`,
		want: []want{{DebugRun, 1, "", "", "run_simple(use_debugger=True)"}}},
	{name: "in main() function", src: "def main():\n    app.run(debug=True)\n",
		want: []want{{DebugRun, 2, "", "", ""}}},
	{name: "backslash continuation", src: "app.run(host='0.0.0.0', \\\n    debug=True)\nx = 1\n",
		want: []want{{DebugRun, 1, "", "", ""}}},

	{name: "debug=False", src: `app.run(debug=False)`},
	{name: "debug from env", src: `app.run(debug=os.environ.get("FLASK_DEBUG") == "1")`},
	{name: "debug from variable", src: `app.run(debug=DEBUG)`},
	{name: "no debug", src: `app.run(host="0.0.0.0", port=int(os.environ.get("PORT", 5000)))`},
	{name: "commented", src: "# app.run(debug=True)\napp.run()  # app.run(debug=True)\n"},
	{name: "in a string", src: `print("app.run(debug=True)")`},
	{name: "in a docstring", src: "def f():\n    \"\"\"Run with app.run(debug=True).\"\"\"\n    return 1\n"},
	{name: "asyncio.run", src: `asyncio.run(main(), debug=True)`},
	{name: "self.debug", src: "class A:\n    def __init__(self):\n        self.debug = True\n"},
	{name: "app.debug False", src: `app.debug = False`},
	{name: "bare run", src: `run(debug=True)`},
	{name: "def with debug default", src: "def run(debug=True):\n    pass\n"},
}

func TestDebugRun(t *testing.T) { runScanCases(t, debugRunCases) }

var debugConfigCases = []scanCase{
	{name: "config.py module level", path: "config.py", src: "import os\nDEBUG = True\n",
		want: []want{{DebugConfig, 2, "", "", "DEBUG = True at module level of config.py"}}},
	{name: "settings package", path: "myapp/settings/production.py", src: "DEBUG = True\n",
		want: []want{{DebugConfig, 1, "", "", ""}}},
	{name: "conditional", path: "settings.py", src: "if os.environ.get('ENV') == 'dev':\n    DEBUG = True\n",
		want: []want{{DebugConfig, 2, "", "", "conditional"}}},
	{name: "from_object(__name__)", path: "app.py", src: "DEBUG = True\napp.config.from_object(__name__)\n",
		want: []want{{DebugConfig, 1, "", "", ""}}},
	{name: "production class", src: "class Config(object):\n    DEBUG = False\n\nclass ProductionConfig(Config):\n    DEBUG = True\n",
		want: []want{{DebugConfig, 5, "", "ProductionConfig", "DEBUG = True in ProductionConfig"}}},
	{name: "development class", path: "config.py", src: "class DevelopmentConfig(Config):\n    DEBUG = True\n    TESTING = False\n",
		want: []want{{DebugConfig, 2, "", "DevelopmentConfig", "in DevelopmentConfig"}}},
	{name: "nested class", src: "class Outer:\n    class Inner:\n        DEBUG = True\n    x = 1\n",
		want: []want{{DebugConfig, 3, "", "Inner", ""}}},
	{name: "one-line class", src: "class Dev(Config): DEBUG = True\nclass Prod(Config): DEBUG = False\n",
		want: []want{{DebugConfig, 1, "", "Dev", ""}}},
	{name: "app.config subscript", src: `app.config["DEBUG"] = True`,
		want: []want{{DebugConfig, 1, "", "", `app.config["DEBUG"] = True`}}},
	{name: "config.update keyword", src: `app.config.update(DEBUG=True, TESTING=False)`,
		want: []want{{DebugConfig, 1, "", "", "app.config.update(DEBUG=True)"}}},
	{name: "config.update dict", src: "app.config.update({\n    \"DEBUG\": True,\n})",
		want: []want{{DebugConfig, 2, "", "", ""}}},
	{name: "tabs", path: "config.py", src: "class Prod:\n\tDEBUG = True\n\tdef f(self):\n\t\tDEBUG = True\n",
		want: []want{{DebugConfig, 2, "", "Prod", ""}}},

	{name: "app.py module level", path: "app.py", src: "DEBUG = True\n"},
	{name: "DEBUG False", path: "config.py", src: "DEBUG = False\nclass C:\n    DEBUG = False\n"},
	{name: "DEBUG from env", path: "config.py", src: "DEBUG = os.environ.get('DEBUG', 'False') == 'True'\n"},
	{name: "in a method", src: "class C:\n    def f(self):\n        DEBUG = True\n"},
	{name: "in a function of a config module", path: "config.py", src: "def f():\n    DEBUG = True\n"},
	{name: "commented", path: "config.py", src: "# DEBUG = True\n"},
	{name: "comparison", path: "config.py", src: "if DEBUG == True:\n    pass\n"},
	{name: "other dict", src: `ctx = {"DEBUG": True}`},
}

func TestDebugConfig(t *testing.T) { runScanCases(t, debugConfigCases) }

var templateStringCases = []scanCase{
	{name: "variable", src: `return render_template_string(tpl)`,
		want: []want{{TemplateString, 1, "", "", "render_template_string(tpl)"}}},
	{name: "request arg", src: `render_template_string(request.args.get("name"))`,
		want: []want{{TemplateString, 1, "", "", `render_template_string(request.args.get("name"))`}}},
	{name: "f-string", src: `render_template_string(f"<p>Hello {name}</p>")`,
		want: []want{{TemplateString, 1, "", "", ""}}},
	{name: "concatenation", src: `render_template_string("<p>" + name + "</p>")`,
		want: []want{{TemplateString, 1, "", "", ""}}},
	{name: "percent", src: `render_template_string("<p>%s</p>" % name)`,
		want: []want{{TemplateString, 1, "", "", ""}}},
	{name: "format", src: `render_template_string("<p>{}</p>".format(name), x=1)`,
		want: []want{{TemplateString, 1, "", "", ", …)"}}},
	{name: "module attribute", src: `flask.render_template_string(page)`,
		want: []want{{TemplateString, 1, "", "", "flask.render_template_string(page)"}}},
	{name: "source keyword", src: `render_template_string(source=tpl)`,
		want: []want{{TemplateString, 1, "", "", "source=tpl"}}},
	{name: "multi-line in a view", src: "@app.route('/')\ndef index():\n    return render_template_string(\n        TEMPLATE % request.args['q'],\n    )\n",
		want: []want{{TemplateString, 3, "", "", ""}}},
	{name: "rebound constant", src: "TEMPLATE = '<p>hi</p>'\ndef f():\n    global TEMPLATE\n    TEMPLATE = request.args['t']\n    return render_template_string(TEMPLATE)\n",
		want: []want{{TemplateString, 5, "", "", ""}}},
	{name: "parameter shadows constant", src: "tpl = '<p>hi</p>'\ndef f(tpl):\n    return render_template_string(tpl)\n",
		want: []want{{TemplateString, 3, "", "", ""}}},

	{name: "literal", src: `render_template_string("<p>hi</p>")`},
	{name: "literal with context", src: `render_template_string("<p>{{ name }}</p>", name=request.args["n"])`},
	{name: "triple-quoted literal", src: "render_template_string('''\n<p>{{ x }}</p>\n''', x=1)"},
	{name: "f-string without fields", src: `render_template_string(f"<p>hi</p>")`},
	{name: "module constant", src: "PAGE = \"\"\"<p>{{ x }}</p>\"\"\"\n\n@app.route('/')\ndef i():\n    return render_template_string(PAGE, x=1)\n"},
	{name: "no arguments", src: `render_template_string()`},
	{name: "definition", src: "def render_template_string(s):\n    return s\n"},
	{name: "in a string", src: `x = "render_template_string(tpl)"`},
	{name: "commented", src: `# render_template_string(tpl)`},
}

func TestTemplateString(t *testing.T) { runScanCases(t, templateStringCases) }

var markupCases = []scanCase{
	{name: "Markup of a variable", src: `return Markup(user.bio)`,
		want: []want{{MarkupSafe, 1, "", "", "Markup(user.bio)"}}},
	{name: "markupsafe.Markup literal", src: `x = markupsafe.Markup("<b>hi</b>")`,
		want: []want{{MarkupSafe, 1, "", "", `markupsafe.Markup("…")`}}},
	{name: "flask.Markup", src: `flask.Markup(html)`,
		want: []want{{MarkupSafe, 1, "", "", ""}}},

	{name: "import", src: "from markupsafe import Markup\nfrom flask import Markup, escape\n"},
	{name: "class definition", src: "class Markup(str):\n    pass\n"},
	{name: "escape", src: `Markup.escape(x)`},
	{name: "string", src: `s = "Markup(x)"`},
	{name: "other receiver", src: `doc.Markup(x)`},
}

func TestMarkupPython(t *testing.T) { runScanCases(t, markupCases) }

var corsCases = []scanCase{
	{name: "bare CORS(app)", src: "from flask_cors import CORS\nCORS(app)\n",
		want: []want{{CORSAll, 2, "", "", "CORS(app) with no origins"}}},
	{name: "origins star", src: `CORS(app, origins="*")`,
		want: []want{{CORSAll, 1, "", "", `origins="*"`}}},
	{name: "origins list star", src: `cors = CORS(app, origins=["*"], supports_credentials=True)`,
		want: []want{{CORSAll, 1, "", "", "supports_credentials=True"}}},
	{name: "resources with star", src: "CORS(app, resources={\n    r\"/api/*\": {\"origins\": \"*\"},\n})",
		want: []want{{CORSAll, 1, "", "", `"origins": "*"`}}},
	{name: "init_app without origins", src: "cors = CORS()\n\ndef create_app():\n    cors.init_app(app)\n",
		want: []want{{CORSAll, 4, "", "", "cors.init_app(app)"}}},
	{name: "cross_origin decorator", src: "@app.route('/x')\n@cross_origin()\ndef x():\n    pass\n",
		want: []want{{CORSAll, 2, "", "", "cross_origin()"}}},
	{name: "CORS_ORIGINS star in config", path: "config.py", src: `CORS_ORIGINS = "*"`,
		want: []want{{CORSAll, 1, "", "", `CORS_ORIGINS = "*"`}}},
	{name: "flask_cors.CORS", src: `flask_cors.CORS(app)`,
		want: []want{{CORSAll, 1, "", "", ""}}},

	{name: "specific origins", src: `CORS(app, origins=["https://example.com"])`},
	{name: "resources specific", src: `CORS(app, resources={r"/api/*": {"origins": "https://example.com"}})`},
	{name: "origins from env", src: `CORS(app, origins=os.environ["ORIGINS"].split(","))`},
	{name: "kwargs", src: `CORS(app, **cors_options)`},
	{name: "init_app with origins", src: "cors = CORS()\ncors.init_app(app, origins=['https://a.example'])\n"},
	{name: "CORS() alone", src: `cors = CORS()`},
	{name: "configured in the same file", src: "app.config['CORS_ORIGINS'] = ['https://a.example']\nCORS(app)\n"},
	{name: "cross_origin with origins", src: "@cross_origin(origins=['https://a.example'])\ndef x(): pass\n"},
	{name: "commented", src: `# CORS(app)`},
	{name: "string", src: `doc = "CORS(app)"`},
}

func TestCORS(t *testing.T) { runScanCases(t, corsCases) }

var sslCases = []scanCase{
	{name: "connect_args", src: `engine = create_engine(url, connect_args={"sslmode": "require"})`,
		want: []want{{SSLMode, 1, "require", "", `{"sslmode": "require"}`}}},
	{name: "engine options in config class", path: "config.py", src: "class Config:\n    SQLALCHEMY_ENGINE_OPTIONS = {\n        'connect_args': {'sslmode': 'verify-full'},\n    }\n",
		want: []want{{SSLMode, 3, "verify-full", "Config", ""}}},
	{name: "URL literal", src: `DB = "postgresql://user:p4ssw0rd-s3cr3t@db.example.com:5432/app?sslmode=require"`,
		want: []want{{SSLMode, 1, "require", "", "sslmode=require"}}, secrets: []string{"p4ssw0rd"}},
	{name: "appended query", src: `url += "?sslmode=require"`,
		want: []want{{SSLMode, 1, "require", "", ""}}},
	{name: "second parameter", src: `url = base + "&sslmode=verify-ca"`,
		want: []want{{SSLMode, 1, "verify-ca", "", ""}}},
	{name: "f-string URL", src: `uri = f"postgresql://{user}:{pw}@{host}/{db}?sslmode=require"`,
		want: []want{{SSLMode, 1, "require", "", ""}}},
	{name: "DSN", src: `conn = psycopg2.connect("host=db dbname=app sslmode=verify-full")`,
		want: []want{{SSLMode, 1, "verify-full", "", ""}}},
	{name: "connect keyword", src: `psycopg2.connect(dsn, sslmode="require")`,
		want: []want{{SSLMode, 1, "require", "", `psycopg2.connect(sslmode="require")`}}},
	{name: "PGSSLMODE via environ", src: `os.environ["PGSSLMODE"] = "require"`,
		want: []want{{SSLMode, 1, "require", "", `os.environ["PGSSLMODE"] = "require"`}}},
	{name: "PGSSLMODE setdefault", src: `os.environ.setdefault("PGSSLMODE", "prefer")`,
		want: []want{{SSLMode, 1, "prefer", "", ""}}},
	{name: "asyncpg ssl", src: `create_async_engine(url, connect_args={"ssl": "require"})`,
		want: []want{{SSLMode, 1, "require", "", ""}}},
	{name: "disable", src: `DATABASE_URL = "postgres://localhost/app?sslmode=disable"`,
		want: []want{{SSLMode, 1, "disable", "", ""}}},
	{name: "ssl_require", src: `DATABASES = {"default": dj_database_url.config(conn_max_age=600, ssl_require=True)}`,
		want: []want{{SSLRequire, 1, "", "", "dj_database_url.config(ssl_require=True)"}}},
	{name: "ssl_require parse multi-line", src: "db = dj_database_url.parse(\n    url,\n    ssl_require=True,\n)",
		want: []want{{SSLRequire, 3, "", "", ""}}},

	{name: "prose", src: `print("add ?sslmode=require to DATABASE_URL")`},
	{name: "docstring", src: "\"\"\"Connect with postgresql://h/db?sslmode=require.\"\"\"\n"},
	{name: "comment", src: `engine = create_engine(url)  # connect_args={"sslmode": "require"}`},
	{name: "read PGSSLMODE", src: `mode = os.environ.get("PGSSLMODE", "require")`},
	{name: "mode from variable", src: `create_engine(url, connect_args={"sslmode": mode})`},
	{name: "ssl True", src: `create_engine(url, connect_args={"ssl": True})`},
	{name: "ssl_require False", src: `dj_database_url.config(ssl_require=False)`},
	{name: "ssl_require from env", src: `dj_database_url.config(ssl_require=not DEBUG)`},
	{name: "mode templated", src: `url = f"postgresql://h/db?sslmode={mode}"`},
}

func TestSSL(t *testing.T) { runScanCases(t, sslCases) }

var pgCases = []scanCase{
	{name: "startswith then replace", src: "uri = os.getenv(\"DATABASE_URL\")\nif uri and uri.startswith(\"postgres://\"):\n    uri = uri.replace(\"postgres://\", \"postgresql://\", 1)\n",
		want: []want{{PostgresRewrite, 3, "", "", "postgresql://"}}},
	{name: "one-liner", src: `app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"].replace("postgres://", "postgresql://")`,
		want: []want{{PostgresRewrite, 1, "", "", ""}}},
	{name: "re.sub", src: `url = re.sub(r"^postgres:", "postgresql:", url)`,
		want: []want{{PostgresRewrite, 1, "", "", ""}}},
	{name: "concatenation after startswith", src: "if url.startswith('postgres://'):\n    url = 'postgresql://' + url[len('postgres://'):]\n",
		want: []want{{PostgresRewrite, 2, "", "", ""}}},
	{name: "header and body without old literal", src: "if u.drivername == 'postgres':\n    u = u.set(drivername='postgresql')\n",
		want: []want{{PostgresRewrite, 1, "", "", ""}}},
	{name: "rewrite later in the block", src: "if url.startswith('postgres://'):\n    log.info('rewriting')\n    url = 'postgresql' + url[8:]\nprint('postgresql')\n",
		want: []want{{PostgresRewrite, 1, "", "", ""}}},
	{name: "new scheme after the block", src: "if url.startswith('postgres://'):\n    log.info('old')\nx = 'postgresql'\n"},
	{name: "driver suffix", src: `DATABASE_URL = DATABASE_URL.replace("postgres://", "postgresql+psycopg2://", 1)`,
		want: []want{{PostgresRewrite, 1, "", "", ""}}},
	{name: "in config class", path: "config.py", src: "class Config:\n    SQLALCHEMY_DATABASE_URI = os.environ.get('DATABASE_URL', '').replace(\n        'postgres://', 'postgresql://', 1)\n",
		want: []want{{PostgresRewrite, 2, "", "Config", ""}}},

	{name: "test only", src: `is_pg = url.startswith(("postgres://", "postgresql://"))`},
	{name: "startswith without rewrite", src: "if url.startswith('postgres://'):\n    log.warning('old scheme')\n"},
	{name: "docstring", src: "\"\"\"Rewrite postgres:// to postgresql:// because of SQLAlchemy 1.4.\"\"\"\n"},
	{name: "comment", src: `# url = url.replace("postgres://", "postgresql://", 1)`},
}

func TestPostgresRewrite(t *testing.T) { runScanCases(t, pgCases) }

var scopeCases = []scanCase{
	{name: "class then module", src: "class A:\n    SECRET_KEY = 's3cr3t-1'\n\nSECRET_KEY = 's3cr3t-2'\n",
		want: []want{{HardcodedSecret, 2, "SECRET_KEY", "A", ""}, {HardcodedSecret, 4, "SECRET_KEY", "", ""}}},
	{name: "method in class keeps class scope", src: "class A:\n    def run(self):\n        app.run(debug=True)\n",
		want: []want{{DebugRun, 3, "", "A", ""}}},
	{name: "main block with def", src: "if __name__ == '__main__':\n    def go():\n        app.run(debug=True)\n    go()\n",
		want: []want{{DebugRun, 3, "", "__main__", ""}}},
	{name: "dedent after class with comment lines", src: "class A:\n    x = 1\n# comment at column 0\n    y = 2\napp.debug = True\n",
		want: []want{{DebugRun, 5, "", "", ""}}},
	{name: "multi-line string does not end the class", src: "class A:\n    x = '''\nnot code\n'''\n    DEBUG = True\n",
		want: []want{{DebugConfig, 5, "", "A", ""}}},
	{name: "async def", src: "class A:\n    async def f(self):\n        DEBUG = True\n"},
}

func TestScopes(t *testing.T) { runScanCases(t, scopeCases) }

// allPatterns holds every pattern; test files and vendored paths holding it
// must produce nothing.
const allPatterns = `SECRET_KEY = "s3cr3t-all"
app.secret_key = os.environ.get("SECRET_KEY", "dev")
app.run(debug=True)
DEBUG = True
class ProductionConfig:
    DEBUG = True
render_template_string(tpl)
Markup(x)
CORS(app)
create_engine(u, connect_args={"sslmode": "require"})
dj_database_url.config(ssl_require=True)
url = url.replace("postgres://", "postgresql://", 1)
`

func TestIgnoredPaths(t *testing.T) {
	for _, p := range []string{
		"tests/test_app.py", "test/helpers.py", "test_app.py", "app/test_views.py", "views_test.py",
		"conftest.py", "app/tests/config.py", "venv/lib/python3.12/site-packages/flask/app.py",
		".venv/lib/x.py", ".heroku/python/lib/python3.12/site-packages/flask/app.py",
		"migrations/env.py", "migrations/versions/abc_init.py", "node_modules/x/y.py",
		"tests/templates/x.html", "README.md", "app.pyc", "static/x.html",
	} {
		t.Run(p, func(t *testing.T) {
			if got := ScanFile(p, []byte(allPatterns)); got != nil {
				t.Errorf("ScanFile(%q) = %s, want nothing", p, dump(got))
			}
		})
	}
	// The same content in an app file finds every kind.
	got := ScanFile("app.py", []byte(allPatterns))
	kinds := map[Kind]bool{}
	for _, f := range got {
		kinds[f.Kind] = true
	}
	for _, k := range []Kind{HardcodedSecret, SecretFallback, DebugRun, DebugConfig, TemplateString, MarkupSafe, CORSAll, SSLMode, SSLRequire, PostgresRewrite} {
		if !kinds[k] {
			t.Errorf("app.py: no %s finding in\n%s", k, dump(got))
		}
	}
	assertNoSecrets(t, got, []string{"dev"})
}

func TestIgnored(t *testing.T) {
	for _, tc := range []struct {
		path string
		want bool
	}{
		{"app.py", false},
		{"myapp/views.py", false},
		{"testing.py", false},
		{"contest.py", false},
		{"latest/app.py", false},
		{"test_x.py", true},
		{"a/b/tests/c.py", true},
		{"./tests/c.py", true},
		{`tests\c.py`, true},
		{"site-packages/a.py", true},
		{".git/hooks/x.py", true},
	} {
		t.Run(tc.path, func(t *testing.T) {
			if got := Ignored(tc.path); got != tc.want {
				t.Errorf("Ignored(%q) = %v, want %v", tc.path, got, tc.want)
			}
		})
	}
}

func TestScanAcrossFiles(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  []Finding
	}{
		{
			name: "CORS configured in another module",
			files: map[string]string{
				"app/__init__.py": "CORS(app)\n",
				"config.py":       "class Config:\n    CORS_ORIGINS = os.environ['CORS_ORIGINS'].split(',')\n",
			},
		},
		{
			name: "sorted by file, line, kind",
			files: map[string]string{
				"z.py":                  "app.run(debug=True)\n",
				"a.py":                  "SECRET_KEY = 's3cr3t-x'\napp.debug = True; render_template_string(t)\n",
				"templates/base.html":   "<div>\n{{ content|safe }}</div>\n",
				"tests/test_a.py":       "app.run(debug=True)\n",
				"app/templates/x.jinja": "{% filter safe %}x{% endfilter %}",
			},
			want: []Finding{
				{Kind: HardcodedSecret, File: "a.py", Line: 1, Detail: `SECRET_KEY = "<8 chars>"`, Value: "SECRET_KEY"},
				{Kind: DebugRun, File: "a.py", Line: 2, Detail: "app.debug = True"},
				{Kind: TemplateString, File: "a.py", Line: 2, Detail: "render_template_string(t)"},
				{Kind: MarkupSafe, File: "app/templates/x.jinja", Line: 1, Detail: "{% filter safe %}"},
				{Kind: MarkupSafe, File: "templates/base.html", Line: 2, Detail: "{{ content|safe }}"},
				{Kind: DebugRun, File: "z.py", Line: 1, Detail: "app.run(debug=True)"},
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			files := map[string][]byte{}
			for p, s := range tc.files {
				files[p] = []byte(s)
			}
			got := Scan(files)
			if len(got) != len(tc.want) {
				t.Fatalf("got\n%s\nwant %d findings", dump(got), len(tc.want))
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Errorf("finding %d = %+v, want %+v", i, got[i], tc.want[i])
				}
			}
		})
	}
	// Alone, the app module's CORS(app) is a finding.
	if got := ScanFile("app/__init__.py", []byte("CORS(app)\n")); len(got) != 1 || got[0].Kind != CORSAll {
		t.Errorf("ScanFile = %s, want one cors-all", dump(got))
	}
}

var templateCases = []scanCase{
	{name: "safe filter", path: "templates/post.html", src: "<h1>{{ post.title }}</h1>\n<div>{{ post.body|safe }}</div>\n",
		want: []want{{MarkupSafe, 2, "", "", "{{ post.body|safe }}"}}},
	{name: "spaced filter and chain", path: "app/templates/a.html", src: "{{ post.body | striptags | safe }}",
		want: []want{{MarkupSafe, 1, "", "", ""}}},
	{name: "whitespace control", path: "templates/a.html", src: "{{- x|safe -}}",
		want: []want{{MarkupSafe, 1, "", "", "{{ x|safe }}"}}},
	{name: "autoescape false", path: "templates/a.html", src: "x\n{% autoescape false %}{{ x }}{% endautoescape %}",
		want: []want{{MarkupSafe, 2, "", "", "{% autoescape false %}"}}},
	{name: "autoescape False with markers", path: "templates/a.html", src: "{%- autoescape False -%}",
		want: []want{{MarkupSafe, 1, "", "", ""}}},
	{name: "filter block", path: "templates/a.html", src: "{% filter upper|safe %}x{% endfilter %}",
		want: []want{{MarkupSafe, 1, "", "", "{% filter safe %}"}}},
	{name: "set with safe", path: "templates/a.html", src: "{% set body = post.body|safe %}",
		want: []want{{MarkupSafe, 1, "", "", "{% set body = post.body|safe %}"}}},
	{name: "multi-line expression", path: "templates/a.html", src: "<p>\n{{\n  x\n  |safe\n}}\n</p>",
		want: []want{{MarkupSafe, 4, "", "", ""}}},
	{name: "two in one block", path: "templates/a.html", src: "{{ a|safe ~ b|safe }}",
		want: []want{{MarkupSafe, 1, "", "", ""}, {MarkupSafe, 1, "", "", ""}}},
	{name: "after raw block", path: "templates/a.html", src: "{% raw %}{{ x|safe }}{% endraw %}\n{{ y|safe }}",
		want: []want{{MarkupSafe, 2, "", "", "y|safe"}}},

	{name: "comment", path: "templates/a.html", src: "{# {{ x|safe }} {% autoescape false %} #}"},
	{name: "string literal", path: "templates/a.html", src: `{{ "a|safe" }}{{ 'b | safe' }}`},
	{name: "plain text", path: "templates/a.html", src: "<p>use |safe with care</p>"},
	{name: "other filter", path: "templates/a.html", src: "{{ x|safeguard }}{{ x|unsafe }}"},
	{name: "autoescape true", path: "templates/a.html", src: "{% autoescape true %}{% endautoescape %}"},
	{name: "raw only", path: "templates/a.html", src: "{% raw %}{{ x|safe }}{% endraw %}"},
	{name: "unterminated", path: "templates/a.html", src: "{{ x|saf"},
	{name: "not under templates", path: "static/a.html", src: "{{ x|safe }}"},
}

func TestTemplates(t *testing.T) { runScanCases(t, templateCases) }

func TestTemplateLineNumbersCRLFAndBOM(t *testing.T) {
	src := "\xEF\xBB\xBF<p>\r\n\r\n{{ x|safe }}\r{{ y|safe }}"
	got := ScanFile("templates/a.html", []byte(src))
	if len(got) != 2 || got[0].Line != 3 || got[1].Line != 4 {
		t.Errorf("got\n%s\nwant lines 3 and 4", dump(got))
	}
}

var encodingCases = []scanCase{
	{name: "BOM", src: "\xEF\xBB\xBFSECRET_KEY = 's3cr3t-bom'\n",
		want: []want{{HardcodedSecret, 1, "SECRET_KEY", "", ""}}},
	{name: "invalid UTF-8 around", src: "# \xff\xfe\nx = '\xff'\n\xff\xfe = 1\nSECRET_KEY = '\xffs3cr3t\xfe'\n",
		want: []want{{HardcodedSecret, 4, "SECRET_KEY", "", `"<8 chars>"`}}},
	{name: "invalid UTF-8 in a name", src: "app\xff.run(debug=True)\n",
		want: []want{{DebugRun, 1, "", "", "app\uFFFD.run(debug=True)"}}},
	{name: "old Mac line endings", src: "x = 1\rif __name__ == '__main__':\r    app.run(debug=True)\r",
		want: []want{{DebugRun, 3, "", "__main__", ""}}},
	{name: "unterminated string ends at the line", src: "x = 'oops\napp.run(debug=True)\n",
		want: []want{{DebugRun, 2, "", "", ""}}},
	{name: "unterminated triple string swallows the rest", src: "x = '''oops\napp.run(debug=True)\n"},
	{name: "form feed and tabs", src: "\f\nclass A:\n\f\tDEBUG = True\n",
		want: []want{{DebugConfig, 3, "", "A", ""}}},
}

func TestEncodings(t *testing.T) { runScanCases(t, encodingCases) }

// sampleApp is a small Flask app laid out the usual way.
var sampleApp = map[string]string{
	"config.py": `import os
basedir = os.path.abspath(os.path.dirname(__file__))

class Config:
    """Base config. Never write SECRET_KEY = 'x' here."""
    SECRET_KEY = os.environ.get('SECRET_KEY') or 'hard-to-guess-s3cr3t'
    SQLALCHEMY_DATABASE_URI = os.environ.get('DATABASE_URL', '').replace(
        'postgres://', 'postgresql://', 1) or 'sqlite:///' + os.path.join(basedir, 'app.db')
    SQLALCHEMY_ENGINE_OPTIONS = {"connect_args": {"sslmode": "require"}}

class DevelopmentConfig(Config):
    DEBUG = True

class ProductionConfig(Config):
    DEBUG = False
`,
	"app/__init__.py": `from flask import Flask
from flask_cors import CORS

cors = CORS()

def create_app(config_class=Config):
    app = Flask(__name__)
    app.config.from_object(config_class)
    cors.init_app(app, resources={r"/api/*": {"origins": os.environ["ALLOWED_ORIGINS"]}})
    return app
`,
	"app/views.py": `from flask import render_template_string, request

@bp.route("/hello")
def hello():
    name = request.args.get("name", "world")
    return render_template_string("<p>Hello {{ name }}</p>", name=name)

@bp.route("/preview", methods=["POST"])
def preview():
    return render_template_string(request.form["body"])  # user-controlled template
`,
	"app/templates/post.html": "{% extends 'base.html' %}\n{% block content %}\n  {{ post.body_html | safe }}\n{% endblock %}\n",
	"wsgi.py": `from app import create_app
app = create_app()
if __name__ == "__main__":
    app.run(debug=True)
`,
	"tests/test_config.py":                   allPatterns,
	"tests/conftest.py":                      allPatterns,
	"migrations/env.py":                      allPatterns,
	".heroku/python/lib/python3.12/x.py":     allPatterns,
	"venv/lib/python3.12/site-packages/a.py": allPatterns,
}

func TestScanSampleApp(t *testing.T) {
	files := map[string][]byte{}
	for p, s := range sampleApp {
		files[p] = []byte(s)
	}
	got := Scan(files)
	want := []Finding{
		{Kind: MarkupSafe, File: "app/templates/post.html", Line: 3, Detail: "{{ post.body_html | safe }}"},
		{Kind: TemplateString, File: "app/views.py", Line: 10, Detail: `render_template_string(request.form["body"])`},
		{Kind: SecretFallback, File: "config.py", Line: 6, Value: "SECRET_KEY", Scope: "Config",
			Detail: `SECRET_KEY = os.environ.get("SECRET_KEY") or "<20 chars>"`},
		{Kind: PostgresRewrite, File: "config.py", Line: 7, Scope: "Config", Detail: "rewrites the postgres:// scheme to postgresql://"},
		{Kind: SSLMode, File: "config.py", Line: 9, Value: "require", Scope: "Config", Detail: `{"sslmode": "require"}`},
		{Kind: DebugConfig, File: "config.py", Line: 12, Scope: "DevelopmentConfig", Detail: "DEBUG = True in DevelopmentConfig"},
		{Kind: DebugRun, File: "wsgi.py", Line: 4, Scope: "__main__", Detail: `app.run(debug=True) under if __name__ == "__main__"`},
	}
	if len(got) != len(want) {
		t.Fatalf("got\n%s\nwant %d findings", dump(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("finding %d\n got %+v\nwant %+v", i, got[i], want[i])
		}
	}
	assertNoSecrets(t, got, nil)
}
