package slug

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/herokuaudit/herokuaudit/audit"
)

// ReadDir reads a local checkout the way Read reads a slug: the same picks,
// caps and notes, so `--dir` audits the code about to ship. In a git work
// tree only the files git would push are read (tracked, plus untracked ones
// that are not ignored); a .gitignored .env does not deploy and is not
// noted. Outside git every file is a candidate.
func ReadDir(ctx context.Context, root string, opt Options) (*audit.Files, error) {
	opt = opt.withDefaults()
	st, err := os.Stat(root)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%s: no such directory", root)
		}
		return nil, fmt.Errorf("%s: cannot read it", root)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("%s is not a directory", root)
	}
	names, err := gitFiles(ctx, root)
	if err != nil {
		names, err = walkFiles(root)
		if err != nil {
			return nil, err
		}
	}
	if len(names) > opt.MaxEntries {
		return nil, fmt.Errorf("%w (more than %d)", ErrTooManyEntries, opt.MaxEntries)
	}
	p := newPicker(opt)
	p.out.Origin = "dir"
	for _, rel := range names {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		full := filepath.Join(root, filepath.FromSlash(rel))
		fi, err := os.Lstat(full)
		if err != nil {
			continue // deleted but still in the index
		}
		// Each file is handed over as the tar entry it would become in the
		// slug, so both sources follow one set of rules.
		hdr := &tar.Header{Name: "./app/" + rel, Size: fi.Size(), Typeflag: tar.TypeReg}
		switch {
		case fi.Mode()&fs.ModeSymlink != 0:
			hdr.Typeflag, hdr.Size = tar.TypeSymlink, 0
		case fi.Mode()&(fs.ModeDevice|fs.ModeCharDevice) != 0:
			hdr.Typeflag, hdr.Size = tar.TypeChar, 0
		case fi.Mode()&fs.ModeNamedPipe != 0:
			hdr.Typeflag, hdr.Size = tar.TypeFifo, 0
		case !fi.Mode().IsRegular():
			continue
		}
		if hdr.Typeflag != tar.TypeReg || !Want(rel, opt.Extra) || fi.Size() > opt.MaxFile {
			// no read needed: the picker notes, skips or ignores it
			if err := p.entry(hdr, bytes.NewReader(nil)); err != nil {
				return nil, err
			}
			continue
		}
		data, err := os.ReadFile(full)
		if err != nil {
			p.skip(rel, "unreadable")
			continue
		}
		hdr.Size = int64(len(data)) // the file may have changed since Lstat
		if err := p.entry(hdr, bytes.NewReader(data)); err != nil {
			return nil, err
		}
	}
	return p.files(), nil
}

// gitFiles lists what `git push` would deploy from the work tree at root.
func gitFiles(ctx context.Context, root string) ([]string, error) {
	if _, err := exec.LookPath("git"); err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, "git", "-C", root, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
	cmd.Stderr = nil
	out, err := cmd.Output()
	if err != nil {
		return nil, err
	}
	var names []string
	seen := map[string]bool{}
	for _, n := range strings.Split(string(out), "\x00") {
		if n != "" && !seen[n] {
			seen[n] = true
			names = append(names, n)
		}
	}
	return names, nil
}

// walkFiles lists every file below root, minus the directories never picked
// (installed dependencies, caches, .git, which never deploys).
func walkFiles(root string) ([]string, error) {
	var names []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil // unreadable: pass over, as a slug would not have it
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if rel != "." && skipDirs[d.Name()] {
				return filepath.SkipDir
			}
			return nil
		}
		names = append(names, rel)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", root, err)
	}
	return names, nil
}
