package heroku

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/herokuaudit/herokuaudit/audit"
)

func TestSnapshotMapsEveryPart(t *testing.T) {
	api, blob, _ := world(t)
	c := testClient(t, api.srv.URL)
	snap, err := c.Snapshot(context.Background(), "x")
	if err != nil {
		t.Fatal(err)
	}
	wantApp := audit.App{Name: "x", ID: "01234567-89ab-cdef-0123-456789abcdef", Stack: "heroku-24", BuildStack: "heroku-24",
		Region: "eu", Generation: "cedar", Team: "acme", Space: "acme-eu", ACM: true, WebURL: "https://x-123.herokuapp.com/"}
	if snap.App != wantApp {
		t.Errorf("App = %+v, want %+v", snap.App, wantApp)
	}
	if want := map[string]string{"SECRET_KEY": "s3cr3t-value-never-shown", "DEBUG": "False"}; !reflect.DeepEqual(snap.ConfigVars, want) {
		t.Errorf("ConfigVars = %v, want %v (nulls dropped)", snap.ConfigVars, want)
	}
	wantForm := []audit.Process{
		{Type: "web", Command: webCmd, Quantity: 2, Size: "standard-2x"},
		{Type: "worker", Command: "python worker.py", Quantity: 1, Size: "eco"},
	}
	if !reflect.DeepEqual(snap.Formation, wantForm) {
		t.Errorf("Formation = %+v, want %+v", snap.Formation, wantForm)
	}
	wantDynos := []audit.Dyno{{Name: "web.1", Type: "web", State: "up", Size: "standard-2x"}, {Name: "web.2", Type: "web", State: "crashed", Size: "standard-2x"}}
	if !reflect.DeepEqual(snap.Dynos, wantDynos) {
		t.Errorf("Dynos = %+v, want %+v", snap.Dynos, wantDynos)
	}
	wantAddons := []audit.Addon{{Name: "postgresql-curved-123", Service: "heroku-postgresql", Plan: "heroku-postgresql:essential-0", State: "provisioned", ConfigVars: []string{"DATABASE_URL"}}}
	if !reflect.DeepEqual(snap.Addons, wantAddons) {
		t.Errorf("Addons = %+v, want %+v", snap.Addons, wantAddons)
	}
	// Build order by ordinal; the private URL loses its credentials.
	if want := []string{"heroku/python", "https://github.com/acme/bp.git#v2"}; !reflect.DeepEqual(snap.Buildpacks, want) {
		t.Errorf("Buildpacks = %q, want %q", snap.Buildpacks, want)
	}
	if want := (&audit.Release{Version: 42, ID: "rel-42", Status: "succeeded", SlugID: "slug-42"}); !reflect.DeepEqual(snap.Release, want) {
		t.Errorf("Release = %+v, want %+v", snap.Release, want)
	}
	if want := (&audit.Slug{ID: "slug-42", ProcessTypes: map[string]string{"web": webCmd}, Stack: "heroku-24", Size: 123456}); !reflect.DeepEqual(snap.Slug, want) {
		t.Errorf("Slug = %+v, want %+v", snap.Slug, want)
	}
	for _, p := range []string{"Procfile", ".python-version", "requirements.txt", "app.py", "config/gunicorn.conf"} {
		if _, ok := snap.Files.Get(p); !ok {
			t.Errorf("Files lacks %s (have %v)", p, snap.Files.Paths())
		}
	}
	if _, ok := snap.Files.Get("static/logo.png"); ok {
		t.Error("Files picked static/logo.png")
	}
	if len(snap.Gaps) != 0 {
		t.Errorf("Gaps = %v, want none", snap.Gaps)
	}
	if got := c.RateLimitRemaining(); got != 4321 {
		t.Errorf("RateLimitRemaining = %d, want 4321", got)
	}
	// app, config-vars, formation, dynos, addons, buildpacks, releases, slug,
	// domains, sni-endpoints, log-drains, features.
	if got := c.APICalls(); got != 12 {
		t.Errorf("APICalls = %d, want 12 (blob downloads excluded)", got)
	}
	if want := []string{"log-runtime-metrics", "runtime-dyno-metadata"}; !reflect.DeepEqual(snap.Features, want) {
		t.Errorf("Features = %v, want %v", snap.Features, want)
	}
	wantDomains := []audit.Domain{{Hostname: "x-123.herokuapp.com", Kind: "heroku"}, {Hostname: "www.example.com", Kind: "custom", ACMStatus: "cert issued", SNIEndpoint: "tokyo-123"}}
	if !reflect.DeepEqual(snap.Domains, wantDomains) {
		t.Errorf("Domains = %+v, want %+v", snap.Domains, wantDomains)
	}
	if len(snap.Certs) != 1 || snap.Certs[0].Name != "tokyo-123" || snap.Certs[0].ExpiresAt.Year() != 2027 {
		t.Errorf("Certs = %+v", snap.Certs)
	}
	if snap.LogDrains != 1 || snap.Taken.IsZero() {
		t.Errorf("LogDrains = %d, Taken = %v", snap.LogDrains, snap.Taken)
	}
	if n, _ := blob.seen(); n != 1 {
		t.Errorf("blob fetched %d times, want 1", n)
	}
}

// The token goes to the API host only; the presigned slug URL is fetched bare.
func TestAuthorizationOnlyToAPIHost(t *testing.T) {
	api, blob, _ := world(t)
	c := testClient(t, api.srv.URL)
	if _, err := c.Snapshot(context.Background(), "x"); err != nil {
		t.Fatal(err)
	}
	if got, want := api.authSeen(), []string{"Bearer " + testToken}; !reflect.DeepEqual(got, want) {
		t.Errorf("API saw Authorization %q, want %q", got, want)
	}
	n, auth := blob.seen()
	if n == 0 {
		t.Fatal("blob server never asked")
	}
	for _, a := range auth {
		if a != "" {
			t.Errorf("blob server got Authorization %q, want none", a)
		}
	}
}

// A redirect from the API is not followed: hk.Transport would add the token
// to the next hop too.
func TestAPIRedirectNotFollowed(t *testing.T) {
	var elsewhere atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		elsewhere.Add(1)
		if r.Header.Get("Authorization") != "" {
			t.Error("token followed a redirect to another host")
		}
	}))
	defer other.Close()
	api := newFakeAPI(t)
	api.handle("/apps/x", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/steal", http.StatusFound)
	})
	_, err := testClient(t, api.srv.URL).Snapshot(context.Background(), "x")
	var e *Error
	if !errors.As(err, &e) || e.Msg != "Heroku API error 302 on /apps/x" {
		t.Errorf("err = %v, want Heroku API error 302", err)
	}
	if elsewhere.Load() != 0 {
		t.Error("redirect was followed")
	}
}

func TestSnapshotAppErrors(t *testing.T) {
	for _, tc := range []struct {
		name    string
		handler http.HandlerFunc
		kind    ErrorKind
		msg     string
		calls   int // requests to /apps/x, 0 = don't check
	}{
		{"401", statusHandler(401, `{"id":"unauthorized","message":"Invalid credentials provided."}`), Unauthorized,
			`app "x": unauthorized: the token was rejected (run heroku login or set HEROKU_API_KEY)`, 1},
		{"403", statusHandler(403, `{"id":"forbidden","message":"You do not have access to the app x."}`), NotFound,
			`app "x": forbidden: no access`, 1},
		{"403 no id", statusHandler(403, `{"message":"no"}`), NotFound,
			`app "x": not found (or no access)`, 1},
		{"403 suspended", statusHandler(403, `{"id":"suspended","message":"This account has been suspended."}`), AccountBlocked,
			`app "x": the account is suspended`, 1},
		{"403 delinquent", statusHandler(403, `{"id":"delinquent","message":"`+testToken+`"}`), AccountBlocked,
			`app "x": delinquent: billing for the account is past due`, 1},
		{"404 no id", statusHandler(404, `{"message":"Not found."}`), NotFound,
			`app "x": not found (or no access)`, 1},
		{"404 not JSON", statusHandler(404, `Not Found`), NotFound,
			`app "x": not found (or no access)`, 1},
		{"404", statusHandler(404, `{"id":"not_found","message":"Couldn't find that app."}`), NotFound,
			`app "x": not found (or no access)`, 1},
		{"500 json", statusHandler(500, `{"id":"internal_server_error","message":"boom"}`), Server,
			`app "x": Heroku API error 500 on /apps/x`, 1},
		{"503 html after retries", statusHandler(503, `<html>Service Unavailable</html>`), Server,
			`app "x": Heroku API error 503 on /apps/x`, 4},
		{"429 forever", statusHandler(429, `{"id":"rate_limit","message":"Your account reached the API rate limit"}`), RateLimited,
			`app "x": rate limited by the Heroku API on /apps/x (still 429 after 4 attempts)`, 4},
		{"malformed", jsonHandler(`{"name": "x", "stack": `), Malformed,
			`app "x": malformed response from /apps/x: not valid JSON (at byte 23)`, 1},
		{"wrong shape", jsonHandler(`["an", "array"]`), Malformed,
			`app "x": malformed response from /apps/x: expected an object`, 1},
		{"odd field", jsonHandler(`{"name": "x", "maintenance": "` + testToken + `"}`), Malformed,
			`app "x": malformed response from /apps/x: field "maintenance": expected true or false`, 1},
		{"odd nested field", jsonHandler(`{"name": "x", "generation": ["` + testToken + `"]}`), Malformed,
			`app "x": malformed response from /apps/x: field "generation": expected a string or an object`, 1},
		{"other status", statusHandler(422, `{"id":"invalid_params","message":"`+testToken+`"}`), Other,
			`app "x": Heroku API error 422 (invalid_params) on /apps/x`, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			api, _, _ := world(t)
			api.handle("/apps/x", tc.handler)
			c := testClient(t, api.srv.URL)
			snap, err := c.Snapshot(context.Background(), "x")
			if snap != nil {
				t.Errorf("snapshot returned with a failing app: %+v", snap.App)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("err = %v (%T), want *Error", err, err)
			}
			if e.Kind != tc.kind || err.Error() != tc.msg {
				t.Errorf("err = [%v] %q, want [%v] %q", e.Kind, err.Error(), tc.kind, tc.msg)
			}
			if tc.calls != 0 {
				if got := api.hitsOf("/apps/x"); got != tc.calls {
					t.Errorf("/apps/x asked %d times, want %d", got, tc.calls)
				}
			}
			assertNoSecrets(t, "error", err.Error())
		})
	}
}

func TestRetryThenSuccess(t *testing.T) {
	for _, code := range []int{429, 503} {
		t.Run(fmt.Sprint(code), func(t *testing.T) {
			api, _, fx := world(t)
			var n atomic.Int32
			api.handle("/apps/x", func(w http.ResponseWriter, r *http.Request) {
				if n.Add(1) <= 2 {
					w.Header().Set("RateLimit-Remaining", "0")
					statusHandler(code, `{"id":"rate_limit","message":"slow down"}`)(w, r)
					return
				}
				jsonHandler(fx.app)(w, r)
			})
			c := testClient(t, api.srv.URL)
			snap, err := c.Snapshot(context.Background(), "x")
			if err != nil {
				t.Fatal(err)
			}
			if snap.App.Stack != "heroku-24" {
				t.Errorf("App not filled after retries: %+v", snap.App)
			}
			if got := api.hitsOf("/apps/x"); got != 3 {
				t.Errorf("/apps/x asked %d times, want 3", got)
			}
			if got := c.APICalls(); got != 14 {
				t.Errorf("APICalls = %d, want 14 (12 + 2 retries)", got)
			}
		})
	}
}

func TestPartFailuresBecomeGaps(t *testing.T) {
	for _, tc := range []struct {
		name    string
		path    string
		handler http.HandlerFunc
		gaps    map[audit.Part]string // part -> reason substring; all failed
		check   func(t *testing.T, s *audit.Snapshot)
	}{
		{"500 on dynos", "/apps/x/dynos", statusHandler(500, `{"id":"internal","message":"x"}`),
			map[audit.Part]string{audit.PartDynos: "Heroku API error 500 on /apps/x/dynos"},
			func(t *testing.T, s *audit.Snapshot) {
				if s.Dynos != nil {
					t.Errorf("Dynos = %v, want none", s.Dynos)
				}
			}},
		{"malformed config vars", "/apps/x/config-vars", jsonHandler(`{"SECRET_KEY": "s3cr3t-value-never-shown", `),
			map[audit.Part]string{audit.PartConfig: "malformed response from /apps/x/config-vars"},
			func(t *testing.T, s *audit.Snapshot) {
				if s.ConfigVars != nil {
					t.Errorf("ConfigVars = %v, want none", s.ConfigVars)
				}
			}},
		{"403 on config vars", "/apps/x/config-vars", statusHandler(403, `{"id":"forbidden","message":"no"}`),
			map[audit.Part]string{audit.PartConfig: "forbidden: no access on /apps/x/config-vars"}, nil},
		{"release list fails", "/apps/x/releases", statusHandler(502, `bad gateway`),
			map[audit.Part]string{audit.PartRelease: "Heroku API error 502", audit.PartSlug: "Heroku API error 502", audit.PartFiles: "Heroku API error 502"}, nil},
		{"slug info fails", "/apps/x/slugs/slug-42", statusHandler(404, `{"id":"not_found"}`),
			map[audit.Part]string{audit.PartSlug: "not found (or no access) on /apps/x/slugs/slug-42", audit.PartFiles: "not found"},
			func(t *testing.T, s *audit.Snapshot) {
				if s.Release == nil || s.Release.Version != 42 {
					t.Errorf("Release = %+v, want v42 kept", s.Release)
				}
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			api, _, _ := world(t)
			api.handle(tc.path, tc.handler)
			snap, err := testClient(t, api.srv.URL).Snapshot(context.Background(), "x")
			if err != nil {
				t.Fatalf("a failing part failed the app: %v", err)
			}
			if len(snap.Gaps) != len(tc.gaps) {
				t.Errorf("Gaps = %v, want exactly %v", snap.Gaps, tc.gaps)
			}
			for p, want := range tc.gaps {
				g, ok := snap.Gaps[p]
				if !ok || !g.Failed || !strings.Contains(g.Reason, want) {
					t.Errorf("Gaps[%s] = %+v (present %v), want failed with %q", p, g, ok, want)
				}
				assertNoSecrets(t, "gap", g.Reason)
			}
			// Everything else is still there.
			if snap.App.Stack != "heroku-24" || len(snap.Formation) != 2 || len(snap.Addons) != 1 || len(snap.Buildpacks) != 2 {
				t.Errorf("other parts missing: app %+v, formation %d, addons %d, buildpacks %d", snap.App, len(snap.Formation), len(snap.Addons), len(snap.Buildpacks))
			}
			if tc.check != nil {
				tc.check(t, snap)
			}
		})
	}
}

// A rejected token on any part fails the app: nothing else will work either.
func TestUnauthorizedPartFailsApp(t *testing.T) {
	api, _, _ := world(t)
	api.handle("/apps/x/addons", statusHandler(401, `{"id":"unauthorized","message":"Invalid credentials provided."}`))
	_, err := testClient(t, api.srv.URL).Snapshot(context.Background(), "x")
	var e *Error
	if !errors.As(err, &e) || e.Kind != Unauthorized || e.App != "x" {
		t.Fatalf("err = %v, want Unauthorized for x", err)
	}
}

func TestTimeout(t *testing.T) {
	for _, path := range []string{"/apps/x", "/apps/x/dynos"} {
		t.Run(path, func(t *testing.T) {
			api, _, _ := world(t)
			release := make(chan struct{})
			defer close(release)
			api.handle(path, func(w http.ResponseWriter, r *http.Request) {
				select {
				case <-r.Context().Done():
				case <-release:
				}
			})
			ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
			defer cancel()
			start := time.Now()
			_, err := testClient(t, api.srv.URL).Snapshot(ctx, "x")
			if took := time.Since(start); took > 2*time.Second {
				t.Errorf("took %v to time out", took)
			}
			var e *Error
			if !errors.As(err, &e) || e.Kind != Timeout || !strings.HasPrefix(err.Error(), `app "x": timed out after `) {
				t.Fatalf("err = %v, want a Timeout error", err)
			}
		})
	}
}

func TestPagination(t *testing.T) {
	api, _, _ := world(t)
	pages := map[string]struct{ body, next string }{
		"":                {`[{"type":"web","command":"a","quantity":1,"size":"eco"}]`, "id ]p1..; max=1"},
		"id ]p1..; max=1": {`[{"type":"worker","command":"b","quantity":1,"size":"eco"}]`, "id ]p2..; max=1"},
		"id ]p2..; max=1": {`[{"type":"clock","command":"c","quantity":1,"size":"eco"}]`, ""},
	}
	api.handle("/apps/x/formation", func(w http.ResponseWriter, r *http.Request) {
		p, ok := pages[r.Header.Get("Range")]
		if !ok {
			http.Error(w, "bad range", http.StatusRequestedRangeNotSatisfiable)
			return
		}
		if p.next != "" {
			w.Header().Set("Next-Range", p.next)
			w.WriteHeader(http.StatusPartialContent)
		}
		fmt.Fprint(w, p.body)
	})
	snap, err := testClient(t, api.srv.URL).Snapshot(context.Background(), "x")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range snap.Formation {
		got = append(got, p.Type)
	}
	if want := []string{"web", "worker", "clock"}; !reflect.DeepEqual(got, want) {
		t.Errorf("formation = %v, want %v in order (gaps %v)", got, want, snap.Gaps)
	}
}

// A server that answers every page with the same Next-Range must not loop.
func TestPaginationThatDoesNotAdvance(t *testing.T) {
	api, _, _ := world(t)
	api.handle("/apps/x/addons", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Next-Range", "id ]same..")
		w.WriteHeader(http.StatusPartialContent)
		fmt.Fprint(w, `[]`)
	})
	snap, err := testClient(t, api.srv.URL).Snapshot(context.Background(), "x")
	if err != nil {
		t.Fatal(err)
	}
	if g := snap.Gaps[audit.PartAddons]; !g.Failed || !strings.Contains(g.Reason, "pagination does not advance") {
		t.Errorf("Gaps[addons] = %+v", g)
	}
	if n := api.hitsOf("/apps/x/addons"); n > 3 {
		t.Errorf("asked %d times", n)
	}
}

func TestReleaseVariants(t *testing.T) {
	for _, tc := range []struct {
		name     string
		app      string                  // replaces the app record when set
		releases func(rng string) string // body for a Range header
		release  *audit.Release
		gaps     map[audit.Part]audit.Gap
	}{
		{
			name: "fir app",
			app:  `{"name":"x","stack":{"name":"heroku-24"},"generation":{"name":"fir"}}`,
			releases: func(string) string {
				return `[{"version":3,"id":"r3","status":"succeeded","current":true,"slug":null,"artifacts":[{"type":"oci-image","id":"img"}]}]`
			},
			release: &audit.Release{Version: 3, ID: "r3", Status: "succeeded"},
			gaps: map[audit.Part]audit.Gap{
				audit.PartSlug:  {Reason: "Fir-generation apps release OCI images, not slugs"},
				audit.PartFiles: {Reason: "Fir-generation apps release OCI images, not slugs"},
			},
		},
		{
			name: "release without slug",
			releases: func(string) string {
				return `[{"version":1,"id":"r1","status":"succeeded","current":true,"slug":null}]`
			},
			release: &audit.Release{Version: 1, ID: "r1", Status: "succeeded"},
			gaps: map[audit.Part]audit.Gap{
				audit.PartSlug:  {Reason: "the current release has no slug"},
				audit.PartFiles: {Reason: "the current release has no slug"},
			},
		},
		{
			name:     "no releases",
			releases: func(string) string { return `[]` },
			gaps: map[audit.Part]audit.Gap{
				audit.PartRelease: {Reason: "the app has no releases"},
				audit.PartSlug:    {Reason: "the app has no releases"},
				audit.PartFiles:   {Reason: "the app has no releases"},
			},
		},
		{
			name: "newest is not current",
			releases: func(rng string) string {
				switch rng {
				case "version ..; max=1,order=desc":
					return `[{"version":44,"id":"r44","status":"failed","current":false,"slug":{"id":"slug-44"}}]`
				case "version ..; max=10,order=desc":
					return `[{"version":44,"id":"r44","status":"failed","current":false,"slug":{"id":"slug-44"}},
						{"version":43,"id":"r43","status":"succeeded","current":false,"slug":{"id":"slug-43"}},
						{"version":42,"id":"rel-42","status":"succeeded","current":true,"slug":{"id":"slug-42"}}]`
				}
				return `{"id":"bad_range"}`
			},
			release: &audit.Release{Version: 42, ID: "rel-42", Status: "succeeded", SlugID: "slug-42"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			api, _, _ := world(t)
			if tc.app != "" {
				api.handle("/apps/x", jsonHandler(tc.app))
			}
			api.handle("/apps/x/releases", func(w http.ResponseWriter, r *http.Request) {
				fmt.Fprint(w, tc.releases(r.Header.Get("Range")))
			})
			snap, err := testClient(t, api.srv.URL).Snapshot(context.Background(), "x")
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(snap.Release, tc.release) {
				t.Errorf("Release = %+v, want %+v", snap.Release, tc.release)
			}
			if len(tc.gaps) == 0 && len(snap.Gaps) != 0 || len(tc.gaps) != 0 && !reflect.DeepEqual(snap.Gaps, tc.gaps) {
				t.Errorf("Gaps = %+v, want %+v", snap.Gaps, tc.gaps)
			}
			if tc.gaps == nil && snap.Files == nil {
				t.Error("Files missing")
			}
			if got := api.rangesOf("/apps/x/releases"); got[0] != "version ..; max=1,order=desc" {
				t.Errorf("first releases Range = %q", got[0])
			}
		})
	}
}

// The presigned URL's query string is a credential: no failure may show it.
func TestBlobFailuresDoNotLeakURL(t *testing.T) {
	closed := httptest.NewServer(http.NotFoundHandler())
	closedURL := closed.URL + "/blobs/slug.tgz?" + blobSecret
	closed.Close()
	for _, tc := range []struct {
		name   string
		setup  func(b *blobServer) string // returns the blob URL to advertise
		reason string
	}{
		{"500", func(b *blobServer) string { b.code = 500; return b.url() }, "downloading slug: HTTP 500"},
		{"403", func(b *blobServer) string { b.code = 403; return b.url() }, "downloading slug: HTTP 403"},
		{"connection refused", func(*blobServer) string { return closedURL }, "downloading slug: dial failed: connection refused"},
		{"plain http elsewhere", func(*blobServer) string { return "http://s3.example.com/blobs/slug.tgz?" + blobSecret }, "downloading slug: refused"},
		{"unparseable", func(*blobServer) string { return "http://[::1/blobs/?" + blobSecret }, "downloading slug: invalid URL"},
		{"corrupt tarball", func(b *blobServer) string { b.body = []byte("not gzip at all " + blobSecret); return b.url() }, "reading slug: "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			blob := newBlobServer(t, slugTarball(t, slugFiles))
			blob.mu.Lock()
			u := tc.setup(blob)
			blob.mu.Unlock()
			api := newFakeAPI(t)
			fx := cedarApp(u)
			api.install(fx)
			snap, err := testClient(t, api.srv.URL).Snapshot(context.Background(), "x")
			if err != nil {
				t.Fatal(err)
			}
			g := snap.Gaps[audit.PartFiles]
			if !g.Failed || !strings.HasPrefix(g.Reason, tc.reason) {
				t.Errorf("Gaps[files] = %+v, want failed with %q", g, tc.reason)
			}
			assertNoSecrets(t, "files gap", g.Reason)
			if strings.Contains(g.Reason, "://") {
				t.Errorf("gap shows a URL: %s", g.Reason)
			}
			if snap.Slug == nil || snap.Slug.ID != "slug-42" {
				t.Errorf("slug metadata lost: %+v", snap.Slug)
			}
			if _, ok := snap.Gaps[audit.PartSlug]; ok {
				t.Errorf("slug part has a gap: %+v", snap.Gaps)
			}
		})
	}
}

// No failure, of the app or of a part, shows the token.
func TestTokenNeverInErrors(t *testing.T) {
	echo := func(code int) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(code)
			// A hostile or buggy server echoing the credential back.
			fmt.Fprintf(w, `{"id":"%s","message":"%s"}`, r.Header.Get("Authorization"), r.Header.Get("Authorization"))
		}
	}
	for _, code := range []int{400, 401, 403, 404, 409, 422, 429, 500, 503} {
		for _, path := range []string{"/apps/x", "/apps/x/config-vars", "/apps/x/releases", "/apps/x/slugs/slug-42"} {
			t.Run(fmt.Sprint(code, path), func(t *testing.T) {
				api, _, _ := world(t)
				api.handle(path, echo(code))
				snap, err := testClient(t, api.srv.URL).Snapshot(context.Background(), "x")
				if err != nil {
					assertNoSecrets(t, "error", err.Error())
					return
				}
				for p, g := range snap.Gaps {
					assertNoSecrets(t, "gap "+string(p), g.Reason)
				}
				if len(snap.Gaps) == 0 {
					t.Error("failure left no gap")
				}
			})
		}
	}
}

func TestSnapshotRejectsBadAppNames(t *testing.T) {
	api, _, _ := world(t)
	c := testClient(t, api.srv.URL)
	for _, name := range []string{"", "a/b", "a b", "../account", "..", "x\n"} {
		t.Run(fmt.Sprintf("%q", name), func(t *testing.T) {
			if _, err := c.Snapshot(context.Background(), name); err == nil {
				t.Errorf("Snapshot(%q) succeeded", name)
			}
		})
	}
	if c.APICalls() != 0 {
		t.Errorf("bad names reached the API: %d calls", c.APICalls())
	}
}

func TestScrubURL(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"heroku/python", "heroku/python"},
		{"urn:buildpack:heroku/python", "urn:buildpack:heroku/python"},
		{"https://github.com/acme/bp.git#v2", "https://github.com/acme/bp.git#v2"},
		{"https://user:pw@github.com/acme/bp.git?token=x", "https://github.com/acme/bp.git"},
		{"https://tok@host/%zz?x", "[unparseable buildpack URL]"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			if got := scrubURL(tc.in); got != tc.want {
				t.Errorf("scrubURL(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestSkipSlugFiles(t *testing.T) {
	api, blob, _ := world(t)
	c, err := New(Options{Token: testToken, URL: api.srv.URL, SkipSlugFiles: true})
	if err != nil {
		t.Fatal(err)
	}
	snap, err := c.Snapshot(context.Background(), "x")
	if err != nil {
		t.Fatal(err)
	}
	if snap.Slug == nil || snap.Slug.ProcessTypes["web"] != webCmd {
		t.Errorf("slug metadata missing: %+v", snap.Slug)
	}
	if snap.Files != nil {
		t.Errorf("Files = %v, want nil: the caller fills them", snap.Files.Paths())
	}
	if n, _ := blob.seen(); n != 0 {
		t.Errorf("blob fetched %d times, want 0", n)
	}
}
