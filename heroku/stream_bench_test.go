package heroku

import (
	"context"
	"fmt"
	"maps"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/herokuaudit/herokuaudit/audit"
	"github.com/herokuaudit/herokuaudit/audit/pipeline"
)

// BenchmarkFleetAudit runs the whole audit of a team, the way the command
// does: the real client over a fake API, each app's slug carrying about
// 0.3 MiB of Python source, every check, through audit/pipeline. It reports
// the peak live heap: the pipeline checks each app as soon as it is
// collected and drops its files, so the peak follows the apps in flight,
// not the apps of the team.
//
//	go test -run '^$' -bench FleetAudit -benchtime 1x ./heroku
func BenchmarkFleetAudit(b *testing.B) {
	withSourceInSlugs(b)

	for _, n := range []int{100, 500} {
		b.Run(fmt.Sprintf("%dapps", n), func(b *testing.B) {
			for b.Loop() {
				api := newFleetAPI(b, n)
				c := fleetClient(b, api, DefaultConcurrency, 1)
				peak, stop := sampleHeap()
				ctx := context.Background()
				f, err := c.NewTeamFleet(ctx, "acme")
				if err != nil {
					b.Fatal(err)
				}
				var names []string
				for _, r := range f.Apps() {
					names = append(names, r.Name)
				}
				run, err := pipeline.Audit(ctx, f, pipeline.Options{Apps: names, Parallel: 2 * DefaultConcurrency})
				stop()
				if err != nil {
					b.Fatal(err)
				}
				for _, r := range run.Results {
					if r.Error != "" || len(r.Findings) != len(audit.Catalog()) {
						b.Fatalf("%s: %s", r.App, r.Error)
					}
				}
				b.ReportMetric(float64(peak())/(1<<20), "peak-live-heap-MB")
			}
		})
	}
}

// withSourceInSlugs gives the fake API's slugs 60 modules of ~5 KiB each,
// 0.3 MiB of Python source per app, and 100 installed distributions, for
// the rest of the benchmark.
func withSourceInSlugs(b *testing.B) {
	files := maps.Clone(slugFiles)
	for i := range 60 {
		var src strings.Builder
		fmt.Fprintf(&src, "import os\nfrom flask import Blueprint\n\nbp = Blueprint('m%d', __name__)\n", i)
		for j := 0; src.Len() < 5<<10; j++ {
			fmt.Fprintf(&src, "\n@bp.route('/r%d')\ndef view_%d():\n    return os.environ.get('GREETING', 'hello %d')\n", j, j, j)
		}
		files[fmt.Sprintf("app/views/m%02d.py", i)] = src.String()
	}
	for i := range 100 {
		files[fmt.Sprintf(".heroku/python/lib/python3.13/site-packages/package_%03d-1.%d.0.dist-info/METADATA", i, i%7)] = "Metadata-Version: 2.1\n"
	}
	saved := slugFiles
	slugFiles = files
	b.Cleanup(func() { slugFiles = saved })
}

// sampleHeap samples, every 10 ms until stopped, the heap the last
// collection found live: what the run holds, not garbage waiting for the
// collector (HeapAlloc counts that too, and swings with GOGC).
func sampleHeap() (peak func() uint64, stop func()) {
	var max atomic.Uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	runtime.GC()
	wg.Go(func() {
		sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(sample)
			if v := sample[0].Value.Uint64(); v > max.Load() {
				max.Store(v)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	})
	return max.Load, func() { close(done); wg.Wait() }
}
