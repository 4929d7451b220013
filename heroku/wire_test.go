package heroku

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

func TestFlexibleShapes(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		want       wireApp
		err        string
	}{
		{"generation string", `{"generation":"fir"}`, wireApp{Generation: "fir"}, ""},
		{"generation object", `{"generation":{"id":"g1","name":"cedar"}}`, wireApp{Generation: "cedar"}, ""},
		{"generation null", `{"generation":null}`, wireApp{}, ""},
		{"numeric id", `{"id":1234}`, wireApp{ID: "1234"}, ""},
		{"string id", `{"id":"app-id"}`, wireApp{ID: "app-id"}, ""},
		{"null strings", `{"name":"x","web_url":null,"buildpack_provided_description":null,"team":null}`, wireApp{Name: "x"}, ""},
		{"organization", `{"organization":{"id":"o","name":"org-0058"}}`, wireApp{Organization: "org-0058"}, ""},
		{"generation array", `{"generation":["SECRETVALUE"]}`, wireApp{}, `field "generation": expected a string or an object`},
		{"id object", `{"id":{"v":"SECRETVALUE"}}`, wireApp{}, `field "id": expected a string or a number`},
		{"acm string", `{"acm":"SECRETVALUE"}`, wireApp{}, `field "acm": expected true or false`},
		{"not an object", `"SECRETVALUE"`, wireApp{}, `expected an object`},
		{"broken", `{"name": "SECRETVALUE`, wireApp{}, `not valid JSON (at byte 21)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got wireApp
			de := decodeObject([]byte(tc.body), &got)
			switch {
			case tc.err == "" && de != nil:
				t.Fatalf("error %v", de)
			case tc.err != "" && (de == nil || de.Error() != tc.err):
				t.Fatalf("error %v, want %q", de, tc.err)
			case tc.err == "" && got != tc.want:
				t.Errorf("= %+v, want %+v", got, tc.want)
			}
			if de != nil && strings.Contains(de.Error(), "SECRETVALUE") {
				t.Errorf("error shows the value: %v", de)
			}
		})
	}
}

func TestFlexibleNumbers(t *testing.T) {
	for _, tc := range []struct {
		body string
		want int
		err  string
	}{
		{`{"version":40}`, 40, ""},
		{`{"version":"40"}`, 40, ""},
		{`{"version":null}`, 0, ""},
		{`{"version":"forty"}`, 0, `field "version": expected an integer (or a string holding one)`},
		{`{"version":4.5}`, 0, `field "version": expected an integer (or a string holding one)`},
		{`{"slug":{"id":7}}`, 0, ""},
		{`{"slug":{"id":true}}`, 0, `field "slug.id": expected a string or a number`},
	} {
		t.Run(tc.body, func(t *testing.T) {
			var r wireRelease
			de := decodeObject([]byte(tc.body), &r)
			if tc.err != "" {
				if de == nil || de.Error() != tc.err {
					t.Errorf("error %v, want %q", de, tc.err)
				}
				return
			}
			if de != nil || int(r.Version) != tc.want {
				t.Errorf("= %d, %v", r.Version, de)
			}
		})
	}
	var sl wireSlug
	if de := decodeObject([]byte(`{"process_types":{"web\u001b[2J\u202e":5}}`), &sl); de == nil || de.Error() != `field "process_types": expected a string` {
		t.Errorf("map key: %v", de)
	}
	var s wireSNIEndpoint
	if de := decodeObject([]byte(`{"ssl_cert":{"expires_at":"soon"}}`), &s); de == nil || de.Error() != `field "ssl_cert.expires_at": expected an RFC 3339 timestamp` {
		t.Errorf("timestamp: %v", de)
	}
}

func TestDecodeItemsSkips(t *testing.T) {
	body := `[{"name":"web.1","type":"web"},{"name":"run.1","type":["x"]},{"id":42,"state":1},7,{"name":"ok"}]`
	items, skipped, de := decodeItems[wireDyno]([]byte(body), false, "")
	if de != nil {
		t.Fatal(de)
	}
	if len(items) != 2 || items[0].Name != "web.1" || items[1].Name != "ok" {
		t.Errorf("items = %+v", items)
	}
	var got []string
	for _, s := range skipped {
		got = append(got, skipNotice("/apps/x/dynos", s.Index, s.Label, s.Err))
	}
	want := []string{
		`/apps/x/dynos[1] ("run.1") skipped, the rest of the listing is used: field "type": expected a string`,
		`/apps/x/dynos[2] ("42") skipped, the rest of the listing is used: field "state": expected a string`,
		`/apps/x/dynos[3] skipped, the rest of the listing is used: expected an object`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("notices:\n%q\nwant\n%q", got, want)
	}
	if _, _, de := decodeItems[wireDyno]([]byte(`{"name":"web.1"}`), false, ""); de == nil || de.Error() != "expected an array" {
		t.Errorf("object for a list: %v", de)
	}
	if items, _, de := decodeItems[wireCoupling]([]byte(`{"stage":"staging"}`), true, ""); de != nil || len(items) != 1 {
		t.Errorf("lone object: %v %v", items, de)
	}
	if items, _, de := decodeItems[wireDyno]([]byte(`null`), false, ""); de != nil || len(items) != 0 {
		t.Errorf("null: %v %v", items, de)
	}
}

// A team listing with one odd app record still lists, and audits, the
// others; the notice names the record and the field, not the value.
func TestTeamListingWithOddRecord(t *testing.T) {
	api, _, fx := world(t)
	var rec map[string]json.RawMessage
	if err := json.Unmarshal([]byte(fx.app), &rec); err != nil {
		t.Fatal(err)
	}
	delete(rec, "acm")
	good, _ := json.Marshal(rec)
	odd := `{"name":"odd-app","id":"a2","generation":["` + testToken + `"],"stack":{"name":"heroku-24"}}`
	api.handle("/teams/acme/apps", jsonHandler(`[`+string(good)+`,`+odd+`,{"name":"team-app-1","owner":{"email":"t@example.com"}}]`))
	api.handle("/teams/acme/addons", jsonHandler(`[]`))
	c := testClient(t, api.srv.URL)
	n := watch(c)
	f, err := c.NewTeamFleet(context.Background(), "acme")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, r := range f.Apps() {
		names = append(names, r.Name)
	}
	if !slices.Equal(names, []string{"team-app-1", "x"}) {
		t.Errorf("apps = %q", names)
	}
	want := []string{`/teams/acme/apps[1] ("odd-app") skipped, the rest of the listing is used: field "generation": expected a string or an object`}
	if got := n.all(); !slices.Equal(got, want) {
		t.Errorf("notices = %q, want %q", got, want)
	}
	snap, err := f.Snapshot(context.Background(), "x")
	if err != nil {
		t.Fatal(err)
	}
	if snap.App.Stack != "heroku-24" || snap.App.Team != "acme" || len(snap.Formation) != 2 {
		t.Errorf("snapshot of x: %+v, formation %d", snap.App, len(snap.Formation))
	}
}

// Within one app: an odd formation item and an odd config value are left
// out with a notice, the rest of the part is used.
func TestAppPartWithOddItems(t *testing.T) {
	api, _, _ := world(t)
	api.handle("/apps/x/formation", jsonHandler(`[{"type":"web","command":"gunicorn app:app","quantity":2,"size":"Standard-1X"},
		{"type":"worker","command":"python worker.py","quantity":"lots","size":"Eco"}]`))
	api.handle("/apps/x/config-vars", jsonHandler(`{"SECRET_KEY":"s3cr3t-value-never-shown","WORKERS":4,"EMPTY":null}`))
	c := testClient(t, api.srv.URL)
	n := watch(c)
	snap, err := c.Snapshot(context.Background(), "x")
	if err != nil {
		t.Fatal(err)
	}
	if len(snap.Formation) != 1 || snap.Formation[0].Type != "web" || len(snap.ConfigVars) != 1 {
		t.Errorf("formation %+v, %d config vars", snap.Formation, len(snap.ConfigVars))
	}
	got := n.all()
	slices.Sort(got)
	want := []string{
		`/apps/x/config-vars: config var "WORKERS" skipped: expected a string or null`,
		`/apps/x/formation[1] ("worker") skipped, the rest of the listing is used: field "quantity": expected an integer (or a string holding one)`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("notices = %q\nwant %q", got, want)
	}
	for _, g := range snap.Gaps {
		t.Errorf("gap %+v", g)
	}
	for _, s := range got {
		assertNoSecrets(t, "notice", s)
	}
}

// Notices are bounded: past the cap, one line says the rest were left out.
func TestNoticesBounded(t *testing.T) {
	api, _, _ := world(t)
	var b strings.Builder
	b.WriteString("[")
	for i := range 80 {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`{"name":"web.` + strings.Repeat("1", i+1) + `","type":1}`)
	}
	b.WriteString("]")
	api.handle("/apps/x/dynos", jsonHandler(b.String()))
	c := testClient(t, api.srv.URL)
	n := watch(c)
	if _, err := c.Snapshot(context.Background(), "x"); err != nil {
		t.Fatal(err)
	}
	got := n.all()
	if len(got) != maxNotices+1 || !strings.HasPrefix(got[maxNotices], "more than 50 notices") {
		t.Errorf("%d notices, last %q", len(got), got[len(got)-1])
	}
}
