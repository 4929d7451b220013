package gunicorn

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

// cl makes a command-line value.
func cl(raw string) Value { return Value{Raw: raw, Source: SourceCommandLine} }

// The expectations below were checked against gunicorn 26.1.0's own parser
// (Config().parser()) under Python 3.11 to 3.13.
func TestParseArgs(t *testing.T) {
	tests := []struct {
		name    string
		args    string // split on spaces; argv is for words with spaces
		argv    []string
		want    Settings
		invalid bool // gunicorn's parser would exit
	}{
		{args: "-w3 app:app", want: Settings{Workers: cl("3"), App: "app:app", Args: []string{"app:app"}}},
		{args: "-w 3 app:app", want: Settings{Workers: cl("3"), App: "app:app", Args: []string{"app:app"}}},
		{args: "--workers=3 app:app", want: Settings{Workers: cl("3"), App: "app:app", Args: []string{"app:app"}}},
		{args: "-w=3 app", want: Settings{Workers: cl("3"), App: "app", Args: []string{"app"}}},
		{
			args: "autoapp:app -b 0.0.0.0:$PORT -w 3",
			want: Settings{Workers: cl("3"), Bind: cl("0.0.0.0:$PORT"), App: "autoapp:app", Args: []string{"autoapp:app"}},
		},
		{
			args: "httpbin:app -k gevent",
			want: Settings{WorkerClass: cl("gevent"), App: "httpbin:app", Args: []string{"httpbin:app"}},
		},
		{
			args: "--config=gunicorn.conf.py kuulemma.wsgi:app",
			want: Settings{Config: cl("gunicorn.conf.py"), App: "kuulemma.wsgi:app", Args: []string{"kuulemma.wsgi:app"}},
		},
		{
			args: "-c gunicorn.cfg bauble.app:app",
			want: Settings{Config: cl("gunicorn.cfg"), App: "bauble.app:app", Args: []string{"bauble.app:app"}},
		},
		{
			args: "app:app --preload --reload",
			want: Settings{Reload: cl("true"), Preload: cl("true"), App: "app:app", Args: []string{"app:app"}},
		},
		{
			name: "abbreviations resolve to the unique option",
			args: "--pre --grace 3 --keep-a 5 --worker-cl gthread app",
			want: Settings{
				Preload: cl("true"), GracefulTimeout: cl("3"), KeepAlive: cl("5"), WorkerClass: cl("gthread"),
				App: "app", Args: []string{"app"},
			},
		},
		{
			name:    "ambiguous abbreviation",
			args:    "--work 3 app",
			want:    Settings{App: "3", Args: []string{"3", "app"}, Invalid: []string{"ambiguous option --work could match --workers, --worker-class, --worker-connections, --worker-tmp-dir"}},
			invalid: true,
		},
		{
			name:    "ambiguous --rel",
			args:    "--rel app",
			want:    Settings{App: "app", Args: []string{"app"}, Invalid: []string{"ambiguous option --rel could match --reload, --reload-engine, --reload-extra-file"}},
			invalid: true,
		},
		{
			name: "an abbreviation takes the next word as its value, even the app",
			args: "--keep app",
			want: Settings{KeepAlive: cl("app"), Invalid: []string{"argument --keep-alive: invalid int value"}},
			// gunicorn: invalid int value: 'app'
			invalid: true,
		},
		{
			name: "clustered short flags",
			args: "-Rw3 -D app",
			want: Settings{Workers: cl("3"), App: "app", Args: []string{"app"}},
		},
		{
			name: "unknown short flag in a cluster",
			args: "-Rx app",
			want: Settings{App: "app", Args: []string{"app"}, Unknown: []string{"-x"}},
		},
		{
			name:    "flag given a value",
			args:    "--reload=1 app",
			want:    Settings{Reload: cl("true"), App: "app", Args: []string{"app"}, Invalid: []string{"argument --reload: ignored explicit argument"}},
			invalid: true,
		},
		{
			name:    "option followed by another option has no value",
			args:    "-b --chdir ./server app:app",
			want:    Settings{App: "app:app", Args: []string{"app:app"}, Invalid: []string{"argument -b/--bind: expected one argument"}},
			invalid: true,
		},
		{
			name:    "value missing at the end",
			args:    "app -w",
			want:    Settings{App: "app", Args: []string{"app"}, Invalid: []string{"argument -w/--workers: expected one argument"}},
			invalid: true,
		},
		{
			name: "dash alone and negative numbers are values",
			args: "--access-logfile - -w -1 app",
			want: Settings{AccessLogfile: cl("-"), Workers: cl("-1"), App: "app", Args: []string{"app"}},
		},
		{
			name: "--log-file is --error-logfile",
			args: "hello:app --log-file=-",
			want: Settings{ErrorLogfile: cl("-"), App: "hello:app", Args: []string{"hello:app"}},
		},
		{
			name: "bind repeats and accumulates",
			args: "-b 0.0.0.0:1 --bind=unix:/tmp/x app",
			want: Settings{Bind: cl("0.0.0.0:1,unix:/tmp/x"), App: "app", Args: []string{"app"}},
		},
		{
			name: "last value wins",
			args: "--log-level debug --log-level=info -w 3 -w 4 app",
			want: Settings{LogLevel: cl("info"), Workers: cl("4"), App: "app", Args: []string{"app"}},
		},
		{
			name: "unknown options are recorded and their words become positionals",
			args: "--foo bar app",
			want: Settings{App: "bar", Args: []string{"bar", "app"}, Unknown: []string{"--foo"}},
		},
		{
			name: "misspelled option with underscore",
			args: "--limit-request-field-size 10 app",
			want: Settings{App: "10", Args: []string{"10", "app"}, Unknown: []string{"--limit-request-field-size"}},
		},
		{
			name: "typo --log-file- is unknown, value not echoed",
			args: "prueba.wsgi --log-file-",
			want: Settings{App: "prueba.wsgi", Args: []string{"prueba.wsgi"}, Unknown: []string{"--log-file-"}},
		},
		{
			name: "unknown option with an attached value",
			args: "--statsd-hots=x:1 app",
			want: Settings{App: "app", Args: []string{"app"}, Unknown: []string{"--statsd-hots"}},
		},
		{
			name:    "positionals after an option following the app are rejected",
			args:    "manage:app --max-requests 500 --preload 0.0.0.0:$PORT",
			want:    Settings{MaxRequests: cl("500"), Preload: cl("true"), App: "manage:app", Args: []string{"manage:app"}, Invalid: []string{"unrecognized arguments: 1 word after the app target"}},
			invalid: true,
		},
		{
			name: "positionals in one run are all kept",
			args: "--reload app x",
			want: Settings{Reload: cl("true"), App: "app", Args: []string{"app", "x"}},
		},
		{
			name: "double dash ends options",
			args: "-w 3 -- app --reload",
			want: Settings{Workers: cl("3"), App: "app", Args: []string{"app", "--reload"}},
		},
		{
			name: "optional-value option takes the app",
			args: "--proxy-protocol app",
			want: Settings{},
		},
		{
			name:    "--version exits",
			args:    "--version",
			want:    Settings{Invalid: []string{"argument -v/--version: prints and exits instead of serving"}},
			invalid: true,
		},
		{
			name: "timeout, threads, max requests, forwarded ips",
			args: "-t5 --threads 4 --max-requests=1000 --forwarded-allow-ips=* --graceful-timeout 60 app",
			want: Settings{
				Timeout: cl("5"), Threads: cl("4"), MaxRequests: cl("1000"), ForwardedAllowIPs: cl("*"),
				GracefulTimeout: cl("60"), App: "app", Args: []string{"app"},
			},
		},
		{
			name: "-e takes a value that looks like a flag assignment",
			args: "-e X=--reload app",
			want: Settings{App: "app", Args: []string{"app"}},
		},
		{
			name: "shell parameter values are kept and noted",
			args: "-w ${WEB_CONCURRENCY:-3} --bind 0.0.0.0:${PORT} app",
			want: Settings{
				Workers: Value{Raw: "${WEB_CONCURRENCY:-3}", Source: SourceCommandLine, Env: "WEB_CONCURRENCY", Default: "3", HasDefault: true},
				Bind:    cl("0.0.0.0:${PORT}"), App: "app", Args: []string{"app"},
			},
		},
		{
			name: "quoted bind and factory target",
			argv: []string{"-b", "0.0.0.0:$PORT", "-w", "3", "app:create_app()"},
			want: Settings{Bind: cl("0.0.0.0:$PORT"), Workers: cl("3"), App: "app:create_app()", Args: []string{"app:create_app()"}},
		},
		{
			name: "value with a space that starts with a dash is a value",
			argv: []string{"--access-logformat", "-x y", "app"},
			want: Settings{App: "app", Args: []string{"app"}},
		},
		{
			name: "empty word is a positional",
			argv: []string{"", "app"},
			want: Settings{App: "", Args: []string{"", "app"}},
		},
		{name: "no arguments", argv: []string{}, want: Settings{}},
	}
	for _, tt := range tests {
		name := tt.name
		if name == "" {
			name = tt.args
		}
		t.Run(name, func(t *testing.T) {
			argv := tt.argv
			if argv == nil {
				argv = strings.Fields(tt.args)
			}
			got, err := ParseArgs(argv, SourceCommandLine)
			var argErr *ArgError
			if tt.invalid != errors.As(err, &argErr) {
				t.Errorf("error = %v, want invalid=%v", err, tt.invalid)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ParseArgs(%q)\n got  %+v\n want %+v", argv, got, tt.want)
			}
		})
	}
}

func TestParseArgsSource(t *testing.T) {
	s, err := ParseArgs([]string{"--timeout", "20"}, SourceCmdArgsEnv)
	if err != nil {
		t.Fatal(err)
	}
	if s.Timeout != (Value{Raw: "20", Source: SourceCmdArgsEnv}) {
		t.Errorf("Timeout = %#v", s.Timeout)
	}
	_, err = ParseArgs([]string{"-w"}, SourceCmdArgsEnv)
	if err == nil || !strings.Contains(err.Error(), "GUNICORN_CMD_ARGS") {
		t.Errorf("error %v should name its source", err)
	}
}

// TestOptionTable guards the option table: every option string unique and
// well formed, the settings the auditor reads present.
func TestOptionTable(t *testing.T) {
	seen := map[string]bool{}
	for _, o := range options {
		for _, f := range o.flags {
			if seen[f] {
				t.Errorf("duplicate option string %s", f)
			}
			seen[f] = true
			if !(len(f) == 2 && f[0] == '-' && f[1] != '-') && !strings.HasPrefix(f, "--") {
				t.Errorf("malformed option string %q", f)
			}
		}
	}
	for _, f := range []string{"-w", "--workers", "--threads", "-k", "-t", "--graceful-timeout", "--keep-alive", "-b", "--log-level", "--access-logfile", "--error-logfile", "--log-file", "-c", "--forwarded-allow-ips", "--max-requests", "--reload", "--preload"} {
		if !seen[f] {
			t.Errorf("option %s missing", f)
		}
	}
}

func TestShlexSplit(t *testing.T) {
	tests := []struct {
		in   string
		want []string
		err  error
	}{
		{"--access-logfile -", []string{"--access-logfile", "-"}, nil},
		{`--workers 3 --bind "0.0.0.0:8000"`, []string{"--workers", "3", "--bind", "0.0.0.0:8000"}, nil},
		{`--access-logformat '%(h)s "%(r)s"'`, []string{"--access-logformat", `%(h)s "%(r)s"`}, nil},
		{`a\ b "c\"d" "e\f" 'g\h'`, []string{"a b", `c"d`, `e\f`, `g\h`}, nil},
		{`x'' "" y`, []string{"x", "", "y"}, nil},
		{"a#b #c", []string{"a#b", "#c"}, nil},
		{" \t\n ", nil, nil},
		{`"unclosed`, nil, ErrNoClosingQuote},
		{`'unclosed`, nil, ErrNoClosingQuote},
		{`trailing\`, nil, ErrNoEscapedChar},
		// a backslash ending a double-quoted word (Python 3: "No escaped character")
		{`--bind "abc\`, nil, ErrNoEscapedChar},
		{`"a\\b"`, []string{`a\b`}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ShlexSplit(tt.in)
			if !errors.Is(err, tt.err) || !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ShlexSplit(%q) = %q, %v; want %q, %v", tt.in, got, err, tt.want, tt.err)
			}
		})
	}
}
