package heroku

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
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
	p := newPacer(http.DefaultTransport, RetryPolicy{MaxAttempts: 10, BaseDelay: time.Hour, MaxDelay: time.Hour})
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
			p := newPacer(http.DefaultTransport, RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond})
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
