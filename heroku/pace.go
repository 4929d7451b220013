package heroku

import (
	"context"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// RetryPolicy governs retries of rate-limited (429) and unavailable (503)
// GET requests. Zero fields take the defaults.
type RetryPolicy struct {
	MaxAttempts int           // attempts in all, first included (default 5)
	BaseDelay   time.Duration // delay before the first retry (default 1s)
	MaxDelay    time.Duration // cap on any one delay (default 30s)
}

func (p RetryPolicy) withDefaults() RetryPolicy {
	if p.MaxAttempts <= 0 {
		p.MaxAttempts = 5
	}
	if p.BaseDelay <= 0 {
		p.BaseDelay = time.Second
	}
	if p.MaxDelay <= 0 {
		p.MaxDelay = 30 * time.Second
	}
	if p.MaxDelay < p.BaseDelay {
		p.MaxDelay = p.BaseDelay
	}
	return p
}

// delay returns the wait before retry number n (1-based): exponential, capped,
// with "equal jitter" (half fixed, half random) so that concurrent requests
// throttled together do not come back together.
func (p RetryPolicy) delay(n int) time.Duration {
	d := p.BaseDelay
	for i := 1; i < n && d < p.MaxDelay; i++ {
		d *= 2
	}
	d = min(d, p.MaxDelay)
	half := d / 2
	return half + time.Duration(rand.Int64N(int64(d-half)+1))
}

// pacer is the RoundTripper under hk.Transport. Sitting below it, it sees raw
// responses before they become hk.Error values: it counts API calls, keeps
// the last RateLimit-Remaining, retries 429/503 on GET, and tells the caller
// the final status (hk.Transport loses it when an error body is not JSON).
type pacer struct {
	next      http.RoundTripper
	retry     RetryPolicy
	calls     atomic.Int64
	remaining atomic.Int64 // -1 until a response carries the header
}

func newPacer(next http.RoundTripper, p RetryPolicy) *pacer {
	t := &pacer{next: next, retry: p.withDefaults()}
	t.remaining.Store(-1)
	return t
}

// observation is attached to a request's context by the caller that wants to
// know the final status code and how many attempts were made.
type observation struct {
	status   atomic.Int64
	attempts atomic.Int64
}

type observationKey struct{}

func withObservation(ctx context.Context) (context.Context, *observation) {
	o := &observation{}
	return context.WithValue(ctx, observationKey{}, o), o
}

func (t *pacer) RoundTrip(req *http.Request) (*http.Response, error) {
	obs, _ := req.Context().Value(observationKey{}).(*observation)
	// Only a bodiless GET can be sent again as is; the auditor issues no other.
	retryable := req.Method == http.MethodGet && req.Body == nil
	for attempt := 1; ; attempt++ {
		t.calls.Add(1)
		if obs != nil {
			obs.attempts.Store(int64(attempt))
		}
		resp, err := t.next.RoundTrip(req)
		if err != nil {
			return nil, err
		}
		t.record(resp)
		if obs != nil {
			obs.status.Store(int64(resp.StatusCode))
		}
		throttled := resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable
		if !throttled || !retryable || attempt >= t.retry.MaxAttempts {
			return resp, nil
		}
		discard(resp.Body)
		timer := time.NewTimer(t.retry.delay(attempt))
		select {
		case <-req.Context().Done():
			timer.Stop()
			return nil, req.Context().Err()
		case <-timer.C:
		}
	}
}

func (t *pacer) record(resp *http.Response) {
	v := strings.TrimSpace(resp.Header.Get("RateLimit-Remaining"))
	if v == "" {
		return
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil && n >= 0 {
		t.remaining.Store(n)
	}
}

// discard drains a little of a body so the connection can be reused, then
// closes it; a large body is not worth reading just to keep a connection.
func discard(body io.ReadCloser) {
	_, _ = io.Copy(io.Discard, io.LimitReader(body, 64<<10))
	_ = body.Close()
}
