package heroku

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/herokuaudit/herokuaudit/audit"
)

func TestListTeamAppsPaginates(t *testing.T) {
	for _, tc := range []struct {
		name     string
		apps     int
		pageSize int
		calls    int
	}{
		{"450 apps in pages of 200", 450, 200, 3},
		{"450 apps in one page of 1000", 450, 1000, 1},
		{"exactly one page", 200, 200, 1},
		{"no apps", 0, 200, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			api := newFleetAPI(t, tc.apps)
			api.pageSize = tc.pageSize
			c := fleetClient(t, api, 4, 1000)
			refs, err := c.ListTeamApps(context.Background(), "acme")
			if err != nil {
				t.Fatal(err)
			}
			if len(refs) != tc.apps {
				t.Fatalf("%d apps, want %d", len(refs), tc.apps)
			}
			for i, r := range refs {
				if want := (AppRef{Name: fleetAppName(i), Team: "acme"}); r != want {
					t.Fatalf("refs[%d] = %+v, want %+v (sorted, no duplicates)", i, r, want)
				}
			}
			path := "/teams/acme/apps"
			if got := api.hitsOf(path); got != tc.calls {
				t.Errorf("%s asked %d times, want %d", path, got, tc.calls)
			}
			rs := api.rangesOf(path)
			if rs[0] != "id ..; max=1000" {
				t.Errorf("first Range = %q, want the largest page", rs[0])
			}
			for i, r := range rs[1:] {
				if want := fmt.Sprintf("id ]%s..; max=%d", fleetAppID((i+1)*tc.pageSize-1), tc.pageSize); r != want {
					t.Errorf("Range %d = %q, want the Next-Range %q", i+1, r, want)
				}
			}
		})
	}
}

func TestListAllApps(t *testing.T) {
	api := newFleetAPI(t, 250)
	api.pageSize = 200
	api.apps[3].joined = false // a team app not in the user's listing
	c := fleetClient(t, api, 4, 1000)
	refs, err := c.ListAllApps(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(refs) != 249 || api.hitsOf("/apps") != 2 {
		t.Errorf("%d apps in %d calls, want 249 in 2", len(refs), api.hitsOf("/apps"))
	}
	if refs[0] != (AppRef{Name: "app-0000", Team: "acme"}) {
		t.Errorf("refs[0] = %+v", refs[0])
	}
}

func TestListErrorsNameWhatFailed(t *testing.T) {
	for _, tc := range []struct {
		name string
		call func(c *Client) error
		path string
		code int
		want string
		kind ErrorKind
	}{
		{"team not found", func(c *Client) error { _, err := c.ListTeamApps(context.Background(), "nope"); return err },
			"", 0, `team "nope": not found (or no access) on /teams/nope/apps`, NotFound},
		{"team 500", func(c *Client) error { _, err := c.ListTeamApps(context.Background(), "acme"); return err },
			"/teams/acme/apps", 500, `team "acme": Heroku API error 500 on /teams/acme/apps`, Server},
		{"team 401", func(c *Client) error { _, err := c.NewTeamFleet(context.Background(), "acme"); return err },
			"/teams/acme/addons", 401, `team "acme": ` + unauthorizedMsg, Unauthorized},
		{"bad team name", func(c *Client) error { _, err := c.ListTeamApps(context.Background(), "a/b"); return err },
			"", 0, `team "a/b": invalid team name`, Other},
		{"all apps 403", func(c *Client) error { _, err := c.ListAllApps(context.Background()); return err },
			"/apps", 403, `account: forbidden (x): no access on /apps`, NotFound},
		{"pipeline not found", func(c *Client) error { _, err := c.ListPipelineApps(context.Background(), "shop"); return err },
			"", 0, `pipeline "shop": not found (or no access) on /pipelines/shop`, NotFound},
		{"bad pipeline name", func(c *Client) error { _, err := c.ListPipelineApps(context.Background(), ".."); return err },
			"", 0, `pipeline "..": invalid pipeline name`, Other},
		{"rate limits 401", func(c *Client) error { _, err := c.RateLimitBudget(context.Background()); return err },
			"/account/rate-limits", 401, `account: ` + unauthorizedMsg, Unauthorized},
	} {
		t.Run(tc.name, func(t *testing.T) {
			api := newFleetAPI(t, 3)
			api.override = func(w http.ResponseWriter, r *http.Request) bool {
				if r.URL.Path != tc.path {
					return false
				}
				// A server echoing the credential must not get it shown.
				writeAPIError(w, tc.code, "x", r.Header.Get("Authorization"))
				return true
			}
			err := tc.call(fleetClient(t, api, 4, 1000))
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("err = %v (%T), want *Error", err, err)
			}
			if err.Error() != tc.want || e.Kind != tc.kind {
				t.Errorf("err = [%v] %q, want [%v] %q", e.Kind, err, tc.kind, tc.want)
			}
			assertNoSecrets(t, "error", err.Error())
		})
	}
}

// pipelineAPI adds a pipeline "shop" to a fleetAPI: app-0000 in staging,
// app-0001 in production, and whatever extra couplings say.
func pipelineAPI(t *testing.T, api *fleetAPI, couplings map[string]string) {
	t.Helper()
	const id = "9f027be1-df85-4eaf-9568-f3eefdad48aa"
	api.override = func(w http.ResponseWriter, r *http.Request) bool {
		switch r.URL.Path {
		case "/pipelines/shop", "/pipelines/" + id:
			fmt.Fprintf(w, `{"id":%q,"name":"shop","owner":{"id":"t1","type":"team"}}`, id)
		case "/pipelines/" + id + "/pipeline-couplings":
			var items []string
			for _, app := range slices.Sorted(func(yield func(string) bool) {
				for k := range couplings {
					if !yield(k) {
						return
					}
				}
			}) {
				items = append(items, fmt.Sprintf(`{"id":"c-%s","app":{"id":%q},"pipeline":{"id":%q},"stage":%q}`, app, app, id, couplings[app]))
			}
			fmt.Fprint(w, "["+strings.Join(items, ",")+"]")
		default:
			return false
		}
		return true
	}
}

func TestListPipelineApps(t *testing.T) {
	for _, tc := range []struct {
		name      string
		couplings map[string]string // app id -> stage
		unjoined  int               // index of an app missing from GET /apps, -1 none
		want      []AppRef
		listings  int // GET /apps calls
		byID      int // GET /apps/{id} calls
	}{
		{
			name:      "several apps: one listing names them",
			couplings: map[string]string{fleetAppID(1): "production", fleetAppID(0): "staging", fleetAppID(2): "review", fleetAppID(3): "development"},
			unjoined:  -1,
			want: []AppRef{{"app-0002", "review", "acme"}, {"app-0003", "development", "acme"},
				{"app-0000", "staging", "acme"}, {"app-0001", "production", "acme"}},
			listings: 1,
		},
		{
			name:      "one app: asked for by id",
			couplings: map[string]string{fleetAppID(4): "production"},
			unjoined:  -1,
			want:      []AppRef{{"app-0004", "production", "acme"}},
			byID:      1,
		},
		{
			name:      "an app missing from the listing is asked for by id",
			couplings: map[string]string{fleetAppID(0): "staging", fleetAppID(1): "production"},
			unjoined:  1,
			want:      []AppRef{{"app-0000", "staging", "acme"}, {"app-0001", "production", "acme"}},
			listings:  1,
			byID:      1,
		},
		{
			name:      "an app no one can name keeps its id",
			couplings: map[string]string{fleetAppID(0): "staging", "deadbeef-gone": "production"},
			unjoined:  -1,
			want:      []AppRef{{"app-0000", "staging", "acme"}, {"deadbeef-gone", "production", ""}},
			listings:  1,
			byID:      1,
		},
		{
			name:      "empty pipeline",
			couplings: map[string]string{},
			unjoined:  -1,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			api := newFleetAPI(t, 6)
			if tc.unjoined >= 0 {
				api.apps[tc.unjoined].joined = false
			}
			pipelineAPI(t, api, tc.couplings)
			c := fleetClient(t, api, 4, 1000)
			refs, err := c.ListPipelineApps(context.Background(), "shop")
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(refs, tc.want) {
				t.Errorf("refs = %+v, want %+v", refs, tc.want)
			}
			if got := api.hitsOf("/apps"); got != tc.listings {
				t.Errorf("GET /apps %d times, want %d", got, tc.listings)
			}
			byID := 0
			for id := range tc.couplings {
				byID += api.hitsOf("/apps/" + id)
			}
			if byID != tc.byID {
				t.Errorf("GET /apps/{id} %d times, want %d", byID, tc.byID)
			}
		})
	}
}

func TestMatchApps(t *testing.T) {
	refs := []AppRef{{Name: "shop-staging"}, {Name: "shop-prod"}, {Name: "blog"}, {Name: "api-1"}, {Name: "api-22"}}
	names := func(rs []AppRef) []string {
		out := []string{}
		for _, r := range rs {
			out = append(out, r.Name)
		}
		return out
	}
	for _, tc := range []struct {
		name  string
		globs []string
		want  []string
	}{
		{"no globs: all", nil, []string{"shop-staging", "shop-prod", "blog", "api-1", "api-22"}},
		{"prefix", []string{"shop-*"}, []string{"shop-staging", "shop-prod"}},
		{"exact", []string{"blog"}, []string{"blog"}},
		{"one character", []string{"api-?"}, []string{"api-1"}},
		{"class", []string{"api-[0-9]*"}, []string{"api-1", "api-22"}},
		{"several globs keep order", []string{"blog", "shop-p*"}, []string{"shop-prod", "blog"}},
		{"nothing matches", []string{"nope*"}, []string{}},
		{"malformed glob matches nothing", []string{"api-["}, []string{}},
		{"not a substring match", []string{"shop"}, []string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := names(MatchApps(refs, tc.globs)); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("MatchApps(%q) = %q, want %q", tc.globs, got, tc.want)
			}
		})
	}
}

func TestCheckGlobs(t *testing.T) {
	for _, tc := range []struct {
		globs []string
		ok    bool
	}{
		{nil, true},
		{[]string{"shop-*", "a?c", "[a-z]*"}, true},
		{[]string{"ok", "bad["}, false},
		{[]string{`trailing\`}, false},
	} {
		t.Run(strings.Join(tc.globs, ","), func(t *testing.T) {
			if err := CheckGlobs(tc.globs); (err == nil) != tc.ok {
				t.Errorf("CheckGlobs(%q) = %v, want ok=%v", tc.globs, err, tc.ok)
			}
		})
	}
}

// runFleet snapshots every app of the fleet and returns the results by name.
func runFleet(t *testing.T, f *Fleet) (map[string]*audit.Snapshot, map[string]error) {
	t.Helper()
	var mu sync.Mutex
	snaps, errs := map[string]*audit.Snapshot{}, map[string]error{}
	refs := f.Apps()
	err := f.Each(context.Background(), refs, func(i int, s *audit.Snapshot, err error) {
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			errs[refs[i].Name] = err
			return
		}
		snaps[refs[i].Name] = s
	})
	if err != nil {
		t.Fatal(err)
	}
	return snaps, errs
}

// healthy asserts a fleet snapshot holds every fetched part, and exactly
// the three not-fetched gaps.
func healthy(t *testing.T, name string, s *audit.Snapshot) {
	t.Helper()
	if s.App.Name != name || s.App.Stack != "heroku-24" || s.App.Team != "acme" || s.App.Region != "eu" {
		t.Errorf("%s: App = %+v", name, s.App)
	}
	if s.ConfigVars["SECRET_KEY"] == "" || len(s.Formation) != 1 || len(s.Dynos) != 2 || s.Release == nil || s.Slug == nil {
		t.Errorf("%s: parts missing: config %d, formation %d, dynos %d, release %v, slug %v", name, len(s.ConfigVars), len(s.Formation), len(s.Dynos), s.Release, s.Slug)
	}
	if _, ok := s.Files.Get("Procfile"); !ok {
		t.Errorf("%s: no Procfile from the slug (gaps %v)", name, s.Gaps)
	}
	want := map[audit.Part]audit.Gap{}
	for _, p := range fleetSkip {
		want[p] = audit.Gap{Reason: "not fetched in fleet audits (use herokuaudit APP for these checks)"}
	}
	if !reflect.DeepEqual(s.Gaps, want) {
		t.Errorf("%s: Gaps = %+v, want only the not-fetched parts, not failed", name, s.Gaps)
	}
}

func TestTeamFleetSnapshots(t *testing.T) {
	const n = 12
	api := newFleetAPI(t, n)
	api.pageSize = 5 // the listings page too
	c := fleetClient(t, api, 4, 1000)
	f, err := c.NewTeamFleet(context.Background(), "acme")
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Apps()) != n || f.Warnings() != nil {
		t.Fatalf("Apps = %d, Warnings = %v", len(f.Apps()), f.Warnings())
	}
	snaps, errs := runFleet(t, f)
	if len(errs) != 0 {
		t.Fatalf("errors: %v", errs)
	}
	for i := range n {
		name := fleetAppName(i)
		s := snaps[name]
		healthy(t, name, s)
		// The app's record came from the team listing: maintenance is
		// there, acm is not (team-app objects have none).
		if s.App.Maintenance != (i%7 == 6) || s.App.ACM || s.App.ID != fleetAppID(i) {
			t.Errorf("%s: App = %+v", name, s.App)
		}
		// Team add-ons went to the right apps.
		want := []string{"heroku-postgresql-" + name}
		if i%3 == 0 {
			want = append(want, "heroku-redis-"+name)
		}
		var got []string
		for _, a := range s.Addons {
			got = append(got, a.Name)
		}
		slices.Sort(got)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: add-ons %q, want %q", name, got, want)
		}
		if s.Addons[0].Plan != "heroku-postgresql:essential-0" || s.Addons[0].ConfigVars[0] != "POSTGRESQL_URL" {
			t.Errorf("%s: add-on %+v", name, s.Addons[0])
		}
		// At most five calls of its own: config-vars, formation, dynos,
		// releases, slug.
		calls, by := api.hitsUnder(name)
		if calls != 5 {
			t.Errorf("%s: %d API calls, want 5: %v", name, calls, by)
		}
	}
	// Team-wide lists: once each (in pages of 5).
	if got, want := api.hitsOf("/teams/acme/apps"), 3; got != want {
		t.Errorf("team apps listed in %d calls, want %d", got, want)
	}
	if got := api.hitsOf("/teams/acme/addons"); got != 4 { // 16 add-ons
		t.Errorf("team add-ons listed in %d calls, want 4", got)
	}
	if got := c.Stats().APICalls; got != 5*n+3+4 {
		t.Errorf("APICalls = %d, want %d", got, 5*n+7)
	}
	// One release page of 10: a failed deploy on top costs no second call.
	if rs := api.rangesOf("/apps/app-0000/releases"); len(rs) != 1 || rs[0] != "version ..; max=10,order=desc" {
		t.Errorf("releases Range = %q", rs)
	}
}

// A fleet over arbitrary refs uses the account-wide listings; an app not in
// them is fetched whole, with its stage kept.
func TestFleetOverRefs(t *testing.T) {
	api := newFleetAPI(t, 6)
	api.apps[2].joined = false
	c := fleetClient(t, api, 4, 1000)
	refs := []AppRef{{Name: "app-0001", Stage: "staging", Team: "acme"}, {Name: "app-0002", Stage: "production", Team: "acme"}}
	f, err := c.NewFleet(context.Background(), refs)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(f.Apps(), refs) {
		t.Errorf("Apps = %+v, want the refs", f.Apps())
	}
	snaps, errs := runFleet(t, f)
	if len(errs) != 0 {
		t.Fatal(errs)
	}
	for _, tc := range []struct {
		name, stage string
		calls       int
		acm         bool
	}{
		{"app-0001", "staging", 5, true},    // record and add-ons from the listings
		{"app-0002", "production", 7, true}, // fetched with it: record and add-ons
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := snaps[tc.name]
			healthy(t, tc.name, s)
			if s.App.Stage != tc.stage || s.App.ACM != tc.acm || s.App.Generation != "cedar" {
				t.Errorf("App = %+v", s.App)
			}
			if calls, by := api.hitsUnder(tc.name); calls != tc.calls {
				t.Errorf("%d calls, want %d: %v", calls, tc.calls, by)
			}
		})
	}
	if len(snaps["app-0001"].Addons) != 1 || snaps["app-0001"].Addons[0].Name != "heroku-postgresql-app-0001" {
		t.Errorf("add-ons = %+v", snaps["app-0001"].Addons)
	}
	if api.hitsOf("/apps") != 1 || api.hitsOf("/addons") != 1 {
		t.Errorf("listings: /apps %d, /addons %d, want 1 each", api.hitsOf("/apps"), api.hitsOf("/addons"))
	}
}

func TestNewFleetWithoutRefsMakesNoCalls(t *testing.T) {
	api := newFleetAPI(t, 3)
	c := fleetClient(t, api, 4, 1000)
	f, err := c.NewFleet(context.Background(), nil)
	if err != nil || len(f.Apps()) != 0 {
		t.Fatalf("f = %v, err = %v", f, err)
	}
	if c.Stats().APICalls != 0 {
		t.Errorf("%d calls", c.Stats().APICalls)
	}
}

// A failed add-on listing is not fatal: each app's add-ons are fetched with
// it, and the fleet says so.
func TestFleetAddonListingFails(t *testing.T) {
	api := newFleetAPI(t, 3)
	api.override = func(w http.ResponseWriter, r *http.Request) bool {
		if r.URL.Path == "/teams/acme/addons" {
			writeAPIError(w, 403, "forbidden", "members cannot list add-ons")
			return true
		}
		return false
	}
	c := fleetClient(t, api, 4, 1000)
	f, err := c.NewTeamFleet(context.Background(), "acme")
	if err != nil {
		t.Fatal(err)
	}
	if w := f.Warnings(); len(w) != 1 || w[0] != `team "acme": add-ons could not be listed (forbidden: no access on /teams/acme/addons); fetching each app's add-ons with it` {
		t.Errorf("Warnings = %q", w)
	}
	snaps, errs := runFleet(t, f)
	if len(errs) != 0 {
		t.Fatal(errs)
	}
	for name, s := range snaps {
		healthy(t, name, s)
		if calls, _ := api.hitsUnder(name); calls != 6 || api.hitsOf("/apps/"+name+"/addons") != 1 {
			t.Errorf("%s: %d calls, want 6 with its add-ons", name, calls)
		}
	}
}

// One app failing, in any way, leaves the others whole.
func TestFleetFailingAppLeavesOthersIntact(t *testing.T) {
	const n = 8
	api := newFleetAPI(t, n)
	api.override = func(w http.ResponseWriter, r *http.Request) bool {
		switch {
		case r.URL.Path == "/apps/app-0001/config-vars":
			writeAPIError(w, 403, "forbidden", "You do not have access")
		case r.URL.Path == "/apps/app-0002/formation":
			writeAPIError(w, 500, "internal_server_error", "boom")
		case r.URL.Path == "/apps/app-0003/slugs/slug-app-0003":
			fmt.Fprintf(w, `{"id":"slug-app-0003","process_types":{"web":"x"},"stack":{"name":"heroku-24"},"blob":{"method":"get","url":%q}}`,
				api.blob.URL+"/blobs/broken.tgz?"+blobSecret)
		case strings.HasPrefix(r.URL.Path, "/apps/app-0004"):
			// deleted since the listing
			writeAPIError(w, 404, "not_found", "Couldn't find that app.")
		default:
			return false
		}
		return true
	}
	c := fleetClient(t, api, 4, 1000)
	f, err := c.NewTeamFleet(context.Background(), "acme")
	if err != nil {
		t.Fatal(err)
	}
	snaps, errs := runFleet(t, f)
	for _, tc := range []struct {
		app  string
		part audit.Part
		msg  string
	}{
		{"app-0001", audit.PartConfig, "forbidden: no access on /apps/app-0001/config-vars"},
		{"app-0002", audit.PartFormation, "Heroku API error 500 on /apps/app-0002/formation"},
		{"app-0003", audit.PartFiles, "reading slug: "},
	} {
		t.Run(tc.app, func(t *testing.T) {
			s := snaps[tc.app]
			if s == nil {
				t.Fatalf("no snapshot: %v", errs[tc.app])
			}
			g := s.Gaps[tc.part]
			if !g.Failed || !strings.HasPrefix(g.Reason, tc.msg) {
				t.Errorf("Gaps[%s] = %+v, want failed %q", tc.part, g, tc.msg)
			}
			assertNoSecrets(t, "gap", g.Reason)
			if len(s.Gaps) != 1+len(fleetSkip) {
				t.Errorf("Gaps = %+v, want that one and the parts not fetched", s.Gaps)
			}
		})
	}
	var e *Error
	if err := errs["app-0004"]; !errors.As(err, &e) || e.Kind != NotFound || err.Error() != `app "app-0004": not found (or no access)` {
		t.Errorf("deleted app: err = %v", err)
	}
	for _, i := range []int{0, 5, 6, 7} {
		name := fleetAppName(i)
		if s := snaps[name]; s == nil {
			t.Errorf("%s: %v", name, errs[name])
		} else {
			healthy(t, name, s)
		}
	}
}

// A rate-limit storm: every app still completes, whatever the retry bound
// of single-app audits (2 attempts here).
func TestFleetSurvives429Storm(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(api *fleetAPI)
	}{
		{"first three requests of every path", func(api *fleetAPI) {
			var mu sync.Mutex
			seen := map[string]int{}
			api.override = func(w http.ResponseWriter, r *http.Request) bool {
				mu.Lock()
				seen[r.URL.Path]++
				n := seen[r.URL.Path]
				mu.Unlock()
				if n > 3 {
					return false
				}
				api.throttled.Add(1)
				w.Header().Set("RateLimit-Remaining", "0")
				writeAPIError(w, http.StatusTooManyRequests, "rate_limit", "Your account reached the API rate limit.")
				return true
			}
		}},
		{"shared bucket runs dry", func(api *fleetAPI) {
			// 5 tokens for ~80 calls, refilled at 100/s: the client paces
			// at its own idea of the refill (2,500/s here), 25 times too
			// fast, so it meets 429s and must wait them out.
			api.bucket = newTokenBucket(5, 5, 100)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			const n = 16
			api := newFleetAPI(t, n)
			tc.setup(api)
			c := fleetClient(t, api, 4, 2000)
			var waits atomic.Int64
			c.OnWait(func(d time.Duration, reason string) {
				waits.Add(1)
				assertNoSecrets(t, "wait reason", reason)
			})
			f, err := c.NewTeamFleet(context.Background(), "acme")
			if err != nil {
				t.Fatal(err)
			}
			snaps, errs := runFleet(t, f)
			if len(errs) != 0 {
				t.Fatalf("apps failed: %v", errs)
			}
			for i := range n {
				healthy(t, fleetAppName(i), snaps[fleetAppName(i)])
			}
			st := c.Stats()
			if api.throttled.Load() == 0 || st.RateLimited != api.throttled.Load() {
				t.Errorf("429s: server sent %d, client counted %d", api.throttled.Load(), st.RateLimited)
			}
			if waits.Load() == 0 || st.Waits < st.RateLimited {
				t.Errorf("OnWait called %d times, Stats.Waits %d, for %d 429s", waits.Load(), st.Waits, st.RateLimited)
			}
		})
	}
}

// A single-app audit keeps its bound on 429s; a fleet's bound is
// FleetMaxAttempts when set.
func TestFleetMaxAttempts(t *testing.T) {
	api := newFleetAPI(t, 1)
	api.override = func(w http.ResponseWriter, r *http.Request) bool {
		if r.URL.Path == "/apps/app-0000/dynos" {
			writeAPIError(w, http.StatusTooManyRequests, "rate_limit", "slow down")
			return true
		}
		return false
	}
	c := fleetClient(t, api, 4, 1000)
	c.pacer.retry.FleetMaxAttempts = 7
	f, err := c.NewTeamFleet(context.Background(), "acme")
	if err != nil {
		t.Fatal(err)
	}
	s, err := f.Snapshot(context.Background(), "app-0000")
	if err != nil {
		t.Fatal(err)
	}
	if g := s.Gaps[audit.PartDynos]; !g.Failed || g.Reason != "rate limited by the Heroku API on /apps/app-0000/dynos (still 429 after 7 attempts)" {
		t.Errorf("Gaps[dynos] = %+v", g)
	}
	if got := api.hitsOf("/apps/app-0000/dynos"); got != 7 {
		t.Errorf("dynos asked %d times, want 7", got)
	}
	if _, err := c.Snapshot(context.Background(), "app-0000"); err != nil {
		t.Fatal(err)
	}
	if got := api.hitsOf("/apps/app-0000/dynos"); got != 7+2 {
		t.Errorf("single-app audit asked dynos %d times, want MaxAttempts 2", got-7)
	}
}

// The concurrency bound holds across all apps of a fleet, and is used.
func TestFleetConcurrencyBound(t *testing.T) {
	for _, limit := range []int{1, 3, 8} {
		t.Run(fmt.Sprint(limit), func(t *testing.T) {
			api := newFleetAPI(t, 20)
			api.latency = 3 * time.Millisecond
			c := fleetClient(t, api, limit, 1000)
			f, err := c.NewTeamFleet(context.Background(), "acme")
			if err != nil {
				t.Fatal(err)
			}
			if _, errs := runFleet(t, f); len(errs) != 0 {
				t.Fatal(errs)
			}
			if peak := api.peak.Load(); peak > int64(limit) || limit > 1 && peak < 2 {
				t.Errorf("peak in flight = %d, want <= %d (and concurrency used)", peak, limit)
			}
		})
	}
}

// The fleet over the shared sample fixtures, through the in-process fake.
func TestTeamFleetOnFixtures(t *testing.T) {
	c, err := NewFixtures("../fixtures", Options{})
	if err != nil {
		t.Fatal(err)
	}
	f, err := c.NewTeamFleet(context.Background(), "acme")
	if err != nil {
		t.Skip("no shared team fixtures:", err)
	}
	var names []string
	for _, r := range f.Apps() {
		names = append(names, r.Name)
	}
	if want := []string{"flask-insecure", "flask-production", "flask-secure", "flask-staging"}; !reflect.DeepEqual(names, want) {
		t.Fatalf("apps = %q, want %q", names, want)
	}
	before := c.Stats().APICalls
	for _, name := range names {
		s, err := f.Snapshot(context.Background(), name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for p, g := range s.Gaps {
			if g.Failed {
				t.Errorf("%s: gap %s failed: %s", name, p, g.Reason)
			}
		}
		if s.Files == nil || len(s.Addons) == 0 || s.App.Stack == "" {
			t.Errorf("%s: files %v, add-ons %d, app %+v", name, s.Files != nil, len(s.Addons), s.App)
		}
	}
	if calls := c.Stats().APICalls - before; calls > int64(5*len(names)) {
		t.Errorf("%d calls for %d apps, want at most 5 each", calls, len(names))
	}
}

func FuzzMatchApps(f *testing.F) {
	for _, s := range [][2]string{{"shop-*", "shop-prod"}, {"api-[0-9]", "api-1"}, {"a?c", "abc"}, {"[", "["}, {`x\`, "x"}, {"*", ""}, {"[^a]", "b"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, glob, name string) {
		got := MatchApps([]AppRef{{Name: name}}, []string{glob})
		if CheckGlobs([]string{glob}) != nil && len(got) != 0 {
			t.Errorf("malformed glob %q matched %q", glob, name)
		}
		if !strings.ContainsAny(glob, `*?[\`) && (len(got) == 1) != (glob == name) {
			t.Errorf("literal %q vs %q: matched %v", glob, name, len(got) == 1)
		}
		if len(MatchApps([]AppRef{{Name: name}}, nil)) != 1 {
			t.Error("no globs did not keep the app")
		}
	})
}

// Team-app records carry no generation: a release of an OCI image with no
// slug marks the app as Fir, so its slug checks skip instead of failing.
func TestFleetInfersFir(t *testing.T) {
	api := newFleetAPI(t, 2)
	api.override = func(w http.ResponseWriter, r *http.Request) bool {
		if r.URL.Path != "/apps/app-0001/releases" {
			return false
		}
		fmt.Fprint(w, `[{"version":3,"id":"r3","status":"succeeded","current":true,"slug":null,"artifacts":[{"type":"oci-image","id":"img"}]}]`)
		return true
	}
	c := fleetClient(t, api, 4, 1000)
	f, err := c.NewTeamFleet(context.Background(), "acme")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ app, gen string }{{"app-0000", ""}, {"app-0001", "fir"}} {
		t.Run(tc.app, func(t *testing.T) {
			s, err := f.Snapshot(context.Background(), tc.app)
			if err != nil {
				t.Fatal(err)
			}
			if s.App.Generation != tc.gen {
				t.Errorf("Generation = %q, want %q", s.App.Generation, tc.gen)
			}
			if g := s.Gaps[audit.PartSlug]; tc.gen == "fir" && (g.Failed || g.Reason != reasonFir) {
				t.Errorf("Gaps[slug] = %+v", g)
			}
		})
	}
}

// A fleet asks for ten releases at once: a failed deploy on top costs no
// second call; ten of them do, and the second page follows Next-Range.
func TestFleetCurrentRelease(t *testing.T) {
	rel := func(v int, current bool) string {
		return fmt.Sprintf(`{"version":%d,"id":"r%d","status":"failed","current":%t,"slug":{"id":"slug-app-0000"}}`, v, v, current)
	}
	for _, tc := range []struct {
		name  string
		pages map[string]string // Range -> body
		next  string
		want  int
		calls int
	}{
		{"failed deploy on top", map[string]string{
			"version ..; max=10,order=desc": "[" + rel(12, false) + "," + rel(11, true) + "]",
		}, "", 11, 1},
		{"ten failed deploys on top", map[string]string{
			"version ..; max=10,order=desc":    "[" + rel(30, false) + "," + rel(29, false) + "]",
			"version ]29..; max=10,order=desc": "[" + rel(28, false) + "," + rel(27, true) + "]",
		}, "version ]29..; max=10,order=desc", 27, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			api := newFleetAPI(t, 1)
			api.override = func(w http.ResponseWriter, r *http.Request) bool {
				if r.URL.Path != "/apps/app-0000/releases" {
					return false
				}
				body, ok := tc.pages[r.Header.Get("Range")]
				if !ok {
					writeAPIError(w, 400, "bad_request", "bad range")
					return true
				}
				if tc.next != "" && r.Header.Get("Range") != tc.next {
					w.Header().Set("Next-Range", tc.next)
					w.WriteHeader(http.StatusPartialContent)
				}
				fmt.Fprint(w, body)
				return true
			}
			c := fleetClient(t, api, 4, 1000)
			f, err := c.NewTeamFleet(context.Background(), "acme")
			if err != nil {
				t.Fatal(err)
			}
			s, err := f.Snapshot(context.Background(), "app-0000")
			if err != nil {
				t.Fatal(err)
			}
			if s.Release == nil || s.Release.Version != tc.want {
				t.Errorf("Release = %+v, want v%d (gaps %v)", s.Release, tc.want, s.Gaps)
			}
			if got := api.hitsOf("/apps/app-0000/releases"); got != tc.calls {
				t.Errorf("releases asked %d times, want %d", got, tc.calls)
			}
		})
	}
}

// On the sample fixtures, which hold no account-wide app listing and no
// app files by id, a pipeline still lists: its apps keep their ids.
func TestListPipelineAppsOnFixtures(t *testing.T) {
	c, err := NewFixtures("../fixtures", Options{})
	if err != nil {
		t.Fatal(err)
	}
	refs, err := c.ListPipelineApps(context.Background(), "flask-shop")
	if err != nil {
		t.Skip("no shared pipeline fixtures:", err)
	}
	if len(refs) != 2 || refs[0].Stage != "staging" || refs[1].Stage != "production" {
		t.Errorf("refs = %+v, want staging then production", refs)
	}
}
