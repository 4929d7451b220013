package heroku

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	hk "github.com/heroku/heroku-go/v6"
)

// get fetches one API object or one page of a list into v, sending rng as
// the Range header when set. It returns the Next-Range of a partial (206)
// answer. Failures come back as *Error. The body is capped by the transport
// (Options.MaxBody).
func (c *Client) get(ctx context.Context, app, path, rng string, v any) (string, *Error) {
	next, _, e := c.getPage(ctx, app, path, rng, v, 0)
	return next, e
}

// getPage is get for one page of a listing: it also returns the bytes the
// body held and, when budget is positive, fails once the body holds more
// than budget bytes (what is left of the listing's cap).
func (c *Client) getPage(ctx context.Context, app, path, rng string, v any, budget int64) (string, int64, *Error) {
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
		return "", 0, fail(err)
	}
	if rng != "" {
		req.Header.Set("Range", rng)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return "", 0, fail(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusPartialContent {
		// hk.Transport passes every 2xx; a 204 or 202 has no object to read.
		return "", 0, fail(fmt.Errorf("%w: status %d", errMalformed, resp.StatusCode))
	}
	body := &budgetReader{r: resp.Body, left: budget}
	if err := json.NewDecoder(body).Decode(v); err != nil {
		return "", body.n, fail(fmt.Errorf("%w: %w", errMalformed, err))
	}
	if resp.StatusCode == http.StatusPartialContent {
		return resp.Header.Get("Next-Range"), body.n, nil
	}
	return "", body.n, nil
}

// errListCap marks a listing whose pages together went past their cap.
var errListCap = errors.New("listing over its cap")

// budgetReader counts what is read and, when left is positive, fails once
// more than left bytes have been read.
type budgetReader struct {
	r    io.Reader
	n    int64
	left int64
}

func (b *budgetReader) Read(p []byte) (int, error) {
	if b.left > 0 && int64(len(p)) > b.left-b.n+1 {
		p = p[:b.left-b.n+1]
	}
	n, err := b.r.Read(p)
	b.n += int64(n)
	if b.left > 0 && b.n > b.left {
		return n, errListCap
	}
	return n, err
}

// list fetches every page of a list endpoint, following Next-Range to the
// end: heroku-go's own list methods return only the first page.
func list[T any](ctx context.Context, c *Client, app, path string, lr *hk.ListRange) ([]T, *Error) {
	var all []T
	rng := rangeValue(lr)
	var total int64
	for range c.maxPages {
		var items []T
		// At least a byte of budget: zero would mean no cap at all.
		next, n, err := c.getPage(ctx, app, path, rng, &items, max(c.maxListBytes-total, 1))
		if err != nil {
			return nil, err
		}
		total += n
		all = append(all, items...)
		if next == "" {
			return all, nil
		}
		if next == rng {
			return nil, &Error{App: app, Kind: Malformed, Msg: "malformed response from " + path + ": pagination does not advance"}
		}
		rng = next
	}
	return nil, &Error{App: app, Kind: Malformed, Msg: fmt.Sprintf("listing %s has more than %d pages (the cap)", path, c.maxPages)}
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
