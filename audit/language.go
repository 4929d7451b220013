package audit

import (
	"path"
	"strings"

	"github.com/herokuaudit/herokuaudit/audit/procfile"
)

// Language names an app's language as Heroku's buildpacks do.
const LangPython = "Python"

// buildpackLanguages maps a buildpack's short name (the last path segment,
// without "heroku-buildpack-" or ".tgz") to the language it builds. Other
// buildpacks (nginx, apt, pgbouncer, procfile) build no language.
var buildpackLanguages = map[string]string{
	"python": LangPython,
	"ruby":   "Ruby",
	"nodejs": "Node.js", "node": "Node.js",
	"java": "Java", "gradle": "Java", "scala": "Scala", "clojure": "Clojure", "jvm": "Java",
	"go":     "Go",
	"php":    "PHP",
	"dotnet": ".NET",
}

// buildpackName reduces every form Heroku shows a buildpack in to its short
// name: heroku/python, urn:buildpack:heroku/python,
// https://github.com/heroku/heroku-buildpack-python(.git)(#ref) and
// https://…/buildpacks/heroku/python.tgz all give "python".
func buildpackName(b string) string {
	s := strings.ToLower(strings.TrimSpace(b))
	s = strings.TrimPrefix(s, "urn:buildpack:")
	if i := strings.IndexAny(s, "#?"); i >= 0 {
		s = s[:i]
	}
	s = strings.TrimSuffix(strings.TrimSuffix(s, "/"), ".git")
	s = strings.TrimSuffix(s, ".tgz")
	s = path.Base(s)
	return strings.TrimPrefix(s, "heroku-buildpack-")
}

// pythonMarkers are the files that make a tree a Python app: what the
// Python buildpack detects on, and the runtime pins.
var pythonMarkers = []string{"requirements.txt", "Pipfile", "Pipfile.lock", "pyproject.toml", "setup.py",
	"setup.cfg", "poetry.lock", "uv.lock", ".python-version", "runtime.txt"}

// language works out which language the app is built in, and says how. It
// answers Python whenever anything says Python (a buildpack, Heroku's
// description, a Python file the buildpack detects on), so a Python app is
// never excused from its checks; another language only when a buildpack or
// the description names it and the files hold nothing Python. "" means
// nothing tells: the checks run as for Python.
func (s *Snapshot) language() (lang, why string) {
	var named, namedBy string
	for _, b := range s.Buildpacks {
		switch l := buildpackLanguages[buildpackName(b)]; {
		case l == LangPython:
			return LangPython, "buildpack " + b
		case l != "":
			named, namedBy = l, "buildpack "+b // the last one builds the app's processes
		}
	}
	for _, d := range []string{s.App.BuildpackDescription, s.slugDescription()} {
		if l := describedLanguage(d); l == LangPython {
			return LangPython, "Heroku describes it as " + d
		} else if l != "" && named == "" {
			named, namedBy = l, "Heroku describes it as "+d
		}
	}
	if s.Files != nil && len(s.Files.Installed) > 0 {
		return LangPython, "the slug holds Python packages the buildpack installed"
	}
	if s.Files != nil {
		for _, m := range pythonMarkers {
			if _, ok := s.Files.Get(m); ok {
				return LangPython, m + " in the " + s.filesOrigin()
			}
		}
	}
	if named == "" {
		// the command the dynos run: gunicorn, uvicorn, flask run, python …
		for _, p := range s.Formation {
			if srv := procfile.Classify(strings.Fields(p.Command)); srv.Production || srv.Dev {
				if lang := serverLanguage(srv.Name); lang != "" {
					return lang, "the " + p.Type + " process runs " + srv.Name
				}
			}
		}
	}
	return named, namedBy
}

// serverLanguage is the language of a server procfile.Classify names.
func serverLanguage(name string) string {
	for _, py := range []string{"gunicorn", "uvicorn", "hypercorn", "daphne", "granian", "waitress", "flask", "python", "django", "manage.py", "fastapi"} {
		if strings.HasPrefix(name, py) {
			return LangPython
		}
	}
	return ""
}

// unknownLanguage says why an app whose language nothing tells is not
// taken for a Python app, or "" when it may be one: a part that could have
// told failed to come, so its checks run and say what they could not read.
func (s *Snapshot) unknownLanguage() string {
	if g, ok := s.Gaps[PartFiles]; ok && g.Failed {
		return ""
	}
	if g, ok := s.Gaps[PartBuildpacks]; ok && g.Failed {
		return ""
	}
	if s.Files != nil && len(s.Files.Entries) > 0 && len(s.Files.Skipped) > 0 {
		return "" // a skipped file may be the Python marker
	}
	return "nothing says it is a Python app (no Python buildpack, description, files or web command)"
}

func (s *Snapshot) slugDescription() string {
	if s.Slug == nil {
		return ""
	}
	return s.Slug.BuildpackDescription
}

// describedLanguage reads buildpack_provided_description: "Python",
// "Ruby/Rack", "Node.js", "Java", "PHP", "Go".
func describedLanguage(d string) string {
	l := strings.ToLower(d)
	for _, c := range []struct{ word, lang string }{
		{"python", LangPython}, {"ruby", "Ruby"}, {"node", "Node.js"}, {"php", "PHP"}, {"scala", "Scala"},
		{"clojure", "Clojure"}, {"java", "Java"}, {"gradle", "Java"}, {"go", "Go"},
	} {
		if l == c.word || strings.HasPrefix(l, c.word+"/") || strings.HasPrefix(l, c.word+" ") || strings.HasPrefix(l, c.word+".") {
			return c.lang
		}
	}
	return ""
}
