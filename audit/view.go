package audit

import (
	"fmt"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/herokuaudit/herokuaudit/audit/gunicorn"
	"github.com/herokuaudit/herokuaudit/audit/pydeps"
	"github.com/herokuaudit/herokuaudit/audit/pysrc"
)

// View is what a check sees of a snapshot. Every accessor records the part
// it read, so the runner knows what a verdict rests on: a check that read a
// part that could not be collected (a gap, or a file the reader skipped)
// never ends in pass. Checks get no other way at the snapshot.
//
// A View belongs to one check run and is not safe for concurrent use.
type View struct {
	s     *Snapshot
	read  []Part
	holes []hole
}

// hole is a gap a check ran into: a part absent for a reason, or a file
// it needed that the reader skipped.
type hole struct {
	part   Part
	what   string // "config-vars", "requirements.txt (symlink)"
	reason string
	failed bool
}

func newView(s *Snapshot) *View { return &View{s: s} }

// use records that the check read part, and the part's gap if it has one.
func (v *View) use(parts ...Part) {
	for _, p := range parts {
		if slices.Contains(v.read, p) {
			continue
		}
		v.read = append(v.read, p)
		if g, ok := v.s.Gaps[p]; ok {
			v.holes = append(v.holes, hole{part: p, what: string(p), reason: g.Reason, failed: g.Failed})
		}
	}
}

// missedFiles records the skipped files that match, as failed holes: the
// check needed them and they were not read.
func (v *View) missedFiles(match func(string) bool) {
	f := v.s.Files
	if f == nil {
		return
	}
	for _, sk := range f.Skipped {
		if (match(sk.Path) || dirMayHold(sk.Path, match)) && !v.holeFor(sk.Path) {
			v.holes = append(v.holes, hole{part: PartFiles, what: sk.Path, reason: sk.Reason + " (not read)", failed: true})
		}
	}
	if f.SkippedMore > 0 && !v.holeFor("…") {
		v.holes = append(v.holes, hole{part: PartFiles, what: "…",
			reason: fmt.Sprintf("%d more entries were skipped and not listed", f.SkippedMore), failed: true})
	}
}

// probes are file names a check may look for; a directory that could not
// be read (listed as "pkg/") may hold any of them.
var probes = []string{"x.py", "requirements.txt", "x.html", "x.jinja2", "gunicorn.conf.py", ".env", "x.toml", "x.lock"}

// dirMayHold reports whether a skipped directory could hold a file the
// matcher wants.
func dirMayHold(dir string, match func(string) bool) bool {
	if !strings.HasSuffix(dir, "/") {
		return false
	}
	for _, p := range probes {
		if match(dir + p) {
			return true
		}
	}
	return false
}

func (v *View) holeFor(what string) bool {
	for _, h := range v.holes {
		if h.what == what {
			return true
		}
	}
	return false
}

// App returns the app's record.
//
//audit:input app record
func (v *View) App() App { v.use(PartApp); return v.s.App }

// AppFlag is the `-a APP` part of a heroku CLI remediation command. It is
// wording, not evidence, so it records no read.
func (v *View) AppFlag() string { return v.s.appFlag() }

// ConfigVar returns a config var's value and whether it is set.
//
//audit:input config vars
func (v *View) ConfigVar(name string) (string, bool) {
	v.use(PartConfig)
	val, ok := v.s.ConfigVars[name]
	return val, ok
}

// ConfigVars returns every config var. Callers must not modify the map.
//
//audit:input every config var
func (v *View) ConfigVars() map[string]string { v.use(PartConfig); return v.s.ConfigVars }

// Formation returns the process types the app is scaled to.
//
//audit:input formation
func (v *View) Formation() []Process { v.use(PartFormation); return v.s.Formation }

// Process returns the formation entry of the given type, if any.
//
//audit:input formation
func (v *View) Process(typ string) (Process, bool) { v.use(PartFormation); return v.s.Process(typ) }

// Dynos returns the running dynos.
//
//audit:input dynos
func (v *View) Dynos() []Dyno { v.use(PartDynos); return v.s.Dynos }

// Addons returns the attached add-ons.
//
//audit:input add-ons
func (v *View) Addons() []Addon {
	v.use(PartAddons)
	// one being removed no longer serves the app
	return slices.DeleteFunc(slices.Clone(v.s.Addons), func(a Addon) bool {
		return strings.HasPrefix(strings.ToLower(a.State), "deprovision")
	})
}

// Buildpacks returns the buildpacks in build order.
//
//audit:input buildpacks
func (v *View) Buildpacks() []string { v.use(PartBuildpacks); return v.s.Buildpacks }

// Domains returns the app's domains.
//
//audit:input domains
func (v *View) Domains() []Domain { v.use(PartDomains); return v.s.Domains }

// Certs returns the SNI endpoints' certificates, collected with the domains.
//
//audit:input SNI certificates
func (v *View) Certs() []Cert { v.use(PartDomains); return v.s.Certs }

// LogDrains returns how many log drains the app has.
//
//audit:input log drains
func (v *View) LogDrains() int { v.use(PartLogDrains); return v.s.LogDrains }

// Features returns the enabled app features.
//
//audit:input app features
func (v *View) Features() []string { v.use(PartFeatures); return v.s.Features }

// Taken is when the snapshot was collected: the "now" of date checks.
func (v *View) Taken() time.Time { return v.s.Taken }

// File returns a file of the slug or checkout. A file the reader skipped
// (a link, over a cap) is recorded as a hole.
//
//audit:input files
func (v *View) File(p string) ([]byte, bool) {
	v.use(PartFiles)
	b, ok := v.s.Files.Get(p)
	if !ok {
		v.missedFiles(func(s string) bool { return s == p })
	}
	return b, ok
}

// FilesMatching returns the paths of the files read that match, sorted. A
// matching file the reader skipped is a hole.
//
//audit:input files
func (v *View) FilesMatching(match func(string) bool) []string {
	v.use(PartFiles)
	v.missedFiles(match)
	var out []string
	for _, p := range v.s.Files.Paths() {
		if match(p) {
			out = append(out, p)
		}
	}
	return out
}

// FilePaths returns the paths of the files read, sorted.
//
//audit:input the list of files
func (v *View) FilePaths() []string { v.use(PartFiles); return v.s.Files.Paths() }

// FilesOrigin names where the files came from ("slug", "checkout").
func (v *View) FilesOrigin() string { return v.s.filesOrigin() }

// FromCheckout reports whether the files come from a local checkout.
func (v *View) FromCheckout() bool { return v.s.Files != nil && v.s.Files.Origin == "dir" }

// Noted returns the paths seen but deliberately not read (.env, .git/).
//
//audit:input dotenv files and .git
func (v *View) Noted() []string {
	v.use(PartFiles)
	if v.s.Files == nil {
		return nil
	}
	return v.s.Files.Noted
}

// Untracked returns the noted paths git neither tracks nor ignores.
//
//audit:input dotenv files and .git
func (v *View) Untracked() []string {
	v.use(PartFiles)
	if v.s.Files == nil {
		return nil
	}
	return v.s.Files.Untracked
}

// Deps returns the packages the app installs. A dependency file the reader
// skipped is a hole: "no requirements" cannot be told from "not read".
//
//audit:input dependency files
func (v *View) Deps() pydeps.Set {
	v.use(PartFiles)
	v.missedFiles(isDependencyFile)
	return v.s.derive().deps
}

// Source returns the source patterns of the given kinds, in file and line
// order. A Python file or template the reader skipped is a hole.
//
//audit:input Python sources and templates
func (v *View) Source(kinds ...pysrc.Kind) []pysrc.Finding {
	v.use(PartFiles)
	v.missedFiles(isScannedSource)
	var out []pysrc.Finding
	for _, f := range v.s.derive().source {
		if slices.Contains(kinds, f.Kind) {
			out = append(out, f)
		}
	}
	return out
}

// PythonLines calls fn for every non-comment line of the app's Python
// sources, as Source reads them.
//
//audit:input Python sources and templates
func (v *View) PythonLines(fn func(sourceLine) bool) {
	v.use(PartFiles)
	v.missedFiles(isScannedSource)
	v.s.pythonLines(fn)
}

// Web returns the web process taken apart, recording the parts its command
// came from. With no process types found anywhere, every place they could
// have come from counts as read, so a failed formation or slug fetch is
// never taken for "no web process".
//
//audit:input web command
func (v *View) Web() (*webCommand, bool) {
	w := v.s.derive().web
	for _, p := range w.parts {
		switch p {
		case PartFormation, PartSlug, PartFiles: // the places a command comes from
			v.use(p)
		}
	}
	if w.Type == "" {
		if slices.Contains(w.parts, PartFiles) {
			v.missedFiles(func(p string) bool { return p == "Procfile" })
		}
		return nil, false
	}
	return w, true
}

// Setting returns one of gunicorn's effective settings of the web command,
// recording what it rests on. gunicorn's precedence decides: a value from
// the command line rests on the command alone; one from GUNICORN_CMD_ARGS
// or WEB_CONCURRENCY on the config vars too (and, when the Python
// buildpack supplied it, on the buildpacks and the dyno size); one from a
// config file on the files; and a default on the absence of all of those.
//
//audit:input gunicorn settings
func (v *View) Setting(w *webCommand, val gunicorn.Value) gunicorn.Value {
	env := func(name string) {
		v.use(PartConfig)
		if _, set := v.s.ConfigVars[name]; !set && (name == "WEB_CONCURRENCY" || name == "GUNICORN_CMD_ARGS") {
			// the buildpack's default, for the dyno size
			v.use(v.s.pythonBuildpackParts()...)
			if name == "WEB_CONCURRENCY" {
				v.use(PartFormation)
			}
		}
	}
	confs := func() {
		v.use(PartFiles)
		v.missedFiles(func(p string) bool { return slices.Contains(w.confs, p) })
	}
	src := val.Source
	switch {
	case src == gunicorn.SourceCommandLine:
	case src == gunicorn.SourceCmdArgsEnv:
		env("GUNICORN_CMD_ARGS")
	case strings.HasPrefix(string(src), "config file"):
		env("GUNICORN_CMD_ARGS") // could have named another file, or overridden it
		confs()
	default: // a default, or a default read from the environment
		env("GUNICORN_CMD_ARGS")
		confs()
		if src != gunicorn.SourceDefault {
			env(string(src))
		}
	}
	if val.Env != "" {
		env(val.Env)
	}
	return val
}

// HasPythonBuildpack reports whether the Python buildpack builds the app:
// its WEB_CONCURRENCY and GUNICORN_CMD_ARGS defaults then apply.
//
//audit:input buildpacks
func (v *View) HasPythonBuildpack() bool {
	v.use(v.s.pythonBuildpackParts()...)
	return v.s.hasPythonBuildpack()
}

// Peers returns what comparing secrets with the other apps of the run
// found, or nil when the app was audited alone.
//
//audit:input other apps' config vars (keyed fingerprints)
func (v *View) Peers() *peers { v.use(PartConfig); return v.s.peers }

// isDependencyFile matches the files pydeps reads.
func isDependencyFile(p string) bool {
	base := path.Base(p)
	switch base {
	case "Pipfile", "Pipfile.lock", "pyproject.toml", "poetry.lock", "uv.lock", "setup.cfg", "setup.py":
		return !strings.Contains(p, "/")
	}
	return strings.HasSuffix(base, ".txt") && strings.Contains(strings.ToLower(p), "requirements")
}

// isScannedSource matches the files the source scan reads.
func isScannedSource(p string) bool {
	if pysrc.Ignored(p) {
		return false
	}
	return strings.HasSuffix(p, ".py") || pysrc.IsTemplate(p)
}
