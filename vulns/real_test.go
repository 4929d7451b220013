package vulns

import (
	"slices"
	"strings"
	"testing"
)

// TestRealRecords matches versions against real records of the GitHub
// Advisory Database (fixtures/osv/SOURCES.md names each file's path
// and commit): the ids, the fix for the range a version falls in, and the
// severity the record's own CVSS vector gives.
func TestRealRecords(t *testing.T) {
	db, err := LoadDB("../fixtures/osv")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, version string
		ids           []string
		fixed         []string
		severity      string
		score         float64
	}{
		{"Werkzeug", "2.2.2", []string{"GHSA-2g68-c3qc-8985"}, []string{"3.0.3"}, High, 7.5},
		{"werkzeug", "3.0.2", []string{"GHSA-2g68-c3qc-8985"}, []string{"3.0.3"}, High, 7.5},
		{"werkzeug", "3.0.3", nil, nil, "", 0},
		{"Flask", "2.2.2", []string{"GHSA-m2qf-hxjv-5gpq"}, []string{"2.2.5"}, High, 7.5},
		{"flask", "2.3.1", []string{"GHSA-m2qf-hxjv-5gpq"}, []string{"2.3.2"}, High, 7.5},
		{"flask", "2.2.5", nil, nil, "", 0},
		{"flask", "2.3.2", nil, nil, "", 0},
		{"gunicorn", "20.1.0", []string{"GHSA-w3h3-4rj7-4ph4"}, []string{"22.0.0"}, High, 8.2},
		{"gunicorn", "22.0.0", nil, nil, "", 0},
		{"Jinja2", "3.1.2", []string{"GHSA-h5c8-rqwp-cp95"}, []string{"3.1.3"}, Moderate, 5.4},
		{"jinja2", "3.1.3", nil, nil, "", 0},
		{"requests", "2.31.0", []string{"GHSA-9wx4-h78v-vm56"}, []string{"2.32.0"}, Moderate, 5.6},
		{"urllib3", "1.26.18", []string{"GHSA-34jh-p97f-mpxf"}, []string{"1.26.19"}, Moderate, 4.4},
		{"urllib3", "2.1.0", []string{"GHSA-34jh-p97f-mpxf"}, []string{"2.2.2"}, Moderate, 4.4},
		{"urllib3", "1.26.19", nil, nil, "", 0},
		{"urllib3", "2.2.2", nil, nil, "", 0},
		// no CVSS vector: the record's own rating
		{"cryptography", "42.0.5", []string{"GHSA-h4gh-qq45-vh27"}, []string{"43.0.1"}, Moderate, 0},
		{"cryptography", "36.0.2", nil, nil, "", 0},
		// a CVSS:3.0 vector scores as 3.1 does here
		{"SQLAlchemy", "1.2.17", []string{"GHSA-887w-45rq-vxgf"}, []string{"1.3.0"}, Critical, 9.8},
		{"sqlalchemy", "1.3.0", nil, nil, "", 0},
		// OpenSSF's malicious-package report: no score, rated critical
		{"0requests", "0.0.1", []string{"MAL-2026-15859"}, nil, Critical, 0},
		{"0requests", "0.0.2", nil, nil, "", 0},
	} {
		t.Run(tc.name+"=="+tc.version, func(t *testing.T) {
			got := db.Affected(tc.name, tc.version)
			var ids []string
			for _, a := range got {
				ids = append(ids, a.ID)
			}
			if !slices.Equal(ids, tc.ids) {
				t.Fatalf("advisories %v, want %v", ids, tc.ids)
			}
			if len(got) == 0 {
				return
			}
			a := got[0]
			if a.Malicious != strings.HasPrefix(a.ID, "MAL-") {
				t.Errorf("malicious %v for %s", a.Malicious, a.ID)
			}
			if !slices.Equal(a.Fixed, tc.fixed) || a.Severity != tc.severity || a.Score != tc.score {
				t.Errorf("fixed %v severity %s score %v, want %v %s %v", a.Fixed, a.Severity, a.Score, tc.fixed, tc.severity, tc.score)
			}
		})
	}
}
