package vulns

import (
	"fmt"
	"math"
	"strings"

	gocvss40 "github.com/pandatix/go-cvss/40"
)

// CVSS4Score returns the score of a CVSS v4.0 vector as FIRST's
// specification computes it (with any threat or environmental metrics the
// vector carries), by go-cvss, the library osv-scanner scores with: v4.0
// scores through a table of macro vectors rather than a formula.
func CVSS4Score(vector string) (float64, error) {
	c, err := gocvss40.ParseVector(strings.TrimSpace(vector))
	if err != nil {
		return 0, fmt.Errorf("cvss: %q is not a CVSS v4.0 vector: %v", vector, err)
	}
	return c.Score(), nil
}

// CVSS3BaseScore parses a CVSS v3.0 or v3.1 vector
// ("CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N") and returns its base score
// computed as the CVSS 3.1 specification (section 7.1 and appendix A) says.
// Every base metric must appear exactly once; temporal and environmental
// metrics are accepted and ignored.
func CVSS3BaseScore(vector string) (float64, error) {
	parts := strings.Split(strings.TrimSpace(vector), "/")
	if len(parts) < 9 || (parts[0] != "CVSS:3.0" && parts[0] != "CVSS:3.1") {
		return 0, fmt.Errorf("cvss: %q is not a CVSS v3 vector", vector)
	}
	seen := map[string]string{}
	for _, p := range parts[1:] {
		k, v, ok := strings.Cut(p, ":")
		if !ok || k == "" || v == "" {
			return 0, fmt.Errorf("cvss: malformed metric %q", p)
		}
		if _, dup := seen[k]; dup {
			return 0, fmt.Errorf("cvss: metric %s appears twice", k)
		}
		seen[k] = v
	}
	weight := func(metric string, table map[string]float64) (float64, error) {
		v, ok := seen[metric]
		if !ok {
			return 0, fmt.Errorf("cvss: base metric %s missing", metric)
		}
		w, ok := table[v]
		if !ok {
			return 0, fmt.Errorf("cvss: %s:%s is not a valid value", metric, v)
		}
		return w, nil
	}
	scope, ok := seen["S"]
	if !ok || (scope != "U" && scope != "C") {
		return 0, fmt.Errorf("cvss: scope missing or invalid")
	}
	changed := scope == "C"
	prTable := map[string]float64{"N": 0.85, "L": 0.62, "H": 0.27}
	if changed {
		prTable = map[string]float64{"N": 0.85, "L": 0.68, "H": 0.5}
	}
	cia := map[string]float64{"H": 0.56, "L": 0.22, "N": 0}
	var w [7]float64
	for i, m := range []struct {
		name  string
		table map[string]float64
	}{
		{"AV", map[string]float64{"N": 0.85, "A": 0.62, "L": 0.55, "P": 0.2}},
		{"AC", map[string]float64{"L": 0.77, "H": 0.44}},
		{"PR", prTable},
		{"UI", map[string]float64{"N": 0.85, "R": 0.62}},
		{"C", cia}, {"I", cia}, {"A", cia},
	} {
		x, err := weight(m.name, m.table)
		if err != nil {
			return 0, err
		}
		w[i] = x
	}
	av, ac, pr, ui, c, in, a := w[0], w[1], w[2], w[3], w[4], w[5], w[6]
	iss := 1 - (1-c)*(1-in)*(1-a)
	var impact float64
	if changed {
		impact = 7.52*(iss-0.029) - 3.25*math.Pow(iss-0.02, 15)
	} else {
		impact = 6.42 * iss
	}
	exploitability := 8.22 * av * ac * pr * ui
	if impact <= 0 {
		return 0, nil
	}
	if changed {
		return roundup(math.Min(1.08*(impact+exploitability), 10)), nil
	}
	return roundup(math.Min(impact+exploitability, 10)), nil
}

// roundup is the CVSS 3.1 Roundup of appendix A: the smallest number with
// one decimal that is equal to or higher than x, computed on integers so
// that floating-point noise (4.000000001) does not raise a score.
func roundup(x float64) float64 {
	i := int64(math.Round(x * 100000))
	if i%10000 == 0 {
		return float64(i) / 100000
	}
	return (math.Floor(float64(i)/10000) + 1) / 10
}

// Bucket returns the severity bucket of a CVSS v3 or v4 score: critical
// (9.0-10.0), high (7.0-8.9), moderate (4.0-6.9) or low (below 4.0).
func Bucket(score float64) string {
	switch {
	case score >= 9:
		return Critical
	case score >= 7:
		return High
	case score >= 4:
		return Moderate
	}
	return Low
}

// Severity buckets, worst first.
const (
	Critical = "critical"
	High     = "high"
	Moderate = "moderate"
	Low      = "low"
)

// severityRank orders buckets: critical 4 … low 1, unknown 0.
func severityRank(s string) int {
	switch s {
	case Critical:
		return 4
	case High:
		return 3
	case Moderate:
		return 2
	case Low:
		return 1
	}
	return 0
}
