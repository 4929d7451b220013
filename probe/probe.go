// Package probe asks an app's own URLs a handful of gentle questions and
// records what they answer, for the probe checks of the audit package.
//
// Per host it sends at most MaxRequests GET requests: https://HOST/ (and one
// redirect on the same host), http://HOST/ (its redirect recorded, never
// followed), https://HOST/ with Origin: https://evil.example, /console and
// the Werkzeug debugger's own script (?__debugger__=yes&cmd=resource&f=debugger.js,
// which Werkzeug serves whatever the Host, unlike /console). No cookies, no
// credentials, no bodies; a redirect to another host is recorded, never
// followed. Bodies are read up to a cap and only markers are kept; cookies
// are kept as names and flags.
package probe

import (
	"cmp"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/herokuaudit/herokuaudit/audit"
)

// Limits.
const (
	MaxRequests    = 6                // per host, redirects included
	DefaultTimeout = 10 * time.Second // per request
	DefaultBodyCap = 64 << 10         // bytes of a body read for markers
	DefaultHosts   = 4                // hosts in flight across a run
	maxHeaderValue = 1024             // bytes of a header value kept
)

// Options tunes a Prober; the zero value is the defaults.
type Options struct {
	UserAgent string        // herokuaudit/VERSION
	Timeout   time.Duration // per request
	BodyCap   int64
	Hosts     int // hosts probed at once, across every Probe call
	// Transport carries the requests; nil for a fresh one. Tests pass an
	// httptest server's client transport.
	Transport http.RoundTripper
}

// Prober probes hosts, a few at a time however many apps share it.
type Prober struct {
	opt    Options
	client *http.Client
	hosts  chan struct{}
}

// New makes a Prober.
func New(opt Options) *Prober {
	opt.Timeout = cmp.Or(opt.Timeout, DefaultTimeout)
	opt.BodyCap = cmp.Or(opt.BodyCap, DefaultBodyCap)
	opt.Hosts = cmp.Or(opt.Hosts, DefaultHosts)
	opt.UserAgent = cmp.Or(opt.UserAgent, "herokuaudit")
	tr := opt.Transport
	if tr == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
		t.MaxResponseHeaderBytes = 64 << 10
		tr = t
	}
	return &Prober{
		opt: opt,
		client: &http.Client{
			Transport: tr,
			Jar:       nil, // no cookies, ever
			CheckRedirect: func(*http.Request, []*http.Request) error {
				return http.ErrUseLastResponse // redirects are recorded, followed by hand
			},
		},
		hosts: make(chan struct{}, opt.Hosts),
	}
}

// Target is one host to probe: the base URLs of its HTTPS and plain HTTP
// sides ("https://www.example.com/", "http://www.example.com/").
type Target struct {
	Host  string
	HTTPS string
	HTTP  string
}

// Targets turns URLs or hostnames (an app's web_url, its custom domains)
// into targets, one per host, in order. Paths, queries and credentials in
// the URLs are dropped: only the host's root is probed.
func Targets(urls []string) ([]Target, error) {
	var out []Target
	seen := map[string]bool{}
	for _, raw := range urls {
		raw = strings.TrimSpace(raw)
		if raw == "" {
			continue
		}
		if !strings.Contains(raw, "://") {
			raw = "https://" + raw
		}
		u, err := url.Parse(raw)
		if err != nil || u.Hostname() == "" {
			return nil, fmt.Errorf("%q is not a URL or a host name", raw)
		}
		if u.Scheme != "https" && u.Scheme != "http" {
			return nil, fmt.Errorf("%s: only http and https URLs can be probed", u.Redacted())
		}
		host := strings.ToLower(u.Host)
		if u.Port() == "443" || u.Port() == "80" {
			host = strings.ToLower(u.Hostname())
			if strings.Contains(host, ":") {
				host = "[" + host + "]"
			}
		}
		if seen[host] {
			continue
		}
		seen[host] = true
		h := host
		if u.Port() != "" && u.Port() != "80" && u.Port() != "443" {
			// a port given is the HTTPS one; plain HTTP is asked on 80
			h = u.Hostname()
			if strings.Contains(h, ":") {
				h = "[" + h + "]"
			}
		}
		out = append(out, Target{Host: host, HTTPS: "https://" + host + "/", HTTP: "http://" + h + "/"})
	}
	return out, nil
}

// Probe probes every target, concurrently within the Prober's bound on
// hosts, and returns what they answered. It fails only when no host
// answered anything: then the probe says nothing and the checks must not
// pass.
func (p *Prober) Probe(ctx context.Context, targets []Target) (*audit.Probe, error) {
	if len(targets) == 0 {
		return nil, errors.New("no URL to probe")
	}
	out := &audit.Probe{Hosts: make([]audit.ProbeHost, len(targets))}
	var wg sync.WaitGroup
	for i, t := range targets {
		wg.Go(func() {
			select {
			case p.hosts <- struct{}{}:
				defer func() { <-p.hosts }()
				out.Hosts[i] = p.host(ctx, t)
			case <-ctx.Done():
				out.Hosts[i] = audit.ProbeHost{Host: t.Host, Error: "interrupted before it was probed"}
			}
		})
	}
	wg.Wait()
	var errs []string
	for _, h := range out.Hosts {
		if h.Error != "" {
			errs = append(errs, h.Host+": "+h.Error)
		}
	}
	if len(errs) == len(out.Hosts) {
		return nil, errors.New(strings.Join(errs, "; "))
	}
	return out, nil
}

// host sends one host its requests: the root's chain first hop, then the
// others at once, so a host costs about two round trips.
func (p *Prober) host(ctx context.Context, t Target) audit.ProbeHost {
	h := audit.ProbeHost{Host: t.Host}
	base, err := url.Parse(t.HTTPS)
	if err != nil {
		h.Error = err.Error()
		return h
	}
	debugger := *base
	debugger.RawQuery = "__debugger__=yes&cmd=resource&f=debugger.js"
	console := *base
	console.Path = "/console"
	type req struct {
		kind, url string
		origin    string
	}
	reqs := []req{
		{kind: audit.ProbeHTTP, url: t.HTTP},
		{kind: audit.ProbeCORS, url: t.HTTPS, origin: audit.EvilOrigin},
		{kind: audit.ProbeConsole, url: console.String()},
		{kind: audit.ProbeDebugger, url: debugger.String()},
	}
	// the root may take one same-host redirect: 2 + 4 = MaxRequests
	var mu sync.Mutex
	var rest []audit.ProbeResponse
	var root []audit.ProbeResponse
	var wg sync.WaitGroup
	wg.Go(func() { root = p.chain(ctx, t.HTTPS, MaxRequests-len(reqs)) })
	for _, r := range reqs {
		wg.Go(func() {
			resp := p.get(ctx, r.kind, r.url, r.origin)
			mu.Lock()
			rest = append(rest, resp)
			mu.Unlock()
		})
	}
	wg.Wait()
	h.Responses = append(h.Responses, root...)
	for _, r := range reqs { // a stable order: the requests' own
		for _, resp := range rest {
			if resp.Kind == r.kind {
				h.Responses = append(h.Responses, resp)
			}
		}
	}
	failed := 0
	for _, r := range h.Responses {
		if r.Error != "" {
			failed++
		}
	}
	if failed == len(h.Responses) {
		h.Error = h.Responses[0].Error
	}
	return h
}

// chain gets the root and follows its redirects on the same host, scheme
// https, up to max requests.
func (p *Prober) chain(ctx context.Context, start string, max int) []audit.ProbeResponse {
	var out []audit.ProbeResponse
	next := start
	for hop := 0; hop < max && next != ""; hop++ {
		r := p.get(ctx, audit.ProbeRoot, next, "")
		r.Hop = hop
		out = append(out, r)
		next = ""
		if loc := r.Get("Location"); r.Error == "" && isRedirect(r.Status) && loc != "" {
			cur, _ := url.Parse(r.URL)
			if to, err := cur.Parse(loc); err == nil && to.Scheme == "https" && strings.EqualFold(to.Host, cur.Host) && to.User == nil {
				to.Fragment = ""
				next = to.String()
			}
		}
	}
	return out
}

func isRedirect(status int) bool {
	switch status {
	case 301, 302, 303, 307, 308:
		return true
	}
	return false
}

// kept are the headers recorded: what the checks read.
var kept = []string{"Strict-Transport-Security", "Content-Security-Policy", "Content-Security-Policy-Report-Only",
	"X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy", "Access-Control-Allow-Origin",
	"Access-Control-Allow-Credentials", "Server", "X-Powered-By", "Location", "Content-Type", "Vary"}

// get sends one GET and records its answer.
func (p *Prober) get(ctx context.Context, kind, target, origin string) audit.ProbeResponse {
	rec := audit.ProbeResponse{Kind: kind, URL: target}
	ctx, cancel := context.WithTimeout(ctx, p.opt.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		rec.Error = err.Error()
		return rec
	}
	req.Header.Set("User-Agent", p.opt.UserAgent)
	req.Header.Set("Accept", "text/html,*/*;q=0.5")
	if origin != "" {
		req.Header.Set("Origin", origin)
	}
	resp, err := p.client.Do(req)
	if err != nil {
		rec.Error = reason(err, p.opt.Timeout)
		return rec
	}
	defer resp.Body.Close()
	rec.Status = resp.StatusCode
	for _, name := range kept {
		for _, v := range resp.Header.Values(name) {
			if rec.Header == nil {
				rec.Header = map[string][]string{}
			}
			if len(v) > maxHeaderValue {
				v = v[:maxHeaderValue] + "…"
			}
			rec.Header[name] = append(rec.Header[name], v)
		}
	}
	for _, c := range resp.Cookies() {
		rec.Cookies = append(rec.Cookies, audit.ProbeCookie{Name: c.Name, Secure: c.Secure, HTTPOnly: c.HttpOnly, SameSite: sameSite(c.SameSite)})
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, p.opt.BodyCap+1))
	if int64(len(body)) > p.opt.BodyCap {
		body, rec.Truncated = body[:p.opt.BodyCap], true
	}
	rec.Markers = Markers(body)
	if err != nil && len(body) == 0 && rec.Markers == nil {
		rec.Error = "reading the body: " + reason(err, p.opt.Timeout)
	}
	return rec
}

func sameSite(s http.SameSite) string {
	switch s {
	case http.SameSiteLaxMode:
		return "Lax"
	case http.SameSiteStrictMode:
		return "Strict"
	case http.SameSiteNoneMode:
		return "None"
	}
	return ""
}

// Markers finds the debugger's and Python's tell-tale strings in a body.
// The Werkzeug debugger's pages are titled "… // Werkzeug Debugger" and end
// "friendly Werkzeug powered traceback interpreter" (werkzeug/debug/tbtools.py);
// its script, debugger.js, declares the page's EVALEX and CONSOLE_MODE flags.
func Markers(body []byte) []string {
	s := string(body)
	var out []string
	if strings.Contains(s, "// Werkzeug Debugger") || strings.Contains(s, "Werkzeug powered traceback interpreter") {
		out = append(out, audit.MarkerDebuggerPage)
	}
	if strings.Contains(s, "EVALEX") && strings.Contains(s, "CONSOLE_MODE") && !strings.Contains(s, "<html") {
		out = append(out, audit.MarkerDebuggerResource)
	}
	if strings.Contains(s, "Traceback (most recent call last)") {
		out = append(out, audit.MarkerTraceback)
	}
	return out
}

// reason says why a request got no answer, without the URL Go's errors
// repeat.
func reason(err error, timeout time.Duration) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	var ne net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()):
		return fmt.Sprintf("no answer within %s", timeout)
	case errors.Is(err, context.Canceled):
		return "interrupted"
	}
	return err.Error()
}
