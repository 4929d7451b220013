// Package heroku talks to the Heroku Platform API and turns one app into an
// audit.Snapshot: app record, config vars, formation, dynos, add-ons,
// buildpacks, current release, slug metadata and the small files picked out
// of the slug tarball.
//
// Requests go through heroku-go's own Transport (headers, auth, hk.Error),
// over a pacing transport that counts calls and retries 429/503. The token
// goes only to the API host: slug tarballs are fetched from their presigned
// URLs by a separate client that never sends it.
package heroku

import (
	"errors"
	"net"
	"net/http"
	"time"

	hk "github.com/heroku/heroku-go/v6"

	"github.com/herokuaudit/herokuaudit/heroku/fixture"
	"github.com/herokuaudit/herokuaudit/heroku/slug"
)

// DefaultConcurrency is how many requests one app snapshot keeps in flight.
const DefaultConcurrency = 6

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
	Concurrency   int          // requests in flight per app snapshot (default 6)
	UserAgent     string       // "herokuaudit/VERSION"
	SlugOptions   slug.Options // zero fields take slug's defaults
	Retry         RetryPolicy  // 429/503 retries
	// SkipSlugFiles stops at the slug's metadata and leaves Files to the
	// caller: `--dir` audits a checkout's files instead of the running slug.
	SkipSlugFiles bool
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
	tr := fixture.Transport(dir)
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
	p := newPacer(inner, opt.Retry)
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
	conc := opt.Concurrency
	if conc <= 0 {
		conc = DefaultConcurrency
	}
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
	}, nil
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
