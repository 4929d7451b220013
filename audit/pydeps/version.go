package pydeps

import (
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
)

// pep440 matches a version in PEP 440's permissive form (what pip accepts),
// lower-cased: epoch, release, pre-release, post-release, dev release, local.
var pep440 = regexp.MustCompile(`^v?` +
	`(?:(\d+)!)?` +
	`(\d+(?:\.\d+)*)` +
	`(?:[-_.]?(alpha|beta|preview|pre|rc|a|b|c)[-_.]?(\d+)?)?` +
	`(?:-(\d+)|[-_.]?(post|rev|r)[-_.]?(\d+)?)?` +
	`(?:[-_.]?(dev)[-_.]?(\d+)?)?` +
	`(?:\+([a-z0-9]+(?:[-_.][a-z0-9]+)*))?$`)

// version is a parsed PEP 440 version. Numbers stay strings (leading zeros
// dropped) so huge components compare correctly without overflow.
type version struct {
	epoch   string
	release []string
	preKind int // preDevOnly, 0 alpha, 1 beta, 2 rc, preNone
	preNum  string
	hasPost bool
	post    string
	hasDev  bool
	dev     string
	local   []string
}

const (
	preDevOnly = -1 // X.devN with no pre or post release sorts before X's pre-releases
	preNone    = 3  // a final release sorts after its pre-releases
)

func parseVersion(s string) (version, bool) {
	m := pep440.FindStringSubmatch(strings.ToLower(strings.TrimSpace(s)))
	if m == nil {
		return version{}, false
	}
	v := version{epoch: num(m[1]), preKind: preNone}
	v.release = strings.Split(m[2], ".")
	for i := range v.release {
		v.release[i] = num(v.release[i])
	}
	// Trailing zeros do not count: 1.4 == 1.4.0.
	for len(v.release) > 1 && v.release[len(v.release)-1] == "0" {
		v.release = v.release[:len(v.release)-1]
	}
	switch m[3] {
	case "a", "alpha":
		v.preKind = 0
	case "b", "beta":
		v.preKind = 1
	case "c", "rc", "pre", "preview":
		v.preKind = 2
	}
	v.preNum = num(m[4])
	if m[5] != "" || m[6] != "" {
		v.hasPost = true
		v.post = num(m[5] + m[7])
	}
	if m[8] != "" {
		v.hasDev = true
		v.dev = num(m[9])
	}
	if v.preKind == preNone && !v.hasPost && v.hasDev {
		v.preKind = preDevOnly
	}
	if m[10] != "" {
		v.local = strings.FieldsFunc(m[10], func(r rune) bool { return r == '.' || r == '-' || r == '_' })
	}
	return v, true
}

// num strips leading zeros; an absent number is 0.
func num(s string) string {
	s = strings.TrimLeft(s, "0")
	if s == "" {
		return "0"
	}
	return s
}

// cmpNum compares two digit strings without leading zeros.
func cmpNum(a, b string) int {
	switch {
	case len(a) != len(b):
		return sign(len(a) - len(b))
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func sign(n int) int {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}

// CompareVersions compares two PEP 440 versions ("1.4.0" vs "1.3.24",
// "2.0.0rc1" vs "2.0.0") and returns -1, 0 or 1. It follows PEP 440's order
// for epochs, release segments, pre-, post- and dev releases and local
// labels. Strings that are not PEP 440 versions are compared piecewise, runs
// of digits numerically.
func CompareVersions(a, b string) int {
	va, oka := parseVersionCached(a)
	vb, okb := parseVersionCached(b)
	if !oka || !okb {
		return comparePieces(a, b)
	}
	return compareParsed(va, vb)
}

// Version is a version parsed once, to be compared with many others.
type Version struct {
	raw string
	v   version
	ok  bool
}

// ParseVersion parses s; a string that is not a PEP 440 version is kept to
// compare piecewise, as CompareVersions does.
func ParseVersion(s string) Version {
	v, ok := parseVersionCached(s)
	return Version{raw: s, v: v, ok: ok}
}

// String is the version as it was written.
func (a Version) String() string { return a.raw }

// Compare is CompareVersions(a.String(), b.String()) without parsing again.
func (a Version) Compare(b Version) int {
	if !a.ok || !b.ok {
		return comparePieces(a.raw, b.raw)
	}
	return compareParsed(a.v, b.v)
}

// Key is the version's normal form: two PEP 440 versions are equal exactly
// when their keys are. Empty for a string that is not a PEP 440 version.
func (a Version) Key() string {
	if !a.ok {
		return ""
	}
	var b strings.Builder
	if a.v.epoch != "0" {
		b.WriteString(a.v.epoch + "!")
	}
	b.WriteString(strings.Join(a.v.release, "."))
	if a.v.preKind >= 0 && a.v.preKind < preNone {
		b.WriteString([]string{"a", "b", "rc"}[a.v.preKind] + a.v.preNum)
	}
	if a.v.hasPost {
		b.WriteString(".post" + a.v.post)
	}
	if a.v.hasDev {
		b.WriteString(".dev" + a.v.dev)
	}
	for i, l := range a.v.local {
		if i == 0 {
			b.WriteByte('+')
		} else {
			b.WriteByte('.')
		}
		if allDigits(l) {
			l = num(l)
		}
		b.WriteString(l)
	}
	return b.String()
}

func compareParsed(va, vb version) int {
	if c := cmpNum(va.epoch, vb.epoch); c != 0 {
		return c
	}
	for i := 0; i < len(va.release) || i < len(vb.release); i++ {
		x, y := "0", "0"
		if i < len(va.release) {
			x = va.release[i]
		}
		if i < len(vb.release) {
			y = vb.release[i]
		}
		if c := cmpNum(x, y); c != 0 {
			return c
		}
	}
	if c := sign(va.preKind - vb.preKind); c != 0 {
		return c
	}
	if va.preKind >= 0 && va.preKind < preNone {
		if c := cmpNum(va.preNum, vb.preNum); c != 0 {
			return c
		}
	}
	if va.hasPost != vb.hasPost {
		return boolCmp(va.hasPost)
	}
	if c := cmpNum(va.post, vb.post); va.hasPost && c != 0 {
		return c
	}
	if va.hasDev != vb.hasDev {
		return -boolCmp(va.hasDev) // a dev release sorts before the same version without one
	}
	if c := cmpNum(va.dev, vb.dev); va.hasDev && c != 0 {
		return c
	}
	return compareLocal(va.local, vb.local)
}

// parsed remembers parsed versions: matching a fleet's packages against an
// advisory database compares the same few thousand version strings millions
// of times, and the regular expression is most of that cost. Bounded, so
// hostile input cannot grow it without end.
var (
	parsed  sync.Map // string → parsedVersion
	nParsed atomic.Int64
)

const maxParsed = 1 << 16

type parsedVersion struct {
	v  version
	ok bool
}

func parseVersionCached(s string) (version, bool) {
	if p, ok := parsed.Load(s); ok {
		pv := p.(parsedVersion)
		return pv.v, pv.ok
	}
	v, ok := parseVersion(s)
	if nParsed.Load() < maxParsed {
		if _, loaded := parsed.LoadOrStore(s, parsedVersion{v, ok}); !loaded {
			nParsed.Add(1)
		}
	}
	return v, ok
}

func boolCmp(b bool) int {
	if b {
		return 1
	}
	return -1
}

// compareLocal orders local labels: none first, then segment by segment,
// numbers above words, a longer label above its prefix.
func compareLocal(a, b []string) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		an, bn := allDigits(a[i]), allDigits(b[i])
		switch {
		case an && bn:
			if c := cmpNum(num(a[i]), num(b[i])); c != 0 {
				return c
			}
		case an != bn:
			return boolCmp(an)
		default:
			if c := strings.Compare(a[i], b[i]); c != 0 {
				return c
			}
		}
	}
	return sign(len(a) - len(b))
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return s != ""
}

// comparePieces is the fallback for strings that are not PEP 440 versions:
// runs of digits compare as numbers, other runs as lower-case text.
func comparePieces(a, b string) int {
	pa, pb := pieces(strings.ToLower(a)), pieces(strings.ToLower(b))
	for i := 0; i < len(pa) && i < len(pb); i++ {
		an, bn := allDigits(pa[i]), allDigits(pb[i])
		var c int
		switch {
		case an && bn:
			c = cmpNum(num(pa[i]), num(pb[i]))
		case an != bn:
			c = boolCmp(an)
		default:
			c = strings.Compare(pa[i], pb[i])
		}
		if c != 0 {
			return c
		}
	}
	return sign(len(pa) - len(pb))
}

// pieces splits s into runs of digits and runs of letters, dropping
// separators.
func pieces(s string) []string {
	var out []string
	start := -1
	kind := 0 // 1 digits, 2 other
	flush := func(i int) {
		if start >= 0 {
			out = append(out, s[start:i])
			start = -1
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		k := 2
		switch {
		case isDigit(c):
			k = 1
		case c == '.' || c == '-' || c == '_' || c == '+' || c == ' ':
			flush(i)
			continue
		}
		if start >= 0 && k != kind {
			flush(i)
		}
		if start < 0 {
			start, kind = i, k
		}
	}
	flush(len(s))
	return out
}
