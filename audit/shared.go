package audit

import (
	"crypto/hmac"
	"crypto/sha256"
	"slices"
	"strings"
)

// sharedVar is one of an app's secrets whose value another app of the run
// holds too.
type sharedVar struct {
	Var      string
	OtherApp string
	OtherVar string
	More     int // set on a last entry: how many more apps hold it, unnamed
}

// maxSharedPeers bounds the apps named for one shared value: 500 apps
// sharing one SENTRY_DSN would otherwise be 250,000 pairs.
const maxSharedPeers = 10

// peers is what LinkSharedSecrets found for one snapshot.
type peers struct {
	compared int // other apps whose config was compared
	shared   []sharedVar
}

// minSharedLen keeps trivially equal values ("x", "changeme" placeholders
// are the secret-key and secret-strength checks' business) out of the match.
const minSharedLen = 8

// SecretPrints is what the shared-secret check needs of one app once its
// snapshot is gone: the keyed fingerprints of its secret values, by var.
type SecretPrints struct {
	app        string
	configured bool // its config vars were read
	prints     map[string][]string
}

// PrintSecrets fingerprints a snapshot's secrets: HMAC-SHA256 under key,
// made afresh for each run, so no value is kept or compared in the clear.
func PrintSecrets(s *Snapshot, key []byte) SecretPrints {
	p := SecretPrints{app: s.App.Name, configured: s.ConfigVars != nil, prints: map[string][]string{}}
	for name, v := range s.ConfigVars {
		if len(v) < minSharedLen || !IsSecret(name, v) {
			continue
		}
		m := hmac.New(sha256.New, key)
		m.Write([]byte(v))
		fp := string(m.Sum(nil))
		p.prints[fp] = append(p.prints[fp], name)
	}
	return p
}

// LinkSharedSecrets compares the secrets of the apps audited together and
// records, on each snapshot, which of its values another app holds too.
func LinkSharedSecrets(snaps []*Snapshot, key []byte) {
	prints := make([]SecretPrints, len(snaps))
	for i, s := range snaps {
		if s != nil {
			prints[i] = PrintSecrets(s, key)
		}
	}
	LinkPrints(snaps, prints)
}

// LinkPrints records on each snapshot which of its secrets another app's
// prints hold too. snaps[i] may be the thin snapshot (see Thin) of the app
// prints[i] was taken from; nil entries are apps that could not be read.
func LinkPrints(snaps []*Snapshot, prints []SecretPrints) {
	type owner struct {
		app  int
		name string
	}
	byPrint := map[string][]owner{}
	configured := 0
	for i, p := range prints {
		if snaps[i] == nil || !p.configured {
			continue
		}
		configured++
		for fp, names := range p.prints {
			for _, n := range names {
				byPrint[fp] = append(byPrint[fp], owner{i, n})
			}
		}
	}
	for i, s := range snaps {
		if s != nil && prints[i].configured {
			s.peers = &peers{compared: configured - 1}
		}
	}
	for _, owners := range byPrint {
		for _, o := range owners {
			p := snaps[o.app].peers
			named := 0
			for _, other := range owners {
				// the same app named twice is not two apps sharing a secret
				if other.app == o.app || prints[other.app].app == prints[o.app].app {
					continue
				}
				if named == maxSharedPeers {
					p.shared[len(p.shared)-1].More++
					continue
				}
				named++
				p.shared = append(p.shared, sharedVar{Var: o.name, OtherApp: prints[other.app].app, OtherVar: other.name})
			}
		}
	}
	for _, s := range snaps {
		if s != nil && s.peers != nil {
			slices.SortFunc(s.peers.shared, func(a, b sharedVar) int {
				return strings.Compare(a.Var+"\x00"+a.OtherApp+"\x00"+a.OtherVar, b.Var+"\x00"+b.OtherApp+"\x00"+b.OtherVar)
			})
		}
	}
}

var sharedSecret = Check{
	ID:        "shared-secret",
	CrossApp:  true,
	Title:     "Secrets are not shared between apps",
	Checklist: "Configuration: give every app (staging, production) its own secrets",
	Severity:  High,
	Rationale: "A secret that staging and production share makes staging a way into production: staging's " +
		"weaker access control, logs and debug settings expose production's keys and data.",
	Remediation: "Generate a separate value for each app: heroku config:set NAME=... -a APP.",
	Needs:       []Part{PartConfig},
	Run: func(v *View) Outcome {
		p := v.Peers()
		if p == nil || p.compared == 0 {
			return Skipf("audited alone: no other app to compare secrets with")
		}
		if len(p.shared) == 0 {
			return Passf("no secret value is shared with the %d other app(s) audited", p.compared)
		}
		var ev []Evidence
		var names []string
		for _, sv := range p.shared {
			ev = append(ev, ofVar(sv.Var, "config var %s has the same value as %s's %s", sv.Var, sv.OtherApp, sv.OtherVar))
			if sv.More > 0 {
				ev = append(ev, ofVar(sv.Var, "config var %s: and %d more app(s) hold the same value", sv.Var, sv.More))
			}
			if !slices.Contains(names, sv.Var) {
				names = append(names, sv.Var)
			}
		}
		return Failf("%s shared with another app", strings.Join(names, ", ")).WithEv(ev...).
			Fix("give each app its own value: heroku config:set %s=... %s", names[0], v.AppFlag())
	},
}
