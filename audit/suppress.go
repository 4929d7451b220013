package audit

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Suppression accepts a known problem: a check on matching apps, for a
// stated reason, optionally until a date.
type Suppression struct {
	Check   string   `yaml:"check"`
	Apps    []string `yaml:"apps"`    // globs; empty means every app
	Reason  string   `yaml:"reason"`  // required: why the risk is accepted
	Expires string   `yaml:"expires"` // YYYY-MM-DD; the rule stops applying after that day
}

// Suppressed is how a suppressed finding carries its rule into reports.
type Suppressed struct {
	Reason  string `json:"reason"`
	Expires string `json:"expires,omitempty"`
}

// SuppressionFile is the .herokuaudit.yml document.
type SuppressionFile struct {
	Suppressions []Suppression `yaml:"suppressions"`
}

// ParseSuppressions reads a suppressions file, refusing unknown keys, rules
// without a reason, unknown check IDs, bad globs and bad dates, so a typo
// never silently suppresses nothing (or everything).
func ParseSuppressions(data []byte) ([]Suppression, error) {
	var doc SuppressionFile
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	// an empty file is valid and suppresses nothing
	if err := dec.Decode(&doc); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("not a suppressions file: %s", firstLine(err.Error()))
	}
	for i, s := range doc.Suppressions {
		n := i + 1
		if _, ok := Lookup(s.Check); !ok {
			return nil, fmt.Errorf("suppression %d: unknown check %q", n, s.Check)
		}
		if strings.TrimSpace(s.Reason) == "" {
			return nil, fmt.Errorf("suppression %d (%s): a reason is required", n, s.Check)
		}
		for _, g := range s.Apps {
			if _, err := path.Match(g, ""); err != nil {
				return nil, fmt.Errorf("suppression %d (%s): bad app pattern %q", n, s.Check, g)
			}
		}
		if s.Expires != "" {
			if _, err := time.Parse(time.DateOnly, s.Expires); err != nil {
				return nil, fmt.Errorf("suppression %d (%s): expires %q is not a YYYY-MM-DD date", n, s.Check, s.Expires)
			}
		}
	}
	return doc.Suppressions, nil
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// expired reports whether the rule's last day is before today.
func (s Suppression) expired(today time.Time) bool {
	if s.Expires == "" {
		return false
	}
	last, _ := time.Parse(time.DateOnly, s.Expires)
	return today.After(last.Add(24*time.Hour - time.Nanosecond))
}

func (s Suppression) matches(app, check string) bool {
	if s.Check != check {
		return false
	}
	if len(s.Apps) == 0 {
		return true
	}
	for _, g := range s.Apps {
		if ok, _ := path.Match(g, app); ok {
			return true
		}
	}
	return false
}

// ApplySuppressions marks the problems that a rule accepts. A rule past its
// expiry date no longer applies; it is returned so the run can say so.
func ApplySuppressions(results []Result, rules []Suppression, now time.Time) (expired []Suppression) {
	for _, rule := range rules {
		if rule.expired(now) {
			expired = append(expired, rule)
		}
	}
	for i := range results {
		for j := range results[i].Findings {
			f := &results[i].Findings[j]
			if !f.Problem() {
				continue
			}
			for _, rule := range rules {
				if !rule.expired(now) && rule.matches(results[i].App, f.Check) {
					f.Suppressed = &Suppressed{Reason: rule.Reason, Expires: rule.Expires}
					break
				}
			}
		}
	}
	return expired
}
