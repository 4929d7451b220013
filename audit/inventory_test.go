package audit

import (
	"slices"
	"strings"
	"testing"
)

func TestInventory(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files *Files
		want  []Package
	}{
		{"a slug: what the buildpack installed", &Files{Origin: "slug", Entries: map[string][]byte{"requirements.txt": []byte("flask>=2\n")},
			Installed: []Dist{{Name: "Flask", Version: "2.2.2", Path: "sp/Flask-2.2.2.dist-info"}, {Name: "typing_extensions", Version: "4.12.2", Path: "sp/t.dist-info"}}},
			[]Package{{"flask", "2.2.2", "installed: sp/Flask-2.2.2.dist-info"}, {"typing-extensions", "4.12.2", "installed: sp/t.dist-info"}}},
		{"a checkout with pins and a range", &Files{Origin: "dir", Entries: map[string][]byte{"requirements.txt": []byte("Flask==2.2.2\nwerkzeug>=2\n")}},
			[]Package{{"flask", "2.2.2", "requirements.txt:1"}, {"werkzeug", "", "requirements.txt:2 (version unknown: not pinned with ==)"}}},
		{"a checkout installing from poetry.lock", &Files{Origin: "dir", Entries: map[string][]byte{
			"pyproject.toml": []byte("[tool.poetry.dependencies]\npython = \"^3.12\"\nflask = \"^2.2\"\n"),
			"poetry.lock":    []byte("[[package]]\nname = \"flask\"\nversion = \"2.2.5\"\n\n[[package]]\nname = \"werkzeug\"\nversion = \"2.2.3\"\n")}},
			[]Package{{"flask", "2.2.5", "poetry.lock"}, {"werkzeug", "2.2.3", "poetry.lock"}}},
		{"no files", nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := base()
			s.Files = tc.files
			if got := s.Inventory(); !slices.Equal(got, tc.want) {
				t.Errorf("inventory = %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestRollup(t *testing.T) {
	werk := Advisory{ID: "GHSA-2g68-c3qc-8985", Aliases: []string{"CVE-2024-34069"}, Severity: "high"}
	flask := Advisory{ID: "PYSEC-2023-62", Severity: "moderate"}
	m := func(name, ver string, as ...Advisory) VulnMatch {
		return VulnMatch{Package: Package{Name: name, Version: ver}, Advisories: as}
	}
	got := Rollup(map[string][]VulnMatch{
		"shop":    {m("werkzeug", "2.2.2", werk), m("flask", "2.2.2", flask)},
		"blog":    {m("werkzeug", "2.2.2", werk)},
		"billing": {m("werkzeug", "2.3.0", werk), m("flask", "2.2.2", flask)},
	})
	var lines []string
	for _, r := range got {
		lines = append(lines, r.Package+" "+r.Version+" "+r.Advisory.ID+": "+strings.Join(r.Apps, ","))
	}
	want := []string{
		"werkzeug 2.2.2 GHSA-2g68-c3qc-8985: blog,shop",
		"werkzeug 2.3.0 GHSA-2g68-c3qc-8985: billing",
		"flask 2.2.2 PYSEC-2023-62: billing,shop",
	}
	if !slices.Equal(lines, want) {
		t.Errorf("rollup:\n%s\nwant\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
}
