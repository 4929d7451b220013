package audit

import (
	"cmp"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// A Redactor hides values in output-bound text: every config var value of
// the apps the text speaks of, whatever the var is named and whatever the
// value looks like, and any extra secret such as the API token. Each
// occurrence becomes a marker naming the var, "<redacted: LOG_TARGET>"
// ("<redacted>" for an extra secret), never the value. Checks already
// name variables instead of printing values; the Redactor is the net
// under them, applied once to everything a run hands to the renderers.
//
// Besides the value as it is, a Redactor finds it trimmed, with its
// whitespace collapsed (as diff shows values), percent-encoded as a URL's
// query, path or userinfo would carry it (in either case of hex), Go-quoted,
// and each line of a multi-line value on its own. Where occurrences of
// several values overlap, the whole span becomes one marker naming them all,
// so no part of either value is left over.
//
// Values that cannot be told from the tool's own words are not hidden,
// since hiding them would blank out every message that uses the word (a
// DEBUG=true would remove each "true"): values shorter than MinRedactLen
// bytes, numbers of at most 12 digits, booleans, and the common words in
// commonValues ("production", "development", "localhost", ...). Those
// values carry no secret. A Redactor is safe for concurrent use.
type Redactor struct {
	needles []needle // longest first
	key     []byte   // with WithFingerprints: markers carry a keyed fingerprint
}

// MinRedactLen is the shortest value a Redactor hides, in bytes. Shorter
// values ("true", "info", "Lax", "1", "web") are the tool's own words; a
// secret this short is reported as weak by the checks anyway.
const MinRedactLen = 8

// maxNumberDigits is the longest number a Redactor leaves alone: a port,
// a size, a timeout or a count. Longer digit strings may be identifiers or
// PINs, and are hidden.
const maxNumberDigits = 12

// commonValues are words config vars often hold that the tool's own text
// uses too; they are never hidden (compared case-insensitively).
var commonValues = map[string]bool{
	"production": true, "development": true, "staging": true, "testing": true, "localhost": true,
	"disabled": true, "enabled": true, "required": true, "optional": true, "critical": true, "warning": true,
	"default": true, "gunicorn": true, "uvicorn": true, "waitress": true, "eventlet": true, "postgres": true,
	"postgresql": true, "standard": true, "performance": true, "verify-full": true, "verify-ca": true,
	"memory://": true, "0.0.0.0": true, "127.0.0.1": true, "utf-8": true,
}

type needle struct {
	text  string // what is looked for
	name  string // the config var, "" for an extra secret
	value string // the value it stands for, for fingerprints
}

// redactable reports whether a value is hidden at all; see Redactor.
func redactable(v string) bool {
	t := strings.TrimSpace(v)
	if len(t) < MinRedactLen || commonValues[strings.ToLower(t)] {
		return false
	}
	return !isTruthy(t) && !isFalsy(t) && !smallNumber(t)
}

// smallNumber reports a decimal number (sign, point, exponent and digit
// separators allowed) of at most maxNumberDigits digits.
func smallNumber(t string) bool {
	digits := 0
	for _, c := range t {
		switch {
		case c >= '0' && c <= '9':
			digits++
		case !strings.ContainsRune("+-._eE", c):
			return false
		}
	}
	_, err := strconv.ParseFloat(strings.ReplaceAll(t, "_", ""), 64)
	return err == nil && digits <= maxNumberDigits
}

// NewRedactor makes a Redactor for the config vars (name to value) and the
// extra secrets, which have no name.
func NewRedactor(vars map[string]string, secrets []string) *Redactor {
	r := &Redactor{}
	for _, n := range sortedKeys(vars) {
		r.add(n, vars[n])
	}
	for _, s := range secrets {
		r.add("", s)
	}
	r.finish(nil)
	return r
}

// SnapshotRedactor makes the Redactor for output about the given apps:
// each one's config vars, and the extra secrets. The apps' own names and
// the paths of their files are never hidden, though a var may hold one
// (HEROKU_APP_NAME, GUNICORN_CONFIG=gunicorn.conf.py): output names the app
// and places evidence in its files anyway, and hiding them would blank out
// every mention. Nil snapshots are skipped.
func SnapshotRedactor(secrets []string, snaps ...*Snapshot) *Redactor {
	r := &Redactor{}
	public := map[string]bool{}
	for _, s := range snaps {
		if s == nil {
			continue
		}
		public[s.App.Name] = true
		for _, p := range s.Files.Paths() {
			public[p] = true
		}
		for _, n := range sortedKeys(s.ConfigVars) {
			r.add(n, s.ConfigVars[n])
		}
	}
	for _, s := range secrets {
		r.add("", s)
	}
	r.finish(public)
	return r
}

// WithFingerprints returns a Redactor whose markers also carry the value's
// keyed fingerprint, "<redacted: LOG_TARGET fp:1a2b3c4d>", as diff shows
// secrets: two stages' values can be told apart, and nothing else learned.
func (r *Redactor) WithFingerprints(key []byte) *Redactor {
	c := *r
	c.key = key
	return &c
}

// variants are the forms a value may take in output.
func variants(v string) []string {
	out := []string{v, strings.TrimSpace(v), strings.Join(strings.Fields(v), " ")}
	if lines := strings.Split(v, "\n"); len(lines) > 1 {
		for _, l := range lines {
			out = append(out, strings.TrimSpace(l))
		}
	}
	if q := strconv.Quote(v); len(q) > 2 {
		out = append(out, q[1:len(q)-1])
	}
	userinfo := strings.TrimPrefix((&url.URL{User: url.User(v)}).String(), "//")
	userinfo = strings.TrimSuffix(userinfo, "@")
	for _, enc := range []string{url.QueryEscape(v), url.PathEscape(v), userinfo} {
		out = append(out, enc)
		if strings.Contains(enc, "%") {
			out = append(out, lowerHex(enc))
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

var pctEscape = regexp.MustCompile(`%[0-9A-F]{2}`)

// lowerHex writes a percent-encoded string's escapes in lower case, as some
// encoders do.
func lowerHex(s string) string { return pctEscape.ReplaceAllStringFunc(s, strings.ToLower) }

func (r *Redactor) add(name, value string) {
	if !redactable(value) {
		return
	}
	for _, v := range variants(value) {
		if redactable(v) {
			r.needles = append(r.needles, needle{text: v, name: name, value: value})
		}
	}
}

// finish drops what public holds and duplicates, and puts longer texts
// first.
func (r *Redactor) finish(public map[string]bool) {
	r.needles = slices.DeleteFunc(r.needles, func(n needle) bool { return public[n.value] || public[n.text] })
	slices.SortFunc(r.needles, func(a, b needle) int {
		return cmp.Or(cmp.Compare(len(b.text), len(a.text)), strings.Compare(a.text, b.text), strings.Compare(a.name, b.name))
	})
	r.needles = slices.CompactFunc(r.needles, func(a, b needle) bool { return a.text == b.text && a.name == b.name })
}

// showsValue reports whether a var's name holds a value the Redactor hides
// (VALUE_IS_HERE=VALUE_IS_HERE): its marker must not name it.
func (r *Redactor) showsValue(name string) bool {
	for _, n := range r.needles {
		if len(n.text) <= len(name) && strings.Contains(name, n.text) {
			return true
		}
	}
	return false
}

// span is one occurrence of a needle in a string.
type span struct {
	start, end int
	n          *needle
}

// Redact returns s with every occurrence of a value replaced by its marker.
func (r *Redactor) Redact(s string) string {
	if r == nil || len(r.needles) == 0 || len(s) < MinRedactLen {
		return s
	}
	var spans []span
	for i := range r.needles {
		n := &r.needles[i]
		for at := 0; at < len(s); {
			j := strings.Index(s[at:], n.text)
			if j < 0 {
				break
			}
			spans = append(spans, span{at + j, at + j + len(n.text), n})
			at += j + 1
		}
	}
	if len(spans) == 0 {
		return s
	}
	slices.SortFunc(spans, func(a, b span) int { return cmp.Or(cmp.Compare(a.start, b.start), cmp.Compare(b.end, a.end)) })
	var b strings.Builder
	last := 0
	for i := 0; i < len(spans); {
		start, end := spans[i].start, spans[i].end
		group := []*needle{spans[i].n}
		j := i + 1
		for ; j < len(spans) && spans[j].start < end; j++ {
			if spans[j].end > end { // a value inside another is not named
				end = spans[j].end
				group = append(group, spans[j].n)
			}
		}
		b.WriteString(s[last:start])
		b.WriteString(r.marker(group))
		last, i = end, j
	}
	b.WriteString(s[last:])
	return b.String()
}

// marker names the vars whose values a span holds.
func (r *Redactor) marker(group []*needle) string {
	var names []string
	values := map[string]bool{}
	for _, n := range group {
		values[n.value] = true
		if n.name != "" && !slices.Contains(names, n.name) && !r.showsValue(n.name) {
			names = append(names, n.name)
		}
	}
	if len(names) == 0 {
		return "<redacted>"
	}
	m := "<redacted: " + strings.Join(names, ", ")
	if len(r.key) > 0 && len(values) == 1 {
		h := hmac.New(sha256.New, r.key)
		h.Write([]byte(group[0].value))
		m += " fp:" + hex.EncodeToString(h.Sum(nil))[:8]
	}
	return m + ">"
}

// RedactResult hides values in every string of an app's result that
// output shows: its error, and each finding's title, message, evidence
// (text and place) and remediation, the baseline's fixed findings too.
func (r *Redactor) RedactResult(res *Result) {
	if r == nil || len(r.needles) == 0 {
		return
	}
	res.Error = r.Redact(res.Error)
	for _, fs := range [][]Finding{res.Findings, res.Fixed} {
		for i := range fs {
			r.redactFinding(&fs[i])
		}
	}
}

func (r *Redactor) redactFinding(f *Finding) {
	f.Title = r.Redact(f.Title)
	f.Message = r.Redact(f.Message)
	f.Remediation = r.Redact(f.Remediation)
	if f.Suppressed != nil {
		s := *f.Suppressed
		s.Reason = r.Redact(s.Reason)
		f.Suppressed = &s
	}
	ev := make([]Evidence, len(f.Evidence))
	for i, e := range f.Evidence {
		e.Text = r.Redact(e.Text)
		e.File = r.Redact(e.File)
		e.ConfigVar = r.Redact(e.ConfigVar)
		e.Process = r.Redact(e.Process)
		ev[i] = e
	}
	f.Evidence = ev
}

// RedactDiff hides values in every string of a comparison's entries. With
// fingerprints, a side that is wholly the value of the entry's own var
// shows just its fingerprint, as diff shows a secret: "fp:1a2b3c4d".
func (r *Redactor) RedactDiff(d *Diff) {
	if r == nil || len(r.needles) == 0 {
		return
	}
	side := func(key, v string) string {
		out := r.Redact(v)
		if fp, ok := strings.CutPrefix(out, "<redacted: "+key+" fp:"); ok && len(fp) == 9 && strings.HasSuffix(fp, ">") {
			return "fp:" + strings.TrimSuffix(fp, ">")
		}
		return out
	}
	entries := make([]DiffEntry, len(d.Entries))
	for i, e := range d.Entries {
		e.A = side(e.Key, e.A)
		e.B = side(e.Key, e.B)
		e.Key = r.Redact(e.Key)
		e.Reason = r.Redact(e.Reason)
		entries[i] = e
	}
	d.Entries = entries
}
