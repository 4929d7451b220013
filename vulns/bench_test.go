package vulns

import (
	"fmt"
	"testing"
)

// BenchmarkAffected matches 500 apps × 50 packages against a synthetic
// database of 20,000 records over 2,000 package names (the PyPI export's
// order of magnitude), each record with two ranges.
func BenchmarkAffected(b *testing.B) {
	db := &DB{byName: map[string][]*Record{}}
	for i := 0; i < 20000; i++ {
		db.add(&Record{
			ID: fmt.Sprintf("TEST-%d", i),
			Affected: []Affected{{
				Package: Package{"PyPI", fmt.Sprintf("pkg-%d", i%2000)},
				Ranges: []Range{{Type: "ECOSYSTEM", Events: []Event{
					{Introduced: "0"}, {Fixed: fmt.Sprintf("1.%d.0", i%7)},
					{Introduced: "2.0"}, {LastAffected: fmt.Sprintf("2.%d.1", i%5)},
				}}},
			}},
			Severity: []SeverityItem{{"CVSS_V3", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N"}},
		})
	}
	b.ReportAllocs()
	for b.Loop() {
		db.compiled = nil // each run prepares its records afresh
		hits := 0
		for app := 0; app < 500; app++ {
			for p := 0; p < 50; p++ {
				hits += len(db.Affected(fmt.Sprintf("Pkg_%d", (app*7+p)%2000), fmt.Sprintf("1.%d.%d", p%9, app%3)))
			}
		}
		if hits == 0 {
			b.Fatal("no hits")
		}
	}
}
