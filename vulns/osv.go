package vulns

import (
	"encoding/json"
	"fmt"
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
	// has neither a CVSS v3 vector nor a rating of its own.
	Severity string `json:"severity,omitempty"`
	// Score is the CVSS v3 base score when the record carries a vector.
	Score float64 `json:"score,omitempty"`
}

// ParseRecord decodes one OSV record. A record needs an id.
func ParseRecord(data []byte) (*Record, error) {
	var r Record
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, err
	}
	if r.ID == "" {
		return nil, fmt.Errorf("osv record without an id")
	}
	return &r, nil
}

// NormalizeName is the PEP 503 form of a distribution name.
func NormalizeName(name string) string { return pydeps.Name(strings.TrimSpace(name)) }

// isPyPI reports whether an affected entry is about a PyPI package.
func isPyPI(a Affected) bool { return a.Package.Ecosystem == "PyPI" }

// Match reports whether the record affects name at version, and the fixed
// versions of the affected entries that matched. Withdrawn records affect
// nothing. Only PyPI entries count; their ECOSYSTEM ranges are evaluated in
// PEP 440 order and their versions list is an exact set.
func (r *Record) Match(name, version string) (bool, []string) {
	if r.Withdrawn != "" {
		return false, nil
	}
	name = NormalizeName(name)
	hit := false
	var fixed []string
	for _, a := range r.Affected {
		if !isPyPI(a) || NormalizeName(a.Package.Name) != name {
			continue
		}
		inEntry := false
		for _, v := range a.Versions {
			if pydeps.CompareVersions(v, version) == 0 {
				inEntry = true
			}
		}
		for _, rg := range a.Ranges {
			if rg.Type == "ECOSYSTEM" && inRange(version, rg.Events) {
				inEntry = true
			}
		}
		if inEntry {
			hit = true
			fixed = append(fixed, fixedOf(a)...)
		}
	}
	return hit, sortVersions(fixed)
}

// inRange evaluates one range's events as the OSV schema describes: events
// sorted by version ("0" first), introduced opens, fixed closes before
// itself, last_affected closes after itself. limit does not apply to
// ECOSYSTEM ranges.
func inRange(v string, events []Event) bool {
	type ev struct {
		kind string
		at   string
	}
	var evs []ev
	for _, e := range events {
		switch {
		case e.Introduced != "":
			evs = append(evs, ev{"introduced", e.Introduced})
		case e.Fixed != "":
			evs = append(evs, ev{"fixed", e.Fixed})
		case e.LastAffected != "":
			evs = append(evs, ev{"last_affected", e.LastAffected})
		}
	}
	sort.SliceStable(evs, func(i, j int) bool { return cmpEvent(evs[i].at, evs[j].at) < 0 })
	affected := false
	for _, e := range evs {
		switch e.kind {
		case "introduced":
			if e.at == "0" || pydeps.CompareVersions(v, e.at) >= 0 {
				affected = true
			}
		case "fixed":
			if pydeps.CompareVersions(v, e.at) >= 0 {
				affected = false
			}
		case "last_affected":
			if pydeps.CompareVersions(v, e.at) > 0 {
				affected = false
			}
		}
	}
	return affected
}

// cmpEvent orders event versions, "0" (the start of history) before all.
func cmpEvent(a, b string) int {
	switch {
	case a == "0" && b == "0":
		return 0
	case a == "0":
		return -1
	case b == "0":
		return 1
	}
	return pydeps.CompareVersions(a, b)
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

// severity returns the record's bucket and CVSS v3 base score: from a valid
// CVSS_V3 vector when there is one, else from database_specific.severity
// (GitHub's LOW, MODERATE or MEDIUM, HIGH, CRITICAL).
func (r *Record) severity() (string, float64) {
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

// Advisory builds the advisory for a matched record.
func (r *Record) Advisory(fixed []string) Advisory {
	sev, score := r.severity()
	return Advisory{
		ID:       r.ID,
		Aliases:  append([]string(nil), r.Aliases...),
		Summary:  r.Summary,
		Fixed:    fixed,
		Severity: sev,
		Score:    score,
	}
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
