package main

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/herokuaudit/herokuaudit/audit"
	"github.com/herokuaudit/herokuaudit/audit/pipeline"
	"github.com/herokuaudit/herokuaudit/report"
)

const helpDiffExitCodes = `EXIT CODES:
   0  no difference at or above --fail-on
   1  a difference at or above --fail-on (default high: a secret both apps share, a check
      that passes in APP_A and fails in APP_B)
   2  could not compare: bad usage, no credentials, or an app (or part of one) that could not be fetched`

// diffOptions is what `herokuaudit diff` was asked to do.
type diffOptions struct {
	Apps     []string
	Pipeline string
	Format   string
	FailOn   string
	Color    bool
	Timeout  time.Duration
	Client   Options // the root's API flags: --fixtures, --api-url
}

// diffCommand is `herokuaudit diff APP_A APP_B` and
// `herokuaudit diff --pipeline NAME`. The root's --fixtures, --api-url and
// --timeout apply (urfave/cli looks flags up through the parent contexts);
// --format and --fail-on may be given on either side of `diff`.
func diffCommand(sys system) *cli.Command {
	return &cli.Command{
		Name:  "diff",
		Usage: "compare two apps, or a pipeline's stages: config, add-ons, processes, stack, Python, verdicts",
		UsageText: "herokuaudit diff [--format table|json|markdown] [--fail-on SEVERITY] APP_A APP_B\n" +
			"herokuaudit diff --pipeline NAME\n" +
			"herokuaudit --fixtures fixtures diff flask-staging flask-production",
		Description: "Compares APP_A (the earlier stage, e.g. staging) with APP_B (where it is promoted to): config vars\n" +
			"only in one app, changed, or holding the same secret in both; add-on plans; process types, commands,\n" +
			"sizes and quantities; stack; Python pin; buildpacks; region; and checks that pass in one and fail in\n" +
			"the other. Each difference has a risk (high, medium, low, info) and a reason; the riskiest come first.\n" +
			"Values are never printed: a secret shows a fingerprint (fp:1a2b3c4d) keyed for this run only, so\n" +
			"equal fingerprints mean equal values, and the output is safe to paste into a chat.\n" +
			"With --pipeline, each app of a stage is compared with each app of the next one\n" +
			"(development, staging, production).",
		CustomHelpTemplate: cli.CommandHelpTemplate + "\n" + helpDiffExitCodes + "\n",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "table", Usage: "output format: " + strings.Join(report.DiffFormatNames(), ", ")},
			&cli.StringFlag{Name: "fail-on", Value: "high", Usage: "exit 1 when a difference is at or above this risk: " + strings.Join(audit.SeverityNames(), ", ") + ", or none"},
			&cli.StringFlag{Name: "pipeline", Usage: "compare the apps of pipeline `NAME`, stage by stage"},
		},
		Action: func(c *cli.Context) error {
			if err := refuseRootFlags(c, "fixtures", "api-url", "timeout", "format", "fail-on", "no-color"); err != nil {
				return err
			}
			opts := diffOptions{
				Apps:     c.Args().Slice(),
				Pipeline: c.String("pipeline"),
				Format:   inheritedString(c, "format"),
				FailOn:   inheritedString(c, "fail-on"),
				Color:    colorOK(c, sys),
				Timeout:  c.Duration("timeout"),
				Client:   Options{Fixtures: c.String("fixtures"), APIURL: c.String("api-url")},
			}
			return runDiff(c.Context, opts, sys)
		},
	}
}

// inheritedString reads a flag the subcommand defines too: its own value
// when given after `diff`, else the root's when given before it, else the
// subcommand's default.
func inheritedString(c *cli.Context, name string) string {
	if !c.IsSet(name) {
		for _, parent := range c.Lineage()[1:] {
			if parent.IsSet(name) {
				return parent.String(name)
			}
		}
	}
	return c.String(name)
}

func runDiff(ctx context.Context, opts diffOptions, sys system) error {
	if !slices.Contains(report.DiffFormatNames(), opts.Format) {
		return troublef("unknown format %q for diff (want %s)", opts.Format, strings.Join(report.DiffFormatNames(), ", "))
	}
	gate, err := parseGate(opts.FailOn)
	if err != nil {
		return troublef("--fail-on: %v", err)
	}
	for _, a := range opts.Apps {
		if strings.HasPrefix(a, "-") {
			return troublef("%s is not an app name (app names start with a letter)", a)
		}
	}
	var pairs [][2]string
	switch {
	case opts.Pipeline != "" && len(opts.Apps) > 0:
		return troublef("--pipeline takes no app names")
	case opts.Pipeline == "" && len(opts.Apps) != 2:
		return troublef("diff takes two apps: herokuaudit diff APP_A APP_B (or --pipeline NAME)")
	case opts.Pipeline == "" && opts.Apps[0] == opts.Apps[1]:
		return troublef("diff compares two different apps; %s was given twice", opts.Apps[0])
	case opts.Pipeline == "":
		pairs = [][2]string{{opts.Apps[0], opts.Apps[1]}}
	}

	client, token, err := newClient(ctx, opts.Client, sys)
	if err != nil {
		return err
	}
	var secrets []string
	if token != "" {
		secrets = []string{token}
	}
	if opts.Pipeline != "" {
		refs, err := client.ListPipelineApps(ctx, opts.Pipeline)
		if err != nil {
			return troublef("%v", err)
		}
		staged := make([]audit.StagedApp, len(refs))
		for i, r := range refs {
			staged[i] = audit.StagedApp{Name: r.Name, Stage: r.Stage}
		}
		if pairs = audit.PipelinePairs(staged); len(pairs) == 0 {
			return troublef("pipeline %s has no two stages with apps to compare", opts.Pipeline)
		}
	}

	run, err := pipeline.Diff(ctx, client, pipeline.DiffOptions{Pairs: pairs, Timeout: opts.Timeout, FailOn: gate, Secrets: secrets})
	if err != nil {
		return troublef("%v", err)
	}
	if len(run.Diffs) > 0 {
		if err := report.RenderDiffWidth(sys.Stdout, opts.Format, run.Diffs, opts.Color, sys.Width); err != nil {
			return troublef("writing the diff: %v", err)
		}
	}
	for _, f := range run.Trouble {
		say(sys, f)
	}
	if ctx.Err() != nil {
		return troublef("interrupted")
	}
	// trouble beats a tripped gate: a comparison with a part missing cannot
	// be said to pass
	if len(run.Trouble) > 0 {
		return &exitError{code: exitTrouble}
	}
	if len(run.Reasons) > 0 {
		printGate(sys, run.Reasons)
		return &exitError{code: exitGate}
	}
	return nil
}
