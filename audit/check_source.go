package audit

import (
	"cmp"
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/herokuaudit/herokuaudit/audit/pysrc"
)

var envFileInSlug = Check{
	ID:        "env-file-in-slug",
	Title:     "No .env file or .git directory is deployed",
	Checklist: "Source: never deploy .env files or .git",
	Severity:  High,
	Rationale: "A .env file in the slug ships local secrets (often production ones) to every dyno and every " +
		"slug download; a deployed .git directory ships the whole history, deleted secrets included.",
	Remediation: "git rm --cached .env && echo .env >> .gitignore, rotate every secret it held, and deploy again.",
	Needs:       []Part{PartFiles},
	Run:         runEnvFileInSlug,
}

// envTemplates are the dotenv files projects commit as examples: names and
// placeholders, not the secrets themselves.
var envTemplates = []string{".env.example", ".env.sample", ".env.template", ".env.dist"}

func isEnvTemplate(p string) bool { return slices.Contains(envTemplates, path.Base(p)) }

// isEnvVault matches dotenv-vault's encrypted file: deployable by design,
// useless without the key kept in DOTENV_KEY.
func isEnvVault(p string) bool { return path.Base(p) == ".env.vault" }

func runEnvFileInSlug(v *View) Outcome {
	var envs, vaults []string
	git := false
	untracked := v.Untracked()
	for _, n := range v.Noted() {
		switch {
		case n == ".git/":
			git = true
		case isEnvVault(n):
			vaults = append(vaults, n)
		case !slices.Contains(untracked, n):
			envs = append(envs, n)
		}
	}
	// templates are read: a value shaped like a real secret is one
	var real []Evidence
	var templates []string
	for _, p := range v.FilesMatching(isEnvTemplate) {
		templates = append(templates, p)
		data, _ := v.File(p)
		real = append(real, realSecretsIn(p, data)...)
	}
	where := v.FilesOrigin()
	var notes []Evidence
	for _, t := range templates {
		notes = append(notes, inFile(t, 0, "%s: a template (names and placeholders), not deployed secrets", t))
	}
	for _, vt := range vaults {
		notes = append(notes, inFile(vt, 0, "%s: encrypted by dotenv-vault; its key (DOTENV_KEY) must not be in the repository", vt))
	}
	switch {
	case len(envs) > 0:
		fix := fmt.Sprintf("git rm --cached %s && echo '.env*' >> .gitignore; rotate every secret it held, then deploy", strings.Join(envs, " "))
		return Failf("%s deployed in the %s", strings.Join(envs, ", "), where).Sure().WithEv(placesOf(envs)...).WithEv(notes...).Fix("%s", fix)
	case len(real) > 0:
		return Failf("a dotenv template holds values shaped like real secrets").Sure().WithEv(real...).
			Fix("replace the values in %s with placeholders, and rotate the credentials it held", real[0].File)
	case len(untracked) > 0:
		return Warnf("%s not ignored: one `git add .` from being deployed", strings.Join(untracked, ", ")).Sure().
			WithEv(placesOf(untracked)...).Fix("echo '.env' >> .gitignore")
	case git:
		return Warnf("a .git directory is deployed in the %s: the repository's history ships with the app", where).Sure().
			With(".git/").Fix("deploy with git push (which never ships .git), or exclude .git from the build")
	}
	return Passf("no .env file and no .git directory in the %s", where).WithEv(notes...)
}

// realSecretsIn finds the lines of a dotenv template whose value looks like
// a real credential rather than a placeholder: a random-looking token, or a
// URL whose password is one. Evidence names the file, line and variable,
// never the value.
func realSecretsIn(file string, data []byte) []Evidence {
	var out []Evidence
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line), "export "))
		name, val, ok := strings.Cut(line, "=")
		if !ok || strings.HasPrefix(name, "#") {
			continue
		}
		name = strings.TrimSpace(name)
		val = strings.Trim(strings.TrimSpace(val), `"'`)
		cred, ok := credentialOf(val)
		if !ok || valueWeakness(cred, minSecretLen) != "" || !secretByShape(cred) {
			continue
		}
		out = append(out, inFile(file, i+1, "%s:%d: %s holds a value shaped like a real secret", file, i+1, name))
	}
	return out
}

var dependencyPins = Check{
	ID:        "dependency-pins",
	Title:     "Dependencies are pinned",
	Checklist: "Source: pin every dependency (== or a lock file)",
	Severity:  Medium,
	Rationale: "Unpinned requirements install whatever is newest at build time: a deploy can pick up a " +
		"breaking or compromised release, and no two builds are guaranteed the same.",
	Remediation: "Pin exact versions (pip freeze > requirements.txt, or pip-compile), or deploy from a lock file (uv.lock, poetry.lock, Pipfile.lock).",
	Needs:       []Part{PartFiles},
	Run:         runDependencyPins,
}

func runDependencyPins(v *View) Outcome {
	deps := v.Deps()
	if len(deps.Sources) == 0 {
		return Skipf("no requirements or lock files in the %s", v.FilesOrigin())
	}
	ev := []Evidence{{Text: "read " + strings.Join(deps.Sources, ", ")}}
	for _, p := range deps.Problems {
		ev = append(ev, Evidence{Text: p})
	}
	if deps.Locked != "" {
		return Passf("dependencies are locked by %s", deps.Locked).WithEv(ev...)
	}
	unpinned := deps.Unpinned()
	if len(unpinned) == 0 {
		return Passf("all %d requirements are pinned with ==", len(deps.Requirements)).WithEv(ev...)
	}
	names := make([]string, len(unpinned))
	for i, r := range unpinned {
		names[i] = r.Name
		ev = append(ev, inFile(r.File, r.Line, "%s:%d: %s", r.File, r.Line, r.Raw))
	}
	fix := "pin exact versions: pip freeze > requirements.txt (or pip-compile requirements.in), or commit a lock file"
	if len(unpinned) == len(deps.Requirements) {
		return Failf("no requirement is pinned and there is no lock file: %s", strings.Join(names, ", ")).Sure().WithEv(ev...).Fix("%s", fix)
	}
	return Warnf("%d of %d requirements are not pinned: %s", len(unpinned), len(deps.Requirements), strings.Join(names, ", ")).Sure().
		WithEv(ev...).Fix("%s", fix)
}

var hardcodedSecret = Check{
	ID:        "hardcoded-secret",
	Title:     "No secret key in the source",
	Checklist: "Source: keep secrets out of the code",
	Severity:  High,
	Rationale: "A key written in the code is in every clone, fork, CI log and slug of the repository, and " +
		"cannot be rotated without a deploy; a literal fallback silently takes over when the config var is missing.",
	Remediation: "Read the key from the environment with no fallback (app.config['SECRET_KEY'] = os.environ['SECRET_KEY']), set it with heroku config:set, and rotate the one that was committed.",
	Needs:       []Part{PartFiles},
	Run: func(v *View) Outcome {
		hard := v.Source(pysrc.HardcodedSecret)
		fallback := v.Source(pysrc.SecretFallback)
		switch {
		case len(hard) > 0:
			return Failf("%s assigned a string literal in the source", hard[0].Value).Sure().WithEv(sourceEvidence(hard)...).
				Fix("replace it with os.environ[%q], set it with heroku config:set %s=... %s, and rotate the committed key", hard[0].Value, hard[0].Value, v.AppFlag())
		case len(fallback) > 0:
			return Warnf("%s falls back to a literal when its config var is unset", fallback[0].Value).Sure().WithEv(sourceEvidence(fallback)...).
				Fix("drop the fallback: os.environ[%q] fails loudly instead of signing sessions with a known key", fallback[0].Value)
		}
		return Passf("no secret key literals in the source")
	},
}

// sourceEvidence turns source findings into "file:line: detail" lines; the
// details are masked by pysrc.
// placesOf names files as evidence.
func placesOf(files []string) []Evidence {
	out := make([]Evidence, len(files))
	for i, f := range files {
		out[i] = inFile(f, 0, "%s", f)
	}
	return out
}

func sourceEvidence(fs []pysrc.Finding) []Evidence {
	out := make([]Evidence, len(fs))
	for i, f := range fs {
		out[i] = inFile(f.File, f.Line, "%s:%d: %s", f.File, f.Line, f.Detail)
	}
	return out
}

var debugInSource = Check{
	ID:          "debug-in-source",
	Title:       "Debug mode is not switched on in code",
	Checklist:   "Source: no debug mode in the code",
	Severity:    High,
	Rationale:   "app.run(debug=True) or DEBUG = True in a production config turns on the Werkzeug debugger whenever that code path runs, whatever the config vars say.",
	Remediation: "Drive debug mode from the environment (FLASK_DEBUG) and keep DEBUG = True only in development config classes.",
	Needs:       []Part{PartFiles},
	Run: func(v *View) Outcome {
		var hits []pysrc.Finding
		at := map[string]bool{}
		// a development class the app loads by default is not development
		// only: it is reported whatever its name
		for _, f := range v.Source(pysrc.DebugDefaultConfig) {
			hits = append(hits, f)
			at[fmt.Sprintf("%s:%d", f.File, f.Line)] = true
		}
		for _, f := range v.Source(pysrc.DebugRun, pysrc.DebugConfig) {
			if isDevScope(f.Scope) || at[fmt.Sprintf("%s:%d", f.File, f.Line)] {
				continue
			}
			hits = append(hits, f)
		}
		if len(hits) == 0 {
			return Passf("no debug switches in the source")
		}
		msg := "debug mode switched on in code"
		for _, h := range hits {
			if h.Kind == pysrc.DebugDefaultConfig {
				msg += fmt.Sprintf(" (%s, with DEBUG = True, is the config loaded by default)", cmp.Or(h.Loaded, h.Scope))
				break
			}
		}
		allMain := true
		for _, h := range hits {
			allMain = allMain && h.Scope == "__main__"
		}
		if allMain {
			msg += " (under __main__: it runs with python app.py, not under gunicorn)"
		}
		return Warnf("%s", msg).Sure().WithEv(sourceEvidence(hits)...).
			Fix("use app.run(debug=os.environ.get('FLASK_DEBUG') == '1') and set DEBUG only in a development config")
	},
}

// isDevScope reports whether a config class is for development or tests,
// where DEBUG = True belongs.
func isDevScope(scope string) bool {
	l := strings.ToLower(scope)
	for _, w := range []string{"dev", "test", "local"} {
		if strings.Contains(l, w) {
			return true
		}
	}
	return false
}

var templateInjection = Check{
	ID:        "template-injection",
	Title:     "No templates built from input",
	Checklist: "Source: no server-side template injection",
	Severity:  Medium,
	Rationale: "render_template_string with a built string runs whatever Jinja the input carries: server-side " +
		"template injection reaches config, secrets and code execution. |safe and Markup() switch autoescaping off.",
	Remediation: "Render files with render_template and pass input as variables; keep |safe and Markup() for trusted HTML only.",
	Needs:       []Part{PartFiles},
	Run: func(v *View) Outcome {
		sinks := v.Source(pysrc.TemplateString)
		unsafe := v.Source(pysrc.MarkupSafe)
		if len(sinks) > 0 {
			return Warnf("render_template_string called with a built template (%d place(s))", len(sinks)).Sure().
				WithEv(append(sourceEvidence(sinks), sourceEvidence(unsafe)...)...).
				Fix("render a template file with render_template(name, value=...) instead")
		}
		if len(unsafe) > 0 {
			return Passf("no templates built from strings; %d place(s) turn autoescaping off: review them", len(unsafe)).
				WithEv(sourceEvidence(unsafe)...)
		}
		return Passf("no templates built from strings")
	},
}

var securityExtensions = Check{
	ID:        "security-extensions",
	Title:     "Security extensions are installed",
	Checklist: "Source: use the Flask security extensions (CSRF, headers, rate limits, auth, password hashing)",
	Severity:  Low,
	Rationale: "Flask ships no security headers, CSRF protection or rate limiting: extensions such as " +
		"Flask-Talisman (HTTPS, HSTS, CSP), Flask-WTF (CSRF) and Flask-Limiter add them.",
	Remediation: "pip install flask-talisman and wrap the app: Talisman(app).",
	Needs:       []Part{PartFiles},
	Run:         runSecurityExtensions,
}

// securityPackages are the extensions the checklist names, by PEP 503 name.
var securityPackages = []string{"flask-wtf", "flask-seasurf", "flask-talisman", "flask-limiter", "flask-login",
	"flask-jwt-extended", "bcrypt", "flask-bcrypt", "argon2-cffi", "flask-security-too"}

func runSecurityExtensions(v *View) Outcome {
	deps := v.Deps()
	if len(deps.Sources) == 0 {
		return Skipf("no requirements or lock files in the %s", v.FilesOrigin())
	}
	var have []string
	for _, p := range securityPackages {
		if deps.Has(p) {
			have = append(have, p)
		}
	}
	ev := "installed: none of " + strings.Join(securityPackages, ", ")
	if len(have) > 0 {
		ev = "installed: " + strings.Join(have, ", ")
	}
	if deps.Has("flask-talisman") {
		return Passf("security extensions installed: %s", strings.Join(have, ", ")).With(ev)
	}
	if where := headersSetInCode(v); where != "" {
		return Passf("security headers are set in code (%s)", where).With(ev)
	}
	return Warnf("Flask-Talisman is not installed and nothing else sets security headers").With(ev).
		Fix("pip install flask-talisman, add it to requirements.txt, and call Talisman(app)")
}

// headersSetInCode finds the first place the app sets HSTS or CSP itself.
func headersSetInCode(v *View) string {
	where := ""
	v.PythonLines(func(l sourceLine) bool {
		if strings.Contains(l.Text, "Strict-Transport-Security") || strings.Contains(l.Text, "Content-Security-Policy") {
			where = fmt.Sprintf("%s:%d", l.File, l.Line)
			return false
		}
		return true
	})
	return where
}
