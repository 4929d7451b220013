package audit

import (
	"net/http"
	"slices"
	"strings"
)

// PartProbe is what the app's own URLs answered to a handful of gentle
// requests (--probe). It is absent by design unless asked for.
const PartProbe Part = "probe"

// NotProbed is the gap of a snapshot collected without --probe.
const NotProbed = "not probed: run with --probe, or herokuaudit probe URL"

// The requests the probe sends to each host, by kind.
const (
	ProbeRoot     = "root"     // GET https://HOST/ (and one redirect on the same host)
	ProbeHTTP     = "http"     // GET http://HOST/, its redirect recorded, not followed
	ProbeCORS     = "cors"     // GET https://HOST/ with Origin: https://evil.example
	ProbeConsole  = "console"  // GET https://HOST/console: the Werkzeug console, or a 404 page
	ProbeDebugger = "debugger" // GET https://HOST/?__debugger__=yes&cmd=resource&f=debugger.js
)

// EvilOrigin is the Origin of the CORS request: a site that must not be let in.
const EvilOrigin = "https://evil.example"

// Body markers the probe looks for. It keeps these, never the bodies.
const (
	MarkerDebuggerPage     = "werkzeug-debugger-page"     // "… // Werkzeug Debugger" page: a traceback or the console
	MarkerDebuggerResource = "werkzeug-debugger-resource" // the debugger's own debugger.js, served to anyone
	MarkerTraceback        = "python-traceback"           // "Traceback (most recent call last)"
)

// Probe is what the app's hosts answered.
type Probe struct {
	Hosts []ProbeHost `json:"hosts"`
}

// ProbeHost is one host's answers: the app's web_url host or a custom domain.
type ProbeHost struct {
	Host      string          `json:"host"`            // as probed, with a port when one was given
	Error     string          `json:"error,omitempty"` // the host could not be probed at all
	Responses []ProbeResponse `json:"responses,omitempty"`
}

// ProbeResponse is one request and its answer: the status, the headers that
// matter to security, cookie names and flags (never values) and the markers
// found in the first bytes of the body (never the body).
type ProbeResponse struct {
	Kind      string              `json:"kind"`
	Hop       int                 `json:"hop,omitempty"` // 1 for the redirect followed on the same host
	URL       string              `json:"url"`
	Status    int                 `json:"status,omitempty"`
	Error     string              `json:"error,omitempty"` // no answer: timeout, TLS, refused
	Header    map[string][]string `json:"header,omitempty"`
	Cookies   []ProbeCookie       `json:"cookies,omitempty"`
	Markers   []string            `json:"markers,omitempty"`
	Truncated bool                `json:"truncated,omitempty"` // the body was longer than the cap
}

// ProbeCookie is a Set-Cookie's name and flags; its value is never kept.
type ProbeCookie struct {
	Name     string `json:"name"`
	Secure   bool   `json:"secure"`
	HTTPOnly bool   `json:"httponly"`
	SameSite string `json:"samesite,omitempty"` // Lax, Strict, None; empty when not set
}

// Get returns a header's values joined as one field, "" when absent.
func (r ProbeResponse) Get(name string) string {
	return strings.Join(r.Header[http.CanonicalHeaderKey(name)], ", ")
}

// Has reports whether a header was sent.
func (r ProbeResponse) Has(name string) bool {
	_, ok := r.Header[http.CanonicalHeaderKey(name)]
	return ok
}

// Of returns the host's responses of a kind, hops in order.
func (h ProbeHost) Of(kind string) []ProbeResponse {
	var out []ProbeResponse
	for _, r := range h.Responses {
		if r.Kind == kind {
			out = append(out, r)
		}
	}
	return out
}

// Page is the answer to GET https://HOST/ after the redirect followed on
// the same host: the page whose headers a browser acts on. ok is false when
// the root could not be fetched.
func (h ProbeHost) Page() (ProbeResponse, bool) {
	rs := h.Of(ProbeRoot)
	if len(rs) == 0 {
		return ProbeResponse{}, false
	}
	last := rs[len(rs)-1]
	return last, last.Error == ""
}

// HasMarker reports whether any response carried the marker.
func (h ProbeHost) HasMarker(m string) bool {
	return slices.ContainsFunc(h.Responses, func(r ProbeResponse) bool { return slices.Contains(r.Markers, m) })
}

// ProbeSnapshot is the snapshot of URLs probed without an app (herokuaudit
// probe URL): the probe checks run, every other part is absent by design.
func ProbeSnapshot(name string, p *Probe) *Snapshot {
	s := &Snapshot{App: App{Name: name}, Probe: p}
	for _, part := range append(slices.Clone(apiParts), PartFiles) {
		s.SetGap(part, "no app given: only its URLs were probed", false)
	}
	return s
}

// ProbeChecks returns the catalog's probe checks, in catalog order.
func ProbeChecks() []Check {
	var out []Check
	for _, c := range Catalog() {
		if slices.Contains(c.Needs, PartProbe) {
			out = append(out, c)
		}
	}
	return out
}

// Probe returns what the app's hosts answered; nil when it was not probed.
//
//audit:input live probe of the app's URLs
func (v *View) Probe() *Probe { v.use(PartProbe); return v.s.Probe }

// available reports whether a part was collected, recording nothing: a
// cross-check reads the other side only when it is there to read.
func (v *View) available(p Part) bool {
	_, gap := v.s.Gaps[p]
	return !gap
}
