package audit

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/herokuaudit/herokuaudit/audit/pydeps"
)

// compareVersions orders PEP 440 versions.
var compareVersions = pydeps.CompareVersions

// PartVulns is what an advisory database said of the app's inventory: the
// known vulnerabilities of the versions it runs. It is looked up outside
// the checks, like the live probe, and absent by design when no database
// was given.
const PartVulns Part = "vulnerabilities"

// NotLookedUp is the gap of a snapshot collected without an advisory
// lookup.
const NotLookedUp = "vulnerabilities not looked up: give --vuln-db PATH (OSV's PyPI export)"

// Advisory is one known vulnerability, as the report may show it.
type Advisory struct {
	ID       string   `json:"id"`                // PYSEC-…, GHSA-…
	Aliases  []string `json:"aliases,omitempty"` // CVE-…, GHSA-…
	Summary  string   `json:"summary,omitempty"`
	Severity string   `json:"severity"`        // critical, high, moderate, low, or "" when unrated
	Fixed    []string `json:"fixed,omitempty"` // versions that fix it
	// Malicious marks a malicious-package report (OpenSSF's MAL-… records):
	// the package is malware, not flawed.
	Malicious bool `json:"malicious,omitempty"`
}

// VulnMatch is an inventory entry with the advisories that affect it.
type VulnMatch struct {
	Package    Package    `json:"package"`
	Advisories []Advisory `json:"advisories"`
}

// Vulns is the lookup's answer for one app.
type Vulns struct {
	Source  string      `json:"source"`           // "OSV PyPI export all.zip (2026-11-30)", "OSV API"
	Unread  int         `json:"unread,omitempty"` // advisory records the database held but could not be read
	Checked []Package   `json:"checked"`          // what was looked up
	Matches []VulnMatch `json:"matches,omitempty"`
	// Sample marks a lookup in a handful of sample records (the demo's):
	// what it finds is real, but finding nothing proves nothing.
	Sample bool `json:"sample,omitempty"`
}

// Vulns returns the advisory lookup's answer; nil when none was made.
//
//audit:input known vulnerabilities of the inventory
func (v *View) Vulns() *Vulns { v.use(PartVulns); return v.s.Vulns }

var dependencyVulns = Check{
	ID: "dependency-vulns",
	// looked up once for every app of the run, after they are all checked
	CrossApp:  true,
	Title:     "No known vulnerabilities in what is deployed",
	Checklist: "Source: scan dependencies for known vulnerabilities",
	Severity:  High,
	Rationale: "A published vulnerability in an installed package is the cheapest way in: its exploit is " +
		"public, and the version that runs is what counts, not what requirements.txt hoped for.",
	Remediation: "Upgrade each affected package to a fixed version in the file that pins it, and deploy.",
	Run:         runDependencyVulns,
}

// severityRank orders advisory severities, unrated lowest.
func severityRank(s string) int {
	return map[string]int{"critical": 4, "high": 3, "moderate": 2, "medium": 2, "low": 1}[strings.ToLower(s)]
}

func runDependencyVulns(v *View) Outcome {
	vs := v.Vulns()
	if vs == nil {
		return Skipf("%s", NotLookedUp)
	}
	if len(vs.Checked) == 0 {
		return Skipf("no installed packages or pinned requirements to look up")
	}
	var fails, warns, malicious []string
	var ev []Evidence
	var fixes []string
	for _, m := range vs.Matches {
		worst := ""
		for _, a := range m.Advisories {
			if severityRank(a.Severity) > severityRank(worst) {
				worst = a.Severity
			}
			ids := append([]string{a.ID}, a.Aliases...)
			line := fmt.Sprintf("%s==%s: %s", m.Package.Name, m.Package.Version, strings.Join(ids, ", "))
			switch {
			case a.Malicious:
				line += " (" + a.Severity + ": malicious package)"
				malicious = append(malicious, m.Package.Name)
			case a.Severity != "":
				line += " (" + a.Severity + ")"
			default:
				// no score and no rating: say so rather than let it read as minor
				line += " (not rated)"
			}
			if len(a.Fixed) > 0 {
				line += "; fixed in " + strings.Join(a.Fixed, ", ")
			}
			ev = append(ev, Evidence{Text: line + " [" + m.Package.Source + "]"})
		}
		what := fmt.Sprintf("%s %s (%s)", m.Package.Name, m.Package.Version, advisories(len(m.Advisories)))
		if severityRank(worst) >= severityRank("high") {
			fails = append(fails, what)
		} else {
			warns = append(warns, what)
		}
		if fix := upgradeTo(m); fix != "" {
			fixes = append(fixes, upgradeLine(m.Package, fix))
		}
	}
	var unknown []string
	for _, p := range vs.Checked {
		if p.Version == "" {
			unknown = append(unknown, p.Name)
		}
	}
	fix := strings.Join(fixes, "; ")
	if fix == "" {
		fix = "no fixed version is published yet: follow the advisories"
	}
	if len(malicious) > 0 {
		// no upgrade mends malware: it ran with the app's config vars
		remove := fmt.Sprintf("remove %s from the app and deploy, then rotate every secret in its config vars", strings.Join(slices.Compact(malicious), ", "))
		fix = strings.Join(append([]string{remove}, fixes...), "; ")
	}
	switch {
	case len(fails) > 0:
		return Failf("known high or critical vulnerabilities in %s", strings.Join(fails, "; ")).WithEv(ev...).With("looked up in "+vs.Source).Fix("%s", fix).Sure()
	case len(warns) > 0:
		return Warnf("known vulnerabilities in %s", strings.Join(warns, "; ")).WithEv(ev...).With("looked up in "+vs.Source).Fix("%s", fix).Sure()
	case vs.Unread > 0:
		// an unreadable record may be the one that names a package here
		return Warnf("%d advisory records of %s could not be read: nothing found is not nothing there", vs.Unread, vs.Source).
			Fix("use a complete copy of the database")
	case len(unknown) > 0:
		// nothing found is not nothing there: their versions were not known
		return Warnf("%d package(s) could not be checked: their version is not known (%s)", len(unknown), strings.Join(unknown, ", ")).
			With("looked up in " + vs.Source).Fix("pin them with == or install from a lock file")
	}
	if vs.Sample {
		return Skipf("nothing known for its %d packages in %s: a sample, not a vulnerability database", len(vs.Checked), vs.Source)
	}
	return Passf("no known vulnerability in the %d packages %s", len(vs.Checked), installedOrPinned(vs)).With("looked up in " + vs.Source)
}

func advisories(n int) string {
	if n == 1 {
		return "1 advisory"
	}
	return fmt.Sprintf("%d advisories", n)
}

// upgradeLine says where and how to upgrade: the pinning line itself for a
// requirements file, the lock file's own update for a lock, and a pin to
// add for a package only the slug shows.
func upgradeLine(p Package, fix string) string {
	switch {
	case strings.HasPrefix(p.Source, "installed: "):
		return fmt.Sprintf("pin %s>=%s in the requirements (the slug installed %s)", p.Name, fix, p.Version)
	case strings.HasSuffix(p.Source, ".lock"):
		return fmt.Sprintf("raise %s to %s and update %s", p.Name, fix, p.Source)
	}
	place, _, _ := strings.Cut(p.Source, " ")
	return fmt.Sprintf("%s: %s==%s", place, p.Name, fix)
}

// upgradeTo is the lowest version that fixes every advisory of a match, by
// their own lists; "" when one has no fix.
func upgradeTo(m VulnMatch) string {
	best := ""
	for _, a := range m.Advisories {
		if len(a.Fixed) == 0 {
			return ""
		}
		f := slices.MinFunc(a.Fixed, compareVersions)
		if best == "" || compareVersions(f, best) > 0 {
			best = f
		}
	}
	return best
}

func installedOrPinned(vs *Vulns) string {
	for _, p := range vs.Checked {
		if strings.HasPrefix(p.Source, "installed: ") {
			return "installed"
		}
	}
	return "pinned"
}

// VulnRollup is one advisory across the apps of a run: the package and
// version it affects, and every app running that version.
type VulnRollup struct {
	Package  string   `json:"package"`
	Version  string   `json:"version"`
	Advisory Advisory `json:"advisory"`
	Apps     []string `json:"apps"`
}

// Rollup gathers the apps' matches by advisory and version, worst first,
// then the most apps first: "werkzeug 2.2.2, CVE-2024-34069: 14 apps".
func Rollup(byApp map[string][]VulnMatch) []VulnRollup {
	idx := map[string]int{}
	var out []VulnRollup
	for _, app := range slices.Sorted(maps.Keys(byApp)) {
		for _, m := range byApp[app] {
			for _, a := range m.Advisories {
				k := a.ID + "\x00" + m.Package.Name + "\x00" + m.Package.Version
				i, ok := idx[k]
				if !ok {
					i = len(out)
					idx[k] = i
					out = append(out, VulnRollup{Package: m.Package.Name, Version: m.Package.Version, Advisory: a})
				}
				if !slices.Contains(out[i].Apps, app) {
					out[i].Apps = append(out[i].Apps, app)
				}
			}
		}
	}
	slices.SortStableFunc(out, func(a, b VulnRollup) int {
		if d := severityRank(b.Advisory.Severity) - severityRank(a.Advisory.Severity); d != 0 {
			return d
		}
		if d := len(b.Apps) - len(a.Apps); d != 0 {
			return d
		}
		return strings.Compare(a.Package+a.Advisory.ID, b.Package+b.Advisory.ID)
	})
	return out
}
