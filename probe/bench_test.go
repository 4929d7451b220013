package probe

import (
	"context"
	"net/http"
	"testing"
	"time"
)

// probeLatency is each answer's delay, standing for a round trip to a
// distant dyno.
const probeLatency = 40 * time.Millisecond

func slowSite(t testing.TB) *site {
	return newSite(t, func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(probeLatency)
		if r.URL.Path == "/" && r.URL.RawQuery == "" && r.TLS != nil {
			http.Redirect(w, r, "/login", http.StatusFound) // the root's one same-host hop
		}
	})
}

// TestProbeCostsTwoRoundTrips: the requests go out at once, except the
// root's redirect, so a host costs about two round trips, not six.
func TestProbeCostsTwoRoundTrips(t *testing.T) {
	s := slowSite(t)
	p := prober(s, Options{})
	start := time.Now()
	if _, err := p.Probe(context.Background(), []Target{s.target()}); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 3*probeLatency+100*time.Millisecond {
		t.Errorf("the probe took %s, more than about two round trips of %s", d, probeLatency)
	}
}

// BenchmarkProbeLatency reports what probing one app adds, in round trips
// of probeLatency.
func BenchmarkProbeLatency(b *testing.B) {
	s := slowSite(b)
	p := prober(s, Options{})
	start := time.Now()
	for b.Loop() {
		if _, err := p.Probe(context.Background(), []Target{s.target()}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(time.Since(start))/float64(b.N)/float64(probeLatency), "round-trips/op")
}
