package pydeps

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

func names(reqs []Requirement) []string {
	var out []string
	for _, r := range reqs {
		out = append(out, r.Name)
	}
	return out
}

func fileset(kv ...string) map[string][]byte {
	m := map[string][]byte{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = []byte(kv[i+1])
	}
	return m
}

func hasProblem(s Set, substr string) bool {
	for _, p := range s.Problems {
		if strings.Contains(p, substr) {
			return true
		}
	}
	return false
}

func TestCollectIncludes(t *testing.T) {
	for _, tc := range []struct {
		name     string
		files    map[string][]byte
		reqs     []string // requirement names, in order
		sources  []string
		problems []string // substrings, one per expected problem
	}{
		{
			name: "nested includes in pip order",
			files: fileset(
				"requirements.txt", "a==1\n-r req/base.txt\nb==1\n",
				"req/base.txt", "c==1\n-r ../common.txt\ne==1\n",
				"common.txt", "d==1\n"),
			reqs:    []string{"a", "c", "d", "e", "b"},
			sources: []string{"requirements.txt", "req/base.txt", "common.txt"},
		},
		{
			name: "cycle",
			files: fileset(
				"requirements.txt", "x==1\n-r a.txt\n",
				"a.txt", "-r requirements.txt\ny==1\n"),
			reqs:     []string{"x", "y"},
			sources:  []string{"requirements.txt", "a.txt"},
			problems: []string{"a.txt:1: -r \"requirements.txt\": include cycle (requirements.txt -> a.txt -> requirements.txt)"},
		},
		{
			name:     "self include",
			files:    fileset("requirements.txt", "-r ./requirements.txt\nx\n"),
			reqs:     []string{"x"},
			sources:  []string{"requirements.txt"},
			problems: []string{"requirements.txt:1: -r \"./requirements.txt\": include cycle"},
		},
		{
			name: "diamond read once",
			files: fileset(
				"requirements.txt", "-r a.txt\n-r b.txt\n",
				"a.txt", "-r common.txt\na\n",
				"b.txt", "-r common.txt\nb\n",
				"common.txt", "c\n"),
			reqs:    []string{"c", "a", "b"},
			sources: []string{"requirements.txt", "a.txt", "common.txt", "b.txt"},
		},
		{
			name:     "missing include",
			files:    fileset("requirements.txt", "flask\n-r requirements/prod.txt\n"),
			reqs:     []string{"flask"},
			sources:  []string{"requirements.txt"},
			problems: []string{`requirements.txt:2: -r "requirements/prod.txt": requirements/prod.txt not found among the app's files`},
		},
		{
			name:     "missing constraints file",
			files:    fileset("requirements.txt", "flask\n-c constraints.txt\n"),
			reqs:     []string{"flask"},
			sources:  []string{"requirements.txt"},
			problems: []string{`requirements.txt:2: -c "constraints.txt": constraints.txt not found`},
		},
		{
			name:     "remote include not followed, credentials masked",
			files:    fileset("requirements.txt", "-r https://deploy:hunter2@example.com/reqs.txt\n"),
			sources:  []string{"requirements.txt"},
			problems: []string{`requirements.txt:1: -r "https://***@example.com/reqs.txt": remote requirements file not followed`},
		},
		{
			name:     "include outside the app",
			files:    fileset("requirements.txt", "-r ../shared/reqs.txt\n-r /etc/reqs.txt\n"),
			sources:  []string{"requirements.txt"},
			problems: []string{"requirements.txt:1: -r \"../shared/reqs.txt\": path outside the app", "requirements.txt:2: -r \"/etc/reqs.txt\": absolute path outside the app"},
		},
		{
			name: "absolute path under /app",
			files: fileset(
				"requirements.txt", "-r /app/requirements/base.txt\n",
				"requirements/base.txt", "flask\n"),
			reqs:    []string{"flask"},
			sources: []string{"requirements.txt", "requirements/base.txt"},
		},
		{
			name:     "env var in include path",
			files:    fileset("requirements.txt", "-r requirements/${ENV}.txt\n"),
			sources:  []string{"requirements.txt"},
			problems: []string{"requirements/${ENV}.txt not found"},
		},
		{
			name:     "bad line becomes a problem, the rest is kept",
			files:    fileset("requirements.txt", "flask\nrequests=2\ngunicorn\n"),
			reqs:     []string{"flask", "gunicorn"},
			sources:  []string{"requirements.txt"},
			problems: []string{`requirements.txt:2: "requests=2": expected a version operator`},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := Collect(tc.files)
			if got := names(s.Requirements); !reflect.DeepEqual(got, tc.reqs) {
				t.Errorf("requirements %v, want %v", got, tc.reqs)
			}
			if !reflect.DeepEqual(s.Sources, tc.sources) {
				t.Errorf("sources %v, want %v", s.Sources, tc.sources)
			}
			if len(s.Problems) != len(tc.problems) {
				t.Errorf("problems %q, want %d", s.Problems, len(tc.problems))
			}
			for _, p := range tc.problems {
				if !hasProblem(s, p) {
					t.Errorf("no problem containing %q in %q", p, s.Problems)
				}
			}
			for _, p := range s.Problems {
				if strings.Contains(p, "hunter2") {
					t.Errorf("problem leaks a credential: %q", p)
				}
			}
		})
	}
}

func TestCollectDepthBounded(t *testing.T) {
	files := map[string][]byte{"requirements.txt": []byte("-r r1.txt\n")}
	for i := 1; i <= 15; i++ {
		files[fmt.Sprintf("r%d.txt", i)] = []byte(fmt.Sprintf("-r r%d.txt\npkg%d\n", i+1, i))
	}
	s := Collect(files)
	if len(s.Sources) != maxIncludeDepth {
		t.Errorf("read %d files, want %d", len(s.Sources), maxIncludeDepth)
	}
	if !hasProblem(s, "nested deeper than") {
		t.Errorf("no depth problem in %q", s.Problems)
	}
}

func TestCollectRecordsFileAndLine(t *testing.T) {
	s := Collect(fileset(
		"requirements.txt", "# deps\n-r base.txt\nFlask-Limiter==3.5.0\n",
		"base.txt", "\n\nFlask_WTF\n"))
	r, ok := s.Lookup("flask.wtf")
	if !ok || r.File != "base.txt" || r.Line != 3 || r.Raw != "Flask_WTF" {
		t.Errorf("Lookup(flask.wtf) = %+v, %v; want base.txt:3 Flask_WTF", r, ok)
	}
	r, ok = s.Lookup("flask-limiter")
	if !ok || r.File != "requirements.txt" || r.Line != 3 {
		t.Errorf("Lookup(flask-limiter) = %+v, %v; want requirements.txt:3", r, ok)
	}
}

func TestHasAnySpelling(t *testing.T) {
	s := Collect(fileset("requirements.txt", "Flask_WTF==1.2.1\nflask-seasurf\nFlask.Talisman>=1\n"))
	for _, tc := range []struct {
		name string
		want bool
	}{
		{"Flask_WTF", true}, {"flask-wtf", true}, {"Flask.WTF", true}, {"FLASK__WTF", true},
		{"Flask-SeaSurf", true}, {"flask_talisman", true},
		{"Flask-Limiter", false}, {"flask", false}, {"", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := s.Has(tc.name); got != tc.want {
				t.Errorf("Has(%q) = %v, want %v", tc.name, got, tc.want)
			}
		})
	}
	if v, ok := s.Version("flask.wtf"); !ok || v != "1.2.1" {
		t.Errorf("Version(flask.wtf) = %q, %v; want 1.2.1", v, ok)
	}
	if v, ok := s.Version("flask-seasurf"); ok {
		t.Errorf("Version(flask-seasurf) = %q, want unknown", v)
	}
}

const pipfile = `[[source]]
url = "https://example.com/simple"
verify_ssl = true
name = "pypi"

[packages]
flask = "*"
Flask-Login = "==0.6.3"
sqlalchemy = {version = ">=1.4", extras = ["asyncio"]}
mylib = {git = "https://github.com/o/mylib.git", ref = "main"}
app = {path = ".", editable = true}

[dev-packages]
pytest = "*"
`

const pipfileLock = `{
    "_meta": {"requires": {"python_version": "3.12"}},
    "default": {
        "flask": {"hashes": ["sha256:aa"], "version": "==3.0.3"},
        "flask-login": {"version": "==0.6.3"},
        "sqlalchemy": {"version": "==2.0.30", "markers": "python_version >= '3.7'"},
        "bcrypt": {"version": "==4.1.3"},
        "mylib": {"git": "https://github.com/o/mylib.git", "ref": "0123456789abcdef0123456789abcdef01234567"}
    },
    "develop": {
        "pytest": {"version": "==8.2.0"}
    }
}`

const pyprojectPEP621 = `[project]
name = "app"
version = "0.1.0"
dependencies = [
    "flask>=3.0",
    "Flask-Limiter==3.5.0",
    'sqlalchemy[asyncio] >= 2.0 ; python_version >= "3.9"',
]

[project.optional-dependencies]
dev = ["pytest>=8"]
security = ["flask-talisman"]

[tool.ruff]
line-length = 100
`

const pyprojectPoetry = `[tool.poetry]
name = "app"
version = "0.1.0"

[tool.poetry.dependencies]
python = "^3.12"
flask = "^2.3"
Flask-WTF = "1.2.1"
gunicorn = "==22.0.0"
sqlalchemy = { version = "~2.0", extras = ["asyncio"] }
bcrypt = { version = "4.1.3", optional = true }
mylib = { git = "https://github.com/o/mylib.git", rev = "abcdef1234567" }
helpers = { path = "./helpers", develop = true }
numpy = [
    { version = "<1.25", python = "<3.9" },
    { version = "^1.26", python = ">=3.9" },
]

[tool.poetry.group.dev.dependencies]
pytest = "^8"
`

const poetryLock = `# This file is automatically @generated by Poetry and should not be changed by hand.

[[package]]
name = "flask"
version = "2.3.3"
description = "A simple framework for building complex web applications."
optional = false
python-versions = ">=3.8"
groups = ["main"]
files = [
    {file = "flask-2.3.3-py3-none-any.whl", hash = "sha256:aa"},
]

[package.dependencies]
blinker = ">=1.6.2"

[[package]]
name = "Flask-WTF"
version = "1.2.1"
optional = false
groups = ["main"]

[[package]]
name = "SQLAlchemy"
version = "2.0.30"
optional = false
groups = ["main"]

[[package]]
name = "bcrypt"
version = "4.1.3"
optional = true
groups = ["main"]

[[package]]
name = "pytest"
version = "8.2.0"
optional = false
groups = ["dev"]

[[package]]
name = "flask-login"
version = "0.6.3"
category = "main"

[[package]]
name = "coverage"
version = "7.5.0"
category = "dev"

[metadata]
lock-version = "2.1"
python-versions = "^3.12"
`

const uvLock = `version = 1
requires-python = ">=3.12"

[[package]]
name = "app"
version = "0.1.0"
source = { editable = "." }
dependencies = [
    { name = "flask" },
    { name = "flask-limiter" },
]

[[package]]
name = "flask"
version = "3.0.3"
source = { registry = "https://example.com/simple" }

[[package]]
name = "flask-limiter"
version = "3.5.0"
source = { registry = "https://example.com/simple" }

[[package]]
name = "limits"
version = "3.12.0"
source = { registry = "https://example.com/simple" }

[[package]]
name = "sqlalchemy"
version = "1.3.24"
source = { registry = "https://example.com/simple" }
`

func TestCollectLockFiles(t *testing.T) {
	for _, tc := range []struct {
		name     string
		files    map[string][]byte
		manager  string
		locked   string
		has      []string
		hasNot   []string
		versions map[string]string
	}{
		{
			name:     "Pipfile with Pipfile.lock",
			files:    fileset("Pipfile", pipfile, "Pipfile.lock", pipfileLock),
			manager:  "pipenv",
			locked:   "Pipfile.lock",
			has:      []string{"flask", "Flask_Login", "bcrypt", "mylib", "sqlalchemy"},
			hasNot:   []string{"pytest"},
			versions: map[string]string{"flask": "3.0.3", "flask-login": "0.6.3", "SQLAlchemy": "2.0.30"},
		},
		{
			name:     "Poetry with poetry.lock",
			files:    fileset("pyproject.toml", pyprojectPoetry, "poetry.lock", poetryLock),
			manager:  "poetry",
			locked:   "poetry.lock",
			has:      []string{"flask", "flask-wtf", "sqlalchemy", "mylib", "numpy", "flask-login", "gunicorn"},
			hasNot:   []string{"pytest", "coverage", "bcrypt", "python"},
			versions: map[string]string{"flask": "2.3.3", "flask_wtf": "1.2.1", "sqlalchemy": "2.0.30"},
		},
		{
			name:     "uv with uv.lock",
			files:    fileset("pyproject.toml", pyprojectPEP621, "uv.lock", uvLock),
			manager:  "uv",
			locked:   "uv.lock",
			has:      []string{"flask", "flask-limiter", "limits", "sqlalchemy"},
			hasNot:   []string{"pytest", "flask-talisman"},
			versions: map[string]string{"flask": "3.0.3", "flask-limiter": "3.5.0", "sqlalchemy": "1.3.24"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := Collect(tc.files)
			if s.Manager != tc.manager || s.Locked != tc.locked {
				t.Errorf("manager %q locked %q, want %q %q", s.Manager, s.Locked, tc.manager, tc.locked)
			}
			if len(s.Problems) != 0 {
				t.Errorf("problems: %q", s.Problems)
			}
			if u := s.Unpinned(); len(u) != 0 {
				t.Errorf("Unpinned() = %v, want none with a lock file", names(u))
			}
			for _, n := range tc.has {
				if !s.Has(n) {
					t.Errorf("Has(%q) = false", n)
				}
			}
			for _, n := range tc.hasNot {
				if s.Has(n) {
					t.Errorf("Has(%q) = true", n)
				}
			}
			for n, want := range tc.versions {
				if v, ok := s.Version(n); !ok || v != want {
					t.Errorf("Version(%q) = %q, %v; want %q", n, v, ok, want)
				}
			}
		})
	}
}

func TestDeclarationForms(t *testing.T) {
	type decl struct {
		Name, Specifier, Version, Group string
		Pinned, URL, Editable           bool
		Line                            int
	}
	of := func(rs []Requirement) []decl {
		var out []decl
		for _, r := range rs {
			out = append(out, decl{r.Name, r.Specifier, r.Version, r.Group, r.Pinned, r.URL, r.Editable, r.Line})
		}
		return out
	}
	for _, tc := range []struct {
		name  string
		files map[string][]byte
		want  []decl
	}{
		{"Pipfile", fileset("Pipfile", pipfile, "Pipfile.lock", pipfileLock), []decl{
			{Name: "flask", Specifier: "*", Line: 7},
			{Name: "flask-login", Specifier: "==0.6.3", Version: "0.6.3", Pinned: true, Line: 8},
			{Name: "sqlalchemy", Specifier: ">=1.4", Line: 9},
			{Name: "mylib", URL: true, Line: 10},
			{Name: "app", URL: true, Pinned: true, Editable: true, Line: 11},
		}},
		{"pyproject PEP 621", fileset("pyproject.toml", pyprojectPEP621), []decl{
			{Name: "flask", Specifier: ">=3.0", Line: 5},
			{Name: "flask-limiter", Specifier: "==3.5.0", Version: "3.5.0", Pinned: true, Line: 6},
			{Name: "sqlalchemy", Specifier: ">=2.0", Line: 7},
			{Name: "pytest", Specifier: ">=8", Group: "optional:dev", Line: 11},
			{Name: "flask-talisman", Group: "optional:security", Line: 12},
		}},
		{"pyproject Poetry", fileset("pyproject.toml", pyprojectPoetry), []decl{
			{Name: "flask", Specifier: "^2.3", Line: 7},
			{Name: "flask-wtf", Specifier: "1.2.1", Version: "1.2.1", Pinned: true, Line: 8},
			{Name: "gunicorn", Specifier: "==22.0.0", Version: "22.0.0", Pinned: true, Line: 9},
			{Name: "sqlalchemy", Specifier: "~2.0", Line: 10},
			{Name: "bcrypt", Specifier: "4.1.3", Version: "4.1.3", Pinned: true, Group: "optional", Line: 11},
			{Name: "mylib", URL: true, Pinned: true, Line: 12},
			{Name: "helpers", URL: true, Pinned: true, Editable: true, Line: 13},
			{Name: "numpy", Specifier: "<1.25 || ^1.26", Line: 14},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := Collect(tc.files)
			if len(s.Problems) != 0 {
				t.Errorf("problems: %q", s.Problems)
			}
			if got := of(s.Requirements); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got\n%+v\nwant\n%+v", got, tc.want)
			}
		})
	}
}

func TestUnpinned(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files map[string][]byte
		want  []string
	}{
		{"all pinned", fileset("requirements.txt", "flask==3.0.3\ngunicorn==22.0.0\n"), nil},
		{"mixed, in order, deduplicated",
			fileset("requirements.txt", "flask\ngunicorn==22.0.0\nFlask>=2\nrequests~=2.31\nsqlalchemy==2.*\n"),
			[]string{"flask", "requests", "sqlalchemy"}},
		{"a pin elsewhere covers the name",
			fileset("requirements.txt", "flask>=2\n-r base.txt\n", "base.txt", "Flask==3.0.3\n"), nil},
		{"constraints pin",
			fileset("requirements.txt", "-c constraints.txt\nflask\ncelery\n", "constraints.txt", "flask==3.0.3\nwerkzeug==3.0.3\n"),
			[]string{"celery"}},
		{"direct references",
			fileset("requirements.txt", "-e .\n./wheels/x_y-1.0-py3-none-any.whl\ngit+https://github.com/o/eve.git@develop#egg=eve\n"+
				"git+https://github.com/o/pinned.git@0123456789abcdef#egg=pinned\nhttps://example.com/archive/master.zip\n"),
			[]string{"eve", ""}},
		{"pip ignores pyproject without -e .",
			fileset("requirements.txt", "flask==3.0.3\n", "pyproject.toml", pyprojectPEP621), nil},
		{"pip installs pyproject through -e .",
			fileset("requirements.txt", "-e .\nflask==3.0.3\n", "pyproject.toml", pyprojectPEP621),
			[]string{"sqlalchemy"}},
		{"pip installs pyproject through a nested -e ..",
			fileset("requirements.txt", "-r requirements/base.txt\n", "requirements/base.txt", "-e ..\n", "pyproject.toml", pyprojectPEP621),
			[]string{"flask", "sqlalchemy"}},
		{"pip installs pyproject through file:///app",
			fileset("requirements.txt", "file:///app\n", "pyproject.toml", pyprojectPEP621),
			[]string{"flask", "sqlalchemy"}},
		{"pip installs pyproject through -e file:.",
			fileset("requirements.txt", "-e file:.\n", "pyproject.toml", pyprojectPEP621),
			[]string{"flask", "sqlalchemy"}},
		{"a subdirectory is not the app",
			fileset("requirements.txt", "-e ./lib\n", "pyproject.toml", pyprojectPEP621), nil},
		{"pyproject alone",
			fileset("pyproject.toml", pyprojectPEP621),
			[]string{"flask", "sqlalchemy"}},
		{"Poetry without its lock",
			fileset("pyproject.toml", pyprojectPoetry),
			[]string{"flask", "sqlalchemy", "numpy"}},
		{"Pipfile without its lock",
			fileset("Pipfile", pipfile),
			[]string{"flask", "sqlalchemy", "mylib"}},
		{"requirements.txt beats a stale poetry.lock",
			fileset("requirements.txt", "flask\n", "pyproject.toml", pyprojectPoetry, "poetry.lock", poetryLock),
			[]string{"flask"}},
		{"Pipfile.lock wins over requirements.txt",
			fileset("requirements.txt", "flask\n", "Pipfile", pipfile, "Pipfile.lock", pipfileLock), nil},
		{"unreadable lock does not count",
			fileset("pyproject.toml", pyprojectPEP621, "uv.lock", "[[package]\nname="),
			[]string{"flask", "sqlalchemy"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := Collect(tc.files)
			var got []string
			for _, r := range s.Unpinned() {
				got = append(got, r.Name)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Unpinned() = %q, want %q (problems %q)", got, tc.want, s.Problems)
			}
		})
	}
}

func TestCollectProblems(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files map[string][]byte
		want  []string
	}{
		{"several package managers",
			fileset("requirements.txt", "flask\n", "poetry.lock", poetryLock, "pyproject.toml", pyprojectPoetry),
			[]string{"requirements.txt: several package manager files (requirements.txt, poetry.lock)"}},
		{"Pipfile without lock", fileset("Pipfile", pipfile), []string{"Pipfile: no Pipfile.lock"}},
		{"invalid TOML", fileset("pyproject.toml", "[project]\ndependencies = [\"flask\"\nname = 1\n"),
			[]string{"pyproject.toml:3: not valid TOML"}},
		{"invalid lock JSON", fileset("Pipfile.lock", "{\n  \"default\": {\n    \"flask\": oops\n"),
			[]string{"Pipfile.lock:3: not valid Pipfile.lock JSON"}},
		{"Pipfile.lock of the wrong shape", fileset("Pipfile.lock", `{"default": ["flask"]}`),
			[]string{"Pipfile.lock: not valid Pipfile.lock JSON"}},
		{"bad pyproject requirement", fileset("pyproject.toml", "[project]\ndependencies = [\n  \"flask=2\",\n  \"gunicorn\",\n]\n"),
			[]string{`pyproject.toml:3: "flask=2": expected a version operator`}},
		{"dependencies not a list", fileset("pyproject.toml", "[project]\ndependencies = \"flask\"\n"),
			[]string{"pyproject.toml: [project].dependencies is not a list of strings"}},
		{"bad Poetry entry", fileset("pyproject.toml", "[tool.poetry.dependencies]\nflask = 3\n"),
			[]string{"pyproject.toml:2: dependency \"flask\": unexpected int64 value"}},
		{"uv.lock with a non-table package", fileset("uv.lock", "package = 1\n"),
			[]string{"uv.lock: [[package]] is not a list of tables"}},
		{"uv.lock with a list of non-tables", fileset("uv.lock", "package = [1, 2]\n"),
			[]string{"uv.lock: [[package]] is not a list of tables"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := Collect(tc.files)
			if len(s.Problems) != len(tc.want) {
				t.Errorf("problems %q, want %d", s.Problems, len(tc.want))
			}
			for _, p := range tc.want {
				if !hasProblem(s, p) {
					t.Errorf("no problem containing %q in %q", p, s.Problems)
				}
			}
		})
	}
}

func TestAtLeast(t *testing.T) {
	for _, tc := range []struct {
		name        string
		files       map[string][]byte
		atLeast, ok bool
	}{
		{"pinned newer", fileset("requirements.txt", "SQLAlchemy==1.4.0\n"), true, true},
		{"pinned newer major", fileset("requirements.txt", "sqlalchemy==2.0.30\n"), true, true},
		{"pinned older", fileset("requirements.txt", "SQLAlchemy==1.3.24\n"), false, true},
		{"pre-release of 1.4", fileset("requirements.txt", "SQLAlchemy==1.4.0b1\n"), false, true},
		{"lower bound", fileset("requirements.txt", "SQLAlchemy>=1.4,<3\n"), true, true},
		{"compatible release", fileset("requirements.txt", "SQLAlchemy~=2.0\n"), true, true},
		{"upper bound below", fileset("requirements.txt", "SQLAlchemy<1.4\n"), false, true},
		{"upper bound inclusive", fileset("requirements.txt", "SQLAlchemy<=1.3.24\n"), false, true},
		{"low lower bound", fileset("requirements.txt", "SQLAlchemy>=1.3\n"), false, false},
		{"unpinned", fileset("requirements.txt", "SQLAlchemy\n"), false, false},
		{"not installed", fileset("requirements.txt", "flask\n"), false, false},
		{"constraint", fileset("requirements.txt", "sqlalchemy\n-c c.txt\n", "c.txt", "sqlalchemy==1.4.52\n"), true, true},
		{"locked", fileset("pyproject.toml", pyprojectPEP621, "uv.lock", uvLock), false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := Collect(tc.files).AtLeast("SQLAlchemy", "1.4")
			if got != tc.atLeast || ok != tc.ok {
				t.Errorf("AtLeast = %v, %v; want %v, %v", got, ok, tc.atLeast, tc.ok)
			}
		})
	}
}

func TestInlinePackageList(t *testing.T) {
	s := Collect(fileset("uv.lock", "package = [{name = \"Flask\", version = \"3.0.3\"}]\n"))
	if v, ok := s.Version("flask"); !ok || v != "3.0.3" || s.Locked != "uv.lock" {
		t.Errorf("Version(flask) = %q, %v, locked %q; want 3.0.3 from uv.lock", v, ok, s.Locked)
	}
}

func TestConstraintFileIncludes(t *testing.T) {
	// pip's rule: a -c file's entries are constraints, but a file it
	// includes with -r holds requirements again.
	s := Collect(fileset(
		"requirements.txt", "-c constraints.txt\nflask\n",
		"constraints.txt", "flask==3.0.3\n-r extra.txt\n",
		"extra.txt", "gunicorn\n"))
	if got := names(s.Constraints); !reflect.DeepEqual(got, []string{"flask"}) {
		t.Errorf("constraints %v, want [flask]", got)
	}
	if got := names(s.Requirements); !reflect.DeepEqual(got, []string{"gunicorn", "flask"}) {
		t.Errorf("requirements %v, want [gunicorn flask]", got)
	}
	if s.Has("werkzeug") {
		t.Error("a constraint alone must not count as installed")
	}
}

func TestCollectEmpty(t *testing.T) {
	s := Collect(nil)
	if s.Manager != "" || s.Locked != "" || len(s.Requirements) != 0 || len(s.Problems) != 0 || len(s.Sources) != 0 {
		t.Errorf("Collect(nil) = %+v, want empty", s)
	}
	if s.Has("flask") || s.Unpinned() != nil {
		t.Error("empty set reports packages")
	}
}
