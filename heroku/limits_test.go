package heroku

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	hk "github.com/heroku/heroku-go/v6"

	"github.com/herokuaudit/herokuaudit/audit"
)

// hostileMarker fills hostile bodies: it must never reach a message.
const hostileMarker = "HOSTILE-BODY-TEXT"

// limitClient is testClient with options of the test's own.
func limitClient(t *testing.T, apiURL string, opt Options) *Client {
	t.Helper()
	opt.Token, opt.URL = testToken, apiURL
	opt.Retry = RetryPolicy{MaxAttempts: 2, BaseDelay: time.Millisecond, MaxDelay: 4 * time.Millisecond}
	c, err := New(opt)
	if err != nil {
		t.Fatal(err)
	}
	c.pacer.pace = fastPacing(1000)
	return c
}

// endless writes prefix, then filler until the client goes away or limit
// bytes were written, and records how much it wrote.
func endless(code int, prefix string, limit int64, wrote *atomic.Int64) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		n, _ := fmt.Fprint(w, prefix)
		chunk := bytes.Repeat([]byte(`"`+hostileMarker+`",`), 32<<10/20)
		total := int64(n)
		for total < limit {
			n, err := w.Write(chunk)
			total += int64(n)
			if err != nil {
				break
			}
		}
		wrote.Store(total)
	}
}

// An error body is capped before heroku-go decodes it: a 500 that would
// send 2 GB is cut at the error-body cap, and the error names the cap and
// the path, never the body.
func TestErrorBodyCapped(t *testing.T) {
	api, _, _ := world(t)
	var wrote atomic.Int64
	api.handle("/apps/x", endless(500, `{"id":"internal_server_error","message":[`, 2<<30, &wrote))
	c := limitClient(t, api.srv.URL, Options{})
	start := time.Now()
	_, err := c.Snapshot(context.Background(), "x")
	var e *Error
	if !errors.As(err, &e) || e.Kind != Server {
		t.Fatalf("err = %v, want a Server *Error", err)
	}
	want := `app "x": Heroku API error 500 on /apps/x (its body was larger than the 64 KiB error-body cap)`
	if err.Error() != want {
		t.Errorf("err = %q\nwant  %q", err, want)
	}
	if strings.Contains(err.Error(), hostileMarker) {
		t.Errorf("the body reached the message: %q", err)
	}
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("took %v", took)
	}
	// The server stops when the client hangs up; it cannot have been read
	// whole (the socket buffers hold a few MB at most).
	if n := wrote.Load(); n >= 2<<30 {
		t.Errorf("server wrote all %d bytes", n)
	}
}

// A successful body past the cap fails its part, naming the cap and the
// path; the rest of the app is still audited.
func TestSuccessBodyCapped(t *testing.T) {
	api, _, _ := world(t)
	var wrote atomic.Int64
	api.handle("/apps/x/config-vars", endless(200, `{"A":[`, 64<<20, &wrote))
	c := limitClient(t, api.srv.URL, Options{MaxBody: 1 << 20})
	snap, err := c.Snapshot(context.Background(), "x")
	if err != nil {
		t.Fatal(err)
	}
	g := snap.Gaps[audit.PartConfig]
	if want := "response from /apps/x/config-vars is larger than the 1 MiB cap"; !g.Failed || g.Reason != want {
		t.Errorf("Gaps[config] = %+v, want reason %q", g, want)
	}
	if snap.Files == nil || len(snap.Formation) == 0 {
		t.Errorf("other parts lost: files %v, formation %v, gaps %v", snap.Files != nil, snap.Formation, snap.Gaps)
	}
}

// The transport's caps, unit by unit: a body of exactly the cap is read
// whole; one byte more fails with the cap named.
func TestBoundedBodyExactCap(t *testing.T) {
	for _, tc := range []struct {
		size    int
		wantErr bool
	}{{1000, false}, {1024, false}, {1025, true}, {5000, true}} {
		t.Run(fmt.Sprint(tc.size), func(t *testing.T) {
			api := newFakeAPI(t)
			api.handle("/blob", func(w http.ResponseWriter, r *http.Request) { w.Write(bytes.Repeat([]byte("a"), tc.size)) })
			tr := &bounded{next: http.DefaultTransport, maxBody: 1024, maxErrBody: 10}
			req, _ := http.NewRequest("GET", api.srv.URL+"/blob", nil)
			req.Header.Set("Accept", "application/vnd.heroku+json; version=3")
			resp, err := tr.RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var buf bytes.Buffer
			_, err = buf.ReadFrom(resp.Body)
			var tl *BodyTooLargeError
			if tc.wantErr {
				if !errors.As(err, &tl) || tl.Limit != 1024 || buf.Len() != 1024 {
					t.Errorf("err = %v, read %d, want the 1 KiB cap after 1024 bytes", err, buf.Len())
				}
				if err.Error() != "response body larger than the 1 KiB cap" {
					t.Errorf("message %q", err)
				}
			} else if err != nil || buf.Len() != tc.size {
				t.Errorf("err = %v, read %d of %d", err, buf.Len(), tc.size)
			}
		})
	}
}

// pager serves a listing of n pages that always advance, each page of
// pageBytes, and counts the pages served.
func pager(pageBytes, n int, served *atomic.Int64) http.HandlerFunc {
	item := `{"id":"01234567-89ab-cdef-0123-456789abcdef","name":"` + strings.Repeat("a", 200) + `"}`
	page := "[" + strings.TrimSuffix(strings.Repeat(item+",", max(pageBytes/(len(item)+1), 1)), ",") + "]"
	return func(w http.ResponseWriter, r *http.Request) {
		k := served.Add(1)
		if int(k) < n {
			w.Header().Set("Next-Range", fmt.Sprintf("id ]%08d..; max=1000", k))
			w.WriteHeader(http.StatusPartialContent)
		}
		fmt.Fprint(w, page)
	}
}

// A listing whose Next-Range always advances stops at the total cap across
// its pages, or at the page cap, naming the cap.
func TestListingCaps(t *testing.T) {
	t.Run("bytes", func(t *testing.T) {
		api := newFakeAPI(t)
		var served atomic.Int64
		api.handle("/apps", pager(512<<10, 1<<20, &served))
		c := limitClient(t, api.srv.URL, Options{MaxListBytes: 4 << 20})
		_, err := c.ListAllApps(context.Background())
		want := "account: listing /apps is larger than the 4 MiB cap across its pages"
		if err == nil || err.Error() != want {
			t.Errorf("err = %v, want %q", err, want)
		}
		if n := served.Load(); n > 9 {
			t.Errorf("served %d pages of 512 KiB under a 4 MiB cap", n)
		}
	})
	t.Run("pages", func(t *testing.T) {
		api := newFakeAPI(t)
		var served atomic.Int64
		api.handle("/teams/acme/apps", pager(300, 1<<20, &served))
		c := limitClient(t, api.srv.URL, Options{MaxPages: 5})
		_, err := c.ListTeamApps(context.Background(), "acme")
		want := `team "acme": listing /teams/acme/apps has more than 5 pages (the cap)`
		if err == nil || err.Error() != want {
			t.Errorf("err = %v, want %q", err, want)
		}
		if n := served.Load(); n != 5 {
			t.Errorf("served %d pages, want 5", n)
		}
	})
	t.Run("exactly at the cap", func(t *testing.T) {
		for _, tc := range []struct {
			pages int
			ok    bool
		}{{2, true}, {3, false}} {
			api := newFakeAPI(t)
			n := 0
			api.handle("/apps", func(w http.ResponseWriter, r *http.Request) {
				n++
				if n < tc.pages {
					w.Header().Set("Next-Range", fmt.Sprintf("id ]%d..", n))
					w.WriteHeader(http.StatusPartialContent)
				}
				fmt.Fprint(w, `[{"name":"a`+strings.Repeat("b", 1000-14)+`"}]`) // 1000 bytes
			})
			c := limitClient(t, api.srv.URL, Options{MaxListBytes: 2000})
			_, err := c.ListAllApps(context.Background())
			if (err == nil) != tc.ok {
				t.Errorf("%d pages of 1000 bytes under a 2000-byte cap: err = %v", tc.pages, err)
			}
		}
	})
	t.Run("within the caps", func(t *testing.T) {
		api := newFakeAPI(t)
		var served atomic.Int64
		api.handle("/apps", pager(100<<10, 5, &served))
		c := limitClient(t, api.srv.URL, Options{MaxListBytes: 1 << 20, MaxPages: 5})
		refs, err := c.ListAllApps(context.Background())
		if err != nil || len(refs) != 1 {
			t.Errorf("refs %d, err %v", len(refs), err)
		}
	})
}

// trickle answers with headers and a little of the body, then a byte every
// every, until the client goes away.
func trickle(code int, prefix string, every time.Duration) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(code)
		fmt.Fprint(w, prefix)
		w.(http.Flusher).Flush()
		tk := time.NewTicker(every)
		defer tk.Stop()
		for {
			select {
			case <-r.Context().Done():
				return
			case <-tk.C:
				if _, err := w.Write([]byte(" ")); err != nil {
					return
				}
				w.(http.Flusher).Flush()
			}
		}
	}
}

// A body that trickles a byte at a time makes no progress: it fails
// within the idle timeout, though bytes keep coming, and so does an answer
// whose headers never come.
func TestIdleTimeoutAPI(t *testing.T) {
	const idle = 300 * time.Millisecond
	for _, tc := range []struct {
		name string
		h    http.HandlerFunc
	}{
		{"trickling body", trickle(200, `{"A":`, 50*time.Millisecond)},
		{"trickling error body", trickle(500, `{"id":`, 50*time.Millisecond)},
		{"no headers", func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			api, _, _ := world(t)
			api.handle("/apps/x/config-vars", tc.h)
			c := limitClient(t, api.srv.URL, Options{IdleTimeout: idle})
			start := time.Now()
			snap, err := c.Snapshot(context.Background(), "x")
			if err != nil {
				t.Fatal(err)
			}
			if took := time.Since(start); took > 5*idle {
				t.Errorf("took %v with a %v idle timeout", took, idle)
			}
			g := snap.Gaps[audit.PartConfig]
			want := "no progress on /apps/x/config-vars: less than 1 KiB in 300ms (the idle timeout)"
			if !g.Failed || g.Reason != want {
				t.Errorf("Gaps[config] = %+v, want %q", g, want)
			}
		})
	}
}

// A slow body that keeps making progress is not cut: the idle timeout is
// about progress, not about the whole transfer.
func TestIdleTimeoutSlowButSteady(t *testing.T) {
	api, _, _ := world(t)
	api.handle("/apps/x/config-vars", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"A":"`)
		for range 8 {
			w.Write(bytes.Repeat([]byte("b"), 2<<10))
			w.(http.Flusher).Flush()
			time.Sleep(100 * time.Millisecond)
		}
		fmt.Fprint(w, `"}`)
	})
	c := limitClient(t, api.srv.URL, Options{IdleTimeout: 300 * time.Millisecond})
	snap, err := c.Snapshot(context.Background(), "x")
	if err != nil {
		t.Fatal(err)
	}
	if g, ok := snap.Gaps[audit.PartConfig]; ok {
		t.Errorf("Gaps[config] = %+v", g)
	}
}

// A slug download that trickles fails within the idle timeout; the rest
// of the app is kept.
func TestIdleTimeoutSlug(t *testing.T) {
	const idle = 300 * time.Millisecond
	for _, tc := range []struct {
		name string
		h    http.HandlerFunc
		want string
	}{
		{"trickling body", trickle(200, "\x1f\x8b", 50*time.Millisecond), "reading slug: no progress: less than 1 KiB in 300ms (the idle timeout)"},
		{"no headers", func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }, "downloading slug: no progress: less than 1 KiB in 300ms (the idle timeout)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			api := newFakeAPI(t)
			fx := cedarApp(blobURL(t, tc.h))
			api.install(fx)
			c := limitClient(t, api.srv.URL, Options{IdleTimeout: idle})
			start := time.Now()
			snap, err := c.Snapshot(context.Background(), "x")
			if err != nil {
				t.Fatal(err)
			}
			if took := time.Since(start); took > 5*idle {
				t.Errorf("took %v with a %v idle timeout", took, idle)
			}
			if g := snap.Gaps[audit.PartFiles]; !g.Failed || g.Reason != tc.want {
				t.Errorf("Gaps[files] = %+v, want %q", g, tc.want)
			}
			if snap.Slug == nil || len(snap.ConfigVars) == 0 {
				t.Errorf("other parts lost: %v", snap.Gaps)
			}
		})
	}
}

// blobURL serves h as a slug blob and returns its presigned-looking URL.
func blobURL(tb testing.TB, h http.HandlerFunc) string {
	srv := httptest.NewServer(h)
	tb.Cleanup(srv.Close)
	return srv.URL + "/blobs/slug.tgz?" + blobSecret
}

// X-Heroku-Warning never reaches heroku-go's logger (which prints it raw);
// it is passed on once, cleaned of control characters and of the token.
func TestWarningHeaderCleaned(t *testing.T) {
	var logged bytes.Buffer
	prevOut, prevFlags := log.Writer(), log.Flags()
	log.SetOutput(&logged)
	defer func() { log.SetOutput(prevOut); log.SetFlags(prevFlags) }()

	api, _, fx := world(t)
	// Go's HTTP/1 client refuses C0 controls in headers, but lets C1
	// controls (U+009B is CSI to many terminals), bidi overrides and
	// invalid UTF-8 through.
	raw := "API v3 \u009b31mdeprecated\u009b0m\u202e for " + testToken + "\xff soon"
	withWarning := func(body string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header()["X-Heroku-Warning"] = []string{raw}
			jsonHandler(body)(w, r)
		}
	}
	api.handle("/apps/x", withWarning(fx.app))
	api.handle("/apps/x/dynos", withWarning(fx.dynos))
	c := limitClient(t, api.srv.URL, Options{})
	var mu sync.Mutex
	var got []string
	c.OnWarning(func(msg string) {
		mu.Lock()
		got = append(got, msg)
		mu.Unlock()
	})
	if _, err := c.Snapshot(context.Background(), "x"); err != nil {
		t.Fatal(err)
	}
	want := "API v3 31mdeprecated0m for [redacted] soon"
	if len(got) != 1 || got[0] != want {
		t.Errorf("warnings = %q, want once %q", got, want)
	}
	if logged.Len() != 0 {
		t.Errorf("heroku-go logged %q", logged.String())
	}
}

func TestCleanText(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"plain", "plain"},
		{"a\r\nb\tc", "a b c"},
		{"\x1b]0;title\x07x", "]0;titlex"},
		{"HRKU-tok3n\x1b-0123456789abcdef-SECRET", "[redacted]"},
		{"bidi \u202egnp.exe\u202c", "bidi gnp.exe"},
		{"\xff\xfebad utf8", "bad utf8"},
		{strings.Repeat("é", 400), strings.Repeat("é", 150) + "…"},
	} {
		got := cleanText(tc.in, "HRKU-tok3n-0123456789abcdef-SECRET", maxWarning)
		if got != tc.want {
			t.Errorf("cleanText(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// Without OnWarning the header is still taken off the response.
func TestWarningHeaderDroppedWithoutCallback(t *testing.T) {
	var logged bytes.Buffer
	prevOut := log.Writer()
	log.SetOutput(&logged)
	defer log.SetOutput(prevOut)
	api := newFakeAPI(t)
	api.handle("/account/rate-limits", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Heroku-Warning", "raw \u009b2J")
		fmt.Fprint(w, `{"remaining": 100}`)
	})
	c := limitClient(t, api.srv.URL, Options{})
	if _, err := c.RateLimitBudget(context.Background()); err != nil {
		t.Fatal(err)
	}
	// The service's own methods go through the same transport.
	var v struct{}
	if err := c.Service().Get(context.Background(), &v, "/account/rate-limits", nil, (*hk.ListRange)(nil)); err != nil {
		t.Fatal(err)
	}
	if logged.Len() != 0 {
		t.Errorf("heroku-go logged %q", logged.String())
	}
}

// A fleet listing answered 429 forever ends at the listing timeout, even
// when the caller's context has no deadline (a fleet without --timeout),
// with an error that says why.
func TestListTimeout(t *testing.T) {
	const lt = 300 * time.Millisecond
	rateLimited := statusHandler(429, `{"id":"rate_limit","message":"Your account reached the API rate limit"}`)
	for _, tc := range []struct {
		name string
		path string
		run  func(*Client) error
		want string
	}{
		{"all", "/apps", func(c *Client) error { _, err := c.ListAllApps(context.Background()); return err },
			`account: rate limited by the Heroku API on /apps (still 429 after `},
		{"team", "/teams/acme/apps", func(c *Client) error { _, err := c.ListTeamApps(context.Background(), "acme"); return err },
			`team "acme": rate limited by the Heroku API on /teams/acme/apps (still 429 after `},
		{"team fleet", "/teams/acme/apps", func(c *Client) error { _, err := c.NewTeamFleet(context.Background(), "acme"); return err },
			`team "acme": rate limited by the Heroku API on /teams/acme/apps (still 429 after `},
		{"pipeline", "/pipelines/shop", func(c *Client) error { _, err := c.ListPipelineApps(context.Background(), "shop"); return err },
			`pipeline "shop": rate limited by the Heroku API on /pipelines/shop (still 429 after `},
	} {
		t.Run(tc.name, func(t *testing.T) {
			api := newFakeAPI(t)
			api.handle(tc.path, rateLimited)
			api.handle("/teams/acme/addons", rateLimited)
			c := limitClient(t, api.srv.URL, Options{ListTimeout: lt})
			start := time.Now()
			err := tc.run(c)
			if took := time.Since(start); took > 2*time.Second {
				t.Errorf("took %v with a %v listing timeout", took, lt)
			}
			var e *Error
			if !errors.As(err, &e) || e.Kind != RateLimited || !strings.HasPrefix(err.Error(), tc.want) ||
				!strings.HasSuffix(err.Error(), "(gave up at the 300ms listing timeout)") {
				t.Errorf("err = %v", err)
			}
			if n := api.hitsOf(tc.path); n < 3 {
				t.Errorf("asked %d times: the 429s were not retried", n)
			}
		})
	}
}

// An add-on listing that runs out of time degrades to per-app add-ons; the
// fleet is still built.
func TestListTimeoutAddonsDegrade(t *testing.T) {
	api := newFakeAPI(t)
	api.handle("/apps", jsonHandler(`[{"name":"x","id":"01234567-89ab-cdef-0123-456789abcdef"}]`))
	api.handle("/addons", statusHandler(429, `{"id":"rate_limit"}`))
	c := limitClient(t, api.srv.URL, Options{ListTimeout: 200 * time.Millisecond})
	f, err := c.NewFleet(context.Background(), []AppRef{{Name: "x"}})
	if err != nil {
		t.Fatal(err)
	}
	w := f.Warnings()
	if len(w) != 1 || !strings.Contains(w[0], "add-ons could not be listed (rate limited by the Heroku API on /addons") ||
		!strings.Contains(w[0], "listing timeout") {
		t.Errorf("warnings = %q", w)
	}
}

// API bodies are asked for uncompressed, so the caps and the idle timeout
// count what crosses the wire.
func TestAPIAsksForIdentity(t *testing.T) {
	api := newFakeAPI(t)
	var seen atomic.Value
	api.handle("/account/rate-limits", func(w http.ResponseWriter, r *http.Request) {
		seen.Store(r.Header.Get("Accept-Encoding"))
		fmt.Fprint(w, `{"remaining": 100}`)
	})
	c := limitClient(t, api.srv.URL, Options{})
	if _, err := c.RateLimitBudget(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := seen.Load(); got != "identity" {
		t.Errorf("Accept-Encoding = %q, want identity", got)
	}
}

// A slug blob served with Content-Encoding: gzip (object metadata some
// uploaders set) is read as the tarball it is, not decompressed twice.
func TestSlugBlobWithContentEncoding(t *testing.T) {
	api := newFakeAPI(t)
	tgz := slugTarball(t, slugFiles)
	var seen atomic.Value
	api.install(cedarApp(blobURL(t, func(w http.ResponseWriter, r *http.Request) {
		seen.Store(r.Header.Get("Accept-Encoding"))
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(tgz)
	})))
	c := limitClient(t, api.srv.URL, Options{})
	snap, err := c.Snapshot(context.Background(), "x")
	if err != nil {
		t.Fatal(err)
	}
	if snap.Files == nil || len(snap.Files.Entries) != 5 {
		t.Errorf("files %v, gaps %v", snap.Files != nil, snap.Gaps)
	}
	if got := seen.Load(); got != "identity" {
		t.Errorf("Accept-Encoding = %q, want identity", got)
	}
}
