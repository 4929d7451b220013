package heroku

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// testToken looks like a real token so a leak is easy to spot.
const testToken = "HRKU-tok3n-0123456789abcdef-SECRET"

// blobSecret is the presigned URL's credential; it must never be shown.
const blobSecret = "X-Amz-Signature=deadbeefSECRETSIG"

// fakeAPI is a Platform API double: per-path handlers, with the requests it
// saw recorded.
type fakeAPI struct {
	srv    *httptest.Server
	mu     sync.Mutex
	routes map[string]http.HandlerFunc
	hits   map[string]int
	auth   map[string]bool // Authorization values seen
	ranges map[string][]string
}

func newFakeAPI(t testing.TB) *fakeAPI {
	t.Helper()
	f := &fakeAPI{routes: map[string]http.HandlerFunc{}, hits: map[string]int{}, auth: map[string]bool{}, ranges: map[string][]string{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeAPI) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.hits[r.URL.Path]++
	f.auth[r.Header.Get("Authorization")] = true
	f.ranges[r.URL.Path] = append(f.ranges[r.URL.Path], r.Header.Get("Range"))
	h := f.routes[r.URL.Path]
	f.mu.Unlock()
	if r.Method != http.MethodGet {
		http.Error(w, `{"id":"bad_method","message":"GET only"}`, http.StatusMethodNotAllowed)
		return
	}
	if r.Header.Get("Accept") != "application/vnd.heroku+json; version=3" {
		http.Error(w, `{"id":"not_acceptable","message":"Accept"}`, http.StatusNotAcceptable)
		return
	}
	if h == nil {
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, `{"id":"not_found","message":"Couldn't find that."}`)
		return
	}
	h(w, r)
}

func (f *fakeAPI) handle(path string, h http.HandlerFunc) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.routes[path] = h
}

func (f *fakeAPI) hitsOf(path string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.hits[path]
}

func (f *fakeAPI) rangesOf(path string) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.ranges[path]...)
}

func (f *fakeAPI) authSeen() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for a := range f.auth {
		out = append(out, a)
	}
	sort.Strings(out)
	return out
}

func jsonHandler(body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("RateLimit-Remaining", "4321")
		fmt.Fprint(w, body)
	}
}

func statusHandler(code int, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(code)
		fmt.Fprint(w, body)
	}
}

// blobServer serves slug tarballs and records the Authorization headers it
// was sent (there must be none).
type blobServer struct {
	srv  *httptest.Server
	mu   sync.Mutex
	auth []string
	hits int
	body []byte
	code int
}

func newBlobServer(t *testing.T, body []byte) *blobServer {
	t.Helper()
	b := &blobServer{body: body, code: http.StatusOK}
	b.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b.mu.Lock()
		b.hits++
		b.auth = append(b.auth, r.Header.Get("Authorization"))
		code, body := b.code, b.body
		b.mu.Unlock()
		if r.URL.Query().Get("X-Amz-Signature") != "deadbeefSECRETSIG" {
			http.Error(w, "bad signature", http.StatusForbidden)
			return
		}
		w.WriteHeader(code)
		w.Write(body)
	}))
	t.Cleanup(b.srv.Close)
	return b
}

func (b *blobServer) seen() (int, []string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.hits, append([]string(nil), b.auth...)
}

// url is the presigned URL of the slug on this server.
func (b *blobServer) url() string {
	return b.srv.URL + "/blobs/slug.tgz?" + blobSecret + "&X-Amz-Expires=3600"
}

// slugTarball builds a gzipped tar with files under ./app/, as Heroku does.
func slugTarball(t testing.TB, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		hdr := &tar.Header{Name: "./app/" + n, Mode: 0o644, Size: int64(len(files[n])), Typeflag: tar.TypeReg, ModTime: time.Unix(1700000000, 0)}
		if err := tw.WriteHeader(hdr); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte(files[n])); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

const webCmd = "gunicorn -c config/gunicorn.conf --workers 3 app:app"

var slugFiles = map[string]string{
	"Procfile":              "web: " + webCmd + "\n",
	".python-version":       "3.13\n",
	"requirements.txt":      "flask==3.1.2\ngunicorn==26.1.0\n",
	"app.py":                "import os\nfrom flask import Flask\napp = Flask(__name__)\n",
	"config/gunicorn.conf":  "timeout = 20\n",
	"static/logo.png":       "not picked",
	".heroku/python/bin/py": "not picked",
}

// appFixture is a complete cedar app, its parts in the API's own shapes.
type appFixture struct {
	app, config, formation, dynos, addons, buildpacks, releases, slug string
	domains, certs, drains, features                                  string
}

func cedarApp(blobURL string) appFixture {
	return appFixture{
		app: `{"name":"x","id":"01234567-89ab-cdef-0123-456789abcdef","stack":{"name":"heroku-24"},"build_stack":{"name":"heroku-24"},
			"region":{"name":"eu"},"generation":{"name":"cedar"},"team":{"name":"acme"},"space":{"name":"acme-eu"},
			"acm":true,"maintenance":false,"web_url":"https://x-123.herokuapp.com/"}`,
		config:    `{"SECRET_KEY":"s3cr3t-value-never-shown","DEBUG":"False","EMPTY":null}`,
		formation: `[{"type":"web","command":"` + webCmd + `","quantity":2,"size":"Standard-1X","dyno_size":{"name":"Standard-2X"}},{"type":"worker","command":"python worker.py","quantity":1,"size":"Eco"}]`,
		dynos:     `[{"name":"web.1","type":"web","state":"up","size":"Standard-2X"},{"name":"web.2","type":"web","state":"crashed","size":"Standard-2X"}]`,
		addons:    `[{"name":"postgresql-curved-123","addon_service":{"name":"heroku-postgresql"},"plan":{"name":"heroku-postgresql:essential-0"},"state":"provisioned","config_vars":["DATABASE_URL"]}]`,
		buildpacks: `[{"ordinal":1,"buildpack":{"name":"","url":"https://user:ghp_TOKEN@github.com/acme/bp.git?token=abc#v2"}},
			{"ordinal":0,"buildpack":{"name":"heroku/python","url":"urn:buildpack:heroku/python"}}]`,
		releases: `[{"version":42,"id":"rel-42","status":"succeeded","current":true,"slug":{"id":"slug-42"}}]`,
		slug:     `{"id":"slug-42","process_types":{"web":"` + webCmd + `"},"stack":{"name":"heroku-24"},"size":123456,"blob":{"method":"get","url":"` + blobURL + `"}}`,
		domains: `[{"id":"d1","hostname":"x-123.herokuapp.com","kind":"heroku","acm_status":null,"sni_endpoint":null},
			{"id":"d2","hostname":"www.example.com","kind":"custom","acm_status":"cert issued","sni_endpoint":{"id":"s1","name":"tokyo-123"}}]`,
		certs:  `[{"id":"s1","name":"tokyo-123","domains":["www.example.com"],"ssl_cert":{"expires_at":"2027-03-01T00:00:00Z"}}]`,
		drains: `[{"id":"ld1","url":"syslog+tls://logs.example.com:6514?token=DRAIN-SECRET","token":"d.FIXTURE"}]`,
		features: `[{"id":"f1","name":"runtime-dyno-metadata","enabled":true},{"id":"f2","name":"preboot","enabled":false},
			{"id":"f3","name":"log-runtime-metrics","enabled":true}]`,
	}
}

// install puts the fixture's parts on the fake API under /apps/x.
func (f *fakeAPI) install(a appFixture) {
	f.handle("/apps/x", jsonHandler(a.app))
	f.handle("/apps/x/config-vars", jsonHandler(a.config))
	f.handle("/apps/x/formation", jsonHandler(a.formation))
	f.handle("/apps/x/dynos", jsonHandler(a.dynos))
	f.handle("/apps/x/addons", jsonHandler(a.addons))
	f.handle("/apps/x/buildpack-installations", jsonHandler(a.buildpacks))
	f.handle("/apps/x/releases", jsonHandler(a.releases))
	f.handle("/apps/x/slugs/slug-42", jsonHandler(a.slug))
	f.handle("/apps/x/domains", jsonHandler(a.domains))
	f.handle("/apps/x/sni-endpoints", jsonHandler(a.certs))
	f.handle("/apps/x/log-drains", jsonHandler(a.drains))
	f.handle("/apps/x/features", jsonHandler(a.features))
}

// testClient is a real Client with tiny retry delays and pacing sped up
// 1000 times (a spent budget spaces requests ~1 ms apart, not ~1 s).
func testClient(t *testing.T, apiURL string) *Client {
	t.Helper()
	c, err := New(Options{Token: testToken, URL: apiURL, Retry: RetryPolicy{MaxAttempts: 4, BaseDelay: time.Millisecond, MaxDelay: 4 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	c.pacer.pace = fastPacing(1000)
	return c
}

// fastPacing is Heroku's bucket with time running f times faster: the
// refill rate scales, the bucket and thresholds do not.
func fastPacing(f float64) pacing {
	p := defaultPacing()
	p.refill *= f
	return p
}

// world is a fake API with a complete app and a blob server holding its slug.
func world(t *testing.T) (*fakeAPI, *blobServer, appFixture) {
	t.Helper()
	blob := newBlobServer(t, slugTarball(t, slugFiles))
	api := newFakeAPI(t)
	fx := cedarApp(blob.url())
	api.install(fx)
	return api, blob, fx
}

func assertNoSecrets(t *testing.T, what, s string) {
	t.Helper()
	for _, sec := range []string{testToken, blobSecret, "deadbeefSECRETSIG", "s3cr3t-value-never-shown", "/blobs/"} {
		if strings.Contains(s, sec) {
			t.Errorf("%s leaks %q: %s", what, sec, s)
		}
	}
	if strings.Contains(s, "\n") {
		t.Errorf("%s is not one line: %q", what, s)
	}
}
