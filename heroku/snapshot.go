package heroku

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	hk "github.com/heroku/heroku-go/v6"
	"golang.org/x/sync/errgroup"

	"github.com/herokuaudit/herokuaudit/audit"
)

const (
	reasonFir       = "Fir-generation apps release OCI images, not slugs"
	reasonNoSlug    = "the current release has no slug"
	reasonNoRelease = "the app has no releases"
	// releasePages bounds the search for the current release when the newest
	// one is not it (a failed or pending deploy on top).
	releasePages    = 10
	releasePageSize = 10
)

func appPath(app string) string { return "/apps/" + url.PathEscape(app) }

// collector guards the snapshot while the parts fill it concurrently.
type collector struct {
	mu   sync.Mutex
	snap *audit.Snapshot
	// fetched counts the parts asked for, notFound those that answered
	// 403/404.
	fetched, notFound int
	// oci: the current release ships an OCI image (a Fir app).
	oci bool
}

func (s *collector) count(e *Error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fetched++
	if e != nil && e.Kind == NotFound {
		s.notFound++
	}
}

func (s *collector) set(f func(*audit.Snapshot)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(s.snap)
}

func (s *collector) gap(reason string, failed bool, parts ...audit.Part) {
	s.set(func(snap *audit.Snapshot) {
		for _, p := range parts {
			snap.SetGap(p, reason, failed)
		}
	})
}

// Snapshot fetches everything about one app. Failing to read the app itself
// (or a rejected token anywhere) fails the whole snapshot with an *Error; any
// other part that fails is recorded as a gap and the rest is returned.
func (c *Client) Snapshot(ctx context.Context, app string) (*audit.Snapshot, error) {
	return c.snapshot(ctx, app, plan{releaseMax: 1})
}

// plan says what one snapshot fetches and what it already knows. The zero
// plan (releaseMax aside) fetches everything: the single-app audit. A fleet
// fills app and addons from its team- or account-wide lists and skips the
// parts that cost a call each for little.
type plan struct {
	app         *audit.App    // the app's record, known: GET /apps/{app} is not made
	addons      []audit.Addon // the app's add-ons when addonsKnown
	addonsKnown bool
	skip        []audit.Part // not fetched: gapped, not failed, with skipReason
	skipReason  string
	// releaseMax is the first releases page: 1 finds the current release
	// in one small answer when the newest is current; a fleet asks for a
	// page of releasePageSize so a failed deploy on top costs no second call.
	releaseMax int
}

func (p plan) fetches(part audit.Part) bool { return !slices.Contains(p.skip, part) }

// snapshot is the one code path of single-app and fleet snapshots.
func (c *Client) snapshot(ctx context.Context, app string, p plan) (*audit.Snapshot, error) {
	if err := checkAppName(app); err != nil {
		return nil, &Error{App: app, Kind: Other, Msg: err.Error()}
	}
	start := time.Now()
	base := appPath(app)
	s := &collector{snap: &audit.Snapshot{App: audit.App{Name: app}}}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(c.concurrency)

	// part runs one fetch: a failure becomes a gap, except a rejected token,
	// which would fail every other request too.
	part := func(fetch func(context.Context) *Error, parts ...audit.Part) {
		if !p.fetches(parts[0]) {
			return
		}
		g.Go(func() error {
			e := fetch(gctx)
			s.count(e)
			if e != nil {
				if fatal(e) {
					return e
				}
				s.gap(e.Msg, true, parts...)
			}
			return nil
		})
	}

	// The release chain (releases -> slug -> blob) is the longest path:
	// start it first so everything else runs beside it.
	if p.fetches(audit.PartRelease) {
		g.Go(func() error {
			e := c.releaseChain(gctx, app, s, p.releaseMax)
			s.count(e)
			if fatal(e) {
				return e
			}
			return nil
		})
	}
	if p.app != nil {
		s.snap.App = *p.app
	} else {
		g.Go(func() error {
			var a wireApp
			if _, e := c.get(gctx, app, base, "", &a); e != nil {
				return e
			}
			s.set(func(snap *audit.Snapshot) { snap.App = mapApp(a, app) })
			return nil
		})
	}
	part(func(ctx context.Context) *Error {
		cv, e := c.configVars(ctx, app, base+"/config-vars")
		if e != nil {
			return e
		}
		s.set(func(snap *audit.Snapshot) { snap.ConfigVars = cv })
		return nil
	}, audit.PartConfig)
	part(func(ctx context.Context) *Error {
		return listPart(ctx, c, s, app, base+"/formation", func(snap *audit.Snapshot, v []wireFormation) { snap.Formation = mapFormation(v) })
	}, audit.PartFormation)
	part(func(ctx context.Context) *Error {
		return listPart(ctx, c, s, app, base+"/dynos", func(snap *audit.Snapshot, v []wireDyno) { snap.Dynos = mapDynos(v) })
	}, audit.PartDynos)
	if p.addonsKnown {
		s.snap.Addons = slices.Clone(p.addons)
	} else {
		part(func(ctx context.Context) *Error {
			return listPart(ctx, c, s, app, base+"/addons", func(snap *audit.Snapshot, v []wireAddon) { snap.Addons = mapAddons(v) })
		}, audit.PartAddons)
	}
	part(func(ctx context.Context) *Error {
		return listPart(ctx, c, s, app, base+"/buildpack-installations", func(snap *audit.Snapshot, v []wireBuildpack) { snap.Buildpacks = mapBuildpacks(v) })
	}, audit.PartBuildpacks)

	part(func(ctx context.Context) *Error {
		// domains and certificates answer one question (is HTTPS covered),
		// so they fill one part: both or neither. Two calls in a row stay
		// off the critical path (releases, slug, blob is three).
		ds, e := list[wireDomain](ctx, c, app, base+"/domains", nil)
		if e != nil {
			return e
		}
		certs, e := list[wireSNIEndpoint](ctx, c, app, base+"/sni-endpoints", nil)
		if e != nil {
			return e
		}
		s.set(func(snap *audit.Snapshot) { snap.Domains, snap.Certs = mapDomains(ds), mapCerts(certs) })
		return nil
	}, audit.PartDomains)
	part(func(ctx context.Context) *Error {
		// decoded into empty structs: a drain's URL is a credential and is
		// never held
		drains, e := list[struct{}](ctx, c, app, base+"/log-drains", nil)
		if e != nil {
			return e
		}
		s.set(func(snap *audit.Snapshot) { snap.LogDrains = len(drains) })
		return nil
	}, audit.PartLogDrains)
	part(func(ctx context.Context) *Error {
		fs, e := list[wireFeature](ctx, c, app, base+"/features", nil)
		if e != nil {
			return e
		}
		s.set(func(snap *audit.Snapshot) { snap.Features = enabledFeatures(fs) })
		return nil
	}, audit.PartFeatures)

	if err := g.Wait(); err != nil {
		return nil, err
	}
	snap := s.snap
	snap.Taken = start.UTC()
	// The caller's deadline passing mid-way leaves gaps that say only
	// "timed out"; the audit as a whole timed out.
	if err := ctx.Err(); err != nil && anyFailed(snap) {
		e := &Error{App: app, Kind: Timeout, Msg: "timed out after " + roundDuration(time.Since(start)).String()}
		if errors.Is(err, context.Canceled) {
			e.Kind, e.Msg = Other, "canceled"
		}
		return nil, e
	}
	// With the record known from a listing, nothing asked about the app
	// itself; every call answering "not found" means it went away (or out
	// of reach) since the listing.
	if p.app != nil && s.fetched > 0 && s.notFound == s.fetched {
		return nil, &Error{App: app, Kind: NotFound, Msg: "not found (or no access)"}
	}
	for _, part := range p.skip {
		snap.SetGap(part, p.skipReason, false)
	}
	if snap.App.Generation == "" && snap.Slug == nil && s.oci {
		// Team-app records carry no generation; a release of an OCI image
		// and no slug is what a Fir app deploys.
		snap.App.Generation = "fir"
	}
	if snap.App.Generation == "fir" && snap.Slug == nil {
		snap.SetGap(audit.PartSlug, reasonFir, false)
		snap.SetGap(audit.PartFiles, reasonFir, false)
	}
	return snap, nil
}

// listPart fetches a whole list and hands it to apply under the lock.
func listPart[T any](ctx context.Context, c *Client, s *collector, app, path string, apply func(*audit.Snapshot, []T)) *Error {
	items, e := list[T](ctx, c, app, path, nil)
	if e != nil {
		return e
	}
	s.set(func(snap *audit.Snapshot) { apply(snap, items) })
	return nil
}

func anyFailed(s *audit.Snapshot) bool {
	for _, g := range s.Gaps {
		if g.Failed {
			return true
		}
	}
	return false
}

// checkAppName rejects what cannot be an app name or id before it is put in
// a path. Heroku's own rules are stricter; the API answers those.
func checkAppName(app string) error { return checkIdent("app", app) }

// checkIdent vets a name or id of the given kind (app, team, pipeline)
// before it goes into a path.
func checkIdent(kind, s string) error {
	if s == "" {
		return errors.New("empty " + kind + " name")
	}
	if s == "." || s == ".." {
		return errors.New("invalid " + kind + " name")
	}
	if len(s) > 100 {
		return errors.New(kind + " name too long")
	}
	for _, r := range s {
		if r <= ' ' || r == 0x7f || r == '/' || r == '\\' {
			return errors.New("invalid " + kind + " name")
		}
	}
	return nil
}

// releaseChain fetches the current release, its slug and the slug's files,
// recording gaps for whatever is missing or failed.
func (c *Client) releaseChain(ctx context.Context, app string, s *collector, firstMax int) *Error {
	rel, e := c.currentRelease(ctx, app, firstMax)
	if e != nil {
		s.gap(e.Msg, true, audit.PartRelease, audit.PartSlug, audit.PartFiles)
		return e
	}
	if rel == nil {
		s.gap(reasonNoRelease, false, audit.PartRelease, audit.PartSlug, audit.PartFiles)
		return nil
	}
	r := mapRelease(*rel)
	oci := false
	for _, a := range rel.Artifacts {
		oci = oci || a.Type == "oci-image"
	}
	s.set(func(snap *audit.Snapshot) { snap.Release = &r; s.oci = oci })
	if r.SlugID == "" {
		s.gap(reasonNoSlug, false, audit.PartSlug, audit.PartFiles)
		return nil
	}
	var sl wireSlug
	if _, e := c.get(ctx, app, appPath(app)+"/slugs/"+url.PathEscape(r.SlugID), "", &sl); e != nil {
		s.gap(e.Msg, true, audit.PartSlug, audit.PartFiles)
		return e
	}
	m := mapSlug(sl)
	s.set(func(snap *audit.Snapshot) { snap.Slug = &m })
	if c.skipFiles {
		return nil
	}
	files, reason := c.readSlug(ctx, sl.Blob.Method, sl.Blob.URL, audit.GunicornConfigFile(sl.ProcessTypes["web"]))
	if reason != "" {
		s.gap(reason, true, audit.PartFiles)
		return nil
	}
	s.set(func(snap *audit.Snapshot) { snap.Files = files })
	return nil
}

// currentRelease returns the release marked current, or nil when the app has
// none. Usually the newest release is current; when it is not (a failed or
// pending deploy on top), it looks further back a page at a time. firstMax
// is the size of the first page asked for.
func (c *Client) currentRelease(ctx context.Context, app string, firstMax int) (*wireRelease, *Error) {
	path := appPath(app) + "/releases"
	firstMax = max(firstMax, 1)
	rels, next, e := c.releasePage(ctx, app, path, rangeValue(&hk.ListRange{Field: "version", Max: firstMax, Descending: true}))
	if e != nil {
		return nil, e
	}
	if len(rels) == 0 {
		return nil, nil
	}
	if r := pickCurrent(rels); r != nil {
		return r, nil
	}
	rng := rangeValue(&hk.ListRange{Field: "version", Max: releasePageSize, Descending: true})
	if firstMax >= releasePageSize {
		// The first page was already a full one: go on from where it ended.
		if next == "" {
			return nil, &Error{App: app, Kind: Other, Msg: "no current release among the newest releases on " + path}
		}
		rng = next
	}
	for range releasePages {
		page, next, e := c.releasePage(ctx, app, path, rng)
		if e != nil {
			return nil, e
		}
		if r := pickCurrent(page); r != nil {
			return r, nil
		}
		if next == "" || next == rng {
			break
		}
		rng = next
	}
	return nil, &Error{App: app, Kind: Other, Msg: "no current release among the newest releases on " + path}
}

// releasePage fetches one page of releases, item by item.
func (c *Client) releasePage(ctx context.Context, app, path, rng string) ([]wireRelease, string, *Error) {
	pg, e := c.getPage(ctx, app, path, rng, 0)
	if e != nil {
		return nil, "", e
	}
	rels, e := pageItems[wireRelease](c, app, path, pg.body, 0, false)
	if e != nil {
		return nil, "", e
	}
	return rels, pg.next, nil
}

// configVars fetches an app's config vars. A value that is neither a string
// nor null is left out with a notice naming the variable, never its value.
func (c *Client) configVars(ctx context.Context, app, path string) (map[string]string, *Error) {
	pg, e := c.getPage(ctx, app, path, "", 0)
	if e != nil {
		return nil, e
	}
	cv, odd, de := decodeConfigVars(pg.body)
	if de != nil {
		return nil, c.malformed(app, path, de)
	}
	slices.Sort(odd)
	for _, k := range odd {
		c.warnings.notice(fmt.Sprintf("%s: config var %q skipped: expected a string or null", path, cleanText(k, c.token, maxLabel)))
	}
	return cv, nil
}

func pickCurrent(rels []wireRelease) *wireRelease {
	var best *wireRelease
	for i := range rels {
		if rels[i].Current && (best == nil || rels[i].Version > best.Version) {
			best = &rels[i]
		}
	}
	return best
}

func mapApp(a wireApp, asked string) audit.App {
	return audit.App{
		Name:                 cmp.Or(a.Name, asked),
		ID:                   string(a.ID),
		Stack:                string(a.Stack),
		BuildStack:           string(a.BuildStack),
		Region:               string(a.Region),
		Generation:           strings.ToLower(string(a.Generation)),
		ACM:                  a.ACM,
		Maintenance:          a.Maintenance,
		Team:                 string(cmp.Or(a.Team, a.Organization)),
		Space:                string(a.Space),
		WebURL:               a.WebURL,
		BuildpackDescription: a.BuildpackDescription,
	}
}

func mapFormation(fs []wireFormation) []audit.Process {
	out := make([]audit.Process, 0, len(fs))
	for _, f := range fs {
		out = append(out, audit.Process{
			Type:     f.Type,
			Command:  f.Command,
			Quantity: int(f.Quantity),
			// dyno_size is current; size is deprecated but older records
			// carry only it. Sizes compare case-insensitively.
			Size: strings.ToLower(cmp.Or(string(f.DynoSize), f.Size)),
		})
	}
	return out
}

func mapDynos(ds []wireDyno) []audit.Dyno {
	out := make([]audit.Dyno, 0, len(ds))
	for _, d := range ds {
		out = append(out, audit.Dyno{Name: d.Name, Type: d.Type, State: d.State, Size: strings.ToLower(d.Size)})
	}
	return out
}

func mapAddons(as []wireAddon) []audit.Addon {
	out := make([]audit.Addon, 0, len(as))
	for _, a := range as {
		out = append(out, mapAddon(a))
	}
	return out
}

func mapAddon(a wireAddon) audit.Addon {
	return audit.Addon{
		Name:       a.Name,
		Service:    string(a.AddonService),
		Plan:       string(a.Plan),
		State:      a.State,
		ConfigVars: a.ConfigVars,
	}
}

// mapBuildpacks lists buildpacks in build order. A URL keeps no credentials
// or query (private buildpack URLs sometimes embed a token).
func mapBuildpacks(bs []wireBuildpack) []string {
	bs = slices.Clone(bs)
	slices.SortStableFunc(bs, func(a, b wireBuildpack) int { return cmp.Compare(a.Ordinal, b.Ordinal) })
	out := make([]string, 0, len(bs))
	for _, b := range bs {
		out = append(out, scrubURL(cmp.Or(b.Buildpack.Name, b.Buildpack.URL)))
	}
	return out
}

// scrubURL drops the userinfo and query of something that parses as an
// absolute URL; anything else (a registry name) is returned as is.
func scrubURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		if strings.Contains(s, "@") || strings.Contains(s, "?") {
			return "[unparseable buildpack URL]"
		}
		return s
	}
	if u.Scheme == "" || u.Host == "" {
		return s
	}
	u.User = nil
	u.RawQuery = ""
	u.ForceQuery = false
	return u.String()
}

// enabledFeatures names the app's enabled features (labs and platform
// features such as runtime-dyno-metadata), sorted.
func enabledFeatures(fs []wireFeature) []string {
	var out []string
	for _, f := range fs {
		if f.Enabled {
			out = append(out, f.Name)
		}
	}
	slices.Sort(out)
	return out
}

func mapDomains(ds []wireDomain) []audit.Domain {
	out := make([]audit.Domain, 0, len(ds))
	for _, d := range ds {
		out = append(out, audit.Domain{
			Hostname:        d.Hostname,
			Kind:            d.Kind,
			ACMStatus:       d.ACMStatus,
			ACMStatusReason: d.ACMStatusReason,
			SNIEndpoint:     string(d.SNIEndpoint),
		})
	}
	return out
}

func mapCerts(es []wireSNIEndpoint) []audit.Cert {
	out := make([]audit.Cert, 0, len(es))
	for _, e := range es {
		out = append(out, audit.Cert{Name: e.Name, ACM: e.SSLCert.ACM, ExpiresAt: e.SSLCert.ExpiresAt.Time, Domains: e.Domains})
	}
	return out
}

func mapRelease(r wireRelease) audit.Release {
	out := audit.Release{Version: int(r.Version), ID: string(r.ID), Status: r.Status}
	if r.Slug != nil {
		out.SlugID = string(r.Slug.ID)
	}
	return out
}

func mapSlug(s wireSlug) audit.Slug {
	out := audit.Slug{ID: string(s.ID), ProcessTypes: s.ProcessTypes, Stack: string(s.Stack), BuildpackDescription: s.BuildpackDescription}
	if s.Size != nil {
		out.Size = int64(*s.Size)
	}
	return out
}
