package procfile

import (
	"path"
	"regexp"
	"strings"
)

// Server says what kind of program argv[0] is.
type Server struct {
	// Name is the server's name: "gunicorn", "uwsgi", "waitress-serve",
	// "hypercorn", "uvicorn", "daphne", "granian", "mod_wsgi-express",
	// "fastapi run"; for development servers "flask run",
	// "manage.py runserver", "python app.py", "python -m http.server",
	// "fastapi dev"; otherwise the program's base name ("run.sh", "node").
	Name string
	// Production is true for a production server.
	Production bool
	// Dev is true for a known development server: flask run, python -m
	// flask run, manage.py runserver, python FILE.py (an app.run-style
	// script), python -m http.server, fastapi dev.
	Dev bool
}

// productionServers maps program base names to the server they are.
var productionServers = map[string]string{
	"gunicorn":       "gunicorn",
	"gunicorn3":      "gunicorn",
	"uwsgi":          "uwsgi",
	"waitress-serve": "waitress-serve",
	"hypercorn":      "hypercorn",
	"uvicorn":        "uvicorn",
	"daphne":         "daphne",
	"granian":        "granian",
}

// pythonRE matches interpreter names: python, python3, python3.12, pypy3.
var pythonRE = regexp.MustCompile(`^(python|pypy)([0-9]+(\.[0-9]+)*)?$`)

func isPython(base string) bool { return pythonRE.MatchString(base) }

// Classify says what kind of program argv runs. argv[0] may be a path
// (`/app/.heroku/python/bin/gunicorn`, `./manage.py`); base names are used.
// For a Python interpreter the script or `-m` module decides. Unknown
// programs (`bin/run.sh`, `node server.js`) are neither production nor dev.
func Classify(argv []string) Server {
	if len(argv) == 0 {
		return Server{}
	}
	base := path.Base(argv[0])
	if name, ok := productionServers[base]; ok {
		return Server{Name: name, Production: true}
	}
	switch {
	case base == "mod_wsgi-express":
		// Only start-server runs a server; other subcommands set up files.
		return Server{Name: base, Production: len(argv) > 1 && argv[1] == "start-server"}
	case base == "flask":
		return classifyFlask(argv[1:])
	case base == "fastapi":
		switch firstOperand(argv[1:]) {
		case "run":
			return Server{Name: "fastapi run", Production: true}
		case "dev":
			return Server{Name: "fastapi dev", Dev: true}
		}
		return Server{Name: base}
	case base == "django-admin" || base == "django-admin.py":
		if isRunserver(firstOperand(argv[1:])) {
			return Server{Name: "django-admin runserver", Dev: true}
		}
		return Server{Name: base}
	case isPython(base):
		return classifyPython(argv[1:])
	case strings.HasSuffix(base, ".py"):
		// An executable script run directly, like `./manage.py runserver`.
		return classifyScript(argv[0], argv[1:])
	}
	return Server{Name: base}
}

func classifyPython(args []string) Server {
	py := parsePython(args)
	switch {
	case py.module != "":
		if name, ok := pythonServerModules[py.module]; ok {
			return Server{Name: name, Production: true}
		}
		switch py.module {
		case "flask":
			s := classifyFlask(py.rest)
			if !s.Dev {
				s.Name = "python -m flask"
			}
			return s
		case "django":
			if isRunserver(firstOperand(py.rest)) {
				return Server{Name: "manage.py runserver", Dev: true}
			}
		case "http.server", "SimpleHTTPServer", "CGIHTTPServer":
			return Server{Name: "python -m " + py.module, Dev: true}
		}
		return Server{Name: "python -m " + py.module}
	case py.script != "":
		return classifyScript(py.script, py.rest)
	case py.code:
		return Server{Name: "python -c"}
	}
	return Server{Name: "python"}
}

// classifyScript judges `python SCRIPT ARGS...`. Django's manage.py and
// Flask-Script style scripts with a runserver subcommand run a development
// server; other management commands do not. Any other script is taken for
// an app.run()-style development server.
func classifyScript(script string, args []string) Server {
	base := path.Base(script)
	sub := firstOperand(args)
	if isRunserver(sub) {
		return Server{Name: base + " runserver", Dev: true}
	}
	if base == "manage.py" {
		if sub == "" {
			return Server{Name: base}
		}
		return Server{Name: base + " " + sub}
	}
	return Server{Name: "python " + script, Dev: true}
}

func isRunserver(sub string) bool {
	return sub == "runserver" || sub == "runserver_plus"
}

// flaskValueOptions are options of the `flask` command group that take a
// value; they may come before the subcommand.
var flaskValueOptions = map[string]bool{"--app": true, "-A": true, "--env-file": true, "-e": true}

func classifyFlask(args []string) Server {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if flaskValueOptions[a] {
			i++
			continue
		}
		if strings.HasPrefix(a, "-") {
			continue
		}
		if a == "run" {
			return Server{Name: "flask run", Dev: true}
		}
		break
	}
	return Server{Name: "flask"}
}

// firstOperand returns the first word that is not an option.
func firstOperand(args []string) string {
	for _, a := range args {
		if !strings.HasPrefix(a, "-") {
			return a
		}
	}
	return ""
}

// pyArgs is what a Python interpreter command line asks to run.
type pyArgs struct {
	module string   // -m MODULE
	script string   // a script path
	code   bool     // -c CODE
	rest   []string // arguments after the module, script or code
}

// parsePython reads CPython's command line: option clusters (-u, -OO, -bB),
// -W and -X with a value, then -m MODULE, -c CODE or a script.
func parsePython(args []string) pyArgs {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			if i+1 < len(args) {
				return pyArgs{script: args[i+1], rest: args[i+2:]}
			}
			return pyArgs{}
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			if a == "-" {
				return pyArgs{rest: args[i+1:]}
			}
			return pyArgs{script: a, rest: args[i+1:]}
		}
		if strings.HasPrefix(a, "--") {
			continue // --version, --help and friends
		}
		for j := 1; j < len(a); j++ {
			switch a[j] {
			case 'm', 'c':
				val := a[j+1:]
				next := i + 1
				if val == "" {
					if next >= len(args) {
						return pyArgs{code: a[j] == 'c'}
					}
					val = args[next]
					next++
				}
				if a[j] == 'c' {
					return pyArgs{code: true, rest: args[next:]}
				}
				return pyArgs{module: val, rest: args[next:]}
			case 'W', 'X':
				if j == len(a)-1 {
					i++ // the value is the next word
				}
				j = len(a)
			}
		}
	}
	return pyArgs{}
}

// HasFlag reports whether argv (the program's arguments, argv[0] included or
// not) contains one of the named flags, as `--name`, `--name=value` or `-n`.
// Words after `--` are not flags.
func HasFlag(argv []string, names ...string) bool {
	for _, a := range argv {
		if a == "--" {
			return false
		}
		for _, n := range names {
			if a == n || (strings.HasPrefix(n, "--") && strings.HasPrefix(a, n+"=")) {
				return true
			}
		}
	}
	return false
}

// FlagValue returns the value of the last occurrence of one of the named
// options in argv: `--name value`, `--name=value`, `-n value` or `-nvalue`.
func FlagValue(argv []string, names ...string) (string, bool) {
	var val string
	found := false
	for i := 0; i < len(argv); i++ {
		a := argv[i]
		if a == "--" {
			break
		}
		for _, n := range names {
			switch {
			case a == n:
				if i+1 < len(argv) {
					val, found = argv[i+1], true
					i++
				}
			case strings.HasPrefix(n, "--") && strings.HasPrefix(a, n+"="):
				val, found = a[len(n)+1:], true
			case len(n) == 2 && n[0] == '-' && n[1] != '-' && strings.HasPrefix(a, n) && len(a) > 2:
				val, found = strings.TrimPrefix(a[2:], "="), true
			default:
				continue
			}
			break
		}
	}
	return val, found
}
