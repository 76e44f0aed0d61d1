package report

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/auditpack/auditpack/internal/golden"
	"github.com/auditpack/auditpack/internal/jsonschema"
	"github.com/auditpack/auditpack/packs/model"
)

// liveReport is a verify report of the three live verdicts, a control
// satisfied by another, and a run with a note.
func liveReport() *Report {
	shadow := model.Origin{Pack: "stig@2.1.0", File: "requirements.toml", Line: 12}
	chmod := model.Origin{Pack: "stig@2.1.0", File: "requirements.toml", Line: 30}
	return &Report{Profile: "stig", Target: "kernel", Results: []ControlResult{
		{ID: "RHEL-09-654245", Status: Pass, Evidence: []Evidence{{Origin: model.Origin{File: "kernel", Line: 3}}},
			Live: &LiveResult{Verdict: Proven, Parts: []LivePart{{Line: shadow, Rule: "-a always,exit -F arch=b64 -F path=/etc/shadow -F perm=wa -k identity", ABI: "b64",
				Verdict: Proven, Actions: []int{1}, Records: []LiveRecord{{Serial: 4242, Time: "2026-05-01T10:00:00.123Z", Type: "SYSCALL", Keys: []string{"identity"},
					Fields: []LiveField{{"arch", "x86_64"}, {"syscall", "openat"}, {"exit", "ENOTDIR"}, {"name", "/etc/shadow"}}}}}}}},
		{ID: "RHEL-09-654015", Status: Fail, Missing: []string{"remove or narrow the never rule kernel:1"},
			Live: &LiveResult{Verdict: LiveFail, Reason: "b64 chmod: shadowed by the never rule kernel:1 (-a never,exit -F arch=b64 -S chmod)",
				Parts: []LivePart{{Line: chmod, Rule: "-a always,exit -F arch=b64 -S chmod -F auid>=1000 -F auid!=-1 -F key=perm_mod", ABI: "b64", Event: "chmod",
					Verdict: LiveFail, Reason: "shadowed by the never rule kernel:1 (-a never,exit -F arch=b64 -S chmod)", Actions: []int{2}}}}},
		{ID: "RHEL-09-654145", Status: Pass,
			Live: &LiveResult{Verdict: NotProven, Reason: "b64: a record needs an exec of /usr/bin/su itself; auditpack runs no installed program",
				Parts: []LivePart{{Line: chmod, Rule: "-a always,exit -S all -F path=/usr/bin/su -F perm=x", ABI: "b64", Verdict: NotProven,
					Reason: "a record needs an exec of /usr/bin/su itself; auditpack runs no installed program", Actions: []int{}}}}},
		{ID: "SRG-OS-000004-GPOS-00004", Status: Pass, Live: &LiveResult{Verdict: Proven, From: []string{"RHEL-09-654245"}}},
	}, Live: &LiveRun{Seconds: 1.25, LostBefore: 7, LostAfter: 7, Notes: []string{"rate limit 100 records/s: actions paced at 8 per second"},
		Actions: []LiveAction{
			{ID: 1, Kind: "write-refused", Call: `openat(AT_FDCWD, "/etc/shadow", O_WRONLY|O_DIRECTORY|O_NOFOLLOW)`, ABI: "b64", Identity: "auid=1000 uid=65534 euid=65534 gid=65534 egid=65534", Result: "ENOTDIR"},
			{ID: 2, Kind: "chmod-not-owner", Call: `chmod("root", 0644)`, ABI: "b64", Identity: "auid=1000 uid=65534 euid=65534 gid=65534 egid=65534", Result: "EPERM"},
		}}}
}

func TestLiveText(t *testing.T) {
	var b bytes.Buffer
	if err := WriteReport(&b, liveReport()); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "testdata/verify-live.golden", b.Bytes())
}

func TestLiveJSONSchema(t *testing.T) {
	var b bytes.Buffer
	if err := WriteReportJSON(&b, liveReport()); err != nil {
		t.Fatal(err)
	}
	schema, err := os.ReadFile("../../docs/schema/verify.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	problems, err := jsonschema.Validate(schema, b.Bytes())
	if err != nil || len(problems) > 0 {
		t.Fatalf("verify --live JSON breaks its schema: %v %v\n%s", err, problems, b.String())
	}
	var doc struct {
		Controls []struct {
			Live *struct {
				Verdict string `json:"verdict"`
				Parts   []struct {
					Records []struct {
						Serial uint32            `json:"serial"`
						Fields map[string]string `json:"fields"`
					} `json:"records"`
				} `json:"parts"`
			} `json:"live"`
		} `json:"controls"`
		Live struct {
			Summary struct{ Proven, Fail int } `json:"summary"`
			Actions []struct{ Call string }    `json:"actions"`
		} `json:"live"`
	}
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	rec := doc.Controls[0].Live.Parts[0].Records[0]
	if rec.Serial != 4242 || rec.Fields["name"] != "/etc/shadow" || doc.Live.Summary.Proven != 2 || doc.Live.Summary.Fail != 1 || len(doc.Live.Actions) != 2 {
		t.Errorf("the JSON lost live evidence:\n%s", b.String())
	}
	// Without --live the report has no live members at all.
	b.Reset()
	plain := liveReport()
	plain.Live = nil
	for i := range plain.Results {
		plain.Results[i].Live = nil
	}
	if err := WriteReportJSON(&b, plain); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), `"live"`) {
		t.Errorf("a report without --live has live members:\n%s", b.String())
	}
}

func TestLiveHTML(t *testing.T) {
	var b bytes.Buffer
	if err := WriteReportHTML(&b, liveReport()); err != nil {
		t.Fatal(err)
	}
	html := b.String()
	for _, want := range []string{
		`<th>live: the kernel's records</th>`,
		`<code>serial 4242 SYSCALL key=identity arch=x86_64 syscall=openat exit=ENOTDIR name=/etc/shadow</code>`,
		`shadowed by the never rule kernel:1`,
		`<span class="status NOT-PROVEN">NOT PROVEN</span>`,
		`through <a href="#RHEL-09-654245">RHEL-09-654245</a>`,
		`<span class="PROVEN" id="count-proven">2 proven live</span>`,
		`<tr id="action-1"><td>1</td><td>write-refused (b64)</td><td><code>openat(AT_FDCWD, &#34;/etc/shadow&#34;, O_WRONLY|O_DIRECTORY|O_NOFOLLOW)</code></td>`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("the HTML report lacks %s", want)
		}
	}
	plain := liveReport()
	plain.Live = nil
	b.Reset()
	if err := WriteReportHTML(&b, plain); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "live:") || strings.Contains(b.String(), "Live actions") {
		t.Error("a report without --live shows a live column or section")
	}
}

// A control whose rules pass but whose event the kernel did not record
// fails in the CI formats too, as it fails the exit status.
func TestLiveFailureInCIFormats(t *testing.T) {
	r := &Report{Profile: "p", Results: []ControlResult{
		{ID: "C-OK", Status: Pass, Live: &LiveResult{Verdict: Proven}},
		{ID: "C-LIVE", Status: Pass, Live: &LiveResult{Verdict: LiveFail, Reason: "b64 chmod: shadowed by the never rule kernel:1"}},
	}}
	if n := r.Failed(); n != 1 {
		t.Fatalf("Failed() = %d, want 1", n)
	}
	var gh, junit strings.Builder
	if err := WriteReportGitHub(&gh, r); err != nil {
		t.Fatal(err)
	}
	if want := "::error title=C-LIVE fails live::live: b64 chmod: shadowed by the never rule kernel:1\n"; gh.String() != want {
		t.Errorf("github:\n%s\nwant\n%s", gh.String(), want)
	}
	if err := WriteReportJUnit(&junit, r); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(junit.String(), `failures="1"`) || !strings.Contains(junit.String(), "live: b64 chmod: shadowed") {
		t.Errorf("junit does not fail C-LIVE:\n%s", junit.String())
	}
}
