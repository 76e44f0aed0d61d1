package report

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/auditpack/auditpack/internal/jsonschema"
	"github.com/auditpack/auditpack/packs/model"
)

// assessed is a report with one control of each verdict, a roll-up and a
// control no pack states: what every assessor format must tell apart.
func assessed() *Report {
	rule := func(vuln, severity string) *Rule {
		return &Rule{Benchmark: "RHEL_9_STIG", Severity: severity, Vuln: vuln, RuleID: "SV-" + strings.TrimPrefix(vuln, "V-") + "r1_rule", GroupTitle: "SRG-OS-000062-GPOS-00031",
			Weight: "10.0", CCIs: []string{"CCI-000169"}, FixID: "F-1r1_fix", Discussion: "why", Check: "check it", Fix: "fix it"}
	}
	return &Report{Profile: "stig-rhel9", Target: "audit.rules", Generated: "2026-12-01T12:00:00Z", Tool: "auditpack test", Packs: []string{"stig-rhel9@2.9.0"},
		Asset:      Asset{HostName: "web01", FQDN: "web01.example.mil", IPs: []string{"192.0.2.10"}, MACs: []string{"52:54:00:12:34:56"}, OS: "Red Hat Enterprise Linux 9.4 (Plow)"},
		Benchmarks: []Benchmark{{ID: "RHEL_9_STIG", Title: "Red Hat Enterprise Linux 9 Security Technical Implementation Guide", Version: "2", ReleaseInfo: "Release: 9 Benchmark Date: 01 Jul 2026", Standard: "DISA RHEL 9 STIG V2R9", Pack: "stig-rhel9@2.9.0"}},
		Settings:   []SettingRow{{Option: "-e", Wanted: "2", Target: "2", Met: true}, {Option: "-b", Wanted: "8192"}},
		Results: []ControlResult{
			{ID: "RHEL-09-654010", Title: "audit execve", Status: Pass, Rule: rule("V-258176", "medium"),
				Evidence: []Evidence{{Origin: model.Origin{File: "audit.rules", Line: 7}, Text: "-a always,exit -F arch=b64 -S execve -k execpriv"}}},
			{ID: "RHEL-09-654065", Title: "audit rename", Status: Fail, Rule: rule("V-258187", "high"),
				Missing: []string{"add -a always,exit -F arch=b64 -S rename -k delete (for stig-rhel9@2.9.0 requirements.toml:9)"}, Add: []string{"-a always,exit -F arch=b64 -S rename -k delete"}},
			{ID: "RHEL-09-212055", Title: "audit=1", Status: NotChecked, Rule: rule("V-257796", "low"), Notes: []string{"audit=1 is on the kernel command line"}},
			{ID: "SRG-OS-000062-GPOS-00031", Status: Fail, RollUp: true, Missing: []string{"meet RHEL-09-654065"}},
			{ID: "SITE-1", Status: Pass},
		},
	}
}

func write(t *testing.T, f func(*bytes.Buffer) error) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := f(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// Every assessor format lists the three requirements, not the roll-up or
// the control no pack states, each with its verdict in the format's words.
func TestAssessorFormatsKeepEveryVerdict(t *testing.T) {
	r := assessed()
	want := map[string][3]string{
		"cklb": {"not_a_finding", "open", "not_reviewed"}, "ckl": {"NotAFinding", "Open", "Not_Reviewed"},
		"hdf": {"passed", "failed", "skipped"}, "xccdf": {"pass", "fail", "notchecked"},
	}
	var cklb cklbChecklist
	json.Unmarshal(write(t, func(b *bytes.Buffer) error { return WriteReportCKLB(b, r) }), &cklb)
	var ckl cklChecklist
	if err := xml.Unmarshal(write(t, func(b *bytes.Buffer) error { return WriteReportCKL(b, r) }), &ckl); err != nil {
		t.Fatal(err)
	}
	var hdf hdfExec
	json.Unmarshal(write(t, func(b *bytes.Buffer) error { return WriteReportHDF(b, r) }), &hdf)
	var x xccdfBenchmark
	if err := xml.Unmarshal(write(t, func(b *bytes.Buffer) error { return WriteReportXCCDF(b, r) }), &x); err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for _, rule := range cklb.Stigs[0].Rules {
		got["cklb"] = append(got["cklb"], rule.Status)
	}
	for _, v := range ckl.Stigs[0].Vulns {
		got["ckl"] = append(got["ckl"], v.Status)
	}
	for _, c := range hdf.Profiles[0].Controls {
		got["hdf"] = append(got["hdf"], c.Results[0].Status)
	}
	for _, res := range x.TestResult.Results {
		got["xccdf"] = append(got["xccdf"], res.Result)
	}
	for format, statuses := range want {
		if !reflect.DeepEqual(got[format], statuses[:]) {
			t.Errorf("%s statuses %v, want %v (the three requirements, no roll-up)", format, got[format], statuses)
		}
	}
	rule := cklb.Stigs[0].Rules[1]
	if rule.GroupID != "V-258187" || rule.RuleIDSrc != "SV-258187r1_rule" || rule.RuleID != "SV-258187r1" || rule.RuleVersion != "RHEL-09-654065" || rule.Severity != "high" ||
		!reflect.DeepEqual(rule.CCIs, []string{"CCI-000169"}) || rule.CheckContent != "check it" || rule.FixText != "fix it" {
		t.Errorf("the failing rule lost its identifiers or texts: %+v", rule)
	}
	if !strings.Contains(rule.FindingDetails, "Lines to add to the audit rules:\n-a always,exit -F arch=b64 -S rename -k delete") {
		t.Errorf("finding details of a failing rule lack the lines to add:\n%s", rule.FindingDetails)
	}
	if d := cklb.Stigs[0].Rules[0].FindingDetails; !strings.Contains(d, "audit.rules:7: -a always,exit -F arch=b64 -S execve -k execpriv") {
		t.Errorf("finding details of a passing rule lack the evidence with its file and line:\n%s", d)
	}
	if td := cklb.TargetData; td.HostName != "web01" || td.FQDN != "web01.example.mil" || td.IPAddress != "192.0.2.10" || td.MACAddress != "52:54:00:12:34:56" {
		t.Errorf("target data %+v", td)
	}
	if cklb.Stigs[0].DisplayName != "Red Hat Enterprise Linux 9 V2R9" || ckl.Asset.HostName != "web01" {
		t.Errorf("STIG %q, CKL host %q", cklb.Stigs[0].DisplayName, ckl.Asset.HostName)
	}
	if tags := hdf.Profiles[0].Controls[1].Tags; tags.GID != "V-258187" || tags.RID != "SV-258187r1_rule" || tags.STIGID != "RHEL-09-654065" || !reflect.DeepEqual(tags.NIST, []string{"AU-12 a"}) {
		t.Errorf("HDF tags %+v", tags)
	}
	if s := x.TestResult.Score; s.Value != "50.000000" || s.System != scoringModel {
		t.Errorf("XCCDF score %+v, want 50 (one of the two judged requirements passes) in %s", s, scoringModel)
	}
	if x.ID != "xccdf_mil.disa.stig_benchmark_RHEL_9_STIG" || x.TestResult.Results[0].IDRef != "xccdf_mil.disa.stig_rule_SV-258176r1_rule" || x.TestResult.Target != "web01" {
		t.Errorf("XCCDF IDs %s %s, target %s", x.ID, x.TestResult.Results[0].IDRef, x.TestResult.Target)
	}
}

// A profile no pack states requirements for has no checklist: a clear
// error, and nothing written.
func TestChecklistWithoutRequirements(t *testing.T) {
	r := &Report{Profile: "site", Results: []ControlResult{{ID: "SITE-1", Status: Pass}}}
	for name, f := range map[string]func(*bytes.Buffer) error{
		"cklb": func(b *bytes.Buffer) error { return WriteReportCKLB(b, r) }, "ckl": func(b *bytes.Buffer) error { return WriteReportCKL(b, r) },
		"hdf": func(b *bytes.Buffer) error { return WriteReportHDF(b, r) }, "xccdf": func(b *bytes.Buffer) error { return WriteReportXCCDF(b, r) },
	} {
		var b bytes.Buffer
		if err := f(&b); err == nil || !strings.Contains(err.Error(), "profile site has no control a pack states a requirement for") || b.Len() > 0 {
			t.Errorf("%s: error %v, %d bytes written", name, err, b.Len())
		}
	}
}

func TestScore(t *testing.T) {
	for _, c := range []struct {
		statuses []string
		score    float64
		judged   int
	}{
		{[]string{Pass, Pass, Fail, NotChecked}, float64(float32(200) / 3), 3},
		{[]string{NotChecked}, 0, 0},
		{[]string{Fail}, 0, 1},
	} {
		var cs []ControlResult
		for _, s := range c.statuses {
			cs = append(cs, ControlResult{Status: s})
		}
		if score, judged := openSCAPScore(cs); score != c.score || judged != c.judged {
			t.Errorf("openSCAPScore(%v) = %v, %v; want %v, %v", c.statuses, score, judged, c.score, c.judged)
		}
	}
}

// verify's JSON reads back into the report it was written from, so the
// fleet report writes the same checklists as verify.
func TestReportJSONRoundTrip(t *testing.T) {
	r := assessed()
	back, err := ReadReportJSON(bytes.NewReader(write(t, func(b *bytes.Buffer) error { return WriteReportJSON(b, r) })), "web01.json")
	if err != nil {
		t.Fatal(err)
	}
	a, b := write(t, func(w *bytes.Buffer) error { return WriteReportCKLB(w, r) }), write(t, func(w *bytes.Buffer) error { return WriteReportCKLB(w, back) })
	if !bytes.Equal(a, b) {
		t.Error("the checklist of a result read back differs from verify's")
	}
	for _, c := range []struct{ json, want string }{
		{`{"profile":"p","target":"t","controls":[],"summary":{"pass":0,"fail":0,"not_checked":0},"generated":"2026-12-01T12:00:00Z"}`, "names no host"},
		{`{"profile":"p","target":"t","controls":[],"summary":{"pass":0,"fail":0,"not_checked":0},"host":{"host_name":"a"}}`, "has no time"},
		{`{"profile":"p","target":"t","controls":[],"summary":{"pass":0,"fail":0,"not_checked":0},"error":"no such file"}`, "could not check this host: no such file"},
		{`{"lint":1}`, "not auditpack verify --format json output"},
		{`{"profile":"p","target":"t","generated":"x","host":{"host_name":"a"},"controls":[{"control":"C","status":"OK","evidence":[],"missing":[],"notes":[]}],"summary":{"pass":0,"fail":0,"not_checked":0}}`, `control C has status "OK"`},
	} {
		if _, err := ReadReportJSON(strings.NewReader(c.json), "x.json"); err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "x.json: ") {
			t.Errorf("%s: error %v, want one naming the file and %q", c.json, err, c.want)
		}
	}
}

func TestNameUUID(t *testing.T) {
	u := nameUUID("web01", "RHEL_9_STIG")
	if !regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`).MatchString(u) {
		t.Errorf("%q is not a version 5 UUID", u)
	}
	if u != nameUUID("web01", "RHEL_9_STIG") || u == nameUUID("web02", "RHEL_9_STIG") || u == nameUUID("web01RHEL_9_STIG") {
		t.Error("the UUID is not a function of its parts alone")
	}
}

// Results merge by host and profile: the newer of one host's two wins,
// the older is named, and the controls that differ between hosts come
// first.
func TestMergeFleet(t *testing.T) {
	web := assessed()
	old := assessed()
	old.Generated = "2026-11-01T12:00:00Z"
	old.Results[0].Status = Fail
	db := assessed()
	db.Asset = Asset{HostName: "db01"}
	db.Results[2].Status = Pass // RHEL-09-212055 passes on db01 only
	f := MergeFleet([]FleetFile{{"old.json", old}, {"db.json", db}, {"web.json", web}})
	if len(f.Hosts) != 2 || f.Hosts[0].Name() != "db01" || f.Hosts[1].File != "web.json" {
		t.Fatalf("hosts %+v", f.Hosts)
	}
	if len(f.Superseded) != 1 || !strings.HasPrefix(f.Superseded[0], "old.json (web01, 2026-11-01T12:00:00Z): web.json replaces it") {
		t.Errorf("superseded %q", f.Superseded)
	}
	if c := f.Controls[0]; c.ID != "RHEL-09-212055" || !c.Drift || !reflect.DeepEqual(c.Status, []string{Pass, NotChecked}) {
		t.Errorf("first control %+v, want the one that differs between hosts", c)
	}
	if c := f.Controls[1]; c.ID != "RHEL-09-654065" || c.Drift || c.Failing != 2 {
		t.Errorf("second control %+v, want the one failing everywhere", c)
	}
}

// The generated CCI table names every CCI of every pack (the consumer
// test regenerates it from @mitre/hdf-converters and requires the same
// bytes).
func TestCCITableCoversThePacks(t *testing.T) {
	files, _ := filepath.Glob("../../packs/*/requirements.toml")
	more, _ := filepath.Glob("../../packs/*/*/requirements.toml")
	if len(files)+len(more) == 0 {
		t.Fatal("no requirements.toml found")
	}
	cci := regexp.MustCompile(`CCI-\d{6}`)
	for _, f := range append(files, more...) {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range cci.FindAllString(string(data), -1) {
			if _, ok := cciNIST[id]; !ok {
				t.Errorf("%s names %s, which ccinist.go lacks: run node internal/report/cci/nist.cjs > internal/report/ccinist.go", f, id)
			}
		}
	}
}

// The HTML report shows what an assessor asks for.
func TestHTMLForAnAssessor(t *testing.T) {
	html := string(write(t, func(b *bytes.Buffer) error { return WriteReportHTML(b, assessed()) }))
	for _, want := range []string{
		`<strong>web01</strong> <code>web01.example.mil</code>`, `<code>192.0.2.10</code>`, "Red Hat Enterprise Linux 9.4 (Plow)",
		`score <strong>50.00</strong> / 100`, scoringModel,
		`<td class="CAT-I">CAT I</td>`, `data-cat="CAT-II"`, `data-filter-cat="CAT-III"`, `data-cat="SRG-roll-up"`,
		`<code class="muted">V-258187</code>`, `<code class="muted">SV-258187r1_rule</code>`, `CCI-000169`,
		`<summary>check text</summary><pre>check it</pre>`, `<summary>fix text (F-1r1_fix)</summary><pre>fix it</pre>`,
		`<span class="FAIL">unset</span></td>` + "\n" + `<td class="status FAIL">FAIL</td>`, `<td class="status PASS">PASS</td>`,
		`<pre class="add" id="add-all">-a always,exit -F arch=b64 -S rename -k delete</pre>`,
		"ansible.builtin.blockinfile:", "      -a always,exit -F arch=b64 -S rename -k delete",
		`audit.rules:7: -a always,exit -F arch=b64 -S execve -k execpriv`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
}

// The CKLB holds to DISA's CKLB 1.0 layout (docs/schema/cklb.schema.json):
// no field STIG Viewer 3 does not know, each of its type.
func TestCKLBLayout(t *testing.T) {
	schema, err := os.ReadFile("../../docs/schema/cklb.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	problems, err := jsonschema.Validate(schema, write(t, func(b *bytes.Buffer) error { return WriteReportCKLB(b, assessed()) }))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("the CKLB breaks docs/schema/cklb.schema.json: %s", p)
	}
}
