//go:build !race

package slug

const raceEnabled = false
