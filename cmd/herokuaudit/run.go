package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/herokuaudit/herokuaudit/audit"
	"github.com/herokuaudit/herokuaudit/heroku"
	"github.com/herokuaudit/herokuaudit/report"
)

// Exit codes are a contract: CI gates on them.
const (
	exitOK      = 0 // nothing at or above the gate
	exitGate    = 1 // a finding at or above --fail-on, or a score under --fail-under
	exitTrouble = 2 // could not audit: usage, credentials, an app that could not be fetched
)

// version is set at build time with -ldflags "-X main.version=..."; a
// `go install`ed binary reports its module version instead.
var version = ""

func toolVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

// system is what run needs from the process, injected so tests drive the
// whole command in-process.
type system struct {
	Stdout, Stderr io.Writer
	Getenv         func(string) string
	StdoutTTY      bool
	Width          int // the terminal's columns: $COLUMNS, else stdout's TTY width; 0 when neither
	// OSVURL is OSV's API for the online advisory lookup: "" for the public
	// one on a real system, and for none in tests unless they set it.
	OSVURL     string
	StderrTTY  bool
	RealSystem bool // may read ~/.netrc and run the heroku CLI
	// ProbeTransport carries the live probe's requests; nil for the real
	// network. Tests route them to their own servers.
	ProbeTransport http.RoundTripper
}

// Options is everything the audit command was asked to do.
type Options struct {
	Apps      []string
	Format    string
	APIURL    string
	FailOn    string
	FailUnder int
	Timeout   time.Duration
	Fixtures  string
	Dir       string
	Color     bool

	Details     bool
	Output      string
	Baseline    string
	FailOnNew   bool
	Config      string
	Concurrency int

	Team       string
	All        bool
	Pipeline   string
	TimeoutSet bool // --timeout given: fleets otherwise wait as long as the rate limit needs

	VulnDB            string        // --vuln-db
	Offline           bool          // --offline
	Problems, AllRows bool          // --problems, --problems=false
	Checks            []audit.Check // --only / --skip; nil for the catalog
	Probe             bool          // --probe: also ask the apps' own URLs
}

// exitError carries an exit code to the one place that maps errors to codes.
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }

// say writes one line to stderr. What it carries may come from input (an
// API message, a suppression's reason, a file name): control characters are
// shown escaped, never sent to the terminal.
func say(sys system, msg string) {
	fmt.Fprintf(sys.Stderr, "herokuaudit: %s\n", report.OneLine(msg))
}

func troublef(format string, a ...any) error {
	return &exitError{code: exitTrouble, msg: fmt.Sprintf(format, a...)}
}

const helpExitCodes = `EXIT CODES:
   0  nothing failed at or above --fail-on, and every score is at least --fail-under
   1  the gate tripped: a failing check at or above --fail-on, or a score under --fail-under
   2  could not audit: bad usage, no credentials, an app that could not be fetched, or a check
      at or above --fail-on whose data could not be read (the grade is then "incomplete")`

func newApp(sys system, code *int) *cli.App {
	var opts Options
	app := &cli.App{
		Name:      "herokuaudit",
		Usage:     "audit Heroku apps against a deployment security checklist",
		UsageText: "herokuaudit [flags] APP...\nherokuaudit --team TEAM [flags] [GLOB...]\nherokuaudit diff APP_A APP_B\nherokuaudit probe URL...\nherokuaudit checks | explain CHECK-ID\nherokuaudit demo   (a sample app built into the binary, no account needed)",
		Version:   toolVersion(),
		Writer:    sys.Stdout,
		ErrWriter: sys.Stderr,
		Description: "Pulls each app's config vars, formation, dynos, add-ons, current release and slug through\n" +
			"the Heroku Platform API (read-only), runs the check catalog and prints a scored, graded report.\n" +
			"The token comes from HEROKU_API_KEY, ~/.netrc (machine api.heroku.com) or `heroku auth:token`.",
		HideHelpCommand:       false,
		CustomAppHelpTemplate: cli.AppHelpTemplate + "\n" + helpExitCodes + "\n",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "table", Usage: "output `FORMAT`: " + strings.Join(report.FormatNames(), ", "), Destination: &opts.Format},
			&cli.StringFlag{Name: "fail-on", Value: "high", Usage: "exit 1 when a check fails at or above `SEVERITY`: " + strings.Join(audit.SeverityNames(), ", ") + ", or none", Destination: &opts.FailOn},
			&cli.IntFlag{Name: "fail-under", Value: 0, Usage: "exit 1 when an app scores below `SCORE` (0-100)", Destination: &opts.FailUnder},
			&cli.DurationFlag{Name: "timeout", Value: 2 * time.Minute, Usage: "give up on fetching an app after `DURATION` (0: no limit), and on its checks after as long (with --team, --all or --pipeline: 30m unless given)", Destination: &opts.Timeout},
			&cli.StringFlag{Name: "api-url", Usage: "Platform API base `URL` (default $HEROKU_HOST or https://api.heroku.com; http only on loopback)", Destination: &opts.APIURL},
			&cli.StringFlag{Name: "fixtures", Usage: "serve the API from recorded fixtures in `DIR`, or demo for the ones built into the binary (no account needed)", Destination: &opts.Fixtures},
			&cli.StringFlag{Name: "dir", Usage: "audit the code in this local checkout `PATH` instead of the running slug; alone, audits the checkout without an app", Destination: &opts.Dir},
			&cli.BoolFlag{Name: "details", Usage: "with several apps, also print each app's findings after the summary", Destination: &opts.Details},
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write the report to `FILE` (atomically) instead of stdout; - is stdout", Destination: &opts.Output},
			&cli.StringFlag{Name: "baseline", Usage: "compare with a previous --format json report `FILE`: mark findings new or existing, list what was fixed", Destination: &opts.Baseline},
			&cli.BoolFlag{Name: "fail-on-new", Usage: "with --baseline, gate only on findings that are not in the baseline", Destination: &opts.FailOnNew},
			&cli.StringFlag{Name: "config", Usage: "suppressions file `FILE` (default .herokuaudit.yml when present)", Destination: &opts.Config},
			&cli.IntFlag{Name: "concurrency", Value: 8, Usage: "at most `N` API requests in flight across all apps", Destination: &opts.Concurrency},
			&cli.StringFlag{Name: "team", Usage: "audit every app of `TEAM` (APP arguments become name globs)", Destination: &opts.Team},
			&cli.BoolFlag{Name: "all", Usage: "audit every app the token can see (APP arguments become name globs)", Destination: &opts.All},
			&cli.StringFlag{Name: "pipeline", Usage: "audit the apps coupled to pipeline `NAME`, with their stages", Destination: &opts.Pipeline},
			&cli.StringSliceFlag{Name: "app", Aliases: []string{"a"}, Usage: "audit `APP` (repeatable; as the Heroku CLI takes it)"},
			&cli.BoolFlag{Name: "no-color", Usage: "never colour the output (also NO_COLOR, or TERM=dumb)"},
			&cli.BoolFlag{Name: "problems", Usage: "show only failing, warning and erroring checks in an app's table (the default for several apps' --details; --problems=false shows every row)"},
			&cli.StringFlag{Name: "only", Usage: "run only these checks: `CHECK,...` (see herokuaudit checks)"},
			&cli.StringFlag{Name: "skip", Usage: "run every check but these: `CHECK,...`"},
			&cli.BoolFlag{Name: "offline", Usage: "never ask OSV's API about the installed packages (dependency-vulns then needs --vuln-db)", Destination: &opts.Offline},
			&cli.StringFlag{Name: "vuln-db", Usage: "look the installed packages up in OSV's PyPI export `PATH` (the zip, or a directory of JSON or YAML records such as a clone of pypa/advisory-database) for dependency-vulns", Destination: &opts.VulnDB},
			&cli.BoolFlag{Name: "probe", Usage: "also send each app's web URL and custom domains at most 6 GET requests each (see herokuaudit probe --help) and run the probe checks", Destination: &opts.Probe},
		},
		Action: func(c *cli.Context) error {
			opts.Apps = append(c.StringSlice("app"), c.Args().Slice()...)
			opts.TimeoutSet = c.IsSet("timeout")
			opts.Color = colorOK(c, sys)
			opts.Problems = c.Bool("problems")
			opts.AllRows = c.IsSet("problems") && !c.Bool("problems")
			checks, err := selectChecks(c.String("only"), c.String("skip"))
			if err != nil {
				return err
			}
			opts.Checks = checks
			return runAudit(c.Context, opts, sys, code)
		},
		Commands: []*cli.Command{
			diffCommand(sys),
			probeCommand(sys, code),
			{
				Name:      "checks",
				Usage:     "list the checks with their IDs, severities and the scoring rule",
				UsageText: "herokuaudit checks [--format table|json]",
				Flags: []cli.Flag{
					&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "table", Usage: "table or json"},
				},
				Action: func(c *cli.Context) error {
					if err := refuseRootFlags(c, "no-color"); err != nil {
						return err
					}
					err := report.RenderCatalog(sys.Stdout, c.String("format"), audit.Catalog(), colorOK(c, sys))
					if err != nil {
						return troublef("%v", err)
					}
					return nil
				},
			},
			{
				Name:      "version",
				Usage:     "print the version",
				UsageText: "herokuaudit version",
				Action: func(c *cli.Context) error {
					fmt.Fprintf(sys.Stdout, "herokuaudit version %s\n", toolVersion())
					return nil
				},
			},
			{
				Name:      "explain",
				Usage:     "show what a check reads, why it matters and how to fix it",
				UsageText: "herokuaudit explain CHECK-ID",
				Action: func(c *cli.Context) error {
					if err := refuseRootFlags(c, "no-color"); err != nil {
						return err
					}
					if c.NArg() != 1 {
						return troublef("explain takes one check ID (see herokuaudit checks)")
					}
					chk, ok := audit.Lookup(c.Args().First())
					if !ok {
						return troublef("unknown check %q (see herokuaudit checks)", c.Args().First())
					}
					return report.Explain(sys.Stdout, chk)
				},
			},
		},
	}
	app.Commands = append(app.Commands, extraCommands(sys, code)...)
	return app
}

// run is the whole command; main only supplies the process's I/O and exits
// with what run returns.
func run(ctx context.Context, args []string, sys system) int {
	code := exitOK
	app := newApp(sys, &code)
	withUsageErrors(app, args)
	if len(args) > 0 {
		args = append(args[:1:1], reorder(app, args[1:])...)
	}
	if err := app.RunContext(ctx, args); err != nil {
		var ee *exitError
		if errors.As(err, &ee) {
			if ee.msg != "" {
				say(sys, ee.msg)
			}
			return ee.code
		}
		// urfave/cli's own usage errors (unknown flag, bad value)
		say(sys, err.Error())
		return exitTrouble
	}
	return code
}

// gate returns the threshold severity, or -1 for "none".
func parseGate(s string) (audit.Severity, error) {
	if strings.EqualFold(strings.TrimSpace(s), "none") {
		return -1, nil
	}
	return audit.ParseSeverity(s)
}

// newClient makes the API client, and returns the token it uses (empty
// over fixtures) so the output can be scrubbed of it: over the fixtures, or over the API
// with the token found the way the Heroku CLI finds it.
func newClient(ctx context.Context, opts Options, sys system) (*heroku.Client, string, error) {
	hopts := heroku.Options{UserAgent: "herokuaudit/" + toolVersion(), SkipSlugFiles: opts.Dir != "", Concurrency: opts.Concurrency}
	if c, err := embeddedFixtures(opts.Fixtures, hopts); c != nil || err != nil {
		return c, hopts.Token, err // --fixtures demo: the sample apps built into the binary
	}
	if opts.Fixtures != "" {
		if st, err := os.Stat(opts.Fixtures); err != nil || !st.IsDir() {
			return nil, "", troublef("--fixtures %s: not a directory", opts.Fixtures)
		}
		c, err := heroku.NewFixtures(opts.Fixtures, hopts)
		if err != nil {
			return nil, "", troublef("%v", err)
		}
		return c, hopts.Token, nil
	}
	url, err := heroku.APIURL(opts.APIURL, sys.Getenv)
	if err != nil {
		return nil, "", troublef("%v", err)
	}
	env := heroku.DefaultEnv()
	env.Getenv = sys.Getenv
	if !sys.RealSystem {
		// tests: no ~/.netrc and no heroku CLI from the developer's machine
		env.Home = ""
		env.LookPath = func(string) (string, error) { return "", errors.New("not found") }
	}
	token, _, err := heroku.FindToken(ctx, env)
	if err != nil {
		return nil, "", troublef("%v", err)
	}
	hopts.Token, hopts.URL = token, url
	c, err := heroku.New(hopts)
	if err != nil {
		return nil, "", troublef("%v", err)
	}
	return c, hopts.Token, nil
}
