package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/auditpack/auditpack/internal/jsonschema"
)

// verifyHost writes one host's verify result, as the Ansible role fetches
// it from each host.
func verifyHost(t *testing.T, dir, host, rules string, at time.Time) string {
	t.Helper()
	e := testEnv(t)
	e.now = func() time.Time { return at }
	got := runIn(e, "verify", "--profile", "stig-rhel9", "--rules", rules, "--format", "json", "--host-name", host, "--host-ip", "192.0.2.1")
	path := filepath.Join(dir, host+".json")
	if err := os.WriteFile(path, []byte(got.stdout), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// auditpack report merges hosts' results by host: the JSON holds to its
// schema, the controls that differ come first with each host's verdict,
// a host's older result is superseded, one checklist is written per host,
// and a result that names no host is refused.
func TestFleetReport(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	full := "../../profiles/verify/testdata/targets/disa-rhel9-v2r9-fix.rules"
	t0 := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	web := verifyHost(t, dir, "web01", full, t0)
	db := verifyHost(t, dir, "db01", threeGaps(t, dir), t0)
	older := filepath.Join(dir, "web01-old.json")
	data, _ := os.ReadFile(web)
	os.WriteFile(older, bytes.Replace(data, []byte(`"generated": "2026-12-01T12:00:00Z"`), []byte(`"generated": "2026-11-01T12:00:00Z"`), 1), 0o644)

	got := runIn(testEnv(t), "report", "--format", "json", older, web, db)
	if got.code != 1 {
		t.Fatalf("report: exit %d, want 1 (controls fail); %s", got.code, got.stderr)
	}
	stdout, stderr := []byte(got.stdout), got.stderr
	schema, _ := os.ReadFile(filepath.Join(repoRoot, "docs/schema/report.schema.json"))
	problems, err := jsonschema.Validate(schema, stdout)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("report --format json breaks docs/schema/report.schema.json: %s", p)
	}
	var fleet struct {
		Hosts []struct {
			Host struct {
				HostName string `json:"host_name"`
			}
			File string
		}
		Controls []struct {
			Control string
			Drift   bool
			Results []struct{ Host, Status string }
		}
		Superseded []string
	}
	json.Unmarshal(stdout, &fleet)
	if len(fleet.Hosts) != 2 || fleet.Hosts[0].Host.HostName != "db01" || fleet.Hosts[1].File != web {
		t.Errorf("hosts %+v, want db01 and web01's newer result", fleet.Hosts)
	}
	if len(fleet.Superseded) != 1 || !strings.HasPrefix(fleet.Superseded[0], older) || !strings.Contains(stderr, "superseded: "+older) {
		t.Errorf("superseded %q, stderr %q", fleet.Superseded, stderr)
	}
	first := fleet.Controls[0]
	if !first.Drift || len(first.Results) != 2 || first.Results[0] != (struct{ Host, Status string }{"db01", "FAIL"}) || first.Results[1].Status != "PASS" {
		t.Errorf("first control %+v, want one of the three taken out of db01: FAIL there, PASS on web01", first)
	}

	html := filepath.Join(dir, "fleet.html")
	writeOutput(t, html, "report", web, db)
	page, _ := os.ReadFile(html)
	for _, want := range []string{`<th class="host" title="stig-rhel9">db01</th><th class="host" title="stig-rhel9">web01</th>`, `<tr id="` + first.Control + `" class="drift" data-status="drift"`, `<td class="cell FAIL">FAIL</td><td class="cell PASS">PASS</td>`} {
		if !bytes.Contains(page, []byte(want)) {
			t.Errorf("the fleet page lacks %q", want)
		}
	}

	out := filepath.Join(dir, "checklists")
	if got := runIn(testEnv(t), "report", "--format", "cklb", "-o", out, web, db); got.code != 1 {
		t.Fatalf("report --format cklb: exit %d: %s", got.code, got.stderr)
	}
	for _, host := range []string{"db01", "web01"} {
		var cklb struct {
			TargetData struct {
				HostName string `json:"host_name"`
			} `json:"target_data"`
			Stigs []struct{ Rules []struct{} }
		}
		data, err := os.ReadFile(filepath.Join(out, host+"_stig-rhel9.cklb"))
		if err != nil || json.Unmarshal(data, &cklb) != nil || cklb.TargetData.HostName != host || len(cklb.Stigs) != 1 || len(cklb.Stigs[0].Rules) == 0 {
			t.Errorf("%s's checklist: %v, %+v", host, err, cklb.TargetData)
		}
	}

	anonymous := filepath.Join(dir, "anonymous.json")
	writeOutput(t, anonymous, "verify", "--profile", "stig-rhel9", "--rules", full, "--format", "json")
	for _, args := range [][]string{{anonymous}, {"--format", "cklb", web}, {"--format", "xml", web}, {}} {
		if got := runIn(testEnv(t), append([]string{"report"}, args...)...); got.code != 2 {
			t.Errorf("report %v: exit %d, want 2; %s", args, got.code, got.stderr)
		}
	}
	if got := runIn(testEnv(t), "report", anonymous); !strings.Contains(got.stderr, anonymous+": the result names no host") {
		t.Errorf("a result without a host is not refused by name: %s", got.stderr)
	}
}
