package pysrc

import (
	"bytes"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"
)

var allCases = [][]scanCase{
	hardcodedCases, fallbackCases, debugRunCases, debugConfigCases, templateStringCases,
	markupCases, corsCases, sslCases, pgCases, scopeCases, templateCases, encodingCases, debugInCallCases,
}

// fuzzPaths are the kinds of file a fuzz input is scanned as.
var fuzzPaths = []string{"app.py", "config.py", "templates/index.html"}

var maskedSecret = regexp.MustCompile(`b?"<\d+ (chars?|bytes?)>"`)

func FuzzScanFile(f *testing.F) {
	for _, cases := range allCases {
		for _, tc := range cases {
			f.Add(uint8(0), []byte(tc.src))
			if strings.HasSuffix(tc.path, ".html") {
				f.Add(uint8(2), []byte(tc.src))
			}
		}
	}
	f.Add(uint8(0), []byte(allPatterns))
	f.Add(uint8(1), []byte(allPatterns))
	f.Add(uint8(0), []byte(configClasses+"config = {'default': DevelopmentConfig}\napp.config.from_object(config[os.getenv('FLASK_CONFIG', 'default')])\n"))
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		p := fuzzPaths[int(which)%len(fuzzPaths)]
		got := ScanFile(p, data)
		checkInvariants(t, p, data, got)
		if !reflect.DeepEqual(got, ScanFile(p, data)) {
			t.Fatalf("ScanFile is not deterministic")
		}
		// Line endings do not matter: \n and \r\n give the same findings.
		if !bytes.ContainsRune(data, '\r') {
			crlf := ScanFile(p, bytes.ReplaceAll(data, []byte("\n"), []byte("\r\n")))
			if !reflect.DeepEqual(got, crlf) {
				t.Fatalf("CRLF changes findings:\n%s\nvs\n%s", dump(got), dump(crlf))
			}
		}
	})
}

func checkInvariants(t *testing.T, p string, data []byte, got []Finding) {
	t.Helper()
	lines := 1 + bytes.Count(data, []byte("\n")) + bytes.Count(data, []byte("\r"))
	if !sort.SliceIsSorted(got, func(i, j int) bool {
		if got[i].Line != got[j].Line {
			return got[i].Line < got[j].Line
		}
		return got[i].Kind < got[j].Kind
	}) {
		t.Errorf("not sorted:\n%s", dump(got))
	}
	for _, g := range got {
		if g.File != p || g.Line < 1 || g.Line > lines {
			t.Errorf("bad position %+v (file has %d lines)", g, lines)
		}
		if !utf8.ValidString(g.Detail) || utf8.RuneCountInString(g.Detail) > maxDetail || g.Detail == "" {
			t.Errorf("bad detail %q", g.Detail)
		}
		switch g.Kind {
		case HardcodedSecret, SecretFallback:
			// The value must be named and the literal masked.
			if !secretNames[g.Value] || !maskedSecret.MatchString(g.Detail) {
				t.Errorf("secret finding without a masked literal: %+v", g)
			}
		case SSLMode:
			if !validMode(g.Value) {
				t.Errorf("bad sslmode %+v", g)
			}
		case DebugDefaultConfig:
			if g.Value != "" && !envName.MatchString(g.Value) {
				t.Errorf("bad selecting variable %+v", g)
			}
		case DebugEnvDefault, DebugEnvRaw:
			if !envName.MatchString(g.Value) {
				t.Errorf("bad variable %+v", g)
			}
		case DebugRun, DebugConfig, TemplateString, MarkupSafe, CORSAll, SSLRequire, PostgresRewrite:
			if g.Value != "" {
				t.Errorf("unexpected value %+v", g)
			}
		default:
			t.Errorf("unknown kind %+v", g)
		}
	}
}

// TestLargeInputs scans hostile 1 MiB files; each must stay fast (the scan
// is linear) and keep the invariants.
func TestLargeInputs(t *testing.T) {
	const size = 1 << 20
	fill := func(unit string) []byte {
		return bytes.Repeat([]byte(unit), size/len(unit))
	}
	tests := []struct {
		name string
		path string
		data []byte
	}{
		{"open brackets", "app.py", fill("(")},
		{"unclosed calls", "app.py", fill("a(")},
		{"nested calls", "app.py", append(fill("f("), fill(")")[:size/2]...)},
		{"nested kwargs", "app.py", fill("f(SECRET_KEY=")},
		{"nested dicts", "app.py", fill(`{"SECRET_KEY": `)},
		{"nested lists as origins", "app.py", append([]byte("CORS(app, origins="), fill("[")...)},
		{"many statements", "app.py", fill("app.run(debug=True)\n")},
		{"many secrets", "config.py", fill("SECRET_KEY = os.environ.get('SECRET_KEY', 'x')\n")},
		{"deep f-strings", "app.py", fill(`f"{`)},
		{"long string", "app.py", append([]byte("SECRET_KEY = '"), fill("a")...)},
		{"for for for", "app.py", fill("for ")},
		{"deep indentation", "app.py", fill("class A:\n    ")},
		{"long line of names", "app.py", fill("a.")},
		{"template blocks", "templates/a.html", fill("{{ x|safe }}")},
		{"unclosed template blocks", "templates/a.html", fill("{%")},
		{"raw blocks", "templates/a.html", fill("{% raw %}{%")},
		{"template strings", "templates/a.html", fill(`{{ "`)},
		{"backslashes", "app.py", fill("\\\n")},
		{"invalid UTF-8", "app.py", fill("\xff\xfe(")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// correctness only: speed is BenchmarkScanFile's business
			got := ScanFile(tc.path, tc.data)
			checkInvariants(t, tc.path, tc.data, got)
		})
	}
}

// BenchmarkScanFile scans about 1 MiB of ordinary Flask code.
func BenchmarkScanFile(b *testing.B) {
	unit := "import os\nfrom flask import Flask, render_template_string, request\n\napp = Flask(__name__)\n" +
		"app.config['SECRET_KEY'] = os.environ['SECRET_KEY']\n\n@app.route('/hello')\ndef hello():\n" +
		"    \"\"\"Say hello.\"\"\"\n    name = request.args.get('name', 'world')  # default\n" +
		"    return render_template_string('<p>{{ n }}</p>', n=name)\n\n"
	src := []byte(strings.Repeat(unit, (1<<20)/len(unit)))
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		ScanFile("app.py", src)
	}
}
