package heroku

import (
	"cmp"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fleetAPI is a Platform API double serving a whole team of generated apps,
// as tests and the fleet benchmark need: listings paged with Range and
// Next-Range, per-app endpoints built from a template, an optional token
// bucket, latency, and a count of requests per path and in flight.
type fleetAPI struct {
	srv  *httptest.Server
	blob *httptest.Server
	team string
	apps []fleetApp

	pageSize int           // items per page at most, whatever Range asks (default 1000)
	latency  time.Duration // added to every API request
	bucket   *tokenBucket  // nil: unlimited, RateLimit-Remaining 4500
	// override may answer a request before anything else (token bucket
	// included); false means "serve as usual".
	override func(w http.ResponseWriter, r *http.Request) bool

	mu        sync.Mutex
	hits      map[string]int
	ranges    map[string][]string
	arrivals  []time.Time
	inflight  atomic.Int64
	peak      atomic.Int64
	requests  atomic.Int64
	throttled atomic.Int64
	blobHits  atomic.Int64
}

type fleetApp struct {
	name, id string
	joined   bool // listed by GET /apps
}

// fleetAppID is a UUID-shaped id, sortable in the order of i.
func fleetAppID(i int) string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", i) }

func fleetAppName(i int) string { return fmt.Sprintf("app-%04d", i) }

func newFleetAPI(tb testing.TB, n int) *fleetAPI {
	tb.Helper()
	f := &fleetAPI{team: "acme", pageSize: listMax, hits: map[string]int{}, ranges: map[string][]string{}}
	for i := range n {
		f.apps = append(f.apps, fleetApp{name: fleetAppName(i), id: fleetAppID(i), joined: true})
	}
	tarball := slugTarball(tb, slugFiles)
	f.blob = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.blobHits.Add(1)
		if f.latency > 0 {
			time.Sleep(f.latency)
		}
		if r.Header.Get("Authorization") != "" {
			http.Error(w, "no credentials here", http.StatusBadRequest)
			return
		}
		if r.URL.Path == "/blobs/broken.tgz" {
			w.Write([]byte("this is not a gzip stream"))
			return
		}
		w.Write(tarball)
	}))
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	tb.Cleanup(f.srv.Close)
	tb.Cleanup(f.blob.Close)
	return f
}

func (f *fleetAPI) serve(rw http.ResponseWriter, r *http.Request) {
	n := f.inflight.Add(1)
	// A request stops being in flight when its answer starts: a client
	// may read a large body to its end, close it and send its next
	// request before this handler has returned.
	w := &answering{ResponseWriter: rw, done: func() { f.inflight.Add(-1) }}
	defer w.answer()
	for {
		p := f.peak.Load()
		if n <= p || f.peak.CompareAndSwap(p, n) {
			break
		}
	}
	f.requests.Add(1)
	f.mu.Lock()
	f.hits[r.URL.Path]++
	f.ranges[r.URL.Path] = append(f.ranges[r.URL.Path], r.Header.Get("Range"))
	f.arrivals = append(f.arrivals, time.Now())
	f.mu.Unlock()
	if f.latency > 0 {
		time.Sleep(f.latency)
	}
	if f.override != nil && f.override(w, r) {
		return
	}
	if r.Header.Get("Authorization") != "Bearer "+testToken {
		writeAPIError(w, http.StatusUnauthorized, "unauthorized", "Invalid credentials provided.")
		return
	}
	// The rate-limit endpoint costs no token; everything else takes one.
	if r.URL.Path == "/account/rate-limits" {
		left := 4500
		if f.bucket != nil {
			left = f.bucket.left()
		}
		w.Header().Set("RateLimit-Remaining", strconv.Itoa(left))
		fmt.Fprintf(w, `{"remaining":%d}`, left)
		return
	}
	if f.bucket != nil {
		ok, left := f.bucket.take()
		w.Header().Set("RateLimit-Remaining", strconv.Itoa(left))
		if !ok {
			f.throttled.Add(1)
			writeAPIError(w, http.StatusTooManyRequests, "rate_limit", "Your account reached the API rate limit. Please wait a few minutes before making new requests.")
			return
		}
	} else {
		w.Header().Set("RateLimit-Remaining", "4500")
	}
	f.generate(w, r)
}

// answering calls done once, when the response starts or the handler ends.
type answering struct {
	http.ResponseWriter
	once sync.Once
	done func()
}

func (a *answering) answer() { a.once.Do(a.done) }

func (a *answering) WriteHeader(code int) {
	a.answer()
	a.ResponseWriter.WriteHeader(code)
}

func (a *answering) Write(b []byte) (int, error) {
	a.answer()
	return a.ResponseWriter.Write(b)
}

func writeAPIError(w http.ResponseWriter, code int, id, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	fmt.Fprintf(w, `{"id":%q,"message":%q}`, id, msg)
}

func (f *fleetAPI) app(key string) (fleetApp, int, bool) {
	for i, a := range f.apps {
		if a.name == key || a.id == key {
			return a, i, true
		}
	}
	return fleetApp{}, 0, false
}

func (f *fleetAPI) generate(w http.ResponseWriter, r *http.Request) {
	segs := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	w.Header().Set("Content-Type", "application/json")
	switch {
	case len(segs) == 3 && segs[0] == "teams" && segs[1] == f.team && segs[2] == "apps":
		f.list(w, r, len(f.apps), func(i int) (string, string) { return f.apps[i].id, f.teamAppJSON(i) })
	case len(segs) == 3 && segs[0] == "teams" && segs[1] == f.team && segs[2] == "addons":
		items := f.addonItems()
		f.list(w, r, len(items), func(i int) (string, string) { return items[i][0], items[i][1] })
	case len(segs) == 1 && segs[0] == "apps":
		var joined []int
		for i, a := range f.apps {
			if a.joined {
				joined = append(joined, i)
			}
		}
		f.list(w, r, len(joined), func(k int) (string, string) { return f.apps[joined[k]].id, f.appJSON(joined[k]) })
	case len(segs) == 1 && segs[0] == "addons":
		items := f.addonItems()
		f.list(w, r, len(items), func(i int) (string, string) { return items[i][0], items[i][1] })
	case len(segs) >= 2 && segs[0] == "apps":
		a, i, ok := f.app(segs[1])
		if !ok {
			writeAPIError(w, http.StatusNotFound, "not_found", "Couldn't find that app.")
			return
		}
		f.appPart(w, a, i, segs[2:])
	default:
		writeAPIError(w, http.StatusNotFound, "not_found", "Couldn't find that.")
	}
}

// list pages n items sorted by id: Range "id [first|]after]..; max=N".
func (f *fleetAPI) list(w http.ResponseWriter, r *http.Request, n int, item func(int) (id, body string)) {
	rng := r.Header.Get("Range")
	size := 200
	after := ""
	if rng != "" {
		spec, params, _ := strings.Cut(rng, ";")
		_, first, _ := strings.Cut(strings.TrimSpace(spec), " ")
		first, _, _ = strings.Cut(first, "..")
		after = strings.TrimPrefix(first, "]")
		for _, p := range strings.Split(params, ",") {
			if v, ok := strings.CutPrefix(strings.TrimSpace(p), "max="); ok {
				if n, err := strconv.Atoi(v); err == nil && n > 0 {
					size = n
				}
			}
		}
	}
	size = min(size, f.pageSize)
	var ids, bodies []string
	for i := range n {
		id, body := item(i)
		if id > after {
			ids = append(ids, id)
			bodies = append(bodies, body)
		}
	}
	if len(ids) > size {
		w.Header().Set("Next-Range", fmt.Sprintf("id ]%s..; max=%d", ids[size-1], size))
		w.WriteHeader(http.StatusPartialContent)
		bodies = bodies[:size]
	}
	fmt.Fprint(w, "["+strings.Join(bodies, ",")+"]")
}

func (f *fleetAPI) teamAppJSON(i int) string {
	a := f.apps[i]
	return fmt.Sprintf(`{"id":%q,"name":%q,"stack":{"name":"heroku-24"},"build_stack":{"name":"heroku-24"},"region":{"name":"eu"},
		"team":{"name":%q},"space":null,"maintenance":%t,"web_url":"https://%s.herokuapp.com/","joined":%t,"locked":false}`,
		a.id, a.name, f.team, i%7 == 6, a.name, a.joined)
}

func (f *fleetAPI) appJSON(i int) string {
	a := f.apps[i]
	return fmt.Sprintf(`{"id":%q,"name":%q,"stack":{"name":"heroku-24"},"build_stack":{"name":"heroku-24"},"region":{"name":"eu"},
		"generation":{"name":"cedar"},"team":{"name":%q},"acm":true,"maintenance":false,"web_url":"https://%s.herokuapp.com/"}`,
		a.id, a.name, f.team, a.name)
}

// addonItems are the team's add-ons sorted by id: every app has Postgres;
// every third app also has Redis.
func (f *fleetAPI) addonItems() [][2]string {
	var out [][2]string
	for i, a := range f.apps {
		add := func(kind, service, plan string) {
			id := fmt.Sprintf("%s-%s", a.id, kind)
			out = append(out, [2]string{id, fmt.Sprintf(`{"id":%q,"name":"%s-%s","addon_service":{"name":%q},"plan":{"name":"%s:%s"},
				"state":"provisioned","config_vars":["%s_URL"],"app":{"id":%q,"name":%q}}`,
				id, service, a.name, service, service, plan, strings.ToUpper(strings.TrimPrefix(service, "heroku-")), a.id, a.name)})
		}
		add("pg", "heroku-postgresql", "essential-0")
		if i%3 == 0 {
			add("redis", "heroku-redis", "mini")
		}
	}
	slices.SortFunc(out, func(a, b [2]string) int { return cmp.Compare(a[0], b[0]) })
	return out
}

func (f *fleetAPI) slugID(a fleetApp) string { return "slug-" + a.name }

func (f *fleetAPI) appPart(w http.ResponseWriter, a fleetApp, i int, rest []string) {
	part := strings.Join(rest, "/")
	switch part {
	case "":
		fmt.Fprint(w, f.appJSON(i))
	case "config-vars":
		fmt.Fprintf(w, `{"SECRET_KEY":"s3cr3t-value-never-shown","DEBUG":"False","APP_INDEX":"%d"}`, i)
	case "formation":
		fmt.Fprint(w, `[{"type":"web","command":"`+webCmd+`","quantity":2,"size":"standard-1X","dyno_size":{"name":"Standard-1X"}}]`)
	case "dynos":
		fmt.Fprint(w, `[{"name":"web.1","type":"web","state":"up","size":"Standard-1X"},{"name":"web.2","type":"web","state":"up","size":"Standard-1X"}]`)
	case "releases":
		fmt.Fprintf(w, `[{"version":7,"id":"rel-%s","status":"succeeded","current":true,"slug":{"id":%q}}]`, a.name, f.slugID(a))
	case "slugs/" + f.slugID(a):
		blob := f.blob.URL + "/blobs/shared.tgz?" + blobSecret
		fmt.Fprintf(w, `{"id":%q,"process_types":{"web":"`+webCmd+`"},"stack":{"name":"heroku-24"},"size":4096,"blob":{"method":"get","url":%q}}`, f.slugID(a), blob)
	case "addons", "buildpack-installations", "domains", "sni-endpoints", "log-drains":
		fmt.Fprint(w, `[]`)
	default:
		writeAPIError(w, http.StatusNotFound, "not_found", "Couldn't find that.")
	}
}

// hitsUnder counts the requests to paths under /apps/{name} (the app's own
// calls), by path.
func (f *fleetAPI) hitsUnder(name string) (int, map[string]int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	total, by := 0, map[string]int{}
	for p, n := range f.hits {
		if p == "/apps/"+name || strings.HasPrefix(p, "/apps/"+name+"/") {
			total += n
			by[p] = n
		}
	}
	return total, by
}

func (f *fleetAPI) hitsOf(path string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.hits[path]
}

func (f *fleetAPI) rangesOf(path string) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.ranges[path])
}

// tokenBucket is the Platform API's rate limit: capacity tokens, refilled
// continuously at refill per second; a request takes one or gets a 429.
type tokenBucket struct {
	mu       sync.Mutex
	tokens   float64
	capacity float64
	refill   float64
	at       time.Time
}

func newTokenBucket(capacity, start, refillPerSecond float64) *tokenBucket {
	return &tokenBucket{tokens: start, capacity: capacity, refill: refillPerSecond, at: time.Now()}
}

func (b *tokenBucket) fill() {
	now := time.Now()
	b.tokens = math.Min(b.capacity, b.tokens+b.refill*now.Sub(b.at).Seconds())
	b.at = now
}

func (b *tokenBucket) take() (bool, int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.fill()
	if b.tokens < 1 {
		return false, 0
	}
	b.tokens--
	return true, int(b.tokens)
}

func (b *tokenBucket) left() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.fill()
	return int(b.tokens)
}

// fleetClient is a real Client for a fleetAPI, pacing sped up by speed.
func fleetClient(tb testing.TB, f *fleetAPI, concurrency int, speed float64) *Client {
	tb.Helper()
	c, err := New(Options{Token: testToken, URL: f.srv.URL, Concurrency: concurrency,
		Retry: RetryPolicy{MaxAttempts: 2, BaseDelay: time.Duration(float64(time.Second) / speed), MaxDelay: time.Duration(30 * float64(time.Second) / speed)}})
	if err != nil {
		tb.Fatal(err)
	}
	c.pacer.pace = fastPacing(speed)
	return c
}
