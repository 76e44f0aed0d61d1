package report

import (
	"fmt"
	"io"
	"strings"
)

// STIG Viewer 3's checklist (CKLB, JSON, DISA's schema 1.0): the target's
// data, one STIG per pack that states requirements, each requirement a
// rule with DISA's identifiers and texts and verify's verdict.

// cklbStatus is a verdict in STIG Viewer 3's words.
var cklbStatus = map[string]string{Pass: "not_a_finding", Fail: "open", NotChecked: "not_reviewed"}

type cklbChecklist struct {
	Title       string         `json:"title"`
	ID          string         `json:"id"`
	Active      bool           `json:"active"`
	Mode        int            `json:"mode"`
	HasPath     bool           `json:"has_path"`
	TargetData  cklbTargetData `json:"target_data"`
	Stigs       []cklbStig     `json:"stigs"`
	CKLBVersion string         `json:"cklb_version"`
}

type cklbTargetData struct {
	TargetType     string  `json:"target_type"`
	HostName       string  `json:"host_name"`
	IPAddress      string  `json:"ip_address"`
	MACAddress     string  `json:"mac_address"`
	FQDN           string  `json:"fqdn"`
	Comments       string  `json:"comments"`
	Role           string  `json:"role"`
	IsWebDatabase  bool    `json:"is_web_database"`
	TechnologyArea string  `json:"technology_area"`
	WebDBSite      string  `json:"web_db_site"`
	WebDBInstance  string  `json:"web_db_instance"`
	Classification *string `json:"classification"`
}

type cklbStig struct {
	StigName            string     `json:"stig_name"`
	DisplayName         string     `json:"display_name"`
	StigID              string     `json:"stig_id"`
	Version             string     `json:"version"`
	ReleaseInfo         string     `json:"release_info"`
	UUID                string     `json:"uuid"`
	ReferenceIdentifier string     `json:"reference_identifier"`
	Size                int        `json:"size"`
	Rules               []cklbRule `json:"rules"`
}

type cklbRule struct {
	UUID                     string       `json:"uuid"`
	StigUUID                 string       `json:"stig_uuid"`
	TargetKey                *string      `json:"target_key"`
	StigRef                  *string      `json:"stig_ref"`
	GroupID                  string       `json:"group_id"`
	RuleID                   string       `json:"rule_id"`
	RuleIDSrc                string       `json:"rule_id_src"`
	Weight                   string       `json:"weight"`
	Classification           string       `json:"classification"`
	Severity                 string       `json:"severity"`
	RuleVersion              string       `json:"rule_version"`
	GroupTitle               string       `json:"group_title"`
	RuleTitle                string       `json:"rule_title"`
	FixText                  string       `json:"fix_text"`
	FalsePositives           string       `json:"false_positives"`
	FalseNegatives           string       `json:"false_negatives"`
	Discussion               string       `json:"discussion"`
	CheckContent             string       `json:"check_content"`
	Documentable             string       `json:"documentable"`
	Mitigations              string       `json:"mitigations"`
	PotentialImpacts         string       `json:"potential_impacts"`
	ThirdPartyTools          string       `json:"third_party_tools"`
	MitigationControl        string       `json:"mitigation_control"`
	Responsibility           string       `json:"responsibility"`
	SecurityOverrideGuidance string       `json:"security_override_guidance"`
	IAControls               string       `json:"ia_controls"`
	CheckContentRef          cklbCheckRef `json:"check_content_ref"`
	LegacyIDs                []string     `json:"legacy_ids"`
	CCIs                     []string     `json:"ccis"`
	GroupTree                []cklbGroup  `json:"group_tree"`
	GroupIDSrc               string       `json:"group_id_src"`
	ReferenceIdentifier      *string      `json:"reference_identifier"`
	Status                   string       `json:"status"`
	Overrides                struct{}     `json:"overrides"`
	Comments                 string       `json:"comments"`
	FindingDetails           string       `json:"finding_details"`
	CreatedAt                string       `json:"createdAt"`
	UpdatedAt                string       `json:"updatedAt"`
}

type cklbCheckRef struct {
	Href string `json:"href"`
	Name string `json:"name"`
}

type cklbGroup struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	Description string `json:"description"`
}

// cklbOf builds the checklist of a report.
func cklbOf(r *Report) cklbChecklist {
	host := r.Asset.HostName
	benchmarks, byBenchmark := checklistBenchmarks(r)
	title := r.Profile
	if host != "" {
		title = host + " " + r.Profile
	}
	out := cklbChecklist{Title: title, ID: nameUUID(host, r.Profile), Mode: 1, HasPath: true, CKLBVersion: "1.0",
		TargetData: cklbTargetData{TargetType: "Computing", HostName: host, IPAddress: strings.Join(r.Asset.IPs, ", "),
			MACAddress: strings.Join(r.Asset.MACs, ", "), FQDN: r.Asset.FQDN, Comments: targetComment(r), Role: "None", TechnologyArea: "UNIX OS"},
		Stigs: []cklbStig{}}
	for _, b := range benchmarks {
		stigUUID := nameUUID(host, b.ID, b.Version, b.ReleaseInfo)
		stig := cklbStig{StigName: b.Title, DisplayName: displayName(b), StigID: b.ID, Version: b.Version, ReleaseInfo: b.ReleaseInfo,
			UUID: stigUUID, Size: len(byBenchmark[b.ID]), Rules: []cklbRule{}}
		stigRef := stigRefOf(b)
		for _, c := range byBenchmark[b.ID] {
			rule := c.Rule
			ccis := append([]string{}, rule.CCIs...)
			stig.Rules = append(stig.Rules, cklbRule{
				UUID: nameUUID(host, b.ID, ruleIDOf(c)), StigUUID: stigUUID, GroupID: vulnOf(c), GroupIDSrc: vulnOf(c),
				RuleID: ruleIDShort(ruleIDOf(c)), RuleIDSrc: ruleIDOf(c), Weight: weightOf(rule), Classification: "Unclassified",
				Severity: severityOrUnknown(rule.Severity), RuleVersion: c.ID, GroupTitle: groupTitleOf(c), RuleTitle: c.Title,
				FixText: rule.Fix, Discussion: rule.Discussion, CheckContent: rule.Check, Documentable: "false",
				CheckContentRef: cklbCheckRef{Href: b.ID, Name: "M"}, LegacyIDs: []string{}, CCIs: ccis,
				GroupTree: []cklbGroup{{ID: vulnOf(c), Title: groupTitleOf(c), Description: "<GroupDescription></GroupDescription>"}},
				StigRef:   &stigRef, Status: cklbStatus[c.Status], Comments: checklistComments(c), FindingDetails: findingDetails(r, c),
				CreatedAt: r.Generated, UpdatedAt: r.Generated,
			})
		}
		out.Stigs = append(out.Stigs, stig)
	}
	return out
}

// WriteReportCKLB writes verify's report as a STIG Viewer 3 checklist.
func WriteReportCKLB(w io.Writer, r *Report) error {
	checklist, err := checklistOf(r)
	if err != nil {
		return err
	}
	return writeIndentedJSON(w, checklist)
}

// checklistOf is the report's checklist, or why it has none.
func checklistOf(r *Report) (cklbChecklist, error) {
	c := cklbOf(r)
	if len(c.Stigs) == 0 {
		return c, fmt.Errorf("profile %s has no control a pack states a requirement for (requirements.toml), so no checklist lists any: use --format json, html or junit", r.Profile)
	}
	return c, nil
}

// severityOrUnknown is a severity as STIG Viewer 3 and XCCDF write it:
// "unknown" where the standard ranks none.
func severityOrUnknown(s string) string {
	if catOf(s) == "" {
		return "unknown"
	}
	return s
}

func weightOf(r *Rule) string {
	if r.Weight == "" {
		return "10.0" // DISA's weight for every rule
	}
	return r.Weight
}

func groupTitleOf(c ControlResult) string {
	if c.Rule.GroupTitle != "" {
		return c.Rule.GroupTitle
	}
	return c.ID
}

// displayName is how STIG Viewer lists a STIG: its title and release.
func displayName(b Benchmark) string {
	return strings.TrimSpace(strings.TrimSuffix(b.Title, " Security Technical Implementation Guide") + " " + release(b))
}

// release is a STIG's "V2R9", from its version and release info.
func release(b Benchmark) string {
	n, _, _ := strings.Cut(strings.TrimPrefix(b.ReleaseInfo, "Release: "), " ")
	if b.Version == "" || n == "" || !strings.HasPrefix(b.ReleaseInfo, "Release: ") {
		return b.Version
	}
	return "V" + b.Version + "R" + n
}

// stigRefOf is how a checklist names the STIG a rule is from.
func stigRefOf(b Benchmark) string {
	return strings.TrimSpace(b.Title + " :: Version " + b.Version + ", " + b.ReleaseInfo)
}

// targetComment says where the verdicts come from, for the checklist's
// target data.
func targetComment(r *Report) string {
	parts := []string{"verified by " + verifiedBy(r) + " against profile " + r.Profile + " on " + r.Target}
	if r.Asset.OS != "" {
		parts = append(parts, "system: "+r.Asset.OS)
	}
	return strings.Join(parts, "; ")
}
