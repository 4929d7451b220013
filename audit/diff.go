package audit

import (
	"cmp"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// What a diff entry is about. The order here is the order entries of equal
// risk are listed in.
const (
	DiffConfig    = "config"
	DiffAddon     = "addon"
	DiffProcess   = "process"
	DiffStack     = "stack"
	DiffPython    = "python"
	DiffBuildpack = "buildpack"
	DiffRegion    = "region"
	DiffFeature   = "feature"
	DiffCheck     = "check"
)

var diffKinds = []string{DiffConfig, DiffAddon, DiffProcess, DiffStack, DiffPython, DiffBuildpack, DiffRegion, DiffFeature, DiffCheck}

// How the two apps differ on one key.
const (
	ChangeOnlyInA     = "only-in-a"
	ChangeOnlyInB     = "only-in-b"
	ChangeChanged     = "changed"
	ChangeSameSecret  = "same-secret" // not a difference but a finding: both apps hold the same secret
	ChangeUnavailable = "unavailable" // a part of either snapshot is missing, so the kind was not compared
)

// DiffEntry is one difference between two apps. A and B are what may be
// shown of each side: a plain value, a keyed fingerprint ("fp:1a2b3c4d")
// for a secret, or "" when the side has no such key. Reason is one line.
type DiffEntry struct {
	Kind   string   `json:"kind"`
	Key    string   `json:"key"`
	Change string   `json:"change"`
	Risk   Severity `json:"risk"`
	Reason string   `json:"reason"`
	A      string   `json:"a"`
	B      string   `json:"b"`
}

// Diff is the comparison of app A (the earlier stage, what is promoted) with
// app B (the later stage, where it goes), riskiest entries first.
type Diff struct {
	A       string      `json:"a"`
	B       string      `json:"b"`
	Entries []DiffEntry `json:"entries"`
}

// AtOrAbove counts the entries whose risk is at least min.
func (d Diff) AtOrAbove(min Severity) int {
	n := 0
	for _, e := range d.Entries {
		if e.Risk >= min {
			n++
		}
	}
	return n
}

// Compare diffs two snapshots: config vars, add-ons, formation, stack,
// Python pin, buildpacks, region, and the two audits' verdicts (ra, rb).
// Secret values are never put in an entry: they are compared in memory and
// shown as HMAC-SHA256 fingerprints under key, which the caller makes at
// random for each run so a fingerprint cannot be looked up or brute-forced
// later. With an empty key secrets are shown as "(secret)".
func Compare(a, b *Snapshot, ra, rb Result, key []byte) Diff {
	if a == nil {
		a = &Snapshot{}
	}
	if b == nil {
		b = &Snapshot{}
	}
	c := &comparer{a: a, b: b, key: key, nameA: a.App.Name, nameB: b.App.Name}
	if c.nameA == "" {
		c.nameA = "A"
	}
	if c.nameB == "" {
		c.nameB = "B"
	}
	if c.available(DiffConfig, PartConfig) {
		c.config()
	}
	if c.available(DiffAddon, PartAddons) {
		c.addons()
	}
	if c.available(DiffProcess, PartFormation) {
		c.formation()
	}
	if c.available(DiffStack, PartApp) {
		c.stack()
		c.region()
	}
	if c.available(DiffPython, PartFiles) {
		c.python()
	}
	if c.available(DiffBuildpack, PartBuildpacks) {
		c.buildpacks()
	}
	if c.available(DiffFeature, PartFeatures) {
		c.features()
	}
	c.verdicts(ra, rb)
	slices.SortStableFunc(c.out, func(x, y DiffEntry) int {
		return cmp.Or(
			cmp.Compare(y.Risk, x.Risk),
			cmp.Compare(slices.Index(diffKinds, x.Kind), slices.Index(diffKinds, y.Kind)),
			strings.Compare(x.Key, y.Key),
			strings.Compare(x.Change, y.Change),
		)
	})
	if c.out == nil {
		c.out = []DiffEntry{}
	}
	return Diff{A: a.App.Name, B: b.App.Name, Entries: c.out}
}

type comparer struct {
	a, b         *Snapshot
	key          []byte
	nameA, nameB string
	out          []DiffEntry
}

func (c *comparer) add(kind, key, change string, risk Severity, a, b, reason string, args ...any) {
	c.out = append(c.out, DiffEntry{Kind: kind, Key: key, Change: change, Risk: risk,
		Reason: fmt.Sprintf(reason, args...), A: a, B: b})
}

// available reports whether part can be compared; when it cannot, one entry
// says why instead of a flood of bogus "only in" entries. A part that could
// not be fetched is a medium risk (the diff is incomplete); one that does
// not apply (no slug on a Fir app) is info.
func (c *comparer) available(kind string, p Part) bool {
	ga, okA := c.a.Gaps[p]
	gb, okB := c.b.Gaps[p]
	if !okA && !okB {
		return true
	}
	risk := Info
	if ga.Failed || gb.Failed {
		risk = Medium
	}
	var why []string
	if okA {
		why = append(why, c.nameA+": "+oneLine(ga.Reason))
	}
	if okB {
		why = append(why, c.nameB+": "+oneLine(gb.Reason))
	}
	c.add(kind, string(p), ChangeUnavailable, risk, "", "", "not compared: %s", strings.Join(why, "; "))
	return false
}

// fingerprint is what a secret shows: equal fingerprints mean equal values
// within one run, and nothing about the value otherwise.
func (c *comparer) fingerprint(v string) string {
	if len(c.key) == 0 {
		return "(secret)"
	}
	m := hmac.New(sha256.New, c.key)
	m.Write([]byte(v))
	return "fp:" + hex.EncodeToString(m.Sum(nil))[:8]
}

// ---- config vars ----

func (c *comparer) config() {
	addonVars := map[string]string{} // var -> the service that manages it
	for _, s := range []*Snapshot{c.a, c.b} {
		for _, ad := range s.Addons {
			for _, v := range ad.ConfigVars {
				addonVars[v] = ad.Service
			}
		}
	}
	names := map[string]bool{}
	for n := range c.a.ConfigVars {
		names[n] = true
	}
	for n := range c.b.ConfigVars {
		names[n] = true
	}
	for _, n := range sortedKeys(names) {
		va, inA := c.a.ConfigVars[n]
		vb, inB := c.b.ConfigVars[n]
		_, fromAddon := addonVars[n]
		secret := fromAddon || IsSecret(n, va) || IsSecret(n, vb)
		show := func(v string, in bool) string {
			switch {
			case !in:
				return ""
			case secret:
				return c.fingerprint(v)
			}
			return oneLine(v)
		}
		da, db := show(va, inA), show(vb, inB)
		switch {
		case inA && inB && va == vb:
			if secret && va != "" {
				c.add(DiffConfig, n, ChangeSameSecret, High, da, db, "%s", sameSecretReason(n, c.nameA, c.nameB))
			}
		case inA && inB:
			c.configChanged(n, va, vb, da, db, secret, addonVars)
		case inA:
			c.configOnlyA(n, va, da, addonVarOf(c.a, n))
		default:
			c.configOnlyB(n, vb, db, addonVarOf(c.b, n))
		}
	}
	c.crossSharedSecrets(addonVars)
}

func (c *comparer) configChanged(n, va, vb, da, db string, secret bool, addonVars map[string]string) {
	if svc, ok := addonVars[n]; ok {
		c.add(DiffConfig, n, ChangeChanged, Info, da, db, "expected: managed by the %s add-on", svc)
		return
	}
	if managedName(n) {
		c.add(DiffConfig, n, ChangeChanged, Info, da, db, "expected: set by Heroku or an add-on for each app")
		return
	}
	if secret {
		c.add(DiffConfig, n, ChangeChanged, Info, da, db, "each app has its own value, as it should")
		return
	}
	ra, rb := riskyConfig(n, va), riskyConfig(n, vb)
	switch {
	case rb != nil && ra == nil:
		c.add(DiffConfig, n, ChangeChanged, rb.risk, da, db, "%s %s with %s; %s does not", c.nameB, rb.what, n, c.nameA)
	case ra != nil && rb == nil:
		c.add(DiffConfig, n, ChangeChanged, Low, da, db, "%s %s with %s; %s does not", c.nameA, ra.what, n, c.nameB)
	default:
		c.add(DiffConfig, n, ChangeChanged, Low, da, db, "the values differ")
	}
}

func (c *comparer) configOnlyA(n, va, da, addon string) {
	switch {
	case addon != "":
		c.add(DiffConfig, n, ChangeOnlyInA, Info, da, "", "set by %s's %s add-on, which %s lacks", c.nameA, addon, c.nameB)
	case riskyConfig(n, va) != nil:
		c.add(DiffConfig, n, ChangeOnlyInA, Low, da, "", "only %s sets it (%s); %s keeps the default",
			c.nameA, riskyConfig(n, va).what, c.nameB)
	default:
		c.add(DiffConfig, n, ChangeOnlyInA, Medium, da, "", "%s lacks a var %s sets: code promoted from %s may need it",
			c.nameB, c.nameA, c.nameA)
	}
}

func (c *comparer) configOnlyB(n, vb, db, addon string) {
	switch {
	case addon != "":
		c.add(DiffConfig, n, ChangeOnlyInB, Info, "", db, "set by %s's %s add-on, which %s lacks", c.nameB, addon, c.nameA)
	case riskyConfig(n, vb) != nil:
		r := riskyConfig(n, vb)
		c.add(DiffConfig, n, ChangeOnlyInB, r.risk, "", db, "only %s sets it: it %s", c.nameB, r.what)
	default:
		c.add(DiffConfig, n, ChangeOnlyInB, Low, "", db, "only %s sets it: %s does not test with it", c.nameB, c.nameA)
	}
}

// crossSharedSecrets finds a secret of A held by B under another name: a
// production database attached to staging as PROD_DATABASE_URL, say. The
// key names both vars, "A_NAME/B_NAME".
func (c *comparer) crossSharedSecrets(addonVars map[string]string) {
	isSecret := func(n, v string) bool {
		_, fromAddon := addonVars[n]
		return len(v) >= minCrossSecretLen && (fromAddon || IsSecret(n, v))
	}
	for _, na := range sortedKeys(c.a.ConfigVars) {
		v := c.a.ConfigVars[na]
		if !isSecret(na, v) {
			continue
		}
		for _, nb := range sortedKeys(c.b.ConfigVars) {
			if nb == na || c.b.ConfigVars[nb] != v || !isSecret(nb, v) {
				continue
			}
			// already reported under one name as a same-key same-secret
			if c.b.ConfigVars[na] == v || c.a.ConfigVars[nb] == v {
				continue
			}
			fp := c.fingerprint(v)
			c.add(DiffConfig, na+"/"+nb, ChangeSameSecret, High, fp, fp,
				"%s's %s holds the same secret as %s's %s", c.nameA, na, c.nameB, nb)
		}
	}
}

// minCrossSecretLen keeps coincidences ("none", "x") out of the match across
// different names; under one name any equal secret counts.
const minCrossSecretLen = 8

func sameSecretReason(name, a, b string) string {
	n := strings.ToUpper(name)
	switch {
	case strings.Contains(n, "SECRET_KEY"):
		return fmt.Sprintf("%s and %s sign with the same key: a session or token made in %s is valid in %s", a, b, a, b)
	case datastoreName.MatchString(n):
		return fmt.Sprintf("%s and %s use the same datastore credentials: %s can read and write %s's data", a, b, a, b)
	}
	return fmt.Sprintf("%s and %s share this secret: a leak from %s exposes %s", a, b, a, b)
}

func addonVarOf(s *Snapshot, name string) string {
	for _, ad := range s.Addons {
		if slices.Contains(ad.ConfigVars, name) {
			return ad.Service
		}
	}
	return ""
}

// managedAddonPrefixes are the config var prefixes of common add-ons: their
// values are provisioned per app, so they are expected to differ.
var managedAddonPrefixes = []string{
	"HEROKU_", "BONSAI_", "BUCKETEER_", "CLOUDAMQP_", "CLOUDCUBE_", "CLOUDINARY_", "CLEARDB_",
	"ELASTICSEARCH_", "JAWSDB_", "MAILGUN_", "MEMCACHIER_", "MONGODB_", "MONGOLAB_", "NEW_RELIC_",
	"PAPERTRAIL_", "REDISCLOUD_", "REDISTOGO_", "SEARCHBOX_", "SENDGRID_", "STACKHERO_",
}

// managedName reports a var Heroku or an add-on sets for each app.
func managedName(name string) bool {
	n := strings.ToUpper(name)
	switch n {
	case "DATABASE_URL", "REDIS_URL", "REDIS_TLS_URL", "PORT", "DYNO":
		return true
	}
	for _, p := range managedAddonPrefixes {
		if strings.HasPrefix(n, p) {
			return true
		}
	}
	return false
}

// riskyVar is a config setting that weakens an app when set a certain way.
type riskyVar struct {
	names []string
	risky func(string) bool
	risk  Severity
	what  string // "turns debug mode on"
}

var riskyVars = []riskyVar{
	{[]string{"DEBUG", "FLASK_DEBUG"}, isTruthy, High, "turns debug mode on"},
	{[]string{"FLASK_ENV"}, func(v string) bool { return strings.EqualFold(strings.TrimSpace(v), "development") }, High, "turns debug mode on"},
	{[]string{"GUNICORN_CMD_ARGS"}, func(v string) bool { return strings.Contains(v, "--reload") }, High, "turns gunicorn's reloader on"},
	{[]string{"WTF_CSRF_ENABLED"}, isFalsy, High, "turns CSRF protection off"},
	{[]string{"CORS_ORIGINS", "CORS_ALLOW_ORIGINS", "CORS_ORIGIN_WHITELIST"}, func(v string) bool { return strings.Contains(v, "*") }, High, "allows CORS from every origin"},
	{[]string{"PGSSLMODE"}, func(v string) bool {
		switch strings.ToLower(strings.TrimSpace(v)) {
		case "disable", "allow", "prefer":
			return true
		}
		return false
	}, High, "lets Postgres connect without TLS"},
	{[]string{"SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "REMEMBER_COOKIE_SECURE"}, isFalsy, Medium, "weakens the session cookie"},
	{[]string{"SESSION_COOKIE_SAMESITE"}, func(v string) bool { return strings.EqualFold(strings.TrimSpace(v), "none") }, Medium, "sends the session cookie cross-site"},
	{[]string{"SQLALCHEMY_ECHO"}, isTruthy, Medium, "logs every SQL statement with its parameters"},
	{[]string{"LOG_LEVEL", "LOGLEVEL"}, func(v string) bool { return strings.EqualFold(strings.TrimSpace(v), "debug") }, Low, "logs at debug level"},
}

// riskyConfig returns the rule a var's value breaks, or nil.
func riskyConfig(name, value string) *riskyVar {
	n := strings.ToUpper(name)
	for i, r := range riskyVars {
		if slices.Contains(r.names, n) && r.risky(value) {
			return &riskyVars[i]
		}
	}
	return nil
}

// ---- add-ons ----

type addonSlot struct {
	key   string
	addon Addon
}

// addonSlots names each add-on by its service; when an app has several of
// one service they are told apart by their config vars (DATABASE_URL,
// HEROKU_POSTGRESQL_ONYX_URL), which stay the same across apps where the
// add-on names do not.
func addonSlots(s *Snapshot) []addonSlot {
	count := map[string]int{}
	for _, ad := range s.Addons {
		count[ad.Service]++
	}
	out := make([]addonSlot, 0, len(s.Addons))
	for _, ad := range s.Addons {
		k := ad.Service
		if count[ad.Service] > 1 {
			label := ad.Name
			if len(ad.ConfigVars) > 0 {
				vs := slices.Sorted(slices.Values(ad.ConfigVars))
				label = strings.Join(vs, ",")
			}
			k += " (" + label + ")"
		}
		out = append(out, addonSlot{k, ad})
	}
	return out
}

func (c *comparer) addons() {
	sa, sb := addonSlots(c.a), addonSlots(c.b)
	// An add-on that is one of several on one side but alone on the other
	// is keyed differently; pair those by service before giving up.
	matchB := map[int]int{}
	usedB := map[int]bool{}
	for i, x := range sa {
		for j, y := range sb {
			if !usedB[j] && x.key == y.key {
				matchB[i], usedB[j] = j, true
				break
			}
		}
	}
	for i, x := range sa {
		if _, ok := matchB[i]; ok {
			continue
		}
		for j, y := range sb {
			if !usedB[j] && x.addon.Service == y.addon.Service {
				matchB[i], usedB[j] = j, true
				break
			}
		}
	}
	for i, x := range sa {
		j, ok := matchB[i]
		if !ok {
			c.add(DiffAddon, x.key, ChangeOnlyInA, Medium, planName(x.addon), "", "%s has no %s add-on, which %s has",
				c.nameB, x.addon.Service, c.nameA)
			continue
		}
		y := sb[j]
		if strings.EqualFold(x.addon.Plan, y.addon.Plan) {
			continue
		}
		pa, pb := planName(x.addon), planName(y.addon)
		switch ca, cb := planRank(pa), planRank(pb); {
		case ca < 0 || cb < 0 || ca == cb:
			c.add(DiffAddon, x.key, ChangeChanged, Low, pa, pb, "the plans differ")
		case cb < ca:
			c.add(DiffAddon, x.key, ChangeChanged, Medium, pa, pb, "%s runs a smaller plan than %s", c.nameB, c.nameA)
		default:
			c.add(DiffAddon, x.key, ChangeChanged, Info, pa, pb, "%s runs a bigger plan than %s", c.nameB, c.nameA)
		}
	}
	for j, y := range sb {
		if !usedB[j] {
			c.add(DiffAddon, y.key, ChangeOnlyInB, Low, "", planName(y.addon), "only %s has the %s add-on: %s does not test with it",
				c.nameB, y.addon.Service, c.nameA)
		}
	}
}

// planName is what an entry shows of a plan: "standard-0" for
// "heroku-postgresql:standard-0", the service being the entry's key.
func planName(a Addon) string {
	svc, p, ok := strings.Cut(a.Plan, ":")
	if !ok || svc != a.Service {
		return oneLine(a.Plan)
	}
	return oneLine(p)
}

// planTiers orders the tier words of Heroku Data plans (Postgres, Redis,
// Kafka) and of the many add-ons that reuse them, smallest first. Words in
// one entry are equals.
var planTiers = [][]string{
	{"dev", "hobby", "free", "mini", "eco"},
	{"basic", "essential"},
	{"standard"},
	{"premium"},
	{"private"},
	{"shield"},
}

var planNameRe = regexp.MustCompile(`^([a-z]+)(?:-([a-z]+))?(?:-(\d+))?$`)

// planRank turns a plan ("standard-0", "essential-1", "hobby-dev") into a
// number that orders plans of one service; -1 when the plan is unknown.
func planRank(plan string) int {
	m := planNameRe.FindStringSubmatch(strings.ToLower(strings.TrimSpace(plan)))
	if m == nil {
		return -1
	}
	tier := -1
	for i, words := range planTiers {
		if slices.Contains(words, m[1]) {
			tier = i
		}
	}
	if tier < 0 {
		return -1
	}
	size := 0
	if m[3] != "" {
		size, _ = strconv.Atoi(m[3])
		size = min(size, 999)
	}
	return tier*1000 + size
}

// ---- formation ----

func (c *comparer) formation() {
	types := map[string]bool{}
	for _, p := range c.a.Formation {
		types[p.Type] = true
	}
	for _, p := range c.b.Formation {
		types[p.Type] = true
	}
	for _, t := range sortedKeys(types) {
		pa, inA := c.a.Process(t)
		pb, inB := c.b.Process(t)
		switch {
		case inA && !inB:
			risk := Medium
			if pa.Quantity == 0 {
				risk = Info
			}
			c.add(DiffProcess, t, ChangeOnlyInA, risk, c.procSummary(pa), "", "%s has no %s process, which %s has", c.nameB, t, c.nameA)
		case inB && !inA:
			risk := Low
			if pb.Quantity == 0 {
				risk = Info
			}
			c.add(DiffProcess, t, ChangeOnlyInB, risk, "", c.procSummary(pb), "only %s has a %s process: %s does not test it", c.nameB, t, c.nameA)
		default:
			if strings.TrimSpace(pa.Command) != strings.TrimSpace(pb.Command) {
				c.add(DiffProcess, t+".command", ChangeChanged, Low, c.maskWords(pa.Command), c.maskWords(pb.Command),
					"%s runs a different %s command from %s", c.nameB, t, c.nameA)
			}
			if !strings.EqualFold(pa.Size, pb.Size) {
				how := "a different dyno size"
				if sa, ok := lookupDynoSize(pa.Size); ok {
					if sb, ok := lookupDynoSize(pb.Size); ok && sa.RAMMB != sb.RAMMB {
						how = "smaller dynos"
						if sb.RAMMB > sa.RAMMB {
							how = "bigger dynos"
						}
					}
				}
				c.add(DiffProcess, t+".size", ChangeChanged, Info, oneLine(pa.Size), oneLine(pb.Size), "%s runs %s on %s than %s", c.nameB, t, how, c.nameA)
			}
			if pa.Quantity != pb.Quantity {
				how := "more"
				if pb.Quantity < pa.Quantity {
					how = "fewer"
				}
				c.add(DiffProcess, t+".quantity", ChangeChanged, Info, strconv.Itoa(pa.Quantity), strconv.Itoa(pb.Quantity),
					"%s runs %s %s dynos than %s", c.nameB, how, t, c.nameA)
			}
		}
	}
}

func (c *comparer) procSummary(p Process) string {
	return fmt.Sprintf("%d × %s: %s", p.Quantity, oneLine(p.Size), c.maskWords(p.Command))
}

// ---- stack, region ----

var stackRe = regexp.MustCompile(`^(?:heroku|cedar)-(\d+)$`)

// stackRank orders stacks by their Ubuntu year; -1 when unknown.
func stackRank(s string) int {
	m := stackRe.FindStringSubmatch(strings.ToLower(strings.TrimSpace(s)))
	if m == nil {
		return -1
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

func (c *comparer) stack() {
	c.versioned("stack", c.a.App.Stack, c.b.App.Stack, stackRank, "stack")
	ba, bb := c.a.App.BuildStack, c.b.App.BuildStack
	// the build stack matters only when it is not simply each app's stack
	if !strings.EqualFold(ba, bb) && (!strings.EqualFold(ba, c.a.App.Stack) || !strings.EqualFold(bb, c.b.App.Stack)) {
		c.versioned("build-stack", ba, bb, stackRank, "build stack")
	}
	if ga, gb := c.a.App.Generation, c.b.App.Generation; ga != gb && ga != "" && gb != "" {
		c.add(DiffStack, "generation", ChangeChanged, Low, oneLine(ga), oneLine(gb),
			"the apps run on different platform generations: builds and runtime differ")
	}
}

// versioned compares two ordered platform versions: B older is a medium
// risk (production runs something staging has moved past), B newer low.
func (c *comparer) versioned(key, a, b string, rank func(string) int, what string) {
	if strings.EqualFold(a, b) {
		return
	}
	da, db := oneLine(a), oneLine(b)
	kind := DiffStack
	if key == "python" {
		kind = DiffPython
	}
	switch ra, rb := rank(a), rank(b); {
	case a == "":
		c.add(kind, key, ChangeOnlyInB, Low, "", db, "%s reports no %s", c.nameA, what)
	case b == "":
		c.add(kind, key, ChangeOnlyInA, Medium, da, "", "%s reports no %s", c.nameB, what)
	case ra < 0 || rb < 0 || ra == rb:
		c.add(kind, key, ChangeChanged, Low, da, db, "the apps run different %ss", what)
	case rb < ra:
		c.add(kind, key, ChangeChanged, Medium, da, db, "%s runs an older %s than %s", c.nameB, what, c.nameA)
	default:
		c.add(kind, key, ChangeChanged, Low, da, db, "%s runs an older %s than %s: it does not test what %s runs",
			c.nameA, what, c.nameB, c.nameB)
	}
}

func (c *comparer) region() {
	if ra, rb := c.a.App.Region, c.b.App.Region; !strings.EqualFold(ra, rb) {
		c.add(DiffRegion, "region", ChangeChanged, Low, oneLine(ra), oneLine(rb),
			"the apps run in different regions: latency and data residency differ")
	}
	sa, sb := c.a.App.Space, c.b.App.Space
	switch {
	case sa == sb:
	case sb == "":
		c.add(DiffRegion, "space", ChangeOnlyInA, Medium, oneLine(sa), "",
			"%s runs outside a Private Space: less network isolation than %s", c.nameB, c.nameA)
	case sa == "":
		c.add(DiffRegion, "space", ChangeOnlyInB, Low, "", oneLine(sb), "only %s runs in a Private Space", c.nameB)
	default:
		c.add(DiffRegion, "space", ChangeChanged, Info, oneLine(sa), oneLine(sb), "the apps run in different Private Spaces")
	}
}

// ---- features ----

// features compares enabled app features. Most are operational (metrics,
// dyno metadata); the ones that change security get a higher risk.
func (c *comparer) features() {
	for _, f := range c.a.Features {
		if !slices.Contains(c.b.Features, f) {
			c.add(DiffFeature, f, ChangeOnlyInA, featureRisk(f), "enabled", "-",
				"%s has the %s feature and %s does not: %s is not tested as it runs", c.nameA, f, c.nameB, c.nameB)
		}
	}
	for _, f := range c.b.Features {
		if !slices.Contains(c.a.Features, f) {
			c.add(DiffFeature, f, ChangeOnlyInB, featureRisk(f), "-", "enabled",
				"only %s has the %s feature: %s does not test with it", c.nameB, f, c.nameA)
		}
	}
}

// securityFeatures change how requests reach the app or what it exposes.
var securityFeatures = []string{"http-session-affinity", "spaces-strict-tls", "spaces-tls-legacy-cipher-suites", "runtime-dyno-metadata", "http-end-to-end-continue"}

func featureRisk(f string) Severity {
	if slices.Contains(securityFeatures, f) {
		return Low
	}
	return Info
}

// ---- python ----

func (c *comparer) python() {
	pa, okA := findPythonPin(c.a.Files.Get)
	pb, okB := findPythonPin(c.b.Files.Get)
	show := func(p pythonPin, ok bool) string {
		switch {
		case !ok:
			return ""
		case p.Problem != "":
			return "unusable " + p.File
		}
		return p.Version.String() + " (" + p.File + ")"
	}
	da, db := show(pa, okA), show(pb, okB)
	switch {
	case da == db:
		return
	case !okB:
		c.add(DiffPython, "python", ChangeOnlyInA, Medium, da, "", "%s pins no Python version: its build uses a cached or default one", c.nameB)
		return
	case !okA:
		c.add(DiffPython, "python", ChangeOnlyInB, Low, "", db, "%s pins no Python version: its build uses a cached or default one", c.nameA)
		return
	case pb.Problem != "" && pa.Problem == "":
		c.add(DiffPython, "python", ChangeChanged, Medium, da, db, "%s's Python pin is unusable: %s", c.nameB, pb.Problem)
		return
	case pa.Problem != "" || pb.Problem != "":
		c.add(DiffPython, "python", ChangeChanged, Low, da, db, "the Python pins differ")
		return
	case pa.Version == pb.Version:
		c.add(DiffPython, "python", ChangeChanged, Info, da, db, "the same Python version, pinned in different files")
		return
	}
	va, vb := pa.Version, pb.Version
	ea, eb := effectivePatch(va), effectivePatch(vb)
	older := cmp.Or(cmp.Compare(vb.Major, va.Major), cmp.Compare(vb.Minor, va.Minor))
	if older == 0 && ea >= 0 && eb >= 0 {
		older = cmp.Compare(eb, ea)
	}
	note := ""
	if v := unpinnedLatest(va, vb); v != "" {
		note = fmt.Sprintf(" (%s builds %s as of %s)", v, latestOf(v), pythonTableAsOf)
	}
	switch {
	case older < 0:
		c.add(DiffPython, "python", ChangeChanged, Medium, da, db, "%s builds an older Python than %s%s", c.nameB, c.nameA, note)
	case older > 0:
		c.add(DiffPython, "python", ChangeChanged, Low, da, db, "%s builds an older Python than %s%s: it does not test what %s runs",
			c.nameA, c.nameB, note, c.nameB)
	default:
		c.add(DiffPython, "python", ChangeChanged, Low, da, db, "the Python pins differ%s", note)
	}
}

// effectivePatch is the patch a pin builds: its own, or for a bare minor
// the buildpack's latest for it; -1 when not known.
func effectivePatch(v pyVersion) int {
	if v.HasPatch {
		return v.Patch
	}
	if v.Major != 3 {
		return -1
	}
	for _, m := range pythonMinors {
		if m.Minor == v.Minor {
			return m.LatestPat
		}
	}
	return -1
}

// unpinnedLatest returns the first of the versions pinned without a patch
// whose latest patch is known.
func unpinnedLatest(vs ...pyVersion) string {
	for _, v := range vs {
		if !v.HasPatch && effectivePatch(v) >= 0 {
			return v.String()
		}
	}
	return ""
}

func latestOf(minor string) string {
	v, _ := parsePyVersion(minor)
	return fmt.Sprintf("%d.%d.%d", v.Major, v.Minor, effectivePatch(v))
}

// ---- buildpacks ----

func (c *comparer) buildpacks() {
	a, b := c.a.Buildpacks, c.b.Buildpacks
	if slices.Equal(a, b) {
		return
	}
	for _, bp := range a {
		if !slices.Contains(b, bp) {
			c.add(DiffBuildpack, c.maskWords(bp), ChangeOnlyInA, Medium, c.maskWords(bp), "",
				"%s builds without a buildpack %s uses", c.nameB, c.nameA)
		}
	}
	for _, bp := range b {
		if !slices.Contains(a, bp) {
			c.add(DiffBuildpack, c.maskWords(bp), ChangeOnlyInB, Low, "", c.maskWords(bp),
				"only %s builds with it: %s does not test it", c.nameB, c.nameA)
		}
	}
	if slices.Equal(slices.Sorted(slices.Values(a)), slices.Sorted(slices.Values(b))) {
		c.add(DiffBuildpack, "order", ChangeChanged, Low, c.maskWords(strings.Join(a, " ")), c.maskWords(strings.Join(b, " ")),
			"the same buildpacks run in a different order")
	}
}

// ---- audit verdicts ----

// verdictRank orders statuses from good to bad; skip and error say nothing
// about the app, so they rank with pass and are reported apart.
func verdictRank(s Status) int {
	switch s {
	case Warn:
		return 1
	case Fail:
		return 2
	}
	return 0
}

func (c *comparer) verdicts(ra, rb Result) {
	if ra.Error != "" || rb.Error != "" {
		return
	}
	byID := map[string]Finding{}
	for _, f := range ra.Findings {
		byID[f.Check] = f
	}
	for _, fb := range rb.Findings {
		fa, ok := byID[fb.Check]
		if !ok || fa.Status == fb.Status {
			continue
		}
		sev := min(fb.Severity, High)
		a, b := string(fa.Status), string(fb.Status)
		switch ka, kb := verdictRank(fa.Status), verdictRank(fb.Status); {
		case kb > ka && fb.Status == Fail:
			c.add(DiffCheck, fb.Check, ChangeChanged, sev, a, b, "%s: fail in %s, %s in %s: %s",
				fb.Check, c.nameB, a, c.nameA, firstLine(fb.Message))
		case kb > ka:
			c.add(DiffCheck, fb.Check, ChangeChanged, max(sev-1, Low), a, b, "%s: warn in %s, %s in %s: %s",
				fb.Check, c.nameB, a, c.nameA, firstLine(fb.Message))
		case kb < ka:
			c.add(DiffCheck, fb.Check, ChangeChanged, Info, a, b, "%s: %s in %s, %s in %s: better in %s",
				fb.Check, b, c.nameB, a, c.nameA, c.nameB)
		case fa.Status == Error || fb.Status == Error:
			c.add(DiffCheck, fb.Check, ChangeChanged, Info, a, b, "%s could not be compared: it errored in one app", fb.Check)
		}
	}
}

// ---- pipelines ----

// StagedApp is an app of a pipeline and the stage it is coupled to.
type StagedApp struct {
	Name  string `json:"name"`
	Stage string `json:"stage"`
}

// promotionStages are the stages code moves through, in order. Review and
// test apps are short-lived and left out.
var promotionStages = []string{"development", "staging", "production"}

// PipelinePairs lists the pairs to diff along a pipeline: every app of a
// stage against every app of the next stage that has apps (development
// against production when there is no staging). Apps are sorted by name
// within a stage and listed once; the pairs come out in stage order.
func PipelinePairs(apps []StagedApp) [][2]string {
	byStage := make([][]string, len(promotionStages))
	for _, a := range apps {
		i := slices.Index(promotionStages, strings.ToLower(strings.TrimSpace(a.Stage)))
		if i < 0 || a.Name == "" || slices.Contains(byStage[i], a.Name) {
			continue
		}
		byStage[i] = append(byStage[i], a.Name)
	}
	var stages [][]string
	for _, names := range byStage {
		if len(names) > 0 {
			slices.Sort(names)
			stages = append(stages, names)
		}
	}
	pairs := [][2]string{}
	for i := 1; i < len(stages); i++ {
		for _, a := range stages[i-1] {
			for _, b := range stages[i] {
				if a == b {
					continue // one app listed in two stages: nothing to compare
				}
				pairs = append(pairs, [2]string{a, b})
			}
		}
	}
	return pairs
}
