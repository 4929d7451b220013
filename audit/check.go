package audit

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Severity orders how much a failing check matters.
type Severity int

const (
	Info Severity = iota
	Low
	Medium
	High
	Critical
)

var severityNames = [...]string{"info", "low", "medium", "high", "critical"}

func (s Severity) String() string {
	if s < Info || s > Critical {
		return fmt.Sprintf("severity(%d)", int(s))
	}
	return severityNames[s]
}

// MarshalText writes the severity's name, as JSON and SARIF want it.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads a severity name.
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// ParseSeverity reads a severity name, case-insensitively.
func ParseSeverity(name string) (Severity, error) {
	n := strings.ToLower(strings.TrimSpace(name))
	for i, s := range severityNames {
		if s == n {
			return Severity(i), nil
		}
	}
	return 0, fmt.Errorf("unknown severity %q (want one of %s)", name, strings.Join(severityNames[:], ", "))
}

// SeverityNames lists the severities from lowest to highest.
func SeverityNames() []string { return append([]string(nil), severityNames[:]...) }

// Status is a check's verdict on one app.
type Status string

const (
	Pass  Status = "pass"
	Warn  Status = "warn"
	Fail  Status = "fail"
	Skip  Status = "skip"
	Error Status = "error"
)

// Check is one rule of the catalog: a value carrying its own documentation.
type Check struct {
	ID          string
	Title       string
	Checklist   string // the deployment checklist item it audits
	Severity    Severity
	Rationale   string // why it matters
	Remediation string // how to fix it, in general; findings give the exact command
	// Needs lists the parts without which the check has nothing to say: a
	// gap in one of them is the verdict (skip, or error when it failed)
	// without running the check.
	Needs []Part
	// CrossApp marks a check that compares the apps of a run: it runs once
	// every app is collected, on the thin snapshot each app leaves (see
	// Thin), after the others ran on the whole one.
	CrossApp bool
	// Python marks a Python or Flask rule: an app built in another
	// language skips it, saying which (platform checks run for every app).
	Python bool
	// Run judges the app through a View, which records what it read; see
	// Audit for what a gap in a part it read does to the verdict.
	Run func(*View) Outcome
}

// Inputs lists what the check reads, for documentation. It is generated
// from the accessors the check's code calls (see reads_gen.go), so it
// cannot drift from the code.
func (c Check) Inputs() []string {
	return generatedInputs[c.ID]
}

// Outcome is what a check's Run function returns.
type Outcome struct {
	Status      Status
	Message     string
	Evidence    []Evidence // names and places, never secret values
	Remediation string     // the exact command or change, when the status calls for one
	// Definite marks a fail or warn that rests on what was seen, so parts
	// that could not be read cannot undo it (DEBUG=true is on whatever the
	// slug holds). Any other verdict that read a missing part becomes an
	// error or a skip.
	Definite bool
}

// Evidence is one fact a verdict rests on: text for people and, where
// known, the place it was found, for SARIF, Markdown and JUnit. It never
// holds a secret value.
type Evidence struct {
	Text      string `json:"text"`
	File      string `json:"file,omitempty"` // relative to the app root
	Line      int    `json:"line,omitempty"`
	ConfigVar string `json:"config_var,omitempty"`
	Process   string `json:"process,omitempty"` // process type, e.g. web
}

func (e Evidence) String() string { return e.Text }

// UnmarshalJSON reads evidence as an object or, as reports of schema 1
// wrote it, a bare string.
func (e *Evidence) UnmarshalJSON(b []byte) error {
	var text string
	if err := json.Unmarshal(b, &text); err == nil {
		*e = Evidence{Text: text}
		return nil
	}
	type plain Evidence
	return json.Unmarshal(b, (*plain)(e))
}

// Texts returns the evidence's text lines.
func Texts(ev []Evidence) []string {
	out := make([]string, len(ev))
	for i, e := range ev {
		out[i] = e.Text
	}
	return out
}

// Evidence constructors, for the places checks name.

func inFile(file string, line int, format string, a ...any) Evidence {
	return Evidence{Text: fmt.Sprintf(format, a...), File: file, Line: line}
}

func ofVar(name, format string, a ...any) Evidence {
	return Evidence{Text: fmt.Sprintf(format, a...), ConfigVar: name}
}

// ofProc places evidence at a process's command: its Procfile line when
// it was read from one.
func ofProc(p proc, format string, a ...any) Evidence {
	e := Evidence{Text: fmt.Sprintf(format, a...), Process: p.Type}
	if p.Line > 0 {
		e.File, e.Line = "Procfile", p.Line
	}
	return e
}

// Finding is one check's verdict on one app, as reports show it.
type Finding struct {
	Check       string     `json:"check"`
	Status      Status     `json:"status"`
	Severity    Severity   `json:"severity"`
	Title       string     `json:"title"`
	Message     string     `json:"message"`
	Evidence    []Evidence `json:"evidence"`
	Remediation string     `json:"remediation,omitempty"`

	// Suppressed is set when a suppression rule accepts this finding: it is
	// still shown, but does not trip the gate.
	Suppressed *Suppressed `json:"suppressed,omitempty"`
	// Baseline is "new" or "existing" for a failing or warning finding
	// when the run is compared with a baseline report.
	Baseline string `json:"baseline,omitempty"`
}

// UnmarshalJSON reads a finding of a JSON report (a baseline), taking the
// evidence's places from evidence_detail when the report has them.
func (f *Finding) UnmarshalJSON(b []byte) error {
	type plain Finding
	var doc struct {
		plain
		Detail []Evidence `json:"evidence_detail"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return err
	}
	*f = Finding(doc.plain)
	if len(doc.Detail) == len(f.Evidence) && len(doc.Detail) > 0 {
		f.Evidence = doc.Detail
	}
	return nil
}

// Problem reports whether the finding is something to act on: a fail or a
// warn. Baselines and suppressions deal in problems.
func (f Finding) Problem() bool { return f.Status == Fail || f.Status == Warn }

// Result is the audit of one app.
type Result struct {
	App string `json:"app"`
	// Language is the app's language when it is not Python: its Python
	// and Flask checks were skipped.
	Language string `json:"language,omitempty"`
	Score    int    `json:"score"`
	Grade    string `json:"grade"`
	Error    string `json:"error,omitempty"` // set when the app could not be audited at all
	// Incomplete lists the checks that ended in error: the grade is
	// not a verdict on the whole app.
	Incomplete []string  `json:"incomplete,omitempty"`
	Findings   []Finding `json:"findings"`
	// Fixed lists the problems the baseline had for this app that are gone.
	Fixed []Finding `json:"fixed,omitempty"`
}

// Outcome helpers keep check bodies short.

func Passf(format string, a ...any) Outcome {
	return Outcome{Status: Pass, Message: fmt.Sprintf(format, a...)}
}
func Skipf(format string, a ...any) Outcome {
	return Outcome{Status: Skip, Message: fmt.Sprintf(format, a...)}
}

// With adds evidence lines with no place.
func (o Outcome) With(lines ...string) Outcome {
	for _, l := range lines {
		o.Evidence = append(o.Evidence, Evidence{Text: l})
	}
	return o
}

// WithEv adds evidence.
func (o Outcome) WithEv(ev ...Evidence) Outcome {
	o.Evidence = append(o.Evidence, ev...)
	return o
}

// Sure marks a fail or warn as Definite: seen, so what could not be read
// cannot undo it.
func (o Outcome) Sure() Outcome {
	o.Definite = true
	return o
}

// Fix sets the remediation.
func (o Outcome) Fix(format string, a ...any) Outcome {
	o.Remediation = fmt.Sprintf(format, a...)
	return o
}

func Failf(format string, a ...any) Outcome {
	return Outcome{Status: Fail, Message: fmt.Sprintf(format, a...)}
}
func Warnf(format string, a ...any) Outcome {
	return Outcome{Status: Warn, Message: fmt.Sprintf(format, a...)}
}
