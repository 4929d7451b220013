package main

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/herokuaudit/herokuaudit/audit"
	"github.com/herokuaudit/herokuaudit/internal/textdist"

	"github.com/urfave/cli/v2"
)

// Usage errors are one line on stderr and exit 2: the flag as typed, what
// was wrong, and the nearest flag when one is close. Help goes to stdout
// only when asked for.

var (
	unknownFlag = regexp.MustCompile(`^flag provided but not defined: -+(.+)$`)
	badValue    = regexp.MustCompile(`^invalid value "(.*)" for flag -+([^:]+): `)
)

// usageError turns a flag parsing error into the one line users see.
func usageError(c *cli.Context, err error, args []string) error {
	msg := err.Error()
	if m := unknownFlag.FindStringSubmatch(msg); m != nil {
		typed := asTyped(m[1], args)
		line := "unknown flag " + typed
		if s := textdist.Nearest(m[1], flagNames(c)); s != "" {
			line += " (did you mean --" + s + "?)"
		}
		return troublef("%s; see %s --help", line, commandPath(c))
	}
	if m := badValue.FindStringSubmatch(msg); m != nil {
		typed := asTyped(m[2], args)
		if m[2] == "timeout" {
			return troublef("%s %s: use a duration such as 30s or 2m (0 for no limit)", typed, m[1])
		}
		return troublef("%s %s: not a valid value; see %s --help", typed, m[1], commandPath(c))
	}
	return troublef("%s; see %s --help", msg, commandPath(c))
}

// asTyped finds how the user wrote a flag: "--formt", "-f".
func asTyped(name string, args []string) string {
	for _, a := range args {
		if n, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "="); n == name && strings.HasPrefix(a, "-") {
			t, _, _ := strings.Cut(a, "=")
			return t
		}
	}
	if len(name) == 1 {
		return "-" + name
	}
	return "--" + name
}

func commandPath(c *cli.Context) string {
	if sub := subcommand(c); sub != nil {
		return "herokuaudit " + sub.Name
	}
	return "herokuaudit"
}

// subcommand is the command being run, or nil for the root.
func subcommand(c *cli.Context) *cli.Command {
	if c.Command == nil || c.Command.Name == "" || c.App != nil && c.Command.Name == c.App.Name {
		return nil
	}
	return c.Command
}

// flagNames lists the long names of the flags the command takes.
func flagNames(c *cli.Context) []string {
	var fs []cli.Flag
	if sub := subcommand(c); sub != nil {
		fs = sub.Flags
	} else if c.App != nil {
		fs = c.App.Flags
	}
	var names []string
	for _, f := range fs {
		for _, n := range f.Names() {
			if len(n) > 1 {
				names = append(names, n)
			}
		}
	}
	return names
}

// colorOK says whether output may be coloured: a terminal, no NO_COLOR, a
// terminal that knows colour, and no --no-color.
func colorOK(c *cli.Context, sys system) bool {
	return sys.StdoutTTY && sys.Getenv("NO_COLOR") == "" && sys.Getenv("TERM") != "dumb" && !c.Bool("no-color")
}

// withUsageErrors sets the one-line usage error on the app and every
// command.
func withUsageErrors(app *cli.App, args []string) {
	h := func(c *cli.Context, err error, _ bool) error { return usageError(c, err, args) }
	app.OnUsageError = h
	for _, cmd := range app.Commands {
		cmd.OnUsageError = h
	}
}

// selectChecks is the catalog narrowed by --only and --skip; an unknown
// ID is a usage error naming the nearest one.
func selectChecks(only, skip string) ([]audit.Check, error) {
	if only == "" && skip == "" {
		return nil, nil
	}
	if only != "" && skip != "" {
		return nil, troublef("--only and --skip narrow the checks in opposite ways: give one")
	}
	catalog := audit.Catalog()
	var ids []string
	for _, c := range catalog {
		ids = append(ids, c.ID)
	}
	list, flag := only, "--only"
	if skip != "" {
		list, flag = skip, "--skip"
	}
	named := map[string]bool{}
	for _, id := range strings.Split(list, ",") {
		id = strings.TrimSpace(id)
		if id == "" {
			continue
		}
		if !slices.Contains(ids, id) {
			msg := fmt.Sprintf("%s: unknown check %q", flag, id)
			if s := textdist.Nearest(id, ids); s != "" {
				msg += fmt.Sprintf(" (did you mean %s?)", s)
			}
			return nil, troublef("%s; see herokuaudit checks", msg)
		}
		named[id] = true
	}
	var out []audit.Check
	for _, c := range catalog {
		if named[c.ID] == (only != "") {
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		return nil, troublef("%s leaves no check to run", flag)
	}
	return out, nil
}
