package heroku

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"
	"time"

	hk "github.com/heroku/heroku-go/v6"
)

// ErrorKind classifies why an API request failed, so callers can pick an exit
// code or a message without parsing text.
type ErrorKind int

const (
	Other ErrorKind = iota
	NotFound
	Unauthorized
	RateLimited
	Timeout
	Server
	Malformed
	Network
	// AccountBlocked is a 403 suspended or delinquent: the account
	// itself is refused, so every other request would be too.
	AccountBlocked
)

var kindNames = [...]string{"other", "not found", "unauthorized", "rate limited", "timeout", "server", "malformed", "network", "account blocked"}

func (k ErrorKind) String() string {
	if k < 0 || int(k) >= len(kindNames) {
		return fmt.Sprintf("kind(%d)", int(k))
	}
	return kindNames[k]
}

// Error is a failure to fetch an app, or one part of it, or a listing of
// apps. Msg is one line and never holds a token, a config value or a
// presigned URL.
type Error struct {
	App  string
	Kind ErrorKind
	Msg  string
	// Scope names what failed when it is not one app: `team "acme"`,
	// `pipeline "shop"`, "account". It is used only when App is empty.
	Scope string
}

func (e *Error) Error() string {
	if e.App == "" && e.Scope != "" {
		return e.Scope + ": " + e.Msg
	}
	return fmt.Sprintf("app %q: %s", e.App, e.Msg)
}

const unauthorizedMsg = "unauthorized: the token was rejected (run heroku login or set HEROKU_API_KEY)"

// The messages of a 403 by its error id.
const (
	suspendedMsg  = "the account is suspended"
	delinquentMsg = "delinquent: billing for the account is past due"
	forbiddenMsg  = "forbidden: no access"
	notFoundMsg   = "not found (or no access)"
)

// fatal is an error that every other request would meet too: it fails a
// whole snapshot or fleet rather than one part.
func fatal(e *Error) bool { return e != nil && (e.Kind == Unauthorized || e.Kind == AccountBlocked) }

// apiError turns what a request to path returned into an *Error. appPath
// marks the app's own record, whose "not found" needs no path to be clear.
func (c *Client) apiError(app, path string, appPath bool, obs *observation, elapsed time.Duration, err error) *Error {
	e := &Error{App: app}
	status, id := 0, ""
	var he hk.Error
	var tooLarge *BodyTooLargeError
	var stall *StallError
	if errors.As(err, &tooLarge) {
		// The cap is named, never the body.
		e.Kind, e.Msg = Malformed, fmt.Sprintf("response from %s is larger than the %s cap", path, sizeName(tooLarge.Limit))
		return e
	}
	if errors.Is(err, errListCap) {
		e.Kind, e.Msg = Malformed, fmt.Sprintf("listing %s is larger than the %s cap across its pages", path, sizeName(c.maxListBytes))
		return e
	}
	if errors.As(err, &stall) || obs != nil && obs.stalled.Load() && !errors.As(err, &he) {
		e.Kind, e.Msg = Timeout, fmt.Sprintf("no progress on %s: less than %s in %s (the idle timeout)", path, sizeName(minProgress), c.idle)
		return e
	}
	if errors.As(err, &he) {
		status, id = he.StatusCode, he.ID
	} else if obs != nil && obs.status.Load() >= 300 {
		// hk.Transport drops the status when an error body is not JSON.
		status = int(obs.status.Load())
	}
	switch {
	case status == 401:
		e.Kind, e.Msg = Unauthorized, unauthorizedMsg
	case status == 403 && (id == "suspended" || id == "delinquent"):
		e.Kind, e.Msg = AccountBlocked, suspendedMsg
		if id == "delinquent" {
			e.Msg = delinquentMsg
		}
		if !appPath {
			e.Msg += " (403 on " + path + ")"
		}
	case status == 403 && id != "":
		// forbidden, two_factor, ...: the app or path is out of reach.
		e.Kind, e.Msg = NotFound, forbiddenMsg
		if id != "forbidden" {
			e.Msg = "forbidden" + idSuffix(id) + ": no access"
		}
		if !appPath {
			e.Msg += " on " + path
		}
	case status == 403 || status == 404:
		// A 404 (with or without an id) and a bare 403 read the same:
		// the API does not tell a missing app from a hidden one.
		e.Kind, e.Msg = NotFound, notFoundMsg
		if !appPath {
			e.Msg += " on " + path
		}
	case status == 429:
		e.Kind = RateLimited
		e.Msg = fmt.Sprintf("rate limited by the Heroku API on %s (still 429 after %d attempts)", path, attempts(obs))
	case status >= 500:
		e.Kind, e.Msg = Server, fmt.Sprintf("Heroku API error %d on %s", status, path)
		e.Msg += overCapNote(obs)
	case status != 0:
		e.Kind, e.Msg = Other, fmt.Sprintf("Heroku API error %d%s on %s", status, idSuffix(id), path)
		e.Msg += overCapNote(obs)
	case isTimeout(err):
		e.Kind, e.Msg = Timeout, fmt.Sprintf("timed out after %s on %s", roundDuration(elapsed), path)
	case errors.Is(err, context.Canceled):
		e.Kind, e.Msg = Other, "canceled on "+path
	case errors.Is(err, errMalformed):
		e.Kind, e.Msg = Malformed, "malformed response from "+path
	default:
		if reason, ok := netReason(err); ok {
			e.Kind, e.Msg = Network, fmt.Sprintf("network error on %s: %s", path, reason)
		} else {
			e.Kind, e.Msg = Other, "request failed on "+path
		}
	}
	e.Msg = c.redact(e.Msg)
	return e
}

// overCapNote says an error answer's body went past its cap (and so was
// not read).
func overCapNote(obs *observation) string {
	if obs == nil || obs.overCap.Load() == 0 {
		return ""
	}
	return " (its body was larger than the " + sizeName(obs.overCap.Load()) + " error-body cap)"
}

func attempts(obs *observation) int64 {
	if obs == nil {
		return 1
	}
	return max(obs.attempts.Load(), 1)
}

// idSuffix shows Heroku's error id ("conflict") when it is a plain word; a
// hostile server does not get to put arbitrary text in our messages.
func idSuffix(id string) string {
	if id == "" || len(id) > 40 {
		return ""
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
			return ""
		}
	}
	return " (" + id + ")"
}

func isTimeout(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// errMalformed marks a response body that could not be decoded.
var errMalformed = errors.New("malformed response")

// netReason names a network failure in a few words, without the addresses
// and URLs that the standard library's own messages carry.
func netReason(err error) (string, bool) {
	var cause string
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		cause = "connection refused"
	case errors.Is(err, syscall.ECONNRESET):
		cause = "connection reset"
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		cause = "connection closed early"
	}
	var dns *net.DNSError
	if errors.As(err, &dns) {
		return "DNS lookup failed", true
	}
	if msg := err.Error(); strings.Contains(msg, "tls: ") || strings.Contains(msg, "x509: ") {
		return "TLS handshake failed", true
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Op != "" {
		if cause != "" {
			return op.Op + " failed: " + cause, true
		}
		return op.Op + " failed", true
	}
	return cause, cause != ""
}

func roundDuration(d time.Duration) time.Duration {
	switch {
	case d >= time.Second:
		return d.Round(100 * time.Millisecond)
	case d >= time.Millisecond:
		return d.Round(time.Millisecond)
	default:
		return d
	}
}

// redact removes the token from a message, belt and braces: no message is
// built from the token, but some embed text a server sent.
func (c *Client) redact(s string) string {
	if c != nil && c.token != "" {
		s = strings.ReplaceAll(s, c.token, "[redacted]")
	}
	return s
}

// scoped turns an error from a listing into one about what was listed
// (`team "acme"`), keeping its kind and message.
func scoped(e *Error, scope string) *Error {
	out := *e
	out.App, out.Scope = "", scope
	return &out
}
