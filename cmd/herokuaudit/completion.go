package main

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/urfave/cli/v2"
)

func completionCommand(sys system) *cli.Command {
	return &cli.Command{
		Name:      "completion",
		Usage:     "print a shell completion script for bash, zsh or fish",
		UsageText: "herokuaudit completion bash|zsh|fish\n\nbash: source <(herokuaudit completion bash)\nzsh:  herokuaudit completion zsh > \"${fpath[1]}/_herokuaudit\"\nfish: herokuaudit completion fish > ~/.config/fish/completions/herokuaudit.fish",
		Action: func(c *cli.Context) error {
			if err := refuseRootFlags(c); err != nil {
				return err
			}
			if c.NArg() != 1 {
				return troublef("completion takes one shell: bash, zsh or fish")
			}
			app := c.App
			switch shell := c.Args().First(); shell {
			case "bash":
				return bashCompletion(sys.Stdout, app)
			case "zsh":
				return zshCompletion(sys.Stdout, app)
			case "fish":
				s, err := app.ToFishCompletion()
				if err != nil {
					return troublef("fish completion: %v", err)
				}
				_, err = io.WriteString(sys.Stdout, s)
				return err
			default:
				return troublef("unknown shell %q: bash, zsh or fish", shell)
			}
		},
	}
}

// flagWords are a flag set's spellings as typed: --name and -n.
func flagWords(flags []cli.Flag) []string {
	var out []string
	for _, f := range flags {
		for _, n := range f.Names() {
			if len(n) == 1 {
				out = append(out, "-"+n)
			} else {
				out = append(out, "--"+n)
			}
		}
	}
	sort.Strings(out)
	return out
}

func commandNames(app *cli.App) []string {
	var out []string
	for _, c := range app.VisibleCommands() {
		out = append(out, c.Names()...)
	}
	return out
}

// bashCompletion writes a self-contained script: the words come from the
// same definitions as --help, so nothing runs at completion time.
func bashCompletion(w io.Writer, app *cli.App) error {
	var cases strings.Builder
	for _, cmd := range app.VisibleCommands() {
		fmt.Fprintf(&cases, "      %s) words=%q ;;\n", strings.Join(cmd.Names(), "|"), strings.Join(flagWords(cmd.VisibleFlags()), " "))
	}
	_, err := fmt.Fprintf(w, `# bash completion for %[1]s: source <(%[1]s completion bash)
_%[1]s() {
  local cur=${COMP_WORDS[COMP_CWORD]} cmd="" i words
  for ((i = 1; i < COMP_CWORD; i++)); do
    case "${COMP_WORDS[i]}" in
      -*) ;;
      *) cmd=${COMP_WORDS[i]}; break ;;
    esac
  done
  words=%[2]q
  if [[ -n $cmd ]]; then
    case "$cmd" in
%[3]s      *) words=%[2]q ;;
    esac
  elif [[ $cur != -* ]]; then
    words=%[4]q
  fi
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -o default -F _%[1]s %[1]s
`, app.Name, strings.Join(flagWords(app.VisibleFlags()), " "), cases.String(), strings.Join(commandNames(app), " "))
	return err
}

// zshCompletion writes a #compdef script listing the commands with their
// usage and the flags with theirs.
func zshCompletion(w io.Writer, app *cli.App) error {
	var b strings.Builder
	fmt.Fprintf(&b, "#compdef %[1]s\n# zsh completion for %[1]s: %[1]s completion zsh > \"${fpath[1]}/_%[1]s\"\n\n", app.Name)
	fmt.Fprintf(&b, "_%s() {\n  local -a commands flags\n  commands=(\n", app.Name)
	for _, cmd := range app.VisibleCommands() {
		for _, n := range cmd.Names() {
			fmt.Fprintf(&b, "    %s\n", zshQuote(n+":"+cmd.Usage))
		}
	}
	b.WriteString("  )\n  flags=(\n")
	for _, f := range app.VisibleFlags() {
		usage := ""
		if d, ok := f.(cli.DocGenerationFlag); ok {
			usage = d.GetUsage()
		}
		for _, n := range f.Names() {
			dash := "--"
			if len(n) == 1 {
				dash = "-"
			}
			fmt.Fprintf(&b, "    %s\n", zshQuote(dash+n+"["+zshBracket(usage)+"]"))
		}
	}
	b.WriteString(`  )
  _arguments -s $flags '1: :->first' '*:: :->rest'
  case $state in
    first) _describe -t commands command commands; _message 'app name' ;;
    rest) _files ;;
  esac
}

`)
	fmt.Fprintf(&b, "if [[ $zsh_eval_context[-1] == loadautofunc ]]; then\n  _%[1]s \"$@\"\nelse\n  compdef _%[1]s %[1]s\nfi\n", app.Name)
	_, err := io.WriteString(w, b.String())
	return err
}

func zshQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// zshBracket keeps an _arguments description from closing its brackets.
func zshBracket(s string) string {
	return strings.NewReplacer("[", "(", "]", ")", "`", "", ":", `\:`).Replace(s)
}
