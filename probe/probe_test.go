package probe

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/herokuaudit/herokuaudit/audit"
)

// site is a TLS server and a plain one standing for a host's two sides.
type site struct {
	tls, plain *httptest.Server
	mu         sync.Mutex
	reqs       []*http.Request
}

func newSite(t testing.TB, h http.HandlerFunc) *site {
	t.Helper()
	s := &site{}
	rec := func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.reqs = append(s.reqs, r.Clone(context.Background()))
		s.mu.Unlock()
		h(w, r)
	}
	s.tls = httptest.NewTLSServer(http.HandlerFunc(rec))
	s.plain = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Heroku's router answers http itself when the app redirects: here the app does
		rec(w, r)
	}))
	t.Cleanup(s.tls.Close)
	t.Cleanup(s.plain.Close)
	return s
}

func (s *site) target() Target {
	host := strings.TrimPrefix(s.tls.URL, "https://")
	return Target{Host: host, HTTPS: s.tls.URL + "/", HTTP: s.plain.URL + "/"}
}

func (s *site) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.reqs)
}

func prober(s *site, opt Options) *Prober {
	opt.Transport = s.tls.Client().Transport
	opt.UserAgent = "herokuaudit/test"
	return New(opt)
}

func probeOne(t *testing.T, s *site, opt Options) audit.ProbeHost {
	t.Helper()
	p, err := prober(s, opt).Probe(context.Background(), []Target{s.target()})
	if err != nil {
		t.Fatal(err)
	}
	return p.Hosts[0]
}

func TestRequestsAreFewPlainAndGET(t *testing.T) {
	// a redirect loop on the same host: the probe must stop at its budget
	var n atomic.Int64
	s := newSite(t, func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "session", Value: "v"})
		http.Redirect(w, r, "/loop"+strings.Repeat("x", int(n.Add(1))), http.StatusFound)
	})
	h := probeOne(t, s, Options{})
	if got := s.count(); got > MaxRequests {
		t.Fatalf("%d requests, want at most %d", got, MaxRequests)
	}
	if len(h.Responses) != s.count() {
		t.Errorf("%d responses recorded for %d requests", len(h.Responses), s.count())
	}
	origins := 0
	for _, r := range s.reqs {
		if r.Method != http.MethodGet || r.ContentLength > 0 {
			t.Errorf("%s %s with a body of %d", r.Method, r.URL, r.ContentLength)
		}
		if r.Header.Get("Cookie") != "" || r.Header.Get("Authorization") != "" {
			t.Errorf("%s sent Cookie %q / Authorization %q", r.URL, r.Header.Get("Cookie"), r.Header.Get("Authorization"))
		}
		if ua := r.Header.Get("User-Agent"); ua != "herokuaudit/test" {
			t.Errorf("User-Agent %q", ua)
		}
		if o := r.Header.Get("Origin"); o != "" {
			origins++
			if o != audit.EvilOrigin {
				t.Errorf("Origin %q", o)
			}
		}
	}
	if origins != 1 {
		t.Errorf("%d requests with an Origin, want 1", origins)
	}
	if len(h.Of(audit.ProbeRoot)) != 2 {
		t.Errorf("root chain %d requests, want 2 (one redirect followed)", len(h.Of(audit.ProbeRoot)))
	}
	if len(h.Of(audit.ProbeHTTP)) != 1 || h.Of(audit.ProbeHTTP)[0].Status != http.StatusFound {
		t.Errorf("http side: %+v", h.Of(audit.ProbeHTTP))
	}
}

func TestNoRedirectToAnotherHost(t *testing.T) {
	var other atomic.Int64
	elsewhere := httptest.NewTLSServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { other.Add(1) }))
	defer elsewhere.Close()
	s := newSite(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, elsewhere.URL+"/landing", http.StatusMovedPermanently)
	})
	h := probeOne(t, s, Options{})
	if other.Load() != 0 {
		t.Fatalf("the other host got %d requests", other.Load())
	}
	root := h.Of(audit.ProbeRoot)
	if len(root) != 1 || root[0].Get("Location") != elsewhere.URL+"/landing" {
		t.Errorf("root: %+v, want one response recording the Location", root)
	}
}

func TestBodyCapAndMarkers(t *testing.T) {
	big := strings.Repeat("a", 100<<10)
	s := newSite(t, func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/console":
			// a traceback past the cap is not seen, and never read
			_, _ = w.Write([]byte(big + "Traceback (most recent call last)"))
		case r.URL.Query().Get("__debugger__") == "yes":
			w.Header().Set("Content-Type", "text/javascript")
			_, _ = w.Write([]byte("docReady(() => {\n  if (!EVALEX_TRUSTED) {\n    initPinBox();\n  }\n  if (CONSOLE_MODE && EVALEX) {\n"))
		default:
			_, _ = w.Write([]byte("<title>ZeroDivisionError // Werkzeug Debugger</title>Traceback (most recent call last)"))
		}
	})
	h := probeOne(t, s, Options{BodyCap: 64 << 10})
	c := h.Of(audit.ProbeConsole)[0]
	if !c.Truncated || len(c.Markers) != 0 {
		t.Errorf("console: truncated %v markers %v, want truncated and none", c.Truncated, c.Markers)
	}
	if d := h.Of(audit.ProbeDebugger)[0]; len(d.Markers) != 1 || d.Markers[0] != audit.MarkerDebuggerResource {
		t.Errorf("debugger resource markers %v", d.Markers)
	}
	if p, _ := h.Page(); len(p.Markers) != 2 {
		t.Errorf("page markers %v, want the debugger page and a traceback", p.Markers)
	}
}

func TestTimeout(t *testing.T) {
	release := make(chan struct{})
	s := newSite(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/console" {
			select {
			case <-release:
			case <-r.Context().Done():
			}
		}
	})
	defer close(release)
	start := time.Now()
	h := probeOne(t, s, Options{Timeout: 200 * time.Millisecond})
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("took %s", d)
	}
	c := h.Of(audit.ProbeConsole)[0]
	if !strings.Contains(c.Error, "no answer within 200ms") {
		t.Errorf("console error %q", c.Error)
	}
	if p, ok := h.Page(); !ok || p.Status != 200 {
		t.Errorf("the root should still have answered: %+v", p)
	}
}

func TestCookieValuesAreNeverKept(t *testing.T) {
	s := newSite(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("Set-Cookie", "session=SECRETVALUE123; Secure; HttpOnly; Path=/; SameSite=Lax")
		w.Header().Add("Set-Cookie", "remember_token=OTHERSECRET456; Path=/")
		w.Header().Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
	})
	h := probeOne(t, s, Options{})
	b, _ := json.Marshal(h)
	for _, secret := range []string{"SECRETVALUE123", "OTHERSECRET456"} {
		if strings.Contains(string(b), secret) {
			t.Fatalf("a cookie value was kept: %s", b)
		}
	}
	p, _ := h.Page()
	want := []audit.ProbeCookie{{Name: "session", Secure: true, HTTPOnly: true, SameSite: "Lax"}, {Name: "remember_token"}}
	if len(p.Cookies) != 2 || p.Cookies[0] != want[0] || p.Cookies[1] != want[1] {
		t.Errorf("cookies %+v, want %+v", p.Cookies, want)
	}
	if p.Get("Strict-Transport-Security") != "max-age=31536000; includeSubDomains" {
		t.Errorf("HSTS %q", p.Get("Strict-Transport-Security"))
	}
}

func TestFewHostsInFlight(t *testing.T) {
	var mu sync.Mutex
	active := map[string]int{}
	most := 0
	h := func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		active[r.Host]++
		most = max(most, len(active))
		mu.Unlock()
		time.Sleep(30 * time.Millisecond)
		mu.Lock()
		if active[r.Host]--; active[r.Host] == 0 {
			delete(active, r.Host)
		}
		mu.Unlock()
	}
	var targets [][]Target
	var first *site
	for range 6 {
		s := newSite(t, h)
		if first == nil {
			first = s
		}
		targets = append(targets, []Target{s.target()})
	}
	p := prober(first, Options{Hosts: 2}) // httptest's servers share one certificate
	var wg sync.WaitGroup
	for _, ts := range targets { // as a fleet's apps would, at once
		wg.Go(func() {
			if _, err := p.Probe(context.Background(), ts); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	// a host's plain side counts as a host of its own here: 2 hosts, 2 sides each
	if most > 4 {
		t.Errorf("%d hosts answered at once, want at most 2 (4 listeners)", most)
	}
}

func TestAllHostsDownIsAnError(t *testing.T) {
	s := newSite(t, func(http.ResponseWriter, *http.Request) {})
	tg := s.target()
	s.tls.Close()
	s.plain.Close()
	if _, err := prober(s, Options{}).Probe(context.Background(), []Target{tg}); err == nil {
		t.Fatal("no error when nothing answered")
	}
}

func TestTargets(t *testing.T) {
	got, err := Targets([]string{"https://myapp-1234.herokuapp.com/", "www.Example.com", "https://user:pw@www.example.com:443/path?q=1", "https://127.0.0.1:8443"})
	if err != nil {
		t.Fatal(err)
	}
	want := []Target{
		{Host: "myapp-1234.herokuapp.com", HTTPS: "https://myapp-1234.herokuapp.com/", HTTP: "http://myapp-1234.herokuapp.com/"},
		{Host: "www.example.com", HTTPS: "https://www.example.com/", HTTP: "http://www.example.com/"},
		{Host: "127.0.0.1:8443", HTTPS: "https://127.0.0.1:8443/", HTTP: "http://127.0.0.1/"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("%d: got %+v, want %+v", i, got[i], want[i])
		}
	}
	if _, err := Targets([]string{"ftp://x"}); err == nil {
		t.Error("ftp accepted")
	}
}
