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
		if s.Files == nil {
			// the files could not be read: their gap says why, and the
			// check errors or skips on it
			if _, gap := s.Gaps[audit.PartFiles]; gap {
				g := s.Gaps[audit.PartFiles]
				s.SetGap(audit.PartVulns, "no inventory: "+g.Reason, g.Failed)
				return
			}
		}
		inv := s.Inventory()
		v := &audit.Vulns{Source: source, Checked: inv}
		for _, p := range inv {
			if p.Version == "" {
				continue
			}
			var as []audit.Advisory
			for _, a := range db.Affected(p.Name, p.Version) {
				as = append(as, audit.Advisory{ID: a.ID, Aliases: a.Aliases, Summary: a.Summary, Severity: a.Severity, Fixed: a.Fixed})
			}
			if len(as) > 0 {
				v.Matches = append(v.Matches, audit.VulnMatch{Package: p, Advisories: as})
			}
		}
		s.Vulns = v
	}, notices, nil
}
