package main

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// recordedPipeline is the fixture pipeline built from the Heroku CLI's
// recorded pipeline bodies (fixtures/README.md, "A pipeline of recorded
// bodies"): example in staging, my-cedar-app and testapp in production,
// all of the mixed team, which the fixture account has not joined, so each
// coupled app is named by GET /apps/{id}.
const recordedPipeline = "example-pipeline"

// TestRecordedPipelineAudit audits the recorded pipeline: every coupled app
// is named (not left as its id) and audited, in stage order, each with the
// language its own files show.
func TestRecordedPipelineAudit(t *testing.T) {
	for _, sel := range []string{recordedPipeline, "123-pipeline-456"} { // by name and by id
		t.Run(sel, func(t *testing.T) {
			code, out, errOut := runCLI(t, nil, "--fixtures", fixturesDir, "--pipeline", sel, "-f", "json")
			if code == exitTrouble {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			var doc struct {
				Apps []struct {
					App, Language, Error string
					Findings             []struct{ Check, Status, Message string }
				}
			}
			if err := json.Unmarshal([]byte(out), &doc); err != nil {
				t.Fatalf("not JSON: %v\n%s", err, out)
			}
			var names []string
			want := map[string]string{"example": "Node.js", "my-cedar-app": "Ruby", "testapp": "unknown"}
			for _, a := range doc.Apps {
				names = append(names, a.App)
				if a.Error != "" {
					t.Errorf("%s: %s", a.App, a.Error)
				}
				if a.Language != want[a.App] {
					t.Errorf("%s: language %q, want %q", a.App, a.Language, want[a.App])
				}
				if len(a.Findings) == 0 {
					t.Errorf("%s: no findings", a.App)
				}
			}
			// staging first, then production by name
			if got := strings.Join(names, " "); got != "example my-cedar-app testapp" {
				t.Errorf("apps %q, want example (staging), my-cedar-app and testapp (production)", got)
			}
			// the staging app's Eco dynos warn; in production they would fail
			tier := ""
			for _, a := range doc.Apps {
				for _, f := range a.Findings {
					if a.App == "example" && f.Check == "dyno-tier" {
						tier = f.Status
					}
				}
			}
			if tier != "warn" {
				t.Errorf("example (staging) dyno-tier %q, want warn", tier)
			}
		})
	}
}

// TestRecordedPipelineDiff compares the recorded pipeline's stages: the
// staging app with each production app, and the two production apps not
// with each other.
func TestRecordedPipelineDiff(t *testing.T) {
	code, out, errOut := runCLI(t, nil, "--fixtures", fixturesDir, "diff", "-f", "json", "--pipeline", recordedPipeline)
	if code == exitTrouble {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var doc struct {
		Diffs []struct {
			A, B    string
			Entries []struct{ Kind, Key, Change string }
		}
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	var pairs []string
	for _, d := range doc.Diffs {
		pairs = append(pairs, d.A+" → "+d.B)
		if len(d.Entries) == 0 {
			t.Errorf("%s → %s: no differences between a Node.js and a %s app", d.A, d.B, d.B)
		}
		// the staging app's Node.js buildpack is missing downstream
		if !slices.ContainsFunc(d.Entries, func(e struct{ Kind, Key, Change string }) bool {
			return e.Kind == "buildpack" && e.Key == "heroku/nodejs" && e.Change == "only-in-a"
		}) {
			t.Errorf("%s → %s: no heroku/nodejs only-in-a entry", d.A, d.B)
		}
	}
	if got, want := strings.Join(pairs, ", "), "example → my-cedar-app, example → testapp"; got != want {
		t.Errorf("pairs %q, want %q", got, want)
	}

	code, out, errOut = runCLI(t, nil, "--fixtures", fixturesDir, "diff", "--pipeline", recordedPipeline)
	if code == exitTrouble || !strings.Contains(out, "example → my-cedar-app") || !strings.Contains(out, "example → testapp") ||
		!strings.Contains(out, "RACK_ENV") {
		t.Errorf("exit %d, stderr %q\n%s", code, errOut, out)
	}
}
