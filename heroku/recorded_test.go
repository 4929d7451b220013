package heroku

import (
	"context"
	"errors"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/herokuaudit/herokuaudit/audit"
)

// Bodies Heroku itself wrote (fixtures/README.md, "Recorded bodies"): the
// Heroku CLI's test replies and the webhook event examples. Each is served
// to the real client from an httptest server.
const recordedDir = "../fixtures/recorded"

// recordedEndpoint is what each recorded body is an answer to. Webhook
// payloads are single resources: served as a list of one where the
// endpoint is a list.
var recordedEndpoint = map[string]string{
	"heroku-cli/addon-deprovisioned.json":                         "addons1",
	"heroku-cli/addon-deprovisioning.json":                        "addons1",
	"heroku-cli/addon-state-suspended.json":                       "addons1",
	"heroku-cli/addons-all-provisioned-provisioning.json":         "addons",
	"heroku-cli/app-acm-only.json":                                "app",
	"heroku-cli/app-build-stack-container-stack-heroku-24.json":   "app",
	"heroku-cli/app-cedar-generation-string.json":                 "app",
	"heroku-cli/app-cedar-region-virginia-archived-at.json":       "app",
	"heroku-cli/app-container-generation-space-shield-false.json": "app",
	"heroku-cli/app-fir-build-stack-heroku-24.json":               "app",
	"heroku-cli/app-fir-generation-string-cnb.json":               "app",
	"heroku-cli/app-info-fir-slug-size-null.json":                 "app",
	"heroku-cli/app-info-internal-routing-space.json":             "app",
	"heroku-cli/app-owner-id-numeric.json":                        "app",
	"heroku-cli/app-process-tier-basic.json":                      "app",
	"heroku-cli/app-space-shield-only.json":                       "app",
	"heroku-cli/app-stack-container.json":                         "app",
	"heroku-cli/apps-locked-internal-routing.json":                "apps",
	"heroku-cli/buildpack-installations-codon-tgz.json":           "buildpacks",
	"heroku-cli/buildpack-installations-empty.json":               "buildpacks",
	"heroku-cli/buildpack-installations-github-url.json":          "buildpacks",
	"heroku-cli/buildpack-installations-ordinal-1.json":           "buildpacks",
	"heroku-cli/buildpack-installations-put-registry-mapped.json": "buildpacks",
	"heroku-cli/buildpack-installations-registry-s3-tgz.json":     "buildpacks",
	"heroku-cli/buildpack-installations-urn-with-name.json":       "buildpacks",
	"heroku-cli/config-vars-language-pack-url.json":               "config",
	"heroku-cli/config-vars-ruby-rack-env.json":                   "config",
	"heroku-cli/domains-200-page2.json":                           "domains",
	"heroku-cli/domains-206-page1-next-range.json":                "domains",
	"heroku-cli/domains-acm-cert-issued-and-other.json":           "domains",
	"heroku-cli/domains-acm-cert-issued.json":                     "domains",
	"heroku-cli/domains-acm-status-all-values.json":               "domains",
	"heroku-cli/domains-acm-status-failed.json":                   "domains",
	"heroku-cli/domains-acm-status-reason.json":                   "domains",
	"heroku-cli/domains-heroku-only.json":                         "domains",
	"heroku-cli/domains-numeric-id.json":                          "domains",
	"heroku-cli/domains-sni-endpoint-ref.json":                    "domains",
	"heroku-cli/dynos-eco-web-and-run.json":                       "dynos",
	"heroku-cli/dynos-extended-shield-numeric-ids.json":           "dynos",
	"heroku-cli/dynos-extended-string-ids.json":                   "dynos",
	"heroku-cli/dynos-fir-1X-Classic-2X-Compute.json":             "dynos",
	"heroku-cli/dynos-private-M-L-run.json":                       "dynos",
	"heroku-cli/dynos-starting-release-ref.json":                  "dynos",
	"heroku-cli/error-403-forbidden-suspended-addon.json":         "error",
	"heroku-cli/error-403-two-factor.json":                        "error",
	"heroku-cli/error-404-message-only.json":                      "error",
	"heroku-cli/error-404-not-found-addon-resource.json":          "error",
	"heroku-cli/formation-basic-web-worker.json":                  "formation",
	"heroku-cli/formation-every-size-incl-fir.json":               "formation",
	"heroku-cli/formation-free-web-worker.json":                   "formation",
	"heroku-cli/formation-hobby-web-worker-2020.json":             "formation",
	"heroku-cli/formation-hobby.json":                             "formation",
	"heroku-cli/formation-performance-l-ram.json":                 "formation",
	"heroku-cli/formation-private-L-M.json":                       "formation",
	"heroku-cli/formation-rails-and-node-standard-1x.json":        "formation",
	"heroku-cli/formation-release-phase-type-only.json":           "formation",
	"heroku-cli/formation-shield-app-private-sizes.json":          "formation",
	"heroku-cli/formation-standard-1x-2x.json":                    "formation",
	"heroku-cli/pipeline-coupling-app-info.json":                  "couplings",
	"heroku-cli/pipeline-coupling-app-single-object.json":         "couplings",
	"heroku-cli/pipeline-coupling-no-stage.json":                  "couplings",
	"heroku-cli/pipeline-couplings-generation-string-cedar.json":  "couplings",
	"heroku-cli/pipeline-couplings-generation-string-fir.json":    "couplings",
	"heroku-cli/pipeline-generation-object-cedar.json":            "pipeline",
	"heroku-cli/pipeline-generation-object-fir.json":              "pipeline",
	"heroku-cli/releases-extended.json":                           "releases",
	"heroku-cli/releases-failed-without-slug.json":                "releases",
	"heroku-cli/releases-fir-failed-then-oci.json":                "releases",
	"heroku-cli/releases-fir-oci-image-artifact.json":             "releases",
	"heroku-cli/releases-slug-null.json":                          "releases",
	"heroku-cli/releases-status-pending-failed-null.json":         "releases",
	"heroku-cli/slug-commit-only.json":                            "slug",
	"heroku-cli/sni-endpoints-acm-true.json":                      "certs",
	"heroku-cli/sni-endpoints-domains-hostname.json":              "certs",
	"heroku-cli/sni-endpoints-domains-uuids.json":                 "certs",
	"heroku-cli/sni-endpoints-letsencrypt-acm-no-id.json":         "certs",
	"heroku-cli/sni-endpoints-uploaded-no-id.json":                "certs",
	"heroku-cli/team-apps-minimal.json":                           "teamapps",
	"heroku-cli/team-apps-space-internal-routing.json":            "teamapps",
	"heroku-webhooks-docs/api-addon-create.data.json":             "addons1",
	"heroku-webhooks-docs/api-addon-destroy.data.json":            "addons1",
	"heroku-webhooks-docs/api-addon-update.data.json":             "addons1",
	"heroku-webhooks-docs/api-app-create.data.json":               "app",
	"heroku-webhooks-docs/api-app-destroy.data.json":              "app",
	"heroku-webhooks-docs/api-app-update.data.json":               "app",
	"heroku-webhooks-docs/api-domain-create.data.json":            "domains1",
	"heroku-webhooks-docs/api-domain-destroy.data.json":           "domains1",
	"heroku-webhooks-docs/api-dyno-create.data.json":              "dynos1",
	"heroku-webhooks-docs/api-formation-destroy.data.json":        "formation1",
	"heroku-webhooks-docs/api-formation-update.data.json":         "formation1",
	"heroku-webhooks-docs/api-release-create.data.json":           "releases1",
	"heroku-webhooks-docs/api-release-update.data.json":           "releases1",
	"heroku-webhooks-docs/api-sni-endpoint-create.data.json":      "certs1",
	"heroku-webhooks-docs/api-sni-endpoint-destroy.data.json":     "certs1",
	"heroku-webhooks-docs/api-sni-endpoint-update.data.json":      "certs1",
}

// recordedRoute is the path of app x each endpoint kind is served at, and
// the part of the snapshot it fills.
var recordedRoute = map[string]struct {
	path string
	part audit.Part
}{
	"app":        {"/apps/x", audit.PartApp},
	"config":     {"/apps/x/config-vars", audit.PartConfig},
	"formation":  {"/apps/x/formation", audit.PartFormation},
	"dynos":      {"/apps/x/dynos", audit.PartDynos},
	"addons":     {"/apps/x/addons", audit.PartAddons},
	"buildpacks": {"/apps/x/buildpack-installations", audit.PartBuildpacks},
	"releases":   {"/apps/x/releases", audit.PartRelease},
	"slug":       {"/apps/x/slugs/slug-42", audit.PartSlug},
	"domains":    {"/apps/x/domains", audit.PartDomains},
	"certs":      {"/apps/x/sni-endpoints", audit.PartDomains},
}

func readRecorded(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(recordedDir, filepath.FromSlash(name)))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// noticeLog collects what a client passes to OnWarning.
type noticeLog struct {
	mu  sync.Mutex
	got []string
}

func (n *noticeLog) add(s string) { n.mu.Lock(); n.got = append(n.got, s); n.mu.Unlock() }
func (n *noticeLog) all() []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return slices.Clone(n.got)
}

func watch(c *Client) *noticeLog {
	n := &noticeLog{}
	c.OnWarning(n.add)
	return n
}

// snapWith snapshots the complete app x with one of its answers replaced
// by body.
func snapWith(t *testing.T, path, body string) (*audit.Snapshot, []string, error) {
	t.Helper()
	api, _, _ := world(t)
	api.handle(path, jsonHandler(body))
	c := testClient(t, api.srv.URL)
	n := watch(c)
	snap, err := c.Snapshot(context.Background(), "x")
	return snap, n.all(), err
}

// Every recorded body is listed above, and every listed body exists.
func TestRecordedBodiesAllUsed(t *testing.T) {
	var files []string
	for _, dir := range []string{"heroku-cli", "heroku-webhooks-docs"} {
		ents, err := os.ReadDir(filepath.Join(recordedDir, dir))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range ents {
			files = append(files, dir+"/"+e.Name())
		}
	}
	for _, f := range files {
		if _, ok := recordedEndpoint[f]; !ok {
			t.Errorf("%s is not used by any test: add it to recordedEndpoint", f)
		}
	}
	for f := range recordedEndpoint {
		if !slices.Contains(files, f) {
			t.Errorf("%s is listed but not in %s", f, recordedDir)
		}
	}
}

// Every recorded body of an app endpoint decodes whole: no part of the
// snapshot is lost to it, nothing is skipped.
func TestRecordedBodiesDecode(t *testing.T) {
	for _, name := range slices.Sorted(maps.Keys(recordedEndpoint)) {
		kind := recordedEndpoint[name]
		one := strings.HasSuffix(kind, "1")
		route, ok := recordedRoute[strings.TrimSuffix(kind, "1")]
		if !ok {
			continue // listings, pipelines and errors: tested below
		}
		t.Run(name, func(t *testing.T) {
			body := readRecorded(t, name)
			if one {
				body = "[" + body + "]"
			}
			snap, notices, err := snapWith(t, route.path, body)
			if err != nil {
				t.Fatalf("snapshot failed: %v", err)
			}
			if len(notices) != 0 {
				t.Errorf("notices: %q", notices)
			}
			for p, g := range snap.Gaps {
				if strings.Contains(g.Reason, "malformed") {
					t.Errorf("gap %s: %s", p, g.Reason)
				}
			}
			if g, ok := snap.Gaps[route.part]; ok && route.part != audit.PartRelease && route.part != audit.PartSlug {
				t.Errorf("gap %s: %+v", route.part, g)
			}
		})
	}
}

func TestRecordedApps(t *testing.T) {
	for _, tc := range []struct {
		file string
		want audit.App
	}{
		{"heroku-cli/app-acm-only.json", audit.App{Name: "x", ACM: true}},
		{"heroku-cli/app-cedar-generation-string.json", audit.App{Name: "my-cedar-app", ID: "8d76ca49-b876-41af-8ace-915d300804a6",
			BuildStack: "heroku-22", Region: "us", Generation: "cedar", BuildpackDescription: "Ruby"}},
		{"heroku-cli/app-fir-generation-string-cnb.json", audit.App{Name: "my-fir-app", ID: "745c1486-ad78-4de7-8da7-20d4f8b15b71",
			BuildStack: "cnb", Region: "us", Generation: "fir", BuildpackDescription: "Cloud Native Buildpacks"}},
		{"heroku-cli/app-fir-build-stack-heroku-24.json", audit.App{Name: "example", ID: "12345678-aaaa-bbbb-cccc-b2443790f501",
			Stack: "heroku-24", BuildStack: "heroku-24", Region: "virginia", Generation: "fir"}},
		{"heroku-cli/app-info-internal-routing-space.json", audit.App{Name: "myapp", ID: "app-id", Stack: "cedar-14", BuildStack: "cedar-14",
			Region: "eu", Generation: "cedar", Space: "myspace"}},
		{"heroku-cli/app-info-fir-slug-size-null.json", audit.App{Name: "myapp", ID: "app-id", Stack: "cedar-14", BuildStack: "cedar-14",
			Region: "eu", Generation: "fir", Space: "myspace"}},
		{"heroku-cli/app-owner-id-numeric.json", audit.App{Name: "x"}},
		{"heroku-cli/app-process-tier-basic.json", audit.App{Name: "x", ID: "6789"}},
		{"heroku-cli/app-space-shield-only.json", audit.App{Name: "x"}},
		{"heroku-cli/app-stack-container.json", audit.App{Name: "testapp", Stack: "container"}},
		{"heroku-cli/app-build-stack-container-stack-heroku-24.json", audit.App{Name: "testapp", Stack: "heroku-24", BuildStack: "container"}},
		{"heroku-cli/app-container-generation-space-shield-false.json", audit.App{Name: "x", BuildStack: "container", Generation: "cedar"}},
		{"heroku-cli/app-cedar-region-virginia-archived-at.json", audit.App{Name: "example", ID: "12345678-aaaa-bbbb-cccc-b2443790f501",
			Stack: "heroku-24", BuildStack: "heroku-24", Region: "virginia", Generation: "cedar"}},
		{"heroku-webhooks-docs/api-app-create.data.json", audit.App{Name: "polar-wildwood-81034", ID: "7c454377-91c6-44e3-87a2-ecb16437ced9",
			Stack: "cedar-14", BuildStack: "cedar-14", Region: "us", Team: "org-0058"}},
		{"heroku-webhooks-docs/api-app-destroy.data.json", audit.App{Name: "sample-app-0191", ID: "1578fb48-e184-4568-b2a0-2525101ec4f3",
			Stack: "cedar-14", BuildStack: "cedar-14", Region: "us", BuildpackDescription: "Ruby/Rails"}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			snap, _, err := snapWith(t, "/apps/x", readRecorded(t, tc.file))
			if err != nil {
				t.Fatal(err)
			}
			got := snap.App
			got.WebURL, got.Maintenance = "", false
			if got != tc.want {
				t.Errorf("App = %+v\nwant  %+v", got, tc.want)
			}
		})
	}
}

func TestRecordedAppParts(t *testing.T) {
	exp := func(s string) time.Time { v, _ := time.Parse(time.RFC3339, s); return v }
	for _, tc := range []struct {
		file, path string
		check      func(t *testing.T, s *audit.Snapshot)
	}{
		{"heroku-cli/dynos-extended-shield-numeric-ids.json", "/apps/x/dynos", func(t *testing.T, s *audit.Snapshot) {
			want := []audit.Dyno{{Name: "web.1", Type: "web", State: "up", Size: "private-m"}, {Name: "run.1", Type: "run", State: "up", Size: "private-l"}}
			if !reflect.DeepEqual(s.Dynos, want) {
				t.Errorf("Dynos = %+v", s.Dynos)
			}
		}},
		{"heroku-cli/dynos-extended-string-ids.json", "/apps/x/dynos", func(t *testing.T, s *audit.Snapshot) {
			if len(s.Dynos) != 2 || s.Dynos[1].Type != "run" || s.Dynos[1].Size != "eco" {
				t.Errorf("Dynos = %+v", s.Dynos)
			}
		}},
		{"heroku-cli/dynos-fir-1X-Classic-2X-Compute.json", "/apps/x/dynos", func(t *testing.T, s *audit.Snapshot) {
			if len(s.Dynos) != 3 || s.Dynos[0].Size != "1x-classic" || s.Dynos[2].Size != "2x-compute" || s.Dynos[2].Type != "node-worker" {
				t.Errorf("Dynos = %+v", s.Dynos)
			}
		}},
		{"heroku-cli/dynos-starting-release-ref.json", "/apps/x/dynos", func(t *testing.T, s *audit.Snapshot) {
			if len(s.Dynos) != 2 || s.Dynos[0].State != "starting" || s.Dynos[0].Type != "web" {
				t.Errorf("Dynos = %+v", s.Dynos)
			}
		}},
		{"heroku-cli/formation-every-size-incl-fir.json", "/apps/x/formation", func(t *testing.T, s *audit.Snapshot) {
			var sizes []string
			for _, p := range s.Formation {
				sizes = append(sizes, p.Size)
			}
			for _, want := range []string{"eco", "performance-l-ram", "private-2xl", "shield-xl", "dyno-1c-0.5gb", "dyno-16c-128gb"} {
				if !slices.Contains(sizes, want) {
					t.Errorf("no %s among %q", want, sizes)
				}
			}
			if len(sizes) != 38 {
				t.Errorf("%d processes, want 38", len(sizes))
			}
		}},
		{"heroku-cli/formation-release-phase-type-only.json", "/apps/x/formation", func(t *testing.T, s *audit.Snapshot) {
			if want := []audit.Process{{Type: "release"}, {Type: "web"}}; !reflect.DeepEqual(s.Formation, want) {
				t.Errorf("Formation = %+v", s.Formation)
			}
		}},
		{"heroku-cli/formation-rails-and-node-standard-1x.json", "/apps/x/formation", func(t *testing.T, s *audit.Snapshot) {
			if p, ok := s.Process("web"); !ok || p.Command != "rails s -p $PORT" || p.Size != "standard-1x" || p.Quantity != 1 {
				t.Errorf("web = %+v", p)
			}
		}},
		{"heroku-cli/addon-state-suspended.json", "/apps/x/addons", func(t *testing.T, s *audit.Snapshot) {
			want := []audit.Addon{{Name: "postgresql-swiftly-123", Service: "heroku-postgresql", Plan: "heroku-postgresql:standard-0", State: "suspended", ConfigVars: []string{"DATABASE_URL"}}}
			if !reflect.DeepEqual(s.Addons, want) {
				t.Errorf("Addons = %+v", s.Addons)
			}
		}},
		{"heroku-cli/addon-deprovisioning.json", "/apps/x/addons", func(t *testing.T, s *audit.Snapshot) {
			if len(s.Addons) != 1 || s.Addons[0].State != "deprovisioning" || s.Addons[0].Plan != "heroku-redis:premium-2" {
				t.Errorf("Addons = %+v", s.Addons)
			}
		}},
		{"heroku-cli/addons-all-provisioned-provisioning.json", "/apps/x/addons", func(t *testing.T, s *audit.Snapshot) {
			var states []string
			for _, a := range s.Addons {
				states = append(states, a.State)
			}
			if !slices.Equal(states, []string{"provisioned", "provisioning", "provisioned"}) {
				t.Errorf("states = %q", states)
			}
		}},
		{"heroku-cli/sni-endpoints-acm-true.json", "/apps/x/sni-endpoints", func(t *testing.T, s *audit.Snapshot) {
			want := []audit.Cert{{Name: "tokyo-1050", ACM: true, ExpiresAt: exp("2013-08-01T21:34:23Z"), Domains: []string{}}}
			if !reflect.DeepEqual(s.Certs, want) {
				t.Errorf("Certs = %+v", s.Certs)
			}
		}},
		{"heroku-cli/sni-endpoints-letsencrypt-acm-no-id.json", "/apps/x/sni-endpoints", func(t *testing.T, s *audit.Snapshot) {
			if len(s.Certs) != 1 || !s.Certs[0].ACM || s.Certs[0].Name != "" || !s.Certs[0].ExpiresAt.Equal(exp("2012-08-01T21:34:23Z")) {
				t.Errorf("Certs = %+v", s.Certs)
			}
		}},
		{"heroku-cli/sni-endpoints-uploaded-no-id.json", "/apps/x/sni-endpoints", func(t *testing.T, s *audit.Snapshot) {
			if len(s.Certs) != 1 || s.Certs[0].ACM || s.Certs[0].Name != "tokyo-1050" {
				t.Errorf("Certs = %+v", s.Certs)
			}
		}},
		{"heroku-cli/domains-acm-status-all-values.json", "/apps/x/domains", func(t *testing.T, s *audit.Snapshot) {
			var got []string
			for _, d := range s.Domains {
				got = append(got, d.ACMStatus)
			}
			for _, want := range []string{"", "ok", "in-progress", "verified", "dns-verified", "failing"} {
				if !slices.Contains(got, want) {
					t.Errorf("no acm_status %q among %q", want, got)
				}
			}
		}},
		{"heroku-cli/domains-acm-cert-issued.json", "/apps/x/domains", func(t *testing.T, s *audit.Snapshot) {
			want := []audit.Domain{
				{Hostname: "tokyo-1050.herokuapp.com", Kind: "heroku"},
				{Hostname: "heroku-acm.heroku-cli-sni-test.com", Kind: "custom", ACMStatus: "cert issued"},
				{Hostname: "heroku-failing.heroku-cli-sni-test.com", Kind: "custom", ACMStatus: "failing", ACMStatusReason: s.Domains[2].ACMStatusReason},
			}
			if !reflect.DeepEqual(s.Domains, want) {
				t.Errorf("Domains = %+v", s.Domains)
			}
		}},
		{"heroku-cli/domains-numeric-id.json", "/apps/x/domains", func(t *testing.T, s *audit.Snapshot) {
			if want := []audit.Domain{{Hostname: "example.org"}}; !reflect.DeepEqual(s.Domains, want) {
				t.Errorf("Domains = %+v", s.Domains)
			}
		}},
		{"heroku-cli/domains-sni-endpoint-ref.json", "/apps/x/domains", func(t *testing.T, s *audit.Snapshot) {
			if len(s.Domains) != 1 || s.Domains[0].SNIEndpoint != "tokyo-1050" {
				t.Errorf("Domains = %+v", s.Domains)
			}
		}},
		{"heroku-cli/buildpack-installations-registry-s3-tgz.json", "/apps/x/buildpack-installations", func(t *testing.T, s *audit.Snapshot) {
			want := []string{"https://buildpack-registry.s3.amazonaws.com/buildpacks/heroku/java.tgz", "https://buildpack-registry.s3.amazonaws.com/buildpacks/rust-lang/rust.tgz"}
			if !slices.Equal(s.Buildpacks, want) {
				t.Errorf("Buildpacks = %q", s.Buildpacks)
			}
		}},
		{"heroku-cli/buildpack-installations-urn-with-name.json", "/apps/x/buildpack-installations", func(t *testing.T, s *audit.Snapshot) {
			if !slices.Equal(s.Buildpacks, []string{"heroku/ruby"}) {
				t.Errorf("Buildpacks = %q", s.Buildpacks)
			}
		}},
		{"heroku-cli/config-vars-ruby-rack-env.json", "/apps/x/config-vars", func(t *testing.T, s *audit.Snapshot) {
			if len(s.ConfigVars) != 2 || s.ConfigVars["RACK_ENV"] != "production" {
				t.Errorf("%d config vars", len(s.ConfigVars))
			}
		}},
		{"heroku-cli/releases-status-pending-failed-null.json", "/apps/x/releases", func(t *testing.T, s *audit.Snapshot) {
			// The current release (v37) has status null.
			want := &audit.Release{Version: 37, ID: "7be47426-2c1b-4e4d-b6e5-77c79169aa41", SlugID: "37994c83-39a3-4cbf-b318-8f9dc648f701"}
			if !reflect.DeepEqual(s.Release, want) {
				t.Errorf("Release = %+v", s.Release)
			}
		}},
		{"heroku-cli/releases-fir-oci-image-artifact.json", "/apps/x/releases", func(t *testing.T, s *audit.Snapshot) {
			if s.Release == nil || s.Release.Version != 11 || s.Release.Status != "succeeded" {
				t.Errorf("Release = %+v", s.Release)
			}
		}},
		{"heroku-cli/slug-commit-only.json", "/apps/x/slugs/slug-42", func(t *testing.T, s *audit.Snapshot) {
			if s.Slug == nil || s.Slug.ID != "" || len(s.Slug.ProcessTypes) != 0 {
				t.Errorf("Slug = %+v", s.Slug)
			}
			if _, ok := s.Gaps[audit.PartSlug]; ok {
				t.Errorf("slug gap %+v", s.Gaps[audit.PartSlug])
			}
		}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			body := readRecorded(t, tc.file)
			if strings.HasSuffix(recordedEndpoint[tc.file], "1") {
				body = "[" + body + "]" // one resource, served as a list of one
			}
			snap, notices, err := snapWith(t, tc.path, body)
			if err != nil {
				t.Fatal(err)
			}
			if len(notices) != 0 {
				t.Errorf("notices: %q", notices)
			}
			if g, ok := snap.Gaps[audit.PartAddons]; ok {
				t.Errorf("addons gap: %+v", g)
			}
			tc.check(t, snap)
		})
	}
}

// The slug's buildpack_provided_description is kept.
func TestSlugBuildpackDescription(t *testing.T) {
	api, _, fx := world(t)
	api.handle("/apps/x/slugs/slug-42", jsonHandler(strings.Replace(fx.slug, `"id":"slug-42"`, `"id":"slug-42","buildpack_provided_description":"Node.js"`, 1)))
	snap, err := testClient(t, api.srv.URL).Snapshot(context.Background(), "x")
	if err != nil {
		t.Fatal(err)
	}
	if snap.Slug == nil || snap.Slug.BuildpackDescription != "Node.js" {
		t.Errorf("Slug = %+v", snap.Slug)
	}
}

// Team and account listings of recorded app records, minimal ones included.
func TestRecordedListings(t *testing.T) {
	for _, tc := range []struct {
		file, path string
		list       func(c *Client) ([]AppRef, error)
		want       []AppRef
	}{
		{"heroku-cli/team-apps-minimal.json", "/teams/acme/apps",
			func(c *Client) ([]AppRef, error) { return c.ListTeamApps(context.Background(), "acme") },
			[]AppRef{{Name: "team-app-1", Team: "acme"}, {Name: "team-app-2", Team: "acme"}}},
		{"heroku-cli/team-apps-space-internal-routing.json", "/teams/acme/apps",
			func(c *Client) ([]AppRef, error) { return c.ListTeamApps(context.Background(), "acme") },
			[]AppRef{{Name: "space-app-1", Team: "acme"}, {Name: "space-app-2", Team: "acme"}, {Name: "space-internal-app", Team: "acme"}, {Name: "team-app-1", Team: "acme"}}},
		{"heroku-cli/apps-locked-internal-routing.json", "/apps",
			func(c *Client) ([]AppRef, error) { return c.ListAllApps(context.Background()) },
			[]AppRef{{Name: "example"}, {Name: "example-eu"}, {Name: "internal-app"}}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			api := newFakeAPI(t)
			api.handle(tc.path, jsonHandler(readRecorded(t, tc.file)))
			c := testClient(t, api.srv.URL)
			n := watch(c)
			got, err := tc.list(c)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("refs = %+v\nwant   %+v", got, tc.want)
			}
			if len(n.all()) != 0 {
				t.Errorf("notices: %q", n.all())
			}
		})
	}
}

// Pipelines: generation as an object on the pipeline, as a string on its
// couplings, and couplings answered as a lone object.
func TestRecordedPipelines(t *testing.T) {
	for _, tc := range []struct {
		file string
		want []AppRef
	}{
		{"heroku-cli/pipeline-couplings-generation-string-cedar.json",
			[]AppRef{{Name: "123-target-app-456", Stage: "staging"}, {Name: "123-downstream-app-1-456", Stage: "production"}, {Name: "123-downstream-app-2-456", Stage: "production"}}},
		{"heroku-cli/pipeline-couplings-generation-string-fir.json",
			[]AppRef{{Name: "123-target-app-fir", Stage: "staging"}, {Name: "123-downstream-app-1-fir", Stage: "production"}, {Name: "123-downstream-app-2-fir", Stage: "production"}}},
		{"heroku-cli/pipeline-coupling-app-single-object.json", []AppRef{{Name: "123-target-app-456", Stage: "staging"}}},
		{"heroku-cli/pipeline-coupling-app-info.json", []AppRef{{Name: "app-id", Stage: "production"}}},
		{"heroku-cli/pipeline-coupling-no-stage.json", []AppRef{{Name: "app-id"}}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			api := newFakeAPI(t)
			api.handle("/pipelines/shop", jsonHandler(`{"id":"p1","name":"shop","generation":{"name":"cedar"}}`))
			api.handle("/pipelines/p1/pipeline-couplings", jsonHandler(readRecorded(t, tc.file)))
			got, err := testClient(t, api.srv.URL).ListPipelineApps(context.Background(), "shop")
			if err != nil {
				t.Fatal(err)
			}
			// Sorted by stage, then name; the apps are unknown here, so
			// they keep their ids as names.
			slices.SortFunc(tc.want, func(a, b AppRef) int {
				if r := stageRank(a.Stage) - stageRank(b.Stage); r != 0 {
					return r
				}
				return strings.Compare(a.Name, b.Name)
			})
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("refs = %+v\nwant   %+v", got, tc.want)
			}
		})
	}
	// A pipeline record of only {"generation": {...}} decodes; it lacks
	// the id, and that is what the error says.
	for _, f := range []string{"heroku-cli/pipeline-generation-object-cedar.json", "heroku-cli/pipeline-generation-object-fir.json"} {
		t.Run(f, func(t *testing.T) {
			api := newFakeAPI(t)
			api.handle("/pipelines/shop", jsonHandler(readRecorded(t, f)))
			_, err := testClient(t, api.srv.URL).ListPipelineApps(context.Background(), "shop")
			if err == nil || err.Error() != `pipeline "shop": malformed response from /pipelines/shop: no pipeline id` {
				t.Errorf("err = %v", err)
			}
		})
	}
}

// Heroku's error bodies, and the 403 ids that get their own message.
func TestRecordedErrors(t *testing.T) {
	for _, tc := range []struct {
		name     string
		status   int
		body     string
		kind     ErrorKind
		app, ofs string // the message on the app's record, on one of its parts
	}{
		{"heroku-cli/error-403-forbidden-suspended-addon.json", 403, "", NotFound,
			`app "x": forbidden: no access`, "forbidden: no access on /apps/x/config-vars"},
		{"heroku-cli/error-403-two-factor.json", 403, "", NotFound,
			`app "x": forbidden (two_factor): no access`, "forbidden (two_factor): no access on /apps/x/config-vars"},
		{"heroku-cli/error-404-message-only.json", 404, "", NotFound,
			`app "x": not found (or no access)`, "not found (or no access) on /apps/x/config-vars"},
		{"heroku-cli/error-404-not-found-addon-resource.json", 404, "", NotFound,
			`app "x": not found (or no access)`, "not found (or no access) on /apps/x/config-vars"},
		// No Heroku-written body with these ids was found; the shape is
		// that of the others.
		{"suspended", 403, `{"id":"suspended","message":"This account has been suspended."}`, AccountBlocked,
			`app "x": the account is suspended`, ""},
		{"delinquent", 403, `{"id":"delinquent","message":"This account is delinquent."}`, AccountBlocked,
			`app "x": delinquent: billing for the account is past due`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := tc.body
			if body == "" {
				body = readRecorded(t, tc.name)
			}
			// On the app's own record: the app fails.
			api, _, _ := world(t)
			api.handle("/apps/x", statusHandler(tc.status, body))
			_, err := testClient(t, api.srv.URL).Snapshot(context.Background(), "x")
			var e *Error
			if !errors.As(err, &e) || e.Kind != tc.kind || err.Error() != tc.app {
				t.Errorf("err = %v, want [%v] %q", err, tc.kind, tc.app)
			}
			// On a part: a gap, or, for a blocked account, the app fails.
			api, _, _ = world(t)
			api.handle("/apps/x/config-vars", statusHandler(tc.status, body))
			snap, err := testClient(t, api.srv.URL).Snapshot(context.Background(), "x")
			if tc.kind == AccountBlocked {
				if !errors.As(err, &e) || e.Kind != AccountBlocked || !strings.HasPrefix(err.Error(), tc.app+" (403 on /apps/x/config-vars)") {
					t.Errorf("err = %v, want the app failed with %q", err, tc.app)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if g := snap.Gaps[audit.PartConfig]; !g.Failed || g.Reason != tc.ofs {
				t.Errorf("gap = %+v, want %q", g, tc.ofs)
			}
		})
	}
}

// A 206 with a lower-case next-range goes on to the next page; a 206
// without one ends the listing with a notice.
func TestRecordedPartialContent(t *testing.T) {
	page1, page2 := readRecorded(t, "heroku-cli/domains-206-page1-next-range.json"), readRecorded(t, "heroku-cli/domains-200-page2.json")
	for _, tc := range []struct {
		name    string
		next    string
		domains int
		notices []string
	}{
		{"with next-range", "id ..; max=200", 2, nil},
		{"without", "", 1, []string{"/apps/x/domains answered 206 Partial Content without a Next-Range header after 1 item(s): the listing may be incomplete"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			api, _, _ := world(t)
			api.handle("/apps/x/domains", func(w http.ResponseWriter, r *http.Request) {
				if r.Header.Get("Range") == "id ..; max=200" {
					jsonHandler(page2)(w, r)
					return
				}
				if tc.next != "" {
					w.Header()["next-range"] = []string{tc.next} // as the CLI's test wrote it
				}
				w.WriteHeader(http.StatusPartialContent)
				w.Write([]byte(page1))
			})
			c := testClient(t, api.srv.URL)
			n := watch(c)
			snap, err := c.Snapshot(context.Background(), "x")
			if err != nil {
				t.Fatal(err)
			}
			if len(snap.Domains) != tc.domains {
				t.Errorf("%d domains, want %d", len(snap.Domains), tc.domains)
			}
			if got := n.all(); !slices.Equal(got, tc.notices) {
				t.Errorf("notices = %q, want %q", got, tc.notices)
			}
		})
	}
}

// The mixed team of ../fixtures (built from recorded bodies): a Ruby app,
// a Node.js app, a container-stack app and a Fir app, audited as a team.
func TestMixedTeamFixture(t *testing.T) {
	c, err := NewFixtures("../fixtures", Options{})
	if err != nil {
		t.Fatal(err)
	}
	n := watch(c)
	f, err := c.NewTeamFleet(context.Background(), "mixed")
	if err != nil {
		t.Fatal(err)
	}
	snaps := map[string]*audit.Snapshot{}
	var mu sync.Mutex
	if err := f.Each(context.Background(), f.Apps(), func(i int, s *audit.Snapshot, err error) {
		if err != nil {
			t.Errorf("%s: %v", f.Apps()[i].Name, err)
			return
		}
		mu.Lock()
		snaps[s.App.Name] = s
		mu.Unlock()
	}); err != nil {
		t.Fatal(err)
	}
	if len(snaps) != 4 {
		t.Fatalf("%d apps audited", len(snaps))
	}
	type want struct {
		generation, stack, desc string
		slug                    bool
		sizes                   []string
	}
	for name, w := range map[string]want{
		"my-cedar-app": {"", "heroku-22", "Ruby", true, []string{"standard-1x"}},
		"example":      {"", "heroku-24", "Node.js", true, []string{"eco", "eco"}},
		"testapp":      {"", "container", "", false, []string{"basic", "basic", "basic"}},
		"my-fir-app":   {"fir", "cnb", "Cloud Native Buildpacks", false, []string{"1x-classic", "1x-classic", "2x-compute"}},
	} {
		t.Run(name, func(t *testing.T) {
			s := snaps[name]
			if s.App.Team != "mixed" || s.App.Generation != w.generation || s.App.Stack != w.stack || s.App.BuildpackDescription != w.desc {
				t.Errorf("App = %+v", s.App)
			}
			if (s.Slug != nil) != w.slug {
				t.Errorf("Slug = %+v", s.Slug)
			}
			var sizes []string
			for _, d := range s.Dynos {
				sizes = append(sizes, d.Size)
			}
			slices.Sort(sizes) // the server lists them by id
			if !slices.Equal(sizes, w.sizes) {
				t.Errorf("dyno sizes %q", sizes)
			}
			for p, g := range s.Gaps {
				if g.Failed {
					t.Errorf("gap %s failed: %s", p, g.Reason)
				}
			}
		})
	}
	if s := snaps["my-cedar-app"]; len(s.Addons) != 1 || s.Addons[0].State != "suspended" || s.Slug.BuildpackDescription != "Ruby/Rails" {
		t.Errorf("Ruby app: addons %+v, slug %+v", s.Addons, s.Slug)
	}
	if s := snaps["example"]; len(s.Dynos) != 2 || s.Dynos[1].Type != "run" {
		t.Errorf("Node app dynos %+v", s.Dynos)
	}
	if len(n.all()) != 0 {
		t.Errorf("notices: %q", n.all())
	}
	// Audited alone, the Ruby app's ACM certificate and domains are read.
	s, err := c.Snapshot(context.Background(), "my-cedar-app")
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Certs) != 1 || !s.Certs[0].ACM || s.App.Generation != "cedar" || len(s.Domains) != 3 || s.Domains[1].ACMStatus != "cert issued" {
		t.Errorf("certs %+v, domains %+v, generation %q", s.Certs, s.Domains, s.App.Generation)
	}
}
