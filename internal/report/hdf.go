package report

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"slices"
	"strings"
)

// MITRE's Heimdall Data Format: InSpec's JSON results (exec-json), one
// profile per benchmark, each requirement a control tagged as MITRE's STIG
// baselines tag theirs, each piece of evidence or gap a result.

type hdfExec struct {
	Platform   hdfPlatform  `json:"platform"`
	Profiles   []hdfProfile `json:"profiles"`
	Statistics struct {
		Duration float64 `json:"duration"`
	} `json:"statistics"`
	Version string `json:"version"`
	// Passthrough carries the target's data, as Heimdall's checklist
	// converters keep theirs.
	Passthrough map[string]any `json:"passthrough"`
}

type hdfPlatform struct {
	Name     string `json:"name"`
	Release  string `json:"release"`
	TargetID string `json:"target_id"`
}

type hdfProfile struct {
	Name       string       `json:"name"`
	Title      string       `json:"title"`
	Version    string       `json:"version"`
	Summary    string       `json:"summary"`
	Maintainer string       `json:"maintainer"`
	License    string       `json:"license"`
	Copyright  string       `json:"copyright"`
	Supports   []any        `json:"supports"`
	Attributes []any        `json:"attributes"`
	Groups     []hdfGroup   `json:"groups"`
	Controls   []hdfControl `json:"controls"`
	Status     string       `json:"status"`
	SHA256     string       `json:"sha256"`
}

type hdfGroup struct {
	ID       string   `json:"id"`
	Title    string   `json:"title"`
	Controls []string `json:"controls"`
}

type hdfControl struct {
	ID             string           `json:"id"`
	Title          string           `json:"title"`
	Desc           string           `json:"desc"`
	Descriptions   []hdfDescription `json:"descriptions"`
	Impact         float64          `json:"impact"`
	Refs           []any            `json:"refs"`
	Tags           hdfTags          `json:"tags"`
	Code           string           `json:"code"`
	SourceLocation struct {
		Ref  string `json:"ref"`
		Line int    `json:"line"`
	} `json:"source_location"`
	Results []hdfResult `json:"results"`
}

type hdfDescription struct {
	Label string `json:"label"`
	Data  string `json:"data"`
}

type hdfTags struct {
	Severity string   `json:"severity"`
	GTitle   string   `json:"gtitle,omitempty"`
	GID      string   `json:"gid,omitempty"`
	RID      string   `json:"rid,omitempty"`
	STIGID   string   `json:"stig_id"`
	FixID    string   `json:"fix_id,omitempty"`
	CCI      []string `json:"cci,omitempty"`
	NIST     []string `json:"nist,omitempty"`
}

type hdfResult struct {
	Status      string `json:"status"`
	CodeDesc    string `json:"code_desc"`
	StartTime   string `json:"start_time"`
	Message     string `json:"message,omitempty"`
	SkipMessage string `json:"skip_message,omitempty"`
}

// hdfImpact is InSpec's impact of a severity. A control of a standard
// that ranks none is given medium's: impact 0 would make it "not
// applicable" in Heimdall.
func hdfImpact(severity string) float64 {
	switch severity {
	case "high":
		return 0.7
	case "low":
		return 0.3
	}
	return 0.5
}

// WriteReportHDF writes verify's report in the Heimdall Data Format.
func WriteReportHDF(w io.Writer, r *Report) error {
	benchmarks, byBenchmark := checklistBenchmarks(r)
	out := hdfExec{Platform: hdfPlatform{Name: "auditpack", Release: r.Asset.OS, TargetID: r.Asset.HostName}, Profiles: []hdfProfile{},
		Version: strings.TrimPrefix(r.Tool, "auditpack "),
		Passthrough: map[string]any{"auditpack": map[string]any{"profile": r.Profile, "target": r.Target, "generated": r.Generated,
			"host": map[string]any{"host_name": r.Asset.HostName, "fqdn": r.Asset.FQDN, "ip": r.Asset.IPs, "mac": r.Asset.MACs, "os": r.Asset.OS}}}}
	if out.Platform.Release == "" {
		out.Platform.Release = r.Target
	}
	for _, b := range benchmarks {
		p := hdfProfile{Name: b.ID, Title: b.Title, Version: release(b), Summary: strings.TrimSpace(b.Standard+" "+b.ReleaseInfo) + ", verified by auditpack from the pack " + b.Pack,
			Maintainer: "auditpack", License: "Apache-2.0", Copyright: "DISA's texts are a US Government public release", Supports: []any{}, Attributes: []any{},
			Groups: []hdfGroup{}, Controls: []hdfControl{}, Status: "loaded"}
		sum := sha256.New()
		for _, c := range byBenchmark[b.ID] {
			ctl := hdfControlOf(r, c)
			p.Controls = append(p.Controls, ctl)
			p.Groups = append(p.Groups, hdfGroup{ID: ctl.ID, Title: ctl.Title, Controls: []string{ctl.ID}})
			sum.Write([]byte(ctl.ID + "\x00" + ctl.Title + "\x00"))
		}
		p.SHA256 = hex.EncodeToString(sum.Sum(nil))
		out.Profiles = append(out.Profiles, p)
	}
	if len(out.Profiles) == 0 {
		_, err := checklistOf(r)
		return err
	}
	return writeIndentedJSON(w, out)
}

func hdfControlOf(r *Report, c ControlResult) hdfControl {
	rule := c.Rule
	ctl := hdfControl{ID: vulnOf(c), Title: c.Title, Desc: rule.Discussion, Impact: hdfImpact(rule.Severity), Refs: []any{},
		Descriptions: []hdfDescription{{"default", rule.Discussion}, {"check", rule.Check}, {"fix", rule.Fix}},
		Tags:         hdfTags{Severity: severityOrUnknown(rule.Severity), GTitle: rule.GroupTitle, GID: rule.Vuln, RID: rule.RuleID, STIGID: c.ID, FixID: rule.FixID, CCI: rule.CCIs},
		Code:         strings.Join(c.Add, "\n")}
	if ctl.Tags.Severity == "unknown" {
		ctl.Tags.Severity = "medium"
	}
	for _, cci := range rule.CCIs {
		if n := cciNIST[cci]; n != "" && !slices.Contains(ctl.Tags.NIST, n) {
			ctl.Tags.NIST = append(ctl.Tags.NIST, n)
		}
	}
	ctl.SourceLocation.Ref = r.Target
	if notes := checklistComments(c); notes != "" {
		ctl.Descriptions = append(ctl.Descriptions, hdfDescription{"comments", notes})
	}
	result := func(status, desc string) hdfResult {
		return hdfResult{Status: status, CodeDesc: desc, StartTime: r.Generated}
	}
	switch c.Status {
	case Fail:
		for _, m := range c.Missing {
			res := result("failed", m)
			res.Message = "not met in " + r.Target
			ctl.Results = append(ctl.Results, res)
		}
	case NotChecked:
		res := result("skipped", "not checked in "+r.Target)
		res.SkipMessage = strings.Join(c.Notes, "\n")
		ctl.Results = append(ctl.Results, res)
	}
	if c.Status != NotChecked {
		for _, e := range c.Evidence {
			ctl.Results = append(ctl.Results, result("passed", evidenceLine(e)))
		}
	}
	if len(ctl.Results) == 0 {
		ctl.Results = append(ctl.Results, result("passed", "met in "+r.Target))
	}
	return ctl
}
