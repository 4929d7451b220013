//go:build race

package slug

// raceEnabled shrinks the heaviest test: the race detector slows gzip of
// incompressible data by two orders of magnitude.
const raceEnabled = true
