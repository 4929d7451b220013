package slug

import (
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

const (
	// maxGitListing bounds git's output: a hostile index of huge names
	// must not exhaust memory before the entry count is checked.
	maxGitListing = 64 << 20
	maxGitStderr  = 64 << 10
)

// list names the files to read: what git would push when git can list the
// checkout, else every file below the root.
func (c *checkout) list(ctx context.Context, opt Options) (*listing, error) {
	l, refused, err := c.gitList(ctx)
	if err != nil || l != nil {
		return l, err
	}
	l, err = c.walk(ctx, opt)
	if err != nil {
		return nil, err
	}
	if refused != "" {
		l.notice = "git could not list the checkout (" + refused + "): every file was read, including ignored ones"
	}
	return l, nil
}

// gitList lists the files git would push. It returns no listing and no
// reason when the checkout is not in a git work tree, and no listing with
// the reason when git is missing or refuses a checkout that has a .git.
func (c *checkout) gitList(ctx context.Context) (*listing, string, error) {
	if _, err := exec.LookPath("git"); err != nil {
		if c.hasGitDir() {
			return nil, "git is not installed", nil
		}
		return nil, "", nil
	}
	var out capBuffer
	if err := c.git(ctx, &out, nil, "rev-parse", "--is-inside-work-tree", "--show-prefix"); err != nil {
		if ctx.Err() != nil {
			return nil, "", ctx.Err()
		}
		var ge *gitError
		switch {
		case errors.As(err, &ge) && strings.Contains(ge.stderr, "dubious ownership"):
			return nil, "dubious ownership: the repository belongs to another user and is not a safe.directory", nil
		case errors.As(err, &ge) && strings.Contains(ge.stderr, "not a git repository"):
			if c.hasGitDir() {
				return nil, "a .git is there, but git finds no repository in it", nil
			}
			return nil, "", nil
		}
		return nil, err.Error(), nil
	}
	lines := strings.Split(out.String(), "\n")
	if lines[0] != "true" || len(lines) < 2 {
		return nil, "not a work tree", nil
	}
	prefix := lines[1]

	l := &listing{untracked: map[string]bool{}}
	seen := map[string]bool{}
	var warnings []string
	for _, others := range []bool{false, true} {
		args := []string{"ls-files", "-z", "--cached"}
		if others {
			args = []string{"ls-files", "-z", "--others", "--exclude-standard"}
		}
		out := capBuffer{max: maxGitListing}
		errOut := capBuffer{max: maxGitStderr}
		if err := c.git(ctx, &out, &errOut, args...); err != nil {
			if ctx.Err() != nil {
				return nil, "", ctx.Err()
			}
			return nil, err.Error(), nil
		}
		if out.over {
			return nil, "", fmt.Errorf("%s: %w (git lists more than %s of names)", c.dir, ErrTooManyEntries, human(maxGitListing))
		}
		for n := range strings.SplitSeq(out.String(), "\x00") {
			if n == "" || seen[n] {
				continue
			}
			seen[n] = true
			l.names = append(l.names, n)
			if others {
				l.untracked[n] = true
			}
		}
		warnings = append(warnings, strings.Split(errOut.String(), "\n")...)
	}
	l.skipped = gitUnreadable(warnings, prefix)
	return l, "", nil
}

// gitUnreadable turns git's warnings about directories it could not open
// into skipped entries, with paths relative to the checkout (git names
// them from the top of the repository, prefix being the checkout's place
// in it).
func gitUnreadable(stderr []string, prefix string) []audit.SkippedFile {
	var out []audit.SkippedFile
	for _, line := range stderr {
		rest, ok := strings.CutPrefix(line, "warning: could not open directory '")
		if !ok {
			continue
		}
		i := strings.LastIndex(rest, "': ")
		if i < 0 {
			continue
		}
		dir := strings.TrimPrefix(rest[:i], prefix)
		reason := strings.ToLower(strings.TrimSpace(rest[i+len("': "):]))
		if dir == "" || reason == "" {
			continue
		}
		out = append(out, audit.SkippedFile{Path: dir, Reason: "unreadable: " + reason})
	}
	return out
}

// hasGitDir reports whether the checkout or a directory above it has a
// .git, that is, whether git was expected to list it.
func (c *checkout) hasGitDir() bool {
	if _, err := c.root.Lstat(".git"); err == nil {
		return true
	}
	for d := filepath.Dir(c.path); ; d = filepath.Dir(d) {
		if _, err := os.Lstat(filepath.Join(d, ".git")); err == nil {
			return true
		}
		if d == filepath.Dir(d) {
			return false
		}
	}
}

// git runs git in the checkout with the checkout's own configuration kept
// from running commands: a .git/config is as untrusted as the files, and
// core.fsmonitor or a hook would otherwise run what it names. System and
// global configuration are the user's own and stay (safe.directory lives
// there).
func (c *checkout) git(ctx context.Context, stdout, stderr *capBuffer, args ...string) error {
	full := append([]string{
		"-C", c.path, "--no-pager",
		"-c", "core.fsmonitor=false",
		"-c", "core.hooksPath=" + os.DevNull,
	}, args...)
	cmd := exec.CommandContext(ctx, "git", full...)
	cmd.Env = append(os.Environ(),
		"GIT_TERMINAL_PROMPT=0",  // never ask for anything
		"GIT_OPTIONAL_LOCKS=0",   // a listing writes nothing, not even the index
		"LC_ALL=C", "LANGUAGE=C", // messages are matched in English
	)
	if stderr == nil {
		stderr = &capBuffer{max: maxGitStderr}
	}
	if stdout.max == 0 {
		stdout.max = maxGitListing
	}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	if err := cmd.Run(); err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return &gitError{code: ee.ExitCode(), stderr: stderr.String()}
		}
		return errors.New("git could not run")
	}
	return nil
}

// gitError is a git run that failed; its message carries no path.
type gitError struct {
	code   int
	stderr string
}

func (e *gitError) Error() string { return fmt.Sprintf("git exited with status %d", e.code) }

// capBuffer keeps the first max bytes written and discards the rest, so a
// child writing without end neither blocks nor grows memory.
type capBuffer struct {
	buf  bytes.Buffer
	max  int
	over bool
}

func (b *capBuffer) Write(p []byte) (int, error) {
	if room := b.max - b.buf.Len(); len(p) > room {
		b.over = true
		p = p[:max(room, 0)]
		b.buf.Write(p)
		return len(p), nil
	}
	return b.buf.Write(p)
}

func (b *capBuffer) String() string { return b.buf.String() }

// walk lists every file below the root, minus the directories never picked
// (installed dependencies, caches, .git, which never deploys). Symlinked
// directories are not followed; directories that cannot be listed are
// recorded as skipped.
func (c *checkout) walk(ctx context.Context, opt Options) (*listing, error) {
	l := &listing{}
	err := fs.WalkDir(c.root.FS(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == "." {
				return err
			}
			name := p
			if d != nil && d.IsDir() {
				name += "/"
			}
			l.skipped = append(l.skipped, audit.SkippedFile{Path: name, Reason: "unreadable: " + why(err)})
			return nil
		}
		if d.IsDir() {
			if err := ctx.Err(); err != nil {
				return err
			}
			if p != "." && skipDirs[d.Name()] {
				return fs.SkipDir
			}
			return nil
		}
		if d.Name() == ".git" {
			return nil // a worktree's or submodule's pointer file: never pushed
		}
		l.names = append(l.names, p)
		if len(l.names) > opt.MaxEntries {
			return fmt.Errorf("%w (more than %d)", ErrTooManyEntries, opt.MaxEntries)
		}
		return nil
	})
	switch {
	case err == nil:
		return l, nil
	case errors.Is(err, ErrTooManyEntries):
		return nil, fmt.Errorf("%s: %w", c.dir, err)
	case ctx.Err() != nil:
		return nil, ctx.Err()
	}
	return nil, rootError(c.dir, err)
}
