package heroku

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/herokuaudit/herokuaudit/audit"
	"github.com/herokuaudit/herokuaudit/heroku/slug"
)

// peakHeap samples the heap in use until stopped and keeps the highest.
type peakHeap struct {
	max  atomic.Uint64
	stop chan struct{}
	wg   sync.WaitGroup
}

func startPeakHeap() *peakHeap {
	runtime.GC()
	p := &peakHeap{stop: make(chan struct{})}
	p.wg.Go(func() {
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			if m.HeapInuse > p.max.Load() {
				p.max.Store(m.HeapInuse)
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

func (p *peakHeap) done() float64 {
	close(p.stop)
	p.wg.Wait()
	return float64(p.max.Load()) / (1 << 20)
}

// namesSlug is a slug of n entries whose names are nameLen bytes long,
// under dir, each a small file named base.
func namesSlug(b *testing.B, n, nameLen int, base string) []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	tw := tar.NewWriter(zw)
	for i := range n {
		pre := fmt.Sprintf("./app/.heroku/python/lib/python3.13/site-packages/%06d/", i)
		name := pre + strings.Repeat("n", nameLen-len(pre)-len(base)-1) + "/" + base
		h := &tar.Header{Name: name, Typeflag: tar.TypeReg, Mode: 0o644, Size: 4, ModTime: time.Unix(1700000000, 0), Format: tar.FormatPAX}
		if err := tw.WriteHeader(h); err != nil {
			b.Fatal(err)
		}
		tw.Write([]byte("K=v\n"))
	}
	h := &tar.Header{Name: "./app/Procfile", Typeflag: tar.TypeReg, Mode: 0o644, Size: 22, ModTime: time.Unix(1700000000, 0)}
	tw.WriteHeader(h)
	tw.Write([]byte("web: gunicorn app:app\n"))
	tw.Close()
	zw.Close()
	return buf.Bytes()
}

// BenchmarkSnapshotLongNames audits one app whose slug, served over HTTP,
// holds 10,000 entries with 4 KiB names (the name cap), and reports the
// peak heap in use. "noted": every entry a dotenv file (noted, never
// read), whose names the result once kept whole: the slug fails at the
// total cap its names are charged to. "passed": ordinary files read
// through, under a total cap raised so the whole slug is read.
func BenchmarkSnapshotLongNames(b *testing.B) {
	for _, bc := range []struct {
		name     string
		base     string
		maxTotal int64
		wantGap  bool
	}{
		{"noted", ".env", 0, true},
		{"passed", "mod.so", 64 << 20, false},
	} {
		b.Run(bc.name, func(b *testing.B) {
			body := namesSlug(b, 10_000, 4<<10, bc.base)
			api := newFakeAPI(b)
			api.installAs("x", blobURL(b, func(w http.ResponseWriter, r *http.Request) { w.Write(body) }))
			c, err := New(Options{Token: testToken, URL: api.srv.URL, SlugOptions: slug.Options{MaxTotal: bc.maxTotal}})
			if err != nil {
				b.Fatal(err)
			}
			mem := startPeakHeap()
			for b.Loop() {
				snap, err := c.Snapshot(context.Background(), "x")
				if err != nil {
					b.Fatal(err)
				}
				if g, ok := snap.Gaps[audit.PartFiles]; ok != bc.wantGap {
					b.Fatalf("Gaps[files] = %+v", g)
				}
			}
			b.ReportMetric(mem.done(), "peak-heap-MiB")
		})
	}
}

// BenchmarkListingPastCap lists the apps of an account whose /apps answers
// 4 MB pages with an always advancing Next-Range; the listing stops at its
// 64 MiB cap. Reports the peak heap in use and the pages served.
func BenchmarkListingPastCap(b *testing.B) {
	item := `{"id":"01234567-89ab-cdef-0123-456789abcdef","name":"` + strings.Repeat("a", 4000) + `"},`
	page := "[" + strings.Repeat(item, 1000)
	page = page[:len(page)-1] + "]"
	api := newFakeAPI(b)
	var served atomic.Int64
	api.handle("/apps", func(w http.ResponseWriter, r *http.Request) {
		k := served.Add(1)
		w.Header().Set("Next-Range", fmt.Sprintf("id ]%08d..; max=1000", k))
		w.WriteHeader(http.StatusPartialContent)
		fmt.Fprint(w, page)
	})
	c, err := New(Options{Token: testToken, URL: api.srv.URL})
	if err != nil {
		b.Fatal(err)
	}
	mem := startPeakHeap()
	for b.Loop() {
		if _, err := c.ListAllApps(context.Background()); err == nil || !strings.Contains(err.Error(), "64 MiB cap") {
			b.Fatalf("err = %v", err)
		}
	}
	b.ReportMetric(mem.done(), "peak-heap-MiB")
	b.ReportMetric(float64(served.Load())/float64(b.N), "pages/op")
}
