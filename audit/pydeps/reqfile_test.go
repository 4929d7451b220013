package pydeps

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"unicode/utf16"
)

// reqFields are the fields of a Requirement a syntax test pins down.
type reqFields struct {
	Name, Raw, Specifier, Version, Marker string
	Pinned, URL, Editable                 bool
	Extras                                []string
}

func fieldsOf(r Requirement) reqFields {
	return reqFields{Name: r.Name, Raw: r.Raw, Specifier: r.Specifier, Version: r.Version, Marker: r.Marker,
		Pinned: r.Pinned, URL: r.URL, Editable: r.Editable, Extras: r.Extras}
}

func TestParseRequirementsLine(t *testing.T) {
	const sha = "0123456789abcdef0123456789abcdef01234567"
	for _, tc := range []struct {
		name, line string
		want       reqFields
	}{
		{"exact pin", "flask==2.3.2",
			reqFields{Name: "flask", Raw: "flask==2.3.2", Specifier: "==2.3.2", Version: "2.3.2", Pinned: true}},
		{"bare name", "Flask",
			reqFields{Name: "flask", Raw: "Flask"}},
		{"PEP 503 name", "Flask_WTF>=1.0",
			reqFields{Name: "flask-wtf", Raw: "Flask_WTF>=1.0", Specifier: ">=1.0"}},
		{"range", "flask>=0.10.1,<0.11.0a0",
			reqFields{Name: "flask", Raw: "flask>=0.10.1,<0.11.0a0", Specifier: ">=0.10.1,<0.11.0a0"}},
		{"spaces inside specifier", "flask >= 2.0 , < 3",
			reqFields{Name: "flask", Raw: "flask >= 2.0 , < 3", Specifier: ">=2.0,<3"}},
		{"compatible release", "psycopg2~=2.6.2",
			reqFields{Name: "psycopg2", Raw: "psycopg2~=2.6.2", Specifier: "~=2.6.2"}},
		{"exclusion", "pkg!=1.5",
			reqFields{Name: "pkg", Raw: "pkg!=1.5", Specifier: "!=1.5"}},
		{"wildcard is not a pin", "pkg==2.*",
			reqFields{Name: "pkg", Raw: "pkg==2.*", Specifier: "==2.*"}},
		{"arbitrary equality", "pkg===1.0-custom",
			reqFields{Name: "pkg", Raw: "pkg===1.0-custom", Specifier: "===1.0-custom", Version: "1.0-custom", Pinned: true}},
		{"pin with exclusion", "pkg==1.2,!=1.1",
			reqFields{Name: "pkg", Raw: "pkg==1.2,!=1.1", Specifier: "==1.2,!=1.1", Version: "1.2", Pinned: true}},
		{"two pins", "pkg==1.2,==1.3",
			reqFields{Name: "pkg", Raw: "pkg==1.2,==1.3", Specifier: "==1.2,==1.3"}},
		{"parenthesised", "pkg (>=1.0)",
			reqFields{Name: "pkg", Raw: "pkg (>=1.0)", Specifier: ">=1.0"}},
		{"extras", "sentry-sdk[flask,Celery]==1.39.1",
			reqFields{Name: "sentry-sdk", Raw: "sentry-sdk[flask,Celery]==1.39.1", Specifier: "==1.39.1", Version: "1.39.1", Pinned: true, Extras: []string{"flask", "celery"}}},
		{"marker", `click==8.0.3; python_version < "3.10"`,
			reqFields{Name: "click", Raw: `click==8.0.3; python_version < "3.10"`, Specifier: "==8.0.3", Version: "8.0.3", Pinned: true, Marker: `python_version < "3.10"`}},
		{"extras, spaces and marker", `pkg [a , b] == 1.0 ; sys_platform == "linux"`,
			reqFields{Name: "pkg", Raw: `pkg [a , b] == 1.0 ; sys_platform == "linux"`, Specifier: "==1.0", Version: "1.0", Pinned: true, Extras: []string{"a", "b"}, Marker: `sys_platform == "linux"`}},
		{"hashes stripped", "aniso8601==3.0.0 --hash=sha256:f705 --hash=sha256:7cf0",
			reqFields{Name: "aniso8601", Raw: "aniso8601==3.0.0", Specifier: "==3.0.0", Version: "3.0.0", Pinned: true}},
		{"env var version", "flask==${FLASK_VERSION}",
			reqFields{Name: "flask", Raw: "flask==${FLASK_VERSION}", Specifier: "==${FLASK_VERSION}", Pinned: true}},
		{"name @ archive", "mylib @ https://example.com/dist/mylib-1.0.tar.gz",
			reqFields{Name: "mylib", Raw: "mylib @ https://example.com/dist/mylib-1.0.tar.gz", Version: "1.0", Pinned: true, URL: true}},
		{"name @ vcs commit", "mylib @ git+https://github.com/o/mylib.git@" + sha,
			reqFields{Name: "mylib", Raw: "mylib @ git+https://github.com/o/mylib.git@" + sha, Pinned: true, URL: true}},
		{"name @ vcs branch with marker", `mylib[x] @ git+https://github.com/o/mylib.git@main ; python_version >= "3.9"`,
			reqFields{Name: "mylib", Raw: `mylib[x] @ git+https://github.com/o/mylib.git@main ; python_version >= "3.9"`, URL: true, Extras: []string{"x"}, Marker: `python_version >= "3.9"`}},
		{"name @ local path", "mylib @ ./libs/mylib",
			reqFields{Name: "mylib", Raw: "mylib @ ./libs/mylib", Pinned: true, URL: true}},
		{"vcs with egg and release tag", "git+https://github.com/o/repo.git@v1.2.3#egg=Thing",
			reqFields{Name: "thing", Raw: "git+https://github.com/o/repo.git@v1.2.3#egg=Thing", Pinned: true, URL: true}},
		{"vcs branch", "git+https://github.com/nicolaiarocci/eve.git@develop#egg=eve",
			reqFields{Name: "eve", Raw: "git+https://github.com/nicolaiarocci/eve.git@develop#egg=eve", URL: true}},
		{"vcs without ref or egg", "git+https://github.com/18F/slate.git",
			reqFields{Name: "slate", Raw: "git+https://github.com/18F/slate.git", URL: true}},
		{"vcs over ssh with commit", "git+ssh://git@github.com/o/Repo.git@abc1234",
			reqFields{Name: "repo", Raw: "git+ssh://git@github.com/o/Repo.git@abc1234", Pinned: true, URL: true}},
		{"svn revision", "svn+https://svn.example.com/proj/trunk@1234#egg=proj",
			reqFields{Name: "proj", Raw: "svn+https://svn.example.com/proj/trunk@1234#egg=proj", Pinned: true, URL: true}},
		{"vcs URL with marker", `git+https://github.com/o/r.git@` + sha + `#egg=r; python_version >= "3"`,
			reqFields{Name: "r", Raw: `git+https://github.com/o/r.git@` + sha + `#egg=r; python_version >= "3"`, Pinned: true, URL: true, Marker: `python_version >= "3"`}},
		{"credentials masked", "git+https://deploy:s3cr3t@github.com/o/r.git@" + sha + "#egg=r",
			reqFields{Name: "r", Raw: "git+https://***@github.com/o/r.git@" + sha + "#egg=r", Pinned: true, URL: true}},
		{"token masked", "https://ghp_abcdef@example.com/x/r-1.0.tar.gz",
			reqFields{Name: "r", Raw: "https://***@example.com/x/r-1.0.tar.gz", Version: "1.0", Pinned: true, URL: true}},
		{"env var credentials kept", "git+https://${GITHUB_TOKEN}@github.com/o/r.git@abcdef1#egg=r",
			reqFields{Name: "r", Raw: "git+https://${GITHUB_TOKEN}@github.com/o/r.git@abcdef1#egg=r", Pinned: true, URL: true}},
		{"wheel path", "./wheels/Flask_WTF-1.2.1-py3-none-any.whl",
			reqFields{Name: "flask-wtf", Raw: "./wheels/Flask_WTF-1.2.1-py3-none-any.whl", Version: "1.2.1", Pinned: true, URL: true}},
		{"archive file in root", "mylib-1.0.tar.gz",
			reqFields{Name: "mylib", Raw: "mylib-1.0.tar.gz", Version: "1.0", Pinned: true, URL: true}},
		{"local directory", "./libs/helpers",
			reqFields{Raw: "./libs/helpers", Pinned: true, URL: true}},
		{"local directory with extras", ".[web]",
			reqFields{Raw: ".[web]", Pinned: true, URL: true, Extras: []string{"web"}}},
		{"archive URL", "https://example.com/pkgs/Flask-Limiter-3.5.0.tar.gz",
			reqFields{Name: "flask-limiter", Raw: "https://example.com/pkgs/Flask-Limiter-3.5.0.tar.gz", Version: "3.5.0", Pinned: true, URL: true}},
		{"branch archive", "https://github.com/o/proj/archive/master.zip",
			reqFields{Name: "proj", Raw: "https://github.com/o/proj/archive/master.zip", URL: true}},
		{"branch archive with hash", "https://github.com/o/proj/archive/master.zip#sha256=abcd",
			reqFields{Name: "proj", Raw: "https://github.com/o/proj/archive/master.zip#sha256=abcd", Pinned: true, URL: true}},
		{"tag archive", "https://github.com/o/proj/archive/refs/tags/v2.1.0.tar.gz",
			reqFields{Name: "proj", Raw: "https://github.com/o/proj/archive/refs/tags/v2.1.0.tar.gz", Pinned: true, URL: true}},
		{"editable dot", "-e .",
			reqFields{Raw: "-e .", Pinned: true, URL: true, Editable: true}},
		{"editable vcs", "-e git+https://github.com/miracle2k/webassets.git#egg=webassets",
			reqFields{Name: "webassets", Raw: "-e git+https://github.com/miracle2k/webassets.git#egg=webassets", URL: true, Editable: true}},
		{"editable long form with extras", "--editable=./lib[extra]",
			reqFields{Raw: "-e ./lib[extra]", Pinned: true, URL: true, Editable: true, Extras: []string{"extra"}}},
		{"editable with comment", "-e ./lib  # local helpers",
			reqFields{Raw: "-e ./lib", Pinned: true, URL: true, Editable: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			reqs, incs, err := ParseRequirements([]byte(tc.line+"\n"), "requirements.txt")
			if err != nil {
				t.Fatalf("error: %v", err)
			}
			if len(reqs) != 1 || len(incs) != 0 {
				t.Fatalf("got %d requirements, %d includes, want 1 requirement: %+v", len(reqs), len(incs), reqs)
			}
			if got := fieldsOf(reqs[0]); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
			if reqs[0].File != "requirements.txt" || reqs[0].Line != 1 {
				t.Errorf("position %s:%d, want requirements.txt:1", reqs[0].File, reqs[0].Line)
			}
		})
	}
}

func TestParseRequirementsOptions(t *testing.T) {
	for _, tc := range []struct {
		name, line string
		want       []Include
	}{
		{"index url", "--index-url https://example.com/simple", nil},
		{"index url short", "-i https://example.com/simple", nil},
		{"index url abbreviated", "--index https://example.com/simple", nil},
		{"extra index with credentials", "--extra-index-url=https://user:tok@example.com/simple", nil},
		{"find links", "--find-links ./wheels", nil},
		{"find links short attached", "-f./wheels", nil},
		{"no binary", "--no-binary psycopg2", nil},
		{"only binary", "--only-binary=:all:", nil},
		{"pre", "--pre", nil},
		{"trusted host", "--trusted-host example.com", nil},
		{"several options", "--prefer-binary --require-hashes --no-index", nil},
		{"use feature", "--use-feature=truststore", nil},
		{"requirement", "-r base.txt", []Include{{Path: "base.txt", Line: 1}}},
		{"requirement attached", "-rbase.txt", []Include{{Path: "base.txt", Line: 1}}},
		{"requirement long", "--requirement=req/base.txt", []Include{{Path: "req/base.txt", Line: 1}}},
		{"requirement long spaced", "--requirement req/base.txt  # shared", []Include{{Path: "req/base.txt", Line: 1}}},
		{"requirement quoted", `-r "dir with space/base.txt"`, []Include{{Path: "dir with space/base.txt", Line: 1}}},
		{"constraint", "-c constraints.txt", []Include{{Path: "constraints.txt", Constraint: true, Line: 1}}},
		{"constraint long", "--constraint=constraints.txt", []Include{{Path: "constraints.txt", Constraint: true, Line: 1}}},
		{"pip takes the first -r only", "-r a.txt -r b.txt", []Include{{Path: "a.txt", Line: 1}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			reqs, incs, err := ParseRequirements([]byte(tc.line), "requirements.txt")
			if err != nil {
				t.Fatalf("error: %v", err)
			}
			if len(reqs) != 0 {
				t.Errorf("options line became requirements: %+v", reqs)
			}
			if !reflect.DeepEqual(incs, tc.want) {
				t.Errorf("includes %+v, want %+v", incs, tc.want)
			}
		})
	}
}

func utf16le(s string, bom bool) []byte {
	var b []byte
	if bom {
		b = []byte{0xFF, 0xFE}
	}
	for _, u := range utf16.Encode([]rune(s)) {
		b = append(b, byte(u), byte(u>>8))
	}
	return b
}

func utf16be(s string) []byte {
	b := []byte{0xFE, 0xFF}
	for _, u := range utf16.Encode([]rune(s)) {
		b = append(b, byte(u>>8), byte(u))
	}
	return b
}

// TestParseRequirementsFile covers file-level syntax: comments, blank
// lines, continuations, encodings and line numbering.
func TestParseRequirementsFile(t *testing.T) {
	type at struct {
		Name string
		Line int
	}
	for _, tc := range []struct {
		name string
		data []byte
		want []at
	}{
		{"comments and blanks",
			[]byte("# header\n\nflask  # web framework\n   \n\t# indented comment\nrequests\n#gunicorn\n"),
			[]at{{"flask", 3}, {"requests", 6}}},
		{"hash inside a URL is not a comment",
			[]byte("git+https://github.com/o/r.git#egg=thing # comment\n"),
			[]at{{"thing", 1}}},
		{"continuation with hashes",
			[]byte("flask==2.3.2 \\\n    --hash=sha256:aaaa \\\n    --hash=sha256:bbbb\nrequests==2.31.0\n"),
			[]at{{"flask", 1}, {"requests", 4}}},
		{"continuation inside a name",
			[]byte("fla\\\nsk==1.0\n"),
			[]at{{"flask", 1}}},
		{"continuation at end of file",
			[]byte("flask==1.0 \\"),
			[]at{{"flask", 1}}},
		{"comment line ending in backslash does not continue",
			[]byte("# note \\\nflask\n"),
			[]at{{"flask", 2}}},
		{"comment ends a continuation",
			[]byte("flask==1.0 \\\n# why\nrequests\n"),
			[]at{{"flask", 1}, {"requests", 3}}},
		{"CRLF",
			[]byte("flask==1.0\r\nrequests>=2\r\n"),
			[]at{{"flask", 1}, {"requests", 2}}},
		{"CR only",
			[]byte("flask\rrequests\r"),
			[]at{{"flask", 1}, {"requests", 2}}},
		{"no final newline",
			[]byte("flask\nrequests"),
			[]at{{"flask", 1}, {"requests", 2}}},
		{"UTF-8 BOM",
			[]byte("\xEF\xBB\xBFflask==1.0\n"),
			[]at{{"flask", 1}}},
		{"UTF-16LE with BOM and CRLF",
			utf16le("Flask==2.2.2\r\ngunicorn==20.0.4\r\n", true),
			[]at{{"flask", 1}, {"gunicorn", 2}}},
		{"UTF-16BE with BOM",
			utf16be("Flask\nSQLAlchemy\n"),
			[]at{{"flask", 1}, {"sqlalchemy", 2}}},
		{"trailing whitespace",
			[]byte("numpy    \ntorch \t\n"),
			[]at{{"numpy", 1}, {"torch", 2}}},
		{"options and requirements mixed",
			[]byte("-i https://example.com/simple\n--no-binary psycopg2\n\nclick==8.0.3; python_version >= '3.6'\n-e .\n"),
			[]at{{"click", 4}, {"", 5}}},
		{"via annotations",
			[]byte("alembic==1.16.1\n    # via flask-db\nanyio==4.9.0\n    # via\n    #   httpx\n"),
			[]at{{"alembic", 1}, {"anyio", 3}}},
		{"empty file", nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			reqs, _, err := ParseRequirements(tc.data, "requirements.txt")
			if err != nil {
				t.Fatalf("error: %v", err)
			}
			var got []at
			for _, r := range reqs {
				got = append(got, at{r.Name, r.Line})
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestParseRequirementsErrors(t *testing.T) {
	for _, tc := range []struct {
		name     string
		data     string
		keep     []string // names still parsed
		errLines []int
		errHas   string
	}{
		{"single equals", "flask=2.0\nrequests\n", []string{"requests"}, []int{1}, "version operator"},
		{"no version", "flask==\n", nil, []int{1}, "no version"},
		{"bad version", "flask>=latest\n", nil, []int{1}, "invalid version"},
		{"wildcard with >=", "flask>=1.*\n", nil, []int{1}, "invalid version"},
		{"unclosed extras", "pkg[a\n", nil, []int{1}, "unclosed"},
		{"hash glued to name", "requests#2.0\nflask\n", []string{"flask"}, []int{1}, "version operator"},
		{"unknown option", "--frobnicate\nflask\n", []string{"flask"}, []int{1}, `unknown option "--frobnicate"`},
		{"unknown short option", "-x y\n", nil, []int{1}, "unknown option -x"},
		{"ambiguous option", "--no x\n", nil, []int{1}, "ambiguous option"},
		{"option without value", "-r\n", nil, []int{1}, "needs a value"},
		{"flag with value", "--pre=yes\n", nil, []int{1}, "takes no value"},
		{"unclosed quote", "-r 'base.txt\n", nil, []int{1}, "no closing quotation"},
		{"editable web URL", "-e https://example.com/x.tar.gz\n", nil, []int{1}, "local project or a VCS URL"},
		{"unknown per-requirement option keeps the requirement", "flask==1.0 --install-option=x\n", []string{"flask"}, []int{1}, "unknown option"},
		{"invalid UTF-8", "flask\xff\nrequests\n", []string{"requests"}, []int{0, 1}, "UTF-8"},
		{"several bad lines", "a=1\nok\nb=2\n", []string{"ok"}, []int{1, 3}, "version operator"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			reqs, _, err := ParseRequirements([]byte(tc.data), "req.txt")
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), tc.errHas) {
				t.Errorf("error %q does not mention %q", err, tc.errHas)
			}
			var lines []int
			for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
				var le *LineError
				if !errors.As(e, &le) || le.File != "req.txt" {
					t.Fatalf("error %v is not a *LineError for req.txt", e)
				}
				lines = append(lines, le.Line)
			}
			if !reflect.DeepEqual(lines, tc.errLines) {
				t.Errorf("error lines %v, want %v", lines, tc.errLines)
			}
			var names []string
			for _, r := range reqs {
				names = append(names, r.Name)
			}
			if !reflect.DeepEqual(names, tc.keep) {
				t.Errorf("kept %v, want %v", names, tc.keep)
			}
		})
	}
}

// TestNoCredentialsInErrors: a bad line holding a URL with credentials is
// reported without them.
func TestNoCredentialsInErrors(t *testing.T) {
	for _, line := range []string{
		"name @ https://user:hunter2@example.com/x.whl trailing",
		"--index-url=https://user:hunter2@example.com/simple --bogus",
		"-e https://user:hunter2@example.com/x.tar.gz",
		"pkg>=https://user:hunter2@example.com/",
	} {
		t.Run(line, func(t *testing.T) {
			_, _, err := ParseRequirements([]byte(line), "requirements.txt")
			if err == nil {
				t.Fatal("no error")
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("error leaks the credential: %v", err)
			}
		})
	}
}

func TestMaskCredentials(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"https://user:pass@example.com/x", "https://***@example.com/x"},
		{"https://token@example.com", "https://***@example.com"},
		{"https://user:p@ss@example.com/x", "https://***@example.com/x"},
		{"git+ssh://git@github.com/o/r.git@v1", "git+ssh://git@github.com/o/r.git@v1"},
		{"https://${USER}:${TOKEN}@example.com/x", "https://${USER}:${TOKEN}@example.com/x"},
		{"https://example.com/o/r.git@abc", "https://example.com/o/r.git@abc"},
		{"a https://u:p@h1/x b https://v:q@h2/y", "a https://***@h1/x b https://***@h2/y"},
		{"no url here", "no url here"},
		{"https://", "https://"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			if got := maskCredentials(tc.in); got != tc.want {
				t.Errorf("maskCredentials(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestShellWords(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
		err  bool
	}{
		{`-r base.txt`, []string{"-r", "base.txt"}, false},
		{`a "b c" 'd e' f\ g "h\"i" ''`, []string{"a", "b c", "d e", "f g", `h"i`, ""}, false},
		{`--find-links="./my wheels"`, []string{"--find-links=./my wheels"}, false},
		{`"unclosed`, nil, true},
		{`'unclosed`, nil, true},
		{`trailing\`, nil, true},
		{"  ", nil, false},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := shellWords(tc.in)
			if (err != nil) != tc.err || !reflect.DeepEqual(got, tc.want) {
				t.Errorf("shellWords(%q) = %q, %v; want %q, error %v", tc.in, got, err, tc.want, tc.err)
			}
		})
	}
}
