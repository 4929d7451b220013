package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/herokuaudit/herokuaudit/audit"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// The results below are built by hand, not by the catalog, so these tests
// pin the renderers and nothing else.

func scored(app string, fs []audit.Finding) audit.Result {
	score, grade := audit.Score(fs)
	return audit.Result{App: app, Score: score, Grade: grade, Findings: fs}
}

func cleanApp() audit.Result {
	return scored("shop-prod", []audit.Finding{
		{Check: "debug-mode", Status: audit.Pass, Severity: audit.Critical, Title: "Debug mode is off",
			Message: "DEBUG and FLASK_DEBUG are unset; the web command has no --reload", Evidence: []audit.Evidence{}},
		{Check: "secret-key", Status: audit.Pass, Severity: audit.Critical, Title: "SECRET_KEY is strong",
			Message: "SECRET_KEY is set: 64 characters, high entropy", Evidence: evs("config var SECRET_KEY")},
		{Check: "web-server", Status: audit.Pass, Severity: audit.High, Title: "A production web server",
			Message: "web runs gunicorn", Evidence: evs("formation web: gunicorn app:app")},
		{Check: "postgres-ssl", Status: audit.Skip, Severity: audit.High, Title: "Postgres over TLS",
			Message: "no Postgres add-on or URL", Evidence: []audit.Evidence{}},
	})
}

func mixedApp() audit.Result {
	return scored("shop-staging", []audit.Finding{
		{Check: "debug-mode", Status: audit.Fail, Severity: audit.Critical, Title: "Debug mode is off",
			Message:     "FLASK_DEBUG is truthy: the Werkzeug debugger runs in production",
			Evidence:    evs("config var FLASK_DEBUG is truthy"),
			Remediation: "heroku config:unset FLASK_DEBUG -a shop-staging"},
		{Check: "secret-key", Status: audit.Pass, Severity: audit.Critical, Title: "SECRET_KEY is strong",
			Message: "SECRET_KEY is set: 64 characters, high entropy", Evidence: evs("config var SECRET_KEY")},
		{Check: "web-server", Status: audit.Fail, Severity: audit.High, Title: "A production web server",
			Message: "web runs the Flask development server",
			Evidence: evs(
				"Procfile line 1: web: flask run --host=0.0.0.0 --port=$PORT",
				"slug process_types: web",
			),
			Remediation: "serve the app with gunicorn; in the Procfile:\nweb: gunicorn app:app"},
		{Check: "gunicorn-workers", Status: audit.Skip, Severity: audit.Medium, Title: "Gunicorn workers fit the dyno",
			Message: "web does not run gunicorn", Evidence: []audit.Evidence{}},
		{Check: "postgres-ssl", Status: audit.Warn, Severity: audit.High, Title: "Postgres over TLS",
			Message: "Heroku Postgres with sslmode set nowhere visible: Heroku advises requiring TLS in code " +
				"(sslmode=require), since DATABASE_URL is rotated and edits to it do not last",
			Evidence:    evs("add-on heroku-postgresql:essential-0 (DATABASE_URL)"),
			Remediation: "create_engine(url, connect_args={\"sslmode\": \"require\"})"},
		{Check: "stack", Status: audit.Error, Severity: audit.High, Title: "A supported stack",
			Message: "app unavailable: 503 from the Platform API", Evidence: []audit.Evidence{}},
		{Check: "log-drain", Status: audit.Warn, Severity: audit.Low, Title: "Logs leave the platform",
			Message: "no log drain and no logging add-on", Evidence: []audit.Evidence{}},
		{Check: "dependency-pins", Status: audit.Warn, Severity: audit.Medium, Title: "Dependencies are pinned",
			Message:  "see https://devcenter.example/articles/python-pip-and-requirements-files-and-lock-files-in-depth-2026 for lock files",
			Evidence: evs("requirements.txt: flask", "requirements.txt: sqlalchemy>=2")},
	})
}

func midApp() audit.Result {
	return scored("blog", []audit.Finding{
		{Check: "debug-mode", Status: audit.Pass, Severity: audit.Critical, Title: "Debug mode is off",
			Message: "DEBUG is unset", Evidence: []audit.Evidence{}},
		{Check: "session-cookies", Status: audit.Fail, Severity: audit.Medium, Title: "Session cookies are locked down",
			Message: "SESSION_COOKIE_SECURE is set falsy", Evidence: evs("config var SESSION_COOKIE_SECURE"),
			Remediation: "heroku config:unset SESSION_COOKIE_SECURE -a blog"},
		{Check: "web-server", Status: audit.Pass, Severity: audit.High, Title: "A production web server",
			Message: "web runs gunicorn", Evidence: []audit.Evidence{}},
	})
}

func failedApp() audit.Result {
	return audit.Failed("legacy-api", errors.New("fetching app: 404 not_found: Couldn't find that app."))
}

func sampleChecks() []audit.Check {
	return []audit.Check{
		{ID: "debug-mode", Title: "Debug mode is off in production", Severity: audit.Critical,
			Rationale: "Flask's debug mode serves the Werkzeug debugger, which runs arbitrary Python for " +
				"anyone who can trigger an error, and shows full tracebacks with local variables.",
			Remediation: "Unset DEBUG and FLASK_DEBUG (heroku config:unset DEBUG FLASK_DEBUG -a APP) and drop " +
				"--reload from the gunicorn command.",
			Needs: []audit.Part{audit.PartConfig, audit.PartFormation, audit.PartFiles}},
		{ID: "stack", Title: "The app runs on a supported stack", Severity: audit.High,
			Rationale: "Stacks past end of life get no security updates.", Remediation: "heroku stack:set heroku-24 -a APP",
			Needs: []audit.Part{audit.PartApp}},
		{ID: "log-drain", Title: "Logs are kept somewhere", Severity: audit.Low},
	}
}

// golden compares got with testdata/NAME.golden, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./report -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (run with -update if the change is meant):\n--- got ---\n%s\n--- want ---\n%s", path, got, want)
	}
}

func render(t *testing.T, format string, r Report) []byte {
	t.Helper()
	rd, err := Lookup(format)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := rd.Render(&b, r); err != nil {
		t.Fatalf("render %s: %v", format, err)
	}
	return b.Bytes()
}

func TestGolden(t *testing.T) {
	tool := Tool{Name: "herokuaudit", Version: "1.2.3"}
	fleet := []audit.Result{cleanApp(), mixedApp(), failedApp(), midApp()}
	cases := []struct {
		name   string
		output func(t *testing.T) []byte
	}{
		{"table_clean", func(t *testing.T) []byte {
			return render(t, "table", Report{Tool: tool, Results: []audit.Result{cleanApp()}})
		}},
		{"table_mixed", func(t *testing.T) []byte {
			return render(t, "table", Report{Tool: tool, Results: []audit.Result{mixedApp()}})
		}},
		{"table_mixed_color", func(t *testing.T) []byte {
			return render(t, "table", Report{Tool: tool, Results: []audit.Result{mixedApp()}, Color: true})
		}},
		{"table_app_error", func(t *testing.T) []byte {
			return render(t, "table", Report{Tool: tool, Results: []audit.Result{failedApp()}})
		}},
		{"table_fleet", func(t *testing.T) []byte {
			return render(t, "table", Report{Tool: tool, Results: fleet})
		}},
		{"table_fleet_details", func(t *testing.T) []byte {
			return render(t, "table", Report{Tool: tool, Results: fleet, Details: true})
		}},
		{"table_fleet_color", func(t *testing.T) []byte {
			return render(t, "table", Report{Tool: tool, Results: fleet, Color: true})
		}},
		{"table_none", func(t *testing.T) []byte {
			return render(t, "table", Report{Tool: tool})
		}},
		{"json_fleet", func(t *testing.T) []byte {
			return render(t, "json", Report{Tool: tool, Results: fleet, Color: true})
		}},
		{"catalog_table", func(t *testing.T) []byte {
			var b bytes.Buffer
			if err := RenderCatalog(&b, "table", sampleChecks(), false); err != nil {
				t.Fatal(err)
			}
			return b.Bytes()
		}},
		{"catalog_json", func(t *testing.T) []byte {
			var b bytes.Buffer
			if err := RenderCatalog(&b, "json", sampleChecks(), true); err != nil {
				t.Fatal(err)
			}
			return b.Bytes()
		}},
		{"explain", func(t *testing.T) []byte {
			var b bytes.Buffer
			if err := Explain(&b, sampleChecks()[0]); err != nil {
				t.Fatal(err)
			}
			return b.Bytes()
		}},
		{"explain_undocumented", func(t *testing.T) []byte {
			var b bytes.Buffer
			if err := Explain(&b, sampleChecks()[2]); err != nil {
				t.Fatal(err)
			}
			return b.Bytes()
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { golden(t, c.name, c.output(t)) })
	}
}

// TestTableLayout asserts the properties the golden files show, so a careless
// -update cannot quietly lose them.
func TestTableLayout(t *testing.T) {
	fleet := []audit.Result{cleanApp(), mixedApp(), failedApp(), midApp()}
	cases := []struct {
		name    string
		r       Report
		want    []string // substrings, in this order
		notWant []string
	}{
		{
			name: "one app",
			r:    Report{Results: []audit.Result{mixedApp()}},
			want: []string{
				"shop-staging  score ", "  grade F\n",
				"CHECK", "STATUS", "SEVERITY", "MESSAGE",
				"debug-mode", "secret-key", "web-server", "gunicorn-workers", "postgres-ssl", "stack", "log-drain",
				"  ✗ debug-mode: config var FLASK_DEBUG is truthy\n    fix: heroku config:unset FLASK_DEBUG -a shop-staging\n",
				"  ✗ web-server:\n      Procfile line 1:",
				"    fix: serve the app with gunicorn; in the Procfile:\n         web: gunicorn app:app\n",
				"  ? stack: app unavailable: 503 from the Platform API\n",
				"  ! log-drain: no log drain",
				"2 failed, 3 warnings, 1 passed, 1 skipped, 1 error\n",
			},
			notWant: []string{"\x1b[", "✗ secret-key", "gunicorn-workers:"},
		},
		{
			name:    "app that could not be audited",
			r:       Report{Results: []audit.Result{failedApp()}},
			want:    []string{"legacy-api  error: fetching app: 404 not_found: Couldn't find that app.\n"},
			notWant: []string{"CHECK", "score"},
		},
		{
			name: "fleet worst first, no details",
			r:    Report{Results: fleet},
			want: []string{
				"APP", "GRADE", "SCORE", "CRITICAL", "HIGH", "MEDIUM", "WORST",
				"legacy-api", "error: fetching app",
				"shop-staging", "debug-mode: FLASK_DEBUG is truthy",
				"blog", "session-cookies:",
				"shop-prod",
			},
			notWant: []string{"MESSAGE", "fix:"},
		},
		{
			name: "fleet with details",
			r:    Report{Results: fleet, Details: true},
			want: []string{
				"WORST",
				"legacy-api  error:",
				"shop-staging  score ", "fix: heroku config:unset FLASK_DEBUG",
				"blog  score ",
				"shop-prod  score 100/100  grade A\n",
			},
		},
		{
			name: "colour",
			r:    Report{Results: []audit.Result{mixedApp()}, Color: true},
			want: []string{
				"grade \x1b[31mF\x1b[0m",
				"\x1b[31mfail\x1b[0m", "\x1b[32mpass\x1b[0m", "\x1b[2mskip\x1b[0m", "\x1b[33mwarn\x1b[0m", "\x1b[35merror\x1b[0m",
			},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out := string(render(t, "table", c.r))
			rest := out
			for _, w := range c.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("output lacks %q (in order) in:\n%s", w, out)
				}
				rest = rest[i+len(w):]
			}
			for _, nw := range c.notWant {
				if strings.Contains(out, nw) {
					t.Errorf("output contains %q:\n%s", nw, out)
				}
			}
			for line := range strings.Lines(out) {
				line = strings.TrimSuffix(line, "\n")
				if strings.HasSuffix(line, " ") {
					t.Errorf("trailing blank on line %q", line)
				}
				if n := len([]rune(ansiRE(line))); n > 120 {
					t.Errorf("line of %d columns: %q", n, line)
				}
			}
		})
	}
}

// ansiRE strips the colour codes this package writes, to measure a line.
func ansiRE(s string) string {
	for {
		i := strings.Index(s, "\x1b[")
		if i < 0 {
			return s
		}
		j := strings.IndexByte(s[i:], 'm')
		if j < 0 {
			return s
		}
		s = s[:i] + s[i+j+1:]
	}
}

func TestFleetOrderLeavesInputAlone(t *testing.T) {
	in := []audit.Result{cleanApp(), mixedApp(), failedApp(), midApp()}
	before := slices.Clone(in)
	_ = render(t, "table", Report{Results: in})
	for i := range in {
		if in[i].App != before[i].App {
			t.Fatalf("Render reordered the caller's results: %q at %d, was %q", in[i].App, i, before[i].App)
		}
	}
}

func TestWorstFirst(t *testing.T) {
	r := func(app, grade string, score int, errMsg string) audit.Result {
		return audit.Result{App: app, Grade: grade, Score: score, Error: errMsg}
	}
	cases := []struct {
		name string
		in   []audit.Result
		want []string
	}{
		{"errors first", []audit.Result{r("a", "A", 95, ""), r("b", "-", 0, "boom")}, []string{"b", "a"}},
		{"grade before score", []audit.Result{r("capped", "C", 88, ""), r("low", "D", 62, ""), r("f", "F", 91, "")}, []string{"f", "low", "capped"}},
		{"score within a grade", []audit.Result{r("b85", "B", 85, ""), r("b81", "B", 81, "")}, []string{"b81", "b85"}},
		{"name breaks ties", []audit.Result{r("zeta", "A", 100, ""), r("alpha", "A", 100, ""), r("err2", "-", 0, "x"), r("err1", "-", 0, "y")}, []string{"err1", "err2", "alpha", "zeta"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got []string
			for _, res := range worstFirst(c.in) {
				got = append(got, res.App)
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}
}

func TestWorstFail(t *testing.T) {
	fs := []audit.Finding{
		{Check: "a", Status: audit.Warn, Severity: audit.Critical},
		{Check: "b", Status: audit.Fail, Severity: audit.Medium},
		{Check: "c", Status: audit.Fail, Severity: audit.High},
		{Check: "d", Status: audit.Fail, Severity: audit.High},
		{Check: "e", Status: audit.Error, Severity: audit.Critical},
	}
	cases := []struct {
		name   string
		in     []audit.Finding
		want   string
		wantOK bool
	}{
		{"most severe fail, first among equals", fs, "c", true},
		{"warns and errors are not failures", fs[:1], "", false},
		{"none", nil, "", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, ok := worstFail(c.in)
			if ok != c.wantOK || f.Check != c.want {
				t.Errorf("got %q %v, want %q %v", f.Check, ok, c.want, c.wantOK)
			}
		})
	}
}

// TestJSONKeys pins the contract: the exact key set at every level.
func TestJSONKeys(t *testing.T) {
	out := render(t, "json", Report{
		Tool:    Tool{Name: "herokuaudit", Version: "1.2.3"},
		Color:   true, // JSON has no colour, whatever the caller asks
		Details: true,
		Results: []audit.Result{mixedApp(), failedApp(), {App: "nil-evidence", Grade: "A", Score: 100, Findings: []audit.Finding{{Check: "x", Status: audit.Pass}}}},
	})
	if !bytes.HasSuffix(out, []byte("}\n")) || !bytes.HasPrefix(out, []byte("{\n  \"schema_version\": 1,\n")) {
		t.Errorf("want 2-space indented JSON ending in a newline, got:\n%s", out)
	}
	if bytes.Contains(out, []byte("\x1b")) {
		t.Errorf("JSON output contains an escape sequence:\n%s", out)
	}
	var doc map[string]any
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	keys := func(t *testing.T, where string, v any, want ...string) map[string]any {
		t.Helper()
		m, ok := v.(map[string]any)
		if !ok {
			t.Fatalf("%s: want an object, got %T", where, v)
		}
		var got []string
		for k := range m {
			got = append(got, k)
		}
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%s keys: got %v, want %v", where, got, want)
		}
		return m
	}
	keys(t, "top", doc, "schema_version", "tool", "apps")
	if doc["schema_version"] != float64(1) {
		t.Errorf("schema_version = %v, want 1", doc["schema_version"])
	}
	tool := keys(t, "tool", doc["tool"], "name", "version")
	if tool["name"] != "herokuaudit" || tool["version"] != "1.2.3" {
		t.Errorf("tool = %v", tool)
	}
	apps, ok := doc["apps"].([]any)
	if !ok || len(apps) != 3 {
		t.Fatalf("apps: want 3, got %v", doc["apps"])
	}
	for i, a := range apps {
		app := keys(t, "app", a, "app", "score", "grade", "error", "findings")
		findings, ok := app["findings"].([]any)
		if !ok {
			t.Fatalf("app %d: findings is %T, want an array", i, app["findings"])
		}
		for _, f := range findings {
			// evidence_detail is additive to schema 1: the places the evidence names
			if m, ok := f.(map[string]any); ok {
				if d, ok := m["evidence_detail"].([]any); ok {
					if ev, _ := m["evidence"].([]any); len(ev) != len(d) {
						t.Errorf("evidence_detail has %d entries for %d evidence lines", len(d), len(ev))
					}
					delete(m, "evidence_detail")
				}
			}
			fm := keys(t, "finding", f, "check", "status", "severity", "title", "message", "evidence", "remediation")
			if _, ok := fm["evidence"].([]any); !ok {
				t.Errorf("app %d finding %v: evidence is %T, want an array", i, fm["check"], fm["evidence"])
			}
			if _, ok := fm["severity"].(string); !ok {
				t.Errorf("severity is %T, want a name", fm["severity"])
			}
		}
	}
	if e := apps[0].(map[string]any)["error"]; e != "" {
		t.Errorf("error of an audited app = %v, want \"\"", e)
	}
	if e := apps[1].(map[string]any)["error"]; e == "" {
		t.Error("error of a failed app is empty")
	}
}

func TestJSONEmpty(t *testing.T) {
	out := string(render(t, "json", Report{}))
	for _, want := range []string{`"apps": []`, `"name": "herokuaudit"`} {
		if !strings.Contains(out, want) {
			t.Errorf("want %s in:\n%s", want, out)
		}
	}
}

// TestJSONRoundTrip: what goes in comes back out, field for field, so the
// JSON carries exactly what findings carry and nothing else.
func TestJSONRoundTrip(t *testing.T) {
	in := []audit.Result{cleanApp(), mixedApp(), failedApp(), midApp()}
	out := render(t, "json", Report{Results: in})
	var doc struct {
		Apps []audit.Result `json:"apps"`
	}
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(doc.Apps, in) {
		t.Errorf("round trip changed the results:\ngot  %+v\nwant %+v", doc.Apps, in)
	}
}

func TestCatalogJSONKeys(t *testing.T) {
	var b bytes.Buffer
	if err := RenderCatalog(&b, "json", sampleChecks(), false); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		SchemaVersion int              `json:"schema_version"`
		Checks        []map[string]any `json:"checks"`
		Scoring       string           `json:"scoring"`
	}
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.SchemaVersion != 1 || doc.Scoring != audit.ScoringRule || len(doc.Checks) != 3 {
		t.Fatalf("got %+v", doc)
	}
	for _, c := range doc.Checks {
		var got []string
		for k := range c {
			got = append(got, k)
		}
		slices.Sort(got)
		if want := []string{"checklist", "id", "rationale", "reads", "remediation", "severity", "title"}; !slices.Equal(got, want) {
			t.Errorf("check keys %v, want %v", got, want)
		}
		if _, ok := c["reads"].([]any); !ok {
			t.Errorf("%v: reads is %T, want an array", c["id"], c["reads"])
		}
	}
}

func TestRegistry(t *testing.T) {
	if got, want := FormatNames(), []string{"table", "json", "markdown", "sarif", "junit"}; !slices.Equal(got, want) {
		t.Errorf("FormatNames() = %v, want %v", got, want)
	}
	for _, f := range Formats() {
		t.Run(f.Name, func(t *testing.T) {
			if f.Description == "" {
				t.Error("no description")
			}
			rd, err := Lookup(f.Name)
			if err != nil {
				t.Fatal(err)
			}
			var b bytes.Buffer
			if err := rd.Render(&b, Report{Results: []audit.Result{mixedApp()}}); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(b.String(), "shop-staging") {
				t.Errorf("%s output lacks the app name:\n%s", f.Name, b.String())
			}
		})
	}
	t.Run("unknown", func(t *testing.T) {
		_, err := Lookup("xml")
		if err == nil || err.Error() != `unknown format "xml" (want table, json, markdown, sarif or junit)` {
			t.Errorf("got %v", err)
		}
	})
	t.Run("catalog unknown", func(t *testing.T) {
		err := RenderCatalog(&bytes.Buffer{}, "xml", nil, false)
		if err == nil || !strings.Contains(err.Error(), "(want table or json)") {
			t.Errorf("got %v", err)
		}
	})
}

func TestJoinOr(t *testing.T) {
	cases := []struct {
		in   []string
		want string
	}{
		{nil, "nothing"},
		{[]string{"table"}, "table"},
		{[]string{"table", "json"}, "table or json"},
		{[]string{"table", "json", "sarif"}, "table, json or sarif"},
	}
	for _, c := range cases {
		t.Run(c.want, func(t *testing.T) {
			if got := joinOr(c.in); got != c.want {
				t.Errorf("got %q", got)
			}
		})
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriteErrors(t *testing.T) {
	r := Report{Results: []audit.Result{mixedApp()}}
	cases := []struct {
		name string
		run  func() error
	}{
		{"table", func() error { return tableRenderer{}.Render(failingWriter{}, r) }},
		{"json", func() error { return jsonRenderer{}.Render(failingWriter{}, r) }},
		{"markdown", func() error { return markdownRenderer{}.Render(failingWriter{}, r) }},
		{"sarif", func() error { return sarifRenderer{}.Render(failingWriter{}, r) }},
		{"junit", func() error { return junitRenderer{}.Render(failingWriter{}, r) }},
		{"catalog", func() error { return RenderCatalog(failingWriter{}, "table", sampleChecks(), false) }},
		{"explain", func() error { return Explain(failingWriter{}, sampleChecks()[0]) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if err := c.run(); err == nil || !strings.Contains(err.Error(), "disk full") {
				t.Errorf("got %v, want the writer's error", err)
			}
		})
	}
}
