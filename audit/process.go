package audit

import (
	"fmt"
	"maps"
	"path"
	"slices"
	"strings"

	"github.com/herokuaudit/herokuaudit/audit/gunicorn"
	"github.com/herokuaudit/herokuaudit/audit/procfile"
)

// proc is a process type's command with where it was read from, so evidence
// can point at it ("formation web command", "Procfile line 3").
type proc struct {
	Type     string
	Command  string
	Where    string
	Quantity int
	Size     string
	Line     int // Procfile line, when read from a Procfile
}

// processes returns the app's process types from the most authoritative
// source available, and the parts they were read from. A local checkout
// (--dir) is what is about to ship, so its Procfile wins; otherwise the
// formation (what runs), then the slug's process types, then the slug's
// Procfile. The formation's commands are the release's process types, so
// any of them that could be read tells the command.
func processes(s *Snapshot) ([]proc, []Part) {
	fromProcfile := func() []proc {
		data, ok := s.Files.Get("Procfile")
		if !ok {
			return nil
		}
		entries, _, err := procfile.Parse(data)
		if err != nil {
			return nil
		}
		out := make([]proc, 0, len(entries))
		for _, e := range entries {
			p := proc{Type: e.Type, Command: e.Command, Where: fmt.Sprintf("Procfile line %d", e.Line), Line: e.Line}
			if f, ok := s.Process(e.Type); ok {
				p.Quantity, p.Size = f.Quantity, f.Size
			}
			out = append(out, p)
		}
		return out
	}
	if s.Files != nil && s.Files.Origin == "dir" {
		if ps := fromProcfile(); len(ps) > 0 {
			return ps, []Part{PartFiles}
		}
	}
	if len(s.Formation) > 0 {
		out := make([]proc, 0, len(s.Formation))
		parts := []Part{PartFormation}
		var procfileCmds []proc
		for _, f := range s.Formation {
			p := proc{Type: f.Type, Command: f.Command, Where: "formation " + f.Type + " command", Quantity: f.Quantity, Size: f.Size}
			if strings.TrimSpace(f.Command) == "" {
				// an empty formation command runs the release's process type:
				// the slug's, else the Procfile's
				if cmd := s.slugProcess(f.Type); cmd != "" {
					p.Command, p.Where = cmd, "slug process type "+f.Type+" (the formation's command is empty)"
					parts = append(parts, PartSlug)
				} else {
					if procfileCmds == nil {
						procfileCmds = fromProcfile()
					}
					for _, e := range procfileCmds {
						if e.Type == f.Type {
							p.Command, p.Line = e.Command, e.Line
							p.Where = e.Where + " (the formation's command is empty)"
						}
					}
					parts = append(parts, PartSlug, PartFiles)
				}
			}
			out = append(out, p)
		}
		return out, slices.Compact(parts)
	}
	if s.Slug != nil && len(s.Slug.ProcessTypes) > 0 {
		var out []proc
		for _, t := range sortedKeys(s.Slug.ProcessTypes) {
			out = append(out, proc{Type: t, Command: s.Slug.ProcessTypes[t], Where: "slug process type " + t})
		}
		return out, []Part{PartSlug}
	}
	if ps := fromProcfile(); len(ps) > 0 {
		return ps, []Part{PartFiles}
	}
	// nothing anywhere: each place could have said otherwise
	return nil, []Part{PartFormation, PartSlug, PartFiles}
}

// slugProcess is the slug's command for a process type, or "".
func (s *Snapshot) slugProcess(typ string) string {
	if s.Slug == nil {
		return ""
	}
	return s.Slug.ProcessTypes[typ]
}

// webCommand is the web process with its command taken apart: several
// checks read it, so Audit works it out once per snapshot (see derive).
type webCommand struct {
	proc
	cmd analysis // the program after launchers, and what kind of server it is
	gun analysis // cmd plus gunicorn's effective settings, when it runs gunicorn

	parts    []Part   // where the command came from
	procfile bool     // the command was read from the Procfile
	confs    []string // files gunicorn looked for a config in
}

// findWeb takes the web process apart. With no web process it returns a
// webCommand with only parts set: where one was looked for.
func findWeb(s *Snapshot) *webCommand {
	procs, parts := processes(s)
	for _, p := range procs {
		if p.Type == "web" {
			w := &webCommand{proc: p, cmd: p.analyze(), parts: parts}
			w.procfile = p.Line > 0
			w.gun = w.cmd.withGunicorn(s, w)
			return w
		}
	}
	return &webCommand{parts: parts}
}

// analysis is a process command taken apart: every program of its chain,
// the main one (the last server of the chain) after launchers, what kind
// of server it is, and gunicorn's effective settings.
type analysis struct {
	chain  procfile.Chain      // every program the command runs
	inv    procfile.Invocation // the main program, with the commands before it as Prelude
	server procfile.Server
	gun    *gunicorn.Effective // nil unless the program is gunicorn
	err    error
}

func (p proc) analyze() analysis {
	chain, err := procfile.AnalyzeChain(p.Command)
	if err != nil {
		return analysis{err: err}
	}
	inv := chain.MainInvocation()
	return analysis{chain: chain, inv: inv, server: procfile.Classify(inv.Argv)}
}

// withGunicorn resolves gunicorn's settings with its own precedence over the
// app's environment and files.
// The config files gunicorn looks for are noted in w.confs.
func (a analysis) withGunicorn(s *Snapshot, w *webCommand) analysis {
	if a.err != nil || a.server.Name != "gunicorn" || len(a.inv.Argv) == 0 {
		return a
	}
	_, assigned := a.inv.Env["GUNICORN_CMD_ARGS"]
	eff, err := gunicorn.Resolve(gunicorn.Inputs{
		Args:            a.inv.Argv[1:],
		Env:             s.dynoEnv(a.inv.Env),
		CmdArgsExpanded: assigned,
		ReadFile: func(path string) ([]byte, bool) {
			p := strings.TrimPrefix(path, "./")
			w.confs = append(w.confs, p)
			return s.Files.Get(p)
		},
	})
	if err != nil {
		a.err = err
		return a
	}
	a.gun = &eff
	return a
}

// dynoEnv is the environment a dyno starts with: the config vars, the
// WEB_CONCURRENCY and GUNICORN_CMD_ARGS the Python buildpack exports when
// the app has not set them, then the command's own assignments.
func (s *Snapshot) dynoEnv(cmdEnv map[string]string) map[string]string {
	env := make(map[string]string, len(s.ConfigVars)+len(cmdEnv)+2)
	for k, v := range s.ConfigVars {
		env[k] = v
	}
	if s.hasPythonBuildpack() {
		if _, ok := env["WEB_CONCURRENCY"]; !ok {
			if p, ok := s.Process("web"); ok {
				if d, ok := lookupDynoSize(p.Size); ok {
					env["WEB_CONCURRENCY"] = fmt.Sprint(d.Concurrency())
				}
			}
		}
		if _, ok := env["GUNICORN_CMD_ARGS"]; !ok {
			env["GUNICORN_CMD_ARGS"] = "--access-logfile -"
		}
	}
	for k, v := range cmdEnv {
		env[k] = v
	}
	return env
}

func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}

type gunicornValue = gunicorn.Value

// GunicornConfigFile names the file a web command gives gunicorn with -c,
// relative to the app root, so the slug or checkout reader can pick it even
// when its name is not one it picks anyway (`-c gunicorn.cfg`). It is "" for
// other servers, a `python:module` config, a path built from a variable, or
// one outside /app.
func GunicornConfigFile(webCommand string) string {
	inv, err := procfile.Analyze(webCommand)
	if err != nil || procfile.Classify(inv.Argv).Name != "gunicorn" {
		return ""
	}
	set, _ := gunicorn.ParseArgs(inv.Argv[1:], gunicorn.Source("command line"))
	p := set.Config.Raw
	if p == "" || strings.HasPrefix(p, "python:") || strings.ContainsAny(p, "$`*?[") {
		return ""
	}
	if strings.HasPrefix(p, "/") {
		rest, ok := strings.CutPrefix(p, "/app/")
		if !ok {
			return ""
		}
		p = rest
	}
	if inv.Dir != "" && !strings.HasPrefix(inv.Dir, "/") {
		p = path.Join(inv.Dir, p) // `cd src && gunicorn -c conf/g.cfg`
	}
	p = path.Clean(p)
	if p == "." || p == ".." || strings.HasPrefix(p, "../") {
		return ""
	}
	return p
}

// WebCommand returns the web process's command from a Procfile among the
// files, if there is one.
func WebCommand(files *Files) string {
	data, ok := files.Get("Procfile")
	if !ok {
		return ""
	}
	entries, _, err := procfile.Parse(data)
	if err != nil {
		return ""
	}
	for _, e := range entries {
		if e.Type == "web" {
			return e.Command
		}
	}
	return ""
}
