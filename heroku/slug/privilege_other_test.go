//go:build !linux

package slug

import (
	"os"
	"testing"
)

// unprivileged skips the test when it runs as root, which reads everything.
func unprivileged(t *testing.T, dir string) {
	t.Helper()
	if os.Geteuid() == 0 {
		t.Skip("running as root, which reads everything")
	}
}
