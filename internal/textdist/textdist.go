// Package textdist finds the nearest of a few known words to a mistyped
// one, for "did you mean" in usage and config errors.
package textdist

// Nearest returns the name closest to typed within two edits, or "".
func Nearest(typed string, names []string) string {
	best, bestD := "", 3
	for _, n := range names {
		if d := Distance(typed, n); d < bestD {
			best, bestD = n, d
		}
	}
	return best
}

// Distance is the Levenshtein distance between two short strings.
func Distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
