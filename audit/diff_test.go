package audit_test

import (
	"context"
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/herokuaudit/herokuaudit/audit"
	"github.com/herokuaudit/herokuaudit/heroku"
)

const diffFixtures = "../fixtures"

var (
	diffKey = []byte("0123456789abcdef0123456789abcdef")
	fpRe    = regexp.MustCompile(`^fp:[0-9a-f]{8}$`)
)

// fixtureSnapshot reads one fixture app through the real client over the
// in-process fake API, as `--fixtures` does.
func fixtureSnapshot(t *testing.T, app string) (*audit.Snapshot, audit.Result) {
	t.Helper()
	c, err := heroku.NewFixtures(diffFixtures, heroku.Options{UserAgent: "herokuaudit-test"})
	if err != nil {
		t.Fatal(err)
	}
	s, err := c.Snapshot(context.Background(), app)
	if err != nil {
		t.Fatalf("snapshot %s: %v", app, err)
	}
	return s, audit.Audit(s, audit.Catalog())
}

// find returns the entry of a kind and key, if any.
func find(d audit.Diff, kind, key string) (audit.DiffEntry, bool) {
	for _, e := range d.Entries {
		if e.Kind == kind && e.Key == key {
			return e, true
		}
	}
	return audit.DiffEntry{}, false
}

type wantEntry struct {
	kind, key, change string
	risk              audit.Severity
	a, b              string // "" to skip; "fp" for a fingerprint
	reason            string // a substring of the reason
}

func checkEntry(t *testing.T, d audit.Diff, w wantEntry) {
	t.Helper()
	e, ok := find(d, w.kind, w.key)
	if !ok {
		t.Fatalf("no %s entry for %q in\n%s", w.kind, w.key, dump(d))
	}
	if e.Change != w.change || e.Risk != w.risk {
		t.Errorf("%s %s: change %s risk %s, want %s %s (reason %q)", w.kind, w.key, e.Change, e.Risk, w.change, w.risk, e.Reason)
	}
	for _, side := range []struct{ got, want, name string }{{e.A, w.a, "A"}, {e.B, w.b, "B"}} {
		switch {
		case side.want == "":
		case side.want == "fp":
			if !fpRe.MatchString(side.got) {
				t.Errorf("%s %s: %s = %q, want a fingerprint", w.kind, w.key, side.name, side.got)
			}
		case side.got != side.want:
			t.Errorf("%s %s: %s = %q, want %q", w.kind, w.key, side.name, side.got, side.want)
		}
	}
	if !strings.Contains(e.Reason, w.reason) {
		t.Errorf("%s %s: reason %q lacks %q", w.kind, w.key, e.Reason, w.reason)
	}
	if strings.Contains(e.Reason, "\n") || e.Reason == "" {
		t.Errorf("%s %s: reason must be one line: %q", w.kind, w.key, e.Reason)
	}
}

func dump(d audit.Diff) string {
	b, _ := json.MarshalIndent(d, "", "  ")
	return string(b)
}

func TestCompareStagingProduction(t *testing.T) {
	sa, ra := fixtureSnapshot(t, "flask-staging")
	sb, rb := fixtureSnapshot(t, "flask-production")
	d := audit.Compare(sa, sb, ra, rb, diffKey)
	if d.A != "flask-staging" || d.B != "flask-production" {
		t.Fatalf("apps = %s, %s", d.A, d.B)
	}
	for _, w := range []wantEntry{
		{audit.DiffConfig, "SECRET_KEY", audit.ChangeSameSecret, audit.High, "fp", "fp", "sign with the same key"},
		{audit.DiffConfig, "DATABASE_URL", audit.ChangeChanged, audit.Info, "fp", "fp", "expected: managed by the heroku-postgresql add-on"},
		{audit.DiffConfig, "REDIS_URL", audit.ChangeChanged, audit.Info, "fp", "fp", "expected"},
		{audit.DiffConfig, "PAPERTRAIL_API_TOKEN", audit.ChangeChanged, audit.Info, "fp", "fp", "expected"},
		{audit.DiffConfig, "RATELIMIT_STORAGE_URI", audit.ChangeChanged, audit.Info, "fp", "fp", "its own value"},
		{audit.DiffConfig, "STRIPE_SECRET_KEY", audit.ChangeChanged, audit.Info, "fp", "fp", "its own value"},
		{audit.DiffConfig, "LOG_LEVEL", audit.ChangeChanged, audit.Low, "debug", "info", "flask-staging logs at debug level"},
		{audit.DiffConfig, "FEATURE_NEW_CHECKOUT", audit.ChangeOnlyInA, audit.Medium, "true", "", "flask-production lacks"},
		{audit.DiffStack, "stack", audit.ChangeChanged, audit.Low, "heroku-22", "heroku-24", "flask-staging runs an older stack"},
		{audit.DiffPython, "python", audit.ChangeChanged, audit.Medium, "3.12 (.python-version)", "3.12.4 (.python-version)", "3.12 builds 3.12.14"},
		{audit.DiffProcess, "web.size", audit.ChangeChanged, audit.Info, "standard-1x", "standard-2x", "bigger dynos"},
		{audit.DiffProcess, "web.quantity", audit.ChangeChanged, audit.Info, "1", "3", "more web dynos"},
		{audit.DiffProcess, "worker.quantity", audit.ChangeChanged, audit.Info, "0", "1", "more worker dynos"},
		{audit.DiffAddon, "heroku-postgresql", audit.ChangeChanged, audit.Info, "essential-1", "standard-0", "bigger plan"},
		{audit.DiffAddon, "heroku-redis", audit.ChangeChanged, audit.Info, "mini", "premium-0", "bigger plan"},
		{audit.DiffAddon, "papertrail", audit.ChangeChanged, audit.Low, "choklad", "fixa", "plans differ"},
		{audit.DiffAddon, "expeditedwaf", audit.ChangeOnlyInB, audit.Low, "", "basic", "only flask-production"},
		{audit.DiffCheck, "stack", audit.ChangeChanged, audit.Info, "warn", "pass", "better in flask-production"},
	} {
		t.Run(w.kind+"/"+w.key, func(t *testing.T) { checkEntry(t, d, w) })
	}

	t.Run("the shared SECRET_KEY shows one fingerprint on both sides", func(t *testing.T) {
		e, _ := find(d, audit.DiffConfig, "SECRET_KEY")
		if e.A != e.B {
			t.Errorf("fingerprints %s and %s differ for one value", e.A, e.B)
		}
		db, _ := find(d, audit.DiffConfig, "DATABASE_URL")
		if db.A == db.B {
			t.Errorf("different values share fingerprint %s", db.A)
		}
	})
	t.Run("equal non-secret values are not differences", func(t *testing.T) {
		for _, k := range []string{"FLASK_APP", "SESSION_COOKIE_SECURE", "web.command", "region", "heroku/python"} {
			for _, e := range d.Entries {
				if e.Key == k {
					t.Errorf("unexpected entry %+v", e)
				}
			}
		}
	})
	t.Run("features", func(t *testing.T) {
		var got []string
		for _, e := range d.Entries {
			if e.Kind == audit.DiffFeature {
				got = append(got, e.Key+" "+e.Change)
			}
		}
		// staging: runtime-dyno-metadata, log-runtime-metrics; production: runtime-dyno-metadata, preboot
		if want := []string{"log-runtime-metrics only-in-a", "preboot only-in-b"}; !slices.Equal(got, want) {
			t.Errorf("feature entries = %v, want %v", got, want)
		}
	})
	t.Run("sorted by risk, then kind, then key", func(t *testing.T) {
		if d.Entries[0].Key != "SECRET_KEY" {
			t.Errorf("first entry = %s, want SECRET_KEY", d.Entries[0].Key)
		}
		kinds := []string{audit.DiffConfig, audit.DiffAddon, audit.DiffProcess, audit.DiffStack, audit.DiffPython,
			audit.DiffBuildpack, audit.DiffRegion, audit.DiffFeature, audit.DiffCheck}
		for i := 1; i < len(d.Entries); i++ {
			p, e := d.Entries[i-1], d.Entries[i]
			switch {
			case p.Risk < e.Risk:
				t.Errorf("entry %d (%s) is riskier than entry %d (%s)", i, e.Risk, i-1, p.Risk)
			case p.Risk == e.Risk && slices.Index(kinds, p.Kind) > slices.Index(kinds, e.Kind):
				t.Errorf("kind %s sorted before %s", p.Kind, e.Kind)
			case p.Risk == e.Risk && p.Kind == e.Kind && p.Key > e.Key:
				t.Errorf("key %s sorted before %s", p.Key, e.Key)
			}
		}
	})
	t.Run("no secret value in any entry", func(t *testing.T) {
		assertNoSecrets(t, d, sa, sb)
	})
	t.Run("reversed: production's newer platform is older on the B side", func(t *testing.T) {
		r := audit.Compare(sb, sa, rb, ra, diffKey)
		checkEntry(t, r, wantEntry{audit.DiffStack, "stack", audit.ChangeChanged, audit.Medium, "heroku-24", "heroku-22", "flask-staging runs an older stack"})
		checkEntry(t, r, wantEntry{audit.DiffPython, "python", audit.ChangeChanged, audit.Low, "", "", "flask-production builds an older Python"})
		checkEntry(t, r, wantEntry{audit.DiffAddon, "heroku-postgresql", audit.ChangeChanged, audit.Medium, "", "", "smaller plan"})
		checkEntry(t, r, wantEntry{audit.DiffAddon, "expeditedwaf", audit.ChangeOnlyInA, audit.Medium, "", "", "flask-staging has no expeditedwaf"})
		checkEntry(t, r, wantEntry{audit.DiffCheck, "log-level", audit.ChangeChanged, audit.Low, "pass", "warn", "log-level: warn in flask-staging, pass in flask-production"})
		checkEntry(t, r, wantEntry{audit.DiffConfig, "FEATURE_NEW_CHECKOUT", audit.ChangeOnlyInB, audit.Low, "", "true", "only flask-staging sets it"})
		assertNoSecrets(t, r, sa, sb)
	})
}

// assertNoSecrets fails when an entry carries a secret-looking config value
// of either snapshot, or the fixtures' secret marker.
func assertNoSecrets(t *testing.T, d audit.Diff, snaps ...*audit.Snapshot) {
	t.Helper()
	var secrets []string
	for _, s := range snaps {
		for n, v := range s.ConfigVars {
			if (audit.IsSecret(n, v) || strings.Contains(v, "FIXTURESECRET")) && len(v) >= 4 {
				secrets = append(secrets, v)
			}
		}
	}
	secrets = append(secrets, "FIXTURESECRET")
	for _, e := range d.Entries {
		for _, field := range []string{e.Key, e.A, e.B, e.Reason} {
			for _, s := range secrets {
				if strings.Contains(field, s) {
					t.Errorf("%s %s shows a secret (%d chars)", e.Kind, e.Key, len(s))
				}
			}
		}
	}
}

// pair builds two equal snapshots of a plain Flask app and lets a case
// change either side.
func pair(edit func(a, b *audit.Snapshot)) (*audit.Snapshot, *audit.Snapshot) {
	mk := func(name string) *audit.Snapshot {
		return &audit.Snapshot{
			App: audit.App{Name: name, Stack: "heroku-24", BuildStack: "heroku-24", Region: "us", Generation: "cedar"},
			ConfigVars: map[string]string{
				"FLASK_APP":  "wsgi:app",
				"SECRET_KEY": "s3cr3t-" + name + "-k9Qz7Lw2Xy4Vb8Nm1Rt6Pq3Hs5Jd0Fg",
				"LOG_LEVEL":  "info",
			},
			Formation: []audit.Process{
				{Type: "web", Command: "gunicorn wsgi:app", Quantity: 2, Size: "standard-1x"},
			},
			Addons: []audit.Addon{
				{Name: name + "-db", Service: "heroku-postgresql", Plan: "heroku-postgresql:standard-0", ConfigVars: []string{"DATABASE_URL"}},
			},
			Buildpacks: []string{"heroku/python"},
			Files: &audit.Files{Origin: "slug", Entries: map[string][]byte{
				".python-version": []byte("3.13.5\n"),
			}},
		}
	}
	a, b := mk("shop-staging"), mk("shop-prod")
	a.ConfigVars["DATABASE_URL"] = "postgres://u1:pw1-aaaaaaaaaaaa@host1:5432/db1"
	b.ConfigVars["DATABASE_URL"] = "postgres://u2:pw2-bbbbbbbbbbbb@host2:5432/db2"
	if edit != nil {
		edit(a, b)
	}
	return a, b
}

func TestCompareKinds(t *testing.T) {
	const sameDB = "postgres://u:shared-pw-FIXTURESECRET@host:5432/db"
	tests := []struct {
		name   string
		edit   func(a, b *audit.Snapshot)
		ra, rb []audit.Finding
		want   []wantEntry
		absent []string // keys that must have no entry
	}{
		{name: "identical apps differ only in their own secrets",
			want:   []wantEntry{{audit.DiffConfig, "SECRET_KEY", audit.ChangeChanged, audit.Info, "fp", "fp", "its own value"}},
			absent: []string{"FLASK_APP", "LOG_LEVEL", "web.command", "heroku-postgresql", "stack", "python"}},
		{name: "debug on in production only",
			edit: func(a, b *audit.Snapshot) { b.ConfigVars["DEBUG"] = "True" },
			want: []wantEntry{{audit.DiffConfig, "DEBUG", audit.ChangeOnlyInB, audit.High, "", "True", "turns debug mode on"}}},
		{name: "debug switched on in production",
			edit: func(a, b *audit.Snapshot) { a.ConfigVars["FLASK_DEBUG"], b.ConfigVars["FLASK_DEBUG"] = "0", "1" },
			want: []wantEntry{{audit.DiffConfig, "FLASK_DEBUG", audit.ChangeChanged, audit.High, "0", "1", "shop-prod turns debug mode on"}}},
		{name: "debug on in staging only is low",
			edit: func(a, b *audit.Snapshot) { a.ConfigVars["DEBUG"] = "1" },
			want: []wantEntry{{audit.DiffConfig, "DEBUG", audit.ChangeOnlyInA, audit.Low, "1", "", "keeps the default"}}},
		{name: "CSRF off in production",
			edit: func(a, b *audit.Snapshot) {
				a.ConfigVars["WTF_CSRF_ENABLED"], b.ConfigVars["WTF_CSRF_ENABLED"] = "true", "false"
			},
			want: []wantEntry{{audit.DiffConfig, "WTF_CSRF_ENABLED", audit.ChangeChanged, audit.High, "true", "false", "CSRF"}}},
		{name: "a benign var only in production",
			edit: func(a, b *audit.Snapshot) { b.ConfigVars["TZ"] = "UTC" },
			want: []wantEntry{{audit.DiffConfig, "TZ", audit.ChangeOnlyInB, audit.Low, "", "UTC", "does not test with it"}}},
		{name: "production lacks a var staging has",
			edit: func(a, b *audit.Snapshot) { a.ConfigVars["MAIL_SERVER"] = "smtp.example.com" },
			want: []wantEntry{{audit.DiffConfig, "MAIL_SERVER", audit.ChangeOnlyInA, audit.Medium, "smtp.example.com", "", "shop-prod lacks"}}},
		{name: "a secret only in staging is masked",
			edit: func(a, b *audit.Snapshot) { a.ConfigVars["MAILGUN_SMTP_PASSWORD"] = "pw-FIXTURESECRET-123" },
			want: []wantEntry{{audit.DiffConfig, "MAILGUN_SMTP_PASSWORD", audit.ChangeOnlyInA, audit.Medium, "fp", "", ""}}},
		{name: "different plain values are shown",
			edit: func(a, b *audit.Snapshot) {
				a.ConfigVars["WEB_CONCURRENCY"], b.ConfigVars["WEB_CONCURRENCY"] = "2", "4"
			},
			want: []wantEntry{{audit.DiffConfig, "WEB_CONCURRENCY", audit.ChangeChanged, audit.Low, "2", "4", "differ"}}},
		{name: "shared SECRET_KEY",
			edit: func(a, b *audit.Snapshot) { b.ConfigVars["SECRET_KEY"] = a.ConfigVars["SECRET_KEY"] },
			want: []wantEntry{{audit.DiffConfig, "SECRET_KEY", audit.ChangeSameSecret, audit.High, "fp", "fp", "same key"}}},
		{name: "staging on production's database",
			edit: func(a, b *audit.Snapshot) {
				a.ConfigVars["DATABASE_URL"], b.ConfigVars["DATABASE_URL"] = sameDB, sameDB
			},
			want: []wantEntry{{audit.DiffConfig, "DATABASE_URL", audit.ChangeSameSecret, audit.High, "fp", "fp", "shop-staging can read and write shop-prod's data"}}},
		{name: "production's database attached to staging under another name",
			edit: func(a, b *audit.Snapshot) {
				a.ConfigVars["PROD_DATABASE_URL"] = b.ConfigVars["DATABASE_URL"]
			},
			want: []wantEntry{{audit.DiffConfig, "PROD_DATABASE_URL/DATABASE_URL", audit.ChangeSameSecret, audit.High, "fp", "fp", "holds the same secret"}}},
		{name: "a shared secret recognised by shape alone",
			edit: func(a, b *audit.Snapshot) {
				a.ConfigVars["UPSTREAM"] = "https://bot:FIXTURESECRET-pw@api.example.com/v1"
				b.ConfigVars["UPSTREAM"] = a.ConfigVars["UPSTREAM"]
			},
			want: []wantEntry{{audit.DiffConfig, "UPSTREAM", audit.ChangeSameSecret, audit.High, "fp", "fp", "share this secret"}}},
		{name: "equal plain values are not a finding",
			edit:   func(a, b *audit.Snapshot) { a.ConfigVars["TZ"], b.ConfigVars["TZ"] = "UTC", "UTC" },
			absent: []string{"TZ"}},
		{name: "heroku-managed vars are expected to differ",
			edit: func(a, b *audit.Snapshot) {
				a.ConfigVars["HEROKU_APP_NAME"], b.ConfigVars["HEROKU_APP_NAME"] = "shop-staging", "shop-prod"
			},
			want: []wantEntry{
				{audit.DiffConfig, "HEROKU_APP_NAME", audit.ChangeChanged, audit.Info, "shop-staging", "shop-prod", "expected"},
				{audit.DiffConfig, "DATABASE_URL", audit.ChangeChanged, audit.Info, "fp", "fp", "managed by the heroku-postgresql add-on"},
			}},
		{name: "an add-on var only where the add-on is",
			edit: func(a, b *audit.Snapshot) {
				b.Addons = append(b.Addons, audit.Addon{Service: "heroku-redis", Plan: "heroku-redis:premium-0", ConfigVars: []string{"REDIS_URL"}})
				b.ConfigVars["REDIS_URL"] = "rediss://:FIXTURESECRET@h:1"
			},
			want: []wantEntry{
				{audit.DiffConfig, "REDIS_URL", audit.ChangeOnlyInB, audit.Info, "", "fp", "heroku-redis add-on"},
				{audit.DiffAddon, "heroku-redis", audit.ChangeOnlyInB, audit.Low, "", "premium-0", "only shop-prod"},
			}},
		{name: "a smaller Postgres plan in production",
			edit: func(a, b *audit.Snapshot) { b.Addons[0].Plan = "heroku-postgresql:essential-0" },
			want: []wantEntry{{audit.DiffAddon, "heroku-postgresql", audit.ChangeChanged, audit.Medium,
				"standard-0", "essential-0", "smaller plan"}}},
		{name: "a legacy plan sorts below standard",
			edit: func(a, b *audit.Snapshot) { b.Addons[0].Plan = "heroku-postgresql:hobby-dev" },
			want: []wantEntry{{audit.DiffAddon, "heroku-postgresql", audit.ChangeChanged, audit.Medium, "", "", "smaller plan"}}},
		{name: "a bigger size within a tier",
			edit: func(a, b *audit.Snapshot) { b.Addons[0].Plan = "heroku-postgresql:standard-2" },
			want: []wantEntry{{audit.DiffAddon, "heroku-postgresql", audit.ChangeChanged, audit.Info, "", "", "bigger plan"}}},
		{name: "an add-on production lacks",
			edit: func(a, b *audit.Snapshot) {
				a.Addons = append(a.Addons, audit.Addon{Service: "papertrail", Plan: "papertrail:choklad"})
			},
			want: []wantEntry{{audit.DiffAddon, "papertrail", audit.ChangeOnlyInA, audit.Medium, "choklad", "", "shop-prod has no papertrail add-on"}}},
		{name: "two databases told apart by their config vars",
			edit: func(a, b *audit.Snapshot) {
				for _, s := range []*audit.Snapshot{a, b} {
					s.Addons = append(s.Addons, audit.Addon{Service: "heroku-postgresql", Plan: "heroku-postgresql:standard-0",
						ConfigVars: []string{"HEROKU_POSTGRESQL_ONYX_URL"}})
				}
				b.Addons[1].Plan = "heroku-postgresql:premium-0"
			},
			want: []wantEntry{{audit.DiffAddon, "heroku-postgresql (HEROKU_POSTGRESQL_ONYX_URL)", audit.ChangeChanged, audit.Info,
				"standard-0", "premium-0", "bigger plan"}},
			absent: []string{"heroku-postgresql (DATABASE_URL)"}},
		{name: "a different web command, secrets in it masked",
			edit: func(a, b *audit.Snapshot) {
				b.Formation[0].Command = "gunicorn --password FIXTURESECRETpw --url=redis://:FIXTURESECRET@h:1 wsgi:app"
			},
			want: []wantEntry{{audit.DiffProcess, "web.command", audit.ChangeChanged, audit.Low, "gunicorn wsgi:app", "", "different web command"}}},
		{name: "a process production lacks",
			edit: func(a, b *audit.Snapshot) {
				a.Formation = append(a.Formation, audit.Process{Type: "worker", Command: "rq worker", Quantity: 1, Size: "standard-1x"})
			},
			want: []wantEntry{{audit.DiffProcess, "worker", audit.ChangeOnlyInA, audit.Medium, "1 × standard-1x: rq worker", "", "shop-prod has no worker process"}}},
		{name: "a process production has, scaled to zero",
			edit: func(a, b *audit.Snapshot) {
				b.Formation = append(b.Formation, audit.Process{Type: "clock", Command: "python clock.py", Quantity: 0, Size: "basic"})
			},
			want: []wantEntry{{audit.DiffProcess, "clock", audit.ChangeOnlyInB, audit.Info, "", "0 × basic: python clock.py", ""}}},
		{name: "fewer, smaller dynos in production",
			edit: func(a, b *audit.Snapshot) { b.Formation[0].Quantity, b.Formation[0].Size = 1, "eco" },
			want: []wantEntry{
				{audit.DiffProcess, "web.quantity", audit.ChangeChanged, audit.Info, "2", "1", "fewer web dynos"},
				{audit.DiffProcess, "web.size", audit.ChangeChanged, audit.Info, "standard-1x", "eco", "a different dyno size"},
			}},
		{name: "dyno sizes compare case-insensitively",
			edit:   func(a, b *audit.Snapshot) { b.Formation[0].Size = "Standard-1X" },
			absent: []string{"web.size"}},
		{name: "an older stack in production",
			edit:   func(a, b *audit.Snapshot) { b.App.Stack, b.App.BuildStack = "heroku-22", "heroku-22" },
			want:   []wantEntry{{audit.DiffStack, "stack", audit.ChangeChanged, audit.Medium, "heroku-24", "heroku-22", "shop-prod runs an older stack"}},
			absent: []string{"build-stack"}},
		{name: "a pending build stack change",
			edit: func(a, b *audit.Snapshot) { b.App.BuildStack = "heroku-26" },
			want: []wantEntry{{audit.DiffStack, "build-stack", audit.ChangeChanged, audit.Low, "heroku-24", "heroku-26", "older build stack"}}},
		{name: "another generation",
			edit: func(a, b *audit.Snapshot) { b.App.Generation = "fir" },
			want: []wantEntry{{audit.DiffStack, "generation", audit.ChangeChanged, audit.Low, "cedar", "fir", "generations"}}},
		{name: "an older Python minor in production",
			edit: func(a, b *audit.Snapshot) { b.Files.Entries[".python-version"] = []byte("3.12\n") },
			want: []wantEntry{{audit.DiffPython, "python", audit.ChangeChanged, audit.Medium, "3.13.5 (.python-version)", "3.12 (.python-version)", "shop-prod builds an older Python"}}},
		{name: "a newer Python patch in production",
			edit: func(a, b *audit.Snapshot) { b.Files.Entries[".python-version"] = []byte("3.13.9\n") },
			want: []wantEntry{{audit.DiffPython, "python", audit.ChangeChanged, audit.Low, "", "3.13.9 (.python-version)", "shop-staging builds an older Python"}}},
		{name: "production pins no Python",
			edit: func(a, b *audit.Snapshot) { delete(b.Files.Entries, ".python-version") },
			want: []wantEntry{{audit.DiffPython, "python", audit.ChangeOnlyInA, audit.Medium, "3.13.5 (.python-version)", "", "shop-prod pins no Python"}}},
		{name: "production's pin is unusable",
			edit: func(a, b *audit.Snapshot) { b.Files.Entries["runtime.txt"] = []byte("3.13\n") },
			want: []wantEntry{{audit.DiffPython, "python", audit.ChangeChanged, audit.Medium, "", "unusable runtime.txt", "unusable"}}},
		{name: "the same Python from another file",
			edit: func(a, b *audit.Snapshot) {
				delete(b.Files.Entries, ".python-version")
				b.Files.Entries["runtime.txt"] = []byte("python-3.13.5\n")
			},
			want: []wantEntry{{audit.DiffPython, "python", audit.ChangeChanged, audit.Info, "", "3.13.5 (runtime.txt)", "different files"}}},
		{name: "a buildpack production lacks",
			edit: func(a, b *audit.Snapshot) { a.Buildpacks = []string{"heroku-community/apt", "heroku/python"} },
			want: []wantEntry{{audit.DiffBuildpack, "heroku-community/apt", audit.ChangeOnlyInA, audit.Medium, "heroku-community/apt", "", "shop-prod builds without"}}},
		{name: "buildpacks in another order, a private one's token masked",
			edit: func(a, b *audit.Snapshot) {
				a.Buildpacks = []string{"https://x:FIXTURESECRETtok@github.example/bp.git", "heroku/python"}
				b.Buildpacks = []string{"heroku/python", "https://x:FIXTURESECRETtok@github.example/bp.git"}
			},
			want: []wantEntry{{audit.DiffBuildpack, "order", audit.ChangeChanged, audit.Low, "", "", "different order"}}},
		{name: "another region and no private space",
			edit: func(a, b *audit.Snapshot) { b.App.Region = "eu"; a.App.Space = "acme-space" },
			want: []wantEntry{
				{audit.DiffRegion, "region", audit.ChangeChanged, audit.Low, "us", "eu", "different regions"},
				{audit.DiffRegion, "space", audit.ChangeOnlyInA, audit.Medium, "acme-space", "", "outside a Private Space"},
			}},
		{name: "a check passes in staging and fails in production",
			ra:   []audit.Finding{{Check: "debug-mode", Status: audit.Pass, Severity: audit.Critical}},
			rb:   []audit.Finding{{Check: "debug-mode", Status: audit.Fail, Severity: audit.Critical, Message: "DEBUG is truthy"}},
			want: []wantEntry{{audit.DiffCheck, "debug-mode", audit.ChangeChanged, audit.High, "pass", "fail", "debug-mode: fail in shop-prod, pass in shop-staging: DEBUG is truthy"}}},
		{name: "a check fails by its severity",
			ra:   []audit.Finding{{Check: "sql-echo", Status: audit.Skip, Severity: audit.Medium}},
			rb:   []audit.Finding{{Check: "sql-echo", Status: audit.Fail, Severity: audit.Medium, Message: "on"}},
			want: []wantEntry{{audit.DiffCheck, "sql-echo", audit.ChangeChanged, audit.Medium, "skip", "fail", "fail in shop-prod"}}},
		{name: "a warning is one step below a failure",
			ra:   []audit.Finding{{Check: "postgres-ssl", Status: audit.Pass, Severity: audit.High}},
			rb:   []audit.Finding{{Check: "postgres-ssl", Status: audit.Warn, Severity: audit.High, Message: "no sslmode"}},
			want: []wantEntry{{audit.DiffCheck, "postgres-ssl", audit.ChangeChanged, audit.Medium, "pass", "warn", "warn in shop-prod"}}},
		{name: "fixed in production is info; skip against pass is no difference",
			ra:     []audit.Finding{{Check: "stack", Status: audit.Fail, Severity: audit.High}, {Check: "hsts", Status: audit.Pass, Severity: audit.Medium}},
			rb:     []audit.Finding{{Check: "stack", Status: audit.Pass, Severity: audit.High}, {Check: "hsts", Status: audit.Skip, Severity: audit.Medium}},
			want:   []wantEntry{{audit.DiffCheck, "stack", audit.ChangeChanged, audit.Info, "fail", "pass", "better in shop-prod"}},
			absent: []string{"hsts"}},
		{name: "config that could not be fetched is one entry, not a flood",
			edit: func(a, b *audit.Snapshot) {
				b.ConfigVars = nil
				b.SetGap(audit.PartConfig, "503 from the Platform API", true)
			},
			want:   []wantEntry{{audit.DiffConfig, "config-vars", audit.ChangeUnavailable, audit.Medium, "", "", "shop-prod: 503 from the Platform API"}},
			absent: []string{"FLASK_APP", "SECRET_KEY", "DATABASE_URL"}},
		{name: "files that do not apply are info",
			edit: func(a, b *audit.Snapshot) {
				b.Files = nil
				b.SetGap(audit.PartFiles, "Fir-generation apps release OCI images, not slugs", false)
			},
			want: []wantEntry{{audit.DiffPython, "files", audit.ChangeUnavailable, audit.Info, "", "", "not compared"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := pair(tt.edit)
			ra := audit.Result{App: a.App.Name, Findings: tt.ra}
			rb := audit.Result{App: b.App.Name, Findings: tt.rb}
			d := audit.Compare(a, b, ra, rb, diffKey)
			for _, w := range tt.want {
				checkEntry(t, d, w)
			}
			for _, k := range tt.absent {
				for _, e := range d.Entries {
					if e.Key == k {
						t.Errorf("unexpected entry %+v", e)
					}
				}
			}
			assertNoSecrets(t, d, a, b)
			if e, ok := find(d, audit.DiffProcess, "web.command"); ok && strings.Contains(e.B, "FIXTURESECRET") {
				t.Errorf("command shows a secret: %q", e.B)
			}
			for _, e := range d.Entries {
				for _, f := range []string{e.Key, e.A, e.B} {
					if strings.Contains(f, "FIXTURESECRET") {
						t.Errorf("%s %s shows a secret", e.Kind, e.Key)
					}
				}
			}
		})
	}
}

func TestCompareVerdictsIgnoredForFailedAudits(t *testing.T) {
	a, b := pair(nil)
	ra := audit.Result{App: a.App.Name, Findings: []audit.Finding{{Check: "stack", Status: audit.Pass, Severity: audit.High}}}
	rb := audit.Result{App: b.App.Name, Error: "not found"}
	d := audit.Compare(a, b, ra, rb, diffKey)
	for _, e := range d.Entries {
		if e.Kind == audit.DiffCheck {
			t.Errorf("verdict entry from a failed audit: %+v", e)
		}
	}
}

func TestCompareNilAndEmpty(t *testing.T) {
	for _, tc := range []struct {
		name string
		a, b *audit.Snapshot
	}{
		{"both nil", nil, nil},
		{"one nil", &audit.Snapshot{App: audit.App{Name: "x"}}, nil},
		{"both empty", &audit.Snapshot{}, &audit.Snapshot{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := audit.Compare(tc.a, tc.b, audit.Result{}, audit.Result{}, nil)
			if d.Entries == nil {
				t.Error("entries must be an empty list, not nil")
			}
			if len(d.Entries) != 0 {
				t.Errorf("empty snapshots differ: %+v", d.Entries)
			}
		})
	}
}

func TestFingerprints(t *testing.T) {
	a, b := pair(func(a, b *audit.Snapshot) { b.ConfigVars["SECRET_KEY"] = a.ConfigVars["SECRET_KEY"] })
	get := func(key []byte) audit.DiffEntry {
		e, _ := find(audit.Compare(a, b, audit.Result{}, audit.Result{}, key), audit.DiffConfig, "SECRET_KEY")
		return e
	}
	e1, e2 := get(diffKey), get([]byte("another key, another run........"))
	if !fpRe.MatchString(e1.A) || e1.A != e1.B {
		t.Errorf("same value: %q and %q", e1.A, e1.B)
	}
	if e1.A == e2.A {
		t.Error("fingerprints do not depend on the run's key")
	}
	if e1.A != get(diffKey).A {
		t.Error("fingerprints are not stable within a run")
	}
	if e := get(nil); e.A != "(secret)" || e.Change != audit.ChangeSameSecret {
		t.Errorf("with no key: %+v", e)
	}
}

func TestIsSecret(t *testing.T) {
	tests := []struct {
		name, value string
		want        bool
	}{
		// by name
		{"SECRET_KEY", "x", true},
		{"FLASK_SECRET_KEY", "", true},
		{"JWT_SECRET_KEY", "abc", true},
		{"SECRET_KEY_BASE", "abc", true},
		{"STRIPE_SECRET_KEY", "sk", true},
		{"PAPERTRAIL_API_TOKEN", "t", true},
		{"SMTP_PASSWORD", "pw", true},
		{"PGPASSWORD", "pw", true},
		{"DB_PASS", "pw", true},
		{"AWS_SECRET_ACCESS_KEY", "k", true},
		{"GOOGLE_CREDENTIALS", "{}", true},
		{"PASSWORD_SALT", "s", true},
		{"DATABASE_URL", "postgres://localhost/db", true},
		{"HEROKU_POSTGRESQL_ONYX_URL", "postgres://h/db", true},
		{"REDIS_TLS_URL", "rediss://h:1", true},
		{"CLOUDAMQP_URL", "amqps://h/v", true},
		{"SENTRY_DSN", "https://o1.ingest.example/2", true},
		// by shape
		{"RATELIMIT_STORAGE_URI", "rediss://:p4ss@h.example:29817", true},
		{"UPSTREAM", "https://user:pw@api.example.com", true},
		{"UPSTREAM", "https://apikey@api.example.com", true},
		{"SIGNED", "https://bucket.example/obj?X-Amz-Signature=9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", true},
		{"HOOK", "https://hooks.slack.example/services/T0000/B0000/Qk3Vn8Zx2Lm9Pw4Rt7Yb1Hc6", true},
		{"OPAQUE", "d41d8cd98f00b204e9800998ecf8427e", true},
		{"OPAQUE", "aGVsbG8gd29ybGQgdGhpcyBpcyBhIGtleQ==", true},
		{"STRIPE_PUBLISHABLE_KEY", "pk_live_51HxYzAbCdEfGhIjKlMnOpQrStUv", true},
		{"AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE", true},
		{"SESSION", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig", true},
		{"CERT", "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----", true},
		{"SA", `{"type": "service_account", "private_key": "x"}`, true},
		{"OPTS", "user=app password=hunter2 host=db", true},
		{"ADMIN", "Xk#9$mQ2!pL@7vRz", true},
		{"BLOB", strings.Repeat("word ", 1000), true}, // too long to read: masked unread
		// plain settings stay visible
		{"LOG_LEVEL", "debug", false},
		{"FLASK_APP", "wsgi:app", false},
		{"SESSION_COOKIE_SECURE", "true", false},
		{"SESSION_COOKIE_SAMESITE", "Lax", false},
		{"WEB_CONCURRENCY", "4", false},
		{"FEATURE_NEW_CHECKOUT", "true", false},
		{"TZ", "Europe/Amsterdam", false},
		{"API_BASE", "https://api.example.com/v1", false},
		{"DOCS", "https://www.example.com/some/long/path/here", false},
		{"GUNICORN_CMD_ARGS", "--workers 3 --timeout 20 --access-logfile -", false},
		{"ALLOWED_HOSTS", "shop.example.com,www.shop.example.com", false},
		{"STRIPE_PUBLISHABLE_KEY", "pk_test_1", false},
		{"AWS_REGION", "eu-west-1", false},
		{"", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name+"="+tt.value, func(t *testing.T) {
			if got := audit.IsSecret(tt.name, tt.value); got != tt.want {
				t.Errorf("IsSecret(%q, %q) = %v, want %v", tt.name, tt.value, got, tt.want)
			}
		})
	}
}

// TestIsSecretFixtures: every fixture value the fixtures mark as secret is
// recognised, by name or by shape.
func TestIsSecretFixtures(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(diffFixtures, "apps", "*", "config-vars.json"))
	if len(files) == 0 {
		t.Fatal("no fixture config vars")
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var vars map[string]*string
		if err := json.Unmarshal(data, &vars); err != nil {
			t.Fatal(err)
		}
		for _, n := range slices.Sorted(maps.Keys(vars)) {
			if v := vars[n]; v != nil && strings.Contains(*v, "FIXTURESECRET") && !audit.IsSecret(n, *v) {
				t.Errorf("%s: %s holds a secret that IsSecret misses", f, n)
			}
		}
	}
}

func TestPipelinePairs(t *testing.T) {
	sa := func(name, stage string) audit.StagedApp { return audit.StagedApp{Name: name, Stage: stage} }
	tests := []struct {
		name string
		apps []audit.StagedApp
		want [][2]string
	}{
		{"empty", nil, [][2]string{}},
		{"one app", []audit.StagedApp{sa("p", "production")}, [][2]string{}},
		{"staging and production", []audit.StagedApp{sa("p", "production"), sa("s", "staging")}, [][2]string{{"s", "p"}}},
		{"three stages", []audit.StagedApp{sa("p", "production"), sa("d", "development"), sa("s", "staging")},
			[][2]string{{"d", "s"}, {"s", "p"}}},
		{"a missing stage is skipped", []audit.StagedApp{sa("d", "development"), sa("p", "production")}, [][2]string{{"d", "p"}}},
		{"review and test apps are ignored",
			[]audit.StagedApp{sa("pr-12", "review"), sa("ci", "test"), sa("s", "staging"), sa("p", "production")},
			[][2]string{{"s", "p"}}},
		{"several apps per stage, each against each", []audit.StagedApp{
			sa("s2", "staging"), sa("p-eu", "production"), sa("s1", "staging"), sa("p-us", "production")},
			[][2]string{{"s1", "p-eu"}, {"s1", "p-us"}, {"s2", "p-eu"}, {"s2", "p-us"}}},
		{"stage names in any case, duplicates once", []audit.StagedApp{sa("s", "Staging"), sa("s", "staging"), sa("p", " production ")},
			[][2]string{{"s", "p"}}},
		{"unnamed apps and unknown stages dropped", []audit.StagedApp{sa("", "staging"), sa("x", "qa"), sa("p", "production")},
			[][2]string{}},
		{"an app in two stages is not paired with itself", []audit.StagedApp{sa("a", "staging"), sa("a", "production")},
			[][2]string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := audit.PipelinePairs(tt.apps)
			if !slices.Equal(got, tt.want) {
				t.Errorf("PipelinePairs = %v, want %v", got, tt.want)
			}
		})
	}
}

// FuzzCompareMasks: whatever a config var or a command holds, a value
// IsSecret calls secret is only ever shown as a fingerprint, and a secret
// word inside a command never appears.
func FuzzCompareMasks(f *testing.F) {
	f.Add("SECRET_KEY", "abc", "abd", "gunicorn app:app")
	f.Add("DATABASE_URL", "postgres://u:p@h/d", "postgres://u:p@h/d", "rq worker --url redis://:pw@h:1")
	f.Add("LOG_LEVEL", "debug", "info", "gunicorn --password hunter2 app:app")
	f.Add("X", "d41d8cd98f00b204e9800998ecf8427e", "", "run --token=d41d8cd98f00b204e9800998ecf8427e")
	f.Add("A B", "\x00\n", "é", "")
	f.Add("\xa3"+strings.Repeat("\xdd", 800)+"0", "A0000000000000000000", "00\xaa 0", "0")
	f.Fuzz(func(t *testing.T, name, va, vb, command string) {
		if name == "" {
			return
		}
		a := &audit.Snapshot{App: audit.App{Name: "a"}, ConfigVars: map[string]string{name: va},
			Formation: []audit.Process{{Type: "web", Command: "x"}}}
		b := &audit.Snapshot{App: audit.App{Name: "b"}, ConfigVars: map[string]string{name: vb},
			Formation: []audit.Process{{Type: "web", Command: command}}}
		d := audit.Compare(a, b, audit.Result{}, audit.Result{}, diffKey)
		for _, e := range d.Entries {
			if e.Reason == "" || strings.Contains(e.Reason, "\n") {
				t.Errorf("bad reason %q", e.Reason)
			}
			switch {
			case e.Kind == audit.DiffConfig && e.Key == name && (audit.IsSecret(name, va) || audit.IsSecret(name, vb)):
				for _, v := range []string{e.A, e.B} {
					if v != "" && !fpRe.MatchString(v) {
						t.Errorf("secret shown as %q", v)
					}
				}
			case e.Kind == audit.DiffProcess && e.Key == "web.command":
				shown := strings.Fields(e.B)
				for _, w := range strings.Fields(command) {
					if audit.IsSecret("", w) && slices.Contains(shown, w) {
						t.Errorf("secret word %q shown in %q", w, e.B)
					}
				}
			}
		}
	})
}
