package slug

import (
	"bytes"
	"errors"
	"io"
	"runtime"
	"testing"
	"testing/iotest"
	"time"
)

func TestAheadReader(t *testing.T) {
	data := bytes.Repeat([]byte("0123456789abcdef"), 10_000) // 160,000 bytes
	boom := errors.New("boom")
	for _, tc := range []struct {
		name    string
		r       io.Reader
		want    []byte
		wantErr error
	}{
		{"whole", bytes.NewReader(data), data, nil},
		{"one byte at a time", iotest.OneByteReader(bytes.NewReader(data)), data, nil},
		{"empty", bytes.NewReader(nil), nil, nil},
		// the data before an error is delivered, then the error as it is
		{"error mid-stream", io.MultiReader(bytes.NewReader(data[:70_000]), iotest.ErrReader(boom)), data[:70_000], boom},
		{"cut stream", io.MultiReader(bytes.NewReader(data[:5]), iotest.ErrReader(io.ErrUnexpectedEOF)), data[:5], io.ErrUnexpectedEOF},
		{"error with data", iotest.DataErrReader(bytes.NewReader(data)), data, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := readAhead(tc.r, 4096, 2) // chunks smaller than the data
			defer a.Close()
			got, err := io.ReadAll(a)
			if !errors.Is(err, tc.wantErr) || !bytes.Equal(got, tc.want) {
				t.Errorf("%d bytes, %v; want %d bytes, %v", len(got), err, len(tc.want), tc.wantErr)
			}
			if n, err := a.Read(make([]byte, 10)); n != 0 || err == nil {
				t.Errorf("read after the end: %d, %v", n, err)
			}
		})
	}
}

// TestAheadReaderStops: a reader left part-read (Read gave up on a bad
// entry) stops its goroutine on Close and never reads its source again.
func TestAheadReaderStops(t *testing.T) {
	before := runtime.NumGoroutine()
	src := &countReads{r: bytes.NewReader(make([]byte, 10<<20))}
	a := readAhead(src, 4096, 2)
	if _, err := io.ReadFull(a, make([]byte, 100)); err != nil {
		t.Fatal(err)
	}
	a.Close()
	reads := src.n()
	time.Sleep(20 * time.Millisecond)
	if src.n() != reads {
		t.Errorf("source read %d more times after Close", src.n()-reads)
	}
	// at most a few chunks were read ahead of the 100 bytes taken
	if reads > 8 {
		t.Errorf("%d reads of 4 KiB for 100 bytes", reads)
	}
	a.Close() // twice is fine
	for i := 0; runtime.NumGoroutine() > before && i < 100; i++ {
		time.Sleep(time.Millisecond)
	}
	if g := runtime.NumGoroutine(); g > before {
		t.Errorf("%d goroutines after Close, %d before", g, before)
	}
}

type countReads struct {
	r     io.Reader
	count int64 // read by the test only after Close, which waits
}

func (c *countReads) Read(p []byte) (int, error) {
	c.count++
	return c.r.Read(p)
}

func (c *countReads) n() int64 { return c.count }

// TestAheadReaderChunksAsNeeded: a stream smaller than a chunk costs one
// chunk; a long one at most depth + 2.
func TestAheadReaderChunksAsNeeded(t *testing.T) {
	for _, tc := range []struct {
		size, max int
	}{{1000, 1}, {1 << 20, 3}} {
		a := readAhead(bytes.NewReader(make([]byte, tc.size)), 64<<10, 1)
		if n, err := io.Copy(io.Discard, a); n != int64(tc.size) || err != nil {
			t.Fatalf("%d, %v", n, err)
		}
		a.Close()
		if a.made > tc.max {
			t.Errorf("%d bytes: %d chunks made, want at most %d", tc.size, a.made, tc.max)
		}
	}
}
