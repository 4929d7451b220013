package report

import (
	"bytes"
	"errors"
	"fmt"
	"testing"

	"github.com/herokuaudit/herokuaudit/audit"
)

// TestJSONStreamsTheWholeDocument: the streamed report is byte for byte the
// document encoded at once, for no app, one, and enough apps to be written
// in several pieces; a failing writer's error comes back.
func TestJSONStreamsTheWholeDocument(t *testing.T) {
	mk := func(n int) Report {
		r := Report{Tool: Tool{Version: "1.2.3"}, Notices: []string{"a <notice> & more"}, Gate: &Gate{Tripped: true, Reasons: []string{"x failed"}},
			Baseline: &audit.BaselineSummary{New: 1}}
		for i := range n {
			r.Results = append(r.Results, audit.Result{App: fmt.Sprintf("app-%04d", i), Score: 70, Grade: "C", Findings: []audit.Finding{
				{Check: "debug-mode", Status: audit.Fail, Severity: audit.Critical, Title: "DEBUG off", Message: "DEBUG=True in config.py",
					Evidence: []audit.Evidence{{Text: "config.py:3: DEBUG = True", File: "config.py", Line: 3}}, Remediation: "set it <off>"},
				{Check: "hsts", Status: audit.Pass, Severity: audit.Medium, Title: "HSTS", Message: "on", Evidence: []audit.Evidence{}},
			}})
		}
		return r
	}
	for _, n := range []int{0, 1, 400} {
		t.Run(fmt.Sprint(n, " apps"), func(t *testing.T) {
			r := mk(n)
			var got bytes.Buffer
			if err := (jsonRenderer{}).Render(&got, r); err != nil {
				t.Fatal(err)
			}
			whole := jsonReport{SchemaVersion: SchemaVersion, Tool: jsonTool{Name: toolName(r), Version: "1.2.3"}, Apps: []jsonApp{},
				Baseline: &jsonBaseline{New: 1}, Notices: r.Notices, Gate: &jsonGate{Tripped: true, Reasons: r.Gate.Reasons}}
			for _, res := range r.Results {
				whole.Apps = append(whole.Apps, toJSONApp(res))
			}
			var want bytes.Buffer
			if err := writeJSON(&want, whole); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.Bytes(), want.Bytes()) {
				t.Errorf("streamed %d bytes, whole %d; first difference at %d", got.Len(), want.Len(), firstDiff(got.Bytes(), want.Bytes()))
			}
			if n == 400 && want.Len() < 3*(64<<10) {
				t.Fatalf("only %d bytes: not written in several pieces", want.Len())
			}
		})
	}
	full := errors.New("disk full")
	if err := (jsonRenderer{}).Render(&failAfter{n: 100 << 10, err: full}, mk(400)); !errors.Is(err, full) {
		t.Errorf("err %v, want the writer's", err)
	}
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

type failAfter struct {
	n   int
	err error
}

func (f *failAfter) Write(p []byte) (int, error) {
	if len(p) > f.n {
		return 0, f.err
	}
	f.n -= len(p)
	return len(p), nil
}
