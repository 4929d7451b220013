package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/herokuaudit/herokuaudit/audit"
)

var update = flag.Bool("update", false, "rewrite the README's generated check table")

const (
	readmePath  = "../../README.md"
	checksStart = "<!-- checks:start (generated from the catalog by `go test ./cmd/herokuaudit -update`) -->\n"
	checksEnd   = "<!-- checks:end -->"
)

// checksTable is the README's check table, generated from the catalog so the
// two never drift apart.
func checksTable() string {
	var b strings.Builder
	b.WriteString("| ID | severity | title | checklist item | what it reads |\n|---|---|---|---|---|\n")
	for _, c := range audit.Catalog() {
		r := strings.Join(c.Inputs(), ", ")
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s |\n", c.ID, c.Severity, c.Title, c.Checklist, r)
	}
	fmt.Fprintf(&b, "\n%s\n\nPlatform facts (dyno sizes, Python support, stacks) are as of %s; `herokuaudit explain ID` says more about each check.\n",
		audit.ScoringRule, audit.FactsAsOf)
	return b.String()
}

func TestReadmeCheckTable(t *testing.T) {
	data, err := os.ReadFile(readmePath)
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	i := strings.Index(text, checksStart)
	j := strings.Index(text, checksEnd)
	if i < 0 || j < i {
		t.Fatalf("README.md lacks the generated check table markers")
	}
	want := text[:i+len(checksStart)] + checksTable() + text[j:]
	if want == text {
		return
	}
	if *update {
		if err := os.WriteFile(readmePath, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("README.md's check table is out of date with the catalog: run go test ./cmd/herokuaudit -update")
}
