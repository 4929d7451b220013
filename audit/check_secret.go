package audit

import (
	"fmt"
	"math"
	"strings"
)

var secretKey = Check{
	ID:        "secret-key",
	Title:     "SECRET_KEY is set and strong",
	Checklist: "Core: set a strong, random SECRET_KEY",
	Severity:  Critical,
	Rationale: "Flask signs session cookies with SECRET_KEY. A missing, short, guessable or placeholder " +
		"key lets anyone forge sessions and log in as any user.",
	Remediation: "Generate a random key and set it as a config var: " +
		"heroku config:set SECRET_KEY=$(python -c 'import secrets; print(secrets.token_hex(32))') -a APP",
	Needs: []Part{PartConfig},
	Run:   runSecretKey,
}

// minSecretKeyLen follows Django's check (50 characters), which Flask
// checklists borrow: token_hex(32) gives 64.
const minSecretKeyLen = 50

func runSecretKey(v *View) Outcome {
	fix := fmt.Sprintf("heroku config:set SECRET_KEY=$(python -c 'import secrets; print(secrets.token_hex(32))') %s", v.AppFlag())
	primary := ""
	for _, name := range []string{"SECRET_KEY", "FLASK_SECRET_KEY"} {
		if _, ok := v.ConfigVar(name); ok {
			primary = name
			break
		}
	}
	if primary == "" {
		return Failf("SECRET_KEY is not set: sessions are signed with whatever the code falls back to").
			WithEv(ofVar("SECRET_KEY", "no config var SECRET_KEY or FLASK_SECRET_KEY")).Fix("%s", fix)
	}
	var problems []string
	var evidence []Evidence
	for _, name := range []string{"SECRET_KEY", "FLASK_SECRET_KEY", "JWT_SECRET_KEY"} {
		val, ok := v.ConfigVar(name)
		if !ok {
			continue
		}
		if why := keyWeakness(val, minSecretKeyLen); why != "" {
			problems = append(problems, name)
			evidence = append(evidence, ofVar(name, "config var %s: %s", name, why))
		} else {
			evidence = append(evidence, ofVar(name, "config var %s: %s, no weakness found", name, describeLength(val)))
		}
	}
	if len(problems) > 0 {
		if problems[0] != "SECRET_KEY" {
			fix = strings.Replace(fix, "SECRET_KEY=", problems[0]+"=", 1)
		}
		return Failf("%s is weak", strings.Join(problems, " and ")).WithEv(evidence...).Fix("%s", fix)
	}
	return Passf("%s is long and random-looking", primary).WithEv(evidence...)
}

// placeholders are values seen in tutorials, templates and .env examples,
// compared after normalising case and separators.
var placeholders = []string{
	"secret", "secretkey", "mysecret", "mysecretkey", "yoursecretkey", "supersecret", "supersecretkey",
	"changeme", "changethis", "changeit", "replaceme", "pleasechangeme", "dev", "development",
	"developmentkey", "devkey", "test", "testing", "testkey", "default", "defaultkey", "password",
	"key", "flask", "flasksecret", "notasecret", "keyboardcat", "hardtoguessstring",
	"youwillneverguess", "xxx", "todo", "none", "null", "s3cr3t", "insecure",
}

// placeholderMarks appear inside longer placeholder values
// ("change-me-in-production-please").
var placeholderMarks = []string{"changeme", "changethis", "replaceme", "yoursecret", "notsecret", "insecure", "example"}

// keyWeakness says why a signing key is weak, or "" when it is not. It never
// includes the value itself.
func keyWeakness(v string, minLen int) string {
	if why := valueWeakness(v, minLen); why != "" {
		return why
	}
	if bits := entropyBits(strings.TrimSpace(v)); bits < 128 {
		return fmt.Sprintf("%s, about %.0f bits of entropy (want at least 128)", describeLength(v), bits)
	}
	return ""
}

// valueWeakness finds the weaknesses any secret can have: empty, a
// placeholder, too short, too few distinct characters, one repeated pattern.
func valueWeakness(v string, minLen int) string {
	t := strings.TrimSpace(v)
	norm := normaliseWord(t)
	n := len([]rune(t))
	switch {
	case t == "":
		return "empty"
	case strings.HasPrefix(strings.ToLower(t), "django-insecure-"):
		return "Django's generated development key (django-insecure-...)"
	case containsString(placeholders, norm):
		return describeLength(t) + ", a known placeholder"
	}
	for _, m := range placeholderMarks {
		if strings.Contains(norm, m) {
			return describeLength(t) + ", looks like a placeholder"
		}
	}
	switch {
	case n < minLen:
		return fmt.Sprintf("%s, shorter than %d", describeLength(t), minLen)
	case distinctRunes(t) < 5:
		return fmt.Sprintf("%s but only %d distinct characters", describeLength(t), distinctRunes(t))
	case repeatedPattern(t):
		return describeLength(t) + " made of one repeated pattern"
	}
	return ""
}

func normaliseWord(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if r != '-' && r != '_' && r != ' ' && r != '.' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func distinctRunes(s string) int {
	seen := map[rune]bool{}
	for _, r := range s {
		seen[r] = true
	}
	return len(seen)
}

// repeatedPattern reports whether s is one short unit repeated ("abcabcabc").
func repeatedPattern(s string) bool {
	r := []rune(s)
	for p := 1; p <= len(r)/2; p++ {
		ok := true
		for i := p; i < len(r); i++ {
			if r[i] != r[i-p] {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// entropyBits estimates a value's entropy as its length times the Shannon
// entropy of its characters: crude, but it separates random keys (4 to 6
// bits a character) from words and keyboard runs.
func entropyBits(s string) float64 {
	counts := map[rune]int{}
	n := 0
	for _, r := range s {
		counts[r]++
		n++
	}
	h := 0.0
	for _, c := range counts {
		p := float64(c) / float64(n)
		h -= p * math.Log2(p)
	}
	return h * float64(n)
}
