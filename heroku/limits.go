package heroku

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"
)

// Caps and deadlines on what the client reads. A real API answer is a few
// kilobytes, a listing of 1,000 apps a few megabytes; these leave a wide
// margin and still keep a hostile or broken server from costing more than
// a bounded amount of memory or time.
const (
	// DefaultMaxBody caps one successful (2xx) API response body.
	DefaultMaxBody = 8 << 20
	// DefaultMaxErrorBody caps one non-2xx body: heroku-go decodes it
	// whole to find the error id, and a real one is a line of JSON.
	DefaultMaxErrorBody = 64 << 10
	// DefaultMaxListBytes caps all the pages of one listing together.
	DefaultMaxListBytes = 64 << 20
	// DefaultMaxPages caps the pages of one listing (1,000 items a page
	// for the fleet listings, 200 for an app's own lists).
	DefaultMaxPages = 200
	// DefaultIdleTimeout is how long a response may make no progress (less
	// than minProgress bytes) while it is waited on: its headers, an API
	// body, a slug download.
	DefaultIdleTimeout = 30 * time.Second
	// DefaultListTimeout bounds a fleet listing (apps, team apps, add-ons,
	// a pipeline's couplings) from first request to last page, retries of
	// 429 answers included.
	DefaultListTimeout = 5 * time.Minute

	// minProgress is what counts as progress within the idle timeout: a
	// server that trickles a byte every few seconds makes none.
	minProgress = 1 << 10
	// maxWarning bounds one X-Heroku-Warning passed on.
	maxWarning = 300
	// maxWarnings bounds how many distinct warnings a client passes on.
	maxWarnings = 20
	// maxNotice bounds one notice of the client's own (a list item it
	// skipped, a listing that may be incomplete), maxNotices how many.
	maxNotice  = 400
	maxNotices = 50
)

// BodyTooLargeError is a response body that went past its cap. It names the
// cap, never the body.
type BodyTooLargeError struct {
	Limit     int64
	ErrorBody bool // the body of a non-2xx answer
}

func (e *BodyTooLargeError) Error() string {
	if e.ErrorBody {
		return "error body larger than the " + sizeName(e.Limit) + " cap"
	}
	return "response body larger than the " + sizeName(e.Limit) + " cap"
}

// StallError is a response that made no progress for the idle timeout.
type StallError struct{ Idle time.Duration }

func (e *StallError) Error() string {
	return fmt.Sprintf("stalled: less than %s in %s", sizeName(minProgress), e.Idle)
}

// Timeout and Temporary make a stall a net.Error timeout, so callers that
// only know timeouts still classify it as one.
func (e *StallError) Timeout() bool   { return true }
func (e *StallError) Temporary() bool { return false }

var errStalled = errors.New("stalled")

// sizeName renders a byte count the way caps are named in messages.
func sizeName(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// bounded is the transport right above the network: every response body
// read through it is capped (by status) and watched for stalls, and the
// header wait is watched too. For the API it also takes X-Heroku-Warning
// off the response before heroku-go sees it: heroku-go prints that header
// raw with the standard logger.
type bounded struct {
	next        http.RoundTripper
	maxBody     int64 // 2xx bodies; 0: no cap (slug downloads cap themselves)
	maxErrBody  int64 // other bodies; 0: no cap
	idle        time.Duration
	minProgress int64
	warnings    *warnings // nil: headers are left alone
	// identity asks for bodies as they are: transparently decompressed,
	// a trickle of compressed bytes could pass for progress and a small
	// answer could grow past what went over the wire.
	identity bool
}

func (t *bounded) RoundTrip(req *http.Request) (*http.Response, error) {
	obs, _ := req.Context().Value(observationKey{}).(*observation)
	if obs != nil {
		// What an earlier attempt (a retried 429) ran into is not this
		// attempt's.
		obs.overCap.Store(0)
		obs.stalled.Store(false)
	}
	ctx, cancel := context.WithCancelCause(req.Context())
	w := newWatchdog(t.idle, t.minProgress, cancel)
	// The header wait is a wait on the server like any body read.
	w.begin()
	out := req.WithContext(ctx)
	if t.identity {
		out.Header = req.Header.Clone()
		out.Header.Set("Accept-Encoding", "identity")
	}
	resp, err := t.next.RoundTrip(out)
	w.end(0)
	if err != nil {
		w.stop()
		cancel(nil)
		if resp != nil {
			resp.Body.Close()
		}
		if w.stalled.Load() {
			return nil, &StallError{Idle: t.idle}
		}
		return nil, err
	}
	res := *resp
	if t.warnings != nil && len(resp.Header.Values("X-Heroku-Warning")) > 0 {
		res.Header = resp.Header.Clone()
		for _, v := range res.Header.Values("X-Heroku-Warning") {
			t.warnings.add(v)
		}
		res.Header.Del("X-Heroku-Warning")
	}
	limit, isErr := t.maxBody, false
	if resp.StatusCode/100 != 2 {
		limit, isErr = t.maxErrBody, true
	}
	res.Body = &boundedBody{rc: resp.Body, limit: limit, isErr: isErr, w: w, cancel: cancel, obs: obs, idle: t.idle}
	return &res, nil
}

// boundedBody reads at most limit bytes of a body, failing the read past
// it, and fails a read that waited the idle timeout without progress.
type boundedBody struct {
	rc     io.ReadCloser
	n      int64
	limit  int64
	isErr  bool
	over   bool
	w      *watchdog
	cancel context.CancelCauseFunc
	obs    *observation
	idle   time.Duration
}

func (b *boundedBody) Read(p []byte) (int, error) {
	if b.over {
		return 0, &BodyTooLargeError{Limit: b.limit, ErrorBody: b.isErr}
	}
	if b.limit > 0 && int64(len(p)) > b.limit-b.n+1 {
		p = p[:b.limit-b.n+1]
	}
	b.w.begin()
	n, err := b.rc.Read(p)
	b.w.end(n)
	b.n += int64(n)
	if b.limit > 0 && b.n > b.limit {
		n -= int(b.n - b.limit)
		b.n, b.over = b.limit, true
		if b.obs != nil {
			b.obs.overCap.Store(b.limit)
		}
		return n, &BodyTooLargeError{Limit: b.limit, ErrorBody: b.isErr}
	}
	if err != nil && err != io.EOF && b.w.stalled.Load() {
		if b.obs != nil {
			b.obs.stalled.Store(true)
		}
		return n, &StallError{Idle: b.idle}
	}
	return n, err
}

func (b *boundedBody) Close() error {
	b.w.stop()
	err := b.rc.Close()
	b.cancel(nil)
	return err
}

// watchdog fails a request that, over the time spent waiting on it, has
// not delivered minProgress bytes within idle. Time the reader spends
// elsewhere (decoding, picking files) does not count: only waits do.
type watchdog struct {
	idle    time.Duration
	min     int64
	timer   *time.Timer
	stalled atomic.Bool
	// Owned by the reading goroutine.
	waited time.Duration // waiting time in this window before the current wait
	got    int64         // bytes in this window
	since  time.Time
}

func newWatchdog(idle time.Duration, min int64, cancel context.CancelCauseFunc) *watchdog {
	w := &watchdog{idle: idle, min: max(min, 1)}
	if idle > 0 {
		w.timer = time.AfterFunc(time.Hour, func() {
			w.stalled.Store(true)
			cancel(errStalled)
		})
		w.timer.Stop()
	}
	return w
}

func (w *watchdog) begin() {
	if w.timer == nil {
		return
	}
	w.since = time.Now()
	w.timer.Reset(max(w.idle-w.waited, 0))
}

func (w *watchdog) end(n int) {
	if w.timer == nil {
		return
	}
	w.timer.Stop()
	w.waited += time.Since(w.since)
	w.got += int64(n)
	if w.got >= w.min {
		w.got, w.waited = 0, 0
	}
}

func (w *watchdog) stop() {
	if w.timer != nil {
		w.timer.Stop()
	}
}

// warnings passes on the distinct X-Heroku-Warning texts, cleaned.
type warnings struct {
	token string
	fn    atomic.Pointer[func(string)]
	mu    sync.Mutex
	seen  map[string]bool
	// noticed are the client's own notices passed on, apart from the
	// server's warnings so neither crowds out the other.
	noticed map[string]bool
}

// notice passes on a notice of the client's own, through the same hook as
// the server's warnings: once each, at most maxNotices, then one line
// saying more were left out.
func (w *warnings) notice(msg string) {
	msg = cleanText(msg, w.token, maxNotice)
	w.mu.Lock()
	if w.noticed[msg] || len(w.noticed) > maxNotices {
		w.mu.Unlock()
		return
	}
	if w.noticed == nil {
		w.noticed = map[string]bool{}
	}
	if len(w.noticed) == maxNotices {
		msg = fmt.Sprintf("more than %d notices about what the API answered; the rest are left out", maxNotices)
	}
	w.noticed[msg] = true
	w.mu.Unlock()
	if fn := w.fn.Load(); fn != nil {
		(*fn)(msg)
	}
}

func (w *warnings) add(raw string) {
	msg := cleanText(raw, w.token, maxWarning)
	if msg == "" {
		return
	}
	w.mu.Lock()
	if w.seen[msg] || len(w.seen) >= maxWarnings {
		w.mu.Unlock()
		return
	}
	if w.seen == nil {
		w.seen = map[string]bool{}
	}
	w.seen[msg] = true
	w.mu.Unlock()
	if fn := w.fn.Load(); fn != nil {
		(*fn)(msg)
	}
}

// cleanText makes text a server sent safe to print on one line: the token
// redacted, control and format characters (escape sequences, bidi
// overrides) dropped, whitespace folded, at most max bytes.
func cleanText(s, token string, maxLen int) string {
	if token != "" {
		s = strings.ReplaceAll(s, token, "[redacted]")
	}
	if len(s) > 4*maxLen {
		s = s[:4*maxLen]
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == utf8.RuneError:
		case unicode.IsSpace(r):
			b.WriteByte(' ')
		case unicode.IsControl(r), unicode.Is(unicode.Cf, r):
		default:
			b.WriteRune(r)
		}
	}
	s = strings.Join(strings.Fields(b.String()), " ")
	if token != "" {
		// Dropped characters may have joined the token's pieces.
		s = strings.ReplaceAll(s, token, "[redacted]")
	}
	if len(s) > maxLen {
		cut := maxLen
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}

// OnWarning sets a function told each distinct X-Heroku-Warning the API
// sends (a deprecation, a maintenance notice), cleaned for printing: token
// redacted, control characters dropped, one line of at most 300 bytes; at
// most 20 distinct warnings per client. It is also told the client's own
// notices about what the API answered, at most 50: a list item that could
// not be read and was skipped (naming the item and the field), a listing
// that may be incomplete. heroku-go never sees the header
// (it would print it raw). It is called from requesting goroutines,
// concurrently. nil stops the calls.
func (c *Client) OnWarning(fn func(msg string)) {
	if fn == nil {
		c.warnings.fn.Store(nil)
		return
	}
	c.warnings.fn.Store(&fn)
}
