package audit

import (
	"bufio"
	"bytes"
	"strings"

	"github.com/herokuaudit/herokuaudit/audit/pysrc"
)

// sourceLine is one line of a Python source file, for checks that look for a
// setting in code.
type sourceLine struct {
	File string
	Line int
	Text string // trimmed, comment stripped
}

// pythonLines calls fn for every non-comment line of the app's Python
// sources, in path order, until fn returns false. It skips what the source
// scan skips (tests, virtualenvs, migrations), so both agree on what is the
// app's code.
func (s *Snapshot) pythonLines(fn func(sourceLine) bool) {
	for _, p := range s.Files.Paths() {
		if !strings.HasSuffix(p, ".py") || pysrc.Ignored(p) {
			continue
		}
		data, _ := s.Files.Get(p)
		sc := bufio.NewScanner(bytes.NewReader(data))
		sc.Buffer(make([]byte, 0, 64*1024), 1024*1024)
		n := 0
		for sc.Scan() {
			n++
			t := strings.TrimSpace(sc.Text())
			if t == "" || strings.HasPrefix(t, "#") {
				continue
			}
			if i := strings.Index(t, " #"); i >= 0 && !strings.ContainsAny(t[i:], `"'`) {
				t = strings.TrimSpace(t[:i])
			}
			if !fn(sourceLine{File: p, Line: n, Text: t}) {
				return
			}
		}
	}
}
