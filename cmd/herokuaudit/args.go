package main

import (
	"slices"
	"strings"

	"github.com/urfave/cli/v2"
)

// Flags may come anywhere on the line, as in gh and the Heroku CLI:
// `herokuaudit myapp --format json`. urfave/cli stops at the first
// argument, so the line is put in its order first: the root's flags, the
// command, its flags, then the arguments. `--` still ends the flags.

// flagIndex maps every name of a set of flags ("format", "f") to whether
// it takes a value.
func flagIndex(fs []cli.Flag) map[string]bool {
	idx := map[string]bool{}
	for _, f := range fs {
		takes := true
		if d, ok := f.(cli.DocGenerationFlag); ok {
			takes = d.TakesValue()
		}
		for _, n := range f.Names() {
			idx[n] = takes
		}
	}
	return idx
}

// reorder returns args (without the program name) with the flags first.
func reorder(app *cli.App, args []string) []string {
	root := flagIndex(app.Flags)
	root["help"], root["h"], root["version"], root["v"] = false, false, false, false
	var cmd *cli.Command
	var rootFlags, cmdFlags, positional []string
	var cmdIdx map[string]bool
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			positional = append(positional, args[i+1:]...)
			break
		}
		if len(a) > 1 && strings.HasPrefix(a, "-") {
			name, _, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
			takes, inCmd := cmdIdx[name]
			dest := &cmdFlags
			if !inCmd {
				var inRoot bool
				takes, inRoot = root[name]
				dest = &rootFlags
				if !inRoot && cmd != nil {
					dest = &cmdFlags // unknown: let the command say so
				}
			}
			*dest = append(*dest, a)
			if takes && !hasValue && i+1 < len(args) {
				i++
				*dest = append(*dest, args[i])
			}
			continue
		}
		if cmd == nil && len(positional) == 0 {
			if c := app.Command(a); c != nil {
				cmd, cmdIdx = c, flagIndex(c.Flags)
				continue
			}
		}
		positional = append(positional, a)
	}
	if cmd != nil {
		// a flag given before the command that the command takes too is
		// the command's: `-f json checks` lists the checks as JSON
		var keep, moved []string
		for i := 0; i < len(rootFlags); i++ {
			a := rootFlags[i]
			name, _, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
			dest := &keep
			if _, ok := cmdIdx[name]; ok {
				dest = &moved
			}
			*dest = append(*dest, a)
			if root[name] && !hasValue && i+1 < len(rootFlags) {
				i++
				*dest = append(*dest, rootFlags[i])
			}
		}
		rootFlags, cmdFlags = keep, append(moved, cmdFlags...)
	}
	out := slices.Clone(rootFlags)
	if cmd != nil {
		out = append(out, cmd.Name)
		out = append(out, cmdFlags...)
	}
	if len(positional) > 0 {
		out = append(out, "--")
		out = append(out, positional...)
	}
	return out
}

// refuseRootFlags refuses the root's flags that a command does not take:
// `-o r.json diff A B` must not print the diff and write nothing.
func refuseRootFlags(c *cli.Context, takes ...string) error {
	for _, parent := range c.Lineage()[1:] {
		for _, name := range parent.LocalFlagNames() {
			if !slices.Contains(takes, name) && len(name) > 1 {
				return troublef("--%s does not apply to herokuaudit %s; see herokuaudit %s --help", name, c.Command.Name, c.Command.Name)
			}
		}
	}
	return nil
}
