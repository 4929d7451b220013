package slug

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/herokuaudit/herokuaudit/audit/pysrc"
)

// sourceSlug is a gzipped slug of n small Python files, about 800 bytes
// each (16 MiB of source at 20,000), like a large monolith's app tree.
func sourceSlug(b *testing.B, n int) (tgz []byte, raw int64) {
	b.Helper()
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.DefaultCompression)
	tw := tar.NewWriter(zw)
	for i := range n {
		body := fmt.Sprintf(`import os
from flask import Blueprint, render_template, request

bp = Blueprint("mod%[1]d", __name__)
SETTING_%[1]d = os.environ.get("SETTING_%[1]d", "default")


@bp.route("/items/%[1]d", methods=["GET", "POST"])
def view_%[1]d():
    """Show item %[1]d."""
    name = request.args.get("name", "")
    if name and len(name) > 3:
        return render_template("item.html", name=name, n=%[1]d)
    return {"id": %[1]d, "ok": True, "values": [1, 2, 3]}
`, i)
		h := &tar.Header{Name: fmt.Sprintf("./app/pkg%03d/mod%05d.py", i/100, i), Typeflag: tar.TypeReg, Mode: 0o644, Size: int64(len(body)), ModTime: mtime}
		if err := tw.WriteHeader(h); err != nil {
			b.Fatal(err)
		}
		io.WriteString(tw, body)
		raw += int64(len(body))
	}
	tw.Close()
	zw.Close()
	return buf.Bytes(), raw
}

// BenchmarkSourceSlug reads a 20,000-file slug three ways: a plain gzip+tar
// read of every byte (the floor), Read (pick the files), and Read plus the
// source scan the checks run. Each reports MB/s of source and allocations
// per MB.
func BenchmarkSourceSlug(b *testing.B) {
	tgz, raw := sourceSlug(b, 20000)
	mb := float64(raw) / (1 << 20)
	opt := DefaultOptions()
	report := func(b *testing.B) {
		b.SetBytes(raw)
		b.ReportAllocs()
	}
	plain := func() {
		zr, _ := gzip.NewReader(bytes.NewReader(tgz))
		tr := tar.NewReader(zr)
		for {
			if _, err := tr.Next(); err != nil {
				break
			}
			io.Copy(io.Discard, tr)
		}
	}
	b.Run("gzip+tar", func(b *testing.B) {
		report(b)
		for b.Loop() {
			plain()
		}
	})
	// Read's speed as a fraction of the plain read's, the two timed in
	// turn in each iteration: a shared machine's drift (±20 % between
	// runs here) cancels out of the ratio.
	b.Run("read-vs-plain", func(b *testing.B) {
		var tPlain, tRead time.Duration
		for b.Loop() {
			t0 := time.Now()
			plain()
			t1 := time.Now()
			if _, err := Read(bytes.NewReader(tgz), opt); err != nil {
				b.Fatal(err)
			}
			tPlain += t1.Sub(t0)
			tRead += time.Since(t1)
		}
		b.ReportMetric(float64(tPlain)/float64(tRead), "x-plain-speed")
	})
	b.Run("read", func(b *testing.B) {
		report(b)
		pm := startPeakMem()
		for b.Loop() {
			f, err := Read(bytes.NewReader(tgz), opt)
			if err != nil || len(f.Entries) < 20000 {
				b.Fatalf("%v, %d files", err, len(f.Entries))
			}
		}
		heap, _ := pm.done()
		b.ReportMetric(float64(heap)/(1<<20), "peak-heap-MiB")
	})
	b.Run("read+scan", func(b *testing.B) {
		report(b)
		pm := startPeakMem()
		for b.Loop() {
			f, err := Read(bytes.NewReader(tgz), opt)
			if err != nil {
				b.Fatal(err)
			}
			pysrc.Scan(f.Entries)
		}
		heap, _ := pm.done()
		b.ReportMetric(float64(heap)/(1<<20), "peak-heap-MiB")
	})
	b.ReportMetric(mb, "MiB-of-source")
}
