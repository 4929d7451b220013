package pipeline

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/herokuaudit/herokuaudit/audit"
)

// mapSource serves snapshots built in the test and counts the fetches.
type mapSource struct {
	mu    sync.Mutex
	snaps map[string]func() *audit.Snapshot
	calls map[string]int
}

func (m *mapSource) Snapshot(_ context.Context, app string) (*audit.Snapshot, error) {
	m.mu.Lock()
	m.calls[app]++
	m.mu.Unlock()
	mk, ok := m.snaps[app]
	if !ok {
		return nil, errors.New(`app "` + app + `": not found (or no access)`)
	}
	return mk(), nil
}

// secretApp shares SECRET_KEY with any other app made by it.
func secretApp(name string) func() *audit.Snapshot {
	return func() *audit.Snapshot {
		return &audit.Snapshot{App: audit.App{Name: name}, ConfigVars: map[string]string{"SECRET_KEY": "k9Vq2xL7pR4sT8wY1zB6nM3cF5hJ0dG"}}
	}
}

// check builds a one-check catalog entry with a fixed outcome.
func check(id string, sev audit.Severity, o audit.Outcome) audit.Check {
	return audit.Check{ID: id, Title: id, Severity: sev, Run: func(*audit.View) audit.Outcome { return o }}
}

func finding(id string, st audit.Status, sev audit.Severity) audit.Finding {
	return audit.Finding{Check: id, Status: st, Severity: sev}
}

func TestGateWeigh(t *testing.T) {
	newFail := finding("debug-mode", audit.Fail, audit.Critical)
	newFail.Baseline = audit.BaselineNew
	oldFail := finding("stack", audit.Fail, audit.High)
	oldFail.Baseline = audit.BaselineExisting
	suppressedErr := finding("secret-key", audit.Error, audit.Critical)
	suppressedErr.Suppressed = &audit.Suppressed{Reason: "known"}
	for _, tc := range []struct {
		name          string
		gate          Gate
		results       []audit.Result
		trouble, why  []string
		trippedAtZero bool
	}{
		{name: "an app that could not be fetched is trouble",
			gate:    Gate{FailOn: audit.High},
			results: []audit.Result{audit.Failed("x", errors.New(`app "x": 403 forbidden`))},
			trouble: []string{`app "x": 403 forbidden`}},
		{name: "an error that does not name the app gets it",
			gate:    Gate{FailOn: audit.High},
			results: []audit.Result{audit.Failed("x", errors.New("timeout"))},
			trouble: []string{"x: timeout"}},
		{name: "a check in error at the gate is trouble",
			gate:    Gate{FailOn: audit.High},
			results: []audit.Result{{App: "a", Findings: []audit.Finding{finding("stack", audit.Error, audit.High)}}},
			trouble: []string{"stack could not run on a (high, at or above --fail-on high): "}},
		{name: "a check in error below the gate is not",
			gate:    Gate{FailOn: audit.High},
			results: []audit.Result{{App: "a", Findings: []audit.Finding{finding("sql-echo", audit.Error, audit.Medium)}}}},
		{name: "a suppressed check in error is not",
			gate:    Gate{FailOn: audit.High},
			results: []audit.Result{{App: "a", Findings: []audit.Finding{suppressedErr}}}},
		{name: "with the gate off nothing trips",
			gate:    Gate{FailOn: -1},
			results: []audit.Result{{App: "a", Findings: []audit.Finding{finding("stack", audit.Error, audit.High), newFail}}}},
		{name: "fails at or above the gate, each named",
			gate:    Gate{FailOn: audit.High},
			results: []audit.Result{{App: "a", Findings: []audit.Finding{newFail, oldFail, finding("sql-echo", audit.Fail, audit.Medium), finding("x", audit.Warn, audit.Critical)}}},
			why:     []string{"debug-mode failed (critical) on a", "stack failed (high) on a"}},
		{name: "only new problems with OnlyNew",
			gate:    Gate{FailOn: audit.High, OnlyNew: true},
			results: []audit.Result{{App: "a", Findings: []audit.Finding{newFail, oldFail}}},
			why:     []string{"debug-mode failed (critical) on a"}},
		{name: "a score under the floor",
			gate:    Gate{FailOn: -1, FailUnder: 80},
			results: []audit.Result{{App: "a", Score: 79}, {App: "b", Score: 80}},
			why:     []string{"a scored 79 < --fail-under 80"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := tc.gate.weigh(tc.results)
			if !slices.Equal(v.Trouble, tc.trouble) {
				t.Errorf("trouble = %q, want %q", v.Trouble, tc.trouble)
			}
			if !slices.Equal(v.Reasons, tc.why) {
				t.Errorf("reasons = %q, want %q", v.Reasons, tc.why)
			}
			if v.Tripped() != (len(tc.trouble)+len(tc.why) > 0) {
				t.Errorf("tripped = %v", v.Tripped())
			}
		})
	}
}

func TestAuditRun(t *testing.T) {
	pass := check("c", audit.High, audit.Passf("fine"))
	src := func() *mapSource {
		return &mapSource{calls: map[string]int{}, snaps: map[string]func() *audit.Snapshot{
			"a": secretApp("a"), "b": secretApp("b"),
		}}
	}

	t.Run("an app named twice is fetched and audited once", func(t *testing.T) {
		s := src()
		run, err := Audit(context.Background(), s, Options{Apps: []string{"a", "a"}, Checks: []audit.Check{pass}})
		if err != nil {
			t.Fatal(err)
		}
		if len(run.Results) != 1 || s.calls["a"] != 1 {
			t.Errorf("%d results, %d fetches", len(run.Results), s.calls["a"])
		}
	})

	t.Run("two apps share a secret, one app does not share with itself", func(t *testing.T) {
		shared := audit.Catalog()
		i := slices.IndexFunc(shared, func(c audit.Check) bool { return c.ID == "shared-secret" })
		for _, tc := range []struct {
			apps []string
			want audit.Status
		}{{[]string{"a", "b"}, audit.Fail}, {[]string{"a", "a"}, audit.Skip}} {
			run, err := Audit(context.Background(), src(), Options{Apps: tc.apps, Checks: shared[i : i+1]})
			if err != nil {
				t.Fatal(err)
			}
			if got := run.Results[0].Findings[0].Status; got != tc.want {
				t.Errorf("%v: shared-secret %s, want %s", tc.apps, got, tc.want)
			}
		}
	})

	t.Run("a failed app does not take the others down", func(t *testing.T) {
		run, err := Audit(context.Background(), src(), Options{Apps: []string{"a", "gone", "b"}, Checks: []audit.Check{pass},
			Gate: Gate{FailOn: audit.High}})
		if err != nil {
			t.Fatal(err)
		}
		if run.Results[0].Grade != "A" || run.Results[1].Error == "" || run.Results[2].Grade != "A" {
			t.Errorf("results = %+v", run.Results)
		}
		if len(run.Verdict.Trouble) != 1 || !strings.Contains(run.Verdict.Trouble[0], `"gone"`) {
			t.Errorf("trouble = %q", run.Verdict.Trouble)
		}
	})

	t.Run("the first night: no baseline, every problem new, said once", func(t *testing.T) {
		fail := check("c", audit.High, audit.Outcome{Status: audit.Fail, Message: "bad"})
		run, err := Audit(context.Background(), src(), Options{Apps: []string{"a"}, Checks: []audit.Check{fail},
			HasBaseline: true, Gate: Gate{FailOn: audit.High, OnlyNew: true}})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(run.Notices, "no baseline yet: every finding is new") {
			t.Errorf("notices = %q", run.Notices)
		}
		if run.Baseline == nil || run.Baseline.New != 1 || len(run.Verdict.Reasons) != 1 {
			t.Errorf("baseline %+v, reasons %q", run.Baseline, run.Verdict.Reasons)
		}
	})

	t.Run("a checkout alone, with the reader's notices", func(t *testing.T) {
		files := &audit.Files{Origin: "dir", Entries: map[string][]byte{"Procfile": []byte("web: gunicorn app:app\n")},
			Notices: []string{"git could not list the checkout: every file was read"}}
		run, err := Audit(context.Background(), nil, Options{Checkout: files, CheckoutName: "co", Checks: []audit.Check{pass}})
		if err != nil {
			t.Fatal(err)
		}
		if len(run.Results) != 1 || run.Results[0].App != "co" || !slices.Equal(run.Notices, files.Notices) {
			t.Errorf("results %+v, notices %q", run.Results, run.Notices)
		}
	})

	t.Run("an expired suppression is a notice", func(t *testing.T) {
		rules := []audit.Suppression{{Check: "c", Reason: "old", Expires: "2020-01-01"}}
		run, err := Audit(context.Background(), src(), Options{Apps: []string{"a"}, Checks: []audit.Check{pass},
			Suppressions: rules, Now: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)})
		if err != nil {
			t.Fatal(err)
		}
		if len(run.Notices) != 1 || !strings.Contains(run.Notices[0], "expired on 2020-01-01") {
			t.Errorf("notices = %q", run.Notices)
		}
	})

	t.Run("apps and no source is a programming error, not a panic", func(t *testing.T) {
		if _, err := Audit(context.Background(), nil, Options{Apps: []string{"a"}}); err == nil {
			t.Error("no error")
		}
	})
}

// TestSlowChecksCostOneApp: an app whose checks do not finish within the
// per-app timeout is an error naming the timeout; the other app is whole.
func TestSlowChecksCostOneApp(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	slow := audit.Check{ID: "slow", Title: "slow", Severity: audit.Low, Run: func(v *audit.View) audit.Outcome {
		if v.App().Name == "a" {
			<-release // stands for a check that hostile input made slow
		}
		return audit.Passf("fine")
	}}
	s := &mapSource{calls: map[string]int{}, snaps: map[string]func() *audit.Snapshot{"a": secretApp("a"), "b": secretApp("b")}}
	run, err := Audit(context.Background(), s, Options{Apps: []string{"a", "b"}, Checks: []audit.Check{slow},
		Timeout: 50 * time.Millisecond, Gate: Gate{FailOn: audit.High}})
	if err != nil {
		t.Fatal(err)
	}
	if e := run.Results[0].Error; !strings.Contains(e, "a: the checks did not finish within 50ms") {
		t.Errorf("slow app: error %q", e)
	}
	if r := run.Results[1]; r.Error != "" || r.Grade != "A" {
		t.Errorf("the other app: %+v", r)
	}
	if len(run.Verdict.Trouble) != 1 {
		t.Errorf("trouble = %q", run.Verdict.Trouble)
	}
}

// TestProvisioningAddonIsNoted: an add-on still provisioning is said in
// the run's notices, named with its app.
func TestProvisioningAddonIsNoted(t *testing.T) {
	s := &mapSource{calls: map[string]int{}, snaps: map[string]func() *audit.Snapshot{"a": func() *audit.Snapshot {
		snap := secretApp("a")()
		snap.Addons = []audit.Addon{{Name: "pg-1", Plan: "heroku-postgresql:standard-0", State: "provisioning"}, {Name: "pg-0", Plan: "heroku-postgresql:essential-0", State: "provisioned"}}
		return snap
	}}}
	run, err := Audit(context.Background(), s, Options{Apps: []string{"a"}, Checks: []audit.Check{}})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(run.Notices, []string{"a: add-on pg-1 (heroku-postgresql:standard-0) is still provisioning"}) {
		t.Errorf("notices = %q", run.Notices)
	}
}

// TestOneLookupPerRun: the advisory lookup is asked once, with every app's
// inventory, however many apps the run has: an online lookup then batches
// the whole fleet's distinct package-versions.
func TestOneLookupPerRun(t *testing.T) {
	snaps := map[string]func() *audit.Snapshot{}
	var apps []string
	for i := range 500 {
		name := fmt.Sprintf("app-%03d", i)
		apps = append(apps, name)
		snaps[name] = func() *audit.Snapshot {
			s := secretApp(name)()
			s.Files = &audit.Files{Origin: "slug", Entries: map[string][]byte{}, Installed: []audit.Dist{{Name: "Werkzeug", Version: "2.2.2", Path: "sp/w"}}}
			return s
		}
	}
	calls, seen := 0, 0
	lookup := func(_ context.Context, invs [][]audit.Package) ([]*audit.Vulns, error) {
		calls++
		seen = len(invs)
		out := make([]*audit.Vulns, len(invs))
		for i, inv := range invs {
			out[i] = &audit.Vulns{Source: "test", Checked: inv, Matches: []audit.VulnMatch{{Package: inv[0], Advisories: []audit.Advisory{{ID: "GHSA-2g68-c3qc-8985", Severity: "high"}}}}}
		}
		return out, nil
	}
	vulnsCheck, _ := audit.Lookup("dependency-vulns")
	run, err := Audit(context.Background(), &mapSource{calls: map[string]int{}, snaps: snaps},
		Options{Apps: apps, Checks: []audit.Check{vulnsCheck}, Vulns: lookup})
	if err != nil {
		t.Fatal(err)
	}
	if calls != 1 || seen != 500 {
		t.Errorf("%d lookups over %d inventories, want 1 over 500", calls, seen)
	}
	if f := run.Results[7].Findings[0]; f.Status != audit.Fail {
		t.Errorf("app-007: %s %q", f.Status, f.Message)
	}
	if len(run.Vulnerabilities) != 1 || len(run.Vulnerabilities[0].Apps) != 500 {
		t.Errorf("rollup = %+v", run.Vulnerabilities)
	}
}

// TestPackagesKeptOnce: the run keeps each distinct package once; an app's
// inventory comes back as it was, in its order.
func TestPackagesKeptOnce(t *testing.T) {
	var pk packages
	a := []audit.Package{{Name: "flask", Version: "2.2.2", Source: "installed: x"}, {Name: "werkzeug", Version: "2.2.2", Source: "installed: y"}}
	b := []audit.Package{{Name: "werkzeug", Version: "2.2.2", Source: "installed: y"}, {Name: "flask", Version: "3.1.0", Source: "requirements.txt:1"}}
	ia, ib := pk.add(a), pk.add(b)
	if len(pk.all) != 3 || ia[1] != ib[0] {
		t.Errorf("kept %v, indexes %v %v", pk.all, ia, ib)
	}
	if got := pk.list(ia); !reflect.DeepEqual(got, a) {
		t.Errorf("a back as %v", got)
	}
	if got := pk.list(ib); !reflect.DeepEqual(got, b) {
		t.Errorf("b back as %v", got)
	}
	if got := pk.list(pk.add(nil)); len(got) != 0 {
		t.Errorf("empty back as %v", got)
	}
}
