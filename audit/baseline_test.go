package audit

import (
	"strings"
	"testing"
	"time"
)

func res(app string, fs ...Finding) Result { return Result{App: app, Findings: fs} }
func fnd(check string, st Status) Finding {
	return Finding{Check: check, Status: st, Severity: High}
}

func TestCompareBaseline(t *testing.T) {
	base := []Result{
		res("a", fnd("debug-mode", Fail), fnd("stack", Warn), fnd("secret-key", Pass)),
		res("b", fnd("debug-mode", Fail)),
		{App: "broken-then", Error: "not found"},
	}
	now := []Result{
		res("a", fnd("debug-mode", Fail), fnd("stack", Pass), fnd("secret-key", Fail)),
		{App: "b", Error: "timed out"},
		res("c", fnd("debug-mode", Warn)),
		res("broken-then", fnd("stack", Fail)),
	}
	sum := CompareBaseline(now, base)
	if want := (BaselineSummary{New: 3, Existing: 1, Fixed: 1}); sum != want {
		t.Errorf("summary = %+v, want %+v", sum, want)
	}
	for _, tc := range []struct {
		app, check, want string
	}{
		{"a", "debug-mode", BaselineExisting},
		{"a", "secret-key", BaselineNew},
		{"a", "stack", ""}, // a pass has no baseline status
		{"c", "debug-mode", BaselineNew},
		{"broken-then", "stack", BaselineNew},
	} {
		t.Run(tc.app+"/"+tc.check, func(t *testing.T) {
			for _, r := range now {
				for _, f := range r.Findings {
					if r.App == tc.app && f.Check == tc.check && f.Baseline != tc.want {
						t.Errorf("baseline = %q, want %q", f.Baseline, tc.want)
					}
				}
			}
		})
	}
	if len(now[0].Fixed) != 1 || now[0].Fixed[0].Check != "stack" {
		t.Errorf("a fixed = %+v, want stack", now[0].Fixed)
	}
	if len(now[1].Fixed) != 0 {
		t.Error("an app that could not be audited fixes nothing")
	}
}

func TestParseSuppressions(t *testing.T) {
	tests := []struct {
		name, yaml, err string
		n               int
	}{
		{name: "empty file", yaml: "", n: 0},
		{name: "valid", yaml: "suppressions:\n  - check: dyno-tier\n    apps: ['*-staging']\n    reason: staging may sleep\n    expires: 2027-01-31\n  - check: edge-protection\n    reason: behind Cloudflare\n", n: 2},
		{name: "no reason", yaml: "suppressions:\n  - check: dyno-tier\n", err: "a reason is required"},
		{name: "unknown check", yaml: "suppressions:\n  - check: debug\n    reason: x\n", err: `unknown check "debug"`},
		{name: "unknown key", yaml: "suppressions:\n  - check: dyno-tier\n    reason: x\n    app: y\n", err: `4: unknown field "app" (did you mean apps?)`},
		{name: "expire for expires", yaml: "suppressions:\n  - check: dyno-tier\n    reason: x\n    expire: 2027-01-31\n", err: `4: unknown field "expire" (did you mean expires?)`},
		{name: "a top-level typo", yaml: "suppresions:\n  - check: dyno-tier\n", err: `1: unknown field "suppresions" (did you mean suppressions?)`},
		{name: "a check ID typo", yaml: "suppressions:\n  - check: dyno-teir\n    reason: x\n", err: `2: suppression 1: unknown check "dyno-teir" (did you mean dyno-tier?)`},
		{name: "bad date", yaml: "suppressions:\n  - check: dyno-tier\n    reason: x\n    expires: 31/01/2027\n", err: "4: suppression 1 (dyno-tier): expires \"31/01/2027\" is not a YYYY-MM-DD date"},
		{name: "bad glob", yaml: "suppressions:\n  - check: dyno-tier\n    reason: x\n    apps: ['[']\n", err: "bad app pattern"},
		{name: "not yaml", yaml: "suppressions: [", err: "not a suppressions file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rules, err := ParseSuppressions([]byte(tt.yaml))
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want %q", err, tt.err)
				}
				if strings.Contains(err.Error(), "\n") {
					t.Errorf("error spans lines: %q", err)
				}
				return
			}
			if err != nil || len(rules) != tt.n {
				t.Fatalf("got %d rules, %v; want %d", len(rules), err, tt.n)
			}
		})
	}
}

func TestApplySuppressions(t *testing.T) {
	rules := []Suppression{
		{Check: "dyno-tier", Apps: []string{"*-staging"}, Reason: "staging may sleep", Expires: "2026-11-29"},
		{Check: "edge-protection", Reason: "behind a CDN"},
		{Check: "stack", Reason: "migrating", Expires: "2026-11-01"},
	}
	results := []Result{
		res("shop-staging", fnd("dyno-tier", Warn), fnd("edge-protection", Warn), fnd("stack", Fail)),
		res("shop", fnd("dyno-tier", Warn), fnd("edge-protection", Pass)),
	}
	// the last day of a rule still counts
	lastDay := time.Date(2026, 11, 29, 23, 0, 0, 0, time.UTC)
	expired := ApplySuppressions(results, rules, lastDay)
	if len(expired) != 1 || expired[0].Check != "stack" {
		t.Errorf("expired = %+v, want the stack rule", expired)
	}
	want := map[string]bool{"shop-staging/dyno-tier": true, "shop-staging/edge-protection": true}
	for _, r := range results {
		for _, f := range r.Findings {
			if got := f.Suppressed != nil; got != want[r.App+"/"+f.Check] {
				t.Errorf("%s/%s suppressed = %v", r.App, f.Check, got)
			}
		}
	}
	if s := results[0].Findings[0].Suppressed; s.Reason != "staging may sleep" || s.Expires != "2026-11-29" {
		t.Errorf("suppressed = %+v", s)
	}
	// the day after, the staging rule has expired too
	fresh := []Result{res("shop-staging", fnd("dyno-tier", Warn))}
	if expired := ApplySuppressions(fresh, rules, lastDay.Add(2*time.Hour)); len(expired) != 2 || fresh[0].Findings[0].Suppressed != nil {
		t.Errorf("after expiry: expired %d rules, finding suppressed %v", len(expired), fresh[0].Findings[0].Suppressed)
	}
}

func TestSharedSecret(t *testing.T) {
	key := []byte("run-key")
	mk := func(name string, vars map[string]string) *Snapshot {
		return &Snapshot{App: App{Name: name}, ConfigVars: vars}
	}
	shared := "FIXTURESECRET-9f86d081884c7d659a2feaa0c55ad015"
	dbURL := "postgres://u:FIXTURESECRETpw@db.example.com/x"
	staging := mk("shop-staging", map[string]string{"SECRET_KEY": shared, "DATABASE_URL": dbURL, "LOG_LEVEL": "debug", "SHORT_TOKEN": "abc"})
	prod := mk("shop", map[string]string{"SECRET_KEY": "FIXTURESECRET-other-value-entirely-0000", "OLD_SECRET_KEY": shared, "LOG_LEVEL": "debug", "SHORT_TOKEN": "abc"})
	other := mk("blog", map[string]string{"ANALYTICS_DB": dbURL})
	alone := mk("alone", map[string]string{"SECRET_KEY": shared})
	LinkSharedSecrets([]*Snapshot{staging, prod, other, nil}, key)

	for _, tc := range []struct {
		s      *Snapshot
		status Status
		ev     []string
	}{
		{staging, Fail, []string{"config var DATABASE_URL has the same value as blog's ANALYTICS_DB", "config var SECRET_KEY has the same value as shop's OLD_SECRET_KEY"}},
		{prod, Fail, []string{"config var OLD_SECRET_KEY has the same value as shop-staging's SECRET_KEY"}},
		{other, Fail, []string{"config var ANALYTICS_DB has the same value as shop-staging's DATABASE_URL"}},
		{alone, Skip, nil},
	} {
		t.Run(tc.s.App.Name, func(t *testing.T) {
			f := Audit(tc.s, []Check{sharedSecret}).Findings[0]
			if f.Status != tc.status {
				t.Fatalf("status = %s (%s)", f.Status, f.Message)
			}
			if strings.Join(Texts(f.Evidence), "\n") != strings.Join(tc.ev, "\n") {
				t.Errorf("evidence = %q, want %q", f.Evidence, tc.ev)
			}
			for _, text := range append([]string{f.Message, f.Remediation}, Texts(f.Evidence)...) {
				if strings.Contains(text, "FIXTURESECRET") {
					t.Errorf("a secret value appears: %q", text)
				}
			}
		})
	}
	// no sharing among the others: a pass, with the number compared
	clean := []*Snapshot{mk("a", map[string]string{"SECRET_KEY": shared}), mk("b", map[string]string{"SECRET_KEY": dbURL})}
	LinkSharedSecrets(clean, key)
	if f := Audit(clean[0], []Check{sharedSecret}).Findings[0]; f.Status != Pass || !strings.Contains(f.Message, "1 other app") {
		t.Errorf("clean = %s %q", f.Status, f.Message)
	}
}

// The same app named twice holds the same values, but shares nothing with
// another app.
func TestSharedSecretSameAppTwice(t *testing.T) {
	a, b := base(), base()
	LinkSharedSecrets([]*Snapshot{a, b}, []byte("k"))
	f := Audit(a, []Check{sharedSecret}).Findings[0]
	if f.Status == Fail {
		t.Errorf("shared-secret = %s %q: an app was compared with itself", f.Status, f.Message)
	}
}
