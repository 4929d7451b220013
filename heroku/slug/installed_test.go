package slug

import (
	"archive/tar"
	"bytes"
	"fmt"
	"path"
	"slices"
	"strings"
	"testing"

	"github.com/herokuaudit/herokuaudit/audit"
)

// TestReadInstalled: the distributions the buildpack installed are read
// from the slug's *.dist-info directory names, once each, their contents
// never kept; what is not a distribution's metadata directory is not one.
func TestReadInstalled(t *testing.T) {
	sp := "./app/.heroku/python/lib/python3.12/site-packages/"
	ents := []ent{
		{name: "./app/Procfile", body: "web: gunicorn app:app\n"},
		{name: sp + "flask-2.2.2.dist-info/", typ: tar.TypeDir},
		{name: sp + "flask-2.2.2.dist-info/METADATA", body: "Name: Flask\nVersion: 2.2.2\n"},
		{name: sp + "flask-2.2.2.dist-info/RECORD", body: "flask/__init__.py,,\n"},
		{name: sp + "flask/__init__.py", body: "# flask\n"},
		{name: sp + "Werkzeug-2.2.2.dist-info/METADATA", body: "Name: Werkzeug\n"},
		{name: sp + "typing_extensions-4.12.2.dist-info/METADATA", body: ""},
		{name: sp + "gunicorn-20.1.0.dist-info/entry_points.txt", body: ""},
		// not distributions
		{name: sp + "nodash.dist-info/METADATA", body: ""},
		{name: sp + "flask-2.2.2.egg-info/PKG-INFO", body: ""},
		{name: "./app/vendor/site-packages/requests-2.0.0.dist-info/METADATA", body: ""},
		{name: "./app/.heroku/python/lib/python3.12/site-packages/../x-1.0.dist-info/METADATA", body: ""},
	}
	f, err := Read(bytes.NewReader(buildSlug(t, ents)), DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	want := []audit.Dist{
		{Name: "flask", Version: "2.2.2", Path: ".heroku/python/lib/python3.12/site-packages/flask-2.2.2.dist-info"},
		{Name: "Werkzeug", Version: "2.2.2", Path: ".heroku/python/lib/python3.12/site-packages/Werkzeug-2.2.2.dist-info"},
		{Name: "typing_extensions", Version: "4.12.2", Path: ".heroku/python/lib/python3.12/site-packages/typing_extensions-4.12.2.dist-info"},
		{Name: "gunicorn", Version: "20.1.0", Path: ".heroku/python/lib/python3.12/site-packages/gunicorn-20.1.0.dist-info"},
	}
	if !slices.Equal(f.Installed, want) {
		t.Errorf("installed = %+v\nwant %+v", f.Installed, want)
	}
	for p := range f.Entries {
		if p != "Procfile" {
			t.Errorf("a site-packages file was kept: %s", p)
		}
	}
}

// TestReadInstalledIsBounded: a slug claiming 20,000 distributions lists
// maxInstalled of them.
func TestReadInstalledIsBounded(t *testing.T) {
	var ents []ent
	for i := range maxInstalled + 100 {
		ents = append(ents, ent{name: fmt.Sprintf("./app/.heroku/python/lib/python3.12/site-packages/p%d-1.0.dist-info/METADATA", i)})
	}
	f, err := Read(bytes.NewReader(buildSlug(t, ents)), DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Installed) != maxInstalled {
		t.Errorf("%d installed, want the cap %d", len(f.Installed), maxInstalled)
	}
}

// TestAppRelFastPath: the allocation-free path agrees with path.Clean.
func TestAppRelFastPath(t *testing.T) {
	for _, name := range []string{"./app/a.py", "./app/a/b.py", "./app/a//b.py", "./app/./a.py", "./app/a/../b.py", "./app/", "./app", "./app/a/", "./app/.env", "./app/a/.", "app/a.py", "./other/a.py"} {
		got, v := appRel(name)
		n := strings.TrimPrefix(path.Clean(name), "./")
		want, wantV := "", relOutside
		switch {
		case hasDotDot(name):
			wantV = relEscapes
		case n == "app":
			wantV = relInside
		case strings.HasPrefix(n, "app/"):
			want, wantV = n[len("app/"):], relInside
		}
		if got != want || v != wantV {
			t.Errorf("appRel(%q) = %q %v, want %q %v", name, got, v, want, wantV)
		}
	}
}
