// Package audit holds the snapshot of an app, the check catalog, and the pure
// functions over them: running checks, scoring, diffing. It never does I/O.
package audit

import (
	"sort"
	"time"
)

// Part names one piece of data a snapshot is built from. Checks declare what
// they read, so a missing part turns into a skip or an error with its reason.
type Part string

const (
	PartApp        Part = "app"
	PartConfig     Part = "config-vars"
	PartFormation  Part = "formation"
	PartDynos      Part = "dynos"
	PartAddons     Part = "addons"
	PartBuildpacks Part = "buildpacks"
	PartRelease    Part = "release"
	PartSlug       Part = "slug"       // slug metadata: process types, stack
	PartFiles      Part = "files"      // files picked out of the slug or a checkout
	PartDomains    Part = "domains"    // domains and SNI endpoints
	PartLogDrains  Part = "log-drains" // log drains (URLs never kept)
	PartFeatures   Part = "features"   // enabled app features
)

// Snapshot is everything known about one app, collected once. Config var
// values are secrets: the snapshot may hold them, output never shows them.
type Snapshot struct {
	App        App               `json:"app"`
	ConfigVars map[string]string `json:"config_vars,omitempty"`
	Formation  []Process         `json:"formation,omitempty"`
	Dynos      []Dyno            `json:"dynos,omitempty"`
	Addons     []Addon           `json:"addons,omitempty"`
	Buildpacks []string          `json:"buildpacks,omitempty"` // names or URLs, in build order
	Release    *Release          `json:"release,omitempty"`
	Slug       *Slug             `json:"slug,omitempty"`
	Files      *Files            `json:"files,omitempty"`
	Domains    []Domain          `json:"domains,omitempty"`
	Certs      []Cert            `json:"certs,omitempty"`
	LogDrains  int               `json:"log_drains"`         // how many; their URLs are credentials
	Features   []string          `json:"features,omitempty"` // enabled app features, sorted
	// Probe is what the app's URLs answered, with --probe (see probe.go).
	Probe *Probe `json:"probe,omitempty"`
	// Vulns is the advisory lookup of the inventory; nil with a gap when
	// none was made.
	Vulns *Vulns `json:"vulns,omitempty"`

	// Taken is when the snapshot was collected: checks that compare dates
	// (certificate expiry) use it, never the clock, so they stay pure.
	Taken time.Time `json:"taken"`

	// Gaps records why a part is absent. A part with no gap and no data is
	// simply empty (an app with no add-ons).
	Gaps map[Part]Gap `json:"gaps,omitempty"`

	// derived holds what several checks read from the files, worked out
	// once by Audit before the checks start.
	derived *derived
	// peers is set by LinkSharedSecrets when apps are audited together.
	peers *peers
	// gate, on a thin snapshot, is the whole snapshot's language answer.
	gate *langGate
}

// App is the app's own record.
type App struct {
	Name        string `json:"name"`
	ID          string `json:"id,omitempty"`
	Stack       string `json:"stack,omitempty"`
	BuildStack  string `json:"build_stack,omitempty"`
	Region      string `json:"region,omitempty"`
	Generation  string `json:"generation,omitempty"` // cedar or fir
	Team        string `json:"team,omitempty"`
	Space       string `json:"space,omitempty"`
	ACM         bool   `json:"acm,omitempty"`
	Maintenance bool   `json:"maintenance,omitempty"`
	WebURL      string `json:"web_url,omitempty"`
	Stage       string `json:"stage,omitempty"` // pipeline stage, when known
	// BuildpackDescription is Heroku's buildpack_provided_description:
	// "Python", "Ruby/Rack", "Node.js".
	BuildpackDescription string `json:"buildpack_provided_description,omitempty"`
}

// Process is one process type of the formation.
type Process struct {
	Type     string `json:"type"`
	Command  string `json:"command"`
	Quantity int    `json:"quantity"`
	Size     string `json:"size"`
}

// Dyno is one running dyno.
type Dyno struct {
	Name  string `json:"name"`
	Type  string `json:"type"`
	State string `json:"state"`
	Size  string `json:"size"`
}

// Addon is one add-on attached to the app.
type Addon struct {
	Name       string   `json:"name"`
	Service    string   `json:"service"` // heroku-postgresql
	Plan       string   `json:"plan"`    // heroku-postgresql:essential-0
	State      string   `json:"state,omitempty"`
	ConfigVars []string `json:"config_vars,omitempty"` // names only
}

// Domain is one hostname routed to the app.
type Domain struct {
	Hostname        string `json:"hostname"`
	Kind            string `json:"kind"`                 // heroku or custom
	ACMStatus       string `json:"acm_status,omitempty"` // cert issued, pending, failing, ...
	ACMStatusReason string `json:"acm_status_reason,omitempty"`
	SNIEndpoint     string `json:"sni_endpoint,omitempty"` // name of the SNI endpoint serving it
}

// Cert is an SNI endpoint's certificate: uploaded, or issued by ACM.
type Cert struct {
	Name      string    `json:"name"`
	ACM       bool      `json:"acm,omitempty"` // issued and renewed by Automated Certificate Management
	ExpiresAt time.Time `json:"expires_at"`
	Domains   []string  `json:"domains,omitempty"`
}

// Release is the app's current release.
type Release struct {
	Version int    `json:"version"`
	ID      string `json:"id,omitempty"`
	Status  string `json:"status,omitempty"`
	SlugID  string `json:"slug_id,omitempty"`
}

// Slug is the current release's slug metadata. The blob URL is a credential
// and is deliberately not part of the snapshot.
type Slug struct {
	ID           string            `json:"id"`
	ProcessTypes map[string]string `json:"process_types,omitempty"`
	Stack        string            `json:"stack,omitempty"`
	Size         int64             `json:"size,omitempty"`
	// BuildpackDescription is the slug's buildpack_provided_description.
	BuildpackDescription string `json:"buildpack_provided_description,omitempty"`
}

// Files are the small files picked out of a slug tarball or a local checkout,
// keyed by path relative to the app root ("Procfile", "app/config.py").
type Files struct {
	Origin  string            `json:"origin"` // "slug" or "dir"
	Entries map[string][]byte `json:"entries,omitempty"`
	// Skipped lists entries passed over (hostile paths, links, over the caps),
	// with the reason, so checks can tell "absent" from "not read": a check
	// that needed a skipped file reports error, naming it.
	Skipped []SkippedFile `json:"skipped,omitempty"`
	// SkippedMore counts skipped entries beyond the listed ones (the list is
	// bounded); which files they were is unknown.
	SkippedMore int `json:"skipped_more,omitempty"`
	// Noted lists paths that were seen but deliberately not read: secrets
	// such as ".env", and directories such as ".git/" whose presence matters.
	Noted []string `json:"noted,omitempty"`
	// Untracked lists the Noted paths of a git checkout that git does not
	// track but does not ignore either: one `git add .` from being deployed.
	Untracked []string `json:"untracked,omitempty"`
	// Notices are what the reader wants the user told about how it read the
	// files ("git could not list the checkout: ..."), one line each.
	Notices []string `json:"notices,omitempty"`
	// Installed lists the distributions the buildpack installed, from the
	// slug's site-packages *.dist-info directory names: what really runs,
	// whatever the requirements say. Empty for a checkout.
	Installed []Dist `json:"installed,omitempty"`
}

// Dist is one installed Python distribution.
type Dist struct {
	Name    string `json:"name"`    // as the wheel wrote it in the directory name (PEP 503 compares)
	Version string `json:"version"` // PEP 440
	Path    string `json:"path"`    // the .dist-info directory, relative to the app root
}

// SkippedFile is an entry that was seen but not read, and why ("symlink",
// "larger than the 1 MiB per-file cap").
type SkippedFile struct {
	Path   string `json:"path"` // relative to the app root, made safe to print
	Reason string `json:"reason"`
}

func (s SkippedFile) String() string { return s.Path + ": " + s.Reason }

// Get returns a file's content and whether it was picked.
func (f *Files) Get(path string) ([]byte, bool) {
	if f == nil {
		return nil, false
	}
	b, ok := f.Entries[path]
	return b, ok
}

// Paths returns the picked paths in sorted order.
func (f *Files) Paths() []string {
	if f == nil {
		return nil
	}
	out := make([]string, 0, len(f.Entries))
	for p := range f.Entries {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// Gap says why a part of the snapshot is absent. Failed distinguishes "could
// not be fetched" (checks report error) from "does not apply" (checks skip).
type Gap struct {
	Reason string `json:"reason"`
	Failed bool   `json:"failed,omitempty"`
}

// SetGap records that part is absent for reason.
func (s *Snapshot) SetGap(p Part, reason string, failed bool) {
	if s.Gaps == nil {
		s.Gaps = map[Part]Gap{}
	}
	s.Gaps[p] = Gap{Reason: reason, Failed: failed}
}

// Process returns the formation entry of the given type, if any.
func (s *Snapshot) Process(typ string) (Process, bool) {
	for _, p := range s.Formation {
		if p.Type == typ {
			return p, true
		}
	}
	return Process{}, false
}

// apiParts are the parts only the Platform API can tell.
var apiParts = []Part{PartApp, PartConfig, PartFormation, PartDynos, PartAddons, PartBuildpacks,
	PartRelease, PartSlug, PartDomains, PartLogDrains, PartFeatures}

// CheckoutSnapshot is the snapshot of a local checkout audited without an
// app: the file checks run, the ones that need the Platform API skip.
func CheckoutSnapshot(name string, files *Files) *Snapshot {
	s := &Snapshot{App: App{Name: name}, Files: files}
	for _, p := range apiParts {
		s.SetGap(p, "no app given: only the checkout was audited", false)
	}
	s.SetGap(PartProbe, "no app given: only the checkout was audited", false)
	return s
}
