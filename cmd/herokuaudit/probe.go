package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/herokuaudit/herokuaudit/audit"
	"github.com/herokuaudit/herokuaudit/audit/pipeline"
	"github.com/herokuaudit/herokuaudit/probe"
	"github.com/herokuaudit/herokuaudit/report"
)

// newProber makes the run's prober: one per run, so its bound on hosts in
// flight holds across a fleet.
func newProber(sys system) *probe.Prober {
	return probe.New(probe.Options{UserAgent: "herokuaudit/" + toolVersion(), Transport: sys.ProbeTransport})
}

// probeHook fills a collected snapshot's probe part: the app's web_url and
// its custom domains, and nothing else.
func probeHook(p *probe.Prober) func(context.Context, *audit.Snapshot) {
	return func(ctx context.Context, s *audit.Snapshot) {
		if g, ok := s.Gaps[audit.PartApp]; ok {
			s.SetGap(audit.PartProbe, "the app's URL is unknown: "+g.Reason, g.Failed)
			return
		}
		urls := appURLs(s)
		if len(urls) == 0 {
			s.SetGap(audit.PartProbe, "nothing to probe: the app has no web URL or custom domain", false)
			return
		}
		targets, err := probe.Targets(urls)
		if err != nil {
			s.SetGap(audit.PartProbe, err.Error(), true)
			return
		}
		got, err := p.Probe(ctx, targets)
		if err != nil {
			s.SetGap(audit.PartProbe, "no host answered: "+err.Error(), true)
			return
		}
		s.Probe = got
		if g, ok := s.Gaps[audit.PartDomains]; ok && g.Failed {
			// what a custom domain answers is unknown: passes cannot stand
			s.SetGap(audit.PartProbe, "custom domains not probed: domains unavailable: "+g.Reason, true)
		}
	}
}

// appURLs are the app's own URLs: its web_url and custom domains
// (wildcards cannot be asked).
func appURLs(s *audit.Snapshot) []string {
	var out []string
	if s.App.WebURL != "" {
		out = append(out, s.App.WebURL)
	}
	for _, d := range s.Domains {
		if d.Kind == "custom" && d.Hostname != "" && !strings.Contains(d.Hostname, "*") {
			out = append(out, d.Hostname)
		}
	}
	return out
}

// probeSource makes each URL given to herokuaudit probe a snapshot of its own.
type probeSource struct{ p *probe.Prober }

func (ps probeSource) Snapshot(ctx context.Context, url string) (*audit.Snapshot, error) {
	targets, err := probe.Targets([]string{url})
	if err != nil {
		return nil, err
	}
	if len(targets) == 0 {
		return nil, fmt.Errorf("%q: nothing to probe", url)
	}
	got, err := ps.p.Probe(ctx, targets)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", url, err)
	}
	return audit.ProbeSnapshot(url, got), nil
}

func probeCommand(sys system, code *int) *cli.Command {
	var opts Options
	return &cli.Command{
		Name:  "probe",
		Usage: "ask a deployed app's URLs a few gentle questions and run the probe checks (no Heroku token)",
		UsageText: "herokuaudit probe [--format FORMAT] [--fail-on SEVERITY] URL...\n" +
			"Per host, at most 6 GET requests: https://HOST/ (and one redirect on the same host), http://HOST/,\n" +
			"https://HOST/ with Origin: https://evil.example, /console, and /?__debugger__=yes&cmd=resource&f=debugger.js.",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "table", Usage: "output `FORMAT`: " + strings.Join(report.FormatNames(), ", "), Destination: &opts.Format},
			&cli.StringFlag{Name: "fail-on", Value: "high", Usage: "exit 1 when a check fails at or above `SEVERITY`, or none", Destination: &opts.FailOn},
			&cli.IntFlag{Name: "fail-under", Usage: "exit 1 when a URL scores below `SCORE` (0-100)", Destination: &opts.FailUnder},
			&cli.DurationFlag{Name: "timeout", Value: time.Minute, Usage: "give up on a URL after `DURATION`", Destination: &opts.Timeout},
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write the report to `FILE` (atomically) instead of stdout", Destination: &opts.Output},
		},
		Action: func(c *cli.Context) error {
			if err := refuseRootFlags(c, "no-color"); err != nil {
				return err
			}
			opts.Apps = c.Args().Slice()
			opts.Color = colorOK(c, sys)
			return runProbe(c.Context, opts, sys, code)
		},
	}
}

// runProbe probes URLs without an app: only the probe checks run.
func runProbe(ctx context.Context, opts Options, sys system, code *int) error {
	if len(opts.Apps) == 0 {
		return troublef("no URL given: herokuaudit probe URL...")
	}
	if _, err := report.Lookup(opts.Format); err != nil {
		return troublef("%v", err)
	}
	gate, err := parseGate(opts.FailOn)
	if err != nil {
		return troublef("--fail-on: %v", err)
	}
	if _, err := probe.Targets(opts.Apps); err != nil {
		return troublef("%v", err)
	}
	if opts.Output != "" {
		if err := checkOutput(opts.Output); err != nil {
			return troublef("--output %s: %v", opts.Output, err)
		}
	}
	run, err := pipeline.Audit(ctx, probeSource{newProber(sys)}, pipeline.Options{
		Apps: opts.Apps, Timeout: opts.Timeout, Parallel: probe.DefaultHosts, Checks: audit.ProbeChecks(), Now: time.Now(),
		Gate: pipeline.Gate{FailOn: gate, FailUnder: opts.FailUnder},
	})
	if err != nil {
		return troublef("%v", err)
	}
	rep := report.Report{Tool: report.Tool{Name: "herokuaudit", Version: toolVersion()}, Results: run.Results,
		Color: opts.Color, Notices: run.Notices,
		Gate: &report.Gate{Tripped: run.Verdict.Tripped(), Reasons: run.Verdict.All()}}
	if err := writeReport(opts, sys, rep); err != nil {
		return err
	}
	return conclude(ctx, sys, run.Verdict, code)
}
