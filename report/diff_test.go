package report

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/herokuaudit/herokuaudit/audit"
)

// sampleDiff is built by hand, like the results of the other golden tests,
// so these tests pin the renderer and nothing else.
func sampleDiff() audit.Diff {
	return audit.Diff{A: "shop-staging", B: "shop-prod", Entries: []audit.DiffEntry{
		{Kind: audit.DiffConfig, Key: "SECRET_KEY", Change: audit.ChangeSameSecret, Risk: audit.High,
			Reason: "shop-staging and shop-prod sign with the same key: a session or token made in shop-staging is valid in shop-prod",
			A:      "fp:b8797e6b", B: "fp:b8797e6b"},
		{Kind: audit.DiffConfig, Key: "FEATURE_NEW_CHECKOUT", Change: audit.ChangeOnlyInA, Risk: audit.Medium,
			Reason: "shop-prod lacks a var shop-staging sets: code promoted from shop-staging may need it", A: "true"},
		{Kind: audit.DiffPython, Key: "python", Change: audit.ChangeChanged, Risk: audit.Medium,
			Reason: "shop-prod builds an older Python than shop-staging", A: "3.12 (.python-version)", B: "3.12.4 (.python-version)"},
		{Kind: audit.DiffConfig, Key: "LOG_LEVEL", Change: audit.ChangeChanged, Risk: audit.Low,
			Reason: "shop-staging logs at debug level with LOG_LEVEL; shop-prod does not", A: "debug", B: "info"},
		{Kind: audit.DiffProcess, Key: "web.command", Change: audit.ChangeChanged, Risk: audit.Low,
			Reason: "shop-prod runs a different web command from shop-staging",
			A:      "gunicorn --config gunicorn.conf.py wsgi:app", B: "gunicorn -w 4 'wsgi:create_app()' | tee log"},
		{Kind: audit.DiffAddon, Key: "expeditedwaf", Change: audit.ChangeOnlyInB, Risk: audit.Low,
			Reason: "only shop-prod has the expeditedwaf add-on: shop-staging does not test with it", B: "basic"},
		{Kind: audit.DiffConfig, Key: "DATABASE_URL", Change: audit.ChangeChanged, Risk: audit.Info,
			Reason: "expected: managed by the heroku-postgresql add-on", A: "fp:6db63cdc", B: "fp:1d6a780a"},
		{Kind: audit.DiffCheck, Key: "stack", Change: audit.ChangeChanged, Risk: audit.Info,
			Reason: "stack: pass in shop-prod, warn in shop-staging: better in shop-prod", A: "warn", B: "pass"},
	}}
}

func pipelineDiffs() []audit.Diff {
	dev := audit.Diff{A: "shop-dev", B: "shop-staging", Entries: []audit.DiffEntry{
		{Kind: audit.DiffConfig, Key: "DEBUG", Change: audit.ChangeOnlyInA, Risk: audit.Low,
			Reason: "only shop-dev sets it (turns debug mode on); shop-staging keeps the default", A: "1"},
	}}
	same := audit.Diff{A: "shop-staging", B: "shop-prod-eu", Entries: []audit.DiffEntry{}}
	return []audit.Diff{dev, sampleDiff(), same}
}

func renderDiff(t *testing.T, format string, diffs []audit.Diff, color bool) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := RenderDiff(&b, format, diffs, color); err != nil {
		t.Fatalf("render %s: %v", format, err)
	}
	return b.Bytes()
}

func TestDiffGolden(t *testing.T) {
	for _, tc := range []struct {
		name   string
		format string
		diffs  []audit.Diff
		color  bool
	}{
		{"diff_table", "table", []audit.Diff{sampleDiff()}, false},
		{"diff_table_color", "table", []audit.Diff{sampleDiff()}, true},
		{"diff_table_pipeline", "table", pipelineDiffs(), false},
		{"diff_table_none", "table", nil, false},
		{"diff_json", "json", []audit.Diff{sampleDiff()}, true},
		{"diff_json_pipeline", "json", pipelineDiffs(), false},
		{"diff_markdown", "markdown", []audit.Diff{sampleDiff()}, true},
		{"diff_markdown_pipeline", "markdown", pipelineDiffs(), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			golden(t, tc.name, renderDiff(t, tc.format, tc.diffs, tc.color))
		})
	}
}

func TestDiffJSONContract(t *testing.T) {
	type entry struct{ Kind, Key, Change, Risk, Reason, A, B string }
	type doc struct {
		SchemaVersion *int `json:"schema_version"`
		Entries       []entry
		Diffs         []struct {
			A, B    string
			Entries []entry
		}
	}
	keys := []string{"kind", "key", "change", "risk", "reason", "a", "b"}
	t.Run("one pair", func(t *testing.T) {
		out := renderDiff(t, "json", []audit.Diff{sampleDiff()}, false)
		var d doc
		if err := json.Unmarshal(out, &d); err != nil {
			t.Fatal(err)
		}
		if d.SchemaVersion == nil || *d.SchemaVersion != 1 {
			t.Errorf("schema_version = %v", d.SchemaVersion)
		}
		var top map[string]json.RawMessage
		_ = json.Unmarshal(out, &top)
		if string(top["a"]) != `"shop-staging"` || string(top["b"]) != `"shop-prod"` {
			t.Errorf("a, b = %s, %s", top["a"], top["b"])
		}
		if len(d.Entries) != len(sampleDiff().Entries) || len(d.Diffs) != 1 || len(d.Diffs[0].Entries) != len(d.Entries) {
			t.Fatalf("entries %d, diffs %d", len(d.Entries), len(d.Diffs))
		}
		if e := d.Entries[0]; e.Risk != "high" || e.Change != "same-secret" || e.A != "fp:b8797e6b" {
			t.Errorf("first entry = %+v", e)
		}
		// every entry key is present, even when empty
		var raw struct{ Entries []map[string]json.RawMessage }
		_ = json.Unmarshal(out, &raw)
		for _, e := range raw.Entries {
			for _, k := range keys {
				if _, ok := e[k]; !ok {
					t.Errorf("entry lacks %q: %v", k, e)
				}
			}
			if len(e) != len(keys) {
				t.Errorf("entry has extra keys: %v", e)
			}
		}
	})
	t.Run("pipeline", func(t *testing.T) {
		out := renderDiff(t, "json", pipelineDiffs(), false)
		var top map[string]json.RawMessage
		if err := json.Unmarshal(out, &top); err != nil {
			t.Fatal(err)
		}
		if string(top["a"]) != `""` || string(top["b"]) != `""` {
			t.Errorf("several pairs: a, b = %s, %s, want empty", top["a"], top["b"])
		}
		var d doc
		_ = json.Unmarshal(out, &d)
		if len(d.Diffs) != 3 || d.Diffs[0].A != "shop-dev" || d.Diffs[2].B != "shop-prod-eu" {
			t.Fatalf("diffs = %+v", d.Diffs)
		}
		if d.Diffs[2].Entries == nil || !strings.Contains(string(out), `"entries": []`) {
			t.Error("a pair without differences must have an empty list, not null")
		}
		if want := 1 + len(sampleDiff().Entries); len(d.Entries) != want {
			t.Errorf("top-level entries = %d, want every pair's (%d)", len(d.Entries), want)
		}
	})
	t.Run("nothing compared", func(t *testing.T) {
		out := renderDiff(t, "json", nil, false)
		if !strings.Contains(string(out), `"entries": []`) || !strings.Contains(string(out), `"diffs": []`) {
			t.Errorf("empty lists must be [], got\n%s", out)
		}
	})
}

func TestDiffUnknownFormat(t *testing.T) {
	var b bytes.Buffer
	err := RenderDiff(&b, "sarif", []audit.Diff{sampleDiff()}, false)
	if err == nil || !strings.Contains(err.Error(), "table, json or markdown") {
		t.Errorf("err = %v", err)
	}
	if b.Len() != 0 {
		t.Error("wrote output for an unknown format")
	}
	if got := DiffFormatNames(); !slices.Equal(got, []string{"table", "json", "markdown"}) {
		t.Errorf("DiffFormatNames = %v", got)
	}
}

// TestDiffMarkdownEscapes: a value or reason cannot break the table or
// inject markup.
func TestDiffMarkdownEscapes(t *testing.T) {
	d := audit.Diff{A: "a|b", B: "c", Entries: []audit.DiffEntry{{Kind: "config", Key: "X|Y", Change: "changed",
		Risk: audit.Low, Reason: "see </details> [x](javascript:alert(1))", A: "v|`w`", B: "line\nbreak"}}}
	out := string(renderDiff(t, "markdown", []audit.Diff{d}, false))
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		if !strings.HasPrefix(l, "|") {
			continue
		}
		if n := strings.Count(l, "|") - strings.Count(l, `\|`); n != 8 {
			t.Errorf("row has %d cell borders, want 8: %s", n, l)
		}
	}
	for _, bad := range []string{"</details>", "[x](", "\nbreak"} {
		if strings.Contains(out, bad) {
			t.Errorf("markdown carries %q unescaped:\n%s", bad, out)
		}
	}
}

// TestDiffNoSecretsInAnyFormat runs real comparisons over snapshots holding
// secrets in every place a diff looks, and renders every format.
func TestDiffNoSecretsInAnyFormat(t *testing.T) {
	secrets := []string{
		"FIXTURESECRET", "k9Qz7Lw2Xy4Vb8Nm1Rt6Pq3Hs5Jd0Fg-FIXTURESECRET", "postgres://u:FIXTURESECRETpw@h:5432/d",
		"rediss://:FIXTURESECRETp@h:1", "sk_live_FIXTURESECRETaQxsM1bJ7SZ0zgCwVx7VJc3", "d41d8cd98f00b204e9800998ecf8427e",
	}
	mk := func(name string, shared bool) *audit.Snapshot {
		own := func(v string) string {
			if shared {
				return v
			}
			return v + "-" + name
		}
		return &audit.Snapshot{
			App: audit.App{Name: name, Stack: "heroku-24"},
			ConfigVars: map[string]string{
				"SECRET_KEY":         own(secrets[1]),
				"DATABASE_URL":       own(secrets[2]),
				"RATELIMIT_STORAGE":  own(secrets[3]),
				"STRIPE_SECRET_KEY":  own(secrets[4]),
				"OPAQUE_" + name[:1]: secrets[5],
				"LOG_LEVEL":          name,
			},
			Formation: []audit.Process{{Type: "web", Quantity: 1, Size: "basic",
				Command: "gunicorn --url=" + own(secrets[3]) + " --password " + own("FIXTURESECRET") + " app:app"}},
			Buildpacks: []string{"https://x:" + own("FIXTURESECRETtok") + "@git.example/bp.git"},
			Addons:     []audit.Addon{{Service: "heroku-postgresql", Plan: "heroku-postgresql:standard-0", ConfigVars: []string{"DATABASE_URL"}}},
		}
	}
	key := []byte("a run key, made at random in real use")
	diffs := []audit.Diff{
		audit.Compare(mk("staging", false), mk("prod", false), audit.Result{}, audit.Result{}, key),
		audit.Compare(mk("staging", true), mk("prod", true), audit.Result{}, audit.Result{}, key),
	}
	if len(diffs[0].Entries) == 0 || len(diffs[1].Entries) == 0 {
		t.Fatal("the comparisons found nothing: the test would prove nothing")
	}
	for _, format := range DiffFormatNames() {
		for _, color := range []bool{false, true} {
			out := string(renderDiff(t, format, diffs, color))
			for _, s := range secrets {
				if strings.Contains(out, s) {
					t.Errorf("%s (colour %v) shows a secret (%d chars, starting %.4q)", format, color, len(s), s)
				}
			}
			if !strings.Contains(out, "fp:") {
				t.Errorf("%s shows no fingerprints", format)
			}
		}
	}
}
