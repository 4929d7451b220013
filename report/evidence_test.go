package report

import (
	"regexp"
	"strconv"

	"github.com/herokuaudit/herokuaudit/audit"
)

var (
	evConfigVar = regexp.MustCompile(`^config var ([A-Za-z_][A-Za-z0-9_]*)`)
	evFileLine  = regexp.MustCompile(`^([^\s:]+\.[a-z]+):([1-9][0-9]*)\b`)
	evProcfile  = regexp.MustCompile(`^Procfile line ([1-9][0-9]*)`)
)

// evs builds test evidence the way the checks would: a line naming a config
// var, a file and line, or a Procfile line carries that place in its fields.
func evs(lines ...string) []audit.Evidence {
	out := make([]audit.Evidence, 0, len(lines))
	for _, l := range lines {
		e := audit.Evidence{Text: l}
		if m := evConfigVar.FindStringSubmatch(l); m != nil {
			e.ConfigVar = m[1]
		} else if m := evFileLine.FindStringSubmatch(l); m != nil {
			e.File = m[1]
			e.Line, _ = strconv.Atoi(m[2])
		} else if m := evProcfile.FindStringSubmatch(l); m != nil {
			e.File = "Procfile"
			e.Line, _ = strconv.Atoi(m[1])
			e.Process = "web"
		}
		out = append(out, e)
	}
	return out
}
