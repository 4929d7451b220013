package procfile

import (
	"fmt"
	"path"
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// Invocation is the program a process command really runs, after unwrapping
// launchers.
type Invocation struct {
	// Argv is the server's argv, e.g. ["gunicorn", "-w", "3", "app:app"].
	// Words are shell-expanded literally: quotes and escapes are removed;
	// parameter expansions and command substitutions are kept as their
	// source text ("$PORT", "${PORT:-5000}", "$(nproc)").
	Argv []string
	// Env holds the assignments seen on the way to the program:
	// `FOO=1 cmd`, `env A=B cmd`, `export A=B;`, `A=B;` (values as literal
	// text, like Argv). Assignments prefixed to other commands of a chain
	// apply to those commands only and are not included. Nil when none.
	Env map[string]string
	// Wrappers lists the launchers unwrapped, outermost first, e.g.
	// ["newrelic-admin run-program", "sh -c"].
	Wrappers []string
	// Prelude holds the argv of commands that run before the main one in a
	// chain (`python manage.py migrate && gunicorn ...`), including commands
	// sent to the background with `&`. `cd`, `export` and bare assignments
	// are not listed: they show up in Dir and Env.
	Prelude [][]string
	// Dir is the directory the program runs in, relative to the app root,
	// after `cd DIR &&` steps; "" for the app root.
	Dir string
}

// maxDepth bounds `sh -c '...'` nesting, so hostile input cannot recurse
// without end.
const maxDepth = 8

// maxCommandLen bounds the command size handed to the shell parser. Procfile
// lines are short; this only keeps pathological input cheap.
const maxCommandLen = 64 << 10

// Analyze parses a process command with a POSIX/bash shell parser and
// returns the main program: the last command of the top-level chain (the
// long-running one); the commands before it go to Prelude. Launchers are
// unwrapped: `exec`, `env [-i] A=B`, `nice`, `nohup`, `newrelic-admin
// run-program`, `ddtrace-run`, `opentelemetry-instrument` (and its flags),
// `doppler run --`, `bin/start-nginx*`, `bin/start-pgbouncer*`, `sh -c` and
// `bash -c` (their string is parsed recursively), `poetry run`, `pipenv
// run`, `pdm run`, `uv run`, `dumb-init`, `tini --`, and `python -m
// <server>` for gunicorn, uvicorn, hypercorn, daphne, granian and waitress
// (the argv then starts with the server's name). `python -m flask run` is
// left as it is; Classify recognises it.
//
// A command the shell cannot parse yields an error, never a panic.
func Analyze(command string) (Invocation, error) {
	var inv Invocation
	if err := analyze(command, 0, &inv); err != nil {
		return Invocation{}, err
	}
	return inv, nil
}

func analyze(command string, depth int, inv *Invocation) error {
	if depth > maxDepth {
		return fmt.Errorf("procfile: shell commands nested more than %d levels deep", maxDepth)
	}
	if len(command) > maxCommandLen {
		return fmt.Errorf("procfile: command is longer than %d bytes", maxCommandLen)
	}
	file, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(strings.NewReader(command), "")
	if err != nil {
		return fmt.Errorf("procfile: cannot parse command as shell: %w", err)
	}
	w := walker{src: command}
	w.stmts(file.Stmts)

	// The main program is the last simple command with words; assignments
	// and exports before it feed Env, cd feeds Dir, the rest is Prelude.
	last := -1
	for i, s := range w.steps {
		if s.call != nil && len(s.call.Args) > 0 {
			last = i
		}
	}
	for i, s := range w.steps {
		if last >= 0 && i > last {
			break
		}
		switch {
		case s.decl != nil:
			if s.decl.Variant != nil && s.decl.Variant.Value == "export" {
				for _, a := range s.decl.Args {
					w.assign(inv, a)
				}
			}
		case len(s.call.Args) == 0:
			for _, a := range s.call.Assigns {
				w.assign(inv, a)
			}
		case i < last:
			argv := w.words(s.call.Args)
			if len(argv) > 0 && argv[0] == "cd" {
				if len(argv) > 1 {
					inv.Dir = joinDir(inv.Dir, argv[1])
				}
				continue
			}
			inv.Prelude = append(inv.Prelude, argv)
		}
	}
	if last < 0 {
		return nil
	}
	main := w.steps[last].call
	for _, a := range main.Assigns {
		w.assign(inv, a)
	}
	return unwrap(w.words(main.Args), depth, inv)
}

// joinDir applies `cd arg` to dir. Absolute paths under /app (the app root
// on a dyno) become relative.
func joinDir(dir, arg string) string {
	var p string
	if strings.HasPrefix(arg, "/") {
		p = path.Clean(arg)
		switch {
		case p == "/app":
			return ""
		case strings.HasPrefix(p, "/app/"):
			return strings.TrimPrefix(p, "/app/")
		}
		return p
	}
	p = path.Join(dir, arg)
	if p == "." {
		return ""
	}
	return p
}

// step is one simple command (or declaration) of the flattened chain.
type step struct {
	call *syntax.CallExpr
	decl *syntax.DeclClause
}

type walker struct {
	src   string
	steps []step
}

// stmts flattens statement lists in execution order: `;`, newlines, `&`,
// `&&`, `||` and pipes all become consecutive steps. Subshells, blocks,
// the then-branch of an if and loop bodies are walked too.
func (w *walker) stmts(list []*syntax.Stmt) {
	for _, s := range list {
		w.stmt(s)
	}
}

func (w *walker) stmt(s *syntax.Stmt) {
	if s == nil || s.Cmd == nil {
		return
	}
	switch c := s.Cmd.(type) {
	case *syntax.CallExpr:
		w.steps = append(w.steps, step{call: c})
	case *syntax.DeclClause:
		w.steps = append(w.steps, step{decl: c})
	case *syntax.BinaryCmd:
		w.stmt(c.X)
		w.stmt(c.Y)
	case *syntax.Subshell:
		w.stmts(c.Stmts)
	case *syntax.Block:
		w.stmts(c.Stmts)
	case *syntax.TimeClause:
		w.stmt(c.Stmt)
	case *syntax.IfClause:
		w.stmts(c.Cond)
		w.stmts(c.Then)
	case *syntax.WhileClause:
		w.stmts(c.Do)
	case *syntax.ForClause:
		w.stmts(c.Do)
	}
}

func (w *walker) assign(inv *Invocation, a *syntax.Assign) {
	if a == nil || a.Name == nil || a.Naked || a.Array != nil || a.Index != nil {
		return
	}
	if inv.Env == nil {
		inv.Env = map[string]string{}
	}
	val := ""
	if a.Value != nil {
		val = w.word(a.Value)
	}
	if a.Append {
		val = inv.Env[a.Name.Value] + val
	}
	inv.Env[a.Name.Value] = val
}

func (w *walker) words(ws []*syntax.Word) []string {
	out := make([]string, 0, len(ws))
	for _, x := range ws {
		out = append(out, w.word(x))
	}
	return out
}

// word renders a word literally: quotes and backslash escapes are removed,
// expansions keep their source text.
func (w *walker) word(x *syntax.Word) string {
	var b strings.Builder
	for _, p := range x.Parts {
		w.part(&b, p, false)
	}
	return b.String()
}

func (w *walker) part(b *strings.Builder, p syntax.WordPart, quoted bool) {
	switch p := p.(type) {
	case *syntax.Lit:
		if quoted {
			b.WriteString(unescapeDouble(p.Value))
		} else {
			b.WriteString(unescapeBare(p.Value))
		}
	case *syntax.SglQuoted:
		if p.Dollar {
			b.WriteString(unescapeANSI(p.Value))
		} else {
			b.WriteString(p.Value)
		}
	case *syntax.DblQuoted:
		for _, q := range p.Parts {
			w.part(b, q, true)
		}
	default:
		b.WriteString(w.source(p))
	}
}

// source returns the text of node as written in the command.
func (w *walker) source(n syntax.Node) string {
	start, end := int(n.Pos().Offset()), int(n.End().Offset())
	if start < 0 || end > len(w.src) || start > end {
		return ""
	}
	return w.src[start:end]
}

// unescapeBare removes backslashes outside quotes: `\x` is x and a
// backslash-newline disappears. A lone trailing backslash stays.
func unescapeBare(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
			if s[i] != '\n' {
				b.WriteByte(s[i])
			}
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// unescapeDouble removes the backslashes that are special inside double
// quotes: before $, `, ", \ and newline. Others stay.
func unescapeDouble(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			switch s[i+1] {
			case '$', '`', '"', '\\':
				b.WriteByte(s[i+1])
				i++
				continue
			case '\n':
				i++
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// unescapeANSI handles the common escapes of bash's $'...' quoting.
func unescapeANSI(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 >= len(s) {
			b.WriteByte(s[i])
			continue
		}
		i++
		switch s[i] {
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		case 'r':
			b.WriteByte('\r')
		case '\\', '\'', '"', '?':
			b.WriteByte(s[i])
		default:
			b.WriteByte('\\')
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// unwrap peels launchers off argv until it reaches the real program.
func unwrap(argv []string, depth int, inv *Invocation) error {
	for guard := 0; guard < 64 && len(argv) > 0; guard++ {
		base := path.Base(argv[0])
		rest := argv[1:]
		switch {
		case base == "exec":
			rest = skipExecOptions(rest)
			inv.Wrappers = append(inv.Wrappers, "exec")
		case base == "env":
			var ok bool
			rest, ok = unwrapEnv(rest, inv)
			if !ok {
				inv.Argv = argv
				return nil
			}
			inv.Wrappers = append(inv.Wrappers, "env")
		case base == "nice":
			rest = skipNiceOptions(rest)
			inv.Wrappers = append(inv.Wrappers, "nice")
		case base == "nohup":
			inv.Wrappers = append(inv.Wrappers, "nohup")
		case base == "newrelic-admin" && len(rest) > 0 && rest[0] == "run-program":
			rest = rest[1:]
			inv.Wrappers = append(inv.Wrappers, "newrelic-admin run-program")
		case base == "newrelic-admin" && len(rest) > 0 && rest[0] == "run-python":
			// run-python runs the Python interpreter with the remaining args.
			rest = append([]string{"python"}, rest[1:]...)
			inv.Wrappers = append(inv.Wrappers, "newrelic-admin run-python")
		case base == "ddtrace-run":
			rest = skipDashWords(rest)
			inv.Wrappers = append(inv.Wrappers, "ddtrace-run")
		case base == "opentelemetry-instrument":
			rest = skipValueOptions(rest)
			inv.Wrappers = append(inv.Wrappers, "opentelemetry-instrument")
		case base == "doppler" && len(rest) > 0 && rest[0] == "run":
			cmd, next, isString := unwrapDoppler(rest[1:])
			inv.Wrappers = append(inv.Wrappers, "doppler run")
			if isString {
				return analyze(cmd, depth+1, inv)
			}
			rest = next
		case isStartScript(base) && len(rest) > 0:
			inv.Wrappers = append(inv.Wrappers, "bin/"+base)
		case isShell(base):
			cmd, ok := shellCommandString(rest)
			if !ok {
				inv.Argv = argv
				return nil
			}
			inv.Wrappers = append(inv.Wrappers, base+" -c")
			return analyze(cmd, depth+1, inv)
		case (base == "poetry" || base == "pipenv" || base == "pdm" || base == "hatch") && len(rest) > 0 && rest[0] == "run":
			rest = skipDoubleDash(rest[1:])
			inv.Wrappers = append(inv.Wrappers, base+" run")
		case base == "uv" && len(rest) > 0 && rest[0] == "run":
			rest = skipUVRunOptions(rest[1:])
			inv.Wrappers = append(inv.Wrappers, "uv run")
		case base == "dumb-init" || base == "tini":
			rest = skipDoubleDash(skipDashWords(rest))
			inv.Wrappers = append(inv.Wrappers, base)
		case isPython(base):
			py := parsePython(rest)
			server, ok := pythonServerModules[py.module]
			if !ok {
				inv.Argv = argv
				return nil
			}
			inv.Wrappers = append(inv.Wrappers, "python -m")
			rest = append([]string{server}, py.rest...)
			inv.Argv = rest
			return nil
		default:
			inv.Argv = argv
			return nil
		}
		argv = rest
	}
	inv.Argv = argv
	return nil
}

// pythonServerModules maps `python -m MODULE` to the server program it runs.
var pythonServerModules = map[string]string{
	"gunicorn":               "gunicorn",
	"gunicorn.app.wsgiapp":   "gunicorn",
	"uvicorn":                "uvicorn",
	"hypercorn":              "hypercorn",
	"daphne":                 "daphne",
	"granian":                "granian",
	"waitress":               "waitress-serve",
	"waitress.runner":        "waitress-serve",
	"mod_wsgi.server":        "mod_wsgi-express",
	"uwsgi":                  "uwsgi",
	"gunicorn.app.pasterapp": "gunicorn",
}

func isStartScript(base string) bool {
	return strings.HasPrefix(base, "start-nginx") || strings.HasPrefix(base, "start-pgbouncer")
}

func isShell(base string) bool {
	switch base {
	case "sh", "bash", "dash", "ash", "ksh", "zsh":
		return true
	}
	return false
}

// shellCommandString finds the string of `sh [opts] -c STRING`: the first
// operand after an option cluster containing c.
func shellCommandString(args []string) (string, bool) {
	hasC := false
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--" || a == "-":
			if hasC && i+1 < len(args) {
				return args[i+1], true
			}
			return "", false
		case a == "-o" || a == "+o" || a == "-O" || a == "+O":
			i++ // option name
		case (strings.HasPrefix(a, "-") || strings.HasPrefix(a, "+")) && len(a) > 1:
			if strings.HasPrefix(a, "--") {
				continue // long options such as --login, --norc
			}
			if strings.ContainsRune(a[1:], 'c') {
				hasC = true
			}
		default:
			if hasC {
				return a, true
			}
			return "", false
		}
	}
	return "", false
}

// skipExecOptions skips `exec`'s own options: -c, -l, -a NAME.
func skipExecOptions(args []string) []string {
	for len(args) > 0 {
		switch a := args[0]; {
		case a == "--":
			return args[1:]
		case a == "-a":
			if len(args) < 2 {
				return nil
			}
			args = args[2:]
		case a == "-c" || a == "-l" || a == "-cl" || a == "-lc":
			args = args[1:]
		default:
			return args
		}
	}
	return args
}

// unwrapEnv reads `env`'s options and NAME=VALUE words into inv and returns
// the command after them; ok is false when no command follows (plain `env`
// prints the environment).
func unwrapEnv(args []string, inv *Invocation) (rest []string, ok bool) {
	for len(args) > 0 {
		a := args[0]
		switch {
		case a == "--":
			args = args[1:]
			continue
		case a == "-" || a == "-i" || a == "--ignore-environment" || a == "-0" || a == "--null" || a == "-v" || a == "--debug":
			args = args[1:]
			continue
		case a == "-u" || a == "--unset" || a == "-C" || a == "--chdir":
			if len(args) < 2 {
				return nil, false
			}
			if a == "-C" || a == "--chdir" {
				inv.Dir = joinDir(inv.Dir, args[1])
			} else if inv.Env != nil {
				delete(inv.Env, args[1])
			}
			args = args[2:]
			continue
		case strings.HasPrefix(a, "--unset="):
			if inv.Env != nil {
				delete(inv.Env, strings.TrimPrefix(a, "--unset="))
			}
			args = args[1:]
			continue
		case strings.HasPrefix(a, "--chdir="):
			inv.Dir = joinDir(inv.Dir, strings.TrimPrefix(a, "--chdir="))
			args = args[1:]
			continue
		case strings.HasPrefix(a, "-") && len(a) > 1:
			args = args[1:] // other flags
			continue
		}
		name, val, isAssign := strings.Cut(a, "=")
		if isAssign && validName(name) {
			if inv.Env == nil {
				inv.Env = map[string]string{}
			}
			inv.Env[name] = val
			args = args[1:]
			continue
		}
		return args, true
	}
	return nil, false
}

func validName(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		if r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (i > 0 && r >= '0' && r <= '9') {
			continue
		}
		return false
	}
	return true
}

// skipNiceOptions skips -n N, -nN, -N and --adjustment=N.
func skipNiceOptions(args []string) []string {
	for len(args) > 0 {
		a := args[0]
		switch {
		case a == "--":
			return args[1:]
		case a == "-n" || a == "--adjustment":
			if len(args) < 2 {
				return nil
			}
			args = args[2:]
		case strings.HasPrefix(a, "-") && len(a) > 1:
			args = args[1:]
		default:
			return args
		}
	}
	return args
}

// skipDashWords skips leading words that start with a dash (flags without
// values), and a `--` that ends them.
func skipDashWords(args []string) []string {
	for len(args) > 0 && strings.HasPrefix(args[0], "-") && len(args[0]) > 1 {
		if args[0] == "--" {
			return args[1:]
		}
		args = args[1:]
	}
	return args
}

func skipDoubleDash(args []string) []string {
	if len(args) > 0 && args[0] == "--" {
		return args[1:]
	}
	return args
}

// skipValueOptions skips options that each take a value, as
// opentelemetry-instrument's do (`--traces_exporter console`, or
// `--traces_exporter=console`).
func skipValueOptions(args []string) []string {
	for len(args) > 0 && strings.HasPrefix(args[0], "-") && len(args[0]) > 1 {
		a := args[0]
		if a == "--" {
			return args[1:]
		}
		if strings.Contains(a, "=") || len(args) < 2 {
			args = args[1:]
			continue
		}
		args = args[2:]
	}
	return args
}

// dopplerValueFlags are `doppler run` flags that take a value.
var dopplerValueFlags = map[string]bool{
	"-p": true, "--project": true, "-c": true, "--config": true, "-t": true, "--token": true,
	"--fallback": true, "--mount": true, "--mount-format": true, "--mount-template": true,
	"--mount-max-reads": true, "--name-transformer": true, "--scope": true, "--api-host": true,
	"--configuration": true, "--dashboard-host": true, "--fallback-passphrase": true,
	"--passphrase": true, "--only-secrets": true, "--watch": false, "--preserve-env": false,
}

// unwrapDoppler handles `doppler run [flags] -- cmd` and `doppler run
// --command "cmd"`: for the latter it returns the string to parse.
func unwrapDoppler(args []string) (cmd string, rest []string, isString bool) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			return "", args[i+1:], false
		case a == "--command":
			if i+1 < len(args) {
				return args[i+1], nil, true
			}
			return "", nil, false
		case strings.HasPrefix(a, "--command="):
			return strings.TrimPrefix(a, "--command="), nil, true
		case strings.HasPrefix(a, "-"):
			if dopplerValueFlags[a] {
				i++
			}
		default:
			return "", args[i:], false
		}
	}
	return "", nil, false
}

// uvValueFlags are `uv run` options that take a value.
var uvValueFlags = map[string]bool{
	"--with": true, "--with-editable": true, "--with-requirements": true, "-p": true, "--python": true,
	"--env-file": true, "--extra": true, "--group": true, "--only-group": true, "--no-group": true,
	"--package": true, "--directory": true, "--project": true, "--index": true, "--default-index": true,
	"-i": true, "--index-url": true, "--extra-index-url": true, "-f": true, "--find-links": true,
	"--cache-dir": true, "--config-file": true, "--color": true, "--python-preference": true,
	"--index-strategy": true, "--keyring-provider": true, "--resolution": true, "--prerelease": true,
	"--exclude-newer": true, "--link-mode": true, "-C": true, "--config-setting": true,
	"-P": true, "--upgrade-package": true, "--reinstall-package": true, "--no-build-package": true,
	"--no-binary-package": true, "--refresh-package": true, "--allow-insecure-host": true,
}

func skipUVRunOptions(args []string) []string {
	for len(args) > 0 && strings.HasPrefix(args[0], "-") && len(args[0]) > 1 {
		a := args[0]
		if a == "--" {
			return args[1:]
		}
		if uvValueFlags[a] && len(args) > 1 {
			args = args[2:]
			continue
		}
		args = args[1:]
	}
	return args
}
