package audit

// Pins: each threshold of a core rule is tested at its boundary, with the
// value on the threshold and one step either side, so that moving the
// threshold or turning a < into a <= fails a test here.

import (
	"fmt"
	"strings"
	"testing"
)

// pinCase is one verdict at a boundary.
type pinCase struct {
	name    string
	changes []change
	status  Status
	msg     string // substring of the message
	ev      string // substring of some evidence line
	notMsg  string // not a substring of the message
	notEv   string // not a substring of any evidence line
}

// runPins runs one check over base() with each case's changes.
func runPins(t *testing.T, check string, cases []pinCase) {
	t.Helper()
	c, ok := Lookup(check)
	if !ok {
		t.Fatalf("no check %q", check)
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := base()
			for _, ch := range tc.changes {
				ch(s)
			}
			f := Audit(s, []Check{c}).Findings[0]
			ev := strings.Join(Texts(f.Evidence), "\n")
			if f.Status != tc.status {
				t.Fatalf("status = %s (%s; evidence %q), want %s", f.Status, f.Message, ev, tc.status)
			}
			if !strings.Contains(f.Message, tc.msg) {
				t.Errorf("message %q does not contain %q", f.Message, tc.msg)
			}
			if !strings.Contains(ev, tc.ev) {
				t.Errorf("evidence %q does not contain %q", ev, tc.ev)
			}
			if tc.notMsg != "" && strings.Contains(f.Message, tc.notMsg) {
				t.Errorf("message %q contains %q", f.Message, tc.notMsg)
			}
			if tc.notEv != "" && strings.Contains(ev, tc.notEv) {
				t.Errorf("evidence %q contains %q", ev, tc.notEv)
			}
		})
	}
}

// pinCounts builds a value from runs of characters: "a" count[0] times, then
// "b" count[1] times, and so on. Runs in order are never one repeated
// pattern, and the entropy of the value is exactly that of the counts.
func pinCounts(counts ...int) string {
	var b strings.Builder
	for i, n := range counts {
		b.WriteString(strings.Repeat(string(rune('a'+i)), n))
	}
	return b.String()
}

// TestPinSecretKeyLength pins the 50-character floor of SECRET_KEY.
func TestPinSecretKeyLength(t *testing.T) {
	if minSecretKeyLen != 50 {
		t.Fatalf("minSecretKeyLen = %d, CHECKS.md says 50", minSecretKeyLen)
	}
	runPins(t, "secret-key", []pinCase{
		{name: "49 characters", changes: []change{env("SECRET_KEY", strongKey[:49])}, status: Fail, ev: "49 characters, shorter than 50"},
		{name: "50 characters", changes: []change{env("SECRET_KEY", strongKey[:50])}, status: Pass, ev: "50 characters, no weakness found"},
		{name: "51 characters", changes: []change{env("SECRET_KEY", strongKey[:51])}, status: Pass},
		{name: "49 characters padded with spaces", changes: []change{env("SECRET_KEY", "  "+strongKey[:49]+"  ")}, status: Fail, ev: "shorter than 50"},
		// the length is in characters, not bytes
		{name: "49 two-byte characters", changes: []change{env("SECRET_KEY", "é"+pinRunes(48))}, status: Fail, ev: "49 characters, shorter than 50"},
		{name: "50 two-byte characters", changes: []change{env("SECRET_KEY", "é"+pinRunes(49))}, status: Pass},
		{name: "FLASK_SECRET_KEY 49", changes: []change{unset("SECRET_KEY"), env("FLASK_SECRET_KEY", strongKey[:49])}, status: Fail, msg: "FLASK_SECRET_KEY is weak"},
		{name: "FLASK_SECRET_KEY 50", changes: []change{unset("SECRET_KEY"), env("FLASK_SECRET_KEY", strongKey[:50])}, status: Pass, msg: "FLASK_SECRET_KEY is long"},
		{name: "JWT_SECRET_KEY 49", changes: []change{env("JWT_SECRET_KEY", strongKey[1:50])}, status: Fail, msg: "JWT_SECRET_KEY is weak"},
		{name: "JWT_SECRET_KEY 50", changes: []change{env("JWT_SECRET_KEY", strongKey[1:51])}, status: Pass},
		{name: "weak SECRET_KEY and weak JWT_SECRET_KEY", changes: []change{env("SECRET_KEY", strongKey[:49], "JWT_SECRET_KEY", "jwt")}, status: Fail, msg: "SECRET_KEY and JWT_SECRET_KEY is weak"},
	})
}

// pinRunes is n distinct non-ASCII letters (two bytes each in UTF-8).
func pinRunes(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteRune(rune('А' + i)) // Cyrillic capitals and on
	}
	return b.String()
}

// TestPinSecretKeyEntropy pins the 128-bit entropy floor and the floor of 5
// distinct characters, with values whose entropy is known exactly.
func TestPinSecretKeyEntropy(t *testing.T) {
	values := []struct {
		name   string
		counts []int
		bits   float64
	}{
		{"below", []int{32, 9, 8, 8, 7}, 127.82},
		{"exactly 128", []int{32, 8, 8, 8, 8}, 128},
		{"above", []int{31, 9, 8, 8, 8}, 129.89},
	}
	for _, v := range values {
		if got := entropyBits(pinCounts(v.counts...)); fmt.Sprintf("%.2f", got) != fmt.Sprintf("%.2f", v.bits) {
			t.Fatalf("entropyBits(%v) = %f, want %.2f", v.counts, got, v.bits)
		}
	}
	runPins(t, "secret-key", []pinCase{
		{name: "127.8 bits", changes: []change{env("SECRET_KEY", pinCounts(32, 9, 8, 8, 7))}, status: Fail, ev: "64 characters, about 128 bits of entropy (want at least 128)"},
		{name: "exactly 128 bits", changes: []change{env("SECRET_KEY", pinCounts(32, 8, 8, 8, 8))}, status: Pass},
		{name: "129.9 bits", changes: []change{env("SECRET_KEY", pinCounts(31, 9, 8, 8, 8))}, status: Pass},
		{name: "55 characters, 5 evenly, 127.7 bits", changes: []change{env("SECRET_KEY", pinCounts(11, 11, 11, 11, 11))}, status: Fail, ev: "bits of entropy"},
		{name: "56 characters, 130.0 bits", changes: []change{env("SECRET_KEY", pinCounts(12, 11, 11, 11, 11))}, status: Pass},
		// 4 distinct characters fail even with 128 bits
		{name: "4 distinct characters", changes: []change{env("SECRET_KEY", pinCounts(16, 16, 16, 16))}, status: Fail, ev: "only 4 distinct characters"},
		{name: "3 distinct characters", changes: []change{env("SECRET_KEY", pinCounts(30, 20, 20))}, status: Fail, ev: "only 3 distinct characters"},
		{name: "5 distinct characters", changes: []change{env("SECRET_KEY", pinCounts(32, 8, 8, 8, 8))}, status: Pass},
		// entropy is measured on the trimmed value
		{name: "spaces do not add entropy", changes: []change{env("SECRET_KEY", " \t"+pinCounts(32, 9, 8, 8, 7)+"  ")}, status: Fail, ev: "bits of entropy"},
	})
}

func TestPinEntropyBits(t *testing.T) {
	for _, tt := range []struct {
		s    string
		want float64
	}{
		{"", 0},
		{"a", 0},
		{"aaaa", 0},
		{"ab", 2},
		{"abcd", 8},
		{"aabb", 4},
		{pinCounts(32, 8, 8, 8, 8), 128},
		{"ééàà", 4}, // counted in characters
	} {
		if got := entropyBits(tt.s); got != tt.want {
			t.Errorf("entropyBits(%q) = %v, want %v", tt.s, got, tt.want)
		}
	}
}

// TestPinRepeatedPattern pins what a repeated pattern is: a unit of at most
// half the value, repeated to its end.
func TestPinRepeatedPattern(t *testing.T) {
	for _, tt := range []struct {
		s    string
		want bool
	}{
		{"", false},
		{"a", false},
		{"aa", true},
		{"ab", false},
		{"abab", true},
		{"ababa", true}, // a unit need not divide the length
		{"abcab", false},
		{"abcabc", true},
		{"abcabd", false},
		{"aab", false},
		{"abb", false},
	} {
		if got := repeatedPattern(tt.s); got != tt.want {
			t.Errorf("repeatedPattern(%q) = %v, want %v", tt.s, got, tt.want)
		}
	}
	runPins(t, "secret-key", []pinCase{
		// 25 distinct characters twice: 50 characters, 232 bits, one pattern
		{name: "unit of half the length", changes: []change{env("SECRET_KEY", strongKey[:25]+strongKey[:25])}, status: Fail, ev: "repeated pattern"},
		{name: "unit repeated and cut short", changes: []change{env("SECRET_KEY", strongKey[:20]+strongKey[:20]+strongKey[:10])}, status: Fail, ev: "repeated pattern"},
		{name: "last character differs", changes: []change{env("SECRET_KEY", strongKey[:25]+strongKey[:24]+"Z")}, status: Pass},
	})
}

// TestPinSecretStrengthLength pins the 12-character floor of other secrets.
func TestPinSecretStrengthLength(t *testing.T) {
	if minSecretLen != 12 {
		t.Fatalf("minSecretLen = %d, want 12", minSecretLen)
	}
	runPins(t, "secret-strength", []pinCase{
		{name: "11 characters", changes: []change{env("ADMIN_PASSWORD", "k3Rw9QzX7pL")}, status: Fail, ev: "ADMIN_PASSWORD: 11 characters, shorter than 12"},
		{name: "12 characters", changes: []change{env("ADMIN_PASSWORD", "k3Rw9QzX7pLm")}, status: Pass},
		{name: "13 characters", changes: []change{env("ADMIN_PASSWORD", "k3Rw9QzX7pLmT")}, status: Pass},
		{name: "12 characters, 4 distinct", changes: []change{env("ADMIN_PASSWORD", "abcdabcdddcc")}, status: Fail, ev: "only 4 distinct"},
		{name: "12 characters, 5 distinct", changes: []change{env("ADMIN_PASSWORD", "abcdeabcdeed")}, status: Pass},
	})
}

// TestPinSecretShape pins the shape thresholds of the secret classifier:
// a random word of 20 token characters, a punctuated password of 16, the
// entropy per character each needs, and the length past which a value is
// masked unread.
func TestPinSecretShape(t *testing.T) {
	perChar := func(s string) float64 { return entropyBits(s) / float64(len([]rune(s))) }
	for _, tt := range []struct {
		name  string
		fn    func(string) bool
		value string
		bits  float64 // entropy per character, checked so the case stays on its boundary
		want  bool
	}{
		// randomWord: 20 token characters at least
		{"random word of 19", randomWord, "a1b2c3d4e5f6g7h8i9j", 0, false},
		{"random word of 20", randomWord, "a1b2c3d4e5f6g7h8i9j0", 0, true},
		{"random word of 21", randomWord, "a1b2c3d4e5f6g7h8i9j0k", 0, true},
		// letters and digits need 3 bits a character
		{"letters and digits under 3 bits", randomWord, pinMix("abcd1234", []int{3, 3, 3, 3, 2, 2, 2, 2}), 2.971, false},
		{"letters and digits at 3 bits", randomWord, pinMix("abcd1234", []int{3, 3, 3, 3, 3, 3, 3, 3}), 3, true},
		{"digits only at 3 bits", randomWord, pinMix("12345678", []int{3, 3, 3, 3, 3, 3, 3, 3}), 3, false},
		// letters alone need 4
		{"letters under 4 bits", randomWord, pinMix("abcdefghijklmno", []int{2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2}), 3.907, false},
		{"letters at 4 bits", randomWord, pinMix("abcdefghijklmnop", []int{2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2}), 4, true},
		// a word with a slash needs upper, lower, digit and 4 bits
		{"slash word under 4 bits", randomWord, pinMix("aB3dE5gH7jK9mN/", []int{2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2}), 3.907, false},
		{"slash word at 4 bits", randomWord, pinMix("aB3dE5gH7jK9mN1/", []int{2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2}), 4, true},
		{"slash word without upper case", randomWord, pinMix("ab3de5gh7jk9mn1/", []int{2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2}), 4, false},
		// generatedPassword: 16 characters of 4 classes at 3.5 bits
		{"punctuated password of 15", generatedPassword, "Xk#9$mQ2!pL@7vR", 0, false},
		{"punctuated password of 16", generatedPassword, "Xk#9$mQ2!pL@7vRz", 0, true},
		{"punctuated password of 17", generatedPassword, "Xk#9$mQ2!pL@7vRzw", 0, true},
		{"punctuated password under 3.5 bits", generatedPassword, pinMix("aB3#de", []int{2, 2, 2, 2, 2, 2}) + "fgh4", 0, false},
		{"punctuated password at 3.5 bits", generatedPassword, pinMix("aB3#efgh", []int{2, 2, 2, 2, 1, 1, 1, 1}) + "ijkl", 3.5, true},
		{"punctuated password at 3.375 bits", generatedPassword, pinMix("aB3#efghi", []int{2, 2, 2, 2, 2, 1, 1, 1, 1}) + "jk", 3.375, false},
		{"three classes", generatedPassword, "xk#9$mq2!pl@7vrz", 0, false},
		// a value too long to read is masked unread
		{"4096 characters of words", secretByShape, strings.Repeat("word ", 819) + "w", 0, false},
		{"4097 characters of words", secretByShape, strings.Repeat("word ", 819) + "wo", 0, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if tt.bits != 0 && fmt.Sprintf("%.3f", perChar(tt.value)) != fmt.Sprintf("%.3f", tt.bits) {
				t.Fatalf("%q has %.3f bits a character, want %.3f", tt.value, perChar(tt.value), tt.bits)
			}
			if got := tt.fn(tt.value); got != tt.want {
				t.Errorf("%q (%d characters, %.3f bits each) = %v, want %v", tt.value, len([]rune(tt.value)), perChar(tt.value), got, tt.want)
			}
		})
	}
}

// pinMix is each character of chars repeated counts[i] times, interleaved
// round-robin so that no run is long.
func pinMix(chars string, counts []int) string {
	rs := []rune(chars)
	left := append([]int(nil), counts...)
	var b strings.Builder
	for more := true; more; {
		more = false
		for i, r := range rs {
			if left[i] > 0 {
				b.WriteRune(r)
				left[i]--
				more = true
			}
		}
	}
	return b.String()
}

// pinScore is n findings of one severity and status.
func pinScore(n int, sev Severity, st Status) []Finding {
	fs := make([]Finding, n)
	for i := range fs {
		fs[i] = Finding{Severity: sev, Status: st}
	}
	return fs
}

func pinJoin(parts ...[]Finding) []Finding {
	var out []Finding
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// TestPinScore pins the weights, the arithmetic, the rounding, the grade
// boundaries and the caps of the score.
func TestPinScore(t *testing.T) {
	lows := func(pass, fail int) []Finding {
		return pinJoin(pinScore(pass, Low, Pass), pinScore(fail, Low, Fail))
	}
	tests := []struct {
		name     string
		findings []Finding
		score    int
		grade    string
	}{
		// weights: one pass of each severity against one failed low check
		{"critical weighs 10", pinJoin(pinScore(1, Critical, Pass), lows(0, 1)), 91, "A"},
		{"high weighs 6", pinJoin(pinScore(1, High, Pass), lows(0, 1)), 86, "B"},
		{"medium weighs 3", pinJoin(pinScore(1, Medium, Pass), lows(0, 1)), 75, "C"},
		{"low weighs 1", lows(1, 1), 50, "F"},
		{"info weighs 0", pinJoin(pinScore(5, Info, Pass), lows(0, 1)), 0, "F"},
		{"weights add up", pinJoin(pinScore(1, Critical, Pass), pinScore(1, High, Pass), pinScore(1, Medium, Pass), pinScore(1, Low, Pass), pinScore(1, Critical, Fail)), 67, "F"},
		// a warn earns half its weight
		{"critical warn", pinScore(1, Critical, Warn), 50, "F"},
		{"critical warn and a low pass", pinJoin(pinScore(1, Critical, Warn), lows(1, 0)), 55, "F"},
		{"low warn and a low fail", pinJoin(pinScore(1, Low, Warn), lows(0, 1)), 25, "F"},
		{"medium warns", pinScore(3, Medium, Warn), 50, "F"},
		// skip and error count neither way
		{"skips", pinJoin(lows(1, 1), pinScore(3, Critical, Skip)), 50, "F"},
		{"errors", pinJoin(lows(1, 1), pinScore(3, High, Error)), 50, "F"},
		{"only skips", pinScore(2, High, Skip), 100, "A"},
		// rounding half away from zero
		{"89.5 rounds up to an A", lows(179, 21), 90, "A"},
		{"89.44 rounds down to a B", lows(161, 19), 89, "B"},
		{"79.5 rounds up to a B", lows(159, 41), 80, "B"},
		// the grade boundaries, at the score
		{"90", lows(90, 10), 90, "A"},
		{"89", lows(89, 11), 89, "B"},
		{"80", lows(80, 20), 80, "B"},
		{"79", lows(79, 21), 79, "C"},
		{"70", lows(70, 30), 70, "C"},
		{"69", lows(69, 31), 69, "D"},
		{"60", lows(60, 40), 60, "D"},
		{"59", lows(59, 41), 59, "F"},
		{"100", lows(100, 0), 100, "A"},
		{"0", lows(0, 100), 0, "F"},
		// caps: a failing critical check makes it F, a failing high one at most C
		{"critical fail on 98", pinJoin(pinScore(1, Critical, Fail), lows(500, 0)), 98, "F"},
		{"critical fail on a D", pinJoin(pinScore(1, Critical, Fail), lows(16, 0)), 62, "F"},
		{"critical warn does not cap", pinJoin(pinScore(1, Critical, Warn), lows(500, 0)), 99, "A"},
		{"high fail on 99", pinJoin(pinScore(1, High, Fail), lows(594, 0)), 99, "C"},
		{"high fail on a B", pinJoin(pinScore(1, High, Fail), lows(30, 0)), 83, "C"},
		{"high fail on exactly 70", pinJoin(pinScore(1, High, Fail), lows(14, 0)), 70, "C"},
		{"high fail on 69", pinJoin(pinScore(1, High, Fail), lows(69, 25)), 69, "D"},
		{"high fail on an F", pinJoin(pinScore(1, High, Fail), lows(1, 0)), 14, "F"},
		{"high warn does not cap", pinJoin(pinScore(1, High, Warn), lows(500, 0)), 99, "A"},
		{"medium fail does not cap", pinJoin(pinScore(1, Medium, Fail), lows(500, 0)), 99, "A"},
		{"low fail does not cap", lows(500, 1), 100, "A"},
		{"info fail does not cap", pinJoin(pinScore(1, Info, Fail), lows(10, 0)), 100, "A"},
		{"worst fail wins: high then critical", pinJoin(pinScore(1, High, Fail), pinScore(1, Critical, Fail), lows(1000, 0)), 98, "F"},
		{"worst fail wins: critical then high", pinJoin(pinScore(1, Critical, Fail), pinScore(1, High, Fail), lows(1000, 0)), 98, "F"},
		{"worst fail wins: medium then high", pinJoin(pinScore(1, Medium, Fail), pinScore(1, High, Fail), lows(1000, 0)), 99, "C"},
		{"worst fail wins: high then low", pinJoin(pinScore(1, High, Fail), pinScore(1, Low, Fail), lows(1000, 0)), 99, "C"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			score, grade := Score(tt.findings)
			if score != tt.score || grade != tt.grade {
				t.Errorf("Score = %d %s, want %d %s", score, grade, tt.score, tt.grade)
			}
		})
	}
	for sev, w := range map[Severity]int{Critical: 10, High: 6, Medium: 3, Low: 1, Info: 0, Severity(99): 0} {
		if got := weight(sev); got != w {
			t.Errorf("weight(%v) = %d, want %d", sev, got, w)
		}
	}
}

// TestPinGunicornWorkers pins the memory budget of gunicorn workers: the
// buildpack budgets RAM_MB/256 a dyno; more workers than that warns, more
// than twice that fails.
func TestPinGunicornWorkers(t *testing.T) {
	if mbPerWorker != 256 {
		t.Fatalf("mbPerWorker = %d, want 256", mbPerWorker)
	}
	w := func(n int, extra string) change { return web(fmt.Sprintf("gunicorn -w %d %sapp:app", n, extra)) }
	var cases []pinCase
	for _, d := range []struct {
		size   string
		ram    int
		budget int
	}{
		{"standard-1x", 512, 2},
		{"eco", 512, 2},
		{"standard-2x", 1024, 4},
		{"performance-m", 2560, 10},
		{"performance-l", 14336, 56},
	} {
		on := fmt.Sprintf("on %s (%d MB)", d.size, d.ram)
		cases = append(cases,
			pinCase{name: fmt.Sprintf("%s/%d workers", d.size, d.budget), changes: []change{size(d.size), w(d.budget, "")}, status: Pass, msg: fmt.Sprintf("%d workers %s", d.budget, on)},
			pinCase{name: fmt.Sprintf("%s/%d workers", d.size, d.budget+1), changes: []change{size(d.size), w(d.budget+1, "")}, status: Warn, msg: fmt.Sprintf("%d workers %s is more than the %d the buildpack budgets", d.budget+1, on, d.budget)},
			pinCase{name: fmt.Sprintf("%s/%d workers", d.size, 2*d.budget), changes: []change{size(d.size), w(2*d.budget, "")}, status: Warn, msg: "more than the"},
			pinCase{name: fmt.Sprintf("%s/%d workers", d.size, 2*d.budget+1), changes: []change{size(d.size), w(2*d.budget+1, "")}, status: Fail,
				msg: fmt.Sprintf("%d workers %s: about %d MB each", 2*d.budget+1, on, d.ram/(2*d.budget+1))},
		)
	}
	cases = append(cases,
		// no memory judgement on a size the auditor does not know
		pinCase{name: "unknown size, 64 workers", changes: []change{size("mega-9x"), w(64, "")}, status: Skip, msg: "64 workers not judged against its memory"}, // never a silent pass,
		// one sync worker with one thread serves one request at a time
		pinCase{name: "1 worker, 1 thread", changes: []change{w(1, "--threads 1 ")}, status: Warn, msg: "one request at a time"},
		pinCase{name: "1 worker, 2 threads", changes: []change{w(1, "--threads 2 ")}, status: Pass, msg: "1 workers × 2 threads"},
		pinCase{name: "2 workers, 1 thread", changes: []change{w(2, "--threads 1 ")}, status: Pass, msg: "2 workers on standard-1x"},
		pinCase{name: "1 gthread worker, 1 thread", changes: []change{w(1, "-k gthread ")}, status: Warn},
		pinCase{name: "1 eventlet worker", changes: []change{w(1, "-k eventlet ")}, status: Pass},
		pinCase{name: "1 uvicorn worker", changes: []change{w(1, "-k uvicorn.workers.UvicornWorker ")}, status: Pass},
		pinCase{name: "1 tornado worker", changes: []change{w(1, "-k tornado ")}, status: Pass},
		pinCase{name: "1 gevent worker", changes: []change{w(1, "-k gevent ")}, status: Pass},
		pinCase{name: "1 worker on an unknown size", changes: []change{size("mega-9x"), w(1, "")}, status: Warn, msg: "one request at a time"},
		pinCase{name: "4 workers on an unknown size", changes: []change{size("mega-9x"), w(4, "")}, status: Skip, msg: `"mega-9x", a dyno size herokuaudit does not know (facts as of 2026-11): 4 workers not judged`},
		pinCase{name: "the buildpack's default on an unknown size", changes: []change{size("mega-9x")}, status: Skip, msg: "the WEB_CONCURRENCY the Python buildpack sets for it is not known"},
	)
	runPins(t, "gunicorn-workers", cases)
}

// TestPinWebConcurrencyTable pins the WEB_CONCURRENCY the Python buildpack
// sets for each dyno size, and what the auditor knows of each size.
func TestPinWebConcurrencyTable(t *testing.T) {
	// size, memory, sleeps, and the WEB_CONCURRENCY the buildpack sets:
	// HEROKU_FACTS.md (the buildpack's published values for Cedar sizes;
	// Private/Shield as their Performance counterparts; legacy by memory)
	want := []struct {
		name   string
		ram    int
		sleeps bool
		wc     int
	}{
		{"eco", 512, true, 2}, {"basic", 512, false, 2}, {"standard-1x", 512, false, 2}, {"standard-2x", 1024, false, 4},
		{"performance-m", 2560, false, 5}, {"performance-l", 14336, false, 17}, {"performance-l-ram", 30720, false, 9},
		{"performance-xl", 63488, false, 17}, {"performance-2xl", 129024, false, 33},
		{"private-s", 1024, false, 4}, {"private-m", 2560, false, 5}, {"private-l", 14336, false, 17},
		{"private-l-ram", 30720, false, 9}, {"private-xl", 63488, false, 17}, {"private-2xl", 129024, false, 33},
		{"shield-s", 1024, false, 4}, {"shield-m", 2560, false, 5}, {"shield-l", 14336, false, 17},
		{"shield-l-ram", 30720, false, 9}, {"shield-xl", 63488, false, 17}, {"shield-2xl", 129024, false, 33},
		{"free", 512, true, 2}, {"hobby", 512, false, 2}, {"1x", 512, false, 2}, {"2x", 1024, false, 4}, {"px", 6144, false, 17},
		// Fir, read from the name: min(cores*2+1, RAM/256)
		{"dyno-1c-0.5gb", 512, false, 2}, {"dyno-2c-1gb", 1024, false, 4}, {"dyno-2c-4gb", 4096, false, 5},
		{"dyno-4c-16gb", 16384, false, 9}, {"dyno-16c-128gb", 131072, false, 33},
	}
	if len(dynoSizes) != len(want)-5 {
		t.Errorf("dynoSizes has %d sizes, want %d", len(dynoSizes), len(want)-5)
	}
	var cases []pinCase
	for _, d := range want {
		for _, name := range []string{d.name, strings.ToUpper(d.name), " " + d.name + " "} {
			got, ok := lookupDynoSize(name)
			if !ok || got.Name != d.name || got.RAMMB != d.ram || got.Sleeps != d.sleeps || got.Concurrency() != d.wc {
				t.Errorf("lookupDynoSize(%q) = %+v (WEB_CONCURRENCY %d), %v; want %+v", name, got, got.Concurrency(), ok, d)
			}
		}
		// the buildpack's min(cores*2+1, RAM/256) never exceeds the memory budget
		if d.wc > d.ram/mbPerWorker || d.wc < 1 {
			t.Errorf("%s: WEB_CONCURRENCY %d outside 1..RAM/256 = %d", d.name, d.wc, d.ram/mbPerWorker)
		}
		cases = append(cases, pinCase{name: d.name, changes: []change{size(d.name)}, status: Pass,
			msg: fmt.Sprintf("%d workers on %s (%d MB), from WEB_CONCURRENCY set by the Python buildpack", d.wc, d.name, d.ram)})
	}
	for _, bad := range []string{"standard-3x", "dyno-0c-1gb", "dyno-2c-0gb", "dyno-2c-gb", "dyno-2c-1gbx", "xdyno-2c-1gb"} {
		if got, ok := lookupDynoSize(bad); ok {
			t.Errorf("lookupDynoSize(%q) = %+v: a size that does not exist", bad, got)
		}
	}
	runPins(t, "gunicorn-workers", cases)

	// the fix names the size's WEB_CONCURRENCY
	c, _ := Lookup("gunicorn-workers")
	for _, d := range []struct{ size, fix string }{{"standard-2x", "WEB_CONCURRENCY=4 -a myapp"}, {"performance-l-ram", "WEB_CONCURRENCY=9 -a myapp"}, {"eco", "WEB_CONCURRENCY=2 -a myapp"}} {
		s := base()
		size(d.size)(s)
		web("gunicorn -w 1000 app:app")(s)
		f := Audit(s, []Check{c}).Findings[0]
		if f.Status != Fail || !strings.Contains(f.Remediation, d.fix) {
			t.Errorf("%s: %s %q, want a fail fixed by %q", d.size, f.Status, f.Remediation, d.fix)
		}
	}
}

// TestPinDynoSleeps pins which sizes sleep, as dyno-tier sees them.
func TestPinDynoSleeps(t *testing.T) {
	var cases []pinCase
	for _, d := range dynoSizes {
		st := Pass
		if d.Name == "eco" || d.Name == "free" {
			st = Warn
		}
		cases = append(cases, pinCase{name: d.Name, changes: []change{size(d.Name)}, status: st})
	}
	cases = append(cases,
		pinCase{name: "a Fir size does not sleep", changes: []change{size("dyno-2c-4gb")}, status: Pass},
		pinCase{name: "an unknown size is not a pass", changes: []change{size("mega-9x")}, status: Skip, msg: `"mega-9x", a dyno size herokuaudit does not know`},
	)
	runPins(t, "dyno-tier", cases)
}

// TestPinGunicornTimeout pins the router's 30 s against gunicorn's timeout.
func TestPinGunicornTimeout(t *testing.T) {
	to := func(n int) change { return web(fmt.Sprintf("gunicorn --timeout %d app:app", n)) }
	runPins(t, "gunicorn-timeout", []pinCase{
		{name: "0 disables it", changes: []change{to(0)}, status: Warn, msg: "disabled (0)"},
		{name: "1", changes: []change{to(1)}, status: Pass, msg: "timeout is 1 s"},
		{name: "20", changes: []change{to(20)}, status: Pass},
		{name: "29", changes: []change{to(29)}, status: Pass, msg: "timeout is 29 s"},
		{name: "30", changes: []change{to(30)}, status: Warn, msg: "30 s, at or above the router's 30 s"},
		{name: "31", changes: []change{to(31)}, status: Warn, msg: "31 s, at or above"},
		{name: "default is 30", status: Warn, msg: "30 s, at or above"},
		{name: "29 from GUNICORN_CMD_ARGS", changes: []change{env("GUNICORN_CMD_ARGS", "--timeout 29")}, status: Pass},
		{name: "30 from GUNICORN_CMD_ARGS", changes: []change{env("GUNICORN_CMD_ARGS", "--timeout 30")}, status: Warn},
		{name: "29 in the config file", changes: []change{web("gunicorn -c gunicorn.conf.py app:app"), file("gunicorn.conf.py", "timeout = 29\n")}, status: Pass},
		{name: "30 in the config file", changes: []change{web("gunicorn -c gunicorn.conf.py app:app"), file("gunicorn.conf.py", "timeout = 30\n")}, status: Warn, ev: "gunicorn.conf.py"},
	})
}

// TestPinSSLMode pins how sslmode is read: the six modes in a URL and in
// PGSSLMODE, case and spaces, and which of the URL and PGSSLMODE wins.
func TestPinSSLMode(t *testing.T) {
	const ext = "postgresql://u:p@db.example.com:5432/x"
	external := func(q string) change { return env("DATABASE_URL", ext+q) }
	heroku := func(q string) []change { return []change{env("DATABASE_URL", herokuDBURL+q), addons(herokuPG)} }
	var cases []pinCase
	for _, m := range []struct {
		mode   string
		strong bool
	}{{"disable", false}, {"allow", false}, {"prefer", false}, {"require", true}, {"verify-ca", true}, {"verify-full", true}} {
		st := Fail
		if m.strong {
			st = Pass
		}
		up := strings.ToUpper(m.mode)
		cases = append(cases,
			pinCase{name: "external URL " + m.mode, changes: []change{external("?sslmode=" + m.mode)}, status: st, ev: "config var DATABASE_URL: sslmode=" + m.mode},
			pinCase{name: "external URL " + up, changes: []change{external("?sslmode=" + up)}, status: st, ev: "sslmode=" + m.mode},
			pinCase{name: "heroku URL " + m.mode, changes: heroku("?connect_timeout=10&sslmode=" + m.mode), status: st},
			pinCase{name: "PGSSLMODE " + m.mode, changes: append(heroku(""), env("PGSSLMODE", m.mode)), status: st, ev: "config var PGSSLMODE is " + m.mode},
			pinCase{name: "PGSSLMODE " + up + " with spaces", changes: append(heroku(""), env("PGSSLMODE", "  "+up+"\t")), status: st, ev: "PGSSLMODE is " + m.mode},
			pinCase{name: "PGSSLMODE " + m.mode + " for an external URL", changes: []change{external(""), env("PGSSLMODE", m.mode)}, status: st},
			pinCase{name: "unparseable URL " + m.mode, changes: []change{env("DATABASE_URL", "postgres://u:p%zz@db.example.com/x?sslmode="+m.mode+"&connect_timeout=10")}, status: st},
			pinCase{name: "sqlalchemy scheme " + m.mode, changes: []change{env("DATABASE_URL", "postgresql+psycopg2://u:p@db.example.com/x?sslmode="+m.mode)}, status: st},
		)
	}
	cases = append(cases,
		// nothing set
		pinCase{name: "external URL without sslmode", changes: []change{external("")}, status: Fail, msg: "DATABASE_URL (not Heroku Postgres) sets no sslmode"},
		pinCase{name: "external URL with an unknown sslmode", changes: []change{external("?sslmode=bogus")}, status: Fail, msg: "sets no sslmode"},
		pinCase{name: "heroku URL without sslmode", changes: heroku(""), status: Warn, ev: "no sslmode for DATABASE_URL"},
		pinCase{name: "heroku URL with an unknown sslmode", changes: heroku("?sslmode=bogus"), status: Warn},
		pinCase{name: "empty PGSSLMODE", changes: append(heroku(""), env("PGSSLMODE", "")), status: Warn},
		pinCase{name: "unknown PGSSLMODE", changes: append(heroku(""), env("PGSSLMODE", "on")), status: Warn},
		pinCase{name: "unknown PGSSLMODE, external URL", changes: []change{external(""), env("PGSSLMODE", "on")}, status: Fail},
		// a weak mode anywhere fails, whatever else is strong
		pinCase{name: "URL disable beats PGSSLMODE require", changes: []change{external("?sslmode=disable"), env("PGSSLMODE", "require")}, status: Fail, msg: "DATABASE_URL has sslmode=disable"},
		pinCase{name: "PGSSLMODE prefer beats URL require", changes: []change{external("?sslmode=require"), env("PGSSLMODE", "prefer")}, status: Fail, msg: "PGSSLMODE=prefer"},
		pinCase{name: "code disable beats URL require", changes: []change{external("?sslmode=require"), file("db.py", `connect_args={"sslmode": "disable"}`+"\n")}, status: Fail, msg: "sslmode=disable in code"},
		pinCase{name: "URL require and PGSSLMODE verify-full", changes: []change{external("?sslmode=require"), env("PGSSLMODE", "verify-full")}, status: Pass, ev: "PGSSLMODE is verify-full"},
		pinCase{name: "code require covers an external URL", changes: []change{external(""), file("db.py", `connect_args={"sslmode": "require"}`+"\n")}, status: Pass, ev: "db.py:1"},
		pinCase{name: "code prefer on an external URL", changes: []change{external(""), file("db.py", `connect_args={"sslmode": "prefer"}`+"\n")}, status: Fail},
		// one URL of several
		pinCase{name: "second URL weak", changes: []change{external("?sslmode=require"), env("REPORTING_DATABASE_URL", ext+"?sslmode=allow")}, status: Fail, msg: "REPORTING_DATABASE_URL has sslmode=allow"},
		pinCase{name: "fragment ends the mode in an unparseable URL", changes: []change{env("DATABASE_URL", "postgres://u:p%zz@db.example.com/x?sslmode=require#x")}, status: Pass},
		// which hosts are Heroku Postgres
		pinCase{name: "HEROKU_POSTGRESQL_ name without the add-on", changes: []change{env("HEROKU_POSTGRESQL_RED_URL", ext)}, status: Warn},
		pinCase{name: "EC2 compute host without the add-on", changes: []change{env("DATABASE_URL", herokuDBURL)}, status: Warn},
		pinCase{name: "RDS host", changes: []change{env("DATABASE_URL", "postgres://u:p@mydb.abc.us-east-1.rds.amazonaws.com:5432/x")}, status: Fail},
		pinCase{name: "add-on attaches an external-looking URL", changes: []change{env("DATABASE_URL", ext), addons(herokuPG)}, status: Warn},
		pinCase{name: "mysql URL is not Postgres", changes: []change{env("DATABASE_URL", "mysql://u:p@db.example.com/x")}, status: Skip},
	)
	runPins(t, "postgres-ssl", cases)
}

// TestPinPythonTable pins the buildpack's support table: the supported
// minors and their latest patches, the deprecated 3.10 and its removal
// date, and end of life at 3.9.
func TestPinPythonTable(t *testing.T) {
	want := []pythonMinor{
		{Minor: 14, LatestPat: 7},
		{Minor: 13, LatestPat: 15},
		{Minor: 12, LatestPat: 14},
		{Minor: 11, LatestPat: 16},
		{Minor: 10, LatestPat: 21, Deprecated: "2027-01-06"},
	}
	if fmt.Sprint(pythonMinors) != fmt.Sprint(want) {
		t.Errorf("pythonMinors = %v, want %v", pythonMinors, want)
	}
	pin := func(v string) change { return file(".python-version", v+"\n") }
	var cases []pinCase
	for _, m := range want {
		latest := fmt.Sprintf("3.%d.%d", m.Minor, m.LatestPat)
		older := fmt.Sprintf("3.%d.%d", m.Minor, m.LatestPat-1)
		newer := fmt.Sprintf("3.%d.%d", m.Minor, m.LatestPat+1)
		minor := fmt.Sprintf("3.%d", m.Minor)
		if m.Deprecated == "" {
			cases = append(cases,
				pinCase{name: minor, changes: []change{pin(minor)}, status: Pass, msg: "Python " + minor + " is supported and pinned in .python-version"},
				pinCase{name: latest, changes: []change{pin(latest)}, status: Pass},
				pinCase{name: newer, changes: []change{pin(newer)}, status: Pass},
				pinCase{name: older, changes: []change{pin(older)}, status: Warn, msg: "patch " + older + " is older than " + latest},
				pinCase{name: minor + ".0", changes: []change{pin(minor + ".0")}, status: Warn, msg: "older than " + latest},
				pinCase{name: "Pipfile.lock " + latest, changes: []change{nofile(".python-version"), file("Pipfile.lock", `{"_meta": {"requires": {"python_full_version": "`+latest+`"}}}`)}, status: Pass, msg: "Python " + latest + " (supported) pinned in Pipfile.lock"},
				pinCase{name: "Pipfile.lock " + older, changes: []change{nofile(".python-version"), file("Pipfile.lock", `{"_meta": {"requires": {"python_full_version": "`+older+`"}}}`)}, status: Warn, msg: "older than"},
				pinCase{name: "runtime.txt " + latest, changes: []change{file("runtime.txt", "python-"+latest+"\n")}, status: Warn, msg: "runtime.txt is deprecated"},
			)
			continue
		}
		dep := fmt.Sprintf("Python %s is deprecated and leaves the buildpack on %s", minor, m.Deprecated)
		cases = append(cases,
			pinCase{name: minor, changes: []change{pin(minor)}, status: Warn, msg: dep},
			pinCase{name: latest, changes: []change{pin(latest)}, status: Warn, msg: dep},
			pinCase{name: older, changes: []change{pin(older)}, status: Warn, msg: dep + "; patch " + older + " is older than " + latest},
			pinCase{name: "Pipfile.lock " + minor, changes: []change{nofile(".python-version"), file("Pipfile.lock", `{"_meta": {"requires": {"python_version": "`+minor+`"}}}`)}, status: Warn, msg: dep},
		)
	}
	cases = append(cases,
		// end of life: 3.9 and older, and any major but 3
		pinCase{name: "3.9", changes: []change{pin("3.9")}, status: Fail, msg: "Python 3.9 is end of life"},
		pinCase{name: "3.9.25", changes: []change{pin("3.9.25")}, status: Fail, msg: "end of life"},
		pinCase{name: "3.8", changes: []change{pin("3.8")}, status: Fail},
		pinCase{name: "3.0", changes: []change{pin("3.0")}, status: Fail},
		pinCase{name: "2.7", changes: []change{pin("2.7")}, status: Fail, msg: "Python 2.7 is end of life"},
		pinCase{name: "4.0", changes: []change{pin("4.0")}, status: Fail, msg: "Python 4.0 is end of life"},
		pinCase{name: "4.13", changes: []change{pin("4.13")}, status: Fail},
		// newer than the table
		pinCase{name: "3.15", changes: []change{pin("3.15")}, status: Warn, msg: "newer than the auditor's support table"},
		pinCase{name: "3.99.1", changes: []change{pin("3.99.1")}, status: Warn, msg: "newer than"},
	)
	runPins(t, "python-runtime", cases)
}

// TestPinMessages pins the wording that rests on a condition: the
// wrappers a server runs under, the name of an unknown program, the
// evidence of gunicorn's settings that are not defaults.
func TestPinMessages(t *testing.T) {
	runPins(t, "web-server", []pinCase{
		{name: "no wrapper", status: Pass, msg: "web runs gunicorn", notMsg: "via"},
		{name: "one wrapper", changes: []change{web("ddtrace-run gunicorn app:app")}, status: Pass, msg: "web runs gunicorn (via ddtrace-run)"},
		{name: "unknown program", changes: []change{web("bin/run.sh")}, status: Warn, msg: "could not tell whether run.sh is a production server", notMsg: "the command"},
	})
	runPins(t, "gunicorn-workers", []pinCase{
		{name: "default threads and class are not evidence", changes: []change{web("gunicorn -w 2 app:app")}, status: Pass,
			msg: "2 workers on standard-1x (512 MB), from command line", ev: "workers: 2 (from command line)", notEv: "threads:"},
		{name: "default class is not evidence", changes: []change{web("gunicorn -w 2 app:app")}, status: Pass, notEv: "worker class:"},
		{name: "threads from the command line", changes: []change{web("gunicorn -w 2 --threads 4 app:app")}, status: Pass,
			msg: "2 workers × 4 threads on standard-1x", ev: "threads: 4 (from command line)"},
		{name: "worker class from the command line", changes: []change{web("gunicorn -w 2 -k gevent app:app")}, status: Pass, ev: "worker class: gevent (from command line)"},
		{name: "dyno size is evidence", status: Pass, ev: "web dyno size: standard-1x"},
		{name: "no dyno size without a formation", changes: []change{func(s *Snapshot) { s.Formation = nil }}, status: Warn, notEv: "web dyno size"},
	})
	// a setting from a config file is placed at its line
	c, _ := Lookup("gunicorn-timeout")
	s := base()
	web("gunicorn -c gunicorn.conf.py app:app")(s)
	file("gunicorn.conf.py", "bind = '0.0.0.0'\ntimeout = 45\n")(s)
	f := Audit(s, []Check{c}).Findings[0]
	if len(f.Evidence) == 0 || f.Evidence[0].File != "gunicorn.conf.py" || f.Evidence[0].Line != 2 {
		t.Errorf("timeout evidence = %+v, want gunicorn.conf.py line 2", f.Evidence)
	}
	s = base()
	web("gunicorn --timeout 45 app:app")(s)
	f = Audit(s, []Check{c}).Findings[0]
	if len(f.Evidence) == 0 || f.Evidence[0].File != "" || f.Evidence[0].Process != "web" {
		t.Errorf("timeout evidence = %+v, want the web process", f.Evidence)
	}
}

// TestPinPostgresAddons pins which add-on makes a URL Heroku Postgres.
func TestPinPostgresAddons(t *testing.T) {
	const ext = "postgresql://u:p@db.example.com:5432/x"
	other := Addon{Name: "crunchy-1", Service: "crunchydata-postgres", ConfigVars: []string{"DATABASE_URL"}}
	runPins(t, "postgres-ssl", []pinCase{
		{name: "another service's add-on", changes: []change{env("DATABASE_URL", ext), addons(other)}, status: Fail, msg: "not Heroku Postgres"},
		{name: "heroku-postgresql add-on", changes: []change{env("DATABASE_URL", ext), addons(herokuPG)}, status: Warn},
		{name: "heroku-postgresql attaches another var", changes: []change{env("DATABASE_URL", ext), addons(Addon{Service: "heroku-postgresql", ConfigVars: []string{"OTHER_URL"}})}, status: Fail},
	})
}

// TestPinSecretNameSegments pins the name segments that mark a credential
// when nothing else in the name does.
func TestPinSecretNameSegments(t *testing.T) {
	for _, tt := range []struct {
		name string
		want bool
	}{
		{"APP_SALT_VALUE", true},
		{"APP.PEPPER.V2", true},
		{"app-creds-file", true},
		{"X_PWD_HASH", true},
		{"SALTY_VALUE", false},
		{"APP_PASSPORT_ID", false},
		{"APP_DSNX", false},
	} {
		if got := secretByName(tt.name); got != tt.want {
			t.Errorf("secretByName(%q) = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestPinTokenChars pins the characters a token is made of: ASCII letters,
// digits and +/=_.~-, boundaries included.
func TestPinTokenChars(t *testing.T) {
	for _, r := range "azAZ09+/=_.~-mM5" {
		if notTokenChar(r) {
			t.Errorf("notTokenChar(%q) = true, want false", r)
		}
	}
	for _, r := range "`{@[:/\x7f\x80éЖ !\"#$%&'()*,;<>?\\]^|}" {
		if r == '/' {
			continue
		}
		if !notTokenChar(r) {
			t.Errorf("notTokenChar(%q) = false, want true", r)
		}
	}
}

// TestPinBuildpackParts pins what the Python buildpack's presence is read
// from: the buildpacks when they were read, else the files.
func TestPinBuildpackParts(t *testing.T) {
	for _, tt := range []struct {
		name string
		edit func(*Snapshot)
		want Part
	}{
		{"buildpacks read", func(*Snapshot) {}, PartBuildpacks},
		{"no buildpacks set", func(s *Snapshot) { s.Buildpacks = nil }, PartFiles},
		{"buildpacks not read", func(s *Snapshot) { s.Buildpacks = nil; s.SetGap(PartBuildpacks, "403", true) }, PartFiles},
		{"buildpacks read but marked a gap", func(s *Snapshot) { s.SetGap(PartBuildpacks, "partial", true) }, PartFiles},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := base()
			tt.edit(s)
			got := s.pythonBuildpackParts()
			if len(got) != 1 || got[0] != tt.want {
				t.Errorf("pythonBuildpackParts() = %v, want [%v]", got, tt.want)
			}
		})
	}
}

// TestPinMaskWords pins that a NAME=value word keeps its name and loses
// only its value, and that a bare =value is left alone.
func TestPinMaskWords(t *testing.T) {
	c := &comparer{key: []byte("k")}
	got := c.maskWords("gunicorn app:app --db-password=hunter2")
	if !strings.HasPrefix(got, "gunicorn app:app --db-password=") || strings.Contains(got, "hunter2") {
		t.Errorf("maskWords = %q, want the name kept and the value masked", got)
	}
	// the word after --flag=value is its own: not masked for the flag's sake
	if got := c.maskWords("gunicorn --db-password=hunter2 app:app"); !strings.HasSuffix(got, " app:app") || strings.Contains(got, "hunter2") {
		t.Errorf("maskWords = %q, want app:app kept and the value masked", got)
	}
	if got := c.maskWords("gunicorn --db-password hunter2 app:app"); !strings.HasSuffix(got, " app:app") || strings.Contains(got, "hunter2") {
		t.Errorf("maskWords = %q, want the separate value masked and app:app kept", got)
	}
	if got := c.maskWords("run =abc"); got != "run =abc" {
		t.Errorf("maskWords(run =abc) = %q, want it unchanged", got)
	}
}
