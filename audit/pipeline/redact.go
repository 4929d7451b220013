package pipeline

import (
	"github.com/herokuaudit/herokuaudit/audit"
)

// redactRun is the one redaction step of an audit: every string the run
// hands to the renderers and to stderr passes through a Redactor that knows
// every config var value of the app it speaks of, whatever the var is
// named, and the extra secrets (the API token). Each app's result is
// redacted with its own values; the notices, which may speak of any app,
// with all of them. The verdict is weighed again, since its lines quote the
// results' messages and errors.
func redactRun(run *Run, snaps []*audit.Snapshot, opt Options) {
	for i := range run.Results {
		var s *audit.Snapshot
		if i < len(snaps) {
			s = snaps[i]
		}
		audit.SnapshotRedactor(opt.Secrets, s).RedactResult(&run.Results[i])
	}
	all := audit.SnapshotRedactor(opt.Secrets, snaps...)
	for i, n := range run.Notices {
		run.Notices[i] = all.Redact(n)
	}
	run.Verdict = opt.Gate.weigh(run.Results)
}

// redactDiffRun is the one redaction step of a comparison. Each diff's
// entries are redacted with both apps' values, their markers carrying the
// run's fingerprints so the two stages' values can still be told apart;
// the trouble and reasons lines with every app's values.
func redactDiffRun(run *DiffRun, snaps map[string]*audit.Snapshot, key []byte, secrets []string) {
	byName := map[string]*audit.Snapshot{}
	var all []*audit.Snapshot
	for _, s := range snaps {
		byName[s.App.Name] = s
		all = append(all, s)
	}
	for i := range run.Diffs {
		d := &run.Diffs[i]
		audit.SnapshotRedactor(secrets, byName[d.A], byName[d.B]).WithFingerprints(key).RedactDiff(d)
	}
	r := audit.SnapshotRedactor(secrets, all...)
	for _, lines := range [][]string{run.Trouble, run.Reasons} {
		for i, l := range lines {
			lines[i] = r.Redact(l)
		}
	}
}
