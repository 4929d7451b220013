package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"github.com/herokuaudit/herokuaudit/audit"
)

// SchemaVersion is the version of the JSON contract. Adding a key keeps it;
// renaming, removing or retyping one bumps it.
const SchemaVersion = 1

// The wire types are the contract, kept apart from the audit types so audit
// can change shape without anyone's JSON changing. The keys of version 1 as
// first published are always present: evidence and findings are arrays,
// never null. Keys added later (baseline, notices, suppressed, fixed) are
// omitted when unset, so a run without --baseline or suppressions writes
// exactly what it always did.

type jsonReport struct {
	SchemaVersion int           `json:"schema_version"`
	Tool          jsonTool      `json:"tool"`
	Baseline      *jsonBaseline `json:"baseline,omitempty"`
	Notices       []string      `json:"notices,omitempty"`
	Gate          *jsonGate     `json:"gate,omitempty"`
	// Vulnerabilities: each advisory with the apps it affects, worst first.
	Vulnerabilities []audit.VulnRollup `json:"vulnerabilities,omitempty"`
	Apps            []jsonApp          `json:"apps"`
}

// jsonGate says whether the run passed the gate and, if not, why: one line
// per reason, the same lines stderr ends with.
type jsonGate struct {
	Tripped bool     `json:"tripped"`
	Reasons []string `json:"reasons"`
}

type jsonBaseline struct {
	New      int `json:"new"`
	Existing int `json:"existing"`
	Fixed    int `json:"fixed"`
}

type jsonTool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

type jsonApp struct {
	App   string `json:"app"`
	Score int    `json:"score"`
	Grade string `json:"grade"`
	Error string `json:"error"`
	// Language is set for an app not built in Python ("Ruby"), or
	// "unknown" when nothing said Python: its Python and Flask checks were
	// skipped.
	Language string `json:"language,omitempty"`
	// Incomplete lists the checks that could not run (grade "incomplete").
	Incomplete []string      `json:"incomplete,omitempty"`
	Findings   []jsonFinding `json:"findings"`
	Fixed      []jsonFinding `json:"fixed,omitempty"` // the baseline's problems that are gone
}

type jsonFinding struct {
	Check       string   `json:"check"`
	Status      string   `json:"status"`
	Severity    string   `json:"severity"`
	Title       string   `json:"title"`
	Message     string   `json:"message"`
	Evidence    []string `json:"evidence"`
	Remediation string   `json:"remediation"`

	Suppressed *jsonSuppressed `json:"suppressed,omitempty"`
	Baseline   string          `json:"baseline,omitempty"` // "new" or "existing"
	// EvidenceDetail repeats the evidence with the place each line names
	// (file and line, config var, process type), when any names one.
	EvidenceDetail []audit.Evidence `json:"evidence_detail,omitempty"`
}

type jsonSuppressed struct {
	Reason  string `json:"reason"`
	Expires string `json:"expires"` // YYYY-MM-DD, or "" for a rule that does not expire
}

type jsonCatalog struct {
	SchemaVersion int         `json:"schema_version"`
	Checks        []jsonCheck `json:"checks"`
	Scoring       string      `json:"scoring"`
	FactsAsOf     string      `json:"facts_as_of"`
}

type jsonCheck struct {
	ID          string   `json:"id"`
	Title       string   `json:"title"`
	Severity    string   `json:"severity"`
	Rationale   string   `json:"rationale"`
	Remediation string   `json:"remediation"`
	Reads       []string `json:"reads"`
	Checklist   string   `json:"checklist"`
}

type jsonRenderer struct{}

// Render writes the report as schema_version 1 JSON, apps in the order given.
// It streams: the apps are converted and written one at a time, so a
// 500-app report never sits in memory whole beside the results it comes
// from. The bytes are those of encoding the whole document at once.
func (jsonRenderer) Render(w io.Writer, r Report) error {
	head := jsonReport{
		SchemaVersion: SchemaVersion,
		Tool:          jsonTool{Name: toolName(r), Version: r.Tool.Version},
		Apps:          []jsonApp{},
	}
	if b := r.Baseline; b != nil {
		head.Baseline = &jsonBaseline{New: b.New, Existing: b.Existing, Fixed: b.Fixed}
	}
	if len(r.Notices) > 0 {
		head.Notices = append([]string{}, r.Notices...)
	}
	if g := r.Gate; g != nil {
		head.Gate = &jsonGate{Tripped: g.Tripped, Reasons: append([]string{}, g.Reasons...)}
	}
	head.Vulnerabilities = r.Vulnerabilities
	var b bytes.Buffer
	if err := encodeJSON(&b, head, ""); err != nil {
		return err
	}
	if len(r.Results) == 0 {
		_, err := w.Write(b.Bytes())
		return err
	}
	// "apps" is the last key: its empty array is where the apps go
	const empty = "[]\n}\n"
	if !bytes.HasSuffix(b.Bytes(), []byte(empty)) {
		return fmt.Errorf("report: unexpected JSON layout")
	}
	b.Truncate(b.Len() - len(empty))
	b.WriteString("[\n")
	for i, res := range r.Results {
		b.WriteString("    ")
		if err := encodeJSON(&b, toJSONApp(res), "    "); err != nil {
			return err
		}
		b.Truncate(b.Len() - 1) // the encoder's newline
		if i < len(r.Results)-1 {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
		if b.Len() >= 64<<10 {
			if _, err := w.Write(b.Bytes()); err != nil {
				return err
			}
			b.Reset()
		}
	}
	b.WriteString("  ]\n}\n")
	_, err := w.Write(b.Bytes())
	return err
}

func toJSONApp(res audit.Result) jsonApp {
	app := jsonApp{
		App:        res.App,
		Score:      res.Score,
		Grade:      res.Grade,
		Error:      res.Error,
		Incomplete: res.Incomplete,
		Language:   res.Language,
		Findings:   make([]jsonFinding, 0, len(res.Findings)),
	}
	for _, f := range res.Findings {
		app.Findings = append(app.Findings, toJSONFinding(f))
	}
	for _, f := range res.Fixed {
		app.Fixed = append(app.Fixed, toJSONFinding(f))
	}
	return app
}

func toJSONFinding(f audit.Finding) jsonFinding {
	jf := jsonFinding{
		Check:       f.Check,
		Status:      string(f.Status),
		Severity:    f.Severity.String(),
		Title:       f.Title,
		Message:     f.Message,
		Evidence:    append(make([]string, 0, len(f.Evidence)), audit.Texts(f.Evidence)...),
		Remediation: f.Remediation,
		Baseline:    f.Baseline,
	}
	if s := f.Suppressed; s != nil {
		jf.Suppressed = &jsonSuppressed{Reason: s.Reason, Expires: s.Expires}
	}
	for _, e := range f.Evidence {
		if e.File != "" || e.ConfigVar != "" || e.Process != "" {
			jf.EvidenceDetail = f.Evidence // the places, beside the schema-1 text list
			break
		}
	}
	return jf
}

func catalogJSON(checks []audit.Check) jsonCatalog {
	out := jsonCatalog{
		SchemaVersion: SchemaVersion,
		Checks:        make([]jsonCheck, 0, len(checks)),
		Scoring:       audit.ScoringRule,
		FactsAsOf:     audit.FactsAsOf,
	}
	for _, c := range checks {
		reads := append([]string{}, c.Inputs()...)
		out.Checks = append(out.Checks, jsonCheck{
			ID:          c.ID,
			Title:       c.Title,
			Severity:    c.Severity.String(),
			Rationale:   c.Rationale,
			Remediation: c.Remediation,
			Reads:       reads,
			Checklist:   c.Checklist,
		})
	}
	return out
}

// writeJSON indents by two spaces and ends with a newline. HTML escaping is
// off: `<`, `>` and `&` in commands read better as themselves, and the
// output is never embedded in a page.
func writeJSON(w io.Writer, v any) error {
	var b bytes.Buffer
	if err := encodeJSON(&b, v, ""); err != nil {
		return err
	}
	_, err := w.Write(b.Bytes())
	return err
}

// encodeJSON appends v to b as writeJSON writes it, every line after the
// first starting with prefix: the indentation of where v sits.
func encodeJSON(b *bytes.Buffer, v any, prefix string) error {
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	enc.SetIndent(prefix, "  ")
	return enc.Encode(v)
}
