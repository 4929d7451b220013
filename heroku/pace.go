package heroku

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/semaphore"
)

// RetryPolicy governs retries of rate-limited (429) and unavailable (503)
// GET requests. Zero fields take the defaults.
type RetryPolicy struct {
	MaxAttempts int           // attempts in all, first included (default 5)
	BaseDelay   time.Duration // delay before the first retry (default 1s)
	MaxDelay    time.Duration // cap on any one delay (default 30s)
	// FleetMaxAttempts bounds the attempts of a rate-limited (429) request
	// made for a fleet (listings and Fleet snapshots). Zero means no bound:
	// the request waits as long as its context lives, because the bucket
	// always refills and giving up on an app for a low budget loses it
	// from a nightly audit. A 503 keeps MaxAttempts in fleets too.
	FleetMaxAttempts int
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
	if p.FleetMaxAttempts < 0 {
		p.FleetMaxAttempts = 0
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

// pacing describes the account's rate-limit bucket and when to slow down.
// The Platform API's bucket holds 4,500 tokens refilled at 75 a minute
// (HEROKU_FACTS.md). Tests and the benchmark scale refill to run fast.
type pacing struct {
	capacity float64 // bucket size
	refill   float64 // tokens per second
	// slowBelow is where spacing starts (20% of the bucket): above it
	// requests go as fast as the concurrency bound lets them.
	slowBelow float64
	// reserve is where the spacing equals the refill rate (5% of the
	// bucket): a long run settles there instead of at zero, leaving a few
	// hundred calls for whoever else uses the account meanwhile.
	reserve float64
}

func defaultPacing() pacing {
	return pacing{capacity: 4500, refill: 75.0 / 60, slowBelow: 900, reserve: 225}
}

// interval is the least time between the starts of two requests when est
// tokens are left: none above slowBelow, then growing in proportion to the
// shortfall, reaching one refill period at reserve and a third more at zero.
// Heroku's own Ruby client sleeps in proportion to the same shortfall.
func (p pacing) interval(est float64) time.Duration {
	if est >= p.slowBelow || p.refill <= 0 || p.slowBelow <= p.reserve {
		return 0
	}
	frac := (p.slowBelow - max(est, 0)) / (p.slowBelow - p.reserve)
	return time.Duration(frac / p.refill * float64(time.Second))
}

// pacer is the RoundTripper under hk.Transport. Sitting below it, it sees raw
// responses before they become hk.Error values. It bounds the API requests in
// flight across the whole client, spaces request starts when the rate-limit
// budget runs low, retries 429/503 on GET, counts calls, and tells the caller
// the final status (hk.Transport loses it when an error body is not JSON).
type pacer struct {
	next  http.RoundTripper
	retry RetryPolicy
	// sem bounds requests in flight, from sending until the body is
	// closed, across every app the client is auditing.
	sem *semaphore.Weighted

	calls       atomic.Int64
	remaining   atomic.Int64 // -1 until a response carries the header
	rateLimited atomic.Int64 // 429 responses
	unavailable atomic.Int64 // 503 responses
	waits       atomic.Int64 // requests delayed by pacing or a backoff
	waited      atomic.Int64 // nanoseconds spent so
	onWait      atomic.Pointer[func(time.Duration, string)]

	mu   sync.Mutex
	pace pacing
	now  func() time.Time
	// budget is the estimated tokens left as of budgetAt; unknown until a
	// response or RateLimitBudget says.
	budget   float64
	budgetAt time.Time
	known    bool
	last     time.Time // when the latest request was let go
}

func newPacer(next http.RoundTripper, p RetryPolicy, concurrency int) *pacer {
	if concurrency <= 0 {
		concurrency = DefaultConcurrency
	}
	t := &pacer{
		next:  next,
		retry: p.withDefaults(),
		sem:   semaphore.NewWeighted(int64(concurrency)),
		pace:  defaultPacing(),
		now:   time.Now,
	}
	t.remaining.Store(-1)
	return t
}

// observation is attached to a request's context by the caller that wants to
// know the final status code and how many attempts were made.
type observation struct {
	status   atomic.Int64
	attempts atomic.Int64
	overCap  atomic.Int64 // the cap a body went past (the last attempt's), 0 if none
	stalled  atomic.Bool  // a body read stalled past the idle timeout
}

type observationKey struct{}

func withObservation(ctx context.Context) (context.Context, *observation) {
	o := &observation{}
	return context.WithValue(ctx, observationKey{}, o), o
}

type patientKey struct{}

// patient marks requests made for a fleet: a 429 is retried while the
// context lives (or up to RetryPolicy.FleetMaxAttempts).
func patient(ctx context.Context) context.Context {
	return context.WithValue(ctx, patientKey{}, true)
}

func (t *pacer) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	obs, _ := ctx.Value(observationKey{}).(*observation)
	isPatient := ctx.Value(patientKey{}) != nil
	// Only a bodiless GET can be sent again as is; the auditor issues no other.
	retryable := req.Method == http.MethodGet && req.Body == nil
	for attempt := 1; ; attempt++ {
		if err := t.sem.Acquire(ctx, 1); err != nil {
			return nil, err
		}
		if d, est := t.reserve(); d > 0 {
			t.wait(d, fmt.Sprintf("rate limit: about %d API calls left, pacing requests", int(est)))
			if err := sleep(ctx, d); err != nil {
				t.sem.Release(1)
				return nil, err
			}
		}
		t.calls.Add(1)
		if obs != nil {
			obs.attempts.Store(int64(attempt))
		}
		resp, err := t.next.RoundTrip(req)
		if err != nil {
			t.sem.Release(1)
			return nil, err
		}
		t.record(resp)
		if obs != nil {
			obs.status.Store(int64(resp.StatusCode))
		}
		var limit int
		var reason string
		switch resp.StatusCode {
		case http.StatusTooManyRequests:
			t.rateLimited.Add(1)
			limit, reason = t.retry.MaxAttempts, "rate limited (429), backing off"
			if isPatient {
				limit = t.retry.FleetMaxAttempts // 0: no bound
			}
		case http.StatusServiceUnavailable:
			t.unavailable.Add(1)
			limit, reason = t.retry.MaxAttempts, "API unavailable (503), retrying"
		}
		if reason == "" || !retryable || limit > 0 && attempt >= limit {
			// The slot is held until the caller has read the body: a
			// response still streaming is still a request in flight. The
			// response is copied, not changed: the transport below may
			// still be looking at its own.
			out := *resp
			out.Body = &releaseOnClose{ReadCloser: resp.Body, release: func() { t.sem.Release(1) }}
			return &out, nil
		}
		discard(resp.Body)
		t.sem.Release(1)
		d := t.retry.delay(attempt)
		t.wait(d, reason)
		if err := sleep(ctx, d); err != nil {
			return nil, err
		}
	}
}

// reserve books the start of the next request: now, or one interval after
// the previous start when the budget is low. It returns how long to wait and
// the budget estimate the interval came from.
func (t *pacer) reserve() (time.Duration, float64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	if !t.known {
		t.last = now
		return 0, -1
	}
	est := t.estimate(now)
	start := now
	if iv := t.pace.interval(est); iv > 0 {
		if s := t.last.Add(iv); s.After(start) {
			start = s
		}
	}
	t.last = start
	// Count the request as spent now; the refill until it leaves is
	// credited by estimate.
	t.budget, t.budgetAt = est-1, now
	return start.Sub(now), est
}

// estimate is the budget credited with the refill since it was last known.
// Call with mu held.
func (t *pacer) estimate(now time.Time) float64 {
	b := t.budget
	if dt := now.Sub(t.budgetAt); dt > 0 {
		b += t.pace.refill * dt.Seconds()
	}
	return min(b, t.pace.capacity)
}

// setBudget records what the API said is left.
func (t *pacer) setBudget(n int64) {
	t.remaining.Store(n)
	t.mu.Lock()
	t.budget, t.budgetAt, t.known = float64(n), t.now(), true
	t.mu.Unlock()
}

func (t *pacer) record(resp *http.Response) {
	v := strings.TrimSpace(resp.Header.Get("RateLimit-Remaining"))
	if n, err := strconv.ParseInt(v, 10, 64); err == nil && n >= 0 {
		t.setBudget(n)
		return
	}
	if resp.StatusCode == http.StatusTooManyRequests {
		// No header, but a 429 says the bucket is empty.
		t.setBudget(0)
	}
}

// wait counts a delay and tells the OnWait callback, if any.
func (t *pacer) wait(d time.Duration, reason string) {
	t.waits.Add(1)
	t.waited.Add(int64(d))
	if fn := t.onWait.Load(); fn != nil {
		(*fn)(d, reason)
	}
}

func sleep(ctx context.Context, d time.Duration) error {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}

// releaseOnClose frees a concurrency slot when the body is closed, once.
type releaseOnClose struct {
	io.ReadCloser
	once    sync.Once
	release func()
}

func (b *releaseOnClose) Close() error {
	err := b.ReadCloser.Close()
	b.once.Do(b.release)
	return err
}

// discard drains a little of a body so the connection can be reused, then
// closes it; a large body is not worth reading just to keep a connection.
func discard(body io.ReadCloser) {
	_, _ = io.Copy(io.Discard, io.LimitReader(body, 64<<10))
	_ = body.Close()
}
