package slug

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// benchSlugSize is the uncompressed size of the generated slug.
const benchSlugSize = 300 << 20

// writeBigSlug writes a slug shaped like a real Python app's: a handful of
// app files and ~300 MB of installed dependencies under .heroku/python, with
// random content so it is about as large compressed as uncompressed.
func writeBigSlug(w io.Writer, seed uint64) error {
	zw, _ := gzip.NewWriterLevel(w, gzip.BestSpeed)
	tw := tar.NewWriter(zw)
	rng := rand.NewChaCha8([32]byte{byte(seed)})
	add := func(name string, size int64, body io.Reader) error {
		h := &tar.Header{Name: name, Typeflag: tar.TypeReg, Mode: 0o644, Size: size, ModTime: mtime}
		if err := tw.WriteHeader(h); err != nil {
			return err
		}
		_, err := io.CopyN(tw, body, size)
		return err
	}
	for _, f := range []struct{ name, body string }{
		{"./app/Procfile", "web: gunicorn --config gunicorn.conf.py app:app\n"},
		{"./app/.python-version", "3.13\n"},
		{"./app/requirements.txt", "flask==3.1.2\ngunicorn==26.1.0\n"},
		{"./app/app.py", "from flask import Flask\napp = Flask(__name__)\n"},
	} {
		if err := add(f.name, int64(len(f.body)), stringReader(f.body)); err != nil {
			return err
		}
	}
	var written int64
	for i := 0; written < benchSlugSize; i++ {
		// Sizes from 1 KiB to 1 MiB, like a site-packages tree's mix of
		// small .py files and larger shared objects.
		size := int64(1<<10) << (i % 11)
		name := fmt.Sprintf("./app/.heroku/python/lib/python3.13/site-packages/pkg%04d/mod%d.so", i/50, i)
		if err := add(name, size, rng); err != nil {
			return err
		}
		written += size
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return zw.Close()
}

func stringReader(s string) io.Reader { return &stringRd{s: s} }

type stringRd struct{ s string }

func (r *stringRd) Read(b []byte) (int, error) {
	if r.s == "" {
		return 0, io.EOF
	}
	n := copy(b, r.s)
	r.s = r.s[n:]
	return n, nil
}

// peakMem samples the runtime's memory statistics until stopped and keeps
// the highest heap-in-use and total-from-OS figures seen.
type peakMem struct {
	heap, sys atomic.Uint64
	stop      chan struct{}
	wg        sync.WaitGroup
}

func startPeakMem() *peakMem {
	p := &peakMem{stop: make(chan struct{})}
	p.wg.Go(func() {
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			if m.HeapInuse > p.heap.Load() {
				p.heap.Store(m.HeapInuse)
			}
			if m.Sys > p.sys.Load() {
				p.sys.Store(m.Sys)
			}
			select {
			case <-p.stop:
				return
			case <-t.C:
			}
		}
	})
	return p
}

func (p *peakMem) done() (heap, sys uint64) {
	close(p.stop)
	p.wg.Wait()
	return p.heap.Load(), p.sys.Load()
}

// BenchmarkRead300MB streams a generated ~300 MB slug through Read. The
// generator runs in its own goroutine behind an io.Pipe, so the figures
// include compressing it; neither side ever holds the slug. Reports MB/s of
// uncompressed slug and the peak heap in use and memory from the OS.
func BenchmarkRead300MB(b *testing.B) {
	b.SetBytes(benchSlugSize)
	runtime.GC()
	mem := startPeakMem()
	for i := 0; b.Loop(); i++ {
		pr, pw := io.Pipe()
		go func() { pw.CloseWithError(writeBigSlug(pw, uint64(i))) }()
		files, err := Read(pr, DefaultOptions())
		if err != nil {
			b.Fatalf("Read: %v", err)
		}
		if _, ok := files.Get("Procfile"); !ok || len(files.Entries) != 4 {
			b.Fatalf("picked %v, want the 4 app files", files.Paths())
		}
	}
	heap, sys := mem.done()
	b.ReportMetric(float64(heap)/(1<<20), "peak-heap-MiB")
	b.ReportMetric(float64(sys)/(1<<20), "peak-sys-MiB")
}

// BenchmarkRead300MBVsPlain reads the same ~300 MB slug, held in memory,
// with Read and with a plain gzip+tar read, in turn each iteration, and
// reports Read's speed as a fraction of the plain read's.
func BenchmarkRead300MBVsPlain(b *testing.B) {
	var tgz bytes.Buffer
	if err := writeBigSlug(&tgz, 1); err != nil {
		b.Fatal(err)
	}
	var tPlain, tRead time.Duration
	for b.Loop() {
		t0 := time.Now()
		zr, _ := gzip.NewReader(bytes.NewReader(tgz.Bytes()))
		tr := tar.NewReader(zr)
		for {
			if _, err := tr.Next(); err != nil {
				break
			}
			io.Copy(io.Discard, tr)
		}
		t1 := time.Now()
		if _, err := Read(bytes.NewReader(tgz.Bytes()), DefaultOptions()); err != nil {
			b.Fatal(err)
		}
		tPlain += t1.Sub(t0)
		tRead += time.Since(t1)
	}
	b.ReportMetric(float64(tPlain)/float64(tRead), "x-plain-speed")
}
