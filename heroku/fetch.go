package heroku

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	hk "github.com/heroku/heroku-go/v6"
)

// get fetches one API object or one page of a list into v, sending rng as
// the Range header when set. It returns the Next-Range of a partial (206)
// answer. Failures come back as *Error; a body that does not decode names
// the field and the type expected there. The body is capped by the
// transport (Options.MaxBody).
func (c *Client) get(ctx context.Context, app, path, rng string, v any) (string, *Error) {
	pg, e := c.getPage(ctx, app, path, rng, 0)
	if e != nil {
		return "", e
	}
	if de := decodeObject(pg.body, v); de != nil {
		return "", c.malformed(app, path, de)
	}
	return pg.next, nil
}

// page is one answer of a listing, not yet decoded.
type page struct {
	body    []byte
	next    string // Next-Range of a 206
	partial bool   // the answer was a 206
}

// getPage fetches one body. When budget is positive it fails once the body
// holds more than budget bytes (what is left of the listing's cap).
func (c *Client) getPage(ctx context.Context, app, path, rng string, budget int64) (page, *Error) {
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
		return page{}, fail(err)
	}
	if rng != "" {
		req.Header.Set("Range", rng)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return page{}, fail(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusPartialContent {
		// hk.Transport passes every 2xx; a 204 or 202 has no object to read.
		return page{}, fail(fmt.Errorf("%w: status %d", errMalformed, resp.StatusCode))
	}
	body, err := io.ReadAll(&budgetReader{r: resp.Body, left: budget})
	if err != nil {
		return page{}, fail(err)
	}
	pg := page{body: body}
	if resp.StatusCode == http.StatusPartialContent {
		// Header names are case-insensitive: next-range is Next-Range.
		pg.partial, pg.next = true, resp.Header.Get("Next-Range")
	}
	return pg, nil
}

// malformed is the error of a body that was read but did not decode.
func (c *Client) malformed(app, path string, de *decodeError) *Error {
	return &Error{App: app, Kind: Malformed, Msg: c.redact("malformed response from " + path + ": " + de.Error())}
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
// end: heroku-go's own list methods return only the first page. Items are
// decoded one by one: an item that cannot be read is skipped with a notice
// (see Client.OnWarning) and the rest are used. A 206 without Next-Range
// ends the listing with a notice that it may be incomplete.
func list[T any](ctx context.Context, c *Client, app, path string, lr *hk.ListRange) ([]T, *Error) {
	return listOpt[T](ctx, c, app, path, lr, false)
}

// listOpt is list; one accepts a lone object as a list of one.
func listOpt[T any](ctx context.Context, c *Client, app, path string, lr *hk.ListRange, one bool) ([]T, *Error) {
	var all []T
	rng := rangeValue(lr)
	var total int64
	for range c.maxPages {
		// At least a byte of budget: zero would mean no cap at all.
		pg, err := c.getPage(ctx, app, path, rng, max(c.maxListBytes-total, 1))
		if err != nil {
			return nil, err
		}
		total += int64(len(pg.body))
		items, e := pageItems[T](c, app, path, pg.body, len(all), one)
		if e != nil {
			return nil, e
		}
		all = append(all, items...)
		switch {
		case pg.partial && pg.next == "":
			c.warnings.notice(fmt.Sprintf("%s answered 206 Partial Content without a Next-Range header after %d item(s): the listing may be incomplete", path, len(all)))
			return all, nil
		case pg.next == "":
			return all, nil
		case pg.next == rng:
			return nil, &Error{App: app, Kind: Malformed, Msg: "malformed response from " + path + ": pagination does not advance"}
		}
		rng = pg.next
	}
	return nil, &Error{App: app, Kind: Malformed, Msg: fmt.Sprintf("listing %s has more than %d pages (the cap)", path, c.maxPages)}
}

// pageItems decodes one page of a list, item by item, telling of each item
// it skips; offset is how many items earlier pages held.
func pageItems[T any](c *Client, app, path string, body []byte, offset int, one bool) ([]T, *Error) {
	items, skipped, de := decodeItems[T](body, one, c.token)
	if de != nil {
		return nil, c.malformed(app, path, de)
	}
	for _, s := range skipped {
		c.warnings.notice(skipNotice(path, offset+s.Index, s.Label, s.Err))
	}
	return items, nil
}

// skipNotice is the notice of one list item that could not be read.
func skipNotice(path string, index int, label string, de *decodeError) string {
	name := ""
	if label != "" {
		name = fmt.Sprintf(" (%q)", label)
	}
	return fmt.Sprintf("%s[%d]%s skipped, the rest of the listing is used: %s", path, index, name, de)
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
