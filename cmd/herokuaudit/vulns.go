package main

import (
	"context"
	"fmt"

	"github.com/herokuaudit/herokuaudit/audit"
	"github.com/herokuaudit/herokuaudit/vulns"
)

// vulnLookup loads an offline OSV database (--vuln-db) and returns the
// pipeline's hook that looks each app's inventory up in it, and the
// database's notices (records it could not read).
func vulnLookup(path string) (func(context.Context, *audit.Snapshot), []string, error) {
	db, err := vulns.LoadDB(path)
	if err != nil {
		return nil, nil, troublef("--vuln-db %s: %v", path, err)
	}
	var notices []string
	if db.Skipped > 0 {
		notices = append(notices, fmt.Sprintf("--vuln-db %s: %d of %d records could not be read", path, db.Skipped, db.Records))
	}
	source := fmt.Sprintf("the OSV database %s (%d records)", path, db.Records)
	return func(_ context.Context, s *audit.Snapshot) {
		fillVulns(s, source, func(inv []audit.Package) (map[vulns.Query][]vulns.Advisory, error) {
			out := map[vulns.Query][]vulns.Advisory{}
			for _, p := range inv {
				if p.Version != "" {
					out[vulns.Query{Name: p.Name, Version: p.Version}] = db.Affected(p.Name, p.Version)
				}
			}
			return out, nil
		})
	}, notices, nil
}

// osvLookup returns the hook that asks OSV's API about each app's
// inventory: only package names and versions leave the machine, one batch
// per app (answers are shared across the run and cached on disk).
func osvLookup(baseURL string) func(context.Context, *audit.Snapshot) {
	cache, _ := vulns.DefaultCacheDir() // no cache dir: nothing cached on disk
	c := &vulns.Client{BaseURL: baseURL, CacheDir: cache, UserAgent: "herokuaudit/" + toolVersion()}
	return func(ctx context.Context, s *audit.Snapshot) {
		fillVulns(s, "OSV's API", func(inv []audit.Package) (map[vulns.Query][]vulns.Advisory, error) {
			var qs []vulns.Query
			for _, p := range inv {
				if p.Version != "" {
					qs = append(qs, vulns.Query{Name: p.Name, Version: p.Version})
				}
			}
			if len(qs) == 0 {
				return nil, nil
			}
			return c.Lookup(ctx, qs)
		})
	}
}

// fillVulns looks the snapshot's inventory up and sets its vulnerabilities
// part, or a gap saying why it could not.
func fillVulns(s *audit.Snapshot, source string, look func([]audit.Package) (map[vulns.Query][]vulns.Advisory, error)) {
	if g, gap := s.Gaps[audit.PartFiles]; gap && s.Files == nil {
		s.SetGap(audit.PartVulns, "no inventory: "+g.Reason, g.Failed)
		return
	}
	inv := s.Inventory()
	found, err := look(inv)
	if err != nil {
		s.SetGap(audit.PartVulns, "the advisory lookup failed: "+err.Error(), true)
		return
	}
	v := &audit.Vulns{Source: source, Checked: inv}
	for _, p := range inv {
		var as []audit.Advisory
		for _, a := range found[vulns.Query{Name: p.Name, Version: p.Version}] {
			as = append(as, audit.Advisory{ID: a.ID, Aliases: a.Aliases, Summary: a.Summary, Severity: a.Severity, Fixed: a.Fixed})
		}
		if len(as) > 0 {
			v.Matches = append(v.Matches, audit.VulnMatch{Package: p, Advisories: as})
		}
	}
	s.Vulns = v
}
