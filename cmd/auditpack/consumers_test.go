package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/auditpack/auditpack/internal/testenv"
)

// assessorNodeModules is the node_modules directory that holds the
// assessors' tools from the npm registry: MITRE's SAF CLI (@mitre/saf,
// which brings @mitre/hdf-converters and inspecjs) and STIG Manager's
// parsers (@nuwcdivnpt/stig-manager-client-modules). .ci/run installs them
// and sets AUDITPACK_NODE_MODULES.
func assessorNodeModules(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("AUDITPACK_NODE_MODULES")
	if dir == "" {
		testenv.SkipOrFail(t, "AUDITPACK_NODE_MODULES is not set (npm install @mitre/saf@1.5.3 @mitre/hdf-converters@2.12.6 @nuwcdivnpt/stig-manager-client-modules@1.6.7 in a directory and set it to its node_modules; .ci/run does)")
	}
	for _, p := range []string{".bin/saf", "@mitre/hdf-converters", "inspecjs", "@nuwcdivnpt/stig-manager-client-modules"} {
		if _, err := os.Stat(filepath.Join(dir, p)); err != nil {
			testenv.SkipOrFail(t, "AUDITPACK_NODE_MODULES lacks "+p+" (.ci/run installs it)")
		}
	}
	return dir
}

// consumer runs an assessor's tool with a HOME of its own and no update
// check, and returns its standard output; a non-zero exit fails the test
// unless allowed.
func consumer(t *testing.T, modules string, allowFail bool, name string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(name, args...)
	home := t.TempDir()
	cmd.Dir = home // the SAF CLI writes saf-cli.log where it runs
	cmd.Env = append(os.Environ(), "HOME="+home, "XDG_CONFIG_HOME="+home, "XDG_CACHE_HOME="+home, "XDG_DATA_HOME="+home,
		"NODE_PATH="+modules, "SAF_SKIP_NEW_VERSION_CHECK=true", "NO_COLOR=1")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if err != nil && !allowFail {
		t.Fatalf("%s %s: %v\n%s\n%s", name, strings.Join(args, " "), err, stdout.String(), stderr.String())
	}
	return stdout.String(), err
}

// verdicts are verify's JSON, per requirement the checklists list (no
// SRG roll-up), by Rule ID.
type verdicts struct {
	status                 map[string]string // rule ID -> PASS, FAIL, NOT CHECKED
	stigID                 map[string]string // rule ID -> STIG ID
	vuln                   map[string]string // rule ID -> Vuln ID
	pass, fail, notChecked int
}

func readVerdicts(t *testing.T, path string) verdicts {
	t.Helper()
	var out struct {
		Controls []struct {
			Control, Status string
			RollUp          bool `json:"roll_up"`
			Rule            *struct {
				Vuln   string
				RuleID string `json:"rule_id"`
			}
		}
	}
	data, _ := os.ReadFile(path)
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatal(err)
	}
	v := verdicts{status: map[string]string{}, stigID: map[string]string{}, vuln: map[string]string{}}
	for _, c := range out.Controls {
		if c.Rule == nil || c.RollUp {
			continue
		}
		v.status[c.Rule.RuleID], v.stigID[c.Rule.RuleID], v.vuln[c.Rule.RuleID] = c.Status, c.Control, c.Rule.Vuln
		switch c.Status {
		case "PASS":
			v.pass++
		case "FAIL":
			v.fail++
		default:
			v.notChecked++
		}
	}
	if len(v.status) == 0 || v.fail == 0 || v.notChecked == 0 {
		t.Fatalf("the STIG result has %d requirements, %d failing, %d not checked: the test needs each verdict", len(v.status), v.fail, v.notChecked)
	}
	return v
}

// TestAssessorFormatsInTheirConsumers hands verify's checklists, HDF and
// XCCDF for the RHEL 9 STIG to the tools assessors use, and requires each
// to read every verdict and identifier back: OpenSCAP validates and renders
// the XCCDF and computes the same score; the SAF CLI summarizes the HDF
// with verify's counts, converts the CKL to HDF and the HDF to CKL and back
// keeping every status, Rule ID, STIG ID, CCI and NIST tag; Heimdall's
// parser (inspecjs) reads the HDF; STIG Manager imports the CKLB, CKL and
// XCCDF against RHEL_9_STIG with every review.
func TestAssessorFormatsInTheirConsumers(t *testing.T) {
	modules := assessorNodeModules(t)
	oscap := testenv.Tool(t, "oscap", "apt-get install -y openscap-scanner; .ci/run does")
	node := testenv.Tool(t, "node", "apt-get install -y nodejs; .ci/run does")
	saf := filepath.Join(modules, ".bin", "saf")
	dir := t.TempDir()
	rules := threeGaps(t, dir)
	out := map[string]string{}
	for _, format := range []string{"json", "cklb", "ckl", "hdf", "xccdf"} {
		out[format] = filepath.Join(dir, "web01."+format)
		writeOutput(t, out[format], "verify", "--profile", "stig-rhel9", "--rules", rules, "--format", format,
			"--host-name", "web01", "--host-fqdn", "web01.example.mil", "--host-ip", "192.0.2.10", "--host-mac", "52:54:00:12:34:56")
	}
	want := readVerdicts(t, out["json"])

	t.Run("oscap", func(t *testing.T) {
		if msg, err := exec.Command(oscap, "xccdf", "validate", out["xccdf"]).CombinedOutput(); err != nil || bytes.Contains(msg, []byte("rror")) {
			t.Errorf("oscap xccdf validate: %v\n%s", err, msg)
		}
		html, err := exec.Command(oscap, "xccdf", "generate", "report", out["xccdf"]).Output()
		if err != nil {
			t.Fatalf("oscap xccdf generate report: %v", err)
		}
		written, _ := os.ReadFile(out["xccdf"])
		m := scoreElement.FindSubmatch(written)
		if m == nil {
			t.Fatal("auditpack's XCCDF has no default score")
		}
		score := string(m[1])
		if got, _ := strconv.ParseFloat(score, 64); math.Abs(got-100*float64(want.pass)/float64(want.pass+want.fail)) > 1e-4 {
			t.Errorf("auditpack scores %s; %d of %d judged requirements pass", score, want.pass, want.pass+want.fail)
		}
		if !bytes.Contains(html, []byte(`<td>urn:xccdf:scoring:default</td><td class="text-center">`+score+`</td>`)) || !bytes.Contains(html, []byte("web01")) {
			t.Errorf("oscap's report does not show host web01 and score %s", score)
		}
		if got := oscapScore(t, oscap, out["xccdf"], dir); got != score {
			t.Errorf("OpenSCAP scores the same verdicts %s, auditpack %s", got, score)
		}
	})

	t.Run("saf", func(t *testing.T) {
		summary, _ := consumer(t, modules, false, saf, "view", "summary", "-i", out["hdf"], "--format", "json", "--no-print-pretty")
		var s []struct {
			Passed, Failed, Skipped struct{ Total int }
		}
		if err := json.Unmarshal([]byte(summary[strings.Index(summary, "["):]), &s); err != nil || len(s) != 1 {
			t.Fatalf("saf view summary: %v\n%s", err, summary)
		}
		if s[0].Passed.Total != want.pass || s[0].Failed.Total != want.fail || s[0].Skipped.Total != want.notChecked {
			t.Errorf("saf view summary counts %d passed, %d failed, %d skipped; verify %d, %d, %d", s[0].Passed.Total, s[0].Failed.Total, s[0].Skipped.Total, want.pass, want.fail, want.notChecked)
		}
		if _, err := consumer(t, modules, true, saf, "validate", "threshold", "-i", out["hdf"], "-I", fmt.Sprintf("{failed.total.max: %d}, {passed.total.min: %d}", want.fail, want.pass)); err != nil {
			t.Errorf("saf validate threshold at verify's own counts: %v", err)
		}
		if _, err := consumer(t, modules, true, saf, "validate", "threshold", "-i", out["hdf"], "-I", fmt.Sprintf("{failed.total.max: %d}", want.fail-1)); err == nil {
			t.Error("saf validate threshold passes with one failure fewer allowed than there are")
		}
		fromCKL, roundTrip, ckl := filepath.Join(dir, "ckl2hdf.json"), filepath.Join(dir, "roundtrip.json"), filepath.Join(dir, "hdf2ckl.ckl")
		consumer(t, modules, false, saf, "convert", "ckl2hdf", "-i", out["ckl"], "-o", fromCKL)
		consumer(t, modules, false, saf, "convert", "hdf2ckl", "-i", out["hdf"], "-o", ckl)
		consumer(t, modules, false, saf, "convert", "ckl2hdf", "-i", ckl, "-o", roundTrip)
		ours := hdfControls(t, out["hdf"])
		for name, path := range map[string]string{"ckl2hdf of the CKL": fromCKL, "hdf2ckl then ckl2hdf of the HDF": roundTrip} {
			theirs := hdfControls(t, path)
			if len(theirs) != len(want.status) {
				t.Errorf("%s: %d controls, want %d", name, len(theirs), len(want.status))
			}
			for id, c := range ours {
				if theirs[id] != c {
					t.Errorf("%s: %s is %+v, auditpack's HDF %+v", name, id, theirs[id], c)
				}
			}
		}
		for rid, status := range want.status {
			if got := ours[want.vuln[rid]]; got.Status != map[string]string{"PASS": "passed", "FAIL": "failed", "NOT CHECKED": "skipped"}[status] || got.RID != rid || got.STIGID != want.stigID[rid] {
				t.Errorf("auditpack's HDF has %s as %+v; verify: %s %s", want.vuln[rid], got, status, want.stigID[rid])
			}
		}
	})

	t.Run("heimdall", func(t *testing.T) {
		read, _ := consumer(t, modules, false, node, filepath.Join(repoRoot, "internal/report/testdata/heimdall-read.cjs"), out["hdf"])
		var got struct {
			Errors   string
			Controls []struct{ ID, Status, RID string }
		}
		if err := json.Unmarshal([]byte(read), &got); err != nil || got.Errors != "" {
			t.Fatalf("inspecjs does not read the HDF as exec-json 1.0: %v %s", err, got.Errors)
		}
		heimdall := map[string]string{"PASS": "Passed", "FAIL": "Failed", "NOT CHECKED": "Not Reviewed"}
		for _, c := range got.Controls {
			if c.Status != heimdall[want.status[c.RID]] {
				t.Errorf("Heimdall shows %s (%s) as %s; verify says %s", c.ID, c.RID, c.Status, want.status[c.RID])
			}
		}
		if len(got.Controls) != len(want.status) {
			t.Errorf("Heimdall reads %d controls, want %d", len(got.Controls), len(want.status))
		}
	})

	t.Run("stig-manager", func(t *testing.T) {
		result := map[string]string{"PASS": "pass", "FAIL": "fail", "NOT CHECKED": "notchecked"}
		for _, kind := range []string{"cklb", "ckl", "xccdf"} {
			read, _ := consumer(t, modules, false, node, filepath.Join(repoRoot, "internal/report/testdata/stigman-import.mjs"), kind, out[kind])
			var got struct {
				Target     struct{ Name, Fqdn, IP, Mac string }
				Checklists []struct {
					BenchmarkID string `json:"benchmarkId"`
					RevisionStr string `json:"revisionStr"`
					Reviews     []struct{ RuleID, Result string }
				}
			}
			if err := json.Unmarshal([]byte(read), &got); err != nil || len(got.Checklists) != 1 {
				t.Fatalf("%s: STIG Manager's import: %v\n%s", kind, err, read)
			}
			c := got.Checklists[0]
			if got.Target.Name != "web01" || c.BenchmarkID != "RHEL_9_STIG" || kind != "xccdf" && (c.RevisionStr != "V2R9" || got.Target.Fqdn != "web01.example.mil" || got.Target.Mac != "52:54:00:12:34:56") {
				t.Errorf("%s: STIG Manager imports asset %+v, benchmark %s %s", kind, got.Target, c.BenchmarkID, c.RevisionStr)
			}
			seen := 0
			for _, r := range c.Reviews {
				if result[want.status[r.RuleID]] != r.Result {
					t.Errorf("%s: STIG Manager imports %s as %s; verify says %s", kind, r.RuleID, r.Result, want.status[r.RuleID])
				}
				seen++
			}
			if seen != len(want.status) {
				t.Errorf("%s: STIG Manager imports %d reviews, want %d", kind, seen, len(want.status))
			}
		}
	})

	t.Run("cci-table", func(t *testing.T) {
		cmd := exec.Command(node, "internal/report/cci/nist.cjs")
		cmd.Dir, cmd.Env = "../..", append(os.Environ(), "NODE_PATH="+modules)
		gen, err := cmd.Output()
		if err != nil {
			t.Fatal(err)
		}
		have, _ := os.ReadFile("../../internal/report/ccinist.go")
		if !bytes.Equal(gen, have) {
			t.Error("internal/report/ccinist.go is not what node internal/report/cci/nist.cjs writes now: regenerate it and review the diff")
		}
	})
}

// threeGaps writes DISA's own fix texts for RHEL 9 with three requirements
// taken out: a STIG result with passes, failures and controls a rules file
// cannot show.
func threeGaps(t *testing.T, dir string) string {
	t.Helper()
	disa, err := os.ReadFile("../../profiles/verify/testdata/targets/disa-rhel9-v2r9-fix.rules")
	if err != nil {
		t.Fatal(err)
	}
	gaps := []string{"RHEL-09-654010", "RHEL-09-654065", "RHEL-09-654250"}
	var kept []string
	skip := false
	for _, l := range strings.Split(string(disa), "\n") {
		if strings.HasPrefix(l, "## RHEL-09-") {
			skip = slices.Contains(gaps, strings.TrimPrefix(l, "## "))
		}
		if !skip {
			kept = append(kept, l)
		}
	}
	rules := filepath.Join(dir, "three-gaps.rules")
	if err := os.WriteFile(rules, []byte(strings.Join(kept, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	return rules
}

type hdfControl struct {
	Status, RID, STIGID, CCI, NIST string
}

// hdfControls reads an HDF file's controls by ID: the status its results
// give, its tags.
func hdfControls(t *testing.T, path string) map[string]hdfControl {
	t.Helper()
	var h struct {
		Profiles []struct {
			Controls []struct {
				ID      string
				Results []struct{ Status string }
				Tags    struct {
					RID    string `json:"rid"`
					STIGID string `json:"stig_id"`
					CCI    []string
					NIST   []string
				}
			}
		}
	}
	data, _ := os.ReadFile(path)
	if err := json.Unmarshal(data, &h); err != nil {
		t.Fatal(err)
	}
	out := map[string]hdfControl{}
	for _, p := range h.Profiles {
		for _, c := range p.Controls {
			status := "passed"
			for _, r := range c.Results {
				if r.Status == "failed" || r.Status == "skipped" && status == "passed" {
					status = r.Status
				}
			}
			out[c.ID] = hdfControl{status, c.Tags.RID, c.Tags.STIGID, strings.Join(c.Tags.CCI, " "), strings.Join(c.Tags.NIST, " ")}
		}
	}
	return out
}

var scoreElement = regexp.MustCompile(`<score system="urn:xccdf:scoring:default" maximum="[0-9.]+">([0-9.]+)</score>`)

// oscapScore has OpenSCAP compute the score of the same verdicts: the
// benchmark of auditpack's result, each rule checked by a script (OpenSCAP's
// script check engine) that answers the rule's verdict, evaluated by oscap
// xccdf eval.
func oscapScore(t *testing.T, oscap, result, dir string) string {
	t.Helper()
	data, err := os.ReadFile(result)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	results := regexp.MustCompile(`<rule-result idref="([^"]+)"[^>]*>\s*<result>([a-z]+)</result>`).FindAllStringSubmatch(doc, -1)
	verdict := map[string]string{}
	for _, m := range results {
		verdict[m[1]] = m[2]
	}
	for _, v := range []string{"pass", "fail", "notchecked"} {
		script := "#!/bin/sh\nexit $XCCDF_RESULT_" + map[string]string{"pass": "PASS", "fail": "FAIL", "notchecked": "NOT_CHECKED"}[v] + "\n"
		if err := os.WriteFile(filepath.Join(dir, v+".sh"), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	doc = regexp.MustCompile(`(?s)\s*<TestResult .*</TestResult>`).ReplaceAllString(doc, "")
	rule := regexp.MustCompile(`(?s)<Rule id="([^"]+)".*?<check system="urn:auditpack:verify">.*?</check>`)
	checks := regexp.MustCompile(`(?s)<check system="urn:auditpack:verify">.*?</check>`)
	doc = rule.ReplaceAllStringFunc(doc, func(r string) string {
		id := rule.FindStringSubmatch(r)[1]
		return checks.ReplaceAllString(r, `<check system="http://open-scap.org/page/SCE"><check-content-ref href="`+verdict[id]+`.sh"/></check>`)
	})
	bench, evaluated := filepath.Join(dir, "sce-benchmark.xml"), filepath.Join(dir, "sce-results.xml")
	if err := os.WriteFile(bench, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(oscap, "xccdf", "eval", "--results", evaluated, bench)
	cmd.Dir = dir
	if msg, err := cmd.CombinedOutput(); err != nil {
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 2 { // 2: some rule failed
			t.Fatalf("oscap xccdf eval: %v\n%s", err, msg)
		}
	}
	out, err := os.ReadFile(evaluated)
	if err != nil {
		t.Fatal(err)
	}
	m := scoreElement.FindSubmatch(out)
	if m == nil {
		t.Fatalf("oscap's result has no default score:\n%.2000s", out)
	}
	return string(m[1])
}
