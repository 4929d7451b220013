package vulns

import (
	"cmp"
	"os"
	"runtime"
	"slices"
	"testing"
)

// exportEnv names OSV's PyPI export for the export benchmarks: the zip OSV
// publishes (osv-vulnerabilities bucket, PyPI/all.zip) or a directory of
// records, such as a checkout of the PyPA advisory database.
const exportEnv = "HEROKUAUDIT_OSV_EXPORT"

func loadExport(b *testing.B) *DB {
	path := os.Getenv(exportEnv)
	if path == "" {
		b.Skipf("set %s to OSV's PyPI export (all.zip) or a directory of OSV records", exportEnv)
	}
	db, err := LoadDB(path)
	if err != nil {
		b.Fatal(err)
	}
	return db
}

// BenchmarkLoadExport reads the whole export, as --vuln-db does once a run.
func BenchmarkLoadExport(b *testing.B) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	db := loadExport(b)
	runtime.GC()
	runtime.ReadMemStats(&after)
	held := float64(after.HeapAlloc-before.HeapAlloc) / (1 << 20)
	path := os.Getenv(exportEnv)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := LoadDB(path); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(db.Records), "records")
	b.ReportMetric(held, "db-MiB")
}

// BenchmarkAffectedExport matches 500 apps × 50 installed packages against
// the export, the lookup --vuln-db makes once per distinct package-version.
// The apps draw from the 200 most-advised names of the export, each at a
// version its records list (or one past them), so a fleet shares packages
// and versions as a real one does and matching meets real ranges.
func BenchmarkAffectedExport(b *testing.B) {
	db := loadExport(b)
	type named struct {
		name     string
		versions []string
	}
	var pool []named
	for name, rs := range db.byName {
		var vs []string
		for _, r := range rs {
			for _, a := range r.Affected {
				if isPyPI(a) && NormalizeName(a.Package.Name) == name {
					vs = append(vs, a.Versions...)
					vs = append(vs, fixedOf(a)...)
				}
			}
		}
		if len(vs) > 0 {
			pool = append(pool, named{name, vs})
		}
	}
	slices.SortFunc(pool, func(a, b named) int {
		return cmp.Or(cmp.Compare(len(db.byName[b.name]), len(db.byName[a.name])), cmp.Compare(a.name, b.name))
	})
	pool = pool[:min(200, len(pool))]
	var invs [][]Query
	distinct := map[Query]bool{}
	for app := range 500 {
		var inv []Query
		for j := range 50 {
			p := pool[(app*13+j*7)%len(pool)]
			q := Query{p.name, p.versions[(app*31+j)%len(p.versions)]}
			inv = append(inv, q)
			distinct[q] = true
		}
		invs = append(invs, inv)
	}
	b.ReportAllocs()
	matched := 0
	for b.Loop() {
		db.compiled = nil // each run prepares its records afresh
		found := make(map[Query][]Advisory, len(distinct))
		matched = 0
		for _, inv := range invs {
			for _, q := range inv {
				as, done := found[q]
				if !done {
					as = db.Affected(q.Name, q.Version)
					found[q] = as
				}
				if len(as) > 0 {
					matched++
				}
			}
		}
	}
	if matched == 0 {
		b.Fatal("nothing matched")
	}
	b.ReportMetric(float64(db.Records), "records")
	b.ReportMetric(float64(len(distinct)), "distinct-versions")
	b.ReportMetric(float64(matched), "affected-packages")
}
