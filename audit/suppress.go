package audit

import (
	"cmp"
	"fmt"
	"path"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/herokuaudit/herokuaudit/internal/textdist"
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

// SuppressionError is a mistake in a suppressions file, at a line.
type SuppressionError struct {
	Line int // 1-based; 0 when the file as a whole is wrong
	Msg  string
}

func (e *SuppressionError) Error() string {
	if e.Line == 0 {
		return e.Msg
	}
	return fmt.Sprintf("%d: %s", e.Line, e.Msg)
}

// ParseSuppressions reads a suppressions file, refusing unknown keys (with
// the nearest known one), rules without a reason, unknown check IDs, bad
// globs and bad dates, each at its line, so a typo never silently
// suppresses nothing (or everything).
func ParseSuppressions(data []byte) ([]Suppression, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		msg := firstLine(strings.TrimPrefix(err.Error(), "yaml: "))
		line := 0
		if _, err := fmt.Sscanf(msg, "line %d:", &line); err == nil {
			msg = strings.TrimSpace(msg[strings.Index(msg, ":")+1:])
		}
		return nil, &SuppressionError{Line: line, Msg: "not a suppressions file: " + msg}
	}
	if len(root.Content) == 0 {
		return nil, nil // an empty file is valid and suppresses nothing
	}
	doc := root.Content[0]
	if doc.Kind != yaml.MappingNode {
		return nil, &SuppressionError{Line: doc.Line, Msg: "not a suppressions file: want suppressions: followed by a list of rules"}
	}
	var list *yaml.Node
	for i := 0; i+1 < len(doc.Content); i += 2 {
		k := doc.Content[i]
		if k.Value != "suppressions" {
			return nil, unknownKey(k, []string{"suppressions"})
		}
		list = doc.Content[i+1]
	}
	if list == nil || list.Kind == yaml.ScalarNode && list.Tag == "!!null" {
		return nil, nil
	}
	if list.Kind != yaml.SequenceNode {
		return nil, &SuppressionError{Line: list.Line, Msg: "suppressions: want a list of rules (- check: ...)"}
	}
	fields := []string{"check", "apps", "reason", "expires"}
	var out []Suppression
	for n, item := range list.Content {
		if item.Kind != yaml.MappingNode {
			return nil, &SuppressionError{Line: item.Line, Msg: fmt.Sprintf("suppression %d: want check:, reason: and optionally apps:, expires:", n+1)}
		}
		at := map[string]int{}
		for i := 0; i+1 < len(item.Content); i += 2 {
			k := item.Content[i]
			if !slices.Contains(fields, k.Value) {
				return nil, unknownKey(k, fields)
			}
			at[k.Value] = item.Content[i+1].Line
		}
		var s Suppression
		if err := item.Decode(&s); err != nil {
			return nil, &SuppressionError{Line: item.Line, Msg: fmt.Sprintf("suppression %d: %s", n+1, firstLine(strings.TrimPrefix(err.Error(), "yaml: ")))}
		}
		line := func(field string) int { return cmp.Or(at[field], item.Line) }
		if _, ok := Lookup(s.Check); !ok {
			msg := fmt.Sprintf("suppression %d: unknown check %q", n+1, s.Check)
			if near := textdist.Nearest(s.Check, catalogIDs()); near != "" {
				msg += fmt.Sprintf(" (did you mean %s?)", near)
			}
			return nil, &SuppressionError{Line: line("check"), Msg: msg}
		}
		if strings.TrimSpace(s.Reason) == "" {
			return nil, &SuppressionError{Line: line("reason"), Msg: fmt.Sprintf("suppression %d (%s): a reason is required", n+1, s.Check)}
		}
		for _, g := range s.Apps {
			if _, err := path.Match(g, ""); err != nil {
				return nil, &SuppressionError{Line: line("apps"), Msg: fmt.Sprintf("suppression %d (%s): bad app pattern %q", n+1, s.Check, g)}
			}
		}
		if s.Expires != "" {
			if _, err := time.Parse(time.DateOnly, s.Expires); err != nil {
				return nil, &SuppressionError{Line: line("expires"), Msg: fmt.Sprintf("suppression %d (%s): expires %q is not a YYYY-MM-DD date", n+1, s.Check, s.Expires)}
			}
		}
		out = append(out, s)
	}
	return out, nil
}

// unknownKey names a key the file does not know, and the nearest it does.
func unknownKey(k *yaml.Node, known []string) error {
	msg := fmt.Sprintf("unknown field %q", k.Value)
	if near := textdist.Nearest(k.Value, known); near != "" {
		msg += fmt.Sprintf(" (did you mean %s?)", near)
	}
	return &SuppressionError{Line: k.Line, Msg: msg}
}

func catalogIDs() []string {
	var ids []string
	for _, c := range Catalog() {
		ids = append(ids, c.ID)
	}
	return ids
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
