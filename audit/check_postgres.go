package audit

import (
	"fmt"
	"net/url"
	"sort"
	"strings"

	"github.com/herokuaudit/herokuaudit/audit/pysrc"
)

var postgresSSL = Check{
	ID:        "postgres-ssl",
	Title:     "Postgres connections require TLS",
	Checklist: "Core: connect to Postgres with sslmode=require",
	Severity:  High,
	Rationale: "Without sslmode=require a Postgres client may fall back to plain text (prefer, allow) or " +
		"never try TLS (disable), exposing credentials and data on the network.",
	Remediation: "Require TLS in code, e.g. SQLALCHEMY_ENGINE_OPTIONS = {\"connect_args\": {\"sslmode\": \"require\"}}, " +
		"or set PGSSLMODE=require; Heroku rotates DATABASE_URL, so don't edit it.",
	Needs: []Part{PartConfig},
	Run:   runPostgresSSL,
}

var (
	strongSSLModes = []string{"require", "verify-ca", "verify-full"}
	weakSSLModes   = []string{"disable", "allow", "prefer"}
)

// pgURL is one Postgres connection string from the config, by name only.
type pgURL struct {
	Name    string
	Host    string
	SSLMode string
	Heroku  bool
}

func postgresURLs(v *View) []pgURL {
	attached := map[string]bool{}
	for _, a := range v.Addons() {
		if a.Service == "heroku-postgresql" {
			for _, v := range a.ConfigVars {
				attached[v] = true
			}
		}
	}
	var out []pgURL
	for _, name := range sortedKeys(v.ConfigVars()) {
		v := strings.TrimSpace(v.ConfigVars()[name])
		if !strings.HasPrefix(v, "postgres://") && !strings.HasPrefix(v, "postgresql://") && !strings.HasPrefix(v, "postgresql+") {
			continue
		}
		p := pgURL{Name: name, Heroku: attached[name] || strings.HasPrefix(name, "HEROKU_POSTGRESQL_")}
		if u, err := url.Parse(v); err == nil {
			p.Host = u.Hostname()
			p.SSLMode = strings.ToLower(u.Query().Get("sslmode"))
		} else if i := strings.Index(v, "sslmode="); i >= 0 {
			// unparseable (an unescaped character in the password): still find the mode
			rest := v[i+len("sslmode="):]
			if j := strings.IndexAny(rest, "&#"); j >= 0 {
				rest = rest[:j]
			}
			p.SSLMode = strings.ToLower(rest)
		}
		if strings.HasSuffix(p.Host, ".amazonaws.com") && strings.Contains(p.Host, "compute") {
			p.Heroku = true // Heroku Postgres hosts live on EC2 compute hostnames
		}
		out = append(out, p)
	}
	return out
}

// codePlace is a place in the source, for evidence.
type codePlace struct {
	file string
	line int
	text string // "app.py:12"
}

func (c codePlace) ev(format string, a ...any) Evidence { return inFile(c.file, c.line, format, a...) }

// sslInSource finds where the code sets sslmode, if it does.
func sslInSource(v *View) (mode string, where codePlace) {
	fs := v.Source(pysrc.SSLMode, pysrc.SSLRequire)
	if len(fs) == 0 {
		return "", codePlace{}
	}
	f := fs[0]
	where = codePlace{file: f.File, line: f.Line, text: fmt.Sprintf("%s:%d", f.File, f.Line)}
	if f.Kind == pysrc.SSLMode {
		return strings.ToLower(f.Value), where
	}
	where.text += " (ssl_require=True)"
	return "require", where
}

func runPostgresSSL(v *View) Outcome {
	urls := postgresURLs(v)
	if len(urls) == 0 {
		return Skipf("no Postgres connection string in the config vars")
	}
	envMode, envSet := v.ConfigVar("PGSSLMODE")
	envMode = strings.ToLower(strings.TrimSpace(envMode))
	codeMode, codeWhere := sslInSource(v)
	fixCode := "require TLS in code: connect_args={\"sslmode\": \"require\"} (or ?sslmode=require when building the URL)"

	var fails []string
	var evidence []Evidence
	if envSet && containsString(weakSSLModes, envMode) {
		fails = append(fails, "PGSSLMODE="+envMode)
		evidence = append(evidence, ofVar("PGSSLMODE", "config var PGSSLMODE is %s", envMode))
	}
	if codeMode != "" && containsString(weakSSLModes, codeMode) {
		fails = append(fails, "sslmode="+codeMode+" in code")
		evidence = append(evidence, codeWhere.ev("%s: sslmode=%s", codeWhere.text, codeMode))
	}
	covered := (envSet && containsString(strongSSLModes, envMode)) || containsString(strongSSLModes, codeMode)
	var herokuUnset []string
	for _, u := range urls {
		switch {
		case containsString(weakSSLModes, u.SSLMode):
			fails = append(fails, fmt.Sprintf("%s has sslmode=%s", u.Name, u.SSLMode))
			evidence = append(evidence, ofVar(u.Name, "config var %s: sslmode=%s", u.Name, u.SSLMode))
		case containsString(strongSSLModes, u.SSLMode):
			evidence = append(evidence, ofVar(u.Name, "config var %s: sslmode=%s", u.Name, u.SSLMode))
		case covered:
		case !u.Heroku:
			fails = append(fails, fmt.Sprintf("%s (not Heroku Postgres) sets no sslmode", u.Name))
			evidence = append(evidence, ofVar(u.Name, "config var %s: host is not Heroku Postgres and no sslmode is set anywhere", u.Name))
		default:
			herokuUnset = append(herokuUnset, u.Name)
		}
	}
	if envSet && containsString(strongSSLModes, envMode) {
		evidence = append(evidence, ofVar("PGSSLMODE", "config var PGSSLMODE is %s", envMode))
	}
	if containsString(strongSSLModes, codeMode) {
		evidence = append(evidence, codeWhere.ev("%s: sslmode=%s", codeWhere.text, codeMode))
	}
	sort.Strings(herokuUnset)
	switch {
	case len(fails) > 0:
		return Failf("Postgres may connect without TLS: %s", strings.Join(fails, "; ")).Sure().WithEv(evidence...).
			Fix("%s; heroku config:set PGSSLMODE=require %s", fixCode, v.AppFlag())
	case len(herokuUnset) > 0:
		msg := "Heroku Postgres enforces TLS, but sslmode is set nowhere visible (Heroku advises setting it in code)"
		ev := append(evidence, ofVar(herokuUnset[0], "no sslmode for %s in the URL, PGSSLMODE or the source", strings.Join(herokuUnset, ", ")))
		return Warnf("%s", msg).WithEv(ev...).Fix("%s", fixCode)
	}
	return Passf("Postgres connections require TLS").WithEv(evidence...)
}
