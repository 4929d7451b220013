package heroku

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/herokuaudit/herokuaudit/audit"
	"github.com/herokuaudit/herokuaudit/heroku/fixture"
)

// checkDemo asserts the snapshot of testdata/fixtures' "demo" app, whose
// newest release (v8) failed, so the current one (v7) is found further back.
func checkDemo(t *testing.T, snap *audit.Snapshot) {
	t.Helper()
	if snap.App.Name != "demo" || snap.App.Team != "acme" || snap.App.Stack != "heroku-24" || snap.App.Generation != "cedar" || !snap.App.ACM {
		t.Errorf("App = %+v", snap.App)
	}
	if _, ok := snap.ConfigVars["WEB_CONCURRENCY"]; ok || len(snap.ConfigVars) != 2 {
		t.Errorf("ConfigVars has %d vars (null kept?)", len(snap.ConfigVars))
	}
	if p, ok := snap.Process("web"); !ok || p.Size != "standard-2x" || p.Quantity != 2 {
		t.Errorf("web process = %+v", p)
	}
	if len(snap.Dynos) != 3 || snap.Dynos[2].State != "crashed" {
		t.Errorf("Dynos = %+v", snap.Dynos)
	}
	if len(snap.Addons) != 1 || snap.Addons[0].Plan != "heroku-postgresql:standard-0" {
		t.Errorf("Addons = %+v", snap.Addons)
	}
	if want := []string{"heroku/python"}; !reflect.DeepEqual(snap.Buildpacks, want) {
		t.Errorf("Buildpacks = %q", snap.Buildpacks)
	}
	if snap.Release == nil || snap.Release.Version != 7 || snap.Release.SlugID != "s7" {
		t.Errorf("Release = %+v, want v7 (the current one)", snap.Release)
	}
	if snap.Slug == nil || snap.Slug.ProcessTypes["web"] != "gunicorn -c config/gunicorn.conf app:app" {
		t.Errorf("Slug = %+v", snap.Slug)
	}
	for _, p := range []string{"Procfile", ".python-version", "requirements.txt", "app.py", "config/gunicorn.conf"} {
		if _, ok := snap.Files.Get(p); !ok {
			t.Errorf("Files lacks %s (have %v)", p, snap.Files.Paths())
		}
	}
	if len(snap.Gaps) != 0 {
		t.Errorf("Gaps = %v", snap.Gaps)
	}
}

// The fake API over real HTTP, with the token sent and seen only there.
func TestSnapshotFixtureOverHTTP(t *testing.T) {
	var mu sync.Mutex
	var blobAuth, apiAuth []string
	h := fixture.Handler("testdata/fixtures")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		if strings.HasPrefix(r.URL.Path, "/blobs/") {
			blobAuth = append(blobAuth, r.Header.Get("Authorization"))
		} else {
			apiAuth = append(apiAuth, r.Header.Get("Authorization"))
		}
		mu.Unlock()
		h.ServeHTTP(w, r)
	}))
	defer srv.Close()
	c := testClient(t, srv.URL)
	snap, err := c.Snapshot(context.Background(), "demo")
	if err != nil {
		t.Fatal(err)
	}
	checkDemo(t, snap)
	if len(blobAuth) != 1 || blobAuth[0] != "" {
		t.Errorf("blob requests' Authorization = %q, want one request with none", blobAuth)
	}
	for _, a := range apiAuth {
		if a != "Bearer "+testToken {
			t.Errorf("API request Authorization = %q", a)
		}
	}
	if c.APICalls() != int64(len(apiAuth)) {
		t.Errorf("APICalls = %d, API saw %d", c.APICalls(), len(apiAuth))
	}
}

// --fixtures: in-process, no token.
func TestNewFixtures(t *testing.T) {
	c, err := NewFixtures("testdata/fixtures", Options{})
	if err != nil {
		t.Fatal(err)
	}
	snap, err := c.Snapshot(context.Background(), "demo")
	if err != nil {
		t.Fatal(err)
	}
	checkDemo(t, snap)
	_, err = c.Snapshot(context.Background(), "missing")
	if err == nil || err.Error() != `app "missing": not found (or no access)` {
		t.Errorf("missing app: %v", err)
	}
}

// The shared fixtures of the repository, when present, all snapshot
// without failing.
func TestSharedFixtures(t *testing.T) {
	entries, err := os.ReadDir("../fixtures/apps")
	if err != nil {
		t.Skip("no shared fixtures yet:", err)
	}
	c, err := NewFixtures("../fixtures", Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), ".json")
		if !ok || e.IsDir() {
			continue
		}
		t.Run(name, func(t *testing.T) {
			snap, err := c.Snapshot(context.Background(), name)
			if err != nil {
				t.Fatal(err)
			}
			for p, g := range snap.Gaps {
				if g.Failed {
					t.Errorf("gap %s failed: %s", p, g.Reason)
				}
			}
		})
	}
}
