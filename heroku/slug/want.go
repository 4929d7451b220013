package slug

import (
	"path"
	"strings"

	"github.com/herokuaudit/herokuaudit/audit/pysrc"
)

// skipDirs are directories whose contents are never picked: installed
// dependencies, caches and VCS data, not the app's own files. Matched at any
// depth, so a vendored virtualenv is excluded wherever it sits.
var skipDirs = map[string]bool{
	".heroku":       true,
	".venv":         true,
	"venv":          true,
	"site-packages": true,
	"node_modules":  true,
	"__pycache__":   true,
	".git":          true,
}

// rootFiles are the exact names picked at the app root.
var rootFiles = map[string]bool{
	"Procfile":         true,
	"runtime.txt":      true,
	".python-version":  true,
	"Pipfile":          true,
	"Pipfile.lock":     true,
	"pyproject.toml":   true,
	"poetry.lock":      true,
	"uv.lock":          true,
	"setup.cfg":        true,
	"gunicorn.conf.py": true,
	"app.json":         true,
}

// Want reports whether a path relative to the app root is one the checks
// read. extra names further paths to pick, such as a gunicorn config given
// with `-c`. Paths that are absolute, climb out with "..", or lie inside
// dependency or VCS directories are never wanted.
func Want(p string, extra []string) bool {
	p, ok := cleanRel(p)
	if !ok {
		return false
	}
	isExtra := false
	for _, e := range extra {
		if ce, ok := cleanRel(e); ok && ce == p {
			isExtra = true
		}
	}
	return wantClean(p, isExtra)
}

// wantClean is Want for a path already clean and relative, and already
// matched against the extra paths: the slug reader asks it of every entry.
func wantClean(p string, isExtra bool) bool {
	if inSkipDir(p) || isEnvFile(path.Base(p)) {
		return false
	}
	return isExtra || wantKept(p)
}

// wantKept is wantClean for a path already known to be outside the skipped
// directories and not a dotenv file, as the slug reader knows it.
func wantKept(p string) bool {
	dir, base := path.Split(p)
	dir = strings.TrimSuffix(dir, "/")
	if dir == "" {
		switch {
		case rootFiles[base]:
			return true
		case strings.HasPrefix(base, "requirements") && strings.HasSuffix(base, ".txt"):
			return true
		case strings.HasPrefix(base, "gunicorn") && strings.HasSuffix(base, ".py"):
			return true
		case strings.HasSuffix(base, ".cfg"):
			return true
		}
	}
	switch {
	case dir == "requirements" && strings.HasSuffix(base, ".txt"):
		return true
	case dir == ".profile.d" && strings.HasSuffix(base, ".sh"):
		return true
	case strings.HasSuffix(base, ".py") && dir == "" && !pysrc.Ignored(p):
		return true // a root-level script: the web command may run it
	case pysrc.Wanted(p):
		// the scan's own policy: tests, migrations and virtualenvs do not
		// spend the budget, templates count in every extension
		return true
	}
	return false
}

// isSource reports whether a wanted path is application source (Python or a
// template) rather than one of the few configuration files every check
// depends on. Sources give way first when the total budget runs short.
func isSource(p string) bool {
	base := path.Base(p)
	if pysrc.IsTemplate(p) {
		return true
	}
	if !strings.HasSuffix(base, ".py") {
		return false
	}
	// Root-level gunicorn configs are configuration, not source.
	return strings.Contains(p, "/") || !strings.HasPrefix(base, "gunicorn")
}

// isEnvFile matches ".env" and ".env.*": dotenv files hold secrets, so their
// presence is noted and their contents are never read.
func isEnvFile(base string) bool {
	return base == ".env" || strings.HasPrefix(base, ".env.")
}

func inSkipDir(p string) bool {
	// every component but the last, without building a slice: this runs
	// for each entry of a slug
	for {
		c, rest, more := strings.Cut(p, "/")
		if !more {
			return false
		}
		if skipDirs[c] {
			return true
		}
		p = rest
	}
}

// cleanRelPath reports whether p is already a clean relative slash path:
// no empty, "." or ".." component, so path.Clean would return it as is.
func cleanRelPath(p string) bool {
	if p == "" {
		return false
	}
	for {
		c, rest, more := strings.Cut(p, "/")
		if c == "" || c == "." || c == ".." {
			return false
		}
		if !more {
			return true
		}
		p = rest
	}
}

// hasDotDot reports whether a slash path has a ".." component.
func hasDotDot(p string) bool {
	for {
		c, rest, more := strings.Cut(p, "/")
		if c == ".." {
			return true
		}
		if !more {
			return false
		}
		p = rest
	}
}

// cleanRel normalises a relative path ("./Procfile" → "Procfile") and
// rejects absolute paths, any ".." component, and the root itself.
func cleanRel(p string) (string, bool) {
	if p == "" || strings.HasPrefix(p, "/") {
		return "", false
	}
	if hasDotDot(p) {
		return "", false
	}
	p = path.Clean(p)
	if p == "." {
		return "", false
	}
	return p, true
}
