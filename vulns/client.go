package vulns

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sync"
	"time"
)

// DefaultBaseURL is OSV's public API.
const DefaultBaseURL = "https://api.osv.dev"

// BatchSize is the most queries OSV accepts in one querybatch request.
const BatchSize = 1000

// Query is one installed distribution to look up.
type Query struct {
	Name    string
	Version string
}

// Client queries OSV's API: one POST /v1/querybatch per BatchSize distinct
// package-versions, then one GET /v1/vulns/{id} per advisory not yet known.
// It sends only package names and versions. Answers are kept for the life of
// the Client (so callers that share it share lookups) and, when CacheDir is
// set, on disk until TTL passes. A Client is safe for concurrent use; calls
// run one at a time so that overlapping callers never repeat a request.
type Client struct {
	// BaseURL defaults to DefaultBaseURL; tests point it at httptest.
	BaseURL string
	// HTTP defaults to a client with a 60-second timeout.
	HTTP *http.Client
	// CacheDir is where answers are cached; "" caches nothing on disk.
	// DefaultCacheDir gives the usual place.
	CacheDir string
	// TTL is how long a cached answer holds (default 24 hours).
	TTL time.Duration
	// MaxResponseBytes caps one response body (default 32 MiB).
	MaxResponseBytes int64
	// UserAgent is sent with each request.
	UserAgent string

	mu      sync.Mutex
	ids     map[Query][]string
	records map[string]*Record
	// Requests counts the HTTP requests made, for tests and benchmarks.
	Requests int
}

// DefaultCacheDir is os.UserCacheDir()/herokuaudit/osv.
func DefaultCacheDir() (string, error) {
	d, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(d, "herokuaudit", "osv"), nil
}

// maxIDsPerQuery bounds how many advisory ids one package-version may bring;
// maxPages bounds OSV's pagination of one batch.
const (
	maxIDsPerQuery = 1000
	maxPages       = 10
)

// validID is what an advisory id may look like before it goes in a URL.
var validID = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$`)

// Lookup returns, for each query, the advisories OSV reports for it, worst
// first. Queries are normalized (PEP 503 names) and deduplicated first.
func (c *Client) Lookup(ctx context.Context, queries []Query) (map[Query][]Advisory, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ids == nil {
		c.ids = map[Query][]string{}
		c.records = map[string]*Record{}
	}
	var pending []Query
	seen := map[Query]bool{}
	for _, q := range queries {
		q = Query{NormalizeName(q.Name), q.Version}
		if q.Name == "" || q.Version == "" || seen[q] {
			continue
		}
		seen[q] = true
		if _, ok := c.ids[q]; ok {
			continue
		}
		var ids []string
		if c.cacheGet("q", queryKey(q), &ids) {
			c.ids[q] = ids
			continue
		}
		pending = append(pending, q)
	}
	for start := 0; start < len(pending); start += BatchSize {
		chunk := pending[start:min(start+BatchSize, len(pending))]
		if err := c.batch(ctx, chunk); err != nil {
			return nil, err
		}
	}
	out := map[Query][]Advisory{}
	for q := range seen {
		for _, id := range c.ids[q] {
			r, err := c.record(ctx, id)
			if err != nil {
				return nil, err
			}
			ok, fixed := r.Match(q.Name, q.Version)
			if !ok {
				// OSV matched it by other means (a git range, an alias
				// ecosystem): report it all the same, with the record's
				// fixed versions for the package.
				fixed = nil
				for _, a := range r.Affected {
					if isPyPI(a) && NormalizeName(a.Package.Name) == q.Name {
						fixed = append(fixed, fixedOf(a)...)
					}
				}
				fixed = sortVersions(fixed)
				if r.Withdrawn != "" {
					continue
				}
			}
			out[q] = append(out[q], r.Advisory(fixed))
		}
		out[q] = finish(out[q])
	}
	return out, nil
}

type batchQuery struct {
	Package   Package `json:"package"`
	Version   string  `json:"version"`
	PageToken string  `json:"page_token,omitempty"`
}

type batchResponse struct {
	Results []struct {
		Vulns []struct {
			ID string `json:"id"`
		} `json:"vulns"`
		NextPageToken string `json:"next_page_token"`
	} `json:"results"`
}

// batch asks OSV about up to BatchSize queries, following page tokens.
func (c *Client) batch(ctx context.Context, chunk []Query) error {
	found := make([][]string, len(chunk))
	tokens := make([]string, len(chunk))
	todo := make([]int, len(chunk))
	for i := range todo {
		todo[i] = i
	}
	for page := 0; len(todo) > 0; page++ {
		if page == maxPages {
			return fmt.Errorf("osv: querybatch still paginating after %d pages", maxPages)
		}
		body := struct {
			Queries []batchQuery `json:"queries"`
		}{}
		for _, i := range todo {
			body.Queries = append(body.Queries, batchQuery{Package{"PyPI", chunk[i].Name}, chunk[i].Version, tokens[i]})
		}
		data, err := json.Marshal(body)
		if err != nil {
			return err
		}
		var resp batchResponse
		if err := c.do(ctx, http.MethodPost, "/v1/querybatch", data, &resp); err != nil {
			return err
		}
		if len(resp.Results) != len(todo) {
			return fmt.Errorf("osv: querybatch answered %d results for %d queries", len(resp.Results), len(todo))
		}
		var next []int
		for k, i := range todo {
			res := resp.Results[k]
			for _, v := range res.Vulns {
				if !validID.MatchString(v.ID) {
					return fmt.Errorf("osv: querybatch returned an invalid id %q", v.ID)
				}
				if len(found[i]) >= maxIDsPerQuery {
					return fmt.Errorf("osv: more than %d advisories for %s %s", maxIDsPerQuery, chunk[i].Name, chunk[i].Version)
				}
				found[i] = append(found[i], v.ID)
			}
			if res.NextPageToken != "" {
				tokens[i] = res.NextPageToken
				next = append(next, i)
			}
		}
		todo = next
	}
	for i, q := range chunk {
		ids := dedupe(found[i])
		c.ids[q] = ids
		c.cachePut("q", queryKey(q), ids)
	}
	return nil
}

func dedupe(ids []string) []string {
	seen := map[string]bool{}
	out := []string{}
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// record fetches one advisory, from memory, the disk cache or OSV.
func (c *Client) record(ctx context.Context, id string) (*Record, error) {
	if r, ok := c.records[id]; ok {
		return r, nil
	}
	var raw json.RawMessage
	if c.cacheGet("v", id, &raw) {
		if r, err := ParseRecord(raw); err == nil && r.ID == id {
			c.records[id] = r
			return r, nil
		}
	}
	if err := c.do(ctx, http.MethodGet, "/v1/vulns/"+url.PathEscape(id), nil, &raw); err != nil {
		return nil, err
	}
	r, err := ParseRecord(raw)
	if err != nil {
		return nil, fmt.Errorf("osv: advisory %s: %w", id, err)
	}
	if r.ID != id {
		return nil, fmt.Errorf("osv: asked for advisory %s, got %s", id, r.ID)
	}
	c.records[id] = r
	c.cachePut("v", id, raw)
	return r, nil
}

func (c *Client) do(ctx context.Context, method, path string, body []byte, out any) error {
	base := c.BaseURL
	if base == "" {
		base = DefaultBaseURL
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, base+path, rd)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	if c.UserAgent != "" {
		req.Header.Set("User-Agent", c.UserAgent)
	}
	hc := c.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 60 * time.Second}
	}
	c.Requests++
	resp, err := hc.Do(req)
	if err != nil {
		return fmt.Errorf("osv: %w", err)
	}
	defer resp.Body.Close()
	limit := c.MaxResponseBytes
	if limit <= 0 {
		limit = 32 << 20
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return fmt.Errorf("osv: %s %s: %w", method, path, err)
	}
	if int64(len(data)) > limit {
		return fmt.Errorf("osv: %s %s: response over %d bytes", method, path, limit)
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("osv: %s %s: %s", method, path, resp.Status)
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("osv: %s %s: %w", method, path, err)
	}
	return nil
}

func queryKey(q Query) string {
	h := sha256.Sum256([]byte("PyPI\x00" + q.Name + "\x00" + q.Version))
	return hex.EncodeToString(h[:])
}

type cacheEntry struct {
	Expires time.Time       `json:"expires"`
	Data    json.RawMessage `json:"data"`
}

func (c *Client) cachePath(kind, key string) string {
	if kind == "v" {
		// Advisory ids passed validID; hash them anyway so no id can
		// name a file outside the cache or collide on a case-blind disk.
		h := sha256.Sum256([]byte(key))
		key = hex.EncodeToString(h[:])
	}
	return filepath.Join(c.CacheDir, kind, key[:2], key+".json")
}

// cacheGet reads a live entry; any failure is a miss.
func (c *Client) cacheGet(kind, key string, out any) bool {
	if c.CacheDir == "" {
		return false
	}
	f, err := os.Open(c.cachePath(kind, key))
	if err != nil {
		return false
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, 32<<20))
	if err != nil {
		return false
	}
	var e cacheEntry
	if json.Unmarshal(data, &e) != nil || time.Now().After(e.Expires) {
		return false
	}
	return json.Unmarshal(e.Data, out) == nil
}

// cachePut writes an entry atomically; failures only cost a later request.
func (c *Client) cachePut(kind, key string, v any) {
	if c.CacheDir == "" {
		return
	}
	ttl := c.TTL
	if ttl <= 0 {
		ttl = 24 * time.Hour
	}
	data, err := json.Marshal(v)
	if err != nil {
		return
	}
	entry, err := json.Marshal(cacheEntry{time.Now().Add(ttl), data})
	if err != nil {
		return
	}
	p := c.cachePath(kind, key)
	if os.MkdirAll(filepath.Dir(p), 0o700) != nil {
		return
	}
	tmp, err := os.CreateTemp(filepath.Dir(p), ".tmp-*")
	if err != nil {
		return
	}
	_, werr := tmp.Write(entry)
	cerr := tmp.Close()
	if werr != nil || cerr != nil || os.Rename(tmp.Name(), p) != nil {
		os.Remove(tmp.Name())
	}
}
