package heroku

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/herokuaudit/herokuaudit/heroku/fixture"
)

// BenchmarkSnapshotLatency50ms audits one app against a fake API that takes
// 50 ms per request (API and blob alike) and reports the wall time in units
// of that latency. The floor is 3: releases -> slug -> blob is a chain;
// everything else runs beside it.
func BenchmarkSnapshotLatency50ms(b *testing.B) {
	const latency = 50 * time.Millisecond
	dir, app := "../fixtures", "flask-secure"
	if _, err := os.Stat(dir + "/apps/" + app + ".json"); err != nil {
		dir, app = "testdata/fixtures", "demo"
		b.Logf("shared fixture absent; using %s/%s", dir, app)
	}
	h := fixture.Handler(dir)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(latency)
		h.ServeHTTP(w, r)
	}))
	defer srv.Close()
	c, err := New(Options{Token: "bench-token", URL: srv.URL})
	if err != nil {
		b.Fatal(err)
	}
	var elapsed time.Duration
	for b.Loop() {
		start := time.Now()
		snap, err := c.Snapshot(context.Background(), app)
		elapsed += time.Since(start)
		if err != nil {
			b.Fatal(err)
		}
		if snap.Files == nil {
			b.Fatalf("no files: %v", snap.Gaps)
		}
	}
	b.ReportMetric(float64(elapsed)/float64(b.N)/float64(latency), "latencies/op")
	b.ReportMetric(float64(c.APICalls())/float64(b.N), "calls/op")
}
