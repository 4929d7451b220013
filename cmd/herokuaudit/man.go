package main

import (
	"io"

	"github.com/urfave/cli/v2"
)

func manCommand(sys system) *cli.Command {
	return &cli.Command{
		Name:      "man",
		Usage:     "print the manual page (roff), generated from the same definitions as --help",
		UsageText: "herokuaudit man > herokuaudit.1   (or: herokuaudit man | man -l -)",
		Action: func(c *cli.Context) error {
			if err := refuseRootFlags(c); err != nil {
				return err
			}
			if c.NArg() != 0 {
				return troublef("man takes no arguments")
			}
			page, err := c.App.ToMan()
			if err != nil {
				return troublef("man page: %v", err)
			}
			_, err = io.WriteString(sys.Stdout, page)
			return err
		},
	}
}
