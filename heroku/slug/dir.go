package slug

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/herokuaudit/herokuaudit/audit"
)

// Errors of ReadDir and ReadCheckout, wrapped with the directory as given
// ("myapp: empty directory"), so a caller can tell them apart with errors.Is
// and stop instead of auditing nothing.
var (
	ErrNoSuchDir      = errors.New("no such directory")
	ErrNotDir         = errors.New("not a directory")
	ErrUnreadableDir  = errors.New("unreadable directory")
	ErrEmptyDir       = errors.New("empty directory")
	ErrNothingToAudit = errors.New("nothing to audit: no Procfile, requirements or Python files")
)

// ReadDir reads a local checkout the way Read reads a slug: the same picks,
// caps and notes, so `--dir` audits the code about to ship. In a git work
// tree only the files git would push are read (tracked, plus untracked ones
// that are not ignored); a .gitignored .env does not deploy and is not
// noted, an untracked one is listed in Files.Untracked. Outside git every
// file is a candidate; when git is there but cannot list the checkout,
// Files.Notices says so.
//
// Nothing outside the checkout is read: files are opened through an
// os.Root, a symlinked directory inside the checkout is not followed, and
// symlinks, FIFOs and devices are skipped without being opened. A missing,
// empty or unreadable directory, or one with nothing to audit, is an error.
func ReadDir(ctx context.Context, dir string, opt Options) (*audit.Files, error) {
	c, err := openCheckout(dir)
	if err != nil {
		return nil, err
	}
	defer c.root.Close()
	return c.read(ctx, opt)
}

// ReadCheckout reads a checkout for `--dir`: the Procfile first, to find a
// gunicorn config its web command names with `-c`, then every file as
// ReadDir does, with that config picked too.
func ReadCheckout(ctx context.Context, dir string) (*audit.Files, error) {
	c, err := openCheckout(dir)
	if err != nil {
		return nil, err
	}
	defer c.root.Close()
	var opt Options
	// Only a regular Procfile is read here; anything else is skipped, with
	// its reason, by the read that follows.
	if fi, err := c.root.Lstat("Procfile"); err == nil && fi.Mode().IsRegular() {
		if data, err := readRegular(c.root, "Procfile", defaultMaxFile); err == nil && len(data) <= defaultMaxFile {
			web := audit.WebCommand(&audit.Files{Entries: map[string][]byte{"Procfile": data}})
			if extra := audit.GunicornConfigFile(web); extra != "" {
				opt.Extra = []string{extra}
			}
		}
	}
	return c.read(ctx, opt)
}

// checkout is a directory opened for reading.
type checkout struct {
	dir  string   // as the user gave it, for messages
	path string   // resolved: absolute, no symlinks
	root *os.Root // every file is opened through it
}

func openCheckout(dir string) (*checkout, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, rootError(dir, err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("%s: %w", dir, ErrNotDir)
	}
	// The root itself may be a symlink (`--dir link-to-checkout`): resolve
	// it once; below it, no symlinked directory is followed.
	resolved, err := filepath.EvalSymlinks(dir)
	if err == nil {
		resolved, err = filepath.Abs(resolved)
	}
	if err != nil {
		return nil, rootError(dir, err)
	}
	root, err := os.OpenRoot(resolved)
	if err != nil {
		return nil, rootError(dir, err)
	}
	return &checkout{dir: dir, path: resolved, root: root}, nil
}

func rootError(dir string, err error) error {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("%s: %w", dir, ErrNoSuchDir)
	case errors.Is(err, syscall.ENOTDIR):
		return fmt.Errorf("%s: %w", dir, ErrNotDir)
	}
	return fmt.Errorf("%s: %w: %s", dir, ErrUnreadableDir, why(err))
}

// why names the cause of a failed file operation in a few words, without
// the path: "permission denied".
func why(err error) string {
	if errors.Is(err, fs.ErrPermission) {
		return "permission denied"
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return errno.Error()
	}
	if s := err.Error(); len(s) <= 80 && !strings.ContainsAny(s, `/\`) {
		return s
	}
	return "read failed"
}

// listing is what is to be read from a checkout.
type listing struct {
	names     []string
	untracked map[string]bool     // untracked but not ignored (git only)
	skipped   []audit.SkippedFile // directories that could not be listed
	notice    string
}

func (c *checkout) read(ctx context.Context, opt Options) (*audit.Files, error) {
	opt = opt.withDefaults()
	if err := c.checkNotEmpty(); err != nil {
		return nil, err
	}
	l, err := c.list(ctx, opt)
	if err != nil {
		return nil, err
	}
	if len(l.names) > opt.MaxEntries {
		return nil, fmt.Errorf("%s: %w (more than %d)", c.dir, ErrTooManyEntries, opt.MaxEntries)
	}
	p := newPicker(opt)
	p.out.Origin = "dir"
	if l.notice != "" {
		p.out.Notices = append(p.out.Notices, l.notice)
	}
	for _, s := range l.skipped {
		p.skip(s.Path, s.Reason)
	}
	parents := map[string]parentState{}
	for i, rel := range l.names {
		if i%256 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		if err := c.pick(p, rel, parents); err != nil {
			return nil, fmt.Errorf("%s: %w", c.dir, err)
		}
	}
	for _, n := range p.out.Noted {
		if l.untracked[n] {
			p.out.Untracked = append(p.out.Untracked, n)
		}
	}
	files := p.files()
	if !hasEvidence(files) {
		return nil, fmt.Errorf("%s: %w", c.dir, ErrNothingToAudit)
	}
	return files, nil
}

func (c *checkout) checkNotEmpty() error {
	f, err := c.root.Open(".")
	if err != nil {
		return rootError(c.dir, err)
	}
	defer f.Close()
	if _, err := f.Readdirnames(1); err != nil {
		if errors.Is(err, io.EOF) {
			return fmt.Errorf("%s: %w", c.dir, ErrEmptyDir)
		}
		return rootError(c.dir, err)
	}
	return nil
}

// parentState is what stands in the way of a directory's files, if anything.
type parentState struct {
	gone   bool   // no longer a directory: its files were deleted
	reason string // why its files are skipped
}

// parent checks each directory above rel once: a symlinked directory is
// not followed, even to a place inside the checkout, as the walk does not
// follow one either.
func (c *checkout) parent(rel string, seen map[string]parentState) parentState {
	for i := 0; i < len(rel); i++ {
		if rel[i] != '/' {
			continue
		}
		dir := rel[:i]
		st, ok := seen[dir]
		if !ok {
			fi, err := c.root.Lstat(dir)
			switch {
			case errors.Is(err, fs.ErrNotExist), errors.Is(err, syscall.ENOTDIR):
				st.gone = true
			case err != nil:
				st.reason = "unreadable: " + why(err)
			case fi.Mode()&fs.ModeSymlink != 0:
				st.reason = "in a symlinked directory (not followed)"
			case !fi.IsDir():
				st.gone = true
			}
			seen[dir] = st
		}
		if st.gone || st.reason != "" {
			return st
		}
	}
	return parentState{}
}

// pick hands one listed file to the picker as the tar entry it would become
// in the slug, so both sources follow one set of rules.
func (c *checkout) pick(p *picker, rel string, parents map[string]parentState) error {
	hdr := &tar.Header{Name: "./app/" + rel, Typeflag: tar.TypeReg}
	none := bytes.NewReader(nil)
	if _, ok := cleanRel(rel); !ok {
		return p.entry(hdr, none) // the picker skips absolute and escaping names
	}
	wanted := Want(rel, p.opt.Extra)
	if st := c.parent(rel, parents); st.gone || st.reason != "" {
		if wanted && st.reason != "" {
			p.skip(rel, st.reason)
		}
		return nil
	}
	fi, err := c.root.Lstat(rel)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, syscall.ENOTDIR) && wanted {
			p.skip(rel, "unreadable: "+why(err))
		}
		return nil // deleted but still in the index
	}
	switch m := fi.Mode(); {
	case m&fs.ModeSymlink != 0:
		hdr.Typeflag = tar.TypeSymlink
	case m&fs.ModeDevice != 0:
		hdr.Typeflag = tar.TypeChar
	case m&fs.ModeNamedPipe != 0:
		hdr.Typeflag = tar.TypeFifo
	case m.IsRegular():
		hdr.Size = fi.Size()
	default:
		return nil // a directory (a submodule), a socket
	}
	if hdr.Typeflag != tar.TypeReg || !wanted || hdr.Size > p.opt.MaxFile {
		// no read needed: the picker notes, skips or ignores it
		return p.entry(hdr, none)
	}
	data, err := readRegular(c.root, rel, p.opt.MaxFile)
	switch {
	case errors.Is(err, errNotRegular):
		p.skip(rel, "not a regular file")
		return nil
	case err != nil:
		p.skip(rel, "unreadable: "+why(err))
		return nil
	}
	// The file may have changed since Lstat: its size is what was read,
	// at most one byte over the cap, which the picker then skips.
	hdr.Size = int64(len(data))
	return p.entry(hdr, bytes.NewReader(data))
}

var errNotRegular = errors.New("not a regular file")

// readRegular reads at most max+1 bytes of a regular file. It opens without
// blocking, so a file swapped for a FIFO since it was listed cannot hang
// the read, and refuses anything but a regular file once open.
func readRegular(root *os.Root, rel string, max int64) ([]byte, error) {
	f, err := root.OpenFile(rel, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, errNotRegular
	}
	return io.ReadAll(io.LimitReader(f, max+1))
}

// hasEvidence reports whether the files hold anything the checks audit:
// a Procfile, a Python version, dependency or Python file, picked or
// skipped (a skipped one is still there, and its checks report error).
// A directory that could not be listed may hold any of them.
func hasEvidence(f *audit.Files) bool {
	if f.SkippedMore > 0 {
		return true
	}
	for p := range f.Entries {
		if isEvidence(p) {
			return true
		}
	}
	for _, s := range f.Skipped {
		if isEvidence(s.Path) || strings.HasSuffix(s.Path, "/") {
			return true
		}
	}
	return false
}

func isEvidence(p string) bool {
	dir, base := path.Split(p)
	if strings.HasSuffix(base, ".py") {
		return true
	}
	switch dir {
	case "":
		switch base {
		case "Procfile", "runtime.txt", ".python-version", "Pipfile", "Pipfile.lock",
			"pyproject.toml", "poetry.lock", "uv.lock":
			return true
		}
		return strings.HasPrefix(base, "requirements") && strings.HasSuffix(base, ".txt")
	case "requirements/":
		return strings.HasSuffix(base, ".txt")
	}
	return false
}
