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

// TestReadmeUsageRunsAgainstTheDemo runs every herokuaudit line of the
// README's usage block, as written, with --fixtures demo added: none may
// be a usage error or fail to audit.
func TestReadmeUsageRunsAgainstTheDemo(t *testing.T) {
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	start := strings.Index(text, "## Usage")
	block := text[start:]
	block = block[strings.Index(block, "```sh")+5:]
	block = block[:strings.Index(block, "```")]
	t.Chdir(t.TempDir()) // -o files land here, and only the embedded fixtures exist
	ran := 0
	for _, line := range strings.Split(block, "\n") {
		cmd, _, _ := strings.Cut(line, "#")
		cmd, _, _ = strings.Cut(cmd, ">") // the shell's redirection
		fields := strings.Fields(cmd)
		if len(fields) == 0 || fields[0] != "herokuaudit" {
			continue
		}
		for i, f := range fields {
			fields[i] = strings.Trim(f, "'")
		}
		ran++
		t.Run(strings.Join(fields[1:], " "), func(t *testing.T) {
			args := fields[1:]
			if args[0] != "checks" && args[0] != "explain" { // they fetch nothing
				args = append([]string{"--fixtures", "demo"}, args...)
			}
			code, _, errOut := runCLI(t, nil, args...)
			if code == exitTrouble {
				t.Errorf("exit 2: %s", errOut)
			}
		})
	}
	if ran < 8 {
		t.Errorf("only %d lines ran", ran)
	}
}
