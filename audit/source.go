package audit

import (
	"bufio"
	"bytes"
	"path"
	"strings"
)

// sourceLine is one line of a Python source file, for checks that look for a
// setting in code.
type sourceLine struct {
	File string
	Line int
	Text string // trimmed, comment stripped
}

// isTestPath reports whether a file is test code, which does not run in
// production and so is not evidence either way.
func isTestPath(p string) bool {
	base := path.Base(p)
	if strings.HasPrefix(base, "test_") || strings.HasSuffix(base, "_test.py") || base == "conftest.py" {
		return true
	}
	for _, dir := range strings.Split(path.Dir(p), "/") {
		if dir == "tests" || dir == "test" {
			return true
		}
	}
	return false
}

// pythonLines calls fn for every non-comment line of the app's Python
// sources (tests excluded), in path order, until fn returns false.
func (s *Snapshot) pythonLines(fn func(sourceLine) bool) {
	for _, p := range s.Files.Paths() {
		if !strings.HasSuffix(p, ".py") || isTestPath(p) {
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
