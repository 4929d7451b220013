package audit

import (
	"strings"
	"testing"
)

// The responses below are written by hand in the shapes the real software
// sends:
//   - Flask-Talisman 1.x defaults (flask_talisman/talisman.py): a 302 from
//     http:// unless force_https_permanent=True, Strict-Transport-Security
//     "max-age=31556926; includeSubDomains", X-Frame-Options SAMEORIGIN,
//     X-Content-Type-Options nosniff, Content-Security-Policy
//     "default-src 'self'; object-src 'none'", Referrer-Policy
//     strict-origin-when-cross-origin;
//   - Flask's session cookie with SESSION_COOKIE_SECURE/HTTPONLY/SAMESITE
//     set: "session=…; Secure; HttpOnly; Path=/; SameSite=Lax";
//   - gunicorn 20+ sends "Server: gunicorn"; Werkzeug's development server
//     "Server: Werkzeug/3.0.1 Python/3.12.1";
//   - Flask-CORS with origins='*' (its default) and send_wildcard=False
//     echoes the request's Origin (flask_cors/core.py, get_cors_origins).

const probedHost = "myapp-1234.herokuapp.com"

func hdrs(kv ...string) map[string][]string {
	m := map[string][]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = append(m[kv[i]], kv[i+1])
	}
	return m
}

// hardened is a Talisman-wrapped app under gunicorn, behind the router.
func hardened() ProbeHost {
	page := hdrs("Server", "gunicorn", "Content-Type", "text/html; charset=utf-8",
		"Strict-Transport-Security", "max-age=31556926; includeSubDomains",
		"X-Frame-Options", "SAMEORIGIN", "X-Content-Type-Options", "nosniff",
		"Content-Security-Policy", "default-src 'self'; object-src 'none'",
		"Referrer-Policy", "strict-origin-when-cross-origin")
	return ProbeHost{Host: probedHost, Responses: []ProbeResponse{
		{Kind: ProbeRoot, URL: "https://" + probedHost + "/", Status: 200, Header: page,
			Cookies: []ProbeCookie{{Name: "session", Secure: true, HTTPOnly: true, SameSite: "Lax"}}},
		{Kind: ProbeHTTP, URL: "http://" + probedHost + "/", Status: 301,
			Header: hdrs("Server", "gunicorn", "Location", "https://"+probedHost+"/")},
		{Kind: ProbeCORS, URL: "https://" + probedHost + "/", Status: 200, Header: page},
		{Kind: ProbeConsole, URL: "https://" + probedHost + "/console", Status: 404, Header: page},
		{Kind: ProbeDebugger, URL: "https://" + probedHost + "/?__debugger__=yes&cmd=resource&f=debugger.js", Status: 200, Header: page},
	}}
}

type hostChange func(*ProbeHost)

func probed(changes ...hostChange) change {
	return func(s *Snapshot) {
		h := hardened()
		for _, c := range changes {
			c(&h)
		}
		s.Probe = &Probe{Hosts: []ProbeHost{h}}
	}
}

// answer edits the responses of a kind.
func answer(kind string, edit func(*ProbeResponse)) hostChange {
	return func(h *ProbeHost) {
		for i := range h.Responses {
			if h.Responses[i].Kind == kind {
				r := &h.Responses[i]
				hd := map[string][]string{}
				for k, v := range r.Header {
					hd[k] = v
				}
				r.Header = hd
				edit(r)
			}
		}
	}
}

func set(kind, name, val string) hostChange {
	return answer(kind, func(r *ProbeResponse) { r.Header[name] = []string{val} })
}

func drop(kind string, names ...string) hostChange {
	return answer(kind, func(r *ProbeResponse) {
		for _, n := range names {
			delete(r.Header, n)
		}
	})
}

func redirect(status int, to string) hostChange {
	return answer(ProbeHTTP, func(r *ProbeResponse) { r.Status = status; r.Header["Location"] = []string{to} })
}

func cookies(c ...ProbeCookie) hostChange {
	return answer(ProbeRoot, func(r *ProbeResponse) { r.Cookies = c })
}

func mark(kind string, status int, m ...string) hostChange {
	return answer(kind, func(r *ProbeResponse) { r.Status = status; r.Markers = m })
}

func notProbed(s *Snapshot) { s.SetGap(PartProbe, NotProbed, false) }

var probeCases = []checkCase{
	{check: "https-redirect", name: "not probed", changes: []change{notProbed}, status: Skip, msg: "--probe"},
	{check: "https-redirect", name: "301", changes: []change{probed()}, status: Pass, ev: "→ 301"},
	{check: "https-redirect", name: "308", changes: []change{probed(redirect(308, "https://"+probedHost+"/"))}, status: Pass},
	{check: "https-redirect", name: "Talisman's default 302", changes: []change{probed(redirect(302, "https://"+probedHost+"/"))}, status: Warn, fix: "force_https_permanent=True"},
	{check: "https-redirect", name: "served over http", changes: []change{probed(redirect(200, ""))}, status: Fail, msg: "without redirecting"},
	{check: "https-redirect", name: "to http", changes: []change{probed(redirect(301, "http://"+probedHost+"/login"))}, status: Fail},
	{check: "https-redirect", name: "to another host", changes: []change{probed(redirect(301, "https://www.example.com/"))}, status: Warn, msg: "another host"},
	{check: "https-redirect", name: "no answer", changes: []change{probed(answer(ProbeHTTP, func(r *ProbeResponse) { r.Status, r.Error = 0, "no answer within 10s" }))}, status: Error},

	{check: "hsts", name: "Talisman's year", changes: []change{probed()}, status: Pass, ev: "includeSubDomains: yes"},
	{check: "hsts", name: "short", changes: []change{probed(set(ProbeRoot, "Strict-Transport-Security", "max-age=3600"))}, status: Warn, msg: "under 180 days"},
	{check: "hsts", name: "off", changes: []change{probed(set(ProbeRoot, "Strict-Transport-Security", "max-age=0"))}, status: Fail},
	{check: "hsts", name: "absent", changes: []change{probed(drop(ProbeRoot, "Strict-Transport-Security"))}, status: Fail},
	{check: "hsts", name: "absent with Talisman installed", changes: []change{file("requirements.txt", "flask==3.1.2\nflask-talisman==1.1.0\n"), probed(drop(ProbeRoot, "Strict-Transport-Security"))},
		status: Fail, msg: "Flask-Talisman is installed", fix: "Talisman(app)"},
	{check: "hsts", name: "root unreachable", changes: []change{probed(answer(ProbeRoot, func(r *ProbeResponse) { r.Error = "x509: certificate is valid for *.example.com" }))}, status: Error},
	{check: "hsts", name: "a host down", changes: []change{func(s *Snapshot) {
		probed()(s)
		s.Probe.Hosts = append(s.Probe.Hosts, ProbeHost{Host: "www.example.com", Error: "no such host"})
	}}, status: Error, msg: "www.example.com: could not probe"},

	{check: "csp", name: "Talisman's default", changes: []change{probed()}, status: Pass},
	{check: "csp", name: "unsafe-inline", changes: []change{probed(set(ProbeRoot, "Content-Security-Policy", "default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'"))}, status: Warn, msg: "'unsafe-inline' and 'unsafe-eval'"},
	{check: "csp", name: "unsafe-inline with a nonce", changes: []change{probed(set(ProbeRoot, "Content-Security-Policy", "script-src 'nonce-r4nd0m' 'unsafe-inline'"))}, status: Pass},
	{check: "csp", name: "report-only", changes: []change{probed(drop(ProbeRoot, "Content-Security-Policy"), set(ProbeRoot, "Content-Security-Policy-Report-Only", "default-src 'self'"))}, status: Warn},
	{check: "csp", name: "absent", changes: []change{probed(drop(ProbeRoot, "Content-Security-Policy"))}, status: Fail},

	{check: "frame-options", name: "SAMEORIGIN", changes: []change{probed()}, status: Pass},
	{check: "frame-options", name: "frame-ancestors", changes: []change{probed(drop(ProbeRoot, "X-Frame-Options"), set(ProbeRoot, "Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'"))}, status: Pass, msg: "frame-ancestors"},
	{check: "frame-options", name: "ALLOW-FROM", changes: []change{probed(set(ProbeRoot, "X-Frame-Options", "ALLOW-FROM https://a.example"))}, status: Fail, msg: "obsolete"},
	{check: "frame-options", name: "absent", changes: []change{probed(drop(ProbeRoot, "X-Frame-Options"))}, status: Fail},

	{check: "content-type-options", name: "nosniff", changes: []change{probed()}, status: Pass},
	{check: "content-type-options", name: "absent", changes: []change{probed(drop(ProbeRoot, "X-Content-Type-Options"))}, status: Fail},

	{check: "referrer-policy", name: "strict-origin-when-cross-origin", changes: []change{probed()}, status: Pass},
	{check: "referrer-policy", name: "fallback list", changes: []change{probed(set(ProbeRoot, "Referrer-Policy", "no-referrer, strict-origin-when-cross-origin"))}, status: Pass},
	{check: "referrer-policy", name: "unsafe-url", changes: []change{probed(set(ProbeRoot, "Referrer-Policy", "unsafe-url"))}, status: Fail},
	{check: "referrer-policy", name: "absent", changes: []change{probed(drop(ProbeRoot, "Referrer-Policy"))}, status: Warn},

	{check: "cookie-flags", name: "Flask's hardened session", changes: []change{probed()}, status: Pass, ev: "Set-Cookie session: Secure true"},
	{check: "cookie-flags", name: "no cookie", changes: []change{probed(cookies())}, status: Skip},
	{check: "cookie-flags", name: "Flask's defaults", changes: []change{probed(cookies(ProbeCookie{Name: "session", HTTPOnly: true}))}, status: Fail, msg: "session without Secure"},
	{check: "cookie-flags", name: "config says secure", changes: []change{env("SESSION_COOKIE_SECURE", "True"), probed(cookies(ProbeCookie{Name: "session", HTTPOnly: true, SameSite: "Lax"}))},
		status: Fail, msg: "SESSION_COOKIE_SECURE is true in the config vars", fix: "from_prefixed_env"},
	{check: "cookie-flags", name: "csrf cookie readable by script", changes: []change{probed(cookies(ProbeCookie{Name: "csrf_token", Secure: true, SameSite: "Strict"}))}, status: Pass},
	{check: "cookie-flags", name: "no SameSite", changes: []change{probed(cookies(ProbeCookie{Name: "remember_token", Secure: true, HTTPOnly: true}))}, status: Warn},

	{check: "cors-reflection", name: "no CORS", changes: []change{probed()}, status: Pass},
	{check: "cors-reflection", name: "wildcard", changes: []change{probed(set(ProbeCORS, "Access-Control-Allow-Origin", "*"))}, status: Pass},
	{check: "cors-reflection", name: "Flask-CORS default echoes", changes: []change{probed(set(ProbeCORS, "Access-Control-Allow-Origin", EvilOrigin))}, status: Fail, msg: "echoed"},
	{check: "cors-reflection", name: "echoes with credentials", changes: []change{probed(set(ProbeCORS, "Access-Control-Allow-Origin", EvilOrigin), set(ProbeCORS, "Access-Control-Allow-Credentials", "true"))}, status: Fail, msg: "with credentials"},
	{check: "cors-reflection", name: "config restricts", changes: []change{env("CORS_ORIGINS", "https://www.example.com"), probed(set(ProbeCORS, "Access-Control-Allow-Origin", EvilOrigin))},
		status: Fail, msg: "CORS_ORIGINS restricts", fix: "origins="},
	{check: "cors-reflection", name: "wildcard with credentials", changes: []change{probed(set(ProbeCORS, "Access-Control-Allow-Origin", "*"), set(ProbeCORS, "Access-Control-Allow-Credentials", "true"))}, status: Fail},

	{check: "debugger-exposed", name: "gunicorn", changes: []change{probed()}, status: Pass, ev: "/console → 404"},
	{check: "debugger-exposed", name: "recent Werkzeug: console refused, script served", changes: []change{probed(mark(ProbeConsole, 400), mark(ProbeDebugger, 200, MarkerDebuggerResource))},
		status: Fail, msg: "debugger's script"},
	{check: "debugger-exposed", name: "old Werkzeug: console served", changes: []change{probed(mark(ProbeConsole, 200, MarkerDebuggerPage))}, status: Fail},
	{check: "debugger-exposed", name: "traceback in a page", changes: []change{probed(mark(ProbeRoot, 500, MarkerTraceback))}, status: Fail, msg: "traceback"},
	{check: "debugger-exposed", name: "script request unanswered", changes: []change{probed(answer(ProbeDebugger, func(r *ProbeResponse) { r.Error = "no answer within 10s" }))}, status: Error},

	{check: "server-banner", name: "gunicorn", changes: []change{probed()}, status: Pass},
	{check: "server-banner", name: "Werkzeug dev server", changes: []change{probed(set(ProbeRoot, "Server", "Werkzeug/3.0.1 Python/3.12.1"))}, status: Warn, msg: "Werkzeug/3.0.1"},
}

// TestProbeChecksSkipWithoutProbe: a snapshot collected without --probe
// skips the ten, saying how to run them; a checkout skips them too.
func TestProbeChecksSkipWithoutProbe(t *testing.T) {
	if n := len(ProbeChecks()); n != 10 {
		t.Fatalf("%d probe checks, want 10", n)
	}
	s := base()
	notProbed(s)
	for _, f := range Audit(s, ProbeChecks()).Findings {
		if f.Status != Skip || !strings.Contains(f.Message, "--probe") {
			t.Errorf("%s: %s %q", f.Check, f.Status, f.Message)
		}
	}
	for _, f := range Audit(CheckoutSnapshot("x", &Files{Origin: "dir"}), ProbeChecks()).Findings {
		if f.Status != Skip {
			t.Errorf("checkout: %s: %s %q", f.Check, f.Status, f.Message)
		}
	}
}

// TestProbeSnapshotPassesWithoutAnApp: herokuaudit probe URL has no app;
// what was not fetched must not turn the probe's passes into skips.
func TestProbeSnapshotPassesWithoutAnApp(t *testing.T) {
	h := hardened()
	r := Audit(ProbeSnapshot(probedHost, &Probe{Hosts: []ProbeHost{h}}), ProbeChecks())
	for _, f := range r.Findings {
		if f.Status != Pass {
			t.Errorf("%s: %s %q %q", f.Check, f.Status, f.Message, f.Evidence)
		}
	}
	if r.Grade != "A" {
		t.Errorf("grade %s", r.Grade)
	}
	// a failure still fails, without a word about the missing config
	h.Responses[0].Cookies = []ProbeCookie{{Name: "session"}}
	f := Audit(ProbeSnapshot(probedHost, &Probe{Hosts: []ProbeHost{h}}), []Check{cookieFlags}).Findings[0]
	if f.Status != Fail || strings.Contains(strings.Join(Texts(f.Evidence), "\n"), "not read") {
		t.Errorf("cookie-flags: %s %q", f.Status, f.Evidence)
	}
}
