package vulns

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeOSV answers querybatch and vulns requests from testdata/osv, matching
// with the offline DB so that the online and offline paths share records.
type fakeOSV struct {
	t        *testing.T
	db       *DB
	mu       sync.Mutex
	batches  []int // queries per querybatch request
	gets     map[string]int
	pageSize int // > 0: at most this many ids per result page
	hook     func(w http.ResponseWriter, r *http.Request) bool
}

func newFakeOSV(t *testing.T) (*fakeOSV, *httptest.Server) {
	f := &fakeOSV{t: t, db: loadTestDir(t), gets: map[string]int{}}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, srv
}

func (f *fakeOSV) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if f.hook != nil && f.hook(w, r) {
		return
	}
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/v1/querybatch":
		var body struct {
			Queries []batchQuery `json:"queries"`
		}
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil || len(body.Queries) > BatchSize {
			http.Error(w, "bad batch", http.StatusBadRequest)
			return
		}
		f.mu.Lock()
		f.batches = append(f.batches, len(body.Queries))
		f.mu.Unlock()
		type vuln struct {
			ID string `json:"id"`
		}
		type result struct {
			Vulns []vuln `json:"vulns,omitempty"`
			Next  string `json:"next_page_token,omitempty"`
		}
		var out struct {
			Results []result `json:"results"`
		}
		for _, q := range body.Queries {
			if q.Package.Ecosystem != "PyPI" {
				f.t.Errorf("ecosystem %q", q.Package.Ecosystem)
			}
			var res result
			// every matching record, as OSV answers: aliases unmerged
			var all []string
			for _, r := range f.db.byName[NormalizeName(q.Package.Name)] {
				if ok, _ := r.Match(q.Package.Name, q.Version); ok {
					all = append(all, r.ID)
				}
			}
			sort.Strings(all)
			from := 0
			fmt.Sscan(q.PageToken, &from)
			to := len(all)
			if f.pageSize > 0 && from+f.pageSize < to {
				to = from + f.pageSize
				res.Next = fmt.Sprint(to)
			}
			for _, id := range all[from:to] {
				res.Vulns = append(res.Vulns, vuln{id})
			}
			out.Results = append(out.Results, res)
		}
		json.NewEncoder(w).Encode(out)
	case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/v1/vulns/"):
		id := strings.TrimPrefix(r.URL.Path, "/v1/vulns/")
		f.mu.Lock()
		f.gets[id]++
		f.mu.Unlock()
		data, err := os.ReadFile(filepath.Join("testdata/osv", id+".json"))
		if err != nil {
			data, err = os.ReadFile(filepath.Join("testdata/osv/synthetic", id+".json"))
		}
		if err != nil {
			http.NotFound(w, r)
			return
		}
		w.Write(data)
	default:
		http.NotFound(w, r)
	}
}

func TestClientMatchesOffline(t *testing.T) {
	f, srv := newFakeOSV(t)
	c := &Client{BaseURL: srv.URL, CacheDir: t.TempDir()}
	qs := []Query{{"Flask", "2.2.4"}, {"flask", "2.2.4"}, {"werkzeug", "2.2.2"}, {"Werkzeug", "3.0.0rc1"}, {"werkzeug", "3.0.3"}, {"example_pkg", "1.4.2"}}
	got, err := c.Lookup(context.Background(), qs)
	if err != nil {
		t.Fatal(err)
	}
	db := f.db
	for _, q := range qs {
		want := db.Affected(q.Name, q.Version)
		if g := got[Query{NormalizeName(q.Name), q.Version}]; !reflect.DeepEqual(g, want) {
			t.Errorf("%v: online %+v\noffline %+v", q, g, want)
		}
	}
	// Five distinct package-versions in one batch; each advisory fetched once.
	if !reflect.DeepEqual(f.batches, []int{5}) {
		t.Errorf("batches %v", f.batches)
	}
	for id, n := range f.gets {
		if n != 1 {
			t.Errorf("%s fetched %d times", id, n)
		}
	}
	if len(f.gets) != 5 {
		t.Errorf("fetched %v", f.gets)
	}
	// Same client, overlapping queries: answered from memory.
	before := c.Requests
	if _, err := c.Lookup(context.Background(), qs[:3]); err != nil || c.Requests != before {
		t.Errorf("repeat lookup: %v, %d new requests", err, c.Requests-before)
	}
}

func TestClientChunksAt1000(t *testing.T) {
	f, srv := newFakeOSV(t)
	c := &Client{BaseURL: srv.URL}
	var qs []Query
	for i := 0; i < 2500; i++ {
		qs = append(qs, Query{"pkg", fmt.Sprintf("1.%d", i)}, Query{"PKG", fmt.Sprintf("1.%d", i)})
	}
	qs = append(qs, Query{"werkzeug", "2.2.2"})
	got, err := c.Lookup(context.Background(), qs)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(f.batches, []int{1000, 1000, 501}) {
		t.Errorf("batches %v", f.batches)
	}
	if len(got[Query{"werkzeug", "2.2.2"}]) != 2 || c.Requests != 5 {
		t.Errorf("werkzeug %v, %d requests", got[Query{"werkzeug", "2.2.2"}], c.Requests)
	}
}

func TestClientDiskCache(t *testing.T) {
	f, srv := newFakeOSV(t)
	dir := t.TempDir()
	qs := []Query{{"werkzeug", "2.2.2"}, {"flask", "2.3.0"}, {"requests", "2.31.0"}}
	first := &Client{BaseURL: srv.URL, CacheDir: dir}
	want, err := first.Lookup(context.Background(), qs)
	if err != nil {
		t.Fatal(err)
	}
	// A new client (a new run) with the same cache makes no request.
	second := &Client{BaseURL: srv.URL, CacheDir: dir}
	got, err := second.Lookup(context.Background(), qs)
	if err != nil || second.Requests != 0 || !reflect.DeepEqual(got, want) {
		t.Errorf("cached run: %v, %d requests, equal %v", err, second.Requests, reflect.DeepEqual(got, want))
	}
	// A package-version not in the cache costs one batch, no advisory fetch.
	if _, err := second.Lookup(context.Background(), append(qs, Query{"werkzeug", "3.0.2"})); err != nil || second.Requests != 1 {
		t.Errorf("partial hit: %v, %d requests", err, second.Requests)
	}
	// Expired entries are misses.
	expired := &Client{BaseURL: srv.URL, CacheDir: t.TempDir(), TTL: time.Nanosecond}
	expired.Lookup(context.Background(), qs)
	n := expired.Requests
	again := &Client{BaseURL: srv.URL, CacheDir: expired.CacheDir}
	if _, err := again.Lookup(context.Background(), qs); err != nil || again.Requests != n {
		t.Errorf("expired cache: %v, %d requests, want %d", err, again.Requests, n)
	}
	// A corrupt entry is a miss, not a failure.
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			os.WriteFile(p, []byte("{garbage"), 0o600)
		}
		return nil
	})
	third := &Client{BaseURL: srv.URL, CacheDir: dir}
	if got, err := third.Lookup(context.Background(), qs); err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("corrupt cache: %v", err)
	}
	_ = f
}

func TestClientPagination(t *testing.T) {
	f, srv := newFakeOSV(t)
	f.pageSize = 1
	c := &Client{BaseURL: srv.URL}
	// flask 2.2.4: two records on two pages, one advisory (they alias)
	got, err := c.Lookup(context.Background(), []Query{{"werkzeug", "2.2.2"}, {"flask", "2.2.4"}, {"flask", "9.0"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(got[Query{"werkzeug", "2.2.2"}]) != 2 || len(got[Query{"flask", "2.2.4"}]) != 1 || len(got[Query{"flask", "9.0"}]) != 0 {
		t.Errorf("got %v", got)
	}
	if !reflect.DeepEqual(f.batches, []int{3, 2}) {
		t.Errorf("batches %v", f.batches)
	}
}

func TestClientConcurrentCallers(t *testing.T) {
	f, srv := newFakeOSV(t)
	c := &Client{BaseURL: srv.URL}
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := c.Lookup(context.Background(), []Query{{"werkzeug", "2.2.2"}, {"flask", "2.2.4"}}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if len(f.batches) != 1 || c.Requests != 5 {
		t.Errorf("batches %v, requests %d", f.batches, c.Requests)
	}
}

func TestClientHostileServer(t *testing.T) {
	tests := []struct {
		name string
		hook func(w http.ResponseWriter, r *http.Request) bool
		max  int64
	}{
		{"server error", func(w http.ResponseWriter, r *http.Request) bool {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return true
		}, 0},
		{"huge response", func(w http.ResponseWriter, r *http.Request) bool {
			w.Write([]byte(`{"results":[` + strings.Repeat(" ", 4096) + `]}`))
			return true
		}, 1024},
		{"bad json", func(w http.ResponseWriter, r *http.Request) bool {
			w.Write([]byte(`{"results":`))
			return true
		}, 0},
		{"wrong count", func(w http.ResponseWriter, r *http.Request) bool {
			w.Write([]byte(`{"results":[]}`))
			return true
		}, 0},
		{"invalid id", func(w http.ResponseWriter, r *http.Request) bool {
			w.Write([]byte(`{"results":[{"vulns":[{"id":"../../etc/passwd"}]}]}`))
			return true
		}, 0},
		{"record for another id", func(w http.ResponseWriter, r *http.Request) bool {
			if r.Method == http.MethodGet {
				w.Write([]byte(`{"id":"GHSA-xxxx-xxxx-xxxx"}`))
				return true
			}
			return false
		}, 0},
		{"endless pages", func(w http.ResponseWriter, r *http.Request) bool {
			w.Write([]byte(`{"results":[{"next_page_token":"again"}]}`))
			return true
		}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, srv := newFakeOSV(t)
			f.hook = tt.hook
			dir := t.TempDir()
			c := &Client{BaseURL: srv.URL, MaxResponseBytes: tt.max, CacheDir: dir}
			if _, err := c.Lookup(context.Background(), []Query{{"werkzeug", "2.2.2"}}); err == nil {
				t.Error("no error")
			}
		})
	}
}

func TestDefaultCacheDir(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", "/tmp/xdg")
	t.Setenv("HOME", "/tmp/home")
	d, err := DefaultCacheDir()
	if err != nil || !strings.HasSuffix(d, filepath.Join("herokuaudit", "osv")) {
		t.Errorf("%q %v", d, err)
	}
}
