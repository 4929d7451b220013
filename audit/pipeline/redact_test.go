package pipeline

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/herokuaudit/herokuaudit/audit"
)

// leakySource fails one app with an error that quotes the token, and
// serves another whose config var a check quotes.
type leakySource struct{ token string }

func (l leakySource) Snapshot(_ context.Context, app string) (*audit.Snapshot, error) {
	if app == "broken" {
		return nil, errors.New(`app "broken": the API refused token ` + l.token)
	}
	return &audit.Snapshot{App: audit.App{Name: app}, ConfigVars: map[string]string{
		"LOG_TARGET": "https://logs.example/?k=" + app + "-value",
	}}, nil
}

// quoting is a check that quotes a config var's value everywhere output
// goes, as a careless check would.
var quoting = audit.Check{ID: "quoting", Title: "quoting", Severity: audit.High, Run: func(v *audit.View) audit.Outcome {
	val, _ := v.ConfigVar("LOG_TARGET")
	return audit.Failf("fails on %s", val).With("evidence "+val).Fix("unset %s", val)
}}

func TestAuditRedactsEveryOutput(t *testing.T) {
	const token = "tok-0123456789abcdef"
	run, err := Audit(context.Background(), leakySource{token}, Options{
		Apps: []string{"one", "two", "broken"}, Checks: []audit.Check{quoting},
		Gate: Gate{FailOn: audit.Info}, Secrets: []string{token},
	})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range run.Results {
		out = append(out, r.Error)
		for _, f := range r.Findings {
			out = append(out, f.Title, f.Message, f.Remediation)
			out = append(out, audit.Texts(f.Evidence)...)
		}
	}
	out = append(out, run.Verdict.All()...)
	out = append(out, run.Notices...)
	all := strings.Join(out, "\n")
	for _, v := range []string{token, "one-value", "two-value"} {
		if strings.Contains(all, v) {
			t.Errorf("%q reaches the output:\n%s", v, all)
		}
	}
	for _, want := range []string{"fails on <redacted: LOG_TARGET>", "refused token <redacted>"} {
		if !strings.Contains(all, want) {
			t.Errorf("output lacks %q:\n%s", want, all)
		}
	}
	if !run.Verdict.Tripped() || len(run.Verdict.Trouble) != 1 {
		t.Errorf("the verdict changed: %+v", run.Verdict)
	}
}

func TestDiffRedactsEntries(t *testing.T) {
	const token = "tok-0123456789abcdef"
	run, err := Diff(context.Background(), leakySource{token}, DiffOptions{
		Pairs: [][2]string{{"one", "two"}, {"one", "broken"}}, Checks: []audit.Check{quoting}, FailOn: audit.Info,
		Secrets: []string{token},
	})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, d := range run.Diffs {
		for _, e := range d.Entries {
			out = append(out, e.Key, e.A, e.B, e.Reason)
		}
	}
	out = append(append(out, run.Trouble...), run.Reasons...)
	all := strings.Join(out, "\n")
	for _, v := range []string{token, "one-value", "two-value"} {
		if strings.Contains(all, v) {
			t.Errorf("%q reaches the output:\n%s", v, all)
		}
	}
	if e := run.Diffs[0].Entries; len(e) == 0 || e[0].Key != "LOG_TARGET" || !strings.HasPrefix(e[0].A, "fp:") || !strings.HasPrefix(e[0].B, "fp:") || e[0].A == e[0].B {
		t.Errorf("diff values are not fingerprinted apart: %+v", e)
	}
}

// BenchmarkRedactFleet redacts the results of a fleet as Audit does, app
// by app with each app's own values: 500 apps of 40 config vars and 60
// findings each.
func BenchmarkRedactFleet(b *testing.B) {
	const apps, vars, findings = 500, 40, 60
	snaps := make([]*audit.Snapshot, apps)
	for i := range snaps {
		cv := map[string]string{}
		for j := range vars {
			cv[fmt.Sprintf("VAR_%d", j)] = fmt.Sprintf("value-%d-%d-%s", i, j, strings.Repeat("x", j))
		}
		snaps[i] = &audit.Snapshot{App: audit.App{Name: fmt.Sprintf("app-%d", i)}, ConfigVars: cv}
	}
	mk := func() []audit.Result {
		var out []audit.Result
		for i := range apps {
			r := audit.Result{App: snaps[i].App.Name}
			for j := range findings {
				r.Findings = append(r.Findings, audit.Finding{Check: "c", Title: "a title", Message: fmt.Sprintf("message %d about VAR_%d", j, j),
					Remediation: "heroku config:set X=1 -a " + r.App, Evidence: []audit.Evidence{{Text: "config var VAR_1 is set"}}})
			}
			out = append(out, r)
		}
		return out
	}
	for b.Loop() {
		b.StopTimer()
		results := mk()
		b.StartTimer()
		for i := range results {
			audit.SnapshotRedactor([]string{"tok-0123456789abcdef"}, snaps[i]).RedactResult(&results[i])
		}
	}
}
