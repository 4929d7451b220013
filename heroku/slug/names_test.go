package slug

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

// gnuSlug writes entries in the GNU format, whose long names come in
// ././@LongLink entries rather than PAX records.
func gnuSlug(t *testing.T, names map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	for n, body := range names {
		h := &tar.Header{Name: n, Typeflag: tar.TypeReg, Mode: 0o644, Size: int64(len(body)), ModTime: mtime, Format: tar.FormatGNU}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte(body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// A name past the cap is skipped and listed, shortened and made safe to
// print; the other files are still picked. PAX and GNU long names alike.
func TestReadLongNameSkipped(t *testing.T) {
	long := "./app/" + strings.Repeat("d\x1b[2J/", 1000) + "app.py"
	for _, tc := range []struct {
		name string
		slug []byte
	}{
		{"pax", buildSlug(t, []ent{{name: long, body: "import os\n"}, {name: "./app/Procfile", body: "web: gunicorn app:app\n"}})},
		{"gnu", gnuSlug(t, map[string]string{long: "import os\n", "./app/Procfile": "web: gunicorn app:app\n"})},
	} {
		t.Run(tc.name, func(t *testing.T) {
			files, err := Read(bytes.NewReader(tc.slug), Options{})
			if err != nil {
				t.Fatalf("Read: %v", err)
			}
			if _, ok := files.Get("Procfile"); !ok || len(files.Entries) != 1 {
				t.Errorf("picked %v, want the Procfile only", files.Paths())
			}
			if len(files.Skipped) != 1 {
				t.Fatalf("skipped %q", skippedLines(files))
			}
			s := files.Skipped[0]
			if s.Reason != "name longer than the 4 KiB cap" {
				t.Errorf("reason %q", s.Reason)
			}
			if len(s.Path) > 3*maxShownName || strings.ContainsRune(s.Path, 0x1b) || !utf8.ValidString(s.Path) {
				t.Errorf("shown path is not short and safe: %q", s.Path)
			}
		})
	}
}

// A name right at the cap is read as usual.
func TestReadNameAtCap(t *testing.T) {
	name := "./app/" + strings.Repeat("d/", (4<<10-len("./app/")-len("app.py"))/2) + "app.py"
	if len(name) > 4<<10 {
		t.Fatalf("test name is %d bytes", len(name))
	}
	files, err := Read(bytes.NewReader(buildSlug(t, []ent{{name: name, body: "x = 1\n"}})), Options{})
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	if len(files.Entries) != 1 || len(files.Skipped) != 0 {
		t.Errorf("picked %d, skipped %q", len(files.Entries), skippedLines(files))
	}
}

// Long names are charged to the total cap: many entries with huge names
// (1 MiB is the most the tar reader takes) stop at it with the cap named,
// long before they cost their size in memory.
func TestReadNamesChargedToTotal(t *testing.T) {
	for _, tc := range []struct {
		name     string
		nameLen  int
		entries  int
		maxTotal int64
		cap      string
	}{
		{"900 KiB names", 900 << 10, 200, 0, "20 MiB"},
		{"4 KiB names", 4 << 10, 2000, 1 << 20, "1 MiB"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var ents []ent
			for i := range tc.entries {
				pre := fmt.Sprintf("./app/%06d/", i)
				// Dotenv files are noted, never read: their names were
				// what a slug's result kept whole.
				ents = append(ents, ent{name: pre + strings.Repeat("n", tc.nameLen-len(pre)-len("/.env")) + "/.env", body: "K=v\n"})
			}
			files, err := Read(streamSlug(ents), Options{MaxTotal: tc.maxTotal})
			if files != nil || !errors.Is(err, ErrNamesTooLarge) {
				t.Fatalf("Read = %v, %v; want ErrNamesTooLarge", files != nil, err)
			}
			want := "slug: entry names too large: over the " + tc.cap + " total cap (header text beyond 512 bytes an entry is charged to it)"
			if err.Error() != want {
				t.Errorf("err = %q\nwant  %q", err, want)
			}
		})
	}
}

// Ordinary names cost nothing: a slug of many files with real-sized names
// is read whatever their number.
func TestReadOrdinaryNamesFree(t *testing.T) {
	var ents []ent
	for i := range 20_000 {
		ents = append(ents, ent{name: fmt.Sprintf("./app/.heroku/python/lib/python3.13/site-packages/%s/mod%06d.so", strings.Repeat("p", 300), i), body: "x"})
	}
	ents = append(ents, ent{name: "./app/Procfile", body: "web: gunicorn app:app\n"})
	files, err := Read(streamSlug(ents), Options{MaxTotal: 64 << 10})
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	if _, ok := files.Get("Procfile"); !ok {
		t.Errorf("Procfile not picked: %q", skippedLines(files))
	}
}

// A picked file's name counts with its size: many empty sources cannot
// grow the result past the total cap.
func TestReadPickedNamesCharged(t *testing.T) {
	var ents []ent
	for i := range 2000 {
		ents = append(ents, ent{name: fmt.Sprintf("./app/pkg/%s%06d.py", strings.Repeat("m", 400), i)})
	}
	files, err := Read(streamSlug(ents), Options{MaxTotal: 256 << 10})
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	var kept int
	for p, b := range files.Entries {
		kept += len(p) + len(b)
	}
	if kept > 256<<10 || len(files.Entries) == 0 || len(files.Entries) == 2000 {
		t.Errorf("kept %d files, %d bytes with names, under a 256 KiB cap", len(files.Entries), kept)
	}
	if len(files.Skipped) == 0 || files.Skipped[0].Reason != "over the 256 KiB total cap" {
		t.Errorf("skipped %q", skippedLines(files)[:min(3, len(files.Skipped))])
	}
}

// Noted paths are bounded in number; the rest are counted in a notice.
func TestReadNotedBounded(t *testing.T) {
	var ents []ent
	for i := range maxNoted + 150 {
		ents = append(ents, ent{name: fmt.Sprintf("./app/d%04d/.env", i), body: "K=v\n"})
	}
	files, err := Read(streamSlug(ents), Options{})
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	if len(files.Noted) != maxNoted {
		t.Errorf("noted %d, want %d", len(files.Noted), maxNoted)
	}
	want := "150 more entries seen but not read (dotenv files and the like) are not listed: more than 100"
	if len(files.Notices) != 1 || files.Notices[0] != want {
		t.Errorf("notices %q, want %q", files.Notices, want)
	}
}
