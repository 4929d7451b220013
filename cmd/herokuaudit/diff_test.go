package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"

	"github.com/herokuaudit/herokuaudit/report"
)

func TestDiffCommand(t *testing.T) {
	fx := []string{"--fixtures", fixturesDir}
	args := func(a ...string) []string { return append(append([]string{}, fx...), a...) }
	runCases(t, nil, []cliCase{
		{name: "staging against production trips on the shared SECRET_KEY",
			args: args("diff", "flask-staging", "flask-production"), wantCode: 1,
			wantOut: []string{"flask-staging → flask-production", "1 high", "SECRET_KEY", "same-secret", "fp:",
				"DATABASE_URL", "expected: managed by the heroku-postgresql", "LOG_LEVEL", "debug",
				"heroku-22", "heroku-24", "3.12.4", "web.size", "standard-2x", "web.quantity", "essential-1", "standard-0"}},
		{name: "gate at critical: nothing that risky", args: args("diff", "--fail-on", "critical", "flask-staging", "flask-production"), wantCode: 0},
		{name: "gate off", args: args("diff", "--fail-on", "none", "flask-staging", "flask-production"), wantCode: 0},
		{name: "gate at medium", args: args("diff", "--fail-on", "medium", "flask-production", "flask-staging"), wantCode: 1},
		{name: "flags before diff apply too", args: args("--format", "json", "--fail-on", "none", "diff", "flask-staging", "flask-production"),
			wantCode: 0, wantOut: []string{`"schema_version": 1`}},
		{name: "markdown", args: args("diff", "-f", "markdown", "flask-staging", "flask-production"), wantCode: 1,
			wantOut: []string{"### flask-staging → flask-production", "| high | config | `SECRET_KEY` | same-secret |"}},
		{name: "pipeline", args: args("diff", "--pipeline", "flask-shop"), wantCode: 1,
			wantOut: []string{"flask-staging → flask-production", "SECRET_KEY"}},
		{name: "unknown pipeline", args: args("diff", "--pipeline", "nope"), wantCode: 2, wantErr: `pipeline "nope": not found (or no access)`},
		{name: "pipeline and apps", args: args("diff", "--pipeline", "flask-shop", "flask-staging"), wantCode: 2, wantErr: "--pipeline takes no app names"},
		{name: "unknown app", args: args("diff", "flask-staging", "no-such-app"), wantCode: 2, wantErr: `app "no-such-app": not found`},
		{name: "one app", args: args("diff", "flask-staging"), wantCode: 2, wantErr: "diff takes two apps"},
		{name: "three apps", args: args("diff", "a", "b", "c"), wantCode: 2, wantErr: "diff takes two apps"},
		{name: "the same app twice", args: args("diff", "flask-staging", "flask-staging"), wantCode: 2, wantErr: "given twice"},
		{name: "bad format", args: args("diff", "-f", "sarif", "flask-staging", "flask-production"), wantCode: 2, wantErr: `unknown format "sarif" for diff`},
		{name: "bad gate", args: args("diff", "--fail-on", "severe", "flask-staging", "flask-production"), wantCode: 2, wantErr: "--fail-on"},
		{name: "flag after the apps", args: args("diff", "flask-staging", "flask-production", "-f", "json"), wantCode: 1, wantOut: []string{`"schema_version": 1`}},
		{name: "no credentials", args: []string{"diff", "a", "b"}, wantCode: 2, wantErr: "HEROKU_API_KEY"},
		{name: "help", args: []string{"diff", "--help"}, wantCode: 0, wantOut: []string{"EXIT CODES", "--pipeline", "fp:1a2b3c4d"}},
	})
}

func TestDiffJSON(t *testing.T) {
	code, out, _ := runCLI(t, nil, "--fixtures", fixturesDir, "diff", "-f", "json", "flask-staging", "flask-production")
	if code != 1 {
		t.Fatalf("exit %d", code)
	}
	var doc struct {
		SchemaVersion int `json:"schema_version"`
		A, B          string
		Entries       []struct{ Kind, Key, Change, Risk, Reason, A, B string }
		Diffs         []json.RawMessage
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if doc.SchemaVersion != 1 || doc.A != "flask-staging" || doc.B != "flask-production" || len(doc.Diffs) != 1 {
		t.Fatalf("head: %d %s %s %d diffs", doc.SchemaVersion, doc.A, doc.B, len(doc.Diffs))
	}
	first := doc.Entries[0]
	if first.Kind != "config" || first.Key != "SECRET_KEY" || first.Change != "same-secret" || first.Risk != "high" || first.A != first.B {
		t.Errorf("first entry = %+v", first)
	}
}

// TestDiffFingerprintsPerRun: the fingerprint key is made afresh for each
// run, so a fingerprint from one run says nothing in another.
func TestDiffFingerprintsPerRun(t *testing.T) {
	fp := func() string {
		_, out, _ := runCLI(t, nil, "--fixtures", fixturesDir, "diff", "-f", "json", "flask-staging", "flask-production")
		var doc struct{ Entries []struct{ Key, A string } }
		if err := json.Unmarshal([]byte(out), &doc); err != nil {
			t.Fatal(err)
		}
		for _, e := range doc.Entries {
			if e.Key == "SECRET_KEY" {
				return e.A
			}
		}
		t.Fatal("no SECRET_KEY entry")
		return ""
	}
	if a, b := fp(), fp(); a == b {
		t.Errorf("two runs gave the same fingerprint %s", a)
	}
}

func TestDiffNoSecretsInAnyFormat(t *testing.T) {
	markers := secretMarkers(t)
	pairs := [][]string{{"flask-staging", "flask-production"}, {"flask-insecure", "flask-secure"}, {"flask-production", "flask-insecure"}}
	for _, format := range report.DiffFormatNames() {
		for _, p := range pairs {
			t.Run(format+"/"+p[0]+"-"+p[1], func(t *testing.T) {
				_, out, errOut := runCLI(t, nil, "--fixtures", fixturesDir, "diff", "-f", format, p[0], p[1])
				if !strings.Contains(out, "fp:") {
					t.Fatalf("no fingerprint in the output: the test proves nothing\n%s", out)
				}
				for _, m := range markers {
					if strings.Contains(out, m) || strings.Contains(errOut, m) {
						t.Errorf("a secret (%d chars, starting %.4q) appears in the %s output", len(m), m, format)
					}
				}
			})
		}
	}
}

func TestDiffColour(t *testing.T) {
	for _, tc := range []struct {
		name    string
		tty     bool
		noColor string
		want    bool
	}{
		{"terminal", true, "", true},
		{"terminal with NO_COLOR", true, "1", false},
		{"pipe", false, "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			sys := system{Stdout: &out, Stderr: &bytes.Buffer{}, StdoutTTY: tc.tty,
				Getenv: func(k string) string {
					if k == "NO_COLOR" {
						return tc.noColor
					}
					return ""
				}}
			app := &cli.App{Name: "herokuaudit", Writer: &out, ErrWriter: &bytes.Buffer{},
				Flags:    []cli.Flag{&cli.StringFlag{Name: "fixtures"}, &cli.StringFlag{Name: "api-url"}},
				Commands: []*cli.Command{diffCommand(sys)}}
			_ = app.RunContext(context.Background(), []string{"herokuaudit", "--fixtures", fixturesDir, "diff", "flask-staging", "flask-production"})
			if got := strings.Contains(out.String(), "\x1b["); got != tc.want {
				t.Errorf("colour = %v, want %v", got, tc.want)
			}
		})
	}
}
