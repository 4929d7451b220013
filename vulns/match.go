package vulns

import (
	"sort"

	"github.com/herokuaudit/herokuaudit/audit/pydeps"
)

// matcher is a record's PyPI entries for one package, their versions parsed
// once: a fleet looks the same package up at many versions, and a busy
// package has hundreds of records, each listing hundreds of versions.
type matcher struct {
	rec     *Record
	entries []entryMatcher
}

type entryMatcher struct {
	keys   []string // the listed PEP 440 versions' keys, sorted
	listed []string // the listed versions as written, for a query that is not PEP 440
	odd    []pydeps.Version
	ranges [][]bound // each ECOSYSTEM range's events, in version order
	fixed  []string
}

type boundKind uint8

const (
	introduced boundKind = iota
	fixedAt
	lastAffected
)

type bound struct {
	kind boundKind
	zero bool // introduced "0": the start of history
	v    pydeps.Version
}

// compile prepares r's entries about the normalized name. A withdrawn
// record matches nothing.
func compile(r *Record, name string) *matcher {
	m := &matcher{rec: r}
	if r.Withdrawn != "" {
		return m
	}
	for _, a := range r.Affected {
		if !isPyPI(a) || NormalizeName(a.Package.Name) != name {
			continue
		}
		e := entryMatcher{listed: a.Versions, fixed: fixedOf(a)}
		for _, s := range a.Versions {
			v := pydeps.ParseVersion(s)
			if k := v.Key(); k != "" {
				e.keys = append(e.keys, k)
			} else {
				e.odd = append(e.odd, v)
			}
		}
		sort.Strings(e.keys)
		for _, rg := range a.Ranges {
			if rg.Type == "ECOSYSTEM" {
				e.ranges = append(e.ranges, bounds(rg.Events))
			}
		}
		m.entries = append(m.entries, e)
	}
	return m
}

// bounds sorts one range's events as the OSV schema describes: by version,
// "0" first. limit does not apply to ECOSYSTEM ranges.
func bounds(events []Event) []bound {
	var bs []bound
	for _, e := range events {
		switch {
		case e.Introduced != "":
			bs = append(bs, bound{kind: introduced, zero: e.Introduced == "0", v: pydeps.ParseVersion(e.Introduced)})
		case e.Fixed != "":
			bs = append(bs, bound{kind: fixedAt, v: pydeps.ParseVersion(e.Fixed)})
		case e.LastAffected != "":
			bs = append(bs, bound{kind: lastAffected, v: pydeps.ParseVersion(e.LastAffected)})
		}
	}
	sort.SliceStable(bs, func(i, j int) bool {
		a, b := bs[i], bs[j]
		if a.zero || b.zero {
			return a.zero && !b.zero
		}
		return a.v.Compare(b.v) < 0
	})
	return bs
}

// match reports whether the record affects version v, and the fixed
// versions of the entries that matched.
func (m *matcher) match(v pydeps.Version) (bool, []string) {
	hit := false
	var fixed []string
	key := v.Key()
	for _, e := range m.entries {
		if e.has(v, key) || e.inRanges(v) {
			hit = true
			fixed = append(fixed, e.fixed...)
		}
	}
	return hit, sortVersions(fixed)
}

// has reports whether v is one of the entry's listed versions.
func (e *entryMatcher) has(v pydeps.Version, key string) bool {
	if key == "" {
		// not PEP 440: compared piecewise with each, as written
		for _, s := range e.listed {
			if pydeps.CompareVersions(s, v.String()) == 0 {
				return true
			}
		}
		return false
	}
	i := sort.SearchStrings(e.keys, key)
	if i < len(e.keys) && e.keys[i] == key {
		return true
	}
	for _, o := range e.odd {
		if o.Compare(v) == 0 {
			return true
		}
	}
	return false
}

// inRanges evaluates the ECOSYSTEM ranges: introduced opens, fixed closes
// before itself, last_affected closes after itself.
func (e *entryMatcher) inRanges(v pydeps.Version) bool {
	for _, bs := range e.ranges {
		affected := false
		for _, b := range bs {
			switch b.kind {
			case introduced:
				if b.zero || v.Compare(b.v) >= 0 {
					affected = true
				}
			case fixedAt:
				if v.Compare(b.v) >= 0 {
					affected = false
				}
			case lastAffected:
				if v.Compare(b.v) > 0 {
					affected = false
				}
			}
		}
		if affected {
			return true
		}
	}
	return false
}
