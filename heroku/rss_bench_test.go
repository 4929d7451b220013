package heroku

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
)

// BenchmarkFleetAuditRSS runs the herokuaudit command itself, built from
// ./cmd/herokuaudit, over a fake API of 100 and 500 apps (each slug with
// about 0.3 MiB of Python source and 100 installed packages, looked up in
// an offline advisory database), and reports the process's peak resident
// memory as the kernel counted it: what a nightly job's machine must have.
//
//	go test -run '^$' -bench FleetAuditRSS -benchtime 1x ./heroku
func BenchmarkFleetAuditRSS(b *testing.B) {
	if runtime.GOOS != "linux" {
		b.Skip("peak RSS is read from Linux's rusage")
	}
	bin := filepath.Join(b.TempDir(), "herokuaudit")
	if out, err := exec.Command("go", "build", "-o", bin, "../cmd/herokuaudit").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	withSourceInSlugs(b)
	for _, n := range []int{100, 500} {
		b.Run(fmt.Sprintf("%dapps", n), func(b *testing.B) {
			api := newFleetAPI(b, n)
			out := filepath.Join(b.TempDir(), "report.json")
			var rss int64
			for b.Loop() {
				cmd := exec.Command(bin, "--team", "acme", "--api-url", api.srv.URL, "--vuln-db", "../fixtures/osv", "-f", "json", "-o", out)
				cmd.Env = append(os.Environ(), "HEROKU_API_KEY="+testToken, "NO_COLOR=1")
				stderr, err := cmd.CombinedOutput()
				if code := cmd.ProcessState.ExitCode(); code != 0 && code != 1 {
					b.Fatalf("exit %d: %v\n%s", code, err, stderr)
				}
				var doc struct{ Apps []json.RawMessage }
				data, _ := os.ReadFile(out)
				if err := json.Unmarshal(data, &doc); err != nil || len(doc.Apps) != n {
					b.Fatalf("%d apps in the report: %v\n%s", len(doc.Apps), err, stderr)
				}
				rss = max(rss, cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss) // KiB
			}
			b.ReportMetric(float64(rss)/1024, "peak-RSS-MiB")
		})
	}
}
