package slug

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"maps"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/herokuaudit/herokuaudit/audit"
)

// ent describes one tar entry of a test slug.
type ent struct {
	name string
	typ  byte   // tar type flag; 0 means a regular file
	body string // content of a regular file
	size int64  // when > 0, a regular file of this many zero bytes instead of body
	link string // symlink / hard link target
}

var mtime = time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)

// writeSlug writes a gzipped tar of ents to w, as Heroku builds slugs.
func writeSlug(w io.Writer, ents []ent) error {
	zw, _ := gzip.NewWriterLevel(w, gzip.BestSpeed)
	tw := tar.NewWriter(zw)
	for _, e := range ents {
		h := &tar.Header{Name: e.name, Typeflag: e.typ, Mode: 0o644, ModTime: mtime, Linkname: e.link, Format: tar.FormatPAX}
		switch e.typ {
		case 0, tar.TypeReg:
			h.Typeflag = tar.TypeReg
			h.Size = int64(len(e.body))
			if e.size > 0 {
				h.Size = e.size
			}
		case tar.TypeDir:
			h.Mode = 0o755
		case tar.TypeChar, tar.TypeBlock:
			h.Devmajor, h.Devminor = 1, 3
		}
		if err := tw.WriteHeader(h); err != nil {
			return err
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		var err error
		if e.size > 0 {
			_, err = io.CopyN(tw, zeros{}, e.size)
		} else {
			_, err = io.WriteString(tw, e.body)
		}
		if err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return zw.Close()
}

func buildSlug(t testing.TB, ents []ent) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := writeSlug(&buf, ents); err != nil {
		t.Fatalf("building test slug: %v", err)
	}
	return buf.Bytes()
}

// streamSlug builds the slug in a goroutine so it is never held whole.
func streamSlug(ents []ent) io.Reader {
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(writeSlug(pw, ents)) }()
	return pr
}

type zeros struct{}

func (zeros) Read(b []byte) (int, error) {
	clear(b)
	return len(b), nil
}

func TestReadPicks(t *testing.T) {
	slugEnts := []ent{
		{name: "./", typ: tar.TypeDir},
		{name: "./app/", typ: tar.TypeDir},
		{name: "./app/Procfile", body: "web: gunicorn app:app\n"},
		{name: "./app/runtime.txt", body: "python-3.12.4\n"},
		{name: "./app/.python-version", body: "3.13\n"},
		{name: "./app/Pipfile", body: "[packages]\n"},
		{name: "./app/Pipfile.lock", body: "{}"},
		{name: "./app/requirements.txt", body: "flask==3.1.2\n"},
		{name: "./app/requirements-dev.txt", body: "pytest\n"},
		{name: "./app/requirements/", typ: tar.TypeDir},
		{name: "./app/requirements/prod.txt", body: "gunicorn==26.1.0\n"},
		{name: "./app/pyproject.toml", body: "[project]\n"},
		{name: "./app/poetry.lock", body: "# lock\n"},
		{name: "./app/uv.lock", body: "version = 1\n"},
		{name: "./app/setup.cfg", body: "[flake8]\n"},
		{name: "./app/gunicorn.conf.py", body: "workers = 2\n"},
		{name: "./app/gunicorn_config.py", body: "timeout = 20\n"},
		{name: "./app/prod.cfg", body: "[server]\n"},
		{name: "./app/app.json", body: "{}"},
		{name: "./app/app.py", body: "app = Flask(__name__)\n"},
		{name: "./app/shop/models.py", body: "class M: pass\n"},
		{name: "./app/templates/index.html", body: "<p>hi</p>\n"},
		{name: "./app/templates/admin/users.html", body: "<p>users</p>\n"},
		{name: "./app/shop/templates/cart.html", body: "<p>cart</p>\n"},
		{name: "./app/.profile.d/WEB_CONCURRENCY.sh", body: "export WEB_CONCURRENCY=2\n"},
		// Never picked: dependencies, caches, other file kinds, nested configs.
		{name: "./app/.heroku/python/lib/python3.13/site-packages/flask/app.py", body: "x"},
		{name: "./app/.heroku/python/requirements.txt", body: "x"},
		{name: "./app/.venv/lib/x.py", body: "x"},
		{name: "./app/venv/bin/activate.py", body: "x"},
		{name: "./app/lib/site-packages/y.py", body: "x"},
		{name: "./app/node_modules/z/setup.py", body: "x"},
		{name: "./app/__pycache__/app.cpython-313.pyc", body: "x"},
		{name: "./app/shop/__pycache__/models.py", body: "x"},
		{name: "./app/README.md", body: "x"},
		{name: "./app/static/app.js", body: "x"},
		{name: "./app/static/page.html", body: "x"},
		{name: "./app/shop/setup.cfg", body: "x"},
		{name: "./app/shop/requirements.txt", body: "x"},
		{name: "./app/.profile.d/notes.txt", body: "x"},
	}
	want := map[string]string{
		"Procfile":                      "web: gunicorn app:app\n",
		"runtime.txt":                   "python-3.12.4\n",
		".python-version":               "3.13\n",
		"Pipfile":                       "[packages]\n",
		"Pipfile.lock":                  "{}",
		"requirements.txt":              "flask==3.1.2\n",
		"requirements-dev.txt":          "pytest\n",
		"requirements/prod.txt":         "gunicorn==26.1.0\n",
		"pyproject.toml":                "[project]\n",
		"poetry.lock":                   "# lock\n",
		"uv.lock":                       "version = 1\n",
		"setup.cfg":                     "[flake8]\n",
		"gunicorn.conf.py":              "workers = 2\n",
		"gunicorn_config.py":            "timeout = 20\n",
		"prod.cfg":                      "[server]\n",
		"app.json":                      "{}",
		"app.py":                        "app = Flask(__name__)\n",
		"shop/models.py":                "class M: pass\n",
		"templates/index.html":          "<p>hi</p>\n",
		"templates/admin/users.html":    "<p>users</p>\n",
		"shop/templates/cart.html":      "<p>cart</p>\n",
		".profile.d/WEB_CONCURRENCY.sh": "export WEB_CONCURRENCY=2\n",
	}
	withoutDot := make([]ent, len(slugEnts))
	for i, e := range slugEnts {
		e.name = strings.TrimPrefix(e.name, "./")
		withoutDot[i] = e
	}
	for _, tc := range []struct {
		name string
		ents []ent
	}{
		{"dot-slash names", slugEnts},
		{"plain app/ names", withoutDot},
	} {
		t.Run(tc.name, func(t *testing.T) {
			files, err := Read(bytes.NewReader(buildSlug(t, tc.ents)), DefaultOptions())
			if err != nil {
				t.Fatalf("Read: %v", err)
			}
			if files.Origin != "slug" {
				t.Errorf("Origin = %q, want slug", files.Origin)
			}
			got := map[string]string{}
			for k, v := range files.Entries {
				got[k] = string(v)
			}
			if !maps.Equal(got, want) {
				t.Errorf("picked:\n got %v\nwant %v", slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(want)))
				for k, v := range want {
					if got[k] != v {
						t.Errorf("%s = %q, want %q", k, got[k], v)
					}
				}
			}
			if len(files.Skipped) != 0 || len(files.Noted) != 0 {
				t.Errorf("Skipped = %q, Noted = %q; want none", files.Skipped, files.Noted)
			}
		})
	}
}

func TestReadKeepsBytesExact(t *testing.T) {
	for _, tc := range []struct{ name, body string }{
		{"crlf", "web: gunicorn app:app\r\nworker: python worker.py\r\n"},
		{"no trailing newline", "web: gunicorn app:app"},
		{"bom and tabs", "\ufeffweb:\tgunicorn app:app\n"},
		{"empty", ""},
		{"binary", "\x00\xff\xfe\r\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			files, err := Read(bytes.NewReader(buildSlug(t, []ent{{name: "./app/Procfile", body: tc.body}})), Options{})
			if err != nil {
				t.Fatalf("Read: %v", err)
			}
			got, ok := files.Get("Procfile")
			if !ok || string(got) != tc.body {
				t.Errorf("Procfile = %q (picked %v), want %q", got, ok, tc.body)
			}
		})
	}
}

func TestReadSkipsHostileEntries(t *testing.T) {
	small := Options{MaxFile: 1 << 10}
	for _, tc := range []struct {
		name    string
		ents    []ent
		opt     Options
		skipped []string
	}{
		{"parent escape", []ent{{name: "../../etc/passwd", body: "root:x:0:0"}}, Options{},
			[]string{"../../etc/passwd: path escapes app root"}},
		{"escape through app", []ent{{name: "./app/../../etc/passwd", body: "root"}}, Options{},
			[]string{"app/../../etc/passwd: path escapes app root"}},
		{"dotdot inside app", []ent{{name: "app/x/../Procfile", body: "web: evil"}}, Options{},
			[]string{"app/x/../Procfile: path escapes app root"}},
		{"absolute", []ent{{name: "/abs/app/Procfile", body: "web: evil"}}, Options{},
			[]string{"/abs/app/Procfile: absolute path"}},
		{"symlink to wanted name", []ent{{name: "./app/Procfile", typ: tar.TypeSymlink, link: "/etc/passwd"}}, Options{},
			[]string{"Procfile: symlink"}},
		{"hard link to wanted name", []ent{{name: "./app/config.py", typ: tar.TypeLink, link: "etc/shadow"}}, Options{},
			[]string{"config.py: hard link"}},
		{"char device", []ent{{name: "./app/dev/null", typ: tar.TypeChar}}, Options{},
			[]string{"dev/null: device file"}},
		{"block device", []ent{{name: "./app/sda", typ: tar.TypeBlock}}, Options{},
			[]string{"sda: device file"}},
		{"fifo", []ent{{name: "./app/pipe", typ: tar.TypeFifo}}, Options{},
			[]string{"pipe: fifo"}},
		{"over file cap", []ent{{name: "./app/app.py", size: 2 << 10}}, small,
			[]string{"app.py: larger than the 1 KiB per-file cap"}},
		{"over default file cap", []ent{{name: "./app/requirements.txt", size: 1<<20 + 1}}, Options{},
			[]string{"requirements.txt: larger than the 1 MiB per-file cap"}},
		{"outside app", []ent{{name: "./Procfile", body: "web: x"}}, Options{},
			[]string{"Procfile: outside app root"}},
		{"control characters quoted", []ent{{name: "/\x1b[31mred", body: "x"}}, Options{},
			[]string{`"/\x1b[31mred": absolute path`}},
		// Links and odd files nobody would read pass silently: real slugs
		// carry many symlinks under .heroku/python.
		{"symlink in dependencies", []ent{{name: "./app/.heroku/python/bin/python3", typ: tar.TypeSymlink, link: "python3.13"}}, Options{}, nil},
		{"symlink to unwanted name", []ent{{name: "./app/static", typ: tar.TypeSymlink, link: "/srv"}}, Options{}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ents := append([]ent{{name: "./app/", typ: tar.TypeDir}}, tc.ents...)
			ents = append(ents, ent{name: "./app/runtime.txt", body: "python-3.13.1\n"})
			files, err := Read(bytes.NewReader(buildSlug(t, ents)), tc.opt)
			if err != nil {
				t.Fatalf("Read: %v", err)
			}
			if !slices.Equal(skippedLines(files), tc.skipped) {
				t.Errorf("Skipped = %q, want %q", files.Skipped, tc.skipped)
			}
			// Reading goes on past the hostile entry, and picks nothing else.
			if got := slices.Sorted(maps.Keys(files.Entries)); !slices.Equal(got, []string{"runtime.txt"}) {
				t.Errorf("Entries = %q, want only runtime.txt", got)
			}
		})
	}
}

func TestReadTotalCap(t *testing.T) {
	// MaxTotal 1000 leaves sources 750 bytes and keeps 250 for config files.
	body := strings.Repeat("x", 300)
	ents := []ent{
		{name: "./app/a.py", body: body},
		{name: "./app/b.py", body: body},
		{name: "./app/c.py", body: body}, // would take sources past 750
		{name: "./app/d.py", body: "ok\n"},
		{name: "./app/Procfile", body: strings.Repeat("p", 150)},         // fits in the reserve
		{name: "./app/requirements.txt", body: strings.Repeat("r", 300)}, // would pass 1000 in all
	}
	files, err := Read(bytes.NewReader(buildSlug(t, ents)), Options{MaxTotal: 1000})
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	if got, want := slices.Sorted(maps.Keys(files.Entries)), []string{"Procfile", "a.py", "b.py", "d.py"}; !slices.Equal(got, want) {
		t.Errorf("Entries = %q, want %q", got, want)
	}
	wantSkipped := []string{"c.py: over the 1000-byte total cap", "requirements.txt: over the 1000-byte total cap"}
	if !slices.Equal(skippedLines(files), wantSkipped) {
		t.Errorf("Skipped = %q, want %q", files.Skipped, wantSkipped)
	}
	var total int
	for _, v := range files.Entries {
		total += len(v)
	}
	if total > 1000 {
		t.Errorf("picked %d bytes, over MaxTotal 1000", total)
	}
}

func TestReadDuplicateEntryReplaces(t *testing.T) {
	ents := []ent{
		{name: "./app/Procfile", body: strings.Repeat("a", 600)},
		{name: "./app/Procfile", body: "web: gunicorn app:app\n"},
		{name: "./app/app.py", body: strings.Repeat("b", 500)},
	}
	files, err := Read(bytes.NewReader(buildSlug(t, ents)), Options{MaxTotal: 1000})
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	if got, _ := files.Get("Procfile"); string(got) != "web: gunicorn app:app\n" {
		t.Errorf("Procfile = %q, want the later entry", got)
	}
	if _, ok := files.Get("app.py"); !ok {
		t.Errorf("app.py not picked: the replaced Procfile's bytes still count against the total (skipped %q)", files.Skipped)
	}
}

func TestReadNotesSecretsAndGit(t *testing.T) {
	ents := []ent{
		{name: "./app/.env", body: "SECRET_KEY=FIXTURESECRET-dotenv"},
		{name: "./app/.env.production", body: "DATABASE_URL=postgres://u:FIXTURESECRET@h/d"},
		{name: "./app/config/.env", body: "TOKEN=FIXTURESECRET"},
		{name: "./app/.env", body: "SECRET_KEY=FIXTURESECRET-again"}, // noted once
		{name: "./app/.git/", typ: tar.TypeDir},
		{name: "./app/.git/config", body: "[remote]"},
		{name: "./app/.git/HEAD", body: "ref: refs/heads/main"},
		{name: "./app/.heroku/python/.env", body: "x"}, // inside dependencies: ignored
		{name: "./app/.envrc", body: "not a dotenv file"},
		{name: "./app/Procfile", body: "web: gunicorn app:app"},
	}
	files, err := Read(bytes.NewReader(buildSlug(t, ents)), Options{Extra: []string{".env"}})
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	wantNoted := []string{".env", ".env.production", "config/.env", ".git/"}
	if !slices.Equal(files.Noted, wantNoted) {
		t.Errorf("Noted = %q, want %q", files.Noted, wantNoted)
	}
	if got := slices.Sorted(maps.Keys(files.Entries)); !slices.Equal(got, []string{"Procfile"}) {
		t.Errorf("Entries = %q, want only Procfile", got)
	}
	for k, v := range files.Entries {
		if strings.Contains(string(v), "FIXTURESECRET") {
			t.Errorf("secret content read into %s", k)
		}
	}
}

func TestReadExtra(t *testing.T) {
	ents := []ent{
		{name: "./app/conf/gunicorn.conf", body: "workers = 3\n"},
		{name: "./app/conf/other.conf", body: "x"},
	}
	for _, tc := range []struct {
		name  string
		extra []string
		want  []string
	}{
		{"without extra", nil, []string{}},
		{"with extra", []string{"conf/gunicorn.conf"}, []string{"conf/gunicorn.conf"}},
		{"with ./ extra", []string{"./conf/gunicorn.conf"}, []string{"conf/gunicorn.conf"}},
		{"escaping extra ignored", []string{"../conf/gunicorn.conf"}, []string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			files, err := Read(bytes.NewReader(buildSlug(t, ents)), Options{Extra: tc.extra})
			if err != nil {
				t.Fatalf("Read: %v", err)
			}
			if got := slices.Sorted(maps.Keys(files.Entries)); !slices.Equal(got, tc.want) {
				t.Errorf("Entries = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestReadEmpty(t *testing.T) {
	files, err := Read(bytes.NewReader(buildSlug(t, nil)), Options{})
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	if files.Entries == nil {
		t.Error("Entries is nil, want an empty map")
	}
	if len(files.Entries) != 0 {
		t.Errorf("Entries = %v, want none", files.Entries)
	}
}

func TestReadErrors(t *testing.T) {
	good := buildSlug(t, []ent{
		{name: "./app/Procfile", body: "web: gunicorn app:app\n"},
		{name: "./app/app.py", body: strings.Repeat("print('hello')\n", 2000)},
	})
	var notTar bytes.Buffer
	zw := gzip.NewWriter(&notTar)
	io.WriteString(zw, strings.Repeat("this is not a tar archive\n", 40))
	zw.Close()
	badCRC := slices.Clone(good)
	badCRC[len(badCRC)-8] ^= 0xff // the gzip trailer's CRC-32

	for _, tc := range []struct {
		name  string
		input []byte
		opt   Options
		want  error
	}{
		{"empty input", nil, Options{}, ErrNotGzip},
		{"not gzip", []byte("PK\x03\x04 this is a zip file, not a slug"), Options{}, ErrNotGzip},
		{"html error page", []byte("<?xml version=\"1.0\"?><Error><Code>AccessDenied</Code></Error>"), Options{}, ErrNotGzip},
		{"truncated gzip", good[:len(good)/2], Options{}, ErrTruncated},
		{"truncated trailer", good[:len(good)-4], Options{}, ErrTruncated},
		{"bad checksum", badCRC, Options{}, ErrCorrupt},
		{"gzip of non-tar", notTar.Bytes(), Options{}, ErrCorrupt},
		{"too many entries", buildSlug(t, []ent{{name: "./app/a"}, {name: "./app/b"}, {name: "./app/c"}}), Options{MaxEntries: 2}, ErrTooManyEntries},
		{"too large uncompressed", good, Options{MaxUncompressed: 4096}, ErrTooLarge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			files, err := Read(bytes.NewReader(tc.input), tc.opt)
			if err == nil {
				t.Fatalf("Read succeeded (%d files), want %v", len(files.Entries), tc.want)
			}
			if !errors.Is(err, tc.want) {
				t.Errorf("error %q is not %q", err, tc.want)
			}
			if files != nil {
				t.Errorf("files = %v, want nil with an error", files)
			}
			if msg := err.Error(); len(msg) > 100 || strings.Contains(msg, "://") {
				t.Errorf("error text %q is long or holds a URL", msg)
			}
		})
	}
}

// failingReader returns a URL-bearing error, as an HTTP body might.
type failingReader struct{ r io.Reader }

func (f failingReader) Read(b []byte) (int, error) {
	n, err := f.r.Read(b)
	if err == io.EOF {
		return n, errors.New(`read "https://bucket.example/slug.tgz?X-Amz-Signature=fixture-secret-abc": connection reset`)
	}
	return n, err
}

func TestReadErrorHidesURL(t *testing.T) {
	good := buildSlug(t, []ent{{name: "./app/Procfile", body: "web: x\n"}, {name: "./app/app.py", body: strings.Repeat("x = 1\n", 5000)}})
	_, err := Read(failingReader{bytes.NewReader(good[:len(good)/2])}, Options{})
	if err == nil {
		t.Fatal("Read succeeded on a failing stream")
	}
	if msg := err.Error(); strings.Contains(msg, "://") || strings.Contains(msg, "fixture-secret") {
		t.Errorf("error text leaks the URL: %q", msg)
	}
}

func TestReadZipBombStreams(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 512 MiB of zeros")
	}
	size := int64(256 << 20)
	if raceEnabled {
		size = 16 << 20
	}
	ents := []ent{
		{name: "./app/.heroku/python/lib/libhuge.so", size: size}, // unpicked: read through
		{name: "./app/app.py", size: size},                        // wanted but over the cap: never buffered
		{name: "./app/Procfile", body: "web: gunicorn app:app\n"},
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	files, err := Read(streamSlug(ents), Options{})
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	if got := slices.Sorted(maps.Keys(files.Entries)); !slices.Equal(got, []string{"Procfile"}) {
		t.Errorf("Entries = %q, want only Procfile", got)
	}
	if want := []string{"app.py: larger than the 1 MiB per-file cap"}; !slices.Equal(skippedLines(files), want) {
		t.Errorf("Skipped = %q, want %q", files.Skipped, want)
	}
	// Allocation covers the writer goroutine too; the reader alone needs
	// well under this. Holding the big entry would need 256 MiB.
	if alloc := after.TotalAlloc - before.TotalAlloc; !raceEnabled && alloc > 32<<20 {
		t.Errorf("allocated %d MiB while streaming, want < 32 MiB", alloc>>20)
	}
}

func TestReadSkippedListIsBounded(t *testing.T) {
	var ents []ent
	for range maxSkipped + 50 {
		ents = append(ents, ent{name: "/etc/passwd", body: "x"})
	}
	files, err := Read(bytes.NewReader(buildSlug(t, ents)), Options{})
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	if len(files.Skipped) != maxSkipped || files.SkippedMore != 50 {
		t.Fatalf("len(Skipped) = %d, SkippedMore = %d; want %d and 50", len(files.Skipped), files.SkippedMore, maxSkipped)
	}
}

func TestWant(t *testing.T) {
	for _, tc := range []struct {
		path  string
		extra []string
		want  bool
	}{
		{"Procfile", nil, true},
		{"./Procfile", nil, true},
		{"runtime.txt", nil, true},
		{".python-version", nil, true},
		{"requirements.txt", nil, true},
		{"requirements-prod.txt", nil, true},
		{"requirements/base.txt", nil, true},
		{"requirements/nested/base.txt", nil, false},
		{"sub/requirements.txt", nil, false},
		{"gunicorn.conf.py", nil, true},
		{"gunicorn_config.py", nil, true},
		{"gunicorn.cfg", nil, true},
		{"conf/gunicorn.cfg", nil, false},
		{"conf/gunicorn.cfg", []string{"conf/gunicorn.cfg"}, true},
		{"app.json", nil, true},
		{"app/app.json", nil, false},
		{"app.py", nil, true},
		{"pkg/sub/mod.py", nil, true},
		{"templates/base.html", nil, true},
		{"templates/a/b/c.html", nil, true},
		{"pkg/templates/x.html", nil, true},
		{"static/x.html", nil, false},
		{"templates/x.txt", nil, false},
		// one file policy with the scan: every template extension, and no
		// budget for tests, migrations or virtualenvs
		{"templates/x.htm", nil, true},
		{"app/templates/page.jinja2", nil, true},
		{"templates/mail.j2", nil, true},
		{"templates/base.jinja", nil, true},
		{"tests/test_views.py", nil, false},
		{"app/tests/helpers.py", nil, false},
		{"test_app.py", nil, false},
		{"conftest.py", nil, false},
		{"migrations/versions/0001_init.py", nil, false},
		{"virtualenv/lib/x.py", nil, false},
		{"src/dist-packages/x.py", nil, false},
		{".profile.d/WEB_CONCURRENCY.sh", nil, true},
		{".profile.d/x/y.sh", nil, false},
		{"bin/post_compile.sh", nil, false},
		{".heroku/python/lib/x.py", nil, false},
		{"a/.venv/x.py", nil, false},
		{"venv/x.py", nil, false},
		{"lib/site-packages/x.py", nil, false},
		{"node_modules/x.py", nil, false},
		{"__pycache__/x.py", nil, false},
		{".git/hooks/x.py", nil, false},
		{".env", nil, false},
		{".env", []string{".env"}, false},
		{".env.local", nil, false},
		{"../Procfile", nil, false},
		{"/Procfile", nil, false},
		{"", nil, false},
		{".", nil, false},
		{"README.md", nil, false},
	} {
		t.Run(tc.path, func(t *testing.T) {
			if got := Want(tc.path, tc.extra); got != tc.want {
				t.Errorf("Want(%q, %q) = %v, want %v", tc.path, tc.extra, got, tc.want)
			}
		})
	}
}

func FuzzRead(f *testing.F) {
	f.Add(buildSlug(f, []ent{{name: "./app/", typ: tar.TypeDir}, {name: "./app/Procfile", body: "web: gunicorn app:app\r\n"}}))
	f.Add(buildSlug(f, []ent{{name: "app/requirements.txt", body: "flask\n"}, {name: "app/.env", body: "A=b"}, {name: "app/.git/HEAD", body: "x"}}))
	f.Add(buildSlug(f, []ent{{name: "../../etc/passwd", body: "x"}, {name: "./app/x.py", typ: tar.TypeSymlink, link: "/etc"}, {name: "./app/app.py", body: "print(1)"}}))
	f.Add(buildSlug(f, nil))
	f.Add([]byte("\x1f\x8b\x08\x00\x00\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		opt := Options{MaxFile: 512, MaxTotal: 2048, MaxEntries: 1000, MaxUncompressed: 1 << 20}
		files, err := Read(bytes.NewReader(data), opt)
		if err != nil {
			if files != nil {
				t.Fatal("files returned with an error")
			}
			if msg := err.Error(); len(msg) > 200 {
				t.Fatalf("error text too long: %q", msg)
			}
			return
		}
		if files.Entries == nil {
			t.Fatal("nil Entries")
		}
		var total int
		for k, v := range files.Entries {
			if !Want(k, nil) {
				t.Fatalf("picked unwanted path %q", k)
			}
			if len(v) > 512 {
				t.Fatalf("%q is %d bytes, over MaxFile", k, len(v))
			}
			total += len(v)
		}
		if total > 2048 {
			t.Fatalf("picked %d bytes, over MaxTotal", total)
		}
		if len(files.Skipped) > maxSkipped {
			t.Fatalf("%d skipped lines", len(files.Skipped))
		}
	})
}

// skippedLines shows Files.Skipped as "path: reason" lines.
func skippedLines(f *audit.Files) []string {
	var out []string
	for _, s := range f.Skipped {
		out = append(out, s.String())
	}
	return out
}
