package audit

import (
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
	Rationale   string   // why it matters
	Remediation string   // how to fix it, in general; findings give the exact command
	Reads       []Part   // what it cannot run without; a missing part becomes skip or error
	Uses        []string // everything it reads, for people (`explain`, the README)
	Run         func(*Snapshot) Outcome
}

// Inputs lists what the check reads, for documentation: Uses when given,
// else the parts it requires.
func (c Check) Inputs() []string {
	if len(c.Uses) > 0 {
		return c.Uses
	}
	out := make([]string, len(c.Reads))
	for i, p := range c.Reads {
		out[i] = string(p)
	}
	return out
}

// Outcome is what a check's Run function returns.
type Outcome struct {
	Status      Status
	Message     string
	Evidence    []string // names and places, never secret values
	Remediation string   // the exact command or change, when the status calls for one
}

// Finding is one check's verdict on one app, as reports show it.
type Finding struct {
	Check       string   `json:"check"`
	Status      Status   `json:"status"`
	Severity    Severity `json:"severity"`
	Title       string   `json:"title"`
	Message     string   `json:"message"`
	Evidence    []string `json:"evidence"`
	Remediation string   `json:"remediation,omitempty"`

	// Suppressed is set when a suppression rule accepts this finding: it is
	// still shown, but does not trip the gate.
	Suppressed *Suppressed `json:"suppressed,omitempty"`
	// Baseline is "new" or "existing" for a failing or warning finding
	// when the run is compared with a baseline report.
	Baseline string `json:"baseline,omitempty"`
}

// Problem reports whether the finding is something to act on: a fail or a
// warn. Baselines and suppressions deal in problems.
func (f Finding) Problem() bool { return f.Status == Fail || f.Status == Warn }

// Result is the audit of one app.
type Result struct {
	App      string    `json:"app"`
	Score    int       `json:"score"`
	Grade    string    `json:"grade"`
	Error    string    `json:"error,omitempty"` // set when the app could not be audited at all
	Findings []Finding `json:"findings"`
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

// With adds evidence lines.
func (o Outcome) With(evidence ...string) Outcome {
	o.Evidence = append(o.Evidence, evidence...)
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
