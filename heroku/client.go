// Package heroku talks to the Heroku Platform API and turns one app into an
// audit.Snapshot: app record, config vars, formation, dynos, add-ons,
// buildpacks, current release, slug metadata and the small files picked out
// of the slug tarball.
//
// Requests go through heroku-go's own Transport (headers, auth, hk.Error),
// over a pacing transport that bounds the requests in flight, slows down as
// the account's rate-limit budget runs low, counts calls and retries 429/503.
// The token goes only to the API host: slug tarballs are fetched from their
// presigned URLs by a separate client that never sends it.
//
// Everything read is bounded before it is decoded: API bodies (8 MiB, error
// bodies 64 KiB), listings across their pages (64 MiB, 200 pages), slug
// entries and names (slug.Options); every response fails when it makes no
// progress for the idle timeout (30s), and fleet listings have their own
// deadline (5m). Past a cap or a deadline the part or the app is an *Error
// naming it, never the body.
//
// Bodies are decoded into the client's own wire types, which accept every
// shape Heroku's own clients accept (generation as a string or an object,
// ids as strings or numbers, null for a string). Lists are decoded item by
// item: an item that cannot be read is skipped and the rest used, with a
// notice (see OnWarning) naming the item, the JSON field and the type
// expected there, never a value.
//
// Fleet audits (a team, the whole account, a pipeline) fetch the team- or
// account-wide lists once and then at most five calls per app: see Fleet.
package heroku

import (
	"context"
	"errors"
	"io/fs"
	"net"
	"net/http"
	"time"

	hk "github.com/heroku/heroku-go/v6"

	"github.com/herokuaudit/herokuaudit/heroku/fixture"
	"github.com/herokuaudit/herokuaudit/heroku/slug"
)

// DefaultConcurrency is how many API requests a client keeps in flight at
// most, across every app it is auditing.
const DefaultConcurrency = 8

// fixturesURL is the base URL of the in-process fake API.
const fixturesURL = "http://fixtures.localhost"

// Options configure a Client. Zero fields take the documented defaults.
type Options struct {
	Token string
	URL   string // API base; default https://api.heroku.com
	// Transport is the inner transport under hk.Transport; nil means a
	// tuned clone of http.DefaultTransport with dial, TLS and header timeouts.
	Transport http.RoundTripper
	// BlobTransport fetches slug tarballs (never with an Authorization
	// header); nil means the same tuned default.
	BlobTransport http.RoundTripper
	// Concurrency bounds the API requests in flight across the whole
	// client, all apps together (default 8). Slug downloads are not API
	// requests and are not counted.
	Concurrency int
	UserAgent   string       // "herokuaudit/VERSION"
	SlugOptions slug.Options // zero fields take slug's defaults
	Retry       RetryPolicy  // 429/503 retries
	// SkipSlugFiles stops at the slug's metadata and leaves Files to the
	// caller: `--dir` audits a checkout's files instead of the running slug.
	SkipSlugFiles bool

	// MaxBody caps one successful API response body (default 8 MiB) and
	// MaxErrorBody one non-2xx body (default 64 KiB), before anything
	// decodes them. Past a cap the request fails, naming the cap.
	MaxBody      int64
	MaxErrorBody int64
	// MaxListBytes caps all the pages of one listing together (default
	// 64 MiB) and MaxPages their number (default 200).
	MaxListBytes int64
	MaxPages     int
	// IdleTimeout fails a response that, while waited on, delivers less
	// than 1 KiB in this long (default 30s): its headers, an API body, a
	// slug download. Negative disables it.
	IdleTimeout time.Duration
	// ListTimeout bounds each fleet listing (ListTeamApps, ListAllApps,
	// ListPipelineApps, NewTeamFleet, NewFleet) from its first request to
	// its last page, 429 retries included (default 5m), whatever the
	// caller's context allows. Negative disables it.
	ListTimeout time.Duration
}

// Client fetches app snapshots. It is safe for concurrent use.
type Client struct {
	svc         *hk.Service
	http        *http.Client // hk.Transport over the pacer: carries the token
	blob        *http.Client // plain: never carries the token
	pacer       *pacer
	token       string
	concurrency int
	slugOpt     slug.Options
	// anyBlobURL lets the fixture client fetch blobs from its fake host,
	// which is served in-process.
	anyBlobURL bool
	skipFiles  bool

	warnings     *warnings
	maxListBytes int64
	maxPages     int
	idle         time.Duration
	listTimeout  time.Duration
}

// New returns a client for the Platform API at opt.URL.
func New(opt Options) (*Client, error) {
	if opt.Token == "" {
		return nil, ErrNoToken
	}
	if cleanToken(opt.Token) != opt.Token {
		return nil, errors.New("the API token contains whitespace or control characters")
	}
	return newClient(opt, false)
}

// NewFixtures returns a client over the fake API served from dir (for
// --fixtures DIR): no token is needed and nothing leaves the process.
func NewFixtures(dir string, opt Options) (*Client, error) {
	return newFixtures(fixture.Transport(dir), opt)
}

// NewFixturesFS is NewFixtures over a fixture tree in fsys, such as the
// sample fixtures embedded in the binary.
func NewFixturesFS(fsys fs.FS, opt Options) (*Client, error) {
	return newFixtures(fixture.TransportFS(fsys), opt)
}

func newFixtures(tr http.RoundTripper, opt Options) (*Client, error) {
	opt.URL = fixturesURL
	opt.Transport = tr
	opt.BlobTransport = tr
	return newClient(opt, true)
}

func newClient(opt Options, fixtures bool) (*Client, error) {
	base := opt.URL
	if base == "" {
		base = hk.DefaultURL
	}
	if !fixtures {
		u, err := checkAPIURL(base)
		if err != nil {
			return nil, errors.New("API URL: " + err.Error())
		}
		base = u
	}
	var def http.RoundTripper
	if opt.Transport == nil || opt.BlobTransport == nil {
		def = defaultTransport()
	}
	inner := opt.Transport
	if inner == nil {
		inner = def
	}
	blobTr := opt.BlobTransport
	if blobTr == nil {
		blobTr = def
	}
	conc := opt.Concurrency
	if conc <= 0 {
		conc = DefaultConcurrency
	}
	idle := orDefault(opt.IdleTimeout, DefaultIdleTimeout)
	warn := &warnings{token: opt.Token}
	// Bodies are capped and watched right above the network, under the
	// pacer (so each attempt is) and under hk.Transport (so heroku-go's
	// decoding of error bodies is).
	inner = &bounded{
		next:        inner,
		maxBody:     positiveOr(opt.MaxBody, DefaultMaxBody),
		maxErrBody:  positiveOr(opt.MaxErrorBody, DefaultMaxErrorBody),
		idle:        idle,
		minProgress: minProgress,
		warnings:    warn,
		identity:    true,
	}
	// Slug downloads are watched for stalls; their size is slug.Read's to
	// bound (MaxUncompressed). They too are asked for as stored: a blob
	// served with Content-Encoding: gzip is then the tarball itself, which
	// slug.Read decompresses under its own caps.
	blobTr = &bounded{next: blobTr, idle: idle, minProgress: minProgress, identity: true}
	p := newPacer(inner, opt.Retry, conc)
	ua := opt.UserAgent
	if ua == "" {
		ua = "herokuaudit"
	}
	// Transport is set explicitly: hk.Transport fills a nil one lazily on
	// first use, a data race under concurrent requests. Debug stays off: it
	// dumps whole responses, config values included.
	ht := &hk.Transport{BearerToken: opt.Token, UserAgent: ua, Transport: p}
	hc := &http.Client{
		Transport: ht,
		// hk.Transport adds the token to every hop, so a redirect would
		// carry it to wherever the Location points. The API does not
		// redirect; treat one as an error instead of following it.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	svc := hk.NewService(hc)
	svc.URL = base
	return &Client{
		svc:         svc,
		http:        hc,
		blob:        &http.Client{Transport: blobTr, CheckRedirect: blobRedirect},
		pacer:       p,
		token:       opt.Token,
		concurrency: conc,
		slugOpt:     opt.SlugOptions, // zero fields take slug's defaults
		anyBlobURL:  fixtures,
		skipFiles:   opt.SkipSlugFiles,

		warnings:     warn,
		maxListBytes: positiveOr(opt.MaxListBytes, DefaultMaxListBytes),
		maxPages:     positiveOr(opt.MaxPages, DefaultMaxPages),
		idle:         idle,
		listTimeout:  orDefault(opt.ListTimeout, DefaultListTimeout),
	}, nil
}

// positiveOr is v when positive, else def: caps cannot be turned off.
func positiveOr[T int | int64](v, def T) T {
	if v > 0 {
		return v
	}
	return def
}

// orDefault is v when positive, def when zero, and 0 (off) when negative.
func orDefault[T int | int64 | time.Duration](v, def T) T {
	switch {
	case v < 0:
		return 0
	case v == 0:
		return def
	}
	return v
}

// blobRedirect follows a few redirects of a slug download. No Authorization
// header is ever set on it, so there is nothing to leak along the way.
func blobRedirect(_ *http.Request, via []*http.Request) error {
	if len(via) >= 3 {
		return errors.New("too many redirects")
	}
	return nil
}

// defaultTransport is http.DefaultTransport with bounded dial, TLS and
// header waits, and enough idle connections for concurrent app snapshots.
func defaultTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.DialContext = (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	t.TLSHandshakeTimeout = 10 * time.Second
	t.ResponseHeaderTimeout = 30 * time.Second
	t.MaxIdleConnsPerHost = 16
	return t
}

// Service exposes the underlying heroku-go service, which shares this
// client's transport, token and pacing.
func (c *Client) Service() *hk.Service { return c.svc }

// APICalls returns how many API requests this client has made, retries
// included, slug downloads excluded.
func (c *Client) APICalls() int64 { return c.pacer.calls.Load() }

// RateLimitRemaining returns the last RateLimit-Remaining the API reported,
// or -1 before any response carried it.
func (c *Client) RateLimitRemaining() int { return int(c.pacer.remaining.Load()) }

// Stats are a client's counters since it was made, for progress displays
// and run summaries.
type Stats struct {
	APICalls    int64         // API requests sent, retries included
	RateLimited int64         // 429 responses received
	Unavailable int64         // 503 responses received
	Waits       int64         // requests delayed by pacing or a backoff
	Waited      time.Duration // total of those delays (concurrent ones add up)
	Remaining   int           // last RateLimit-Remaining, -1 before any
}

// Stats returns the client's counters. It is safe to call at any time.
func (c *Client) Stats() Stats {
	p := c.pacer
	return Stats{
		APICalls:    p.calls.Load(),
		RateLimited: p.rateLimited.Load(),
		Unavailable: p.unavailable.Load(),
		Waits:       p.waits.Load(),
		Waited:      time.Duration(p.waited.Load()),
		Remaining:   int(p.remaining.Load()),
	}
}

// OnWait sets a function told each time a request is about to be delayed:
// by pacing when the rate-limit budget is low, or by the backoff after a 429
// or 503. reason is one line for people ("rate limited (429), backing off")
// and never holds a secret. It is called from the requesting goroutine,
// concurrently, before the wait starts: it must be quick and safe for
// concurrent use. nil stops the calls. It may be set while requests run.
func (c *Client) OnWait(fn func(d time.Duration, reason string)) {
	if fn == nil {
		c.pacer.onWait.Store(nil)
		return
	}
	c.pacer.onWait.Store(&fn)
}

// RateLimitBudget asks the API how many calls the account has left (GET
// /account/rate-limits, which costs none) and starts pacing from that
// number, so a run that begins with a nearly spent budget slows down from
// its first request instead of after a burst.
func (c *Client) RateLimitBudget(ctx context.Context) (int, error) {
	var rl struct {
		Remaining *int `json:"remaining"`
	}
	if _, e := c.get(ctx, "", "/account/rate-limits", "", &rl); e != nil {
		return 0, scoped(e, "account")
	}
	if rl.Remaining == nil || *rl.Remaining < 0 {
		return 0, &Error{Scope: "account", Kind: Malformed, Msg: "malformed response from /account/rate-limits"}
	}
	c.pacer.setBudget(int64(*rl.Remaining))
	return *rl.Remaining, nil
}
