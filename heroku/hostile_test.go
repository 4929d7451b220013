package heroku

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/herokuaudit/herokuaudit/audit"
)

// installAs puts the fixture's parts on the fake API under /apps/{name},
// its slug served from blobURL.
func (f *fakeAPI) installAs(name, blobURL string) {
	fx := cedarApp(blobURL)
	fx.app = strings.Replace(fx.app, `"name":"x"`, `"name":"`+name+`"`, 1)
	base := "/apps/" + name
	for path, body := range map[string]string{
		"": fx.app, "/config-vars": fx.config, "/formation": fx.formation, "/dynos": fx.dynos,
		"/addons": fx.addons, "/buildpack-installations": fx.buildpacks, "/releases": fx.releases,
		"/slugs/slug-42": fx.slug, "/domains": fx.domains, "/sni-endpoints": fx.certs,
		"/log-drains": fx.drains, "/features": fx.features,
	} {
		f.handle(base+path, jsonHandler(body))
	}
}

// hostileSlug is a small gzipped tarball of entries whose names are close
// to 1 MiB each (the most the tar reader takes): the shape that once took
// gigabytes and the healthy app's result with it.
func hostileSlug(t testing.TB, entries, nameLen int) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	tw := tar.NewWriter(zw)
	for i := range entries {
		pre := fmt.Sprintf("./app/%06d/", i)
		name := pre + strings.Repeat("n", nameLen-len(pre)-len("/.env")) + "/.env"
		h := &tar.Header{Name: name, Typeflag: tar.TypeReg, Mode: 0o644, Size: 4, ModTime: time.Unix(1700000000, 0), Format: tar.FormatPAX}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		tw.Write([]byte("K=v\n"))
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// One hostile app does not cost another its result: two apps audited at
// once, one with a slug of huge names and API bodies past their caps, the
// other healthy. The hostile one ends in gaps naming the caps; the healthy
// one is whole.
func TestHostileAppBesideHealthy(t *testing.T) {
	healthy := newBlobServer(t, slugTarball(t, slugFiles))
	slugBytes := hostileSlug(t, 40, 900<<10)
	api := newFakeAPI(t)
	api.installAs("x", healthy.url())
	api.installAs("evil", blobURL(t, func(w http.ResponseWriter, r *http.Request) { w.Write(slugBytes) }))
	api.handle("/apps/evil/dynos", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(200)
		fmt.Fprint(w, "[")
		chunk := []byte(strings.Repeat(`{"name":"`+hostileMarker+`"},`, 1000))
		for wrote := 0; wrote < 1<<30; {
			n, err := w.Write(chunk)
			wrote += n
			if err != nil {
				return
			}
		}
	})
	api.handle("/apps/evil/formation", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(500)
		fmt.Fprint(w, `{"id":"boom","message":"`)
		chunk := []byte(strings.Repeat(hostileMarker, 1000))
		for wrote := 0; wrote < 1<<30; {
			n, err := w.Write(chunk)
			wrote += n
			if err != nil {
				return
			}
		}
	})

	c := limitClient(t, api.srv.URL, Options{})
	var wg sync.WaitGroup
	snaps := map[string]*audit.Snapshot{}
	var mu sync.Mutex
	for _, app := range []string{"x", "evil"} {
		wg.Go(func() {
			snap, err := c.Snapshot(context.Background(), app)
			if err != nil {
				t.Errorf("%s: %v", app, err)
				return
			}
			mu.Lock()
			snaps[app] = snap
			mu.Unlock()
		})
	}
	wg.Wait()
	if t.Failed() {
		return
	}

	x := snaps["x"]
	if len(x.Gaps) != 0 || x.Files == nil || len(x.Files.Entries) != 5 || len(x.Dynos) != 2 || len(x.Formation) != 2 {
		t.Errorf("healthy app lost parts: gaps %v, files %v", x.Gaps, x.Files != nil)
	}

	e := snaps["evil"]
	for part, want := range map[audit.Part]string{
		audit.PartFiles:     "reading slug: entry names too large: over the 20 MiB total cap (header text beyond 512 bytes an entry is charged to it)",
		audit.PartDynos:     "response from /apps/evil/dynos is larger than the 8 MiB cap",
		audit.PartFormation: "Heroku API error 500 on /apps/evil/formation (its body was larger than the 64 KiB error-body cap)",
	} {
		if g := e.Gaps[part]; !g.Failed || g.Reason != want {
			t.Errorf("evil Gaps[%s] = %+v\nwant reason %q", part, g, want)
		}
	}
	for part, g := range e.Gaps {
		if strings.Contains(g.Reason, hostileMarker) {
			t.Errorf("Gaps[%s] quotes the body", part)
		}
		assertNoSecrets(t, "gap", g.Reason)
	}
	if e.Slug == nil || len(e.ConfigVars) == 0 {
		t.Errorf("evil app lost the parts that were fine: %v", e.Gaps)
	}
}
