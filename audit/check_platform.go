package audit

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"
)

var stack = Check{
	ID:        "stack",
	Title:     "The stack is supported",
	Checklist: "Platform: run on a supported stack",
	Severity:  High,
	Rationale: "An end-of-life stack gets no security updates to its OS packages, and Heroku rejects builds " +
		"on it.",
	Remediation: "heroku stack:set heroku-24 -a APP, then deploy and test.",
	Needs:       []Part{PartApp},
	Run:         runStack,
}

// stacks as of 2026-11: heroku-20 reached end of life 2025-04-30, heroku-22
// is deprecated (end of life April 2027).
var stackStatus = map[string]string{
	"cedar-14": "eol", "heroku-16": "eol", "heroku-18": "eol", "heroku-20": "eol",
	"heroku-22": "deprecated", "heroku-24": "supported", "heroku-26": "supported",
}

func runStack(v *View) Outcome {
	if v.App().Generation == "fir" {
		return Skipf("Fir-generation apps build on Cloud Native Buildpacks base images, not a stack")
	}
	st := strings.ToLower(v.App().Stack)
	switch st {
	case "":
		return Skipf("the app reports no stack")
	case "container":
		// a Docker deploy: the OS is whatever the image's base is
		return Skipf("the app deploys a container image: its OS comes from the image, not a Heroku stack").With("stack container")
	case "cnb":
		return Skipf("the app builds with Cloud Native Buildpacks: its OS comes from their base image, not a stack").With("stack cnb")
	}
	ev := []string{"stack " + st}
	note := ""
	if b := strings.ToLower(v.App().BuildStack); b != "" && b != st {
		ev = append(ev, "build stack "+b)
		note = fmt.Sprintf(" (the next build uses %s)", b)
	}
	fix := fmt.Sprintf("heroku stack:set heroku-24 %s, then deploy", v.AppFlag())
	switch stackStatus[st] {
	case "eol":
		return Failf("%s is end of life: no security updates, builds rejected%s", st, note).With(ev...).Fix("%s", fix)
	case "deprecated":
		return Warnf("%s is deprecated and reaches end of life in April 2027%s", st, note).With(ev...).Fix("%s", fix)
	case "supported":
		return Passf("%s is supported%s", st, note).With(ev...)
	}
	return Warnf("unknown stack %s (the auditor's stack list is as of %s)", st, FactsAsOf).With(ev...).
		Fix("check the stack's support status in Heroku's stack documentation")
}

var postgresPlan = Check{
	ID:        "postgres-plan",
	Title:     "Production Postgres has rollback and HA",
	Checklist: "Platform: production Postgres with rollback and HA",
	Severity:  Medium,
	Rationale: "Essential-tier (and legacy hobby, mini, basic) Postgres plans have no rollback, no high " +
		"availability and row limits: one bad migration loses data for good.",
	Remediation: "heroku addons:upgrade DATABASE heroku-postgresql:standard-0 -a APP",
	Needs:       []Part{PartAddons},
	Run:         runPostgresPlan,
}

var smallPostgresPlans = []string{"essential-", "hobby-", "mini", "basic", "dev"}

func runPostgresPlan(v *View) Outcome {
	var pg []Addon
	for _, a := range v.Addons() {
		if a.Service == "heroku-postgresql" {
			pg = append(pg, a)
		}
	}
	if len(pg) == 0 {
		return Skipf("no Heroku Postgres add-on")
	}
	switch v.App().Stage {
	case "development", "review", "test", "staging":
		return Skipf("the app is in the %s stage, not production", v.App().Stage)
	}
	var small, ev []string
	for _, a := range pg {
		plan := strings.TrimPrefix(a.Plan, "heroku-postgresql:")
		ev = append(ev, fmt.Sprintf("add-on %s: %s", a.Name, a.Plan))
		for _, p := range smallPostgresPlans {
			if strings.HasPrefix(plan, p) {
				small = append(small, a.Name)
				break
			}
		}
	}
	if len(small) > 0 {
		return Warnf("Postgres on a plan without rollback or HA: %s", strings.Join(small, ", ")).With(ev...).
			Fix("heroku addons:upgrade %s heroku-postgresql:standard-0 %s", small[0], v.AppFlag())
	}
	return Passf("Postgres plans have rollback").With(ev...)
}

var tlsCustomDomains = Check{
	ID:        "tls-custom-domains",
	Title:     "Custom domains have valid certificates",
	Checklist: "Platform: TLS certificates for every custom domain",
	Severity:  Medium,
	Rationale: "A custom domain without a certificate serves no HTTPS (or a name mismatch); a failing ACM " +
		"order or an expiring certificate takes HTTPS down when it lapses.",
	Remediation: "heroku certs:auto:enable -a APP (Automated Certificate Management), or upload a certificate with heroku certs:add.",
	Needs:       []Part{PartApp, PartDomains},
	Run:         runTLSCustomDomains,
}

// certWarnDays is how close to expiry an uploaded certificate warns.
const certWarnDays = 30

// servingCert finds the certificate that serves a domain: its SNI
// endpoint's, or one whose domains name it; and whether ACM issued it.
func servingCert(certs []Cert, d Domain) (*Cert, bool) {
	for i, c := range certs {
		if d.SNIEndpoint != "" && c.Name == d.SNIEndpoint || slices.Contains(c.Domains, d.Hostname) {
			return &certs[i], c.ACM
		}
	}
	return nil, false
}

func runTLSCustomDomains(v *View) Outcome {
	var custom []Domain
	for _, d := range v.Domains() {
		if d.Kind == "custom" {
			custom = append(custom, d)
		}
	}
	if len(custom) == 0 {
		return Skipf("no custom domains")
	}
	certs := v.Certs()
	var fails, warns, ev []string
	for _, d := range custom {
		acmStatus := strings.ToLower(strings.TrimSpace(d.ACMStatus))
		served, byACM := servingCert(certs, d)
		switch {
		case served != nil && !byACM:
			// an uploaded certificate: its expiry is judged below
		case byACM || v.App().ACM || acmStatus != "":
			switch {
			case strings.Contains(acmStatus, "issued") || acmStatus == "ok":
			case strings.Contains(acmStatus, "fail"):
				fails = append(fails, d.Hostname+" (ACM "+acmStatus+")")
				ev = append(ev, fmt.Sprintf("%s: ACM status %s %s", d.Hostname, acmStatus, d.ACMStatusReason))
			default:
				// pending, in-progress, verified, dns-verified or none yet:
				// not served over HTTPS until it is issued
				status := cmp.Or(acmStatus, "none yet")
				warns = append(warns, d.Hostname+" has no ACM certificate yet ("+status+")")
				ev = append(ev, fmt.Sprintf("%s: ACM status %s", d.Hostname, status))
			}
		default:
			fails = append(fails, d.Hostname)
			ev = append(ev, d.Hostname+": no ACM and no SNI endpoint")
		}
	}
	for _, c := range certs {
		if c.ExpiresAt.IsZero() || v.Taken().IsZero() {
			continue
		}
		left := c.ExpiresAt.Sub(v.Taken())
		switch {
		case left < 0:
			fails = append(fails, "certificate "+c.Name+" expired")
			ev = append(ev, fmt.Sprintf("SNI endpoint %s expired on %s", c.Name, c.ExpiresAt.Format(time.DateOnly)))
		case left < certWarnDays*24*time.Hour && !c.ACM:
			// Heroku renews an ACM certificate a month before it expires:
			// that window is routine, an uploaded one's is not
			warns = append(warns, "certificate "+c.Name+" expires soon")
			ev = append(ev, fmt.Sprintf("SNI endpoint %s expires on %s", c.Name, c.ExpiresAt.Format(time.DateOnly)))
		}
	}
	switch {
	case len(fails) > 0:
		return Failf("no valid certificate for %s", strings.Join(fails, ", ")).With(ev...).
			Fix("heroku certs:auto:enable %s (heroku certs:auto %s shows why an order fails)", v.AppFlag(), v.AppFlag())
	case len(warns) > 0:
		return Warnf("%s", strings.Join(warns, "; ")).With(ev...).
			Fix("heroku certs:auto %s shows why; renew or re-enable with heroku certs:auto:refresh %s", v.AppFlag(), v.AppFlag())
	}
	return Passf("%d custom domain(s) covered by certificates", len(custom))
}

var logDrain = Check{
	ID:          "log-drain",
	Title:       "Logs are kept somewhere",
	Checklist:   "Platform: ship logs to a log drain or logging add-on",
	Severity:    Low,
	Rationale:   "Heroku keeps only the last 1,500 log lines: without a drain or a logging add-on, the evidence of an incident is gone within minutes.",
	Remediation: "Add a logging add-on (e.g. heroku addons:create papertrail -a APP) or a log drain (heroku drains:add URL -a APP).",
	Needs:       []Part{PartAddons},
	Run:         runLogDrain,
}

var loggingAddons = []string{"papertrail", "logdna", "mezmo", "sumologic", "loggly", "solarwinds", "coralogix",
	"logentries", "sematext-logsene", "logtail", "betterstack", "timber-logging", "bonsai-logs", "datadog", "newrelic"}

func runLogDrain(v *View) Outcome {
	for _, a := range v.Addons() {
		if containsString(loggingAddons, a.Service) {
			return Passf("logs go to the %s add-on", a.Service).With("add-on " + a.Name)
		}
	}
	if v.LogDrains() > 0 {
		return Passf("%d log drain(s) configured", v.LogDrains())
	}
	return Warnf("no log drain and no logging add-on: Heroku keeps only the last 1,500 lines").
		Fix("heroku addons:create papertrail %s (or heroku drains:add URL %s)", v.AppFlag(), v.AppFlag())
}

var edgeProtection = Check{
	ID:        "edge-protection",
	Title:     "Traffic is filtered at the edge",
	Checklist: "Platform: filter traffic at the edge (WAF)",
	Severity:  Low,
	Rationale: "Without a WAF in front, the app absorbs abusive traffic itself: bots, scrapers, credential " +
		"stuffing, layer-7 floods. Heroku offers the Expedited WAF add-on for IP, user-agent, country and " +
		"proxy blocking and DDoS challenges.",
	Remediation: "heroku addons:create expeditedwaf -a APP",
	Needs:       []Part{PartAddons},
	Run: func(v *View) Outcome {
		for _, a := range v.Addons() {
			if a.Service == "expeditedwaf" {
				return Passf("the Expedited WAF add-on filters traffic").With("add-on " + a.Name)
			}
		}
		return Warnf("no WAF add-on: abusive traffic reaches the dynos unfiltered").
			Fix("heroku addons:create expeditedwaf %s", v.AppFlag())
	},
}
