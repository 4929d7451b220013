package audit

import (
	"regexp"
	"strconv"
	"strings"
)

// Platform facts as of 2026-11 (HEROKU_FACTS.md; heroku-buildpack-python
// v351 of 2026-08-18). `herokuaudit checks` prints FactsAsOf.
const FactsAsOf = "2026-11"

// dynoSize is what the auditor knows of one dyno size.
type dynoSize struct {
	Name   string
	RAMMB  int
	Cores  int // as the dyno's nproc reports them: shared hosts report theirs
	Sleeps bool
}

// Concurrency is the WEB_CONCURRENCY the Python buildpack sets at boot when
// the app does not: min(cores*2+1, RAM_MB/256), at least 1.
func (d dynoSize) Concurrency() int {
	return max(1, min(d.Cores*2+1, d.RAMMB/256))
}

// dynoSizes lists the sizes the Platform API reports, by lower-cased name.
// Private and Shield sizes have their Performance counterparts' memory and
// cores (the API may report Shield dynos as Private-*); standard, eco and
// the legacy sizes run on shared 8-core hosts, where memory decides.
var dynoSizes = []dynoSize{
	// Cedar
	{"eco", 512, 8, true},
	{"basic", 512, 8, false},
	{"standard-1x", 512, 8, false},
	{"standard-2x", 1024, 8, false},
	{"performance-m", 2560, 2, false},
	{"performance-l", 14336, 8, false},
	{"performance-l-ram", 30720, 4, false},
	{"performance-xl", 63488, 8, false},
	{"performance-2xl", 129024, 16, false},
	// Private Spaces and Shield Private Spaces
	{"private-s", 1024, 8, false},
	{"private-m", 2560, 2, false},
	{"private-l", 14336, 8, false},
	{"private-l-ram", 30720, 4, false},
	{"private-xl", 63488, 8, false},
	{"private-2xl", 129024, 16, false},
	{"shield-s", 1024, 8, false},
	{"shield-m", 2560, 2, false},
	{"shield-l", 14336, 8, false},
	{"shield-l-ram", 30720, 4, false},
	{"shield-xl", 63488, 8, false},
	{"shield-2xl", 129024, 16, false},
	// legacy: free slept, hobby did not
	{"free", 512, 8, true},
	{"hobby", 512, 8, false},
	{"1x", 512, 8, false},
	{"2x", 1024, 8, false},
	{"px", 6144, 8, false},
}

// firSize matches a Fir size: dyno-<cores>c-<memory>gb, e.g. dyno-2c-4gb,
// dyno-1c-0.5gb.
var firSize = regexp.MustCompile(`^dyno-([0-9]{1,3})c-([0-9]{1,4}(?:\.[0-9]{1,3})?)gb$`)

// lookupDynoSize finds a size by name, case-insensitively (Cedar sizes come
// capitalised, "Standard-1X", Fir sizes in lower case). A Fir size is read
// from its name; Fir dynos do not sleep.
func lookupDynoSize(name string) (dynoSize, bool) {
	n := strings.ToLower(strings.TrimSpace(name))
	for _, d := range dynoSizes {
		if d.Name == n {
			return d, true
		}
	}
	if m := firSize.FindStringSubmatch(n); m != nil {
		cores, _ := strconv.Atoi(m[1])
		gb, err := strconv.ParseFloat(m[2], 64)
		if cores > 0 && err == nil && gb > 0 {
			return dynoSize{Name: n, RAMMB: int(gb * 1024), Cores: cores}, true
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
		// every form Heroku shows it in, as language() reads them
		if buildpackLanguages[buildpackName(b)] == LangPython {
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
