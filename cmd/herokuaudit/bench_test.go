package main

import (
	"context"
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/herokuaudit/herokuaudit/heroku/fixture"
)

// BenchmarkAuditLatency audits one app through the whole command against a
// fake API and fake app hosts that each take 50 ms to answer, with and
// without --probe, and reports the wall time in units of that latency: what
// probing adds to an app's audit. (heroku's BenchmarkSnapshotLatency50ms
// measures the snapshot alone: about 3.1.)
//
//	go test -run '^$' -bench AuditLatency ./cmd/herokuaudit
func BenchmarkAuditLatency(b *testing.B) {
	const latency = 50 * time.Millisecond
	slow := func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			time.Sleep(latency)
			h.ServeHTTP(w, r)
		})
	}
	api := httptest.NewServer(slow(fixture.Handler(fixturesDir)))
	defer api.Close()
	site := slow(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.TLS == nil {
			http.Redirect(w, r, "https://"+r.Host+r.URL.Path, http.StatusMovedPermanently)
			return
		}
		w.Header().Set("Strict-Transport-Security", "max-age=31536000")
		io.WriteString(w, "<html>ok</html>")
	}))
	tlsSrv, plain := httptest.NewTLSServer(site), httptest.NewServer(site)
	defer tlsSrv.Close()
	defer plain.Close()
	tr := tlsSrv.Client().Transport.(*http.Transport).Clone()
	tr.TLSClientConfig = &tls.Config{InsecureSkipVerify: true} // the app's hosts are made up
	tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		to := plain.Listener.Addr().String()
		if strings.HasSuffix(addr, ":443") {
			to = tlsSrv.Listener.Addr().String()
		}
		return (&net.Dialer{}).DialContext(ctx, network, to)
	}
	env := map[string]string{"HEROKU_API_KEY": "bench-token"}
	for _, mode := range []struct {
		name string
		args []string
	}{
		{"api", nil},
		{"api+probe", []string{"--probe"}},
	} {
		b.Run(mode.name, func(b *testing.B) {
			var elapsed time.Duration
			for b.Loop() {
				var out, errb strings.Builder
				args := append(append([]string{"herokuaudit", "--api-url", api.URL, "-f", "json", "--fail-on", "none"}, mode.args...), "flask-secure")
				start := time.Now()
				code := run(context.Background(), args, system{Stdout: &out, Stderr: &errb, Getenv: func(k string) string { return env[k] }, ProbeTransport: tr})
				elapsed += time.Since(start)
				if code != exitOK {
					b.Fatalf("exit %d: %s", code, errb.String())
				}
			}
			b.ReportMetric(float64(elapsed)/float64(b.N)/float64(latency), "latencies/op")
		})
	}
}
