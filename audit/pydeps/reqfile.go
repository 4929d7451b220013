package pydeps

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Include is a -r (requirements) or -c (constraints) line of a requirements
// file. Path is as written; it is relative to the including file.
type Include struct {
	Path       string
	Constraint bool
	Line       int
}

// LineError is a line pip would reject or that could not be understood. Its
// message never holds URL credentials.
type LineError struct {
	File string
	Line int // 0 when the problem is with the whole file
	Msg  string
}

func (e *LineError) Error() string {
	if e.Line <= 0 {
		return e.File + ": " + e.Msg
	}
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
}

// ParseRequirements parses one requirements file without following its
// includes, which it returns. Lines that cannot be parsed are skipped; the
// error then joins one *LineError per such line, and the requirements and
// includes of the other lines are still returned.
func ParseRequirements(data []byte, file string) ([]Requirement, []Include, error) {
	text, bad := decodeText(data)
	var errs []error
	if bad != "" {
		errs = append(errs, &LineError{File: file, Msg: bad})
	}
	var reqs []Requirement
	var incs []Include
	for _, ll := range logicalLines(text) {
		fail := func(format string, a ...any) {
			errs = append(errs, &LineError{File: file, Line: ll.Line, Msg: fmt.Sprintf(format, a...)})
		}
		args, opts := breakArgsOptions(ll.Text)
		if args != "" {
			r, err := parseRequirementLine(args)
			if err != nil {
				fail("%s: %v", snippet(args), err)
				continue
			}
			// Per-requirement options (--hash, --config-settings) do not
			// change what is installed; only an unknown one is worth noting.
			if _, err := parseOptions(opts); err != nil {
				fail("%v", err)
			}
			r.File, r.Line = file, ll.Line
			reqs = append(reqs, r)
			continue
		}
		o, err := parseOptions(opts)
		if err != nil {
			fail("%v", err)
			continue
		}
		// pip's precedence: an editable makes the line a requirement, then
		// the first -r, then the first -c; other options are index and
		// build settings that install nothing.
		switch {
		case o.editable != nil:
			r, err := parseEditable(*o.editable)
			if err != nil {
				fail("-e %s: %v", snippet(*o.editable), err)
				continue
			}
			r.File, r.Line = file, ll.Line
			reqs = append(reqs, r)
		case o.requirement != nil:
			incs = append(incs, Include{Path: *o.requirement, Line: ll.Line})
		case o.constraint != nil:
			incs = append(incs, Include{Path: *o.constraint, Constraint: true, Line: ll.Line})
		}
	}
	return reqs, incs, errors.Join(errs...)
}

// logicalLine is one line of a requirements file after pip's preprocessing:
// continuations joined, comments and surrounding space removed.
type logicalLine struct {
	Line int // where it starts, 1-based
	Text string
}

// logicalLines applies pip's preprocessing: a line ending in a backslash
// continues on the next (unless it is a comment line), then comments
// ("#" at the start or after whitespace) are removed and blank lines dropped.
func logicalLines(text string) []logicalLine {
	var joined []logicalLine
	var buf strings.Builder
	start, pending := 0, false
	for i, l := range splitLines(text) {
		comment := isCommentLine(l)
		if !strings.HasSuffix(l, `\`) || comment {
			if comment {
				l = " " + l // so the comment is stripped from the joined line too
			}
			if pending {
				buf.WriteString(l)
				joined = append(joined, logicalLine{start, buf.String()})
				buf.Reset()
				pending = false
			} else {
				joined = append(joined, logicalLine{i + 1, l})
			}
			continue
		}
		if !pending {
			start, pending = i+1, true
		}
		buf.WriteString(strings.Trim(l, `\`))
	}
	if pending {
		joined = append(joined, logicalLine{start, buf.String()})
	}
	out := joined[:0]
	for _, ll := range joined {
		ll.Text = trimSpace(stripComment(ll.Text))
		if ll.Text != "" {
			out = append(out, ll)
		}
	}
	return out
}

// isCommentLine reports whether a line's first non-space character is "#".
func isCommentLine(l string) bool {
	return strings.HasPrefix(strings.TrimLeftFunc(l, isSpace), "#")
}

// stripComment cuts a line at the first "#" that starts it or follows
// whitespace, with that whitespace; "#egg=" inside a URL stays.
func stripComment(l string) string {
	spaceStart := -1 // start of the current whitespace run
	for i, r := range l {
		switch {
		case r == '#' && (i == 0 || spaceStart >= 0):
			if i == 0 {
				return ""
			}
			return l[:spaceStart]
		case isSpace(r):
			if spaceStart < 0 {
				spaceStart = i
			}
		default:
			spaceStart = -1
		}
	}
	return l
}

// breakArgsOptions splits a line like pip: the words before the first word
// starting with "-" are the requirement, the rest are options.
func breakArgsOptions(line string) (string, string) {
	tokens := strings.Split(line, " ")
	for i, t := range tokens {
		if strings.HasPrefix(t, "-") {
			return strings.Join(tokens[:i], " "), strings.Join(tokens[i:], " ")
		}
	}
	return line, ""
}

// optSpec is one option pip accepts in a requirements file.
type optSpec struct {
	long  string
	short byte
	value bool
}

var optSpecs = []optSpec{
	{"--index-url", 'i', true},
	{"--extra-index-url", 0, true},
	{"--no-index", 0, false},
	{"--constraint", 'c', true},
	{"--requirement", 'r', true},
	{"--editable", 'e', true},
	{"--find-links", 'f', true},
	{"--no-binary", 0, true},
	{"--only-binary", 0, true},
	{"--prefer-binary", 0, false},
	{"--require-hashes", 0, false},
	{"--pre", 0, false},
	{"--trusted-host", 0, true},
	{"--use-feature", 0, true},
	// Per-requirement options; pip accepts them on any line.
	{"--global-option", 0, true},
	{"--config-settings", 0, true},
	{"--hash", 0, true},
}

// lineOpts holds the first value of each option that installs something.
type lineOpts struct {
	requirement, constraint, editable *string
}

// parseOptions parses the options part of a line the way pip's optparse
// parser does: shell-style words, --long=value or --long value (a unique
// prefix of a long name is enough), -xvalue or -x value. Words that are not
// options are ignored, as pip ignores them. Messages name options only,
// never their values, which can hold index credentials.
func parseOptions(s string) (lineOpts, error) {
	var o lineOpts
	words, err := shellWords(s)
	if err != nil {
		return o, err
	}
	set := func(spec optSpec, v string) {
		switch spec.long {
		case "--requirement":
			if o.requirement == nil {
				o.requirement = &v
			}
		case "--constraint":
			if o.constraint == nil {
				o.constraint = &v
			}
		case "--editable":
			if o.editable == nil {
				o.editable = &v
			}
		}
	}
	for i := 0; i < len(words); i++ {
		w := words[i]
		switch {
		case w == "--":
			return o, nil
		case strings.HasPrefix(w, "--"):
			name, val, hasVal := strings.Cut(w, "=")
			spec, err := longOption(name)
			if err != nil {
				return o, err
			}
			switch {
			case !spec.value && hasVal:
				return o, fmt.Errorf("option %s takes no value", spec.long)
			case spec.value && !hasVal:
				if i+1 >= len(words) {
					return o, fmt.Errorf("option %s needs a value", spec.long)
				}
				i++
				val = words[i]
			}
			if spec.value {
				set(spec, val)
			}
		case strings.HasPrefix(w, "-") && len(w) > 1:
			spec, ok := shortOption(w[1])
			if !ok {
				return o, fmt.Errorf("unknown option -%s", printable(w[1:2]))
			}
			val := w[2:]
			if val == "" {
				if i+1 >= len(words) {
					return o, fmt.Errorf("option -%c needs a value", w[1])
				}
				i++
				val = words[i]
			}
			set(spec, val)
		}
	}
	return o, nil
}

func longOption(name string) (optSpec, error) {
	var match []optSpec
	for _, s := range optSpecs {
		if s.long == name {
			return s, nil
		}
		if strings.HasPrefix(s.long, name) {
			match = append(match, s)
		}
	}
	switch len(match) {
	case 1:
		return match[0], nil
	case 0:
		return optSpec{}, fmt.Errorf("unknown option %s", snippet(name))
	}
	return optSpec{}, fmt.Errorf("ambiguous option %s", snippet(name))
}

func shortOption(c byte) (optSpec, bool) {
	for _, s := range optSpecs {
		if s.short != 0 && s.short == c {
			return s, true
		}
	}
	return optSpec{}, false
}

// shellWords splits like Python's shlex.split: whitespace-separated words,
// single quotes literal, double quotes with backslash escapes, backslash
// escapes outside quotes.
func shellWords(s string) ([]string, error) {
	var out []string
	var w strings.Builder
	inWord := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			if inWord {
				out = append(out, w.String())
				w.Reset()
				inWord = false
			}
		case c == '\'':
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				return nil, errors.New("no closing quotation")
			}
			w.WriteString(s[i+1 : i+1+j])
			i += j + 1
			inWord = true
		case c == '"':
			i++
			for ; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '\\' && i+1 < len(s) && strings.IndexByte("\\\"$`\n", s[i+1]) >= 0 {
					i++
				}
				w.WriteByte(s[i])
			}
			if i >= len(s) {
				return nil, errors.New("no closing quotation")
			}
			inWord = true
		case c == '\\':
			if i+1 >= len(s) {
				return nil, errors.New("no escaped character")
			}
			i++
			w.WriteByte(s[i])
			inWord = true
		default:
			w.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		out = append(out, w.String())
	}
	return out, nil
}

// snippet quotes text for a message: URL credentials masked, shortened.
func snippet(s string) string {
	s = maskCredentials(s)
	const max = 80
	if utf8.RuneCountInString(s) > max {
		r := []rune(s)
		s = string(r[:max]) + "…"
	}
	return fmt.Sprintf("%q", s)
}

func printable(s string) string {
	if utf8.ValidString(s) && s != "" && s[0] >= 0x20 && s[0] < 0x7f {
		return s
	}
	return fmt.Sprintf("%q", s)
}
