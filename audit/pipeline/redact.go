package pipeline

import (
	"github.com/herokuaudit/herokuaudit/audit"
)

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
