// Package report renders audit results: a table for people, JSON for
// machines (a versioned contract), Markdown for pull requests and chat,
// SARIF for code scanning, JUnit XML for CI, and the check catalog for
// `herokuaudit checks` and `herokuaudit explain`. Renderers print only what
// findings carry; they never see a snapshot, so they cannot leak its secrets.
package report

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/herokuaudit/herokuaudit/audit"
)

// Tool names the program that produced a report.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Report is what every renderer draws from.
type Report struct {
	Tool    Tool
	Results []audit.Result
	Color   bool // ANSI colour; the caller decides (a terminal, and no NO_COLOR)
	Details bool // with several apps, also each app's detail block after the summary
	// Problems shows only failing, warning and erroring checks in an app's
	// table; several apps' detail blocks do so unless AllRows is set.
	Problems bool
	AllRows  bool
	// Width is the terminal's width in columns (0: not a terminal, about
	// 120); tables wrap their free text to fit it, 80 at least.
	Width int

	Baseline *audit.BaselineSummary // when --baseline was given: counts printed first
	Notices  []string               // one-line notices, e.g. an expired suppression that no longer applies
	Checks   []audit.Check          // the catalog, for SARIF rules (nil: use audit.Catalog())
	Gate     *Gate                  // the gate's verdict, when one was weighed
	// Vulnerabilities is the run's rollup of known vulnerabilities by
	// advisory, worst first (see audit.Rollup).
	Vulnerabilities []audit.VulnRollup
}

// Gate is the gate's verdict: tripped, and why, one line per reason.
type Gate struct {
	Tripped bool
	Reasons []string
}

// Renderer writes a report in one format.
type Renderer interface {
	Render(w io.Writer, r Report) error
}

// Format is one entry of the registry: its name (the value of --format), a
// one-line description for help text, and its renderer.
type Format struct {
	Name        string
	Description string
	Renderer    Renderer
}

// Formats returns the registry, in the order help text lists it. It builds a
// fresh slice each time so no caller can change what another one sees.
func Formats() []Format {
	return []Format{
		{Name: "table", Description: "tables for people (the default)", Renderer: tableRenderer{}},
		{Name: "json", Description: "versioned JSON (schema_version 1) for machines", Renderer: jsonRenderer{}},
		{Name: "markdown", Description: "a summary for a pull request comment or a chat post", Renderer: markdownRenderer{}},
		{Name: "sarif", Description: "SARIF 2.1.0 for code scanning (GitHub, GitLab, IDEs)", Renderer: sarifRenderer{}},
		{Name: "junit", Description: "JUnit XML, one test case per check, for CI test reports", Renderer: junitRenderer{}},
	}
}

// FormatNames lists the registry's names, in order.
func FormatNames() []string {
	fs := Formats()
	names := make([]string, len(fs))
	for i, f := range fs {
		names[i] = f.Name
	}
	return names
}

// Lookup returns the renderer for a format name; the error lists the valid
// names, so --format validation needs no list of its own.
func Lookup(name string) (Renderer, error) {
	for _, f := range Formats() {
		if f.Name == name {
			return f.Renderer, nil
		}
	}
	return nil, fmt.Errorf("unknown format %q (want %s)", name, joinOr(FormatNames()))
}

// joinOr writes a list the way people say it: "a, b or c".
func joinOr(names []string) string {
	switch len(names) {
	case 0:
		return "nothing"
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// counts tallies one app's findings by status.
type counts struct {
	fail, warn, pass, skip, errs int
}

func countStatuses(fs []audit.Finding) counts {
	var c counts
	for _, f := range fs {
		switch f.Status {
		case audit.Fail:
			c.fail++
		case audit.Warn:
			c.warn++
		case audit.Pass:
			c.pass++
		case audit.Skip:
			c.skip++
		default:
			// An unknown status is something going wrong: count it as an error
			// rather than let it vanish from the summary.
			c.errs++
		}
	}
	return c
}

// failsBySeverity counts failing findings of one severity.
func failsBySeverity(fs []audit.Finding, s audit.Severity) int {
	n := 0
	for _, f := range fs {
		if f.Status == audit.Fail && f.Severity == s {
			n++
		}
	}
	return n
}

// worstFail returns the most severe failing finding; among equals, the first
// in catalog order.
func worstFail(fs []audit.Finding) (audit.Finding, bool) {
	var worst audit.Finding
	found := false
	for _, f := range fs {
		if f.Status == audit.Fail && (!found || f.Severity > worst.Severity) {
			worst, found = f, true
		}
	}
	return worst, found
}

// gradeRank orders grades worst first; anything unknown sorts with F.
func gradeRank(g string) int {
	switch g {
	case "A":
		return 4
	case "B":
		return 3
	case "C":
		return 2
	case "D":
		return 1
	}
	return 0
}

// worstFirst returns the results in the order the fleet summary shows them:
// apps that could not be audited, then by grade, then by score, then by name.
// It sorts a copy: the caller's slice keeps its order.
func worstFirst(rs []audit.Result) []audit.Result {
	out := slices.Clone(rs)
	slices.SortStableFunc(out, func(a, b audit.Result) int {
		if ea, eb := a.Error != "", b.Error != ""; ea != eb {
			if ea {
				return -1
			}
			return 1
		}
		return cmp.Or(
			cmp.Compare(gradeRank(a.Grade), gradeRank(b.Grade)),
			cmp.Compare(a.Score, b.Score),
			strings.Compare(a.App, b.App),
		)
	})
	return out
}

// languageNote says why an app's Python checks skipped: "not a Python app
// (Ruby)", or "language not known" when nothing said Python.
func languageNote(lang string) string {
	if lang == "unknown" {
		return "language not known"
	}
	return "not a Python app (" + clean(lang, false) + ")"
}
