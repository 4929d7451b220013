// Package procfile reads Heroku Procfiles and works out which program each
// process command really runs.
//
// Parse splits a Procfile into process entries the way Heroku's line format
// defines them. Analyze parses one command with a real shell parser,
// unwraps launchers (APM agents, nginx/pgbouncer buildpack wrappers,
// `sh -c`, `env`, ...) and returns the long-running program's argv.
// Classify says whether that program is a production server, a development
// server, or something else.
//
// The package does no I/O: callers hand it bytes and strings.
package procfile

import (
	"errors"
	"regexp"
	"strings"

	"github.com/herokuaudit/herokuaudit/internal/textenc"
)

// Entry is one process line of a Procfile.
type Entry struct {
	Type    string // process type, e.g. "web"
	Command string // the command, trimmed
	Line    int    // 1-based line number in the decoded file
}

// entryRE is the reference Procfile line format (Foreman's, which Heroku's
// documentation follows): a name of letters, digits, '_' or '-' at the start
// of the line, a colon right after it, optional blanks, then the command.
// A space before the colon (`web : cmd`) or indentation does not match.
var entryRE = regexp.MustCompile(`^([A-Za-z0-9_-]+):[ \t]*(.*)$`)

// Encoding names of Procfile byte encodings, as reported by DetectEncoding.
const (
	EncodingUTF8    = textenc.UTF8
	EncodingUTF8BOM = textenc.UTF8BOM
	EncodingUTF16LE = textenc.UTF16LE
	EncodingUTF16BE = textenc.UTF16BE
)

// DetectEncoding reports how data is encoded, judging by its byte order mark.
// Heroku reads Procfiles as UTF-8 text, so a UTF-16 file (what Windows
// PowerShell's `echo ... > Procfile` writes) deserves a warning even though
// Parse decodes it.
func DetectEncoding(data []byte) string { return textenc.Detect(data) }

// ErrBinary is returned by Parse and Lines for data that is not text.
var ErrBinary = errors.New("procfile: file is not text (it contains NUL bytes)")

// Lines decodes a Procfile (UTF-8 with or without BOM, UTF-16 with BOM) and
// splits it into lines without their line endings. Line i of the file is
// element i-1. Invalid UTF-8 is replaced with U+FFFD.
func Lines(data []byte) ([]string, error) {
	text, _ := textenc.Decode(data)
	if strings.IndexByte(text, 0) >= 0 {
		return nil, ErrBinary
	}
	if text == "" {
		return nil, nil
	}
	text = strings.TrimSuffix(text, "\n")
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSuffix(l, "\r")
	}
	return lines, nil
}

// Parse reads a Procfile: one `name: command` per line. It accepts CRLF line
// endings, a UTF-8 BOM, UTF-16 with a BOM, blank lines, `#` comment lines, a
// missing final newline, `web:cmd` with no space and trailing blanks.
//
// Lines that are neither blank, comments, nor `name: command` are ignored,
// as Heroku ignores them; their 1-based numbers are returned in ignored so
// callers can warn (`web : gunicorn app:app`, with a space before the colon,
// is such a line). Entries keep file order, duplicates included; see Find.
//
// The only error is ErrBinary.
func Parse(data []byte) (entries []Entry, ignored []int, err error) {
	lines, err := Lines(data)
	if err != nil {
		return nil, nil, err
	}
	for i, line := range lines {
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		m := entryRE.FindStringSubmatch(line)
		if m == nil || strings.TrimSpace(m[2]) == "" {
			ignored = append(ignored, i+1)
			continue
		}
		entries = append(entries, Entry{Type: m[1], Command: strings.TrimSpace(m[2]), Line: i + 1})
	}
	return entries, ignored, nil
}

// Find returns the entry for process type typ. When a Procfile declares a
// type twice, the last declaration is the one that runs (Heroku's Procfile
// parsers keep the last), so Find returns the last.
func Find(entries []Entry, typ string) (Entry, bool) {
	for i := len(entries) - 1; i >= 0; i-- {
		if entries[i].Type == typ {
			return entries[i], true
		}
	}
	return Entry{}, false
}

// Duplicates lists the process types declared more than once, each once, in
// the order their second declarations appear.
func Duplicates(entries []Entry) []string {
	count := map[string]int{}
	var out []string
	for _, e := range entries {
		count[e.Type]++
		if count[e.Type] == 2 {
			out = append(out, e.Type)
		}
	}
	return out
}
