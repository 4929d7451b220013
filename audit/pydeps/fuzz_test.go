package pydeps

import (
	"errors"
	"strings"
	"testing"
)

func FuzzParseRequirements(f *testing.F) {
	for _, s := range []string{
		"flask==2.3.2\nrequests>=2,<3\n",
		"# c\n\n-r base.txt\n-c constraints.txt\n-e .\n",
		"pkg[a,b] == 1.0 ; python_version < \"3.10\" --hash=sha256:aa \\\n  --hash=sha256:bb\n",
		"git+https://user:tok@github.com/o/r.git@v1.2#egg=r\n-e git+ssh://git@github.com/o/r.git#egg=r[x]\n",
		"name @ https://example.com/x-1.0.tar.gz#sha256=ab ; os_name == 'posix'\n./wheels/X_Y-1.0-py3-none-any.whl\n",
		"--index-url=https://x/simple --pre\n-i 'a b'\n--no-binary :all:\n",
		"flask==${V}\n\\\n\\\\\n#\\\n",
		"\xEF\xBB\xBFflask\r\n",
		"\xFF\xFEf\x00l\x00a\x00s\x00k\x00\r\x00\n\x00",
		"\xFE\xFF\x00f\x00l",
		"pkg (>=1.0)\npkg===x y\npkg[\n@\n;\n-\n--\n\"\n",
		"\x00\xff\v\f\x1c\u2028\x85",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		reqs, incs, err := ParseRequirements(data, "requirements.txt")
		text, _ := decodeText(data)
		n := len(splitLines(text))
		for _, r := range reqs {
			if r.Line < 1 || r.Line > n {
				t.Fatalf("requirement line %d out of 1..%d: %+v", r.Line, n, r)
			}
			if Name(r.Name) != r.Name {
				t.Fatalf("name %q not normalised", r.Name)
			}
			if r.Raw == "" || r.File != "requirements.txt" {
				t.Fatalf("requirement without Raw or File: %+v", r)
			}
			if r.Pinned && !r.URL && !strings.Contains(r.Specifier, "==") {
				t.Fatalf("pinned without ==: %+v", r)
			}
			if r.Version != "" && !r.Pinned {
				t.Fatalf("version without a pin: %+v", r)
			}
		}
		for _, inc := range incs {
			if inc.Line < 1 || inc.Line > n || inc.Path == "" && !strings.Contains(text, `''`) && !strings.Contains(text, `""`) {
				t.Fatalf("bad include %+v", inc)
			}
		}
		if err != nil {
			for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
				var le *LineError
				if !errors.As(e, &le) || le.Line < 0 || le.Line > n {
					t.Fatalf("bad error %v", e)
				}
			}
		}
	})
}

func FuzzCollect(f *testing.F) {
	f.Add([]byte("flask\n-r base.txt\n-c c.txt\n-e .\n"), []byte("-r requirements.txt\nFlask==3.0.3\n"), []byte(pyprojectPEP621), []byte(uvLock), uint8(0))
	f.Add([]byte("-r base.txt"), []byte("-r ../x.txt\n-r /app/base.txt\n"), []byte(pyprojectPoetry), []byte(poetryLock), uint8(1))
	f.Add([]byte(""), []byte(pipfile), []byte("[project]\ndependencies = 1\n"), []byte(pipfileLock), uint8(2))
	f.Add([]byte("-c base.txt"), []byte("-r requirements.txt\n-c base.txt\n"), []byte("[tool.poetry.dependencies]\nx = [1]\n"), []byte("{}"), uint8(3))
	f.Fuzz(func(t *testing.T, req, base, pyproject, lock []byte, which uint8) {
		files := map[string][]byte{"pyproject.toml": pyproject}
		if which&1 == 0 {
			files["requirements.txt"] = req
		}
		files[[]string{"base.txt", "Pipfile", "c.txt", "sub/base.txt"}[which>>1&3]] = base
		files[[]string{"uv.lock", "poetry.lock", "Pipfile.lock", "other.lock"}[which>>3&3]] = lock
		s := Collect(files)
		if s.Locked != "" && len(s.Unpinned()) != 0 {
			t.Fatalf("locked by %s but Unpinned = %+v", s.Locked, s.Unpinned())
		}
		for _, r := range s.Unpinned() {
			if r.Pinned || r.Group != "" {
				t.Fatalf("Unpinned lists %+v", r)
			}
		}
		for _, r := range s.Requirements {
			if r.Name != "" && r.Group == "" && !s.Has(r.Name) {
				t.Fatalf("Has(%q) = false for a main requirement", r.Name)
			}
			if v, ok := s.Version(r.Name); ok && v == "" {
				t.Fatalf("Version(%q) ok with an empty version", r.Name)
			}
		}
		for _, p := range s.Problems {
			if p == "" || strings.Contains(p, "\n") {
				t.Fatalf("problem %q is not one line", p)
			}
		}
		if len(s.Sources) > 2*maxIncludeDepth+4 {
			t.Fatalf("read %d sources", len(s.Sources))
		}
	})
}
