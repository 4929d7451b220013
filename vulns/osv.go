package vulns

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/herokuaudit/herokuaudit/audit/pydeps"
)

// Record is the part of an OSV record that matching reads.
type Record struct {
	ID               string          `json:"id"`
	Modified         string          `json:"modified"`
	Withdrawn        string          `json:"withdrawn"`
	Aliases          []string        `json:"aliases"`
	Summary          string          `json:"summary"`
	Details          string          `json:"details"`
	Affected         []Affected      `json:"affected"`
	Severity         []SeverityItem  `json:"severity"`
	DatabaseSpecific json.RawMessage `json:"database_specific"`
}

// Affected is one affected[] entry: a package, its ranges and listed versions.
type Affected struct {
	Package  Package  `json:"package"`
	Ranges   []Range  `json:"ranges"`
	Versions []string `json:"versions"`
}

// Package names a package in an ecosystem.
type Package struct {
	Ecosystem string `json:"ecosystem"`
	Name      string `json:"name"`
}

// Range is an OSV range: ECOSYSTEM, SEMVER or GIT, and its events.
type Range struct {
	Type   string  `json:"type"`
	Events []Event `json:"events"`
}

// Event is one range event; exactly one field is set.
type Event struct {
	Introduced   string `json:"introduced,omitempty"`
	Fixed        string `json:"fixed,omitempty"`
	LastAffected string `json:"last_affected,omitempty"`
	Limit        string `json:"limit,omitempty"`
}

// SeverityItem is one severity[] entry, e.g. CVSS_V3 and its vector.
type SeverityItem struct {
	Type  string `json:"type"`
	Score string `json:"score"`
}

// Advisory is an OSV record as it applies to one installed version.
type Advisory struct {
	ID      string   `json:"id"`
	Aliases []string `json:"aliases,omitempty"`
	Summary string   `json:"summary,omitempty"`
	// Fixed lists the versions that fix it, in PEP 440 order; empty when
	// no fix is known.
	Fixed []string `json:"fixed,omitempty"`
	// Severity is critical, high, moderate or low; empty when the record
	// has neither a CVSS vector nor a rating of its own.
	Severity string `json:"severity,omitempty"`
	// Score is the CVSS score when the record carries a vector (v4.0 when
	// it has one, else v3).
	Score float64 `json:"score,omitempty"`
	// Malicious marks a malicious-package report: the package is malware,
	// not flawed, and no version fixes it.
	Malicious bool `json:"malicious,omitempty"`
}

// ParseRecord decodes one OSV record. A record needs an id.
func ParseRecord(data []byte) (*Record, error) {
	var r Record
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, err
	}
	if r.ID == "" && len(r.Affected) == 0 {
		// a file beside the records (a triage list, a CI workflow), not a
		// record that lost its id
		return nil, errNotRecord
	}
	if r.ID == "" {
		return nil, fmt.Errorf("osv record without an id")
	}
	return &r, nil
}

// errNotRecord marks a document with neither an id nor affected packages.
var errNotRecord = errors.New("not an OSV record")

// NormalizeName is the PEP 503 form of a distribution name.
func NormalizeName(name string) string { return pydeps.Name(strings.TrimSpace(name)) }

// isPyPI reports whether an affected entry is about a PyPI package.
func isPyPI(a Affected) bool { return a.Package.Ecosystem == "PyPI" }

// Match reports whether the record affects name at version, and the fixed
// versions of the affected entries that matched. Withdrawn records affect
// nothing. Only PyPI entries count; their ECOSYSTEM ranges are evaluated in
// PEP 440 order and their versions list is an exact set.
func (r *Record) Match(name, version string) (bool, []string) {
	return compile(r, NormalizeName(name)).match(pydeps.ParseVersion(version))
}

func fixedOf(a Affected) []string {
	var out []string
	for _, rg := range a.Ranges {
		if rg.Type != "ECOSYSTEM" {
			continue
		}
		for _, e := range rg.Events {
			if e.Fixed != "" {
				out = append(out, e.Fixed)
			}
		}
	}
	return out
}

func sortVersions(vs []string) []string {
	sort.SliceStable(vs, func(i, j int) bool { return pydeps.CompareVersions(vs[i], vs[j]) < 0 })
	out := vs[:0]
	for i, v := range vs {
		if i == 0 || pydeps.CompareVersions(vs[i-1], v) != 0 {
			out = append(out, v)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// severity returns the record's bucket and CVSS score: from a valid CVSS
// v4.0 vector when there is one (OSV records often carry v3 and v4 side by
// side; v4 is the current standard), else a v3 one, else from
// database_specific.severity (GitHub's LOW, MODERATE or MEDIUM, HIGH,
// CRITICAL).
func (r *Record) severity() (string, float64) {
	if r.malicious() {
		// no score rates malware: whatever version runs, it ran with the
		// app's secrets
		return Critical, 0
	}
	for _, s := range r.Severity {
		if s.Type != "CVSS_V4" {
			continue
		}
		if score, err := CVSS4Score(s.Score); err == nil {
			return Bucket(score), score
		}
	}
	for _, s := range r.Severity {
		if s.Type != "CVSS_V3" {
			continue
		}
		if score, err := CVSS3BaseScore(s.Score); err == nil {
			return Bucket(score), score
		}
	}
	var ds struct {
		Severity any `json:"severity"`
	}
	if len(r.DatabaseSpecific) > 0 && json.Unmarshal(r.DatabaseSpecific, &ds) == nil {
		if s, ok := ds.Severity.(string); ok {
			switch strings.ToLower(strings.TrimSpace(s)) {
			case "critical":
				return Critical, 0
			case "high":
				return High, 0
			case "moderate", "medium":
				return Moderate, 0
			case "low":
				return Low, 0
			}
		}
	}
	return "", 0
}

// malicious reports whether the record is a malicious-package report of
// the OpenSSF database (MAL-…), which OSV's PyPI export carries beside the
// vulnerabilities.
func (r *Record) malicious() bool {
	if strings.HasPrefix(r.ID, "MAL-") || slices.ContainsFunc(r.Aliases, func(a string) bool { return strings.HasPrefix(a, "MAL-") }) {
		return true
	}
	var ds map[string]json.RawMessage
	if len(r.DatabaseSpecific) > 0 && json.Unmarshal(r.DatabaseSpecific, &ds) == nil {
		_, ok := ds["malicious-packages-origins"]
		return ok
	}
	return false
}

// Advisory builds the advisory for a matched record.
func (r *Record) Advisory(fixed []string) Advisory {
	sev, score := r.severity()
	return Advisory{
		ID:        r.ID,
		Aliases:   append([]string(nil), r.Aliases...),
		Summary:   r.Summary,
		Fixed:     fixed,
		Severity:  sev,
		Score:     score,
		Malicious: r.malicious(),
	}
}

// finish merges the records that describe one vulnerability (PYSEC and
// GHSA records alias each other; the export has both) and orders the rest
// worst first.
func finish(as []Advisory) []Advisory {
	as = mergeAliases(as)
	sortAdvisories(as)
	return as
}

// mergeAliases folds advisories whose ids or aliases meet into one, named by
// its best record (rated worst, then a GitHub id, then a PyPA one): the
// worst severity and the highest score of the group, every fixed version,
// every other id as an alias. Counting both records would list a bug twice
// and, when only one of them is rated, understate it.
func mergeAliases(as []Advisory) []Advisory {
	if len(as) < 2 {
		return as
	}
	group := make([]int, len(as))
	for i := range group {
		group[i] = i
	}
	root := func(i int) int {
		for group[i] != i {
			group[i] = group[group[i]]
			i = group[i]
		}
		return i
	}
	owner := map[string]int{}
	for i, a := range as {
		for _, id := range append([]string{a.ID}, a.Aliases...) {
			if j, ok := owner[id]; ok {
				group[root(i)] = root(j)
			} else {
				owner[id] = i
			}
		}
	}
	members := map[int][]int{}
	var order []int
	for i := range as {
		r := root(i)
		if _, ok := members[r]; !ok {
			order = append(order, r)
		}
		members[r] = append(members[r], i)
	}
	if len(order) == len(as) {
		return as
	}
	out := make([]Advisory, 0, len(order))
	for _, r := range order {
		ms := members[r]
		best := ms[0]
		for _, i := range ms[1:] {
			if namesBetter(as[i], as[best]) {
				best = i
			}
		}
		m := as[best]
		m.Aliases = nil
		seen := map[string]bool{m.ID: true}
		var fixed []string
		for _, i := range append([]int{best}, ms...) {
			a := as[i]
			for _, id := range append([]string{a.ID}, a.Aliases...) {
				if !seen[id] {
					seen[id] = true
					m.Aliases = append(m.Aliases, id)
				}
			}
			if severityRank(a.Severity) > severityRank(m.Severity) {
				m.Severity = a.Severity
			}
			m.Score = max(m.Score, a.Score)
			m.Malicious = m.Malicious || a.Malicious
			if m.Summary == "" {
				m.Summary = a.Summary
			}
			fixed = append(fixed, a.Fixed...)
		}
		m.Fixed = sortVersions(fixed)
		out = append(out, m)
	}
	return out
}

// namesBetter says whether a should name a merged group rather than b.
func namesBetter(a, b Advisory) bool {
	if ra, rb := severityRank(a.Severity), severityRank(b.Severity); ra != rb {
		return ra > rb
	}
	if pa, pb := idPreference(a.ID), idPreference(b.ID); pa != pb {
		return pa > pb
	}
	return a.ID < b.ID
}

func idPreference(id string) int {
	switch {
	case strings.HasPrefix(id, "GHSA-"):
		return 2
	case strings.HasPrefix(id, "PYSEC-"):
		return 1
	}
	return 0
}

// sortAdvisories orders worst first, then by id.
func sortAdvisories(as []Advisory) {
	sort.Slice(as, func(i, j int) bool {
		ri, rj := severityRank(as[i].Severity), severityRank(as[j].Severity)
		if ri != rj {
			return ri > rj
		}
		if as[i].Score != as[j].Score {
			return as[i].Score > as[j].Score
		}
		return as[i].ID < as[j].ID
	})
}
