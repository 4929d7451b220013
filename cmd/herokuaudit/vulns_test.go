package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestVulnDB: with --vuln-db, dependency-vulns looks the checkout's pins up
// in an OSV database (records shaped like OSV's own for Werkzeug
// CVE-2024-34069 and Flask CVE-2023-30861, in vulns/testdata) and fails on
// the high one, naming the advisory and the upgrade.
func TestVulnDB(t *testing.T) {
	db := filepath.Join(startDir, "../../vulns/testdata/osv")
	co := t.TempDir()
	os.WriteFile(filepath.Join(co, "Procfile"), []byte("web: gunicorn app:app\n"), 0o644)
	os.WriteFile(filepath.Join(co, "requirements.txt"), []byte("Flask==2.2.2\nWerkzeug==2.2.2\ngunicorn==23.0.0\n"), 0o644)
	code, out, errOut := runCLI(t, nil, "--dir", co, "--vuln-db", db, "-f", "json", "--only", "dependency-vulns")
	var doc struct {
		Apps []struct {
			Findings []struct {
				Check, Status, Message, Remediation string
				Evidence                            []string
			}
		}
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("exit %d: %v\n%s", code, err, errOut)
	}
	f := doc.Apps[0].Findings[0]
	ev := strings.Join(f.Evidence, "\n")
	if f.Status != "fail" || code != exitGate || !strings.Contains(ev, "werkzeug==2.2.2: GHSA-2g68-c3qc-8985") || !strings.Contains(f.Remediation, "werkzeug>=") {
		t.Errorf("exit %d, %s %q\n%s\nfix: %s", code, f.Status, f.Message, ev, f.Remediation)
	}

	// without a database the check says how to run it, and is no pass
	_, out, _ = runCLI(t, nil, "--dir", co, "-f", "json", "--only", "dependency-vulns")
	if !strings.Contains(out, `"status": "skip"`) || !strings.Contains(out, "give --vuln-db PATH") {
		t.Errorf("without --vuln-db:\n%s", out)
	}

	// a database that cannot be read stops the run
	code, _, errOut = runCLI(t, nil, "--dir", co, "--vuln-db", filepath.Join(co, "nope.zip"))
	if code != exitTrouble || !strings.Contains(errOut, "--vuln-db ") {
		t.Errorf("a missing database: exit %d, %q", code, errOut)
	}
}
