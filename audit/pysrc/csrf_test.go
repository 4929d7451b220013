package pysrc

import (
	"path"
	"strings"
	"testing"
)

// csrfCases: the code's own config turning Flask-WTF's CSRF protection off,
// with the class it is in (a TestingConfig is the tests' business).
var csrfCases = []scanCase{
	{name: "module-level assignment in a config module", path: "config.py",
		src:  "WTF_CSRF_ENABLED = False\n",
		want: []want{{kind: CSRFOff, line: 1, value: "WTF_CSRF_ENABLED"}}},
	{name: "in a config class, with its scope", path: "config.py",
		src:  "class Config:\n    SECRET_KEY = None\n\nclass TestingConfig(Config):\n    WTF_CSRF_ENABLED = False\n",
		want: []want{{kind: CSRFOff, line: 5, value: "WTF_CSRF_ENABLED", scope: "TestingConfig"}}},
	{name: "app.config subscript",
		src:  "app = Flask(__name__)\napp.config['WTF_CSRF_ENABLED'] = False\n",
		want: []want{{kind: CSRFOff, line: 2, value: "WTF_CSRF_ENABLED"}}},
	{name: "the old name, to update()",
		src:  "app.config.update(CSRF_ENABLED=False, DEBUG=False)\n",
		want: []want{{kind: CSRFOff, line: 1, value: "CSRF_ENABLED"}}},
	{name: "a dict to from_mapping",
		src:  "app.config.from_mapping({\n    'SECRET_KEY': os.environ['SECRET_KEY'],\n    'WTF_CSRF_ENABLED': 0,\n})\n",
		want: []want{{kind: CSRFOff, line: 3, value: "WTF_CSRF_ENABLED"}}},
	{name: "left on, or from the environment",
		src: "app.config['WTF_CSRF_ENABLED'] = True\napp.config.update(WTF_CSRF_ENABLED=os.getenv('CSRF', '1') == '1')\n" +
			"settings.WTF_CSRF_ENABLED = False\n"},
}

func TestCSRFOff(t *testing.T) { runScanCases(t, csrfCases) }

// TestCleanPath: the fast path agrees with path.Clean on every shape.
func TestCleanPath(t *testing.T) {
	for _, p := range []string{"a/b.py", "a/./b.py", "a/../b.py", "a/.", "a/..", "./a", "/a", "a/", "a//b", `a\b.py`, ".", "..", "", "a/.hidden/b.py", ".env"} {
		want := strings.TrimPrefix(path.Clean("/"+strings.ReplaceAll(p, `\`, "/")), "/")
		if got := cleanPath(p); got != want {
			t.Errorf("cleanPath(%q) = %q, want %q", p, got, want)
		}
	}
}
