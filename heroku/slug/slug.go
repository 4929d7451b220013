// Package slug streams a Heroku slug (a gzipped tar with the app under
// ./app/) and picks out the small files the checks read: the Procfile,
// Python version and dependency files, gunicorn configs and Python sources.
//
// The slug is never held whole nor written to disk: entries that are not
// picked are read through and discarded, so memory stays bounded by the
// picking caps however large the slug is.
package slug

import (
	"archive/tar"
	"bufio"
	"compress/flate"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/herokuaudit/herokuaudit/audit"
)

// Options bound what Read picks. Zero fields take their defaults, so
// Options{} behaves like DefaultOptions().
type Options struct {
	MaxFile    int64    // per picked file; default 1 MiB
	MaxTotal   int64    // all picked bytes; default 20 MiB
	MaxEntries int      // tar entries read before giving up; default 500_000
	Extra      []string // more paths to pick (relative to app root), e.g. a gunicorn config named by `-c gunicorn.cfg`

	// MaxUncompressed bounds the uncompressed bytes read before giving up,
	// so a highly compressible slug cannot keep the reader busy for hours.
	// Default 8 GiB: slugs are at most 1 GB compressed.
	MaxUncompressed int64

	// MaxName bounds one entry's name (PAX and GNU long names included);
	// default 4 KiB. A longer one is skipped and listed, shortened. The
	// header text of every entry beyond its first 512 bytes (long names,
	// link targets, PAX records) is charged to MaxTotal: a slug of many
	// long names fails at that cap instead of costing gigabytes.
	MaxName int
}

const (
	defaultMaxFile         = 1 << 20
	defaultMaxTotal        = 20 << 20
	defaultMaxEntries      = 500_000
	defaultMaxUncompressed = 8 << 30
	defaultMaxName         = 4 << 10

	// freeHeader is the header text of an entry that is not charged to
	// MaxTotal: real slugs' names are well under it.
	freeHeader = 512
	// maxNoted bounds Files.Noted; the rest are counted in a notice.
	maxNoted = 100

	// maxSkipped bounds Files.Skipped: a hostile slug of a million symlinks
	// must not grow the report without limit.
	maxSkipped = 100
	// maxShownName bounds how much of a hostile entry name is echoed back.
	maxShownName = 200
)

// DefaultOptions returns the default caps.
func DefaultOptions() Options {
	return Options{
		MaxFile:         defaultMaxFile,
		MaxTotal:        defaultMaxTotal,
		MaxEntries:      defaultMaxEntries,
		MaxUncompressed: defaultMaxUncompressed,
		MaxName:         defaultMaxName,
	}
}

func (o Options) withDefaults() Options {
	d := DefaultOptions()
	if o.MaxFile <= 0 {
		o.MaxFile = d.MaxFile
	}
	if o.MaxTotal <= 0 {
		o.MaxTotal = d.MaxTotal
	}
	if o.MaxEntries <= 0 {
		o.MaxEntries = d.MaxEntries
	}
	if o.MaxUncompressed <= 0 {
		o.MaxUncompressed = d.MaxUncompressed
	}
	if o.MaxName <= 0 {
		o.MaxName = d.MaxName
	}
	return o
}

// Sentinel errors, for callers that want to tell the causes apart with
// errors.Is. Their messages are short and never carry a URL.
var (
	ErrNotGzip        = errors.New("slug: not a gzip stream")
	ErrCorrupt        = errors.New("slug: corrupt archive")
	ErrTruncated      = errors.New("slug: archive ends early")
	ErrTooManyEntries = errors.New("slug: too many entries")
	ErrTooLarge       = errors.New("slug: too large uncompressed")
	// ErrNamesTooLarge is a slug whose entry names (and other header text)
	// went past the MaxTotal cap they are charged to.
	ErrNamesTooLarge = errors.New("slug: entry names too large")
)

// Decompression runs this far ahead of the tar parser (see aheadReader).
const (
	aheadChunk = 512 << 10
	aheadDepth = 1
)

// Read streams a gzipped tar slug and returns the picked files keyed by path
// relative to the app root ("Procfile", "templates/index.html"). Hostile or
// odd entries are skipped and listed in Files.Skipped; dotenv files and a
// .git directory are listed in Files.Noted, never read. A corrupt stream
// returns an error and no files.
func Read(r io.Reader, opt Options) (*audit.Files, error) {
	opt = opt.withDefaults()
	br := bufio.NewReaderSize(r, 64<<10)
	zr, err := gzip.NewReader(br)
	if err != nil {
		return nil, classify(err, true)
	}
	defer zr.Close()
	ahead := readAhead(zr, aheadChunk, aheadDepth)
	defer ahead.Close()
	cr := &countingReader{r: ahead, limit: opt.MaxUncompressed}
	p := newPicker(opt)
	tr := tar.NewReader(cr)
	for n := 0; ; n++ {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		// With GODEBUG=tarinsecurepath=0 the reader flags "../x" names but
		// still returns the header; entry() skips those itself.
		if errors.Is(err, tar.ErrInsecurePath) && hdr != nil {
			err = nil
		}
		if err != nil {
			return nil, classify(err, false)
		}
		if n >= opt.MaxEntries {
			return nil, fmt.Errorf("%w (more than %d)", ErrTooManyEntries, opt.MaxEntries)
		}
		if err := p.entry(hdr, tr); err != nil {
			return nil, classify(err, false)
		}
	}
	// Drain what follows the tar end marker so gzip verifies its checksum:
	// a slug truncated after the last entry is still reported as corrupt.
	if _, err := io.Copy(io.Discard, cr); err != nil {
		return nil, classify(err, false)
	}
	return p.files(), nil
}

// picker accumulates the picked files and the notes about the others.
type picker struct {
	opt          Options
	out          *audit.Files
	total        int64
	sourceBudget int64
	noted        map[string]bool
	notedMore    int
	skippedMore  int
	installed    map[string]bool // .dist-info directories already listed
	extra        map[string]bool // Options.Extra, cleaned
}

func newPicker(opt Options) *picker {
	// Sources (Python files, templates) may use all but a reserve of the
	// total budget, so a large code base read first in tar order cannot
	// crowd out the Procfile or requirements read after it.
	reserve := min(opt.MaxTotal/4, 1<<20)
	extra := map[string]bool{}
	for _, e := range opt.Extra {
		if ce, ok := cleanRel(e); ok {
			extra[ce] = true
		}
	}
	return &picker{
		opt:          opt,
		out:          &audit.Files{Origin: "slug", Entries: map[string][]byte{}},
		sourceBudget: opt.MaxTotal - reserve,
		noted:        map[string]bool{},
		extra:        extra,
	}
}

func (p *picker) files() *audit.Files {
	p.out.SkippedMore = p.skippedMore
	if p.notedMore > 0 {
		p.out.Notices = append(p.out.Notices, fmt.Sprintf(
			"%d more entries seen but not read (dotenv files and the like) are not listed: more than %d", p.notedMore, maxNoted))
	}
	return p.out
}

func (p *picker) skip(name, reason string) {
	if len(p.out.Skipped) >= maxSkipped {
		p.skippedMore++
		return
	}
	p.out.Skipped = append(p.out.Skipped, audit.SkippedFile{Path: showName(name), Reason: reason})
}

func (p *picker) note(rel string) {
	if len(p.out.Noted) >= maxNoted && !p.noted[rel] {
		p.notedMore++
		return
	}
	if !p.noted[rel] {
		p.noted[rel] = true
		p.out.Noted = append(p.out.Noted, rel)
	}
}

// entry handles one tar entry. It returns an error only when reading the
// entry's data fails; everything about the entry itself is a skip.
func (p *picker) entry(hdr *tar.Header, data io.Reader) error {
	if err := p.chargeHeader(hdr); err != nil {
		return err
	}
	if len(hdr.Name) > p.opt.MaxName {
		p.skip(strings.TrimPrefix(hdr.Name, "./"), fmt.Sprintf("name longer than the %s cap", human(int64(p.opt.MaxName))))
		return nil
	}
	rel, verdict := appRel(hdr.Name)
	shown := strings.TrimPrefix(hdr.Name, "./")
	switch verdict {
	case relOutside:
		// "./" is in every slug; anything else beside the app is odd
		// enough to mention, as a slug packed without app/ picks nothing.
		if hdr.Typeflag == tar.TypeReg {
			p.skip(shown, "outside app root")
		}
		return nil
	case relAbsolute:
		p.skip(shown, "absolute path")
		return nil
	case relEscapes:
		p.skip(shown, "path escapes app root")
		return nil
	}

	if rel == ".git" || strings.HasPrefix(rel, ".git/") {
		p.note(".git/")
		return nil
	}
	if d, ok := distInfo(rel); ok {
		p.install(d)
		return nil
	}
	if rel == "" || inSkipDir(rel) {
		return nil
	}
	if isEnvFile(path.Base(rel)) {
		p.note(rel)
		return nil
	}

	wanted := p.extra[rel] || wantKept(rel) // skipped dirs and dotenv files are out already
	switch hdr.Typeflag {
	case tar.TypeReg: // the reader already maps the old TypeRegA to TypeReg
	case tar.TypeDir:
		return nil
	case tar.TypeSymlink:
		if wanted {
			p.skip(rel, "symlink")
		}
		return nil
	case tar.TypeLink:
		if wanted {
			p.skip(rel, "hard link")
		}
		return nil
	case tar.TypeChar, tar.TypeBlock:
		p.skip(rel, "device file")
		return nil
	case tar.TypeFifo:
		p.skip(rel, "fifo")
		return nil
	default:
		if wanted {
			p.skip(rel, "not a regular file")
		}
		return nil
	}
	if !wanted {
		return nil
	}

	size := hdr.Size
	if size > p.opt.MaxFile {
		p.skip(rel, fmt.Sprintf("larger than the %s per-file cap", human(p.opt.MaxFile)))
		return nil
	}
	// A picked file costs its size and its name (the key it is kept
	// under): many empty files cannot grow the result past the cap.
	cost := size + int64(len(rel))
	var prev int64 // a repeated entry replaces the earlier one
	if old, ok := p.out.Entries[rel]; ok {
		prev = int64(len(old)) + int64(len(rel))
	}
	budget := p.opt.MaxTotal
	if isSource(rel) && !p.isExtra(rel) {
		budget = p.sourceBudget
	}
	if p.total-prev+cost > budget {
		p.skip(rel, fmt.Sprintf("over the %s total cap", human(p.opt.MaxTotal)))
		return nil
	}
	buf := make([]byte, size)
	if _, err := io.ReadFull(data, buf); err != nil {
		return err
	}
	p.total += cost - prev
	p.out.Entries[rel] = buf
	return nil
}

// chargeHeader charges the header text of an entry beyond its first
// freeHeader bytes to the total budget, and fails once that is spent.
func (p *picker) chargeHeader(hdr *tar.Header) error {
	n := len(hdr.Name) + len(hdr.Linkname) + len(hdr.Uname) + len(hdr.Gname)
	for k, v := range hdr.PAXRecords {
		switch k {
		case "path", "linkpath", "uname", "gname": // counted above
		default:
			n += len(k) + len(v)
		}
	}
	if n <= freeHeader {
		return nil
	}
	p.total += int64(n - freeHeader)
	if p.total > p.opt.MaxTotal {
		return fmt.Errorf("%w: over the %s total cap (header text beyond %d bytes an entry is charged to it)",
			ErrNamesTooLarge, human(p.opt.MaxTotal), freeHeader)
	}
	return nil
}

// maxInstalled bounds the distributions listed: a real app has a few
// hundred; past this the slug is hostile or not an app.
const maxInstalled = 5000

// install records a distribution once, however many of its files the
// slug holds.
func (p *picker) install(d audit.Dist) {
	if p.installed == nil {
		p.installed = map[string]bool{}
	}
	if p.installed[d.Path] || len(p.installed) >= maxInstalled {
		return
	}
	p.installed[d.Path] = true
	p.out.Installed = append(p.out.Installed, d)
}

// distInfo recognises an entry of an installed distribution's metadata
// directory, .heroku/python/lib/python3.X/site-packages/NAME-VERSION.dist-info/…,
// and reads the name and version from the directory's name. The wheel spec
// escapes "-" in names to "_", so the first "-" ends the name.
func distInfo(rel string) (audit.Dist, bool) {
	rest, ok := strings.CutPrefix(rel, ".heroku/python/lib/python")
	if !ok {
		return audit.Dist{}, false
	}
	_, rest, ok = strings.Cut(rest, "/site-packages/")
	if !ok {
		return audit.Dist{}, false
	}
	dir, _, _ := strings.Cut(rest, "/")
	base, ok := strings.CutSuffix(dir, ".dist-info")
	if !ok || strings.Contains(dir, "..") {
		return audit.Dist{}, false
	}
	name, version, ok := strings.Cut(base, "-")
	if !ok || name == "" || version == "" || strings.ContainsAny(version, "-/") || len(base) > 200 {
		return audit.Dist{}, false
	}
	return audit.Dist{Name: name, Version: version, Path: rel[:len(rel)-len(rest)+len(dir)]}, true
}

func (p *picker) isExtra(rel string) bool { return p.extra[rel] }

type relVerdict int

const (
	relInside relVerdict = iota
	relOutside
	relAbsolute
	relEscapes
)

// appRel maps a tar entry name to a path relative to the app root:
// "./app/Procfile" and "app/Procfile" → "Procfile"; "./app/" → "".
func appRel(name string) (string, relVerdict) {
	if strings.HasPrefix(name, "/") {
		return "", relAbsolute
	}
	if hasDotDot(name) {
		return "", relEscapes
	}
	if rest, ok := strings.CutPrefix(name, "./app/"); ok && cleanRelPath(rest) {
		return rest, relInside // the usual entry, without allocating
	}
	n := strings.TrimPrefix(path.Clean(name), "./")
	switch {
	case n == "app":
		return "", relInside
	case strings.HasPrefix(n, "app/"):
		return n[len("app/"):], relInside
	}
	return "", relOutside
}

// showName makes an entry name safe to print: valid UTF-8, no control
// characters (quoted when present), and bounded in length.
func showName(name string) string {
	if len(name) > maxShownName {
		cut := maxShownName
		for cut > 0 && !utf8.RuneStart(name[cut]) {
			cut--
		}
		name = name[:cut] + "…"
	}
	for _, r := range name {
		if r == utf8.RuneError || r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return strconv.QuoteToGraphic(name)
		}
	}
	return name
}

func human(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d-byte", n)
}

// classify turns a read failure into a short error that names the kind of
// damage. The cause stays reachable with errors.Is/As, but its text is only
// shown when it is short and carries no URL: a slug comes from a presigned
// URL, and an HTTP error could echo it.
func classify(err error, header bool) error {
	var tooLarge *limitError
	switch {
	case errors.Is(err, ErrNamesTooLarge):
		return err
	case errors.As(err, &tooLarge):
		return fmt.Errorf("%w (more than %s)", ErrTooLarge, human(tooLarge.limit))
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return &readError{kind: errors.New("slug: read cancelled"), cause: err}
	case header && (errors.Is(err, gzip.ErrHeader) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)):
		return &readError{kind: ErrNotGzip, cause: err}
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return &readError{kind: ErrTruncated, cause: err}
	}
	var flateErr flate.CorruptInputError
	if errors.Is(err, gzip.ErrChecksum) || errors.Is(err, gzip.ErrHeader) || errors.Is(err, tar.ErrHeader) ||
		errors.Is(err, tar.ErrFieldTooLong) || errors.As(err, &flateErr) {
		return &readError{kind: ErrCorrupt, cause: err}
	}
	return &readError{kind: errors.New("slug: read failed"), cause: err, showCause: true}
}

// readError carries a short kind message and the underlying cause.
type readError struct {
	kind      error
	cause     error
	showCause bool
}

func (e *readError) Error() string {
	if e.showCause {
		if c := e.cause.Error(); len(c) <= 120 && !strings.Contains(c, "://") {
			return e.kind.Error() + ": " + c
		}
	}
	return e.kind.Error()
}

func (e *readError) Unwrap() []error { return []error{e.kind, e.cause} }

// countingReader fails once more than limit bytes have been read.
type countingReader struct {
	r     io.Reader
	n     int64
	limit int64
}

type limitError struct{ limit int64 }

func (e *limitError) Error() string { return "uncompressed size limit reached" }

func (c *countingReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.n += int64(n)
	if c.n > c.limit {
		return n, &limitError{limit: c.limit}
	}
	return n, err
}
