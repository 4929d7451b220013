package audit

import (
	"fmt"
	"strings"
)

var envFileInSlug = Check{
	ID:        "env-file-in-slug",
	Title:     "No .env file or .git directory is deployed",
	Checklist: "Source: never deploy .env files or .git",
	Severity:  High,
	Rationale: "A .env file in the slug ships local secrets (often production ones) to every dyno and every " +
		"slug download; a deployed .git directory ships the whole history, deleted secrets included.",
	Remediation: "git rm --cached .env && echo .env >> .gitignore, rotate every secret it held, and deploy again.",
	Reads:       []Part{PartFiles},
	Uses:        []string{"the slug's or checkout's file list (.env contents are never read)"},
	Run:         runEnvFileInSlug,
}

func runEnvFileInSlug(s *Snapshot) Outcome {
	var envs []string
	git := false
	for _, n := range s.Files.Noted {
		if n == ".git/" {
			git = true
		} else {
			envs = append(envs, n)
		}
	}
	where := s.filesOrigin()
	switch {
	case len(envs) > 0:
		fix := fmt.Sprintf("git rm --cached %s && echo '.env*' >> .gitignore; rotate every secret it held, then deploy", strings.Join(envs, " "))
		return Failf("%s deployed in the %s", strings.Join(envs, ", "), where).With(envs...).Fix("%s", fix)
	case git:
		return Warnf("a .git directory is deployed in the %s: the repository's history ships with the app", where).
			With(".git/").Fix("deploy with git push (which never ships .git), or exclude .git from the build")
	}
	return Passf("no .env file and no .git directory in the %s", where)
}
