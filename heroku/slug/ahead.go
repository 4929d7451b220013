package slug

import (
	"io"
	"sync"
)

// aheadReader decompresses in its own goroutine, a few chunks ahead of the
// tar parser that reads it: inflating and parsing headers then overlap, as
// they do in `gzip -dc | tar t`, instead of taking turns on one core. The
// chunks are made as needed and reused: at most size x (depth + 2) bytes,
// one chunk for a slug smaller than a chunk.
type aheadReader struct {
	chunks chan chunk
	free   chan []byte
	done   chan struct{}
	wg     sync.WaitGroup
	size   int
	made   int // chunks made, by the filling goroutine
	once   sync.Once

	held []byte // the chunk being read, whole, to hand back
	cur  []byte // what is left of it
	err  error  // the producer's error, once cur is read
}

type chunk struct {
	b   []byte
	err error
}

func readAhead(r io.Reader, size, depth int) *aheadReader {
	a := &aheadReader{
		chunks: make(chan chunk, depth),
		free:   make(chan []byte, depth+2),
		done:   make(chan struct{}),
		size:   size,
	}
	a.wg.Add(1)
	go a.fill(r)
	return a
}

func (a *aheadReader) fill(r io.Reader) {
	defer a.wg.Done()
	defer close(a.chunks)
	for {
		var b []byte
		select {
		case b = <-a.free:
		default:
			if a.made < cap(a.free) {
				a.made++
				b = make([]byte, a.size)
				break
			}
			select {
			case b = <-a.free:
			case <-a.done:
				return
			}
		}
		// fill the chunk; the reader's own error (gzip's ErrUnexpectedEOF
		// for a cut stream among them) passes on as it is
		n := 0
		var err error
		for n < len(b) && err == nil {
			var m int
			m, err = r.Read(b[n:])
			n += m
		}
		select {
		case a.chunks <- chunk{b[:n], err}:
		case <-a.done:
			return
		}
		if err != nil {
			return
		}
	}
}

func (a *aheadReader) Read(p []byte) (int, error) {
	for len(a.cur) == 0 {
		if a.err != nil {
			return 0, a.err
		}
		if a.held != nil {
			a.free <- a.held[:cap(a.held)]
			a.held = nil
		}
		c, ok := <-a.chunks
		if !ok {
			a.err = io.ErrUnexpectedEOF // closed without an error: Close was called
			continue
		}
		a.held, a.cur, a.err = c.b, c.b, c.err
	}
	n := copy(p, a.cur)
	a.cur = a.cur[n:]
	return n, nil
}

// Close stops the goroutine and waits for it, so the underlying reader is
// not touched once Close returns. It waits for at most the one read in
// progress, which the caller's own deadline bounds.
func (a *aheadReader) Close() {
	a.once.Do(func() { close(a.done) })
	a.wg.Wait()
}
