package gunicorn

import (
	"fmt"
	"regexp"
	"strings"
)

// Settings are the gunicorn settings the auditor looks at.
type Settings struct {
	Workers, Threads, WorkerClass, Timeout, GracefulTimeout, KeepAlive, Bind, LogLevel,
	AccessLogfile, ErrorLogfile, Config, ForwardedAllowIPs, MaxRequests Value
	Reload, Preload Value // Raw "true" when set
	// App is the WSGI app target: the first positional argument, or a config
	// file's wsgi_app.
	App string
	// Conditional lists settings a config file assigns only inside a
	// top-level block (`if os.environ.get("ENV") == "dev":` then an indented
	// `reload = True`), as "reload (line 66)". They are not applied, but
	// whether they apply depends on the environment.
	Conditional []string
	// Args are all positional arguments; gunicorn uses only the first.
	Args []string
	// Unknown lists option words gunicorn does not know (without any
	// "=value"). gunicorn itself exits on them ("unrecognized arguments").
	Unknown []string
	// Invalid lists problems that make gunicorn's argument parser exit at
	// start: a missing or non-integer value, an ambiguous abbreviation,
	// stray positional arguments. Values are not echoed.
	Invalid []string
}

// field returns the Settings field a gunicorn setting name maps to, or nil.
func (s *Settings) field(setting string) *Value {
	switch setting {
	case "workers":
		return &s.Workers
	case "threads":
		return &s.Threads
	case "worker_class":
		return &s.WorkerClass
	case "timeout":
		return &s.Timeout
	case "graceful_timeout":
		return &s.GracefulTimeout
	case "keepalive":
		return &s.KeepAlive
	case "bind":
		return &s.Bind
	case "loglevel":
		return &s.LogLevel
	case "accesslog":
		return &s.AccessLogfile
	case "errorlog":
		return &s.ErrorLogfile
	case "config":
		return &s.Config
	case "forwarded_allow_ips":
		return &s.ForwardedAllowIPs
	case "max_requests":
		return &s.MaxRequests
	case "reload":
		return &s.Reload
	case "preload_app":
		return &s.Preload
	}
	return nil
}

// settingNames lists the config-file names of the Settings fields.
var settingNames = []string{
	"workers", "threads", "worker_class", "timeout", "graceful_timeout", "keepalive", "bind",
	"loglevel", "accesslog", "errorlog", "config", "forwarded_allow_ips", "max_requests",
	"reload", "preload_app",
}

// WorkerType is the worker class gunicorn really runs: "gthread" when the
// class is sync (the default) and threads > 1, otherwise the class as set.
func (s Settings) WorkerType() string {
	class := s.WorkerClass.Raw
	if s.WorkerClass.Expr || class == "" {
		class = "sync"
	}
	if class == "sync" || strings.HasSuffix(class, "SyncWorker") {
		if n, ok := s.Threads.Int(); ok && n > 1 {
			return "gthread"
		}
	}
	return class
}

// ArgError is returned when gunicorn's argument parser would reject the
// arguments, so gunicorn exits at start. The settings are filled as far as
// they go anyway.
type ArgError struct {
	Source   Source
	Problems []string
}

func (e *ArgError) Error() string {
	return fmt.Sprintf("gunicorn would reject its %s arguments: %s", e.Source, strings.Join(e.Problems, "; "))
}

// optionIndex maps every option string to its option.
var optionIndex = func() map[string]*option {
	m := map[string]*option{}
	for i := range options {
		for _, f := range options[i].flags {
			m[f] = &options[i]
		}
	}
	return m
}()

// negativeNumberRE is argparse's test for words that look like negative
// numbers; gunicorn has no such option strings, so they are values.
var negativeNumberRE = regexp.MustCompile(`^-\d+$|^-\d*\.\d+$`)

// match is an option word resolved against the option table.
type match struct {
	opt      *option
	flag     string  // the option string matched, e.g. "-w" or "--workers"
	explicit *string // text attached with "=" or after a short option
	// ambiguous marks an abbreviation that fits several options.
	ambiguous bool
}

// resolve interprets one word that looks like an option, as argparse's
// _parse_optional does. It returns ok false for a word that is a positional
// after all, and ambiguous with the candidates when an abbreviation fits
// several long options.
func resolve(word string) (m match, ok bool, ambiguous []string) {
	if word == "" || word[0] != '-' {
		return match{}, false, nil
	}
	if o := optionIndex[word]; o != nil {
		return match{opt: o, flag: word}, true, nil
	}
	if len(word) == 1 {
		return match{}, false, nil
	}
	if name, val, has := strings.Cut(word, "="); has {
		if o := optionIndex[name]; o != nil {
			return match{opt: o, flag: name, explicit: &val}, true, nil
		}
	}
	var cands []match
	if strings.HasPrefix(word, "--") {
		prefix, val, has := strings.Cut(word, "=")
		for i := range options {
			for _, f := range options[i].flags {
				if strings.HasPrefix(f, prefix) {
					c := match{opt: &options[i], flag: f}
					if has {
						v := val
						c.explicit = &v
					}
					cands = append(cands, c)
				}
			}
		}
	} else if o := optionIndex[word[:2]]; o != nil {
		// A single-dash word: the first two characters are a short option
		// and the rest is attached to it (-w3, -b0.0.0.0:80, -Rw3).
		rest := word[2:]
		cands = append(cands, match{opt: o, flag: word[:2], explicit: &rest})
	}
	switch {
	case len(cands) == 1:
		return cands[0], true, nil
	case len(cands) > 1:
		for _, c := range cands {
			ambiguous = append(ambiguous, c.flag)
		}
		return match{}, true, ambiguous
	}
	if negativeNumberRE.MatchString(word) || strings.Contains(word, " ") {
		return match{}, false, nil
	}
	return match{}, true, nil // an unknown option
}

// ParseArgs reads gunicorn's command-line arguments (argv without the
// program name) with argparse's rules as gunicorn configures them: long
// options may be abbreviated to a unique prefix, `--opt value` and
// `--opt=value`, short `-w3` and `-w 3`, clustered short flags (`-RD`),
// options taking a value consume the next word even after the app target,
// `--` ends options. Values are stamped with src.
//
// Unknown options are recorded in Unknown, not treated as errors. When the
// arguments would make gunicorn's parser exit (a missing value, an
// ambiguous abbreviation, a non-integer worker count, stray positionals),
// the problems are listed in Invalid and returned as an *ArgError; the
// settings are filled either way.
func ParseArgs(args []string, src Source) (Settings, error) {
	return parseArgs(args, src, false)
}

// parseArgs is ParseArgs; literal says no shell expanded the words
// (GUNICORN_CMD_ARGS from a config var: gunicorn only shlex-splits it), so
// "$X" is the text $X, not the variable.
func parseArgs(args []string, src Source, literal bool) (Settings, error) {
	var s Settings
	p := argParser{src: src, s: &s, literal: literal}
	p.parse(args)
	if len(s.Args) > 0 {
		s.App = s.Args[0]
	}
	if len(s.Invalid) > 0 {
		return s, &ArgError{Source: src, Problems: append([]string(nil), s.Invalid...)}
	}
	return s, nil
}

type argParser struct {
	src     Source
	literal bool // no shell expanded these words
	s       *Settings
	// appended collects the values of append options within this source;
	// a later source replaces the list as a whole.
	appended map[string][]string
}

func (p *argParser) invalid(format string, a ...any) {
	p.s.Invalid = append(p.s.Invalid, fmt.Sprintf(format, a...))
}

func (p *argParser) parse(args []string) {
	// argparse first sorts every word into an option ('O'), a positional
	// ('A') or the first "--" ('-'); option values are taken only from 'A'
	// words, so `-b --chdir x` leaves -b without a value.
	kinds := make([]byte, len(args))
	matches := make([]match, len(args))
	seenDashes := false
	for i, a := range args {
		switch {
		case seenDashes:
			kinds[i] = 'A'
		case a == "--":
			kinds[i] = '-'
			seenDashes = true
		default:
			m, isOpt, amb := resolve(a)
			switch {
			case !isOpt:
				kinds[i] = 'A'
			case amb != nil:
				kinds[i] = 'O'
				matches[i] = match{ambiguous: true}
				name, _, _ := strings.Cut(a, "=")
				p.invalid("ambiguous option %s could match %s", name, strings.Join(amb, ", "))
			default:
				kinds[i] = 'O'
				matches[i] = m
			}
		}
	}

	positionalsTaken := false
	for i := 0; i < len(args); {
		switch kinds[i] {
		case 'A', '-':
			// A run of positionals. argparse gives the nargs="*" APP
			// positional the first run; later runs are unrecognized.
			j := i
			var run []string
			for j < len(args) && kinds[j] != 'O' {
				if kinds[j] == 'A' {
					run = append(run, args[j])
				}
				j++
			}
			if !positionalsTaken {
				p.s.Args = append(p.s.Args, run...)
				positionalsTaken = true
			} else if len(run) > 0 {
				p.invalid("unrecognized arguments: %s after the app target", plural(len(run), "word"))
			}
			i = j
		default:
			i = p.option(args, kinds, matches, i)
		}
	}
	for setting, vals := range p.appended {
		f := p.s.field(setting)
		switch {
		case f == nil:
		case len(vals) == 1:
			*f = p.value(vals[0])
		default:
			*f = Value{Raw: strings.Join(vals, ","), Source: p.src}
		}
	}
}

// option consumes the option at args[i] and returns the next index.
func (p *argParser) option(args []string, kinds []byte, matches []match, i int) int {
	m := matches[i]
	if m.opt == nil {
		if !m.ambiguous {
			name, _, _ := strings.Cut(args[i], "=")
			p.s.Unknown = append(p.s.Unknown, name)
		}
		return i + 1
	}
	for {
		switch m.opt.kind {
		case optValue, optAppend:
			var val string
			next := i + 1
			switch {
			case m.explicit != nil:
				val = *m.explicit
			case next < len(args) && kinds[next] == 'A':
				val = args[next]
				next++
			default:
				p.invalid("argument %s: expected one argument", flagNames(m.opt))
				return i + 1
			}
			p.store(m.opt, val)
			return next
		case optOptional:
			if m.explicit != nil {
				p.store(m.opt, *m.explicit)
				return i + 1
			}
			if i+1 < len(args) && kinds[i+1] == 'A' {
				p.store(m.opt, args[i+1])
				return i + 2
			}
			p.store(m.opt, "auto")
			return i + 1
		case optExit:
			p.invalid("argument %s: prints and exits instead of serving", flagNames(m.opt))
			return i + 1
		}
		// A flag that takes no value.
		p.store(m.opt, map[bool]string{true: "true", false: "false"}[m.opt.kind == optTrue])
		if m.explicit == nil {
			return i + 1
		}
		rest := *m.explicit
		short := len(m.flag) == 2 && m.flag[1] != '-'
		if !short || rest == "" || rest[0] == '=' || rest[0] == '-' {
			p.invalid("argument %s: ignored explicit argument", flagNames(m.opt))
			return i + 1
		}
		// A cluster of short flags: -RD is -R -D, -Rw3 is -R -w3.
		o := optionIndex["-"+rest[:1]]
		if o == nil {
			p.s.Unknown = append(p.s.Unknown, "-"+rest)
			return i + 1
		}
		m = match{opt: o, flag: "-" + rest[:1]}
		if len(rest) > 1 {
			r := rest[1:]
			m.explicit = &r
		}
	}
}

func flagNames(o *option) string { return strings.Join(o.flags, "/") }

func (p *argParser) store(o *option, val string) {
	if o.isInt && (p.literal || !strings.ContainsAny(val, "$`")) {
		if _, ok := parsePyInt(val); !ok {
			if p.literal && strings.ContainsAny(val, "$`") {
				// gunicorn 20.1 answers `invalid int value: '$WEB_CONCURRENCY'`
				p.invalid("argument %s: invalid int value (a $ variable, which gunicorn does not expand in %s)", flagNames(o), p.src)
			} else {
				p.invalid("argument %s: invalid int value", flagNames(o))
			}
		}
	}
	if o.kind == optAppend {
		if p.appended == nil {
			p.appended = map[string][]string{}
		}
		p.appended[o.setting] = append(p.appended[o.setting], val)
		return
	}
	if f := p.s.field(o.setting); f != nil {
		*f = p.value(val)
	}
}

// value makes a setting's Value from a word: a shell parameter names the
// variable when a shell expanded the words, and is plain text otherwise.
func (p *argParser) value(word string) Value {
	if p.literal {
		return Value{Raw: word, Source: p.src}
	}
	return shellValue(word, p.src)
}

// shellParamRE matches a word that is exactly one shell parameter:
// $NAME, ${NAME}, ${NAME:-default}, ${NAME-default}.
var shellParamRE = regexp.MustCompile(`^\$(?:([A-Za-z_][A-Za-z0-9_]*)|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?-)(.*))?\})$`)

// shellValue makes a Value from a command-line word, noting the variable
// when the word is exactly a shell parameter so Resolve can evaluate it.
func shellValue(word string, src Source) Value {
	v := Value{Raw: word, Source: src}
	if m := shellParamRE.FindStringSubmatch(word); m != nil {
		v.Env = m[1] + m[2]
		if m[3] != "" {
			v.Default, v.HasDefault = m[4], true
		}
	}
	return v
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
