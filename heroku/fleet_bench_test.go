package heroku

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/herokuaudit/herokuaudit/audit"
)

// BenchmarkFleet audits a team of 500 apps against a fake API with 50 ms of
// latency per request (slug downloads too) and a real token bucket: 429
// rate_limit when empty, RateLimit-Remaining on every answer. It reports API
// calls per app, wall time, peak heap and the 429s received.
//
// The 300-token case would take about half an hour of real time at 75
// tokens a minute, so time is scaled there: the server's refill, the
// client's pacing refill and its retry delays all run speed times faster
// (latency does not). Run with:
//
//	go test -run '^$' -bench Fleet -benchtime 1x ./heroku
func BenchmarkFleet(b *testing.B) {
	const (
		apps    = 500
		latency = 50 * time.Millisecond
		refill  = 75.0 / 60 // tokens per second, Heroku's
	)
	for _, bc := range []struct {
		name     string
		capacity float64
		speed    float64
	}{
		{"500apps/bucket4500/realtime", 4500, 1},
		{"500apps/bucket300/time_x120", 300, 120},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				api := newFleetAPI(b, apps)
				api.latency = latency
				api.bucket = newTokenBucket(bc.capacity, bc.capacity, refill*bc.speed)
				c := fleetClient(b, api, DefaultConcurrency, bc.speed)

				var peak atomic.Uint64
				stop := make(chan struct{})
				var sampler sync.WaitGroup
				sampler.Go(func() {
					var ms runtime.MemStats
					tick := time.NewTicker(20 * time.Millisecond)
					defer tick.Stop()
					for {
						runtime.ReadMemStats(&ms)
						if ms.HeapAlloc > peak.Load() {
							peak.Store(ms.HeapAlloc)
						}
						select {
						case <-stop:
							return
						case <-tick.C:
						}
					}
				})

				ctx := context.Background()
				start := time.Now()
				if _, err := c.RateLimitBudget(ctx); err != nil {
					b.Fatal(err)
				}
				f, err := c.NewTeamFleet(ctx, "acme")
				if err != nil {
					b.Fatal(err)
				}
				var done, failed atomic.Int64
				err = f.Each(ctx, f.Apps(), func(i int, s *audit.Snapshot, err error) {
					if err != nil || s.Files == nil || anyFailed(s) {
						failed.Add(1)
						return
					}
					done.Add(1)
				})
				wall := time.Since(start)
				close(stop)
				sampler.Wait()
				if err != nil {
					b.Fatal(err)
				}
				if done.Load() != apps {
					b.Fatalf("%d of %d apps audited, %d failed", done.Load(), apps, failed.Load())
				}
				st := c.Stats()
				served := api.requests.Load() - api.throttled.Load() - 1 // the rate-limit call is free
				b.ReportMetric(float64(served)/apps, "calls/app")
				b.ReportMetric(wall.Seconds(), "wall-s")
				b.ReportMetric(float64(peak.Load())/(1<<20), "peak-heap-MB")
				b.ReportMetric(float64(api.throttled.Load()), "429s")
				b.ReportMetric(float64(api.peak.Load()), "peak-in-flight")
				b.Logf("%d apps audited in %v (%d API calls served + %d 429s; client counted %d calls, %d paced/backoff waits), %d slug downloads, peak heap %.1f MB",
					done.Load(), wall.Round(time.Millisecond), served, api.throttled.Load(), st.APICalls, st.Waits, api.blobHits.Load(), float64(peak.Load())/(1<<20))
				if bc.speed != 1 {
					b.Logf("time scaled x%.0f: server refill %.0f/s and client pacing and retry delays likewise; 50 ms latency unscaled; the refill-bound part of %v would take about %v in real time",
						bc.speed, refill*bc.speed, wall.Round(time.Millisecond), (wall * time.Duration(bc.speed)).Round(time.Second))
				}
			}
		})
	}
}
