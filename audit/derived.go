package audit

import (
	"github.com/herokuaudit/herokuaudit/audit/pydeps"
	"github.com/herokuaudit/herokuaudit/audit/pysrc"
)

// derived is what the file-reading checks share: the installed packages and
// the patterns found in the sources. Parsing them once per snapshot keeps
// twenty checks from re-reading the same files.
type derived struct {
	deps   pydeps.Set
	source []pysrc.Finding
	web    *webCommand // nil: no web process
}

// derive fills s.derived. Audit calls it before starting the checks, so the
// checks only ever read it.
func (s *Snapshot) derive() {
	if s.derived != nil {
		return
	}
	d := &derived{web: findWeb(s)}
	if s.Files != nil {
		d.deps = pydeps.Collect(s.Files.Entries)
		d.source = pysrc.Scan(s.Files.Entries)
	}
	s.derived = d
}

// webCommand returns the web process taken apart, if the app has one.
func (s *Snapshot) webCommand() (*webCommand, bool) {
	s.derive()
	return s.derived.web, s.derived.web != nil
}

// deps returns the packages the app installs.
func (s *Snapshot) deps() pydeps.Set {
	s.derive()
	return s.derived.deps
}

// sourceFindings returns the source patterns of the given kinds, in file
// and line order.
func (s *Snapshot) sourceFindings(kinds ...pysrc.Kind) []pysrc.Finding {
	s.derive()
	var out []pysrc.Finding
	for _, f := range s.derived.source {
		for _, k := range kinds {
			if f.Kind == k {
				out = append(out, f)
				break
			}
		}
	}
	return out
}
