package audit

import (
	"fmt"
	"strings"
	"testing"
)

func TestAuditKeepsCatalogOrderAndSurvivesPanics(t *testing.T) {
	checks := []Check{
		{ID: "a", Severity: High, Run: func(*View) Outcome { return Passf("ok") }},
		{ID: "b", Severity: High, Run: func(*View) Outcome { panic("boom") }},
		{ID: "c", Severity: Low, Needs: []Part{PartSlug}, Run: func(*View) Outcome { return Failf("never runs") }},
		{ID: "d", Severity: Low, Needs: []Part{PartDynos}, Run: func(*View) Outcome { return Failf("never runs") }},
		{ID: "e", Severity: Medium, Run: func(*View) Outcome { return Outcome{} }},
	}
	s := &Snapshot{App: App{Name: "x"}}
	s.SetGap(PartSlug, "Fir-generation apps release OCI images, not slugs", false)
	s.SetGap(PartDynos, "Heroku API error 500", true)
	r := Audit(s, checks)
	want := []struct {
		id     string
		status Status
		msg    string
	}{
		{"a", Pass, "ok"},
		{"b", Error, "check failed internally: boom"},
		{"c", Skip, "Fir-generation apps release OCI images, not slugs"},
		{"d", Error, "dynos unavailable: Heroku API error 500"},
		{"e", Error, "check returned no verdict"},
	}
	if len(r.Findings) != len(want) {
		t.Fatalf("got %d findings, want %d", len(r.Findings), len(want))
	}
	for i, w := range want {
		f := r.Findings[i]
		if f.Check != w.id || f.Status != w.status || !strings.Contains(f.Message, w.msg) {
			t.Errorf("finding %d = %s %s %q, want %s %s %q", i, f.Check, f.Status, f.Message, w.id, w.status, w.msg)
		}
		if f.Evidence == nil {
			t.Errorf("finding %s: evidence must be an empty list, not nil", f.Check)
		}
	}
	// the panicking check could not run: no letter is earned
	if r.Score != 100 || r.Grade != GradeIncomplete || r.App != "x" {
		t.Errorf("result = %d %s %s", r.Score, r.Grade, r.App)
	}
}

func TestCatalogMetadata(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range Catalog() {
		t.Run(c.ID, func(t *testing.T) {
			if c.ID == "" || c.Title == "" || c.Rationale == "" || c.Remediation == "" || c.Run == nil {
				t.Errorf("check %+v lacks metadata", c.ID)
			}
			if strings.ToLower(c.ID) != c.ID || strings.ContainsAny(c.ID, " _") {
				t.Errorf("ID %q is not kebab-case", c.ID)
			}
			if seen[c.ID] {
				t.Errorf("duplicate ID %q", c.ID)
			}
			seen[c.ID] = true
			if got, ok := Lookup(c.ID); !ok || got.ID != c.ID {
				t.Errorf("Lookup(%q) failed", c.ID)
			}
		})
	}
}

func TestCatalogChecklist(t *testing.T) {
	sections := []string{"Core: ", "Configuration: ", "Processes: ", "Platform: ", "Source: ", "Live probe: "}
	for _, c := range Catalog() {
		ok := false
		for _, s := range sections {
			ok = ok || strings.HasPrefix(c.Checklist, s)
		}
		if !ok {
			t.Errorf("%s: checklist item %q names no checklist section", c.ID, c.Checklist)
		}
	}
}

// TestEvidenceIsCapped: however many places a check names, a finding
// carries at most MaxEvidence lines, the last saying how many more.
func TestEvidenceIsCapped(t *testing.T) {
	for _, n := range []int{0, 1, MaxEvidence, MaxEvidence + 1, 10000} {
		ev := make([]Evidence, n)
		for i := range ev {
			ev[i] = Evidence{Text: fmt.Sprintf("templates/t%d.html", i), File: fmt.Sprintf("templates/t%d.html", i)}
		}
		c := Check{ID: "many", Severity: Low, Run: func(*View) Outcome { return Warnf("forms").WithEv(ev...).Sure() }}
		f := Audit(base(), []Check{c}).Findings[0]
		want := min(n, MaxEvidence)
		if len(f.Evidence) != want {
			t.Errorf("%d places: %d evidence lines, want %d", n, len(f.Evidence), want)
		}
		if n > MaxEvidence && f.Evidence[want-1].Text != fmt.Sprintf("… and %d more", n-MaxEvidence+1) {
			t.Errorf("%d places: last line %q", n, f.Evidence[want-1].Text)
		}
	}
}

// TestMergeCrossAppFindings: a cross-app finding run later on the thin
// snapshot lands in catalog order, and the result is scored again with it.
func TestMergeCrossAppFindings(t *testing.T) {
	checks := []Check{
		{ID: "first", Severity: High, Run: func(*View) Outcome { return Passf("ok") }},
		{ID: "cross", Severity: High, CrossApp: true, Run: func(*View) Outcome { return Outcome{Status: Fail, Message: "shared"} }},
		{ID: "last", Severity: High, Run: func(*View) Outcome { return Passf("ok") }},
	}
	s := base()
	local := Audit(s, []Check{checks[0], checks[2]})
	if local.Grade != "A" {
		t.Fatalf("before the merge: %s", local.Grade)
	}
	thin := s.Thin()
	if thin.Files != nil || len(thin.ConfigVars) != 0 || thin.ConfigVars == nil {
		t.Errorf("Thin keeps files or values, or forgets the config was read: %+v", thin)
	}
	r := Merge(local, Audit(thin, checks[1:2]), checks)
	var ids []string
	for _, f := range r.Findings {
		ids = append(ids, f.Check)
	}
	if got := strings.Join(ids, " "); got != "first cross last" {
		t.Errorf("order = %s", got)
	}
	if r.Grade != "D" || r.Score != 67 {
		t.Errorf("after the merge: score %d grade %s, want 67 D", r.Score, r.Grade)
	}
	failed := Failed("x", fmt.Errorf("gone"))
	if m := Merge(failed, Audit(thin, checks[1:2]), checks); m.Error == "" || len(m.Findings) != 0 {
		t.Errorf("an app that could not be read gained findings: %+v", m)
	}
}

// TestSharedSecretAcrossManyApps: a value held by many apps names ten of
// them and counts the rest, so 500 apps sharing one DSN stay linear.
func TestSharedSecretAcrossManyApps(t *testing.T) {
	const n = 15
	snaps := make([]*Snapshot, n)
	for i := range snaps {
		snaps[i] = base()
		snaps[i].App.Name = fmt.Sprintf("app-%02d", i)
	}
	LinkSharedSecrets(snaps, []byte("key"))
	f := Audit(snaps[0], []Check{sharedSecret}).Findings[0]
	if f.Status != Fail {
		t.Fatalf("status %s", f.Status)
	}
	texts := Texts(f.Evidence)
	if len(texts) != maxSharedPeers+1 || !strings.HasSuffix(texts[len(texts)-1], fmt.Sprintf("and %d more app(s) hold the same value", n-1-maxSharedPeers)) {
		t.Errorf("evidence = %q", texts)
	}
}
