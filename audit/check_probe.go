package audit

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// The live probe's checks judge what the app's hosts answered (probe.go).
// They apply to every app, whatever its language: a header is a header.

// Remediations, named so the checks' code can repeat them.
const (
	fixHTTPSRedirect = "Talisman(app, force_https_permanent=True), or redirect in a before_request when " +
		"X-Forwarded-Proto is http."
	fixHSTS = "Talisman(app) sends Strict-Transport-Security: max-age=31556926; includeSubDomains by default."
	fixCSP  = "Talisman(app, content_security_policy={...}) with script-src from your own origin, " +
		"nonces (content_security_policy_nonce_in=['script-src']) instead of 'unsafe-inline'."
	fixFrameOptions       = "Talisman(app) sends X-Frame-Options: SAMEORIGIN by default; or add frame-ancestors 'self' to the CSP."
	fixContentTypeOptions = "Talisman(app) sends X-Content-Type-Options: nosniff by default."
	fixReferrerPolicy     = "Talisman(app) sends Referrer-Policy: strict-origin-when-cross-origin by default."
	fixCookieFlags        = "app.config.update(SESSION_COOKIE_SECURE=True, SESSION_COOKIE_HTTPONLY=True, " +
		"SESSION_COOKIE_SAMESITE='Lax'), and the same for REMEMBER_COOKIE_*."
	fixCORSReflection  = "CORS(app, origins=['https://www.example.com']): name the origins; never echo the request's Origin."
	fixDebuggerExposed = "Serve with gunicorn, never the development server or app.run(debug=True); unset FLASK_DEBUG."
	fixServerBanner    = "Serve with gunicorn 20 or later (no version in Server) and drop X-Powered-By."
)

var httpsRedirect = Check{
	ID:        "https-redirect",
	Title:     "http:// redirects permanently to https://",
	Checklist: "Live probe: HTTPS is enforced",
	Severity:  High,
	Rationale: "Heroku's router answers plain HTTP too: unless the app redirects, a visitor who types the " +
		"name or follows an old http:// link talks to it in clear text. A permanent redirect (301/308) is " +
		"remembered by browsers; a temporary one is asked again every time.",
	Remediation: fixHTTPSRedirect,
	Needs:       []Part{PartProbe},
	Run:         runHTTPSRedirect,
}

var hsts = Check{
	ID:        "hsts",
	Title:     "Strict-Transport-Security for at least 180 days",
	Checklist: "Live probe: security headers",
	Severity:  Medium,
	Rationale: "HSTS makes the browser use HTTPS for the host by itself, so the first http:// request, " +
		"which a network attacker can answer, never happens again.",
	Remediation: fixHSTS,
	Needs:       []Part{PartProbe},
	Run:         runHSTS,
}

var csp = Check{
	ID:        "csp",
	Title:     "A Content-Security-Policy without unsafe script sources",
	Checklist: "Live probe: a Content-Security-Policy (Talisman)",
	Severity:  Medium,
	Rationale: "A Content-Security-Policy limits where scripts come from, so an injected <script> does not " +
		"run; 'unsafe-inline' or 'unsafe-eval' in script-src gives most of that back. A policy in a " +
		"<meta> tag is not seen by the probe.",
	Remediation: fixCSP,
	Needs:       []Part{PartProbe},
	Run:         runCSP,
}

var frameOptions = Check{
	ID:          "frame-options",
	Title:       "Pages cannot be framed by other sites",
	Checklist:   "Live probe: security headers",
	Severity:    Medium,
	Rationale:   "A page another site can frame can be clickjacked: the visitor clicks what they cannot see.",
	Remediation: fixFrameOptions,
	Needs:       []Part{PartProbe},
	Run:         runFrameOptions,
}

var contentTypeOptions = Check{
	ID:          "content-type-options",
	Title:       "X-Content-Type-Options: nosniff",
	Checklist:   "Live probe: security headers",
	Severity:    Low,
	Rationale:   "Without nosniff a browser may run an uploaded or mislabelled file as script or HTML.",
	Remediation: fixContentTypeOptions,
	Needs:       []Part{PartProbe},
	Run:         runContentTypeOptions,
}

var referrerPolicy = Check{
	ID:        "referrer-policy",
	Title:     "A privacy-preserving Referrer-Policy",
	Checklist: "Live probe: security headers",
	Severity:  Low,
	Rationale: "Full URLs in the Referer header leak paths and query strings (reset tokens, search terms) " +
		"to every site linked or loaded from a page.",
	Remediation: fixReferrerPolicy,
	Needs:       []Part{PartProbe},
	Run:         runReferrerPolicy,
}

var cookieFlags = Check{
	ID:        "cookie-flags",
	Title:     "Cookies are Secure, HttpOnly and SameSite",
	Checklist: "Live probe: secure cookies",
	Severity:  High,
	Rationale: "A cookie without Secure is sent over plain HTTP; without HttpOnly any injected script reads " +
		"it; without SameSite other sites' requests carry it (CSRF). Config that says otherwise does not " +
		"count: the cookie as sent does.",
	Remediation: fixCookieFlags,
	Needs:       []Part{PartProbe},
	Run:         runCookieFlags,
}

var corsReflection = Check{
	ID:        "cors-reflection",
	Title:     "CORS does not let a foreign origin in",
	Checklist: "Live probe: CORS restricted to known origins",
	Severity:  High,
	Rationale: "An app that echoes any Origin in Access-Control-Allow-Origin lets every website read its " +
		"responses from a visitor's browser, with their cookies when credentials are allowed. Flask-CORS " +
		"does exactly that with origins='*' (its default) unless send_wildcard=True.",
	Remediation: fixCORSReflection,
	Needs:       []Part{PartProbe},
	Run:         runCORSReflection,
}

var debuggerExposed = Check{
	ID:        "debugger-exposed",
	Title:     "No Werkzeug debugger or traceback is served",
	Checklist: "Live probe: no stack traces or debugger",
	Severity:  Critical,
	Rationale: "The Werkzeug debugger runs Python in the dyno for whoever gets past its PIN, and its " +
		"tracebacks show source and settings. Recent Werkzeug refuses /console to a Host that is not local, " +
		"as every Host behind Heroku's router is, but still serves its own script to anyone: that is how " +
		"the probe finds it.",
	Remediation: fixDebuggerExposed,
	Needs:       []Part{PartProbe},
	Run:         runDebuggerExposed,
}

var serverBanner = Check{
	ID:          "server-banner",
	Title:       "Server and X-Powered-By name no versions",
	Checklist:   "Live probe: security headers",
	Severity:    Low,
	Rationale:   "A version in a banner tells a scanner which published vulnerabilities to try first.",
	Remediation: fixServerBanner,
	Needs:       []Part{PartProbe},
	Run:         runServerBanner,
}

// verdict is one host's answer to a probe check.
type verdict struct {
	status Status
	msg    string
	ev     []Evidence
	fix    string
}

func verdictf(s Status, format string, a ...any) verdict {
	return verdict{status: s, msg: fmt.Sprintf(format, a...)}
}

func (h verdict) with(lines ...string) verdict {
	for _, l := range lines {
		h.ev = append(h.ev, Evidence{Text: l})
	}
	return h
}

func (h verdict) fixf(format string, a ...any) verdict {
	h.fix = fmt.Sprintf(format, a...)
	return h
}

var statusRank = map[Status]int{Skip: 0, Pass: 1, Error: 2, Warn: 3, Fail: 4}

// overHosts judges every host probed and keeps the worst verdict: a fail on
// one custom domain is a fail of the app. A host that could not be probed
// is an error, never a pass.
func overHosts(v *View, judge func(ProbeHost) verdict) Outcome {
	p := v.Probe()
	if p == nil || len(p.Hosts) == 0 {
		return Skipf("%s", NotProbed)
	}
	vs := make([]verdict, len(p.Hosts))
	worst := Skip
	for i, h := range p.Hosts {
		if h.Error != "" {
			vs[i] = verdictf(Error, "could not probe: %s", shown(h.Error))
		} else {
			vs[i] = judge(h)
		}
		if statusRank[vs[i].status] > statusRank[worst] {
			worst = vs[i].status
		}
	}
	o := Outcome{Status: worst}
	var msgs []string
	for i, h := range p.Hosts {
		for _, e := range vs[i].ev {
			e.Text = h.Host + ": " + e.Text
			o.Evidence = append(o.Evidence, e)
		}
		if vs[i].status != worst {
			continue
		}
		if len(p.Hosts) == 1 {
			msgs = append(msgs, vs[i].msg)
		} else {
			msgs = append(msgs, h.Host+": "+vs[i].msg)
		}
		if o.Remediation == "" {
			o.Remediation = vs[i].fix
		}
	}
	o.Message = strings.Join(msgs, "; ")
	if worst == Fail || worst == Warn {
		o = o.Sure() // seen in the answer: nothing unread undoes it
	}
	return o
}

// page is the host's root page, or an error verdict when it did not answer.
func page(h ProbeHost) (ProbeResponse, *verdict) {
	p, ok := h.Page()
	if !ok {
		e := verdictf(Error, "https://%s/ did not answer: %s", h.Host, shown(p.Error))
		return p, &e
	}
	return p, nil
}

// shown makes a value from the network safe to print on one line.
func shown(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return '?'
		}
		return r
	}, s)
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}

func hdr(r ProbeResponse, name string) string {
	return fmt.Sprintf("%s %s: %s", r.URL, name, shown(r.Get(name)))
}

func runHTTPSRedirect(v *View) Outcome {
	return overHosts(v, func(h ProbeHost) verdict {
		rs := h.Of(ProbeHTTP)
		if len(rs) == 0 {
			return verdictf(Error, "http://%s/ was not requested", h.Host)
		}
		r := rs[0]
		if r.Error != "" {
			return verdictf(Error, "%s did not answer: %s", r.URL, shown(r.Error))
		}
		ev := fmt.Sprintf("GET %s → %d", r.URL, r.Status)
		loc := r.Get("Location")
		from, _ := url.Parse(r.URL)
		to, err := from.Parse(loc)
		if loc != "" && err == nil {
			// a redirect's query may carry a state or a token: not shown
			shownTo := url.URL{Scheme: to.Scheme, Host: to.Host, Path: to.Path}
			if to.RawQuery != "" {
				shownTo.RawQuery = "…"
			}
			ev += " Location " + shown(shownTo.String())
		}
		if !isRedirectStatus(r.Status) || loc == "" || err != nil {
			return verdictf(Fail, "http://%s/ answers %d without redirecting to https", h.Host, r.Status).with(ev).
				fixf("%s", fixHTTPSRedirect)
		}
		if to.Scheme != "https" {
			return verdictf(Fail, "http://%s/ redirects to %s, not to https", h.Host, shown(to.Redacted())).with(ev).
				fixf("%s", fixHTTPSRedirect)
		}
		if !strings.EqualFold(to.Hostname(), from.Hostname()) {
			return verdictf(Warn, "http://%s/ redirects to another host (%s) instead of its own https:// URL", h.Host, shown(to.Host)).with(ev).
				fixf("redirect http://%s/ to https://%s/ first, then on to other hosts", h.Host, h.Host)
		}
		if r.Status == 301 || r.Status == 308 {
			return verdictf(Pass, "http:// answers %d to https://", r.Status).with(ev)
		}
		return verdictf(Warn, "http:// redirects to https:// with a temporary %d: browsers ask over http again next time", r.Status).with(ev).
			fixf("make the redirect permanent (301 or 308): with Flask-Talisman, Talisman(app, force_https_permanent=True)")
	})
}

func isRedirectStatus(s int) bool { return s == 301 || s == 302 || s == 303 || s == 307 || s == 308 }

// halfYear is the least HSTS max-age that counts (180 days).
const halfYear = 15552000

func runHSTS(v *View) Outcome {
	return overHosts(v, func(h ProbeHost) verdict {
		p, bad := page(h)
		if bad != nil {
			return *bad
		}
		vals := p.Header["Strict-Transport-Security"]
		if len(vals) == 0 {
			return talisman(v, verdictf(Fail, "no Strict-Transport-Security on %s", p.URL).fixf("%s", fixHSTS), "Strict-Transport-Security")
		}
		ev := hdr(p, "Strict-Transport-Security")
		age := int64(-1)
		sub := false
		for _, d := range strings.Split(vals[0], ";") { // browsers heed the first header
			k, val, _ := strings.Cut(strings.TrimSpace(d), "=")
			switch strings.ToLower(strings.TrimSpace(k)) {
			case "max-age":
				if n, err := strconv.ParseInt(strings.Trim(strings.TrimSpace(val), `"`), 10, 64); err == nil {
					age = n
				}
			case "includesubdomains":
				sub = true
			}
		}
		note := "includeSubDomains: no"
		if sub {
			note = "includeSubDomains: yes"
		}
		switch {
		case age < 0:
			return verdictf(Fail, "Strict-Transport-Security has no valid max-age").with(ev).fixf("%s", fixHSTS)
		case age == 0:
			return verdictf(Fail, "Strict-Transport-Security max-age=0 turns HSTS off").with(ev).fixf("%s", fixHSTS)
		case age < halfYear:
			return verdictf(Warn, "HSTS max-age=%d (%d days) is under 180 days", age, age/86400).with(ev, note).
				fixf("raise max-age to at least 15552000; Talisman's default is one year (strict_transport_security_max_age)")
		}
		return verdictf(Pass, "HSTS max-age=%d (%d days)", age, age/86400).with(ev, note)
	})
}

// directives splits a CSP header into its policies' directives.
func directives(p ProbeResponse, name string) []map[string][]string {
	var out []map[string][]string
	for _, field := range p.Header[name] {
		for _, policy := range strings.Split(field, ",") {
			m := map[string][]string{}
			for _, d := range strings.Split(policy, ";") {
				f := strings.Fields(d)
				if len(f) == 0 {
					continue
				}
				k := strings.ToLower(f[0])
				if _, dup := m[k]; !dup { // the first of a repeated directive counts
					m[k] = f[1:]
				}
			}
			if len(m) > 0 {
				out = append(out, m)
			}
		}
	}
	return out
}

func runCSP(v *View) Outcome {
	return overHosts(v, func(h ProbeHost) verdict {
		p, bad := page(h)
		if bad != nil {
			return *bad
		}
		pols := directives(p, "Content-Security-Policy")
		if len(pols) == 0 {
			if p.Has("Content-Security-Policy-Report-Only") {
				return verdictf(Warn, "the Content-Security-Policy is report-only: nothing is blocked").
					with(hdr(p, "Content-Security-Policy-Report-Only")).
					fixf("send the policy as Content-Security-Policy once its reports are clean (Talisman: content_security_policy_report_only=False)")
			}
			return talisman(v, verdictf(Fail, "no Content-Security-Policy on %s", p.URL).fixf("%s", fixCSP), "Content-Security-Policy")
		}
		ev := hdr(p, "Content-Security-Policy")
		var unsafe []string
		for _, pol := range pols {
			src, ok := pol["script-src"]
			if !ok {
				src, ok = pol["default-src"]
			}
			if !ok {
				continue
			}
			hashed := slices.ContainsFunc(src, func(s string) bool {
				s = strings.ToLower(s)
				return strings.HasPrefix(s, "'nonce-") || strings.HasPrefix(s, "'sha")
			})
			for _, s := range src {
				s = strings.ToLower(s)
				if (s == "'unsafe-inline'" && !hashed) || s == "'unsafe-eval'" {
					unsafe = append(unsafe, s)
				}
			}
		}
		if len(unsafe) > 0 {
			return verdictf(Warn, "the policy lets scripts run with %s", strings.Join(slices.Compact(unsafe), " and ")).with(ev).
				fixf("drop %s from script-src: move inline scripts to files, or use nonces (Talisman: content_security_policy_nonce_in=['script-src'])", strings.Join(slices.Compact(unsafe), " and "))
		}
		return verdictf(Pass, "a Content-Security-Policy is sent").with(ev)
	})
}

func runFrameOptions(v *View) Outcome {
	return overHosts(v, func(h ProbeHost) verdict {
		p, bad := page(h)
		if bad != nil {
			return *bad
		}
		for _, pol := range directives(p, "Content-Security-Policy") {
			if fa, ok := pol["frame-ancestors"]; ok {
				return verdictf(Pass, "CSP frame-ancestors %s", shown(strings.Join(fa, " "))).with(hdr(p, "Content-Security-Policy"))
			}
		}
		xfo := strings.ToUpper(strings.TrimSpace(p.Get("X-Frame-Options")))
		switch {
		case xfo == "DENY" || xfo == "SAMEORIGIN":
			return verdictf(Pass, "X-Frame-Options: %s", xfo).with(hdr(p, "X-Frame-Options"))
		case strings.HasPrefix(xfo, "ALLOW-FROM"):
			return verdictf(Fail, "X-Frame-Options ALLOW-FROM is obsolete: browsers ignore it and allow framing").
				with(hdr(p, "X-Frame-Options")).fixf("use CSP frame-ancestors with the origins allowed to frame the app")
		case xfo != "":
			return verdictf(Fail, "X-Frame-Options %q is not DENY or SAMEORIGIN", shown(xfo)).with(hdr(p, "X-Frame-Options")).
				fixf("%s", fixFrameOptions)
		}
		return talisman(v, verdictf(Fail, "neither X-Frame-Options nor CSP frame-ancestors on %s", p.URL).fixf("%s", fixFrameOptions), "X-Frame-Options")
	})
}

func runContentTypeOptions(v *View) Outcome {
	return overHosts(v, func(h ProbeHost) verdict {
		p, bad := page(h)
		if bad != nil {
			return *bad
		}
		if strings.EqualFold(strings.TrimSpace(p.Get("X-Content-Type-Options")), "nosniff") {
			return verdictf(Pass, "X-Content-Type-Options: nosniff").with(hdr(p, "X-Content-Type-Options"))
		}
		if p.Has("X-Content-Type-Options") {
			return verdictf(Fail, "X-Content-Type-Options is not nosniff").with(hdr(p, "X-Content-Type-Options")).fixf("%s", fixContentTypeOptions)
		}
		return talisman(v, verdictf(Fail, "no X-Content-Type-Options on %s", p.URL).fixf("%s", fixContentTypeOptions), "X-Content-Type-Options")
	})
}

var (
	privateReferrer = []string{"no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"}
	leakyReferrer   = []string{"unsafe-url", "no-referrer-when-downgrade", "origin", "origin-when-cross-origin"}
)

func runReferrerPolicy(v *View) Outcome {
	return overHosts(v, func(h ProbeHost) verdict {
		p, bad := page(h)
		if bad != nil {
			return *bad
		}
		if !p.Has("Referrer-Policy") {
			return verdictf(Warn, "no Referrer-Policy on %s: browsers fall back on their own default", p.URL).fixf("%s", fixReferrerPolicy)
		}
		// the last token a browser knows wins
		policy := ""
		for _, t := range strings.Split(p.Get("Referrer-Policy"), ",") {
			t = strings.ToLower(strings.TrimSpace(t))
			if slices.Contains(privateReferrer, t) || slices.Contains(leakyReferrer, t) {
				policy = t
			}
		}
		ev := hdr(p, "Referrer-Policy")
		switch {
		case slices.Contains(privateReferrer, policy):
			return verdictf(Pass, "Referrer-Policy: %s", policy).with(ev)
		case policy != "":
			return verdictf(Fail, "Referrer-Policy %s sends the full URL or origin to other sites", policy).with(ev).fixf("%s", fixReferrerPolicy)
		}
		return verdictf(Warn, "Referrer-Policy names no policy browsers know").with(ev).fixf("%s", fixReferrerPolicy)
	})
}

func runCookieFlags(v *View) Outcome {
	return overHosts(v, func(h ProbeHost) verdict {
		seen := map[string]ProbeCookie{}
		var names []string
		for _, r := range h.Responses {
			for _, c := range r.Cookies {
				prev, ok := seen[c.Name]
				if !ok {
					names = append(names, c.Name)
					seen[c.Name] = c
					continue
				}
				// the weakest setting of a name is the one that matters
				prev.Secure = prev.Secure && c.Secure
				prev.HTTPOnly = prev.HTTPOnly && c.HTTPOnly
				if c.SameSite == "" || c.SameSite == "None" {
					prev.SameSite = c.SameSite
				}
				seen[c.Name] = prev
			}
		}
		if len(names) == 0 {
			return verdictf(Skip, "the pages probed set no cookie")
		}
		var fails, warns, ev []string
		sessionInsecure := false
		for _, n := range names {
			c := seen[n]
			var miss []string
			if !c.Secure {
				miss = append(miss, "Secure")
				if n == "session" {
					sessionInsecure = true
				}
			}
			// a CSRF token cookie is meant to be read by the page's script
			if !c.HTTPOnly && !strings.Contains(strings.ToLower(n), "csrf") && !strings.Contains(strings.ToLower(n), "xsrf") {
				miss = append(miss, "HttpOnly")
			}
			line := fmt.Sprintf("Set-Cookie %s: Secure %v, HttpOnly %v, SameSite %s", shown(n), c.Secure, c.HTTPOnly, cmpOr(c.SameSite, "not set"))
			ev = append(ev, line)
			switch {
			case len(miss) > 0:
				fails = append(fails, fmt.Sprintf("%s without %s", shown(n), strings.Join(miss, " and ")))
			case c.SameSite == "" || (c.SameSite == "None"):
				warns = append(warns, fmt.Sprintf("%s with SameSite %s", shown(n), cmpOr(c.SameSite, "not set")))
			}
		}
		switch {
		case len(fails) > 0:
			vd := verdictf(Fail, "cookie %s", strings.Join(fails, "; ")).with(ev...).fixf("%s", fixCookieFlags)
			if sessionInsecure && v.available(PartConfig) {
				if val, ok := v.ConfigVar("SESSION_COOKIE_SECURE"); ok && isTruthy(val) {
					vd.msg += ": SESSION_COOKIE_SECURE is true in the config vars, yet the session cookie comes without Secure"
					vd.ev = append(vd.ev, ofVar("SESSION_COOKIE_SECURE", "config var SESSION_COOKIE_SECURE is set to a true value"))
					vd.fix = "the app does not load SESSION_COOKIE_SECURE from the environment: app.config.from_prefixed_env() " +
						"(with FLASK_ prefixed names) or app.config['SESSION_COOKIE_SECURE'] = True in code"
				}
			}
			return vd
		case len(warns) > 0:
			return verdictf(Warn, "cookie %s: other sites' requests may carry it", strings.Join(warns, "; ")).with(ev...).
				fixf("set SameSite=Lax (SESSION_COOKIE_SAMESITE='Lax'); None only with Secure, for a cookie that must cross sites")
		}
		return verdictf(Pass, "every cookie set is Secure, HttpOnly and SameSite").with(ev...)
	})
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func runCORSReflection(v *View) Outcome {
	return overHosts(v, func(h ProbeHost) verdict {
		rs := h.Of(ProbeCORS)
		if len(rs) == 0 {
			return verdictf(Error, "no request with a foreign Origin was sent")
		}
		r := rs[0]
		if r.Error != "" {
			return verdictf(Error, "%s with Origin %s did not answer: %s", r.URL, EvilOrigin, shown(r.Error))
		}
		acao := strings.TrimSpace(r.Get("Access-Control-Allow-Origin"))
		creds := strings.EqualFold(strings.TrimSpace(r.Get("Access-Control-Allow-Credentials")), "true")
		ev := fmt.Sprintf("GET %s with Origin: %s → Access-Control-Allow-Origin: %s, Access-Control-Allow-Credentials: %s",
			r.URL, EvilOrigin, cmpOr(shown(acao), "(none)"), cmpOr(shown(r.Get("Access-Control-Allow-Credentials")), "(none)"))
		switch {
		case strings.EqualFold(acao, EvilOrigin):
			vd := verdictf(Fail, "any Origin is echoed in Access-Control-Allow-Origin: every website can read the answers").with(ev).
				fixf("%s", fixCORSReflection)
			if creds {
				vd.msg = "any Origin is echoed in Access-Control-Allow-Origin with credentials: every website can read logged-in visitors' answers"
			}
			if v.available(PartConfig) {
				if val, ok := v.ConfigVar("CORS_ORIGINS"); ok && strings.TrimSpace(val) != "" && strings.TrimSpace(val) != "*" {
					vd.msg += ": CORS_ORIGINS restricts the origins in the config vars, yet the app lets " + EvilOrigin + " in"
					vd.ev = append(vd.ev, ofVar("CORS_ORIGINS", "config var CORS_ORIGINS names the allowed origins"))
					vd.fix = "pass the config to Flask-CORS: CORS(app, origins=os.environ['CORS_ORIGINS'].split(',')); " +
						"CORS(app) alone allows every origin"
				}
			}
			return vd
		case acao == "*" && creds:
			return verdictf(Fail, "Access-Control-Allow-Origin: * with Access-Control-Allow-Credentials: true").with(ev).
				fixf("%s", fixCORSReflection)
		case acao == "null":
			return verdictf(Warn, "Access-Control-Allow-Origin: null lets sandboxed and file: pages in").with(ev).
				fixf("%s", fixCORSReflection)
		case acao == "*":
			return verdictf(Pass, "Access-Control-Allow-Origin: * without credentials: public answers, no visitor's cookies").with(ev)
		case acao != "":
			return verdictf(Pass, "a foreign Origin is not let in (allowed: %s)", shown(acao)).with(ev)
		}
		return verdictf(Pass, "a foreign Origin gets no CORS headers").with(ev)
	})
}

func runDebuggerExposed(v *View) Outcome {
	return overHosts(v, func(h ProbeHost) verdict {
		var found, ev []string
		answered := 0
		for _, r := range h.Responses {
			if r.Error == "" {
				answered++
			}
			for _, m := range r.Markers {
				what := map[string]string{
					MarkerDebuggerPage:     "a Werkzeug debugger page",
					MarkerDebuggerResource: "the Werkzeug debugger's script (debugger.js)",
					MarkerTraceback:        "a Python traceback",
				}[m]
				found = append(found, what)
				ev = append(ev, fmt.Sprintf("GET %s → %d: %s", r.URL, r.Status, what))
			}
		}
		if len(found) > 0 {
			return verdictf(Fail, "%s is served", strings.Join(slices.Compact(found), " and ")).with(ev...).fixf("%s", fixDebuggerExposed)
		}
		for _, kind := range []string{ProbeConsole, ProbeDebugger} {
			for _, r := range h.Of(kind) {
				if r.Error != "" {
					return verdictf(Error, "%s did not answer: %s", r.URL, shown(r.Error))
				}
				ev = append(ev, fmt.Sprintf("GET %s → %d", r.URL, r.Status))
			}
		}
		return verdictf(Pass, "no debugger or traceback in the %d answers", answered).with(ev...)
	})
}

// versioned matches a version in a banner: gunicorn/19.9.0, Python/3.11.2, PHP 8.1.
var versioned = regexp.MustCompile(`\d+\.\d+`)

func runServerBanner(v *View) Outcome {
	return overHosts(v, func(h ProbeHost) verdict {
		var leaks, ev []string
		for _, r := range h.Responses {
			for _, name := range []string{"Server", "X-Powered-By"} {
				val := r.Get(name)
				if val == "" {
					continue
				}
				line := name + ": " + shown(val)
				if !slices.Contains(ev, line) {
					ev = append(ev, line)
					if versioned.MatchString(val) {
						leaks = append(leaks, line)
					}
				}
			}
		}
		if len(leaks) > 0 {
			return verdictf(Warn, "versions in %s", strings.Join(leaks, "; ")).with(ev...).fixf("%s", fixServerBanner)
		}
		if len(ev) == 0 {
			return verdictf(Pass, "no Server or X-Powered-By header")
		}
		return verdictf(Pass, "no version in the banners").with(ev...)
	})
}

// talisman adds the other side of a missing header: Flask-Talisman in the
// dependencies means the code meant to send it.
func talisman(v *View, vd verdict, header string) verdict {
	if !v.available(PartFiles) || !v.Deps().Has("flask-talisman") {
		return vd
	}
	vd.msg += fmt.Sprintf(": Flask-Talisman is installed, yet the answer has no %s", header)
	vd.ev = append(vd.ev, Evidence{Text: "flask-talisman is in the dependencies"})
	vd.fix = "call Talisman(app) on the app gunicorn serves (in the app factory, not only under __main__), and check " +
		"that nothing strips its headers"
	return vd
}
