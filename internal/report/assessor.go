package report

import (
	"crypto/sha1"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/auditpack/auditpack/packs/model"
)

// What the formats an assessor files (STIG Viewer checklists, Heimdall,
// XCCDF results) and the HTML report need beyond a verdict: the standard's
// identifiers and texts of each control, the document they come from and
// the host the target is.

// Rule is what a standard's manual says of a control: a STIG's Vuln ID,
// Rule ID, SRG (group title), severity, weight, CCIs, discussion, check and
// fix texts. CIS, PCI DSS and OSPP packs state fewer of them.
type Rule struct {
	Benchmark                        string // the Benchmark.ID it is from
	Severity                         string // high, medium, low; "" where the standard ranks none
	Vuln, RuleID, GroupTitle, Weight string
	CCIs                             []string
	FixID                            string
	Discussion, Check, Fix           string
}

// Benchmark is the document a pack's requirements come from, as a
// checklist names it: a DISA manual's benchmark, or for a standard without
// one, the pack's standard and release.
type Benchmark struct {
	ID, Title, Version, ReleaseInfo string
	Standard                        string // "DISA Red Hat Enterprise Linux 9 STIG V2R9"
	Pack                            string // "stig-rhel9@2.9.0"
}

// Asset is the host a report is about, as STIG Viewer's target data names
// it.
type Asset struct {
	HostName, FQDN string
	IPs, MACs      []string
	OS             string // the system's PRETTY_NAME
}

func (a Asset) empty() bool {
	return a.HostName == "" && a.FQDN == "" && len(a.IPs) == 0 && len(a.MACs) == 0 && a.OS == ""
}

// catOf is DISA's category of a severity: CAT I for high, CAT II for medium,
// CAT III for low; "" for a control the standard ranks not.
func catOf(severity string) string {
	switch severity {
	case "high":
		return "CAT I"
	case "medium":
		return "CAT II"
	case "low":
		return "CAT III"
	}
	return ""
}

// checklistControls are the controls the checklist formats list, by
// benchmark: every control a pack states a requirement for, leaving out
// the roll-ups (a STIG's SRG IDs, which its requirements already answer)
// and the controls only the rules' annotations name.
func checklistControls(r *Report) map[string][]ControlResult {
	out := map[string][]ControlResult{}
	for _, c := range r.Results {
		if c.Rule != nil && !c.RollUp {
			out[c.Rule.Benchmark] = append(out[c.Rule.Benchmark], c)
		}
	}
	return out
}

// checklistBenchmarks are the benchmarks with controls to list, in the
// packs' order.
func checklistBenchmarks(r *Report) ([]Benchmark, map[string][]ControlResult) {
	byBenchmark := checklistControls(r)
	var out []Benchmark
	for _, b := range r.Benchmarks {
		if len(byBenchmark[b.ID]) > 0 {
			out = append(out, b)
		}
	}
	return out, byBenchmark
}

// findingDetails is what verify found, in words an assessor files: the
// target lines that meet the control with their file and line, or what is
// missing and the lines to add.
func findingDetails(r *Report, c ControlResult) string {
	var b strings.Builder
	switch c.Status {
	case Pass:
		fmt.Fprintf(&b, "%s found in %s:\n", verifiedBy(r), r.Target)
		for _, e := range c.Evidence {
			b.WriteString(evidenceLine(e) + "\n")
		}
	case Fail:
		fmt.Fprintf(&b, "%s found in %s that it is not met:\n", verifiedBy(r), r.Target)
		for _, m := range c.Missing {
			b.WriteString("- " + m + "\n")
		}
		if len(c.Evidence) > 0 {
			b.WriteString("Met in part by:\n")
			for _, e := range c.Evidence {
				b.WriteString(evidenceLine(e) + "\n")
			}
		}
		if len(c.Add) > 0 {
			b.WriteString("Lines to add to the audit rules:\n" + strings.Join(c.Add, "\n") + "\n")
		}
	default:
		fmt.Fprintf(&b, "%s could not check this in %s:\n", verifiedBy(r), r.Target)
		for _, n := range c.Notes {
			b.WriteString("- " + n + "\n")
		}
	}
	return strings.TrimSuffix(b.String(), "\n")
}

func verifiedBy(r *Report) string {
	tool := r.Tool
	if tool == "" {
		tool = "auditpack"
	}
	if r.Generated != "" {
		return tool + " verify (" + r.Generated + ")"
	}
	return tool + " verify"
}

// evidenceLine is one piece of evidence: "file:line: rule" or a setting.
func evidenceLine(e Evidence) string {
	switch {
	case e.Setting != "":
		return e.Origin.String() + ": " + e.Setting
	case e.Text != "":
		return e.Origin.String() + ": " + e.Text
	}
	return e.Origin.String()
}

// checklistComments are verify's notes on a control that a passing or
// failing verdict does not say (a partial exclusion, how the pack reads
// the standard), and that the verdict is auditpack's.
func checklistComments(c ControlResult) string {
	if c.Status == NotChecked {
		return "Not checked by auditpack: a rules file holds no evidence either way; review it on the host."
	}
	return strings.Join(c.Notes, "\n")
}

// nameUUID is a name-based UUID (RFC 9562 version 5, in auditpack's own
// namespace): the same host, benchmark and rule give the same UUID in
// every run, so checklists compare across runs and golden files hold.
func nameUUID(parts ...string) string {
	h := sha1.New()
	h.Write([]byte("auditpack.checklist\x00"))
	h.Write([]byte(strings.Join(parts, "\x00")))
	u := h.Sum(nil)[:16]
	u[6] = u[6]&0x0f | 0x50
	u[8] = u[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}

// ruleIDShort is STIG Viewer's Rule ID without DISA's "_rule" suffix.
func ruleIDShort(id string) string { return strings.TrimSuffix(id, "_rule") }

// vulnOf is the Vuln ID, or the control's own ID for a standard without.
func vulnOf(c ControlResult) string {
	if c.Rule.Vuln != "" {
		return c.Rule.Vuln
	}
	return c.ID
}

// ruleIDOf is the Rule ID, or the control's own ID for a standard without.
func ruleIDOf(c ControlResult) string {
	if c.Rule.RuleID != "" {
		return c.Rule.RuleID
	}
	return c.ID
}

// openSCAPScore is a result's score in XCCDF's default model
// (urn:xccdf:scoring:default), as OpenSCAP computes it for a benchmark in
// which every rule is alone in its group, as in DISA's manuals: each rule
// that passes scores 100 and each that fails 0, weighted within its group
// (so a rule's own weight cancels out), and the groups averaged; rules not
// checked are left out. It is computed in single precision, as OpenSCAP
// does, so the two agree to the digit. judged counts the rules that passed
// or failed; without any, there is no score.
func openSCAPScore(controls []ControlResult) (score float64, judged int) {
	pass := 0
	for _, c := range controls {
		switch c.Status {
		case Pass:
			pass++
			judged++
		case Fail:
			judged++
		}
	}
	if judged == 0 {
		return 0, 0
	}
	return float64(float32(100*pass) / float32(judged)), judged
}

// requirementsScore is the score of a report's requirements (no roll-ups).
func requirementsScore(r *Report) (float64, int) {
	var scored []ControlResult
	for _, cs := range checklistControls(r) {
		scored = append(scored, cs...)
	}
	return openSCAPScore(scored)
}

// ReadReportJSON reads back what WriteReportJSON wrote (a host's result
// for the fleet report); name is the file, for errors.
func ReadReportJSON(rd io.Reader, name string) (*Report, error) {
	dec := json.NewDecoder(rd)
	dec.DisallowUnknownFields()
	var in jsonReport
	if err := dec.Decode(&in); err != nil {
		return nil, fmt.Errorf("%s: not auditpack verify --format json output: %w", name, err)
	}
	switch {
	case in.Error != "":
		return nil, fmt.Errorf("%s: verify could not check this host: %s", name, in.Error)
	case in.Host == nil || in.Host.HostName == "":
		return nil, fmt.Errorf("%s: the result names no host: run verify with --kernel or --host, or give --host-name", name)
	case in.Generated == "":
		return nil, fmt.Errorf("%s: the result has no time (\"generated\"): write it with this auditpack's verify --format json", name)
	}
	r := &Report{Profile: in.Profile, Target: in.Target, Generated: in.Generated, Tool: in.Tool, Packs: in.Packs, Boot: in.Boot,
		Asset: Asset(*in.Host)}
	for _, b := range in.Benchmarks {
		r.Benchmarks = append(r.Benchmarks, Benchmark(b))
	}
	for _, s := range in.Settings {
		r.Settings = append(r.Settings, SettingRow(s))
	}
	for _, jc := range in.Controls {
		if !slices.Contains([]string{Pass, Fail, NotChecked}, jc.Status) {
			return nil, fmt.Errorf("%s: control %s has status %q, not PASS, FAIL or NOT CHECKED", name, jc.Control, jc.Status)
		}
		c := ControlResult{ID: jc.Control, Title: jc.Title, Standard: jc.Standard, Status: jc.Status, Missing: jc.Missing, Notes: jc.Notes, Add: jc.Add, RollUp: jc.RollUp}
		for _, e := range jc.Evidence {
			c.Evidence = append(c.Evidence, Evidence{Origin: model.Origin{File: e.File, Line: e.Line}, Setting: e.Setting, Text: e.Text})
		}
		if jc.Rule != nil {
			rule := Rule(*jc.Rule)
			c.Rule = &rule
		}
		r.Results = append(r.Results, c)
	}
	return r, nil
}

// writeIndentedJSON writes v as the JSON formats of verify and report write
// it: indented, with <, > and & as they are.
func writeIndentedJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
