package heroku

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/url"
	"path"
	"slices"
	"sync"

	hk "github.com/heroku/heroku-go/v6"
	"golang.org/x/sync/errgroup"

	"github.com/herokuaudit/herokuaudit/audit"
)

// AppRef names one app of a fleet.
type AppRef struct {
	Name  string
	Stage string // pipeline stage (test, review, development, staging, production); "" if none or unknown
	Team  string // owning team; "" for a personal app
}

// listMax is the largest page the API serves: asked for on every listing
// so that a few hundred apps cost one call, not one per 200.
const listMax = 1000

// reasonFleetSkip is the gap of the parts a fleet does not fetch.
const reasonFleetSkip = "not fetched in fleet audits (use herokuaudit APP for these checks)"

// fleetSkip are the parts a fleet leaves out: each costs a call per app
// (two for domains and certificates) for checks that matter less across a
// fleet than the config, process and slug checks.
var fleetSkip = []audit.Part{audit.PartBuildpacks, audit.PartDomains, audit.PartLogDrains, audit.PartFeatures}

// stageOrder sorts pipeline apps the way a pipeline is shown.
var stageOrder = []string{"test", "review", "development", "staging", "production"}

// ListTeamApps lists every app of a team (GET /teams/{team}/apps, every
// page), sorted by name.
func (c *Client) ListTeamApps(ctx context.Context, team string) ([]AppRef, error) {
	lctx, cancel := c.listCtx(ctx)
	defer cancel()
	apps, e := c.teamApps(lctx, team)
	if e != nil {
		return nil, c.listFailed(ctx, lctx, e)
	}
	return refsOf(apps, team), nil
}

// ListAllApps lists every app the token can see (GET /apps, every page),
// sorted by name.
func (c *Client) ListAllApps(ctx context.Context) ([]AppRef, error) {
	lctx, cancel := c.listCtx(ctx)
	defer cancel()
	apps, e := c.accountApps(lctx)
	if e != nil {
		return nil, c.listFailed(ctx, lctx, e)
	}
	return refsOf(apps, ""), nil
}

// ListPipelineApps resolves a pipeline by name or id (GET
// /pipelines/{pipeline}) and lists its coupled apps with their stages (GET
// /pipelines/{id}/pipeline-couplings), sorted by stage, then name.
//
// A coupling names its app by id only. With one coupled app, one GET
// /apps/{id} names it; with more, one GET /apps listing (a single call for
// up to 1,000 apps) names them all, and an app missing from it (a team app
// the user has not joined) is asked for by id. An app that cannot be named
// keeps its id as Name: auditing it then reports why, and the other apps
// of the pipeline are still audited.
func (c *Client) ListPipelineApps(ctx context.Context, pipeline string) ([]AppRef, error) {
	lctx, cancel := c.listCtx(ctx)
	defer cancel()
	refs, e := c.listPipelineApps(lctx, pipeline)
	if e != nil {
		return nil, c.listFailed(ctx, lctx, e)
	}
	return refs, nil
}

func (c *Client) listPipelineApps(ctx context.Context, pipeline string) ([]AppRef, *Error) {
	scope := fmt.Sprintf("pipeline %q", pipeline)
	if err := checkIdent("pipeline", pipeline); err != nil {
		return nil, &Error{Scope: scope, Kind: Other, Msg: err.Error()}
	}
	var p wirePipeline
	if _, e := c.get(ctx, "", "/pipelines/"+url.PathEscape(pipeline), "", &p); e != nil {
		return nil, scoped(e, scope)
	}
	if checkIdent("pipeline", string(p.ID)) != nil {
		return nil, &Error{Scope: scope, Kind: Malformed, Msg: "malformed response from /pipelines/" + url.PathEscape(pipeline) + ": no pipeline id"}
	}
	// A lone coupling object is read as a list of one.
	couplings, e := listOpt[wireCoupling](ctx, c, "", "/pipelines/"+url.PathEscape(string(p.ID))+"/pipeline-couplings", &hk.ListRange{Field: "id", Max: listMax}, true)
	if e != nil {
		return nil, scoped(e, scope)
	}
	var ids []string
	for _, cp := range couplings {
		if id := string(cp.App.ID); id != "" && !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	named, e := c.appsByID(ctx, ids)
	if e != nil {
		return nil, scoped(e, scope)
	}
	var refs []AppRef
	seen := map[string]bool{}
	for _, cp := range couplings {
		id := string(cp.App.ID)
		if id == "" || seen[id] {
			continue
		}
		seen[id] = true
		ref := AppRef{Name: id, Stage: cp.Stage}
		if a, ok := named[id]; ok {
			ref.Name, ref.Team = a.Name, a.Team
		}
		refs = append(refs, ref)
	}
	slices.SortFunc(refs, func(a, b AppRef) int {
		return cmp.Or(cmp.Compare(stageRank(a.Stage), stageRank(b.Stage)), cmp.Compare(a.Name, b.Name))
	})
	return refs, nil
}

func stageRank(s string) int {
	if i := slices.Index(stageOrder, s); i >= 0 {
		return i
	}
	return len(stageOrder)
}

// appsByID names the apps with the given ids, in as few calls as it can
// (see ListPipelineApps). Only a rejected token or the context ending is an
// error; an app that cannot be named is left out.
func (c *Client) appsByID(ctx context.Context, ids []string) (map[string]audit.App, *Error) {
	out := map[string]audit.App{}
	if len(ids) > 1 {
		apps, e := c.accountApps(ctx)
		switch {
		case e != nil && (fatal(e) || ctx.Err() != nil):
			return nil, e
		case e == nil:
			for _, a := range apps {
				if slices.Contains(ids, string(a.ID)) {
					out[string(a.ID)] = mapApp(a, a.Name)
				}
			}
		}
	}
	// the ones the listing did not name, chosen before any goroutine
	// writes to out
	var missing []string
	for _, id := range ids {
		if _, ok := out[id]; !ok && checkAppName(id) == nil {
			missing = append(missing, id)
		}
	}
	var mu sync.Mutex
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(c.concurrency)
	for _, id := range missing {
		g.Go(func() error {
			var a wireApp
			if _, e := c.get(gctx, id, appPath(id), "", &a); e != nil {
				if fatal(e) {
					return e
				}
				return nil
			}
			if a.Name != "" {
				mu.Lock()
				out[id] = mapApp(a, a.Name)
				mu.Unlock()
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		var e *Error
		errors.As(err, &e)
		return nil, e
	}
	if err := ctx.Err(); err != nil {
		return nil, &Error{Kind: Other, Msg: "canceled"}
	}
	return out, nil
}

// MatchApps keeps the refs whose name matches any of the shell-style globs
// (path.Match: *, ?, [a-z]); no globs keeps them all. Order is kept. A
// malformed glob matches nothing: check flags with CheckGlobs first.
func MatchApps(refs []AppRef, globs []string) []AppRef {
	out := make([]AppRef, 0, len(refs))
	for _, r := range refs {
		if len(globs) == 0 || matchAny(globs, r.Name) {
			out = append(out, r)
		}
	}
	return out
}

func matchAny(globs []string, name string) bool {
	for _, g := range globs {
		if ok, err := path.Match(g, name); err == nil && ok {
			return true
		}
	}
	return false
}

// CheckGlobs reports the first malformed glob (an unclosed '[', a trailing
// '\'), so a command can refuse it instead of silently matching nothing.
func CheckGlobs(globs []string) error {
	for _, g := range globs {
		if _, err := path.Match(g, ""); err != nil {
			return fmt.Errorf("bad app pattern %q: %w", g, err)
		}
	}
	return nil
}

// Fleet audits many apps with few calls: the app records and add-ons of the
// whole team (or account) are fetched once when it is built, and a snapshot
// then costs at most five calls per app (see Snapshot). It is safe for
// concurrent use.
type Fleet struct {
	c        *Client
	refs     []AppRef
	byKey    map[string]*audit.App // by name and by id
	addons   map[string][]audit.Addon
	addonsOK bool // the add-ons listing succeeded: addons holds every app's
	warnings []string
	// parallel is how many apps Each audits at once.
	parallel int
}

// NewTeamFleet builds the fleet of a team's apps: GET /teams/{team}/apps
// (app records: stack, region, space, maintenance, web URL; team-app
// records carry no acm and no generation) and GET /teams/{team}/addons (the
// team's add-ons, assigned to their billing app), once each. If the add-on
// listing fails, each app's add-ons are fetched with it instead (one more
// call per app) and Warnings says so.
func (c *Client) NewTeamFleet(parent context.Context, team string) (*Fleet, error) {
	ctx, cancel := c.listCtx(parent)
	defer cancel()
	scope := fmt.Sprintf("team %q", team)
	var apps []wireApp
	var addons []wireAddon
	var appsErr, addonsErr *Error
	var wg sync.WaitGroup
	wg.Go(func() { apps, appsErr = c.teamApps(ctx, team) })
	wg.Go(func() {
		if checkIdent("team", team) == nil {
			addons, addonsErr = list[wireAddon](ctx, c, "", "/teams/"+url.PathEscape(team)+"/addons", &hk.ListRange{Field: "id", Max: listMax})
		}
	})
	wg.Wait()
	if appsErr != nil {
		return nil, c.listFailed(parent, ctx, appsErr)
	}
	// An add-on listing that ran out of time degrades to per-app add-ons,
	// with a warning; only the caller's own context ending stops the fleet.
	if addonsErr != nil && (fatal(addonsErr) || parent.Err() != nil) {
		return nil, scoped(addonsErr, scope)
	}
	if addonsErr != nil {
		addonsErr = c.listFailed(parent, ctx, addonsErr)
	}
	f := c.newFleet(refsOf(apps, team), apps)
	f.setAddons(scope, addons, addonsErr)
	return f, nil
}

// NewFleet builds a fleet of the given apps (from ListAllApps,
// ListPipelineApps or a list of names): GET /apps (every app record the
// token can see, acm and generation included) and GET /addons (the
// account's add-ons), once each; no calls when refs is empty. An app
// missing from those listings (a team app the user has not joined) has its
// record and add-ons fetched with it: two more calls for that app. A
// failed listing degrades the same way, with a warning.
func (c *Client) NewFleet(parent context.Context, refs []AppRef) (*Fleet, error) {
	ctx, cancel := c.listCtx(parent)
	defer cancel()
	refs = slices.Clone(refs)
	if len(refs) == 0 {
		return c.newFleet(refs, nil), nil
	}
	const scope = "account"
	var apps []wireApp
	var addons []wireAddon
	var appsErr, addonsErr *Error
	var wg sync.WaitGroup
	wg.Go(func() { apps, appsErr = c.accountApps(ctx) })
	wg.Go(func() {
		addons, addonsErr = list[wireAddon](ctx, c, "", "/addons", &hk.ListRange{Field: "id", Max: listMax})
	})
	wg.Wait()
	for _, e := range []*Error{appsErr, addonsErr} {
		if e != nil && (fatal(e) || parent.Err() != nil) {
			return nil, scoped(e, scope)
		}
	}
	if appsErr != nil {
		appsErr = c.listFailed(parent, ctx, appsErr)
	}
	if addonsErr != nil {
		addonsErr = c.listFailed(parent, ctx, addonsErr)
	}
	f := c.newFleet(refs, apps)
	if appsErr != nil {
		f.warnings = append(f.warnings, fmt.Sprintf("%s: apps could not be listed (%s); fetching each app's record with it", scope, appsErr.Msg))
	}
	f.setAddons(scope, addons, addonsErr)
	return f, nil
}

func (c *Client) newFleet(refs []AppRef, apps []wireApp) *Fleet {
	f := &Fleet{c: c, refs: refs, byKey: map[string]*audit.App{}, parallel: 2 * c.concurrency}
	for _, a := range apps {
		if a.Name == "" {
			continue
		}
		rec := mapApp(a, a.Name)
		f.byKey[a.Name] = &rec
		if a.ID != "" {
			f.byKey[string(a.ID)] = &rec
		}
	}
	// A ref's stage (and team, when a listing had none) goes on its record.
	for _, r := range refs {
		if rec := f.byKey[r.Name]; rec != nil {
			rec.Stage = r.Stage
			rec.Team = cmp.Or(rec.Team, r.Team)
		}
	}
	return f
}

// setAddons groups a listing's add-ons by their app, by id and by name.
func (f *Fleet) setAddons(scope string, addons []wireAddon, err *Error) {
	if err != nil {
		f.warnings = append(f.warnings, fmt.Sprintf("%s: add-ons could not be listed (%s); fetching each app's add-ons with it", scope, err.Msg))
		return
	}
	f.addonsOK = true
	f.addons = map[string][]audit.Addon{}
	for _, a := range addons {
		m := mapAddon(a)
		id := string(a.App.ID)
		if id != "" {
			f.addons[id] = append(f.addons[id], m)
		}
		if a.App.Name != "" && a.App.Name != id {
			f.addons[a.App.Name] = append(f.addons[a.App.Name], m)
		}
	}
}

// Apps returns the fleet's apps: a team's, sorted by name, or the refs it
// was built from, in their order.
func (f *Fleet) Apps() []AppRef { return slices.Clone(f.refs) }

// Warnings says, one line each, where the fleet fell back to per-app calls
// because a team- or account-wide listing failed. Nil when none did.
func (f *Fleet) Warnings() []string { return slices.Clone(f.warnings) }

// Snapshot fetches one app of the fleet in at most five API calls:
// config-vars, formation, dynos, releases (one page of 10, which holds the
// current release unless ten newer deploys failed) and slug info; the slug
// tarball download is not an API call. The app record and add-ons come from
// the fleet's listings. Buildpacks, domains and SNI endpoints, and log drains
// are not fetched: they are gaps with failed=false and reason "not fetched in
// fleet audits (use herokuaudit APP for these checks)", so their checks skip.
//
// An app the listings did not hold costs two more calls (its record and
// add-ons). A rate-limited request waits for the budget to refill as long
// as ctx lives (see RetryPolicy.FleetMaxAttempts). An app every call
// answers "not found" for fails with a NotFound *Error; any other failure
// is a gap, as in Client.Snapshot.
func (f *Fleet) Snapshot(ctx context.Context, app string) (*audit.Snapshot, error) {
	p := plan{skip: fleetSkip, skipReason: reasonFleetSkip, releaseMax: releasePageSize}
	rec := f.byKey[app]
	if rec != nil {
		r := *rec
		p.app = &r
		if f.addonsOK {
			p.addons = f.addonsOf(r)
			p.addonsKnown = true
		}
	}
	snap, err := f.c.snapshot(patient(ctx), app, p)
	if err != nil {
		return nil, err
	}
	if rec == nil {
		// Fetched with it: the stage is only known from the ref.
		for _, r := range f.refs {
			if r.Name == app {
				snap.App.Stage = r.Stage
				snap.App.Team = cmp.Or(snap.App.Team, r.Team)
			}
		}
	}
	return snap, nil
}

func (f *Fleet) addonsOf(rec audit.App) []audit.Addon {
	if rec.ID != "" {
		if as, ok := f.addons[rec.ID]; ok {
			return as
		}
	}
	return f.addons[rec.Name]
}

// Each snapshots refs (usually MatchApps(f.Apps(), globs)) a few at a time:
// enough apps at once to keep the client's concurrency bound busy, since an
// app spends part of its time on its slug download and on the releases ->
// slug chain. fn is called once per ref, concurrently, with the ref's index
// and its snapshot or error; it must be safe for concurrent use. Each
// returns when every fn has returned, with ctx's error if ctx ended first
// (the refs not yet audited then get that error too).
func (f *Fleet) Each(ctx context.Context, refs []AppRef, fn func(i int, snap *audit.Snapshot, err error)) error {
	var g errgroup.Group
	g.SetLimit(max(f.parallel, 1))
	for i, r := range refs {
		g.Go(func() error {
			snap, err := f.Snapshot(ctx, r.Name)
			fn(i, snap, err)
			return nil
		})
	}
	_ = g.Wait()
	return ctx.Err()
}

// errListTimeout is the cause of a listing context that ran out.
var errListTimeout = errors.New("listing timeout")

// listCtx bounds a fleet listing by Options.ListTimeout, whatever the
// caller's context allows: a listing that is rate limited forever (its
// 429s are retried as long as the context lives) still ends.
func (c *Client) listCtx(ctx context.Context) (context.Context, context.CancelFunc) {
	ctx = patient(ctx)
	if c.listTimeout <= 0 {
		return context.WithCancel(ctx)
	}
	return context.WithTimeoutCause(ctx, c.listTimeout, errListTimeout)
}

// listFailed says so when a listing failed because its own timeout ran
// out, rather than the caller's context.
func (c *Client) listFailed(parent, lctx context.Context, e *Error) *Error {
	if e == nil || parent.Err() != nil || !errors.Is(context.Cause(lctx), errListTimeout) ||
		e.Kind != Timeout && e.Kind != RateLimited {
		return e
	}
	out := *e
	out.Msg += fmt.Sprintf(" (gave up at the %s listing timeout)", c.listTimeout)
	return &out
}

// teamApps fetches every app record of a team. Team-app objects are a subset
// of app objects (no acm, no generation), so they decode into wireApp.
func (c *Client) teamApps(ctx context.Context, team string) ([]wireApp, *Error) {
	scope := fmt.Sprintf("team %q", team)
	if err := checkIdent("team", team); err != nil {
		return nil, &Error{Scope: scope, Kind: Other, Msg: err.Error()}
	}
	apps, e := list[wireApp](ctx, c, "", "/teams/"+url.PathEscape(team)+"/apps", &hk.ListRange{Field: "id", Max: listMax})
	if e != nil {
		return nil, scoped(e, scope)
	}
	return apps, nil
}

// accountApps fetches every app record the token can see.
func (c *Client) accountApps(ctx context.Context) ([]wireApp, *Error) {
	apps, e := list[wireApp](ctx, c, "", "/apps", &hk.ListRange{Field: "id", Max: listMax})
	if e != nil {
		return nil, scoped(e, "account")
	}
	return apps, nil
}

// refsOf names the listed apps, sorted by name; team is the default owner.
func refsOf(apps []wireApp, team string) []AppRef {
	refs := make([]AppRef, 0, len(apps))
	seen := map[string]bool{}
	for _, a := range apps {
		if a.Name == "" || seen[a.Name] {
			continue
		}
		seen[a.Name] = true
		refs = append(refs, AppRef{Name: a.Name, Team: cmp.Or(mapApp(a, a.Name).Team, team)})
	}
	slices.SortFunc(refs, func(a, b AppRef) int { return cmp.Compare(a.Name, b.Name) })
	return refs
}
