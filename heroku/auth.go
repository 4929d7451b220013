package heroku

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	netrc "github.com/jdx/go-netrc"
)

// TokenSource names where FindToken found the API token.
type TokenSource string

const (
	SourceEnv   TokenSource = "HEROKU_API_KEY"
	SourceNetrc TokenSource = "~/.netrc"
	SourceCLI   TokenSource = "heroku auth:token"
)

// ErrNoToken is returned by FindToken when no source holds a token.
var ErrNoToken = errors.New("no Heroku API token: set HEROKU_API_KEY, add machine api.heroku.com to ~/.netrc, or install the Heroku CLI and run heroku login")

// netrcMachine is the entry the Heroku CLI writes on login.
const netrcMachine = "api.heroku.com"

// cliTimeout bounds `heroku auth:token`: the CLI starts in a second or two,
// and a hung one must not stall the audit.
const cliTimeout = 10 * time.Second

// maxNetrc caps how much of a netrc file is read; real ones are tiny.
const maxNetrc = 1 << 20

// Env is the part of the process environment FindToken reads, injectable so
// tests need not touch the real one.
type Env struct {
	Getenv   func(string) string
	Home     string
	LookPath func(string) (string, error)
	// Command runs a program and returns its standard output.
	Command func(ctx context.Context, name string, args ...string) ([]byte, error)
}

// DefaultEnv is the real environment of this process.
func DefaultEnv() Env {
	home, _ := os.UserHomeDir()
	return Env{
		Getenv:   os.Getenv,
		Home:     home,
		LookPath: exec.LookPath,
		Command:  runCommand,
	}
}

// runCommand runs name with no stdin and stderr discarded (the CLI prints
// update notices and prompts there).
func runCommand(ctx context.Context, name string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Stderr = io.Discard
	// A child that leaves a grandchild holding stdout open must not hang us.
	cmd.WaitDelay = 2 * time.Second
	return cmd.Output()
}

// FindToken looks for a Heroku API token the way the Heroku CLI keeps it:
// HEROKU_API_KEY, then the netrc file (NETRC, else ~/.netrc), then
// `heroku auth:token` when the CLI is installed. It returns ErrNoToken when
// none has one; the token itself never appears in an error.
func FindToken(ctx context.Context, env Env) (string, TokenSource, error) {
	getenv := env.Getenv
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	if tok := strings.TrimSpace(getenv("HEROKU_API_KEY")); tok != "" {
		return tok, SourceEnv, nil
	}
	path := getenv("NETRC")
	if path == "" && env.Home != "" {
		path = filepath.Join(env.Home, ".netrc")
	}
	if path != "" {
		if tok := netrcToken(path); tok != "" {
			return tok, SourceNetrc, nil
		}
	}
	if env.LookPath != nil && env.Command != nil {
		if bin, err := env.LookPath("heroku"); err == nil {
			if tok := cliToken(ctx, env, bin); tok != "" {
				return tok, SourceCLI, nil
			}
		}
	}
	return "", "", ErrNoToken
}

// netrcToken returns the password of machine api.heroku.com, or "" when the
// file is missing, unreadable or has none.
func netrcToken(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	// Read the file ourselves: the library's own Parse leaks the file handle
	// and shells out to gpg for *.gpg paths.
	b, err := io.ReadAll(io.LimitReader(f, maxNetrc))
	if err != nil {
		return ""
	}
	return netrcPassword(string(b))
}

// netrcPassword parses netrc text. The library indexes past the end of its
// token list on some malformed input (a trailing "machine"); a bad file must
// mean "no token here", not a crash.
func netrcPassword(text string) (tok string) {
	defer func() {
		if recover() != nil {
			tok = ""
		}
	}()
	n, err := netrc.ParseString(text)
	if err != nil {
		return ""
	}
	m := n.Machine(netrcMachine)
	if m == nil {
		return ""
	}
	return cleanToken(m.Get("password"))
}

func cliToken(ctx context.Context, env Env, bin string) string {
	ctx, cancel := context.WithTimeout(ctx, cliTimeout)
	defer cancel()
	out, err := env.Command(ctx, bin, "auth:token")
	if err != nil {
		return ""
	}
	// The token is the last non-empty line; anything before it is chatter.
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	return cleanToken(lines[len(lines)-1])
}

// cleanToken trims a token and rejects what cannot be one (whitespace or
// control characters inside would corrupt the Authorization header).
func cleanToken(s string) string {
	s = strings.TrimSpace(s)
	for _, r := range s {
		if r <= ' ' || r == 0x7f {
			return ""
		}
	}
	return s
}

// APIURL resolves the Platform API base URL: the --api-url flag, else
// HEROKU_HOST (read as the Heroku CLI does: a full URL is kept, a bare host
// "example.com" means https://api.example.com, one already starting with
// "api." is used as is), else https://api.heroku.com. The token travels to
// this URL, so plain http is refused unless the host is loopback.
func APIURL(flag string, getenv func(string) string) (string, error) {
	raw := strings.TrimSpace(flag)
	from := "--api-url"
	if raw == "" && getenv != nil {
		if h := strings.TrimSpace(getenv("HEROKU_HOST")); h != "" {
			from = "HEROKU_HOST"
			raw = h
			// The CLI tests for a leading "http"; "://" also gets a bare
			// host such as httpbin.example right.
			if !strings.Contains(h, "://") {
				if !strings.HasPrefix(strings.ToLower(h), "api.") {
					h = "api." + h
				}
				raw = "https://" + h
			}
		}
	}
	if raw == "" {
		return "https://api.heroku.com", nil
	}
	u, err := checkAPIURL(raw)
	if err != nil {
		return "", fmt.Errorf("%s: %w", from, err)
	}
	return u, nil
}

// checkAPIURL validates a base URL and returns it without a trailing slash
// (paths are appended to it).
func checkAPIURL(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", errors.New("not a valid URL")
	}
	if u.Host == "" || u.Hostname() == "" {
		return "", errors.New("the URL has no host")
	}
	if u.User != nil {
		return "", errors.New("the URL must not carry credentials")
	}
	if u.RawQuery != "" || u.Fragment != "" || u.ForceQuery {
		return "", errors.New("the URL must not have a query or fragment")
	}
	if err := checkScheme(u); err != nil {
		return "", err
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u.String(), nil
}

// checkScheme allows https anywhere and plain http only on loopback, where
// nothing crosses a network.
func checkScheme(u *url.URL) error {
	switch strings.ToLower(u.Scheme) {
	case "https":
		return nil
	case "http":
		if isLoopback(u.Hostname()) {
			return nil
		}
		return fmt.Errorf("plain http is allowed only for loopback hosts, not %q: use https", u.Hostname())
	default:
		return fmt.Errorf("unsupported scheme %q: use https", u.Scheme)
	}
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
