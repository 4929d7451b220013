package main

import (
	"fmt"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/herokuaudit/herokuaudit/fixtures"
	"github.com/herokuaudit/herokuaudit/heroku"
)

// demoFixtures is the --fixtures name of the sample fixtures embedded in
// the binary; a directory of that name is ./demo.
const demoFixtures = "demo"

// demoApp is the sample app the demo audits: its problems are planted.
const demoApp = "flask-insecure"

// extraCommands are the commands added beside the audit: demo, completion
// and man.
func extraCommands(sys system, code *int) []*cli.Command {
	return []*cli.Command{demoCommand(sys, code), completionCommand(sys), manCommand(sys)}
}

// embeddedFixtures returns a client over the embedded sample fixtures when
// name is "demo", and nil (with no error) for any other --fixtures value.
func embeddedFixtures(name string, hopts heroku.Options) (*heroku.Client, error) {
	if name != demoFixtures {
		return nil, nil
	}
	c, err := heroku.NewFixturesFS(fixtures.FS(), hopts)
	if err != nil {
		return nil, troublef("%v", err)
	}
	return c, nil
}

func demoCommand(sys system, code *int) *cli.Command {
	return &cli.Command{
		Name:      "demo",
		Usage:     "audit a sample app from the fixtures built into the binary (no account needed)",
		UsageText: "herokuaudit demo [SAMPLE-APP]   (default " + demoApp + "; the same as herokuaudit --fixtures demo " + demoApp + ")",
		Action: func(c *cli.Context) error {
			if err := refuseRootFlags(c, "no-color"); err != nil {
				return err
			}
			app := demoApp
			switch c.NArg() {
			case 0:
			case 1:
				app = c.Args().First()
			default:
				return troublef("demo audits one sample app; for several: herokuaudit --fixtures %s APP...", demoFixtures)
			}
			opts := Options{
				Apps: []string{app}, Format: "table", FailOn: "high", Timeout: 2 * time.Minute,
				Fixtures: demoFixtures, Concurrency: 8, Color: colorOK(c, sys),
			}
			if err := runAudit(c.Context, opts, sys, code); err != nil {
				return err
			}
			if *code == exitGate {
				say(sys, fmt.Sprintf("demo: exit 1 is the gate working: it caught the problems planted in the sample app %s (a failing check at or above --fail-on high)", app))
			}
			return nil
		},
	}
}
