package heroku

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	hk "github.com/heroku/heroku-go/v6"
)

const (
	// maxBody caps one decoded API response; a real one is kilobytes.
	maxBody = 32 << 20
	// maxPages bounds a paginated list, so a server that keeps answering
	// with a Next-Range cannot keep us busy forever.
	maxPages = 10000
)

// get fetches one API object or one page of a list into v, sending rng as
// the Range header when set. It returns the Next-Range of a partial (206)
// answer. Failures come back as *Error.
func (c *Client) get(ctx context.Context, app, path, rng string, v any) (string, *Error) {
	start := time.Now()
	octx, obs := withObservation(ctx)
	fail := func(err error) *Error {
		// A body read cut short by the deadline is a timeout, not a
		// malformed response.
		if ctx.Err() != nil {
			err = ctx.Err()
		}
		return c.apiError(app, path, path == appPath(app), obs, time.Since(start), err)
	}
	req, err := c.svc.NewRequest(octx, http.MethodGet, path, nil, nil)
	if err != nil {
		return "", fail(err)
	}
	if rng != "" {
		req.Header.Set("Range", rng)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return "", fail(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusPartialContent {
		// hk.Transport passes every 2xx; a 204 or 202 has no object to read.
		return "", fail(fmt.Errorf("%w: status %d", errMalformed, resp.StatusCode))
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxBody)).Decode(v); err != nil {
		return "", fail(fmt.Errorf("%w: %w", errMalformed, err))
	}
	if resp.StatusCode == http.StatusPartialContent {
		return resp.Header.Get("Next-Range"), nil
	}
	return "", nil
}

// list fetches every page of a list endpoint, following Next-Range to the
// end: heroku-go's own list methods return only the first page.
func list[T any](ctx context.Context, c *Client, app, path string, lr *hk.ListRange) ([]T, *Error) {
	var all []T
	rng := rangeValue(lr)
	for range maxPages {
		var items []T
		next, err := c.get(ctx, app, path, rng, &items)
		if err != nil {
			return nil, err
		}
		all = append(all, items...)
		if next == "" {
			return all, nil
		}
		if next == rng {
			return nil, &Error{App: app, Kind: Malformed, Msg: "malformed response from " + path + ": pagination does not advance"}
		}
		rng = next
	}
	return nil, &Error{App: app, Kind: Malformed, Msg: fmt.Sprintf("malformed response from %s: more than %d pages", path, maxPages)}
}

// rangeValue renders a ListRange as heroku-go would put it on a request.
func rangeValue(lr *hk.ListRange) string {
	if lr == nil {
		return ""
	}
	r := &http.Request{Header: http.Header{}}
	lr.SetHeader(r)
	return r.Header.Get("Range")
}
