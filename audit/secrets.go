package audit

// One classifier decides what is a secret, for every check and for diff:
// secret-strength judges these values, shared-secret compares them across
// apps, and diff masks them.

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

var (
	secretName    = regexp.MustCompile(`(^|_)(SECRET|TOKEN|PASSWORD|PASSWD|PASS|API_KEY|KEY|PRIVATE_KEY|CLIENT_SECRET)$`)
	publicKeyName = regexp.MustCompile(`(PUBLISHABLE|PUBLIC|PUB|SITE)_KEY$|_KEY_ID$`)
)

// minSecretLen is what "very short" means for an API token or password.
const minSecretLen = 12

// isSecretName reports whether a config var name looks like it holds a
// credential.
func isSecretName(name string) bool {
	n := strings.ToUpper(name)
	return secretName.MatchString(n) && !publicKeyName.MatchString(n)
}

var (
	// datastoreName is a URL var of a database, cache or queue: it carries
	// credentials whatever its value looks like.
	datastoreName = regexp.MustCompile(`(^|_)(DATABASE|DB|POSTGRES|POSTGRESQL|PG|REDIS|REDISCLOUD|REDISTOGO|MONGO|MONGODB|MONGOLAB|MYSQL|CLEARDB|JAWSDB|AMQP|CLOUDAMQP|RABBITMQ|MEMCACHIER|MEMCACHE|ELASTICSEARCH|BONSAI|SEARCHBOX|KAFKA|CLOUDINARY|SENTRY)(_[A-Z0-9]+)*_(URL|URI|DSN)$`)
	// secretWords are name segments that mark a credential.
	secretWords = []string{"PASS", "PWD", "SALT", "PEPPER", "DSN", "CREDS", "APIKEY"}
	// secretParts mark a credential wherever they are in a name.
	secretParts = []string{"SECRET", "TOKEN", "PASSW", "PRIVATE", "CREDENTIAL"}

	userinfoURL = regexp.MustCompile(`(?i)[a-z][a-z0-9+.-]*://[^/?#\s@]+@`)
	jwtShape    = regexp.MustCompile(`eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.`)
	assignedKey = regexp.MustCompile(`(?i)(^|[^a-z0-9])(pass(word|wd)?|pwd|secret|token|api[_-]?key|access[_-]?key|signature|sig|auth|credentials?|private[_-]?key)["']?\s*[=:]`)
	tokenShape  = regexp.MustCompile(`^[A-Za-z0-9+/=_.~-]{20,}$`)
)

// IsSecret decides whether a config var's value must be masked, by its
// name (credential names, SECRET_KEY and its kin, datastore URLs) or by the
// value's shape (a URL with credentials, a long random string, a JWT, a PEM
// block, a key=value credential). It errs on the side of masking: a false
// positive hides a harmless value, a false negative leaks a secret.
func IsSecret(name, value string) bool {
	return secretByName(name) || secretByShape(value)
}

func secretByName(name string) bool {
	// "--api-key" (a command's flag) reads like API_KEY
	n := strings.ReplaceAll(strings.ToUpper(strings.TrimSpace(name)), "-", "_")
	if n == "" {
		return false
	}
	if isSecretName(n) || datastoreName.MatchString(n) {
		return true
	}
	for _, p := range secretParts {
		if strings.Contains(n, p) {
			return true
		}
	}
	for _, seg := range strings.FieldsFunc(n, func(r rune) bool { return r == '_' || r == '-' || r == '.' }) {
		if slices.Contains(secretWords, seg) {
			return true
		}
	}
	return false
}

func secretByShape(value string) bool {
	v := strings.TrimSpace(value)
	if v == "" {
		return false
	}
	if len(v) > maxShapeLen {
		return true
	}
	if strings.Contains(v, "-----BEGIN") || userinfoURL.MatchString(v) || jwtShape.MatchString(v) || assignedKey.MatchString(v) {
		return true
	}
	for _, w := range strings.Fields(v) {
		if generatedPassword(w) {
			return true
		}
		// a token inside a URL, quotes or a list: a webhook path, a signed
		// query, a key after a colon
		for _, p := range strings.FieldsFunc(w, notTokenChar) {
			if randomWord(p) {
				return true
			}
			if strings.Contains(p, "/") {
				for _, q := range strings.Split(p, "/") {
					if randomWord(q) {
						return true
					}
				}
			}
		}
	}
	return false
}

// maxShapeLen bounds the work on one value: anything longer (a certificate
// bundle, a JSON key file) is masked unread. Heroku caps an app's config at
// 32 kB in all.
const maxShapeLen = 4096

func notTokenChar(r rune) bool {
	return !(r < utf8.RuneSelf && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("+/=_.~-", r)))
}

// randomWord reports a word of 20 or more token characters (base64, hex,
// vendor tokens such as sk_live_…) that looks generated: letters and digits
// with high entropy per character, or very high entropy. Words, paths and
// host names mostly are not: a word with a slash must have all of upper,
// lower and digits and very high entropy (base64 does, a path does not).
func randomWord(w string) bool {
	n := utf8.RuneCountInString(w)
	if n < 20 || !tokenShape.MatchString(w) {
		return false
	}
	perChar := entropyBits(w) / float64(n)
	lower, upper, digit := strings.ContainsFunc(w, unicode.IsLower), strings.ContainsFunc(w, unicode.IsUpper), strings.ContainsFunc(w, unicode.IsDigit)
	if strings.Contains(w, "/") {
		return lower && upper && digit && perChar >= 4.0
	}
	return ((lower || upper) && digit && perChar >= 3.0) || perChar >= 4.0
}

// generatedPassword reports a punctuation-rich random word ("Xk#9$mQ2!pL@7vRz"),
// which token characters alone do not describe.
func generatedPassword(w string) bool {
	n := utf8.RuneCountInString(w)
	return n >= 16 && !strings.Contains(w, "://") && charClasses(w) == 4 && entropyBits(w)/float64(n) >= 3.5
}

func charClasses(v string) int {
	var lower, upper, digit, other bool
	for _, r := range v {
		switch {
		case unicode.IsLower(r):
			lower = true
		case unicode.IsUpper(r):
			upper = true
		case unicode.IsDigit(r):
			digit = true
		default:
			other = true
		}
	}
	n := 0
	for _, b := range []bool{lower, upper, digit, other} {
		if b {
			n++
		}
	}
	return n
}

// maskWords shows a command or list with any secret-looking word replaced
// by its fingerprint: `--url=redis://:pw@host` becomes `--url=fp:…`, and
// the word after a `--password`-like flag is masked too.
func (c *comparer) maskWords(s string) string {
	words := strings.Fields(s)
	for i, w := range words {
		// `--password VALUE`; a `--password=x` before it carries its own value
		if prev := words[max(i-1, 0)]; i > 0 && strings.HasPrefix(prev, "-") && !strings.Contains(prev, "=") &&
			secretByName(strings.TrimLeft(prev, "-")) {
			words[i] = c.fingerprint(w)
			continue
		}
		name, val, ok := strings.Cut(w, "=")
		switch {
		case ok && name != "" && !secretByShape(name) && IsSecret(strings.TrimLeft(name, "-"), val):
			words[i] = name + "=" + c.fingerprint(val)
		case secretByShape(w) || ok && secretByShape(name):
			words[i] = c.fingerprint(w)
		}
	}
	return strings.Join(words, " ")
}

// oneLine keeps a shown value on one line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
