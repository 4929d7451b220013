package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/herokuaudit/herokuaudit/audit"
)

// router stands for every host the probe asks: a TLS side and a plain side,
// the one app behind them answering hardened or naked.
type router struct {
	tls, plain *httptest.Server
	mu         sync.Mutex
	perHost    map[string]int
}

func newRouter(t *testing.T, hardened bool) *router {
	t.Helper()
	rt := &router{perHost: map[string]int{}}
	count := func(r *http.Request) {
		rt.mu.Lock()
		rt.perHost[strings.Split(r.Host, ":")[0]]++
		rt.mu.Unlock()
	}
	rt.tls = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		count(r)
		h := w.Header()
		h.Set("Server", "gunicorn")
		if hardened {
			h.Set("Strict-Transport-Security", "max-age=31556926; includeSubDomains")
			h.Set("X-Frame-Options", "SAMEORIGIN")
			h.Set("X-Content-Type-Options", "nosniff")
			h.Set("Content-Security-Policy", "default-src 'self'; object-src 'none'")
			h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
			h.Add("Set-Cookie", "session=eyJ0b2tlbiI6InNlY3JldCJ9; Secure; HttpOnly; Path=/; SameSite=Lax")
		} else {
			h.Set("Server", "Werkzeug/3.0.1 Python/3.12.1")
			h.Add("Set-Cookie", "session=eyJ0b2tlbiI6InNlY3JldCJ9; HttpOnly; Path=/")
			if o := r.Header.Get("Origin"); o != "" {
				h.Set("Access-Control-Allow-Origin", o)
			}
		}
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		_, _ = w.Write([]byte("<h1>hello</h1>"))
	}))
	rt.plain = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		count(r)
		if hardened {
			http.Redirect(w, r, "https://"+r.Host+r.URL.RequestURI(), http.StatusMovedPermanently)
			return
		}
		_, _ = w.Write([]byte("<h1>hello</h1>"))
	}))
	t.Cleanup(rt.tls.Close)
	t.Cleanup(rt.plain.Close)
	return rt
}

// transport sends every host's :443 to the TLS side and :80 to the plain one.
func (rt *router) transport() http.RoundTripper {
	tr := rt.tls.Client().Transport.(*http.Transport).Clone()
	tr.TLSClientConfig = &tls.Config{InsecureSkipVerify: true} // the hosts are made up; the test server's certificate names none of them
	tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		to := rt.plain.Listener.Addr().String()
		if strings.HasSuffix(addr, ":443") {
			to = rt.tls.Listener.Addr().String()
		}
		return (&net.Dialer{}).DialContext(ctx, network, to)
	}
	return tr
}

func (rt *router) run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), append([]string{"herokuaudit"}, args...), system{
		Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }, ProbeTransport: rt.transport(),
	})
	return code, out.String(), errb.String()
}

func findings(t *testing.T, out string) map[string]map[string]audit.Finding {
	t.Helper()
	var doc struct {
		Apps []audit.Result `json:"apps"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	m := map[string]map[string]audit.Finding{}
	for _, r := range doc.Apps {
		m[r.App] = map[string]audit.Finding{}
		for _, f := range r.Findings {
			m[r.App][f.Check] = f
		}
	}
	return m
}

func TestProbeCommand(t *testing.T) {
	good := newRouter(t, true)
	code, out, errOut := good.run(t, "probe", "--format", "json", "https://app.example.org")
	if code != exitOK {
		t.Fatalf("hardened: exit %d\n%s\n%s", code, out, errOut)
	}
	fs := findings(t, out)["https://app.example.org"]
	if len(fs) != 10 {
		t.Fatalf("%d findings, want the ten probe checks", len(fs))
	}
	for id, f := range fs {
		if f.Status != audit.Pass {
			t.Errorf("hardened %s: %s %s", id, f.Status, f.Message)
		}
	}
	if strings.Contains(out, "eyJ0b2tlbiI6InNlY3JldCJ9") {
		t.Error("a cookie value reached the report")
	}

	bad := newRouter(t, false)
	code, out, errOut = bad.run(t, "probe", "--format", "json", "app.example.org")
	if code != exitGate {
		t.Fatalf("naked: exit %d\n%s\n%s", code, out, errOut)
	}
	fs = findings(t, out)["app.example.org"]
	want := map[string]audit.Status{"https-redirect": audit.Fail, "hsts": audit.Fail, "csp": audit.Fail, "frame-options": audit.Fail,
		"content-type-options": audit.Fail, "referrer-policy": audit.Warn, "cookie-flags": audit.Fail, "cors-reflection": audit.Fail,
		"debugger-exposed": audit.Pass, "server-banner": audit.Warn}
	for id, st := range want {
		if fs[id].Status != st {
			t.Errorf("naked %s: %s (%s), want %s", id, fs[id].Status, fs[id].Message, st)
		}
	}
	for host, n := range bad.perHost {
		if n > 6 {
			t.Errorf("%s got %d requests", host, n)
		}
	}

	if code, _, errOut := bad.run(t, "probe"); code != exitTrouble || !strings.Contains(errOut, "no URL") {
		t.Errorf("no URL: exit %d %q", code, errOut)
	}
}

// TestAuditProbe: --probe asks the app's web_url and custom domains, and
// only those; without it the ten skip saying how to run them.
func TestAuditProbe(t *testing.T) {
	rt := newRouter(t, true)
	code, out, errOut := rt.run(t, "--fixtures", fixturesDir, "--format", "json", "--fail-on", "none", "--probe", "flask-secure")
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	fs := findings(t, out)["flask-secure"]
	for _, c := range audit.ProbeChecks() {
		if fs[c.ID].Status != audit.Pass {
			t.Errorf("%s: %s %s", c.ID, fs[c.ID].Status, fs[c.ID].Message)
		}
	}
	hosts := map[string]bool{}
	for h, n := range rt.perHost {
		hosts[h] = true
		if n > 6 {
			t.Errorf("%s: %d requests", h, n)
		}
	}
	if !hosts["flask-secure-d28ec630e46b.herokuapp.com"] || !hosts["www.secure.acme.example"] || len(hosts) != 2 {
		t.Errorf("hosts asked: %v, want the web_url's and the custom domain", hosts)
	}

	quiet := newRouter(t, true)
	_, out, _ = quiet.run(t, "--fixtures", fixturesDir, "--format", "json", "--fail-on", "none", "flask-secure")
	fs = findings(t, out)["flask-secure"]
	for _, c := range audit.ProbeChecks() {
		if fs[c.ID].Status != audit.Skip || !strings.Contains(fs[c.ID].Message, "--probe") {
			t.Errorf("without --probe %s: %s %s", c.ID, fs[c.ID].Status, fs[c.ID].Message)
		}
	}
	if len(quiet.perHost) != 0 {
		t.Errorf("requests without --probe: %v", quiet.perHost)
	}
}
