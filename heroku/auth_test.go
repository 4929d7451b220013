package heroku

import (
	"context"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const netrcWithHeroku = `machine git.heroku.com
  login me@example.com
  password git-token
machine api.heroku.com
  login me@example.com
  password netrc-token
`

func TestFindToken(t *testing.T) {
	errCLI := errors.New("exit status 100")
	for _, tc := range []struct {
		name     string
		env      map[string]string
		netrc    string // written to Home/.netrc when set
		netrcEnv string // written to a file named by NETRC when set
		cliOut   string
		cliErr   error
		noCLI    bool
		want     string
		source   TokenSource
		wantErr  error
	}{
		{name: "env wins over all", env: map[string]string{"HEROKU_API_KEY": " env-token\n"}, netrc: netrcWithHeroku, cliOut: "cli-token",
			want: "env-token", source: SourceEnv},
		{name: "netrc before CLI", netrc: netrcWithHeroku, cliOut: "cli-token", want: "netrc-token", source: SourceNetrc},
		{name: "NETRC names the file", netrcEnv: netrcWithHeroku, netrc: "machine api.heroku.com login a password home-token\n",
			want: "netrc-token", source: SourceNetrc},
		{name: "netrc one line", netrc: "machine api.heroku.com login me password one-line-token", want: "one-line-token", source: SourceNetrc},
		{name: "netrc without heroku falls to CLI", netrc: "machine github.com login me password gh\n", cliOut: "cli-token\n",
			want: "cli-token", source: SourceCLI},
		{name: "malformed netrc falls to CLI", netrc: "machine", cliOut: "cli-token", want: "cli-token", source: SourceCLI},
		{name: "CLI chatter before the token", cliOut: "› Warning: update available\ncli-token\n", want: "cli-token", source: SourceCLI},
		{name: "CLI not logged in", cliErr: errCLI, wantErr: ErrNoToken},
		{name: "CLI prints nothing", cliOut: "\n", wantErr: ErrNoToken},
		{name: "CLI prints junk", cliOut: "not a token", wantErr: ErrNoToken},
		{name: "CLI not installed", noCLI: true, cliOut: "cli-token", wantErr: ErrNoToken},
		{name: "nothing at all", noCLI: true, wantErr: ErrNoToken},
		{name: "blank env var ignored", env: map[string]string{"HEROKU_API_KEY": "  "}, netrc: netrcWithHeroku, want: "netrc-token", source: SourceNetrc},
	} {
		t.Run(tc.name, func(t *testing.T) {
			home := t.TempDir()
			vars := map[string]string{}
			for k, v := range tc.env {
				vars[k] = v
			}
			if tc.netrc != "" {
				if err := os.WriteFile(filepath.Join(home, ".netrc"), []byte(tc.netrc), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			if tc.netrcEnv != "" {
				p := filepath.Join(t.TempDir(), "my-netrc")
				if err := os.WriteFile(p, []byte(tc.netrcEnv), 0o600); err != nil {
					t.Fatal(err)
				}
				vars["NETRC"] = p
			}
			var ran []string
			env := Env{
				Getenv: func(k string) string { return vars[k] },
				Home:   home,
				LookPath: func(name string) (string, error) {
					if tc.noCLI {
						return "", errors.New("not found")
					}
					return "/usr/local/bin/" + name, nil
				},
				Command: func(ctx context.Context, name string, args ...string) ([]byte, error) {
					if _, ok := ctx.Deadline(); !ok {
						t.Error("CLI run without a deadline")
					}
					ran = append(ran, name+" "+strings.Join(args, " "))
					return []byte(tc.cliOut), tc.cliErr
				},
			}
			tok, src, err := FindToken(context.Background(), env)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("err = %v, want %v", err, tc.wantErr)
			}
			if tok != tc.want || src != tc.source {
				t.Errorf("FindToken = %q, %q; want %q, %q", tok, src, tc.want, tc.source)
			}
			if tc.source == SourceCLI && (len(ran) != 1 || ran[0] != "/usr/local/bin/heroku auth:token") {
				t.Errorf("ran %q, want heroku auth:token once", ran)
			}
			if tc.source == SourceEnv || tc.source == SourceNetrc {
				if len(ran) != 0 {
					t.Errorf("ran the CLI although an earlier source had a token: %q", ran)
				}
			}
			if err != nil {
				assertNoSecrets(t, "error", err.Error())
			}
		})
	}
}

// The CLI case for real: a script named heroku on PATH, found and run by the
// default environment.
func TestFindTokenRealCLI(t *testing.T) {
	dir := t.TempDir()
	script := "#!/bin/sh\nif [ \"$1\" = auth:token ]; then echo 'some warning' >&2; echo script-token; else exit 3; fi\n"
	if err := os.WriteFile(filepath.Join(dir, "heroku"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	env := DefaultEnv()
	env.Getenv = func(string) string { return "" } // no HEROKU_API_KEY, no NETRC
	env.Home = t.TempDir()                         // no ~/.netrc
	tok, src, err := FindToken(context.Background(), env)
	if err != nil || tok != "script-token" || src != SourceCLI {
		t.Fatalf("FindToken = %q, %q, %v; want script-token from the CLI", tok, src, err)
	}
}

func TestErrNoTokenNamesAllWays(t *testing.T) {
	msg := ErrNoToken.Error()
	for _, want := range []string{"HEROKU_API_KEY", ".netrc", "heroku login"} {
		if !strings.Contains(msg, want) {
			t.Errorf("ErrNoToken %q does not mention %q", msg, want)
		}
	}
	if strings.Contains(msg, "\n") {
		t.Errorf("ErrNoToken is not one line: %q", msg)
	}
}

func TestAPIURL(t *testing.T) {
	for _, tc := range []struct {
		name, flag, host, want, err string
	}{
		{name: "default", want: "https://api.heroku.com"},
		{name: "flag", flag: "https://proxy.example.com/heroku/", want: "https://proxy.example.com/heroku"},
		{name: "flag wins over HEROKU_HOST", flag: "https://a.example.com", host: "b.example.com", want: "https://a.example.com"},
		{name: "HEROKU_HOST bare api host", host: "api.example.com", want: "https://api.example.com"},
		{name: "HEROKU_HOST bare domain as the CLI reads it", host: "example.com", want: "https://api.example.com"},
		{name: "HEROKU_HOST bare host starting with http", host: "httpbin.example.com", want: "https://api.httpbin.example.com"},
		{name: "HEROKU_HOST full URL kept", host: "https://api.staging.example.com", want: "https://api.staging.example.com"},
		{name: "http loopback v4", flag: "http://127.0.0.1:5000", want: "http://127.0.0.1:5000"},
		{name: "http loopback 127/8", flag: "http://127.9.8.7", want: "http://127.9.8.7"},
		{name: "http loopback v6", flag: "http://[::1]:8080/", want: "http://[::1]:8080"},
		{name: "http localhost", host: "http://localhost:3000", want: "http://localhost:3000"},
		{name: "http elsewhere refused", flag: "http://api.example.com", err: "plain http is allowed only for loopback"},
		{name: "http HEROKU_HOST elsewhere refused", host: "http://10.0.0.1", err: "HEROKU_HOST: plain http"},
		{name: "localhost lookalike refused", flag: "http://localhost.example.com", err: "plain http"},
		{name: "other scheme", flag: "ftp://api.example.com", err: "unsupported scheme"},
		{name: "no host", flag: "https://", err: "no host"},
		{name: "credentials in URL", flag: "https://u:p@api.example.com", err: "credentials"},
		{name: "query", flag: "https://api.example.com/?x=1", err: "query"},
		{name: "garbage", flag: "https://[::1", err: "not a valid URL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := APIURL(tc.flag, func(k string) string {
				if k == "HEROKU_HOST" {
					return tc.host
				}
				return ""
			})
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Errorf("APIURL = %q, %v; want error with %q", got, err, tc.err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Errorf("APIURL = %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

// New checks the URL too: the token must not go over plain http elsewhere.
func TestNewRefusesPlainHTTP(t *testing.T) {
	if _, err := New(Options{Token: "t", URL: "http://api.example.com"}); err == nil {
		t.Error("New accepted plain http to a remote host")
	}
	if _, err := New(Options{URL: "https://api.example.com"}); !errors.Is(err, ErrNoToken) {
		t.Errorf("New without a token: %v, want ErrNoToken", err)
	}
	if _, err := New(Options{Token: "a b", URL: "https://api.example.com"}); err == nil || strings.Contains(err.Error(), "a b") {
		t.Errorf("New with a bad token: %v", err)
	}
}

func FuzzAPIURL(f *testing.F) {
	for _, s := range []string{"https://api.heroku.com", "http://127.0.0.1:80/", "http://[::1]", "example.com", "http://x@y", "https://[::1"} {
		f.Add(s, "")
		f.Add("", s)
	}
	f.Fuzz(func(t *testing.T, flag, host string) {
		got, err := APIURL(flag, func(k string) string {
			if k == "HEROKU_HOST" {
				return host
			}
			return ""
		})
		if err != nil {
			return
		}
		u, perr := url.Parse(got)
		if perr != nil {
			t.Fatalf("APIURL returned unparseable %q", got)
		}
		if u.User != nil || u.RawQuery != "" || strings.HasSuffix(got, "/") {
			t.Errorf("APIURL(%q, %q) = %q", flag, host, got)
		}
		if u.Scheme != "https" && !(u.Scheme == "http" && isLoopback(u.Hostname())) {
			t.Errorf("APIURL(%q, %q) = %q: plain http off loopback", flag, host, got)
		}
	})
}

func FuzzNetrcPassword(f *testing.F) {
	for _, s := range []string{netrcWithHeroku, "machine", "machine api.heroku.com", "machine api.heroku.com login", "default login x password y",
		"# comment\nmachine api.heroku.com password p # trailing", "macdef init\n\nmachine api.heroku.com password p"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tok := netrcPassword(s) // must not panic
		if tok != cleanToken(tok) {
			t.Errorf("token %q is not clean", tok)
		}
	})
}
