package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// Caps on the files the command itself reads. A suppressions file is a
// few rules; a baseline is a whole fleet's JSON report.
const (
	maxConfigFile   = 1 << 20   // 1 MiB
	maxBaselineFile = 512 << 20 // 512 MiB: about 20,000 apps' findings
)

var errNotRegular = errors.New("not a regular file")

// readInput reads a regular file of at most max bytes. A FIFO, a device or
// a directory is refused without being read (a FIFO would block, /dev/zero
// never ends); with noSymlink, so is a symlink, for files found rather than
// named. The size is checked on the open file, so a file swapped after the
// check cannot slip past the cap.
func readInput(path string, max int64, noSymlink bool) ([]byte, error) {
	if noSymlink {
		fi, err := os.Lstat(path)
		if err != nil {
			return nil, err
		}
		if fi.Mode()&fs.ModeSymlink != 0 {
			return nil, errors.New("a symlink (not followed)")
		}
	}
	f, err := os.OpenFile(path, os.O_RDONLY|openNonBlocking, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, errNotRegular
	}
	if fi.Size() > max {
		return nil, fmt.Errorf("larger than %s", humanBytes(max))
	}
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("larger than %s", humanBytes(max))
	}
	return data, nil
}

// reason is a read error's cause without the path, which the caller names.
func reason(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	if errors.Is(err, fs.ErrNotExist) {
		return "no such file"
	}
	if errors.Is(err, fs.ErrPermission) {
		return "permission denied"
	}
	return err.Error()
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// checkOutput refuses an --output that is not a regular file or a new path:
// the report is renamed over it, which would replace a device (/dev/null as
// root), a directory's entry or a symlink with a regular file.
func checkOutput(path string) error {
	fi, err := os.Lstat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		dir, err := os.Stat(filepath.Dir(path))
		if err != nil || !dir.IsDir() {
			return fmt.Errorf("no directory %s to write in", filepath.Dir(path))
		}
		return nil
	case err != nil:
		return errors.New(reason(err))
	case fi.Mode()&fs.ModeSymlink != 0:
		return errors.New("a symlink: give the path it points to")
	case !fi.Mode().IsRegular():
		return errNotRegular
	}
	return nil
}
