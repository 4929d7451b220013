package slug

import (
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
)

// unprivileged makes file permissions apply to the calling goroutine, so
// "permission denied" can be tested when the tests run as root (as CI
// often does): the goroutine is locked to its thread and the thread's
// filesystem user becomes nobody, which drops root's right to read
// anything until the test's cleanups. The thread is never unlocked: it
// ends with the test's goroutine. dir and its parent are opened to
// others so nobody can reach into them.
func unprivileged(t *testing.T, dir string) {
	t.Helper()
	if os.Geteuid() != 0 {
		return
	}
	for _, d := range []string{filepath.Dir(dir), dir} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	probe := filepath.Join(t.TempDir(), "probe")
	if err := os.WriteFile(probe, nil, 0); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(filepath.Dir(probe), 0o755); err != nil {
		t.Fatal(err)
	}
	runtime.LockOSThread()
	const nobody = 65534
	_ = syscall.Setfsgid(nobody) // these report the previous id, not errors
	_ = syscall.Setfsuid(nobody)
	// Cleanups run on this goroutine, the last registered first: give the
	// thread root's access back before the temporary directories go.
	t.Cleanup(func() {
		_ = syscall.Setfsuid(0)
		_ = syscall.Setfsgid(0)
	})
	if f, err := os.Open(probe); err == nil {
		f.Close()
		t.Skip("cannot drop root's file access on this system")
	}
}
