package audit

import (
	"net/url"
	"strings"
	"testing"
)

func TestRedactor(t *testing.T) {
	vars := map[string]string{
		"LOG_TARGET":   "https://logs.example/?token=abc123XYZ",
		"PASSWORD_ISH": "p@ss w/rd:secret!",
		"LONG":         "abcdefgh12345678",
		"INNER":        "efgh1234",     // inside LONG
		"TAIL":         "5678zzzzqqqq", // overlaps LONG's end
		"MULTI":        "line one here\n  line two here  ",
		"DEBUG":        "true",           // a boolean
		"FLASK_ENV":    "production",     // a common word
		"WORKERS":      "16",             // short
		"BIG":          "123456789",      // a number
		"PIN_LIKE":     "12345678901234", // a long digit string is hidden
		"SHORT":        "abc1234",        // 7 bytes
		"SAME_AS_NAME": "SAME_AS_NAME",   // the name is the value
		"APP":          "",
	}
	r := NewRedactor(vars, []string{"tok-0123456789abcdef"})
	tests := []struct {
		name, in, want string
	}{
		{"no value", "web runs gunicorn", "web runs gunicorn"},
		{"one occurrence", "logs go to https://logs.example/?token=abc123XYZ now",
			"logs go to <redacted: LOG_TARGET> now"},
		{"every occurrence", "https://logs.example/?token=abc123XYZ and https://logs.example/?token=abc123XYZ",
			"<redacted: LOG_TARGET> and <redacted: LOG_TARGET>"},
		{"inside a URL", "postgres://u:p@ss w/rd:secret!@h/db", "postgres://u:<redacted: PASSWORD_ISH>@h/db"},
		{"query-encoded", "https://h/?next=" + url.QueryEscape("p@ss w/rd:secret!"), "https://h/?next=<redacted: PASSWORD_ISH>"},
		{"path-encoded", "https://h/" + url.PathEscape("p@ss w/rd:secret!"), "https://h/<redacted: PASSWORD_ISH>"},
		{"userinfo-encoded", (&url.URL{Scheme: "redis", User: url.UserPassword("u", "p@ss w/rd:secret!"), Host: "h"}).String(),
			"redis://u:<redacted: PASSWORD_ISH>@h"},
		{"lower-case escapes", "x=" + strings.ToLower(url.QueryEscape("p@ss w/rd:secret!")), "x=<redacted: PASSWORD_ISH>"},
		{"encoded value inside an encoded URL", url.QueryEscape("https://logs.example/?token=abc123XYZ"), "<redacted: LOG_TARGET>"},
		{"a value inside another", "abcdefgh12345678", "<redacted: LONG>"},
		{"the inner value alone", "x efgh1234 y", "x <redacted: INNER> y"},
		{"overlapping values leave no part", "abcdefgh12345678zzzzqqqq", "<redacted: LONG, TAIL>"},
		{"adjacent values", "abcdefgh123456785678zzzzqqqq", "<redacted: LONG><redacted: TAIL>"},
		{"multi-line value, collapsed", "line one here line two here", "<redacted: MULTI>"},
		{"multi-line value, a line", "got: line two here", "got: <redacted: MULTI>"},
		{"quoted", `value "p@ss w/rd:secret!"`, `value "<redacted: PASSWORD_ISH>"`},
		{"extra secret has no name", "Bearer tok-0123456789abcdef", "Bearer <redacted>"},
		{"booleans stay", "SESSION_COOKIE_SECURE is true", "SESSION_COOKIE_SECURE is true"},
		{"common words stay", "the production app", "the production app"},
		{"short values stay", "16 workers, abc1234", "16 workers, abc1234"},
		{"numbers stay", "123456789 bytes", "123456789 bytes"},
		{"long digit strings go", "pin 12345678901234", "pin <redacted: PIN_LIKE>"},
		{"a name holding the value is not said", "SAME_AS_NAME", "<redacted>"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := r.Redact(tt.in)
			if got != tt.want {
				t.Errorf("Redact(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestRedactorNeverShowsAValue plants each value in text, in each form,
// and checks that no redactable value survives, in its own marker least of
// all.
func TestRedactorNeverShowsAValue(t *testing.T) {
	vars := map[string]string{
		"A":                     "alpha-value-1",
		"ALPHA_VALUE_1_HOLDER":  "ALPHA_VALUE_1",
		"B":                     "alpha-value-1-and-more",
		"C":                     "{\"k\": \"v w\"}\n",
		"X_alpha-value-1_NAMED": "something-else-9",
	}
	r := NewRedactor(vars, []string{"the-api-token-xyz"})
	for name, v := range vars {
		for _, form := range []string{v, url.QueryEscape(v), url.PathEscape(v), strings.TrimSpace(v)} {
			out := r.Redact("[" + form + "] and " + name)
			for _, w := range vars {
				if strings.Contains(out, strings.TrimSpace(w)) {
					t.Errorf("%s: %q still shows %q", name, out, w)
				}
			}
		}
	}
	if out := r.Redact("the-api-token-xyz"); strings.Contains(out, "xyz") {
		t.Errorf("token shown: %q", out)
	}
}

func TestRedactorFingerprints(t *testing.T) {
	a := SnapshotRedactor(nil, &Snapshot{App: App{Name: "a"}, ConfigVars: map[string]string{"LOG_TARGET": "https://one.example/x"}})
	b := SnapshotRedactor(nil, &Snapshot{App: App{Name: "b"}, ConfigVars: map[string]string{"LOG_TARGET": "https://two.example/x"}})
	key := []byte("0123456789abcdef0123456789abcdef")
	fa := a.WithFingerprints(key).Redact("https://one.example/x")
	fb := b.WithFingerprints(key).Redact("https://two.example/x")
	if !strings.HasPrefix(fa, "<redacted: LOG_TARGET fp:") || fa == fb {
		t.Errorf("fingerprints %q and %q", fa, fb)
	}
	if got := a.Redact("https://one.example/x"); got != "<redacted: LOG_TARGET>" {
		t.Errorf("without a key: %q", got)
	}
}

func TestSnapshotRedactorKeepsAppNames(t *testing.T) {
	s := &Snapshot{App: App{Name: "flask-production"},
		ConfigVars: map[string]string{"HEROKU_APP_NAME": "flask-production", "X": "another-value", "GCONF": "gunicorn.conf.py"},
		Files:      &Files{Entries: map[string][]byte{"gunicorn.conf.py": nil}}}
	r := SnapshotRedactor([]string{"tok-abcdefgh1234"}, s, nil)
	if got := r.Redact("heroku config:set X=1 -a flask-production"); got != "heroku config:set X=1 -a flask-production" {
		t.Errorf("app name hidden: %q", got)
	}
	if got := r.Redact("timeout 20 (from config file gunicorn.conf.py)"); got != "timeout 20 (from config file gunicorn.conf.py)" {
		t.Errorf("file path hidden: %q", got)
	}
	if got := r.Redact("another-value tok-abcdefgh1234"); got != "<redacted: X> <redacted>" {
		t.Errorf("got %q", got)
	}
}

func TestRedactResult(t *testing.T) {
	r := NewRedactor(map[string]string{"LOG_TARGET": "https://logs.example/?token=abc"}, nil)
	v := "https://logs.example/?token=abc"
	res := Result{App: "app", Error: "fetch " + v, Findings: []Finding{{
		Check: "c", Title: "t " + v, Message: "m " + v, Remediation: "r " + v,
		Evidence:   []Evidence{{Text: "e " + v, File: v, ConfigVar: "LOG_TARGET", Process: v}},
		Suppressed: &Suppressed{Reason: "because " + v},
	}}, Fixed: []Finding{{Message: v}}}
	orig := res.Findings[0].Evidence
	r.RedactResult(&res)
	f := res.Findings[0]
	for _, s := range []string{res.Error, f.Title, f.Message, f.Remediation, f.Evidence[0].Text, f.Evidence[0].File,
		f.Evidence[0].Process, f.Suppressed.Reason, res.Fixed[0].Message} {
		if strings.Contains(s, "token=abc") || !strings.Contains(s, "<redacted: LOG_TARGET>") {
			t.Errorf("not redacted: %q", s)
		}
	}
	if orig[0].Text != "e "+v {
		t.Error("the evidence was changed in place: shared slices must be copied")
	}
	d := Diff{A: "a", B: "b", Entries: []DiffEntry{{Key: "LOG_TARGET", A: v, B: "", Reason: "only a has " + v}}}
	r.RedactDiff(&d)
	if e := d.Entries[0]; e.A != "<redacted: LOG_TARGET>" || strings.Contains(e.Reason, "token") || e.Key != "LOG_TARGET" {
		t.Errorf("diff entry %+v", e)
	}
}
