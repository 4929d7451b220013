package vulns

import (
	"strings"
	"testing"
)

// TestCVSSScores: v3 base scores computed here and v4.0 scores from
// go-cvss, with their buckets; v4.0 beside the ratings GitHub gave the
// advisories that carry those vectors.
func TestCVSSScores(t *testing.T) {
	tests := []struct {
		vector string
		score  float64
		bucket string
	}{
		// CVE-2023-30861 (Flask, GHSA-m2qf-hxjv-5gpq).
		{"CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N", 5.9, Moderate},
		// CVE-2024-34069 (Werkzeug debugger, GHSA-2g68-c3qc-8985).
		{"CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:H/I:H/A:H", 7.5, High},
		// CVE-2023-25577 (Werkzeug multipart parts, GHSA-xg9f-g7g7-2323).
		{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", 7.5, High},
		// CVE-2021-44228 (Log4Shell): scope changed, capped at 10.
		{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10.0, Critical},
		// The usual reflected-XSS vector, scope changed.
		{"CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1, Moderate},
		// Critical unauthenticated RCE, scope unchanged.
		{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8, Critical},
		// CVSS 3.0 prefix, low; temporal metrics ignored.
		{"CVSS:3.0/AV:L/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N/E:P/RL:O", 1.8, Low},
		// Scope-changed PR:L weight (0.68).
		{"CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H", 9.9, Critical},
		// No impact at all scores 0.
		{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", 0, Low},

		// v4.0: full impact on the vulnerable system, over the network
		// (FIRST's calculator: 9.3)
		{"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 9.3, Critical},
		// availability only: mistune's ReDoS, GHSA-8mp2-v27r-99xp, rated High
		{"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N", 8.7, High},
		// the same with no exploit reported (E:U): aiohttp's
		// GHSA-jj3x-wxrx-4x23, rated Medium
		{"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N/E:U", 6.6, Moderate},
		{"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H", 10, Critical},
		{"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N", 0, Low},
	}
	for _, tt := range tests {
		t.Run(tt.vector, func(t *testing.T) {
			score := CVSS3BaseScore
			if strings.HasPrefix(tt.vector, "CVSS:4.0/") {
				score = CVSS4Score
			}
			got, err := score(tt.vector)
			if err != nil || got != tt.score || Bucket(got) != tt.bucket {
				t.Errorf("%v (%s), %v; want %v (%s)", got, Bucket(got), err, tt.score, tt.bucket)
			}
		})
	}
}

func TestCVSS3Invalid(t *testing.T) {
	for _, v := range []string{
		"",
		"CVSS:2.0/AV:N/AC:L/Au:N/C:P/I:P/A:P",
		"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", // v4 is CVSS4Score's
		"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H",                        // A missing
		"CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",                    // bad value
		"CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",               // duplicate
		"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:Q/C:H/I:H/A:H",                    // bad scope
		"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/junk",               // malformed
	} {
		if s, err := CVSS3BaseScore(v); err == nil {
			t.Errorf("%q: got %v, want an error", v, s)
		}
	}
}

func TestRoundup(t *testing.T) {
	for in, want := range map[float64]float64{4.0: 4.0, 4.02: 4.1, 4.000000001: 4.0, 7.493: 7.5, 0: 0} {
		if got := roundup(in); got != want {
			t.Errorf("roundup(%v) = %v, want %v", in, got, want)
		}
	}
}

func TestCVSS4Invalid(t *testing.T) {
	for _, v := range []string{"", "CVSS:4.0/AV:N/AC:L", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:Q"} {
		if s, err := CVSS4Score(v); err == nil {
			t.Errorf("%q: got %v, want an error", v, s)
		}
	}
}

// TestRecordSeverityPrefersV4: a record with both vectors is scored by its
// v4.0 one; an invalid v4.0 vector falls back to v3, then to the rating.
func TestRecordSeverityPrefersV4(t *testing.T) {
	v3 := SeverityItem{"CVSS_V3", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}                    // 9.8
	v4 := SeverityItem{"CVSS_V4", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N"} // 8.7
	bad := SeverityItem{"CVSS_V4", "CVSS:4.0/AV:N"}
	rating := []byte(`{"severity": "MODERATE"}`)
	for _, tt := range []struct {
		name  string
		items []SeverityItem
		want  string
		score float64
	}{
		{"both, v3 first", []SeverityItem{v3, v4}, High, 8.7},
		{"both, v4 first", []SeverityItem{v4, v3}, High, 8.7},
		{"an invalid v4 beside v3", []SeverityItem{bad, v3}, Critical, 9.8},
		{"only an invalid v4", []SeverityItem{bad}, Moderate, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := &Record{ID: "X", Severity: tt.items, DatabaseSpecific: rating}
			if got, score := r.severity(); got != tt.want || score != tt.score {
				t.Errorf("%s %v, want %s %v", got, score, tt.want, tt.score)
			}
		})
	}
}

// TestMaliciousRecord: a malicious-package report is critical and marked,
// known by its id, an alias, or its database's origins block alone.
func TestMaliciousRecord(t *testing.T) {
	for _, r := range []Record{
		{ID: "MAL-2026-1"},
		{ID: "GHSA-x", Aliases: []string{"MAL-2026-2"}},
		{ID: "OSV-3", DatabaseSpecific: []byte(`{"malicious-packages-origins": [{"source": "kam193"}]}`)},
	} {
		if a := r.Advisory(nil); !a.Malicious || a.Severity != Critical {
			t.Errorf("%s: %+v", r.ID, a)
		}
	}
	if a := (&Record{ID: "GHSA-y", DatabaseSpecific: []byte(`{"severity": "LOW"}`)}).Advisory(nil); a.Malicious {
		t.Errorf("a plain advisory marked malicious: %+v", a)
	}
}
