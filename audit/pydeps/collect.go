package pydeps

import (
	"errors"
	"fmt"
	"path"
	"strings"
)

// Set is what an app installs, as far as its files tell.
type Set struct {
	// Requirements are the packages asked for, in file order, after
	// following includes: the requirements.txt tree, then Pipfile, then
	// pyproject.toml.
	Requirements []Requirement
	// Constraints are the entries of -c files: they pin versions of
	// packages installed for other reasons, and install nothing themselves.
	Constraints []Requirement
	// Packages are the entries of every lock file read (Pipfile.lock's
	// default section, poetry.lock, uv.lock), each with its Version.
	Packages []Requirement
	// Locked is "Pipfile.lock", "poetry.lock" or "uv.lock" when the
	// package manager installs from that lock file, which pins everything.
	Locked string
	// Manager is the package manager the Python buildpack installs with:
	// "pipenv", "pip", "poetry", "uv", or "" when no file selects one.
	Manager string
	// Sources are the files read, in order.
	Sources []string
	// Problems are unreadable files and lines, missing includes and
	// include cycles, one per line as "file:line: message" (or "file:
	// message"). They never quote URL credentials.
	Problems []string

	installsProject bool // the pip tree installs the app itself ("-e ." or ".")
}

// maxIncludeDepth bounds -r/-c nesting; real apps use two or three levels.
const maxIncludeDepth = 10

// managerFiles are the package manager files in the buildpack's order of
// precedence.
var managerFiles = []struct{ file, manager string }{
	{"Pipfile.lock", "pipenv"},
	{"requirements.txt", "pip"},
	{"poetry.lock", "poetry"},
	{"uv.lock", "uv"},
}

// Collect reads the app's Python dependency files from files (paths
// relative to the app root, as in audit.Files.Entries): requirements.txt and
// its -r/-c includes, Pipfile and Pipfile.lock, pyproject.toml, poetry.lock
// and uv.lock. It never fails: what cannot be read becomes a Problem.
func Collect(files map[string][]byte) Set {
	var s Set
	var found []string
	for _, m := range managerFiles {
		if _, ok := files[m.file]; ok {
			found = append(found, m.file)
			if s.Manager == "" {
				s.Manager = m.manager
			}
		}
	}
	if len(found) > 1 {
		s.Problems = append(s.Problems, fmt.Sprintf("%s: several package manager files (%s): the Python buildpack now refuses to build; older releases used %s",
			found[0], strings.Join(found, ", "), found[0]))
	}
	if _, ok := files["Pipfile"]; ok && s.Manager == "" {
		s.Problems = append(s.Problems, "Pipfile: no Pipfile.lock: the Python buildpack refuses to build without one")
	}

	if _, ok := files["requirements.txt"]; ok {
		c := walker{files: files, set: &s, done: map[string]bool{}}
		c.walk("requirements.txt", false, nil)
	}
	for _, src := range []struct {
		file  string
		parse func([]byte, string) ([]Requirement, []error)
	}{{"Pipfile", parsePipfile}, {"pyproject.toml", parsePyproject}} {
		if data, ok := files[src.file]; ok {
			s.Sources = append(s.Sources, src.file)
			reqs, errs := src.parse(data, src.file)
			s.Requirements = append(s.Requirements, reqs...)
			s.addErr(errors.Join(errs...))
		}
	}
	for _, lock := range []struct {
		file, manager string
		parse         func([]byte, string) ([]Requirement, error)
	}{{"Pipfile.lock", "pipenv", parsePipfileLock}, {"poetry.lock", "poetry", parseTOMLLock}, {"uv.lock", "uv", parseTOMLLock}} {
		data, ok := files[lock.file]
		if !ok {
			continue
		}
		s.Sources = append(s.Sources, lock.file)
		pkgs, err := lock.parse(data, lock.file)
		s.addErr(err)
		s.Packages = append(s.Packages, pkgs...)
		if err == nil && s.Manager == lock.manager {
			s.Locked = lock.file
		}
	}
	return s
}

// addErr records err, or each error it joins, as Problems.
func (s *Set) addErr(err error) {
	if err == nil {
		return
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range j.Unwrap() {
			s.addErr(e)
		}
		return
	}
	s.Problems = append(s.Problems, err.Error())
}

// walker follows a requirements file's includes depth first, so that
// requirements keep pip's order.
type walker struct {
	files map[string][]byte
	set   *Set
	done  map[string]bool // file+mode already read: a file included twice is read once
}

func (w *walker) walk(file string, constraint bool, stack []string) {
	w.done[doneKey(file, constraint)] = true
	w.set.Sources = append(w.set.Sources, file)
	reqs, incs, err := ParseRequirements(w.files[file], file)
	w.set.addErr(err)
	stack = append(stack, file)
	next := 0
	emit := func(before int) {
		for ; next < len(reqs) && reqs[next].Line < before; next++ {
			r := reqs[next]
			if constraint {
				w.set.Constraints = append(w.set.Constraints, r)
				continue
			}
			if p, ok := appPath(file, r.target); ok && r.target != "" && p == "." {
				w.set.installsProject = true
			}
			w.set.Requirements = append(w.set.Requirements, r)
		}
	}
	for _, inc := range incs {
		emit(inc.Line)
		problem := func(format string, a ...any) {
			w.set.Problems = append(w.set.Problems, (&LineError{File: file, Line: inc.Line, Msg: fmt.Sprintf(format, a...)}).Error())
		}
		flag := "-r"
		if inc.Constraint {
			flag = "-c"
		}
		target, why := resolveInclude(file, inc.Path)
		switch {
		case why != "":
			problem("%s %s: %s", flag, snippet(inc.Path), why)
		case indexOf(stack, target) >= 0:
			cycle := append(append([]string(nil), stack[indexOf(stack, target):]...), target)
			problem("%s %s: include cycle (%s)", flag, snippet(inc.Path), strings.Join(cycle, " -> "))
		case len(stack) >= maxIncludeDepth:
			problem("%s %s: includes nested deeper than %d files", flag, snippet(inc.Path), maxIncludeDepth)
		case w.done[doneKey(target, inc.Constraint)]:
			// Already read through another include: pip would read it
			// again, adding nothing new.
		default:
			if _, ok := w.files[target]; !ok {
				problem("%s %s: %s not found among the app's files", flag, snippet(inc.Path), target)
				continue
			}
			// pip's rule: a file included with -c holds constraints; a
			// file it includes with -r holds requirements again.
			w.walk(target, inc.Constraint, stack)
		}
	}
	emit(int(^uint(0) >> 1))
}

func doneKey(file string, constraint bool) string {
	if constraint {
		return "c:" + file
	}
	return "r:" + file
}

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

// resolveInclude turns an include path into a path relative to the app
// root, as pip does (relative to the including file), or says why it
// cannot be followed. In a slug the app lives at /app, so /app/x is x.
func resolveInclude(from, p string) (string, string) {
	switch {
	case p == "":
		return "", "empty path"
	case strings.Contains(p, "://") || isURL(p):
		return "", "remote requirements file not followed"
	case strings.HasPrefix(p, "/") && p != "/app" && !strings.HasPrefix(p, "/app/"):
		return "", "absolute path outside the app"
	}
	target, ok := appPath(from, p)
	if !ok || target == "." {
		return "", "path outside the app"
	}
	return target, ""
}

// appPath resolves a path written in file from to a clean path relative to
// the app root ("." for the root itself); false when it leaves the app.
func appPath(from, p string) (string, bool) {
	if strings.HasPrefix(p, "/") {
		rest, ok := strings.CutPrefix(p+"/", "/app/")
		if !ok {
			return "", false
		}
		p = path.Clean("./" + rest)
	} else {
		p = path.Clean(path.Join(path.Dir(from), p))
	}
	if p == ".." || strings.HasPrefix(p, "../") {
		return "", false
	}
	return p, true
}

// installs reports whether the package manager installs r: for pip, the
// requirements tree, plus pyproject.toml's main dependencies when the tree
// installs the app itself; for the others (or none), every main
// requirement declared.
func (s Set) installs(r Requirement) bool {
	if r.Group != "" {
		return false
	}
	if s.Manager != "pip" {
		return true
	}
	switch r.File {
	case "Pipfile":
		return false
	case "pyproject.toml":
		return s.installsProject
	}
	return true
}

// Has reports whether the app uses a package (any spelling of its name): a
// main requirement in any file read, or a main package of a lock file.
func (s Set) Has(name string) bool {
	_, ok := s.Lookup(name)
	return ok
}

// Lookup returns where a package is asked for, for evidence: the first
// requirement the package manager installs, else the first main
// requirement anywhere, else its lock file entry.
func (s Set) Lookup(name string) (Requirement, bool) {
	n := Name(name)
	if n == "" {
		return Requirement{}, false
	}
	var other *Requirement
	for i, r := range s.Requirements {
		if r.Name != n || r.Group != "" {
			continue
		}
		if s.installs(r) {
			return r, true
		}
		if other == nil {
			other = &s.Requirements[i]
		}
	}
	if other != nil {
		return *other, true
	}
	for _, p := range s.Packages {
		if p.Name == n && p.Group == "" {
			return p, true
		}
	}
	return Requirement{}, false
}

// Version returns the version of a package the app installs, when it is
// known: from the lock file it installs from, else from an exact pin in a
// requirement it installs, else from an exact pin in a constraint.
func (s Set) Version(name string) (string, bool) {
	n := Name(name)
	if s.Locked != "" {
		for _, p := range s.Packages {
			if p.File == s.Locked && p.Name == n && p.Version != "" {
				return p.Version, true
			}
		}
	}
	for _, r := range s.Requirements {
		if r.Name == n && r.Pinned && r.Version != "" && s.installs(r) {
			return r.Version, true
		}
	}
	for _, c := range s.Constraints {
		if c.Name == n && c.Pinned && c.Version != "" {
			return c.Version, true
		}
	}
	return "", false
}

// Unpinned lists the requirements the package manager installs that are
// not pinned to one version, in order, one per name: nothing when it
// installs from a lock file; otherwise each requirement with no exact pin
// (==, ===, or a pinned direct reference) for its name among the installed
// requirements and the constraints. Unnamed ones are told apart by Raw.
func (s Set) Unpinned() []Requirement {
	if s.Locked != "" {
		return nil
	}
	pinned := map[string]bool{}
	for _, r := range s.Requirements {
		if r.Pinned && r.Name != "" && s.installs(r) {
			pinned[r.Name] = true
		}
	}
	for _, c := range s.Constraints {
		if c.Pinned && c.Name != "" {
			pinned[c.Name] = true
		}
	}
	var out []Requirement
	seen := map[string]bool{}
	for _, r := range s.Requirements {
		if r.Pinned || !s.installs(r) || pinned[r.Name] {
			continue
		}
		key := "n:" + r.Name
		if r.Name == "" {
			key = "r:" + r.Raw
		}
		if !seen[key] {
			seen[key] = true
			out = append(out, r)
		}
	}
	return out
}

// AtLeast reports whether the installed version of a package is at least
// min. known is false when the files cannot tell: not installed, or not
// pinned and with no bound that decides (an unbounded requirement usually
// means the newest release). Pins and locked versions decide exactly; a
// lower bound (>=, >, ~=) at or above min decides yes; an upper bound
// (<, <=) at or below min decides no.
func (s Set) AtLeast(name, min string) (atLeast, known bool) {
	if v, ok := s.Version(name); ok {
		return CompareVersions(v, min) >= 0, true
	}
	n := Name(name)
	for _, r := range s.Requirements {
		if r.Name != n || !s.installs(r) || r.Specifier == "" {
			continue
		}
		p, err := parsePEP508("x" + r.Specifier)
		if err != nil {
			continue // a Poetry constraint (^2.3): leave it to the lock
		}
		for _, c := range p.clauses {
			cmp := CompareVersions(c.ver, min)
			switch c.op {
			case ">=", "~=", ">":
				if cmp >= 0 {
					return true, true
				}
			case "<":
				if cmp <= 0 {
					return false, true
				}
			case "<=":
				if cmp < 0 {
					return false, true
				}
			}
		}
	}
	return false, false
}
