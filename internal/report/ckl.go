package report

import (
	"encoding/xml"
	"io"
	"strings"
)

// STIG Viewer 2's checklist (CKL, XML, DISA's U_Checklist_Schema_V2): the
// same checklist as the CKLB, in the element order DISA's schema fixes.

// cklStatus is a verdict in STIG Viewer 2's words.
var cklStatus = map[string]string{Pass: "NotAFinding", Fail: "Open", NotChecked: "Not_Reviewed"}

type cklChecklist struct {
	XMLName xml.Name  `xml:"CHECKLIST"`
	Asset   cklAsset  `xml:"ASSET"`
	Stigs   []cklStig `xml:"STIGS>iSTIG"`
}

type cklAsset struct {
	Role          string `xml:"ROLE"`
	AssetType     string `xml:"ASSET_TYPE"`
	HostName      string `xml:"HOST_NAME"`
	HostIP        string `xml:"HOST_IP"`
	HostMAC       string `xml:"HOST_MAC"`
	HostFQDN      string `xml:"HOST_FQDN"`
	TargetComment string `xml:"TARGET_COMMENT"`
	TechArea      string `xml:"TECH_AREA"`
	TargetKey     string `xml:"TARGET_KEY"`
	WebOrDatabase bool   `xml:"WEB_OR_DATABASE"`
	WebDBSite     string `xml:"WEB_DB_SITE"`
	WebDBInstance string `xml:"WEB_DB_INSTANCE"`
}

type cklStig struct {
	Info  []cklPair `xml:"STIG_INFO>SI_DATA"`
	Vulns []cklVuln `xml:"VULN"`
}

type cklPair struct {
	Name string `xml:"SID_NAME"`
	Data string `xml:"SID_DATA"`
}

type cklVuln struct {
	Data                  []cklAttribute `xml:"STIG_DATA"`
	Status                string         `xml:"STATUS"`
	FindingDetails        string         `xml:"FINDING_DETAILS"`
	Comments              string         `xml:"COMMENTS"`
	SeverityOverride      string         `xml:"SEVERITY_OVERRIDE"`
	SeverityJustification string         `xml:"SEVERITY_JUSTIFICATION"`
}

type cklAttribute struct {
	Attribute string `xml:"VULN_ATTRIBUTE"`
	Data      string `xml:"ATTRIBUTE_DATA"`
}

// WriteReportCKL writes verify's report as a STIG Viewer 2 checklist.
func WriteReportCKL(w io.Writer, r *Report) error {
	b, err := checklistOf(r) // one checklist, two spellings
	if err != nil {
		return err
	}
	t := b.TargetData
	out := cklChecklist{Asset: cklAsset{Role: t.Role, AssetType: t.TargetType, HostName: t.HostName, HostIP: t.IPAddress, HostMAC: t.MACAddress,
		HostFQDN: t.FQDN, TargetComment: t.Comments, TechArea: t.TechnologyArea}}
	for _, s := range b.Stigs {
		stig := cklStig{Info: []cklPair{
			{"version", s.Version}, {"classification", "UNCLASSIFIED"}, {"customname", ""}, {"stigid", s.StigID},
			{"description", ""}, {"filename", s.StigID + ".xml"}, {"releaseinfo", s.ReleaseInfo}, {"title", s.StigName},
			{"uuid", s.UUID}, {"notice", "terms-of-use"}, {"source", ""},
		}}
		for _, rule := range s.Rules {
			v := cklVuln{Status: cklStatusOf(rule.Status), FindingDetails: rule.FindingDetails, Comments: rule.Comments}
			add := func(name, data string) { v.Data = append(v.Data, cklAttribute{name, data}) }
			add("Vuln_Num", rule.GroupID)
			add("Severity", rule.Severity)
			add("Group_Title", rule.GroupTitle)
			add("Rule_ID", rule.RuleIDSrc)
			add("Rule_Ver", rule.RuleVersion)
			add("Rule_Title", rule.RuleTitle)
			add("Vuln_Discuss", rule.Discussion)
			add("IA_Controls", "")
			add("Check_Content", rule.CheckContent)
			add("Fix_Text", rule.FixText)
			add("False_Positives", "")
			add("False_Negatives", "")
			add("Documentable", rule.Documentable)
			add("Mitigations", "")
			add("Potential_Impact", "")
			add("Third_Party_Tools", "")
			add("Mitigation_Control", "")
			add("Responsibility", "")
			add("Security_Override_Guidance", "")
			add("Check_Content_Ref", rule.CheckContentRef.Name)
			add("Weight", rule.Weight)
			add("Class", "Unclass")
			add("STIGRef", *rule.StigRef)
			add("TargetKey", "")
			add("STIG_UUID", s.UUID)
			for _, cci := range rule.CCIs {
				add("CCI_REF", cci)
			}
			stig.Vulns = append(stig.Vulns, v)
		}
		out.Stigs = append(out.Stigs, stig)
	}
	if _, err := io.WriteString(w, xml.Header+"<!--"+strings.ReplaceAll(verifiedBy(r), "--", "- -")+"-->\n"); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "\t")
	if err := enc.Encode(out); err != nil {
		return err
	}
	_, err = io.WriteString(w, "\n")
	return err
}

// cklStatusOf spells a CKLB status as a CKL does.
func cklStatusOf(cklb string) string {
	for verdict, s := range cklbStatus {
		if s == cklb {
			return cklStatus[verdict]
		}
	}
	return "Not_Reviewed"
}
