package audit

import "strings"

// Platform facts as of 2026-11 (HEROKU_FACTS.md; heroku-buildpack-python
// v351 of 2026-08-18). `herokuaudit checks` prints FactsAsOf.
const FactsAsOf = "2026-11"

// dynoSize is what the auditor knows of one dyno size.
type dynoSize struct {
	Name        string
	RAMMB       int
	Sleeps      bool
	Concurrency int // WEB_CONCURRENCY the Python buildpack sets at boot when the app does not
}

// dynoSizes lists Heroku's dyno sizes. The buildpack computes
// min(cores*2+1, RAM_MB/256), at least 1; these are its published results.
var dynoSizes = []dynoSize{
	{"eco", 512, true, 2},
	{"basic", 512, false, 2},
	{"standard-1x", 512, false, 2},
	{"standard-2x", 1024, false, 4},
	{"private-s", 1024, false, 4},
	{"shield-s", 1024, false, 4},
	{"performance-m", 2560, false, 5},
	{"private-m", 2560, false, 5},
	{"shield-m", 2560, false, 5},
	{"performance-l", 14336, false, 17},
	{"private-l", 14336, false, 17},
	{"shield-l", 14336, false, 17},
	{"performance-l-ram", 30720, false, 9},
	{"performance-xl", 63488, false, 17},
	{"performance-2xl", 129024, false, 33},
}

// lookupDynoSize finds a size by name, case-insensitively (the API says
// "Standard-1X" in some places and "standard-1x" in others).
func lookupDynoSize(name string) (dynoSize, bool) {
	n := strings.ToLower(strings.TrimSpace(name))
	for _, d := range dynoSizes {
		if d.Name == n {
			return d, true
		}
	}
	return dynoSize{}, false
}

// hasPythonBuildpack reports whether the app builds with the Python
// buildpack, which sets WEB_CONCURRENCY and GUNICORN_CMD_ARGS at dyno boot.
// The buildpack's .profile.d scripts in the slug prove it too.
// pythonBuildpackParts is what hasPythonBuildpack rests on: the buildpacks
// when they were read, else the files it infers the buildpack from (a fleet
// does not fetch buildpacks, and Heroku detects Python from these files).
func (s *Snapshot) pythonBuildpackParts() []Part {
	if _, gap := s.Gaps[PartBuildpacks]; gap || len(s.Buildpacks) == 0 {
		return []Part{PartFiles}
	}
	return []Part{PartBuildpacks}
}

func (s *Snapshot) hasPythonBuildpack() bool {
	for _, b := range s.Buildpacks {
		l := strings.ToLower(b)
		if l == "heroku/python" || strings.Contains(l, "heroku-buildpack-python") || strings.HasSuffix(l, "/python") {
			return true
		}
	}
	// An app that never set its buildpacks (or a checkout) gets the one
	// Heroku detects: the Python buildpack detects these files.
	if len(s.Buildpacks) == 0 {
		for _, f := range []string{"requirements.txt", "Pipfile", "pyproject.toml", ".python-version", "runtime.txt", "setup.py"} {
			if _, ok := s.Files.Get(f); ok {
				return true
			}
		}
	}
	for _, f := range []string{".profile.d/WEB_CONCURRENCY.sh", ".profile.d/python.gunicorn.sh"} {
		if _, ok := s.Files.Get(f); ok {
			return true
		}
	}
	return false
}
