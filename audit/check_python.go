package audit

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

var pythonRuntime = Check{
	ID:        "python-runtime",
	Title:     "A supported Python version is pinned",
	Checklist: "Core: pin a supported Python runtime",
	Severity:  High,
	Rationale: "End-of-life Python versions get no security fixes and the Heroku Python buildpack " +
		"refuses to build them; an unpinned version changes under the app at the next build.",
	Remediation: "Pin a supported minor version in .python-version (for example `3.13`) and delete runtime.txt.",
	Needs:       []Part{PartFiles},
	Run:         runPythonRuntime,
}

// pythonSupport is the Python buildpack's support table as of v351
// (2026-08-18, lib/python_version.sh). Minors not listed and older than the
// oldest are end of life.
type pythonMinor struct {
	Minor      int // the 3.x minor
	LatestPat  int
	Deprecated string // removal date from the buildpack, when deprecated
}

var pythonMinors = []pythonMinor{
	{Minor: 14, LatestPat: 7},
	{Minor: 13, LatestPat: 15},
	{Minor: 12, LatestPat: 14},
	{Minor: 11, LatestPat: 16},
	{Minor: 10, LatestPat: 21, Deprecated: "2027-01-06"},
}

const pythonTableAsOf = "heroku-buildpack-python v351, 2026-08-18"

// pyVersion is a parsed Python version pin.
type pyVersion struct {
	Major, Minor, Patch int
	HasPatch            bool
}

func (v pyVersion) String() string {
	if v.HasPatch {
		return fmt.Sprintf("%d.%d.%d", v.Major, v.Minor, v.Patch)
	}
	return fmt.Sprintf("%d.%d", v.Major, v.Minor)
}

var versionRe = regexp.MustCompile(`^(\d+)\.(\d+)(?:\.(\d+))?$`)

func parsePyVersion(s string) (pyVersion, bool) {
	m := versionRe.FindStringSubmatch(s)
	if m == nil {
		return pyVersion{}, false
	}
	var v pyVersion
	v.Major, _ = strconv.Atoi(m[1])
	v.Minor, _ = strconv.Atoi(m[2])
	if m[3] != "" {
		v.Patch, _ = strconv.Atoi(m[3])
		v.HasPatch = true
	}
	return v, true
}

// versionLines reads a runtime.txt or .python-version the way the buildpack
// does: `#` comments, blank lines and surrounding whitespace are ignored; a
// byte order mark or invalid UTF-8 is rejected.
func versionLines(b []byte, file string) ([]string, string) {
	if bytes.HasPrefix(b, []byte("\xef\xbb\xbf")) {
		return nil, file + " is saved with a UTF-8 byte order mark, which the buildpack rejects"
	}
	if !utf8.Valid(b) {
		return nil, file + " is not valid UTF-8"
	}
	var lines []string
	for _, l := range strings.Split(string(b), "\n") {
		l = strings.TrimSpace(l)
		if l != "" && !strings.HasPrefix(l, "#") {
			lines = append(lines, l)
		}
	}
	switch {
	case len(lines) == 0:
		return nil, file + " has no version line"
	case len(lines) > 1:
		return nil, file + " has more than one version line (the buildpack rejects it)"
	}
	return lines, ""
}

// pythonPin is where the Python version comes from, in the buildpack's order.
type pythonPin struct {
	File    string
	Version pyVersion
	Problem string // why the file is unusable, when it is
}

func findPythonPin(get func(string) ([]byte, bool)) (pythonPin, bool) {
	if b, ok := get("runtime.txt"); ok {
		lines, problem := versionLines(b, "runtime.txt")
		if problem != "" {
			return pythonPin{File: "runtime.txt", Problem: problem}, true
		}
		v, ok := parsePyVersion(strings.TrimPrefix(lines[0], "python-"))
		if !ok || !strings.HasPrefix(lines[0], "python-") {
			return pythonPin{File: "runtime.txt", Problem: "runtime.txt is not of the form python-3.X or python-3.X.Y"}, true
		}
		return pythonPin{File: "runtime.txt", Version: v}, true
	}
	if b, ok := get(".python-version"); ok {
		lines, problem := versionLines(b, ".python-version")
		if problem != "" {
			return pythonPin{File: ".python-version", Problem: problem}, true
		}
		v, ok := parsePyVersion(lines[0])
		if !ok {
			return pythonPin{File: ".python-version", Problem: ".python-version must hold a version like 3.13 or 3.13.1 (no python- prefix)"}, true
		}
		return pythonPin{File: ".python-version", Version: v}, true
	}
	if b, ok := get("Pipfile.lock"); ok {
		var lock struct {
			Meta struct {
				Requires struct {
					Full string `json:"python_full_version"`
					Ver  string `json:"python_version"`
				} `json:"requires"`
			} `json:"_meta"`
		}
		if json.Unmarshal(b, &lock) == nil {
			for _, raw := range []string{lock.Meta.Requires.Full, lock.Meta.Requires.Ver} {
				if raw == "" {
					continue
				}
				if v, ok := parsePyVersion(raw); ok {
					return pythonPin{File: "Pipfile.lock", Version: v}, true
				}
				return pythonPin{File: "Pipfile.lock", Problem: "Pipfile.lock's python version is not of the form 3.X or 3.X.Y"}, true
			}
		}
	}
	return pythonPin{}, false
}

// cnbDropsRuntimeTxt is when the Python CNB, which builds Fir apps, stopped
// reading runtime.txt (heroku/buildpacks-python 1.0.0).
const cnbDropsRuntimeTxt = "1.0.0, 2025-05-02"

func runPythonRuntime(v *View) Outcome {
	get := v.File
	var firNote string
	if _, ok := v.File("runtime.txt"); ok && v.App().Generation == "fir" {
		// On Fir only .python-version (or a lock file) pins Python
		get = func(p string) ([]byte, bool) {
			if p == "runtime.txt" {
				return nil, false
			}
			return v.File(p)
		}
		firNote = fmt.Sprintf("on Fir the Python CNB ignores runtime.txt (since its %s)", cnbDropsRuntimeTxt)
	}
	pin, ok := findPythonPin(get)
	fix := fmt.Sprintf("echo 3.%d > .python-version", pythonMinors[0].Minor)
	if !ok && firNote != "" {
		return Warnf("%s: the app runs the CNB's default Python, whatever runtime.txt says", firNote).Sure().
			WithEv(inFile("runtime.txt", 0, "runtime.txt (ignored on Fir)")).Fix("%s && git rm runtime.txt", fix)
	}
	if !ok && !isPythonApp(v) {
		return Skipf("no Python files in the %s: not a Python app", v.FilesOrigin())
	}
	if !ok {
		return Warnf("no Python version pinned: builds use the cached or default version, which changes under the app").
			With("none of runtime.txt, .python-version, Pipfile.lock found in the "+v.FilesOrigin()).
			Fix("%s && git add .python-version", fix)
	}
	if pin.Problem != "" {
		return Failf("%s", pin.Problem).Sure().WithEv(inFile(pin.File, 0, "%s", pin.File)).Fix("%s", fix)
	}
	ver := pin.Version
	ev := inFile(pin.File, 0, "%s pins %s", pin.File, ver)
	if ver.Major != 3 || ver.Minor <= 9 {
		return Failf("Python %s is end of life: no security fixes, and the buildpack no longer builds it", ver).Sure().
			WithEv(ev).Fix("%s (and test the app on it)", fix)
	}
	var info *pythonMinor
	for i := range pythonMinors {
		if pythonMinors[i].Minor == ver.Minor {
			info = &pythonMinors[i]
		}
	}
	if info == nil {
		return Warnf("Python %s is newer than the auditor's support table (%s): check the buildpack supports it", ver, pythonTableAsOf).WithEv(ev).
			Fix("confirm 3.%d in the Python buildpack's changelog, or pin 3.%d, the newest this auditor knows", ver.Minor, pythonMinors[0].Minor)
	}
	var warns []string
	var fixes []string
	if firNote != "" {
		warns = append(warns, firNote)
		fixes = append(fixes, "git rm runtime.txt")
	}
	if info.Deprecated != "" {
		warns = append(warns, fmt.Sprintf("Python 3.%d is deprecated and leaves the buildpack on %s", ver.Minor, info.Deprecated))
		fixes = append(fixes, fix)
	}
	if pin.File == "runtime.txt" {
		warns = append(warns, "runtime.txt is deprecated")
		fixes = append(fixes, fmt.Sprintf("git rm runtime.txt && echo %d.%d > .python-version", ver.Major, ver.Minor))
	}
	if ver.HasPatch && ver.Patch < info.LatestPat {
		warns = append(warns, fmt.Sprintf("patch %s is older than 3.%d.%d (missing security fixes)", ver, ver.Minor, info.LatestPat))
		fixes = append(fixes, fmt.Sprintf("pin 3.%d in %s to get the latest patch at each build", ver.Minor, pin.File))
	}
	if pin.File == "Pipfile.lock" && len(warns) == 0 {
		return Passf("Python %s (supported) pinned in Pipfile.lock", ver).WithEv(ev)
	}
	if len(warns) > 0 {
		// each was seen in the pin file, whatever the app's other parts say
		return Warnf("%s", strings.Join(warns, "; ")).WithEv(ev).Fix("%s", strings.Join(fixes, "; ")).Sure()
	}
	return Passf("Python %s is supported and pinned in %s", ver, pin.File).WithEv(ev)
}

// isPythonApp reports whether the files look like a Python app: what the
// buildpack detects, or Python sources.
func isPythonApp(v *View) bool {
	for _, p := range v.FilePaths() {
		base := path.Base(p)
		if strings.HasSuffix(p, ".py") || base == "Pipfile" || base == "pyproject.toml" ||
			strings.HasPrefix(base, "requirements") && strings.HasSuffix(base, ".txt") {
			return true
		}
	}
	return false
}
