package audit

import (
	"fmt"

	"github.com/herokuaudit/herokuaudit/audit/pydeps"
)

// Package is one entry of an app's inventory: a distribution, the version
// that runs (or "" when it cannot be known), and where that came from.
type Package struct {
	Name    string `json:"name"`    // normalised (PEP 503)
	Version string `json:"version"` // "" when unknown
	Source  string `json:"source"`  // "installed: PATH", "poetry.lock", "requirements.txt:3", …
}

// Inventory lists what the app runs. From a slug, the distributions the
// buildpack installed (their .dist-info names): what is deployed, whatever
// the requirements say. Otherwise (a checkout), the lock file the package
// manager installs from, else the requirements with their exact pins, and
// the unpinned ones with no version, so a lookup can say it guessed nothing.
func (s *Snapshot) Inventory() []Package {
	if s.Files == nil {
		return nil
	}
	if len(s.Files.Installed) > 0 {
		out := make([]Package, 0, len(s.Files.Installed))
		for _, d := range s.Files.Installed {
			out = append(out, Package{Name: pydeps.Name(d.Name), Version: d.Version, Source: "installed: " + d.Path})
		}
		return out
	}
	deps := s.derive().deps
	var out []Package
	if deps.Locked != "" {
		for _, p := range deps.Packages {
			if p.File == deps.Locked && p.Name != "" {
				out = append(out, Package{Name: p.Name, Version: p.Version, Source: p.File})
			}
		}
		return out
	}
	seen := map[string]bool{}
	for _, r := range deps.Requirements {
		if r.Name == "" || seen[r.Name] || r.Group != "" {
			continue
		}
		seen[r.Name] = true
		p := Package{Name: r.Name, Source: place(r)}
		if v, ok := deps.Version(r.Name); ok {
			p.Version = v
		} else {
			p.Source += " (version unknown: not pinned with ==)"
		}
		out = append(out, p)
	}
	return out
}

func place(r pydeps.Requirement) string {
	if r.Line > 0 {
		return fmt.Sprintf("%s:%d", r.File, r.Line)
	}
	return r.File
}
