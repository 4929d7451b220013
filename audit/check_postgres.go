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
	Reads: []Part{PartConfig},
	Uses:  []string{"config vars (DATABASE_URL, HEROKU_POSTGRESQL_*_URL, any postgres:// value, PGSSLMODE)", "add-ons", "Python sources"},
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

func postgresURLs(s *Snapshot) []pgURL {
	attached := map[string]bool{}
	for _, a := range s.Addons {
		if a.Service == "heroku-postgresql" {
			for _, v := range a.ConfigVars {
				attached[v] = true
			}
		}
	}
	var out []pgURL
	for _, name := range sortedKeys(s.ConfigVars) {
		v := strings.TrimSpace(s.ConfigVars[name])
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

// sslInSource finds where the code sets sslmode, if it does.
func sslInSource(s *Snapshot) (mode, where string) {
	fs := s.sourceFindings(pysrc.SSLMode, pysrc.SSLRequire)
	if len(fs) == 0 {
		return "", ""
	}
	if f := fs[0]; f.Kind == pysrc.SSLMode {
		return strings.ToLower(f.Value), fmt.Sprintf("%s:%d", f.File, f.Line)
	}
	return "require", fmt.Sprintf("%s:%d (ssl_require=True)", fs[0].File, fs[0].Line)
}

func runPostgresSSL(s *Snapshot) Outcome {
	urls := postgresURLs(s)
	if len(urls) == 0 {
		return Skipf("no Postgres connection string in the config vars")
	}
	envMode, envSet := s.configVar("PGSSLMODE")
	envMode = strings.ToLower(strings.TrimSpace(envMode))
	codeMode, codeWhere := sslInSource(s)
	fixCode := "require TLS in code: connect_args={\"sslmode\": \"require\"} (or ?sslmode=require when building the URL)"

	var fails, evidence []string
	if envSet && containsString(weakSSLModes, envMode) {
		fails = append(fails, "PGSSLMODE="+envMode)
		evidence = append(evidence, "config var PGSSLMODE is "+envMode)
	}
	if codeMode != "" && containsString(weakSSLModes, codeMode) {
		fails = append(fails, "sslmode="+codeMode+" in code")
		evidence = append(evidence, codeWhere+": sslmode="+codeMode)
	}
	covered := (envSet && containsString(strongSSLModes, envMode)) || containsString(strongSSLModes, codeMode)
	var herokuUnset []string
	for _, u := range urls {
		switch {
		case containsString(weakSSLModes, u.SSLMode):
			fails = append(fails, fmt.Sprintf("%s has sslmode=%s", u.Name, u.SSLMode))
			evidence = append(evidence, fmt.Sprintf("config var %s: sslmode=%s", u.Name, u.SSLMode))
		case containsString(strongSSLModes, u.SSLMode):
			evidence = append(evidence, fmt.Sprintf("config var %s: sslmode=%s", u.Name, u.SSLMode))
		case covered:
		case !u.Heroku:
			fails = append(fails, fmt.Sprintf("%s (not Heroku Postgres) sets no sslmode", u.Name))
			evidence = append(evidence, fmt.Sprintf("config var %s: host is not Heroku Postgres and no sslmode is set anywhere", u.Name))
		default:
			herokuUnset = append(herokuUnset, u.Name)
		}
	}
	if envSet && containsString(strongSSLModes, envMode) {
		evidence = append(evidence, "config var PGSSLMODE is "+envMode)
	}
	if containsString(strongSSLModes, codeMode) {
		evidence = append(evidence, codeWhere+": sslmode="+codeMode)
	}
	sort.Strings(herokuUnset)
	switch {
	case len(fails) > 0:
		return Failf("Postgres may connect without TLS: %s", strings.Join(fails, "; ")).With(evidence...).
			Fix("%s; heroku config:set PGSSLMODE=require %s", fixCode, s.appFlag())
	case len(herokuUnset) > 0:
		msg := "Heroku Postgres enforces TLS, but sslmode is set nowhere visible (Heroku advises setting it in code)"
		if _, gap := s.Gaps[PartFiles]; gap {
			msg += "; the source was not available to look in"
		}
		ev := append(evidence, "no sslmode for "+strings.Join(herokuUnset, ", ")+" in the URL, PGSSLMODE or the source")
		return Warnf("%s", msg).With(ev...).Fix("%s", fixCode)
	}
	return Passf("Postgres connections require TLS").With(evidence...)
}
