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

// Chain is every program a process command runs, in the order the shell
// starts them: the commands of `;`, `&&`, `||`, `&`, pipes and newlines,
// of subshells, blocks, both branches of an if, case arms and loop bodies,
// and of the strings handed to `sh -c` (nested chains are flattened in
// place). `cd`, `export` and bare assignments are not programs: they show
// up in the Dir and Env of the commands they apply to.
type Chain struct {
	// Invocations are the programs, each unwrapped through launchers, with
	// the Env and Dir that apply to it and the Wrappers it was found
	// under (an `sh -c` around a chain is a wrapper of each of its
	// commands). Prelude is nil in each.
	Invocations []Invocation
	// Main is the index in Invocations of the main program: the last one
	// that Classify calls a server (production or development), else the
	// last one; -1 when the command runs no program.
	Main int

	end Invocation // the environment and directory left at the end
}

// MainInvocation returns the main program with the argv of the commands
// before it as Prelude, as Analyze does. With no program it returns the
// environment and directory the command sets up.
func (c Chain) MainInvocation() Invocation {
	if c.Main < 0 || c.Main >= len(c.Invocations) {
		return c.end
	}
	inv := c.Invocations[c.Main]
	for _, p := range c.Invocations[:c.Main] {
		inv.Prelude = append(inv.Prelude, p.Argv)
	}
	return inv
}

// maxDepth bounds `sh -c '...'` nesting, so hostile input cannot recurse
// without end.
const maxDepth = 8

// maxCommandLen bounds the command size handed to the shell parser. Procfile
// lines are short; this only keeps pathological input cheap.
const maxCommandLen = 64 << 10

// maxInvocations bounds the programs a chain lists (after `sh -c`
// flattening), so hostile input stays cheap.
const maxInvocations = 1024

// Analyze parses a process command with a POSIX/bash shell parser and
// returns its main program (see AnalyzeChain and Chain.MainInvocation): the
// last server of the chain, or the last command when none is a server; the
// commands before it go to Prelude. Launchers are unwrapped: `exec`, `env
// [-i] A=B`, `nice`, `nohup`, `newrelic-admin run-program`, `ddtrace-run`,
// `opentelemetry-instrument` (and its flags), `doppler run --`,
// `bin/start-nginx*`, `bin/start-pgbouncer*`, `sh -c` and `bash -c` (their
// string is parsed recursively), `poetry run`, `pipenv run`, `pdm run`, `uv
// run`, `dumb-init`, `tini --`, and `python -m <server>` for gunicorn,
// uvicorn, hypercorn, daphne, granian and waitress (the argv then starts
// with the server's name). `python -m flask run` is left as it is; Classify
// recognises it.
//
// A command the shell cannot parse yields an error, never a panic.
func Analyze(command string) (Invocation, error) {
	c, err := AnalyzeChain(command)
	if err != nil {
		return Invocation{}, err
	}
	return c.MainInvocation(), nil
}

// AnalyzeChain parses a process command and returns every program it runs,
// each unwrapped through launchers as Analyze does, and which one is the
// main program. A command the shell cannot parse yields an error, never a
// panic.
func AnalyzeChain(command string) (Chain, error) {
	return analyzeChain(command, 0)
}

func analyzeChain(command string, depth int) (Chain, error) {
	w := &walker{}
	sc := &scope{}
	if err := w.parse(command, depth, sc); err != nil {
		return Chain{}, err
	}
	c := Chain{Invocations: w.out, Main: -1, end: Invocation{Env: sc.env, Dir: sc.dir}}
	// A named server (gunicorn, flask run, …) beats `python FILE.py`, which
	// only may be one: in `gunicorn app:app & python worker.py` gunicorn
	// serves the port.
	guess := -1
	for i, inv := range c.Invocations {
		s := Classify(inv.Argv)
		switch {
		case !s.Production && !s.Dev:
		case strings.HasPrefix(s.Name, "python ") && !strings.HasPrefix(s.Name, "python -m "):
			guess = i
		default:
			c.Main = i
		}
	}
	if c.Main < 0 {
		c.Main = guess
	}
	if c.Main < 0 && len(c.Invocations) > 0 {
		c.Main = len(c.Invocations) - 1
	}
	return c, nil
}

// analyze sets *inv to the main program of command parsed at the given
// `sh -c` depth.
func analyze(command string, depth int, inv *Invocation) error {
	c, err := analyzeChain(command, depth)
	if err != nil {
		return err
	}
	*inv = c.MainInvocation()
	return nil
}

// scope is what the shell carries from one command to the next: the
// environment set by assignments and exports, the directory, and the
// launchers around the whole chain.
type scope struct {
	env      map[string]string
	dir      string
	wrappers []string
}

// fork returns a copy for a subshell, whose changes do not come back.
func (s *scope) fork() *scope {
	c := &scope{dir: s.dir, wrappers: s.wrappers}
	if s.env != nil {
		c.env = make(map[string]string, len(s.env))
		for k, v := range s.env {
			c.env[k] = v
		}
	}
	return c
}

// walker flattens a command into Invocations.
type walker struct {
	out []Invocation
	err error
}

// source is one parsed command string: nested `sh -c` strings are parsed
// into their own, since word positions are offsets in their own text.
type source struct {
	w     *walker
	src   string
	depth int
}

func (w *walker) parse(command string, depth int, sc *scope) error {
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
	s := &source{w: w, src: command, depth: depth}
	s.stmts(file.Stmts, sc)
	return w.err
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

// stmts walks statement lists in execution order: `;`, newlines, `&&`,
// `||` and `&` share the scope; pipes, `&` and subshells get a copy of it.
func (s *source) stmts(list []*syntax.Stmt, sc *scope) {
	for _, st := range list {
		if s.w.err != nil {
			return
		}
		if st != nil && st.Background {
			s.stmt(st, sc.fork())
			continue
		}
		s.stmt(st, sc)
	}
}

func (s *source) stmt(st *syntax.Stmt, sc *scope) {
	if st == nil || st.Cmd == nil {
		return
	}
	switch c := st.Cmd.(type) {
	case *syntax.CallExpr:
		s.call(c, sc)
	case *syntax.DeclClause:
		if c.Variant != nil && c.Variant.Value == "export" {
			for _, a := range c.Args {
				s.assign(&sc.env, a)
			}
		}
	case *syntax.BinaryCmd:
		if c.Op == syntax.Pipe || c.Op == syntax.PipeAll {
			s.stmt(c.X, sc.fork())
			s.stmt(c.Y, sc.fork())
			return
		}
		s.stmt(c.X, sc)
		s.stmt(c.Y, sc)
	case *syntax.Subshell:
		s.stmts(c.Stmts, sc.fork())
	case *syntax.Block:
		s.stmts(c.Stmts, sc)
	case *syntax.TimeClause:
		s.stmt(c.Stmt, sc)
	case *syntax.IfClause:
		for ic := c; ic != nil; ic = ic.Else {
			s.stmts(ic.Cond, sc)
			s.stmts(ic.Then, sc)
		}
	case *syntax.CaseClause:
		for _, item := range c.Items {
			s.stmts(item.Stmts, sc)
		}
	case *syntax.WhileClause:
		s.stmts(c.Cond, sc)
		s.stmts(c.Do, sc)
	case *syntax.ForClause:
		s.stmts(c.Do, sc)
	}
}

// call handles one simple command: bare assignments and `cd` change the
// scope; anything else is a program, unwrapped and added to the chain.
func (s *source) call(c *syntax.CallExpr, sc *scope) {
	if len(c.Args) == 0 {
		for _, a := range c.Assigns {
			s.assign(&sc.env, a)
		}
		return
	}
	argv := s.words(c.Args)
	if len(argv) > 0 && argv[0] == "cd" {
		if len(argv) > 1 {
			sc.dir = joinDir(sc.dir, argv[1])
		}
		return
	}
	inv := Invocation{Dir: sc.dir}
	if len(sc.wrappers) > 0 {
		inv.Wrappers = append([]string(nil), sc.wrappers...)
	}
	if sc.env != nil {
		inv.Env = make(map[string]string, len(sc.env)+len(c.Assigns))
		for k, v := range sc.env {
			inv.Env[k] = v
		}
	}
	for _, a := range c.Assigns {
		s.assign(&inv.Env, a)
	}
	s.unwrap(argv, inv)
}

// add appends a finished invocation to the chain. A launcher with nothing
// left to launch (`doppler run` alone) runs no program.
func (s *source) add(inv Invocation) {
	if len(inv.Argv) == 0 {
		return
	}
	if len(s.w.out) >= maxInvocations {
		s.w.err = fmt.Errorf("procfile: command runs more than %d programs", maxInvocations)
		return
	}
	s.w.out = append(s.w.out, inv)
}

// nested parses the string of `sh -c STRING` (or `doppler run --command`)
// as a chain of its own, run with inv's environment, directory and
// wrappers.
func (s *source) nested(command string, inv Invocation) {
	sc := &scope{env: inv.Env, dir: inv.Dir, wrappers: inv.Wrappers}
	if err := s.w.parse(command, s.depth+1, sc); err != nil && s.w.err == nil {
		s.w.err = err
	}
}

func (s *source) assign(env *map[string]string, a *syntax.Assign) {
	if a == nil || a.Name == nil || a.Naked || a.Array != nil || a.Index != nil {
		return
	}
	if *env == nil {
		*env = map[string]string{}
	}
	val := ""
	if a.Value != nil {
		val = s.word(a.Value)
	}
	if a.Append {
		val = (*env)[a.Name.Value] + val
	}
	(*env)[a.Name.Value] = val
}

func (s *source) words(ws []*syntax.Word) []string {
	out := make([]string, 0, len(ws))
	for _, x := range ws {
		out = append(out, s.word(x))
	}
	return out
}

// word renders a word literally: quotes and backslash escapes are removed,
// expansions keep their source text.
func (s *source) word(x *syntax.Word) string {
	var b strings.Builder
	for _, p := range x.Parts {
		s.part(&b, p, false)
	}
	return b.String()
}

func (s *source) part(b *strings.Builder, p syntax.WordPart, quoted bool) {
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
			s.part(b, q, true)
		}
	default:
		b.WriteString(s.text(p))
	}
}

// text returns the text of node as written in the command.
func (s *source) text(n syntax.Node) string {
	start, end := int(n.Pos().Offset()), int(n.End().Offset())
	if start < 0 || end > len(s.src) || start > end {
		return ""
	}
	return s.src[start:end]
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

// unwrap peels launchers off argv until it reaches the real program and
// adds it to the chain; the string of `sh -c` is parsed as a chain of its
// own, each of its commands under the launchers peeled so far.
func (s *source) unwrap(argv []string, inv Invocation) {
	for guard := 0; guard < 64 && len(argv) > 0; guard++ {
		base := path.Base(argv[0])
		rest := argv[1:]
		switch {
		case base == "exec":
			rest = skipExecOptions(rest)
			inv.Wrappers = append(inv.Wrappers, "exec")
		case base == "env":
			var ok bool
			rest, ok = unwrapEnv(rest, &inv)
			if !ok {
				inv.Argv = argv
				s.add(inv)
				return
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
				s.nested(cmd, inv)
				return
			}
			rest = next
		case isStartScript(base) && len(rest) > 0:
			inv.Wrappers = append(inv.Wrappers, "bin/"+base)
		case isShell(base):
			cmd, ok := shellCommandString(rest)
			if !ok {
				inv.Argv = argv
				s.add(inv)
				return
			}
			inv.Wrappers = append(inv.Wrappers, base+" -c")
			s.nested(cmd, inv)
			return
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
				s.add(inv)
				return
			}
			inv.Wrappers = append(inv.Wrappers, "python -m")
			rest = append([]string{server}, py.rest...)
			inv.Argv = rest
			s.add(inv)
			return
		default:
			inv.Argv = argv
			s.add(inv)
			return
		}
		argv = rest
	}
	inv.Argv = argv
	s.add(inv)
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
