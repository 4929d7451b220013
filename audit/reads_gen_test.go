package audit

import (
	"bytes"
	"flag"
	"os"
	"slices"
	"testing"

	"github.com/herokuaudit/herokuaudit/audit/internal/readsgen"
)

var update = flag.Bool("update", false, "rewrite reads_gen.go from the checks' code")

// TestGeneratedInputs keeps reads_gen.go equal to what the checks' code
// reads; `go test ./audit -run TestGeneratedInputs -update` rewrites it.
func TestGeneratedInputs(t *testing.T) {
	want, err := readsgen.Generate(".")
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile("reads_gen.go", want, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, err := os.ReadFile("reads_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("reads_gen.go is stale: run go test ./audit -run TestGeneratedInputs -update")
	}
	for _, c := range Catalog() {
		if len(c.Inputs()) == 0 {
			t.Errorf("%s: no inputs found in its code", c.ID)
		}
		for _, p := range c.Needs {
			if !slices.Contains(generatedParts[c.ID], p) {
				t.Errorf("%s needs %s but its code never reads it", c.ID, p)
			}
		}
	}
}

// TestRecordedReadsWithinGenerated runs every check over every test case's
// snapshot: what a View records must fall within the generated parts, or
// the generator misses a way the code reads.
func TestRecordedReadsWithinGenerated(t *testing.T) {
	var cases []checkCase
	for _, cs := range [][]checkCase{coreCases, configCases, processCases, platformCases, sourceCases, probeCases} {
		cases = append(cases, cs...)
	}
	for _, tc := range cases {
		s := base()
		for _, ch := range tc.changes {
			ch(s)
		}
		for _, c := range Catalog() {
			v := newView(s)
			func() {
				defer func() { _ = recover() }()
				c.Run(v)
			}()
			for _, p := range v.read {
				if !slices.Contains(generatedParts[c.ID], p) {
					t.Errorf("%s (case %s/%s) read %s, which reads_gen.go does not list", c.ID, tc.check, tc.name, p)
				}
			}
		}
	}
}
