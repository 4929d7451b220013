package vulns

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/herokuaudit/herokuaudit/audit/pydeps"
)

// Limits bound what LoadDB reads. A zero field takes its default.
type Limits struct {
	// MaxTotalBytes caps the bytes of all records together (default 1 GiB;
	// the PyPI export unpacks to a few hundred MB).
	MaxTotalBytes int64
	// MaxRecordBytes caps one record; a larger one is skipped (default 4 MiB).
	MaxRecordBytes int64
	// MaxRecords caps the number of records (default 500,000).
	MaxRecords int
}

func (l Limits) withDefaults() Limits {
	if l.MaxTotalBytes <= 0 {
		l.MaxTotalBytes = 1 << 30
	}
	if l.MaxRecordBytes <= 0 {
		l.MaxRecordBytes = 4 << 20
	}
	if l.MaxRecords <= 0 {
		l.MaxRecords = 500_000
	}
	return l
}

// maxNotices is how many skip notices a DB keeps; Skipped counts them all.
const maxNotices = 20

// DB is an offline OSV database indexed by normalized PyPI name.
type DB struct {
	byName map[string][]*Record
	// compiled holds byName's records prepared for matching, made on a
	// name's first lookup: a run asks about a few hundred of the export's
	// thousands of names.
	mu       sync.Mutex
	compiled map[string][]*matcher
	// Records is the number of records read, withdrawn ones included.
	Records int
	// Withdrawn counts withdrawn records (kept out of the index).
	Withdrawn int
	// Skipped counts records that could not be read; Notices says why for
	// the first few.
	Skipped int
	Notices []string
}

// ErrLimit is returned when a database exceeds its Limits as a whole.
var ErrLimit = errors.New("osv database exceeds its limits")

// LoadDB reads an OSV PyPI export: the zip OSV publishes (one JSON record per
// entry) or a directory of records in JSON or YAML (a checkout of the PyPA
// advisory database reads as it is), with default Limits.
func LoadDB(path string) (*DB, error) { return LoadDBLimits(path, Limits{}) }

// LoadDBLimits is LoadDB with explicit limits. A record that cannot be read
// (too large, bad JSON, no id) is skipped and counted; exceeding the total
// byte or record cap is an error, as a truncated database would hide
// advisories.
func LoadDBLimits(path string, lim Limits) (*DB, error) {
	lim = lim.withDefaults()
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	l := &loader{lim: lim, db: &DB{byName: map[string][]*Record{}}}
	if st.IsDir() {
		err = l.dir(os.DirFS(path), path)
	} else {
		err = l.zip(path)
	}
	if err != nil {
		return nil, err
	}
	return l.db, nil
}

// LoadFS reads the OSV records (JSON or YAML) of a file system, such as
// the sample records a binary embeds, with default Limits; name stands for
// it in notices.
func LoadFS(fsys fs.FS, name string) (*DB, error) {
	l := &loader{lim: Limits{}.withDefaults(), db: &DB{byName: map[string][]*Record{}}}
	if err := l.dir(fsys, name); err != nil {
		return nil, err
	}
	return l.db, nil
}

type loader struct {
	lim   Limits
	db    *DB
	total int64
}

func (l *loader) notice(name string, format string, a ...any) {
	l.db.Skipped++
	if len(l.db.Notices) < maxNotices {
		l.db.Notices = append(l.db.Notices, name+": "+fmt.Sprintf(format, a...))
	}
}

// read takes one record's bytes from r, declared size (or -1) known.
func (l *loader) read(name string, size int64, open func() (io.ReadCloser, error)) error {
	if l.db.Records+l.db.Skipped >= l.lim.MaxRecords {
		return fmt.Errorf("%w: more than %d records", ErrLimit, l.lim.MaxRecords)
	}
	if size > l.lim.MaxRecordBytes {
		l.notice(name, "%d bytes, over the %d-byte cap for one record", size, l.lim.MaxRecordBytes)
		return nil
	}
	rc, err := open()
	if err != nil {
		l.notice(name, "%v", err)
		return nil
	}
	defer rc.Close()
	var buf bytes.Buffer
	n, err := io.Copy(&buf, io.LimitReader(rc, l.lim.MaxRecordBytes+1))
	l.total += n
	if l.total > l.lim.MaxTotalBytes {
		return fmt.Errorf("%w: more than %d bytes", ErrLimit, l.lim.MaxTotalBytes)
	}
	if err != nil {
		l.notice(name, "%v", err)
		return nil
	}
	if n > l.lim.MaxRecordBytes {
		l.notice(name, "over the %d-byte cap for one record", l.lim.MaxRecordBytes)
		return nil
	}
	parse := ParseRecord
	if isYAML(name) {
		parse = ParseRecordYAML
	}
	rec, err := parse(buf.Bytes())
	if errors.Is(err, errNotRecord) {
		return nil
	}
	if err != nil {
		l.notice(name, "%v", err)
		return nil
	}
	l.db.add(rec)
	return nil
}

// isRecordFile says whether a file holds an OSV record: JSON as OSV exports
// them, or YAML as the PyPA advisory database keeps them.
func isRecordFile(name string) bool { return strings.HasSuffix(name, ".json") || isYAML(name) }

func isYAML(name string) bool {
	return strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml")
}

func (db *DB) add(r *Record) {
	db.Records++
	if r.Withdrawn != "" {
		db.Withdrawn++
		return
	}
	seen := map[string]bool{}
	for _, a := range r.Affected {
		if !isPyPI(a) {
			continue
		}
		n := NormalizeName(a.Package.Name)
		if n == "" || seen[n] {
			continue
		}
		seen[n] = true
		db.byName[n] = append(db.byName[n], r)
	}
}

func (l *loader) zip(path string) error {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return fmt.Errorf("%s: neither a directory nor a zip: %w", path, err)
	}
	defer zr.Close()
	if len(zr.File) > 2*l.lim.MaxRecords {
		return fmt.Errorf("%w: %d zip entries", ErrLimit, len(zr.File))
	}
	for _, f := range zr.File {
		if f.FileInfo().IsDir() || !isRecordFile(f.Name) {
			continue
		}
		size := int64(f.UncompressedSize64)
		if f.UncompressedSize64 > 1<<62 {
			size = 1 << 62
		}
		if err := l.read(f.Name, size, f.Open); err != nil {
			return err
		}
	}
	return nil
}

// dir reads the records of a directory tree; shown names it in notices.
func (l *loader) dir(fsys fs.FS, shown string) error {
	return fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		name := filepath.Join(shown, filepath.FromSlash(p))
		if err != nil {
			l.notice(name, "%v", err)
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			// a checkout's .git and .github hold no record
			if strings.HasPrefix(d.Name(), ".") && p != "." {
				return fs.SkipDir
			}
			return nil
		}
		if !isRecordFile(p) {
			return nil
		}
		if !d.Type().IsRegular() {
			l.notice(name, "not a regular file")
			return nil
		}
		info, err := d.Info()
		if err != nil {
			l.notice(name, "%v", err)
			return nil
		}
		return l.read(name, info.Size(), func() (io.ReadCloser, error) { return fsys.Open(p) })
	})
}

// Affected returns the advisories that affect name at version, worst first,
// a vulnerability's records under several ids (PYSEC and GHSA) as one.
func (db *DB) Affected(name, version string) []Advisory {
	v := pydeps.ParseVersion(version)
	var out []Advisory
	for _, m := range db.matchers(NormalizeName(name)) {
		if ok, fixed := m.match(v); ok {
			out = append(out, m.rec.Advisory(fixed))
		}
	}
	return finish(out)
}

func (db *DB) matchers(name string) []*matcher {
	db.mu.Lock()
	defer db.mu.Unlock()
	if ms, ok := db.compiled[name]; ok {
		return ms
	}
	if db.compiled == nil {
		db.compiled = map[string][]*matcher{}
	}
	var ms []*matcher
	for _, r := range db.byName[name] {
		ms = append(ms, compile(r, name))
	}
	db.compiled[name] = ms
	return ms
}
