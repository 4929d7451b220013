package heroku

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/herokuaudit/herokuaudit/audit"
	"github.com/herokuaudit/herokuaudit/heroku/slug"
)

// readSlug streams the slug tarball from its presigned URL into slug.Read.
// The URL's query string is a credential: it never reaches a message, which
// is why errors here are rebuilt rather than wrapped (net/url errors quote
// the whole URL). It returns the files, or a one-line reason.
func (c *Client) readSlug(ctx context.Context, method, raw, extra string) (*audit.Files, string) {
	if raw == "" {
		return nil, "the slug has no download URL"
	}
	if method != "" && !strings.EqualFold(method, http.MethodGet) {
		return nil, "the slug's download method is not GET"
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return nil, "downloading slug: invalid URL"
	}
	if !c.anyBlobURL {
		if err := checkScheme(u); err != nil {
			return nil, "downloading slug: refused: the URL is neither https nor loopback"
		}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, "downloading slug: invalid URL"
	}
	start := time.Now()
	resp, err := c.blob.Do(req)
	if err != nil {
		return nil, "downloading slug: " + transferReason(ctx, err, time.Since(start))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		discard(resp.Body)
		return nil, fmt.Sprintf("downloading slug: HTTP %d", resp.StatusCode)
	}
	opt := c.slugOpt
	opt.Extra = slices.Clone(opt.Extra)
	if extra != "" && !slices.Contains(opt.Extra, extra) {
		opt.Extra = append(opt.Extra, extra)
	}
	files, err := slug.Read(resp.Body, opt)
	if err != nil {
		var stall *StallError
		if errors.As(err, &stall) {
			return nil, "reading slug: " + stallReason(stall)
		}
		if ctx.Err() != nil {
			return nil, "reading slug: " + transferReason(ctx, ctx.Err(), time.Since(start))
		}
		return nil, "reading slug: " + strings.TrimPrefix(c.scrub(err.Error(), raw, u.RawQuery), "slug: ")
	}
	if files == nil {
		return nil, "reading slug: no files returned"
	}
	return files, ""
}

// transferReason names a failed transfer in a few words, never quoting the
// URL the standard library's error carries.
func transferReason(ctx context.Context, err error, elapsed time.Duration) string {
	var stall *StallError
	switch {
	case errors.As(err, &stall):
		return stallReason(stall)
	case isTimeout(err):
		return "timed out after " + roundDuration(elapsed).String()
	case errors.Is(err, context.Canceled) || ctx.Err() != nil:
		return "canceled"
	}
	if r, ok := netReason(err); ok {
		return r
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		return strings.ToLower(ue.Op) + " failed"
	}
	return "request failed"
}

func stallReason(e *StallError) string {
	return fmt.Sprintf("no progress: less than %s in %s (the idle timeout)", sizeName(minProgress), e.Idle)
}

// scrub removes secrets from text that came from elsewhere (a slug reader's
// error) and folds it onto one line.
func (c *Client) scrub(s string, secrets ...string) string {
	for _, sec := range secrets {
		if len(sec) >= 4 {
			s = strings.ReplaceAll(s, sec, "[redacted]")
		}
	}
	s = c.redact(s)
	return strings.Join(strings.Fields(s), " ")
}
