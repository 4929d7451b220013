package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/herokuaudit/herokuaudit/audit"
)

// The live-probe integration test: a real Flask app under real gunicorn,
// hardened (Flask-Talisman, secure cookies, Flask-CORS with named origins)
// and naked (Flask's defaults, CORS(app, supports_credentials=True)), and
// Flask's development server with debug on, each behind a TLS-terminating
// router in the test that sets X-Forwarded-Proto as Heroku's does.

const integrationNeeds = "python3-flask gunicorn python3-flask-talisman python3-flask-cors"

const flaskApp = `import os
from flask import Flask, session
from flask_cors import CORS

app = Flask(__name__)
app.secret_key = "integration-test-only"

if os.environ.get("MODE") == "hardened":
    from flask_talisman import Talisman
    app.config.update(SESSION_COOKIE_SECURE=True, SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax")
    Talisman(app, force_https_permanent=True)
    CORS(app, origins=["https://www.example.com"])
else:
    CORS(app, supports_credentials=True)


@app.route("/")
def index():
    session["seen"] = True
    return "<h1>hello</h1>"
`

// flaskPython finds an interpreter with everything the test needs.
func flaskPython(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("-short: the live-probe integration test starts Python servers")
	}
	for _, py := range []string{"/usr/bin/python3", "python3"} {
		if err := exec.Command(py, "-c", "import flask, flask_talisman, flask_cors, gunicorn").Run(); err == nil {
			return py
		}
	}
	t.Skipf("live-probe integration test: apt-get install %s", integrationNeeds)
	return ""
}

func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// serve starts the app with args and waits until it answers.
func serve(t *testing.T, dir, mode string, args ...string) string {
	t.Helper()
	addr := freePort(t)
	args = slices.Clone(args)
	for i, a := range args {
		args[i] = strings.ReplaceAll(a, "ADDR", addr)
	}
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "MODE="+mode, "PYTHONDONTWRITEBYTECODE=1")
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// gunicorn's master stops its workers on SIGINT; killing it would
	// leave them holding the log pipe
	cmd.WaitDelay = 5 * time.Second
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		_ = cmd.Wait()
	})
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond); err == nil {
			c.Close()
			return addr
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("%s did not start:\n%s", mode, logs.String())
	return ""
}

// herokuRouter terminates TLS in front of upstream and forwards both sides
// with the public Host and X-Forwarded-Proto, as Heroku's router does. It
// returns a transport that sends every host's :443 and :80 to it.
func herokuRouter(t *testing.T, upstream string) http.RoundTripper {
	t.Helper()
	to := &url.URL{Scheme: "http", Host: upstream}
	proxy := func(proto string) http.Handler {
		return &httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
			r.SetURL(to)
			r.Out.Host = r.In.Host
			r.Out.Header.Set("X-Forwarded-Proto", proto)
			r.Out.Header.Set("X-Forwarded-Port", map[string]string{"https": "443", "http": "80"}[proto])
		}}
	}
	secure := httptest.NewTLSServer(proxy("https"))
	plain := httptest.NewServer(proxy("http"))
	t.Cleanup(secure.Close)
	t.Cleanup(plain.Close)
	tr := secure.Client().Transport.(*http.Transport).Clone()
	tr.TLSClientConfig = &tls.Config{InsecureSkipVerify: true} // the router's test certificate names no public host
	tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		dst := plain.Listener.Addr().String()
		if strings.HasSuffix(addr, ":443") {
			dst = secure.Listener.Addr().String()
		}
		return (&net.Dialer{}).DialContext(ctx, network, dst)
	}
	return tr
}

func probeThrough(t *testing.T, tr http.RoundTripper) map[string]audit.Finding {
	t.Helper()
	var out, errb bytes.Buffer
	run(context.Background(), []string{"herokuaudit", "probe", "--format", "json", "--fail-on", "none", "https://myapp-1234.herokuapp.com/"}, system{
		Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }, ProbeTransport: tr,
	})
	fs := findings(t, out.String())["https://myapp-1234.herokuapp.com/"]
	if len(fs) != 10 {
		t.Fatalf("%d findings\n%s\n%s", len(fs), out.String(), errb.String())
	}
	return fs
}

func TestIntegrationRealFlask(t *testing.T) {
	py := flaskPython(t)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "app.py"), []byte(flaskApp), 0o644); err != nil {
		t.Fatal(err)
	}
	gunicorn := []string{py, "-m", "gunicorn", "--bind", "ADDR", "--workers", "1", "app:app"}

	t.Run("hardened", func(t *testing.T) {
		fs := probeThrough(t, herokuRouter(t, serve(t, dir, "hardened", gunicorn...)))
		for id, f := range fs {
			if f.Status != audit.Pass {
				t.Errorf("%s: %s: %s %q", id, f.Status, f.Message, f.Evidence)
			}
		}
	})
	t.Run("naked", func(t *testing.T) {
		fs := probeThrough(t, herokuRouter(t, serve(t, dir, "naked", gunicorn...)))
		want := map[string]audit.Status{"https-redirect": audit.Fail, "hsts": audit.Fail, "csp": audit.Fail,
			"frame-options": audit.Fail, "content-type-options": audit.Fail, "referrer-policy": audit.Warn,
			"cookie-flags": audit.Fail, "cors-reflection": audit.Fail, "debugger-exposed": audit.Pass, "server-banner": audit.Pass}
		for id, st := range want {
			if fs[id].Status != st {
				t.Errorf("%s: %s (%s), want %s", id, fs[id].Status, fs[id].Message, st)
			}
		}
	})
	t.Run("development server with debug", func(t *testing.T) {
		dev := []string{py, "-c", fmt.Sprintf("import app; h, p = %q.rsplit(':', 1); app.app.run(host=h, port=int(p), debug=True, use_reloader=False)", "ADDR")}
		fs := probeThrough(t, herokuRouter(t, serve(t, dir, "naked", dev...)))
		if f := fs["debugger-exposed"]; f.Status != audit.Fail || !strings.Contains(strings.Join(audit.Texts(f.Evidence), "\n"), "debugger.js") {
			t.Errorf("debugger-exposed: %s: %s %q", f.Status, f.Message, f.Evidence)
		}
		if f := fs["server-banner"]; f.Status != audit.Warn || !strings.Contains(f.Message, "Werkzeug/") {
			t.Errorf("server-banner: %s: %s", f.Status, f.Message)
		}
	})
}
