package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/herokuaudit/herokuaudit/audit"
	"github.com/herokuaudit/herokuaudit/fixtures"
	"github.com/herokuaudit/herokuaudit/vulns"
)

// lookupFunc answers the advisories of every inventory of a run at once.
type lookupFunc = func(ctx context.Context, inventories [][]audit.Package) ([]*audit.Vulns, error)

// vulnLookup loads an offline OSV database (--vuln-db) and returns the
// pipeline's lookup over it, and the database's notices (records it could
// not read).
func vulnLookup(path string) (lookupFunc, []string, error) {
	db, err := vulns.LoadDB(path)
	if err != nil {
		return nil, nil, troublef("--vuln-db %s: %v", path, err)
	}
	var notices []string
	if db.Skipped > 0 {
		notices = append(notices, fmt.Sprintf("--vuln-db %s: %d of %d records could not be read", path, db.Skipped, db.Records))
	}
	return dbLookup(db, fmt.Sprintf("the OSV database %s (%d records)", path, db.Records)), notices, nil
}

// fixtureLookup looks the sample apps' packages up in the handful of real
// advisory records kept beside them (osv/ of the fixtures, built into the
// binary for the demo): enough to show dependency-vulns at work, and said to
// be no more than that. Fixtures without records look nothing up.
func fixtureLookup(name string) (lookupFunc, error) {
	var db *vulns.DB
	var err error
	switch dir := filepath.Join(name, "osv"); {
	case name == demoFixtures:
		db, err = vulns.LoadFS(fixtures.OSV(), "osv")
	case isDir(dir):
		db, err = vulns.LoadDB(dir)
	default:
		return nil, nil
	}
	if err != nil {
		return nil, troublef("the fixtures' advisory records: %v", err)
	}
	if db.Skipped > 0 {
		return nil, troublef("the fixtures' advisory records: %d of %d could not be read: %s", db.Skipped, db.Records+db.Skipped, strings.Join(db.Notices, "; "))
	}
	lookup := dbLookup(db, fmt.Sprintf("the %d sample advisory records of the fixtures (not OSV's database: give --vuln-db, or audit a real app, for that)", db.Records))
	return func(ctx context.Context, invs [][]audit.Package) ([]*audit.Vulns, error) {
		out, err := lookup(ctx, invs)
		for _, v := range out {
			v.Sample = true
		}
		return out, err
	}, nil
}

func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}

// dbLookup is the pipeline's lookup over an offline database.
func dbLookup(db *vulns.DB, source string) lookupFunc {
	return func(_ context.Context, invs [][]audit.Package) ([]*audit.Vulns, error) {
		found := map[vulns.Query][]vulns.Advisory{}
		for _, inv := range invs {
			for _, p := range inv {
				q := vulns.Query{Name: p.Name, Version: p.Version}
				if _, done := found[q]; !done && p.Version != "" {
					found[q] = db.Affected(p.Name, p.Version)
				}
			}
		}
		out := answers(invs, source, found)
		for _, v := range out {
			v.Unread = db.Skipped
		}
		return out, nil
	}
}

// osvLookup returns the lookup that asks OSV's API: only package names and
// versions leave the machine, every distinct one of the run at once (in
// batches of up to 1,000), the answers cached on disk.
func osvLookup(baseURL string) lookupFunc {
	cache, _ := vulns.DefaultCacheDir() // none: nothing cached on disk
	c := &vulns.Client{BaseURL: baseURL, CacheDir: cache, UserAgent: "herokuaudit/" + toolVersion()}
	return func(ctx context.Context, invs [][]audit.Package) ([]*audit.Vulns, error) {
		var qs []vulns.Query
		for _, inv := range invs {
			for _, p := range inv {
				if p.Version != "" {
					qs = append(qs, vulns.Query{Name: p.Name, Version: p.Version})
				}
			}
		}
		found := map[vulns.Query][]vulns.Advisory{}
		if len(qs) > 0 {
			var err error
			if found, err = c.Lookup(ctx, qs); err != nil {
				// where OSV cannot be reached (a closed network, CI behind a
				// proxy), say how to run without it
				return nil, fmt.Errorf("%w (--vuln-db PATH looks up offline; --offline skips the lookup)", err)
			}
		}
		return answers(invs, "OSV's API", found), nil
	}
}

// answers turns what the database said of each package-version into each
// app's vulnerabilities part.
func answers(invs [][]audit.Package, source string, found map[vulns.Query][]vulns.Advisory) []*audit.Vulns {
	out := make([]*audit.Vulns, len(invs))
	for i, inv := range invs {
		v := &audit.Vulns{Source: source, Checked: inv}
		for _, p := range inv {
			var as []audit.Advisory
			for _, a := range found[vulns.Query{Name: vulns.NormalizeName(p.Name), Version: p.Version}] {
				as = append(as, audit.Advisory{ID: a.ID, Aliases: a.Aliases, Summary: a.Summary, Severity: a.Severity, Fixed: a.Fixed, Malicious: a.Malicious})
			}
			if len(as) > 0 {
				v.Matches = append(v.Matches, audit.VulnMatch{Package: p, Advisories: as})
			}
		}
		out[i] = v
	}
	return out
}
