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
	web    *webCommand // Type "" when there is no web process
}

// derive fills s.derived and returns it. Audit calls it before starting the
// checks, so the checks only ever read it.
func (s *Snapshot) derive() *derived {
	if s.derived != nil {
		return s.derived
	}
	d := &derived{web: findWeb(s)}
	if s.Files != nil {
		d.deps = pydeps.Collect(s.Files.Entries)
		var cmds []pysrc.Command
		if w := d.web; w != nil && w.Type != "" && w.Line == 0 {
			// a web command not read from the Procfile (the formation's, or
			// the slug's process type) is a call site too
			cmds = append(cmds, pysrc.Command{Where: w.Where, Text: w.Command})
		}
		d.source = pysrc.Scan(s.Files.Entries, cmds...)
	}
	s.derived = d
	return d
}
