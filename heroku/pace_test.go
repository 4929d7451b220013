package heroku

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestRetryDelay(t *testing.T) {
	p := RetryPolicy{BaseDelay: 100 * time.Millisecond, MaxDelay: time.Second}.withDefaults()
	for _, tc := range []struct {
		n        int
		min, max time.Duration
	}{
		{1, 50 * time.Millisecond, 100 * time.Millisecond},
		{2, 100 * time.Millisecond, 200 * time.Millisecond},
		{3, 200 * time.Millisecond, 400 * time.Millisecond},
		{4, 400 * time.Millisecond, 800 * time.Millisecond},
		{5, 500 * time.Millisecond, time.Second},
		{60, 500 * time.Millisecond, time.Second},
	} {
		t.Run(fmt.Sprint(tc.n), func(t *testing.T) {
			for range 200 {
				if d := p.delay(tc.n); d < tc.min || d > tc.max {
					t.Fatalf("delay(%d) = %v, want in [%v, %v]", tc.n, d, tc.min, tc.max)
				}
			}
		})
	}
}

func TestRetryPolicyDefaults(t *testing.T) {
	got := RetryPolicy{}.withDefaults()
	if want := (RetryPolicy{MaxAttempts: 5, BaseDelay: time.Second, MaxDelay: 30 * time.Second}); got != want {
		t.Errorf("defaults = %+v, want %+v", got, want)
	}
}

// A context ending during a backoff ends the wait at once.
func TestRetryHonoursContext(t *testing.T) {
	var n atomic.Int32
	seen := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			close(seen)
		}
		w.WriteHeader(http.StatusTooManyRequests)
	}))
	defer srv.Close()
	p := newPacer(http.DefaultTransport, RetryPolicy{MaxAttempts: 10, BaseDelay: time.Hour, MaxDelay: time.Hour}, 0)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		// Cancel once the first 429 is in and the hour-long backoff has begun.
		<-seen
		time.Sleep(20 * time.Millisecond)
		cancel()
	}()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
	start := time.Now()
	_, err := p.RoundTrip(req)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want canceled", err)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("took %v", took)
	}
	if n.Load() != 1 || p.calls.Load() != 1 {
		t.Errorf("server saw %d, pacer counted %d; want 1", n.Load(), p.calls.Load())
	}
}

func TestRetryOnlyThrottledGETs(t *testing.T) {
	for _, tc := range []struct {
		method string
		code   int
		calls  int32
	}{
		{http.MethodGet, 429, 3},
		{http.MethodGet, 503, 3},
		{http.MethodGet, 500, 1},
		{http.MethodGet, 404, 1},
		{http.MethodHead, 429, 1},
	} {
		t.Run(fmt.Sprint(tc.method, tc.code), func(t *testing.T) {
			var n atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				n.Add(1)
				w.Header().Set("RateLimit-Remaining", "17")
				w.WriteHeader(tc.code)
			}))
			defer srv.Close()
			p := newPacer(http.DefaultTransport, RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond}, 0)
			p.pace = fastPacing(1000)
			req, _ := http.NewRequest(tc.method, srv.URL, nil)
			resp, err := p.RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tc.code || n.Load() != tc.calls || p.calls.Load() != int64(tc.calls) {
				t.Errorf("status %d after %d calls (counted %d), want %d after %d", resp.StatusCode, n.Load(), p.calls.Load(), tc.code, tc.calls)
			}
			if p.remaining.Load() != 17 {
				t.Errorf("remaining = %d, want 17", p.remaining.Load())
			}
		})
	}
}

func TestPacingInterval(t *testing.T) {
	p := defaultPacing() // 4,500 refilled at 1.25/s: one token every 0.8 s
	for _, tc := range []struct {
		est  float64
		want time.Duration
	}{
		{4500, 0},
		{901, 0},
		{900, 0},                            // 20%: spacing starts below
		{562.5, 400 * time.Millisecond},     // halfway to the reserve: half the refill period
		{225, 800 * time.Millisecond},       // 5%: exactly the refill rate
		{0, 1066666666 * time.Nanosecond},   // empty: a third slower than the refill
		{-40, 1066666666 * time.Nanosecond}, // an overdrawn estimate is empty
		{899, 1185185 * time.Nanosecond},    // smooth from zero
		{100, 948148148 * time.Nanosecond},  // below the reserve the bucket refills
		{450, 533333333 * time.Nanosecond},  // 10%
		{800, 118518518 * time.Nanosecond},  // in proportion to the shortfall
		{1e9, 0},                            // whatever a server says
		{899.999, 1 * time.Microsecond},     // rounding
	} {
		t.Run(fmt.Sprint(tc.est), func(t *testing.T) {
			got := p.interval(tc.est)
			if diff := got - tc.want; diff < -time.Microsecond || diff > time.Microsecond {
				t.Errorf("interval(%v) = %v, want %v", tc.est, got, tc.want)
			}
		})
	}
	if fast := fastPacing(100).interval(225); fast != 8*time.Millisecond {
		t.Errorf("scaled 100x: interval at the reserve = %v, want 8ms", fast)
	}
}

// reserve spaces request starts by the interval of the estimated budget,
// shared by every request, and credits the refill as time passes.
func TestReserveSpacesRequests(t *testing.T) {
	now := time.Unix(1700000000, 0)
	p := newPacer(http.DefaultTransport, RetryPolicy{}, 8)
	p.now = func() time.Time { return now }
	if d, _ := p.reserve(); d != 0 {
		t.Errorf("unknown budget: wait %v, want none", d)
	}
	p.setBudget(2000)
	for range 3 {
		if d, _ := p.reserve(); d != 0 {
			t.Errorf("budget 2000: wait %v, want none", d)
		}
	}
	p.setBudget(225)
	var waits []time.Duration
	for range 4 {
		d, _ := p.reserve()
		waits = append(waits, d)
	}
	// Booked back to back at about 0.8 s each, growing as the estimate
	// drops by one per request.
	if waits[0] > time.Second || waits[1] < waits[0]+790*time.Millisecond || waits[3] < 3*800*time.Millisecond {
		t.Errorf("waits at the reserve = %v", waits)
	}
	// Ten minutes later the refill (750 tokens) has lifted the budget
	// above the threshold: no wait.
	now = now.Add(10 * time.Minute)
	if d, est := p.reserve(); d != 0 || est < 900 {
		t.Errorf("after the refill: wait %v at estimate %v", d, est)
	}
	// The estimate never exceeds the bucket.
	now = now.Add(24 * time.Hour)
	if _, est := p.reserve(); est != 4500 {
		t.Errorf("estimate after a day = %v, want 4500", est)
	}
}

// budgetServer answers every request with the same RateLimit-Remaining and
// records when requests arrive.
func budgetServer(t *testing.T, remaining int) (*httptest.Server, func() []time.Time) {
	t.Helper()
	var mu sync.Mutex
	var arrivals []time.Time
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("RateLimit-Remaining", fmt.Sprint(remaining))
		if r.URL.Path == "/account/rate-limits" {
			fmt.Fprintf(w, `{"remaining":%d}`, remaining)
			return
		}
		mu.Lock()
		arrivals = append(arrivals, time.Now())
		mu.Unlock()
		fmt.Fprint(w, `[]`)
	}))
	t.Cleanup(srv.Close)
	return srv, func() []time.Time {
		mu.Lock()
		defer mu.Unlock()
		out := slices.Clone(arrivals)
		slices.SortFunc(out, func(a, b time.Time) int { return a.Compare(b) })
		return out
	}
}

// Concurrent requests slow down together as the budget runs low: the
// pacing state is the client's, not the request's.
func TestPacingSlowsWhenBudgetLow(t *testing.T) {
	const speed = 100 // interval at the reserve: 8 ms
	const n = 20
	spans := map[int]time.Duration{}
	for _, remaining := range []int{4000, 600, 0} {
		t.Run(fmt.Sprint(remaining), func(t *testing.T) {
			srv, arrivals := budgetServer(t, remaining)
			c, err := New(Options{Token: testToken, URL: srv.URL, Concurrency: 8})
			if err != nil {
				t.Fatal(err)
			}
			c.pacer.pace = fastPacing(speed)
			var waits atomic.Int64
			var reason atomic.Value
			c.OnWait(func(d time.Duration, r string) { waits.Add(1); reason.Store(r) })
			if got, err := c.RateLimitBudget(context.Background()); err != nil || got != remaining {
				t.Fatalf("RateLimitBudget = %d, %v", got, err)
			}
			var wg sync.WaitGroup
			for range n {
				wg.Go(func() {
					var v []struct{}
					if _, e := c.get(context.Background(), "x", "/apps/x/dynos", "", &v); e != nil {
						t.Error(e)
					}
				})
			}
			wg.Wait()
			at := arrivals()
			if len(at) != n {
				t.Fatalf("%d requests arrived, want %d", len(at), n)
			}
			span := at[n-1].Sub(at[0])
			spans[remaining] = span
			want := time.Duration(n-1) * fastPacing(speed).interval(float64(remaining))
			if span < want*8/10 {
				t.Errorf("%d requests spread over %v, want at least ~%v", n, span, want)
			}
			if remaining >= 900 && (span > 200*time.Millisecond || waits.Load() != 0) {
				t.Errorf("a full budget was paced: %v, %d waits", span, waits.Load())
			}
			if remaining < 900 {
				if waits.Load() < n-2 {
					t.Errorf("OnWait told %d times, want about %d", waits.Load(), n)
				}
				if r, _ := reason.Load().(string); !strings.HasPrefix(r, "rate limit: about ") {
					t.Errorf("wait reason %q", r)
				}
			}
		})
	}
	if !(spans[0] > spans[600] && spans[600] > spans[4000]) {
		t.Errorf("spans %v: want slower as the budget drops", spans)
	}
}

func TestRateLimitBudget(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		want       int
		err        string
	}{
		{"full", `{"remaining": 4500}`, 4500, ""},
		{"low", `{"remaining": 12}`, 12, ""},
		{"missing", `{}`, 0, "account: malformed response from /account/rate-limits"},
		{"negative", `{"remaining": -3}`, 0, "account: malformed response from /account/rate-limits"},
		{"not JSON", `<html>`, 0, "account: malformed response from /account/rate-limits: not valid JSON (at byte 1)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			api := newFakeAPI(t)
			api.handle("/account/rate-limits", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, tc.body) })
			c := testClient(t, api.srv.URL)
			got, err := c.RateLimitBudget(context.Background())
			if tc.err != "" {
				if err == nil || err.Error() != tc.err {
					t.Errorf("err = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil || got != tc.want || c.pacer.budget != float64(tc.want) || !c.pacer.known {
				t.Errorf("= %d, %v; pacer budget %v known %v", got, err, c.pacer.budget, c.pacer.known)
			}
		})
	}
}

// A fleet request waits out 429s past MaxAttempts until its context ends.
func TestPatientRetriesUntilContextEnds(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.WriteHeader(http.StatusTooManyRequests) // no header: the 429 alone says empty
	}))
	defer srv.Close()
	p := newPacer(http.DefaultTransport, RetryPolicy{MaxAttempts: 2, BaseDelay: time.Millisecond, MaxDelay: 2 * time.Millisecond}, 0)
	p.pace = fastPacing(1000)
	ctx, cancel := context.WithTimeout(patient(context.Background()), 150*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
	_, err := p.RoundTrip(req)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want the context's", err)
	}
	// The deadline may cut the last request short, before its 429 is read.
	if got := p.rateLimited.Load(); n.Load() <= 2 || got != int64(n.Load()) && got != int64(n.Load())-1 {
		t.Errorf("server saw %d requests, pacer counted %d 429s; want many past MaxAttempts", n.Load(), p.rateLimited.Load())
	}
	if !p.known || p.remaining.Load() != 0 {
		t.Errorf("a 429 without the header left the budget unknown")
	}
}

// A slot is held until the response body is closed, and a request waiting
// for one gives up with its context.
func TestConcurrencySlotHeldUntilBodyClosed(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "ok") }))
	defer srv.Close()
	p := newPacer(http.DefaultTransport, RetryPolicy{}, 1)
	req, _ := http.NewRequest(http.MethodGet, srv.URL, nil)
	first, err := p.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	req2, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
	if _, err := p.RoundTrip(req2); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("second request with the only slot taken: err = %v", err)
	}
	first.Body.Close()
	first.Body.Close() // twice: released once
	resp, err := p.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if !p.sem.TryAcquire(1) || p.sem.TryAcquire(1) {
		t.Error("slot count wrong after closes")
	}
}

// Whatever RateLimit-Remaining says, the wait it leads to is bounded and
// never negative.
func FuzzRateLimitHeader(f *testing.F) {
	for _, s := range []string{"4500", "0", "17", " 899 ", "-1", "1e3", "99999999999999999999", "", "abc", "4500, 12"} {
		f.Add(s, 429)
		f.Add(s, 200)
	}
	f.Fuzz(func(t *testing.T, header string, code int) {
		p := newPacer(http.DefaultTransport, RetryPolicy{}, 1)
		now := time.Unix(1700000000, 0)
		p.now = func() time.Time { return now }
		resp := &http.Response{StatusCode: code, Header: http.Header{}}
		resp.Header.Set("RateLimit-Remaining", header)
		p.record(resp)
		limit := p.pace.interval(0)
		for i := range 3 {
			d, est := p.reserve()
			if d < 0 || d > time.Duration(i)*limit+time.Millisecond || est > p.pace.capacity {
				t.Fatalf("header %q: wait %v at estimate %v (request %d)", header, d, est, i)
			}
		}
		if r := p.remaining.Load(); r < -1 {
			t.Errorf("remaining = %d", r)
		}
	})
}
