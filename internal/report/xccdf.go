package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"regexp"
	"strings"
)

// XCCDF 1.2 results as oscap xccdf eval --results writes them: the
// Benchmark (one per report: its first benchmark with controls; DISA's
// identifiers where the pack has them) with a TestResult inside that holds
// a rule-result per requirement, the target's facts and the score.

const (
	xccdfNS = "http://checklists.nist.gov/xccdf/1.2"
	// CCIs are idents of this system, as in DISA's SCAP benchmarks.
	cciSystem = "http://cyber.mil/cci"
	// scoringModel is the XCCDF scoring model auditpack reports, OpenSCAP's
	// default.
	scoringModel = "urn:xccdf:scoring:default"
)

// xccdfStatus is a verdict as an XCCDF rule-result says it.
var xccdfStatus = map[string]string{Pass: "pass", Fail: "fail", NotChecked: "notchecked"}

type xccdfBenchmark struct {
	XMLName     xml.Name      `xml:"Benchmark"`
	NS          string        `xml:"xmlns,attr"`
	ID          string        `xml:"id,attr"`
	Resolved    string        `xml:"resolved,attr"`
	Style       string        `xml:"style,attr"`
	Status      xccdfStatusEl `xml:"status"`
	Title       string        `xml:"title"`
	Description string        `xml:"description"`
	Notice      xccdfNotice   `xml:"notice"`
	PlainText   xccdfNotice   `xml:"plain-text"`
	Version     string        `xml:"version"`
	Metadata    xccdfMetadata `xml:"metadata"`
	Groups      []xccdfGroup  `xml:"Group"`
	TestResult  xccdfTestResult
}

// xccdfMetadata names who made the benchmark, in Dublin Core terms.
type xccdfMetadata struct {
	Publisher xccdfDC `xml:"dc:publisher"`
	Source    xccdfDC `xml:"dc:source"`
}

type xccdfDC struct {
	NS    string `xml:"xmlns:dc,attr"`
	Value string `xml:",chardata"`
}

type xccdfStatusEl struct {
	Date  string `xml:"date,attr,omitempty"`
	Value string `xml:",chardata"`
}

type xccdfNotice struct {
	ID    string `xml:"id,attr"`
	Value string `xml:",chardata"`
}

type xccdfGroup struct {
	ID          string    `xml:"id,attr"`
	Title       string    `xml:"title"`
	Description string    `xml:"description"`
	Rule        xccdfRule `xml:"Rule"`
}

type xccdfRule struct {
	ID          string         `xml:"id,attr"`
	Weight      string         `xml:"weight,attr"`
	Severity    string         `xml:"severity,attr"`
	Version     string         `xml:"version"`
	Title       string         `xml:"title"`
	Description string         `xml:"description"`
	Idents      []xccdfIdent   `xml:"ident"`
	FixText     *xccdfFixText  `xml:"fixtext"`
	Fix         *xccdfFix      `xml:"fix"`
	Check       xccdfRuleCheck `xml:"check"`
}

type xccdfIdent struct {
	System string `xml:"system,attr"`
	Value  string `xml:",chardata"`
}

type xccdfFixText struct {
	FixRef string `xml:"fixref,attr,omitempty"`
	Value  string `xml:",chardata"`
}

type xccdfFix struct {
	ID string `xml:"id,attr"`
}

type xccdfRuleCheck struct {
	System  string `xml:"system,attr"`
	Content string `xml:"check-content"`
}

type xccdfTestResult struct {
	XMLName   xml.Name          `xml:"TestResult"`
	ID        string            `xml:"id,attr"`
	StartTime string            `xml:"start-time,attr,omitempty"`
	EndTime   string            `xml:"end-time,attr"`
	Version   string            `xml:"version,attr"`
	System    string            `xml:"test-system,attr"`
	Benchmark xccdfBenchmarkRef `xml:"benchmark"`
	Title     string            `xml:"title"`
	Target    string            `xml:"target"`
	Addresses []string          `xml:"target-address"`
	Facts     []xccdfFact       `xml:"target-facts>fact"`
	Results   []xccdfRuleResult `xml:"rule-result"`
	Score     xccdfScore        `xml:"score"`
}

type xccdfBenchmarkRef struct {
	Href string `xml:"href,attr"`
	ID   string `xml:"id,attr"`
}

type xccdfFact struct {
	Name  string `xml:"name,attr"`
	Type  string `xml:"type,attr"`
	Value string `xml:",chardata"`
}

type xccdfRuleResult struct {
	IDRef    string        `xml:"idref,attr"`
	Role     string        `xml:"role,attr"`
	Time     string        `xml:"time,attr,omitempty"`
	Severity string        `xml:"severity,attr"`
	Weight   string        `xml:"weight,attr"`
	Version  string        `xml:"version,attr"`
	Result   string        `xml:"result"`
	Idents   []xccdfIdent  `xml:"ident"`
	Message  xccdfMessage  `xml:"message"`
	Check    xccdfCheckRef `xml:"check"`
}

// xccdfCheckRef links a result to what verify checked: the requirement
// (its STIG ID) in the target.
type xccdfCheckRef struct {
	System string `xml:"system,attr"`
	Ref    struct {
		Href string `xml:"href,attr"`
		Name string `xml:"name,attr"`
	} `xml:"check-content-ref"`
}

type xccdfMessage struct {
	Severity string `xml:"severity,attr"`
	Value    string `xml:",chardata"`
}

// notNCName matches the characters the part of an XCCDF 1.2 ID after its
// kind (an NCName) cannot hold.
var notNCName = regexp.MustCompile(`[^A-Za-z0-9._-]`)

// xccdfIDs are the reverse-DNS namespace and the benchmark's name in its
// IDs: DISA's for a STIG, as its SCAP benchmarks spell them (so STIG
// Manager and the like import the result against the STIG), auditpack's
// for other standards.
func xccdfIDs(b Benchmark) (namespace, name string) {
	if strings.HasSuffix(b.ID, "_STIG") {
		return "mil.disa.stig", b.ID
	}
	return "org.auditpack", notNCName.ReplaceAllString(b.ID, "_")
}

// WriteReportXCCDF writes verify's report as XCCDF 1.2 results: the first
// benchmark the profile's packs state requirements from, with its result.
func WriteReportXCCDF(w io.Writer, r *Report) error {
	benchmarks, byBenchmark := checklistBenchmarks(r)
	if len(benchmarks) == 0 {
		_, err := checklistOf(r)
		return err
	}
	b := benchmarks[0]
	ns, name := xccdfIDs(b)
	id := func(kind, s string) string {
		return "xccdf_" + ns + "_" + kind + "_" + notNCName.ReplaceAllString(s, "_")
	}
	date, _, _ := strings.Cut(r.Generated, "T")
	out := xccdfBenchmark{NS: xccdfNS, ID: id("benchmark", name), Resolved: "1", Style: "SCAP_1.2",
		Status: xccdfStatusEl{Date: date, Value: "accepted"}, Title: b.Title, Description: b.Standard + ", from the auditpack pack " + b.Pack,
		Notice: xccdfNotice{ID: "terms-of-use"}, PlainText: xccdfNotice{ID: "release-info", Value: b.ReleaseInfo}, Version: b.Version}
	if out.Version == "" {
		out.Version = "1"
	}
	const dc = "http://purl.org/dc/elements/1.1/"
	out.Metadata = xccdfMetadata{Publisher: xccdfDC{dc, "auditpack"}, Source: xccdfDC{dc, b.Pack}}
	controls := byBenchmark[b.ID]
	tr := xccdfTestResult{ID: id("testresult", r.Profile), StartTime: r.Generated, EndTime: r.Generated, Version: out.Version,
		System: "cpe:/a:auditpack:auditpack:" + strings.TrimPrefix(r.Tool, "auditpack "), Benchmark: xccdfBenchmarkRef{Href: "#" + out.ID, ID: out.ID},
		Title: "auditpack verify --profile " + r.Profile + " on " + r.Target, Target: r.Asset.HostName, Addresses: r.Asset.IPs}
	if tr.Target == "" {
		tr.Target = r.Target // a target is required: the rules file when no host is named
	}
	if tr.EndTime == "" {
		return fmt.Errorf("an XCCDF result needs the time verify ran")
	}
	fact := func(name, value string) {
		if value != "" {
			tr.Facts = append(tr.Facts, xccdfFact{Name: name, Type: "string", Value: value})
		}
	}
	fact("urn:xccdf:fact:scanner:name", "auditpack")
	fact("urn:xccdf:fact:scanner:version", strings.TrimPrefix(r.Tool, "auditpack "))
	fact("urn:xccdf:fact:asset:identifier:host_name", r.Asset.HostName)
	fact("urn:xccdf:fact:asset:identifier:fqdn", r.Asset.FQDN)
	for _, ip := range r.Asset.IPs {
		if strings.Contains(ip, ":") {
			fact("urn:xccdf:fact:asset:identifier:ipv6", ip)
		} else {
			fact("urn:xccdf:fact:asset:identifier:ipv4", ip)
		}
	}
	for _, mac := range r.Asset.MACs {
		fact("urn:xccdf:fact:ethernet:MAC", mac)
	}
	fact("urn:xccdf:fact:asset:identifier:os", r.Asset.OS)
	for _, c := range controls {
		rule := c.Rule
		ruleID := id("rule", ruleIDOf(c))
		x := xccdfRule{ID: ruleID, Weight: weightOf(rule), Severity: severityOrUnknown(rule.Severity), Version: c.ID, Title: c.Title, Description: rule.Discussion,
			Check: xccdfRuleCheck{System: "urn:auditpack:verify", Content: rule.Check}}
		for _, cci := range rule.CCIs {
			x.Idents = append(x.Idents, xccdfIdent{cciSystem, cci})
		}
		if rule.Fix != "" {
			x.FixText = &xccdfFixText{FixRef: rule.FixID, Value: rule.Fix}
			if rule.FixID != "" {
				x.Fix = &xccdfFix{ID: rule.FixID}
			}
		}
		out.Groups = append(out.Groups, xccdfGroup{ID: id("group", vulnOf(c)), Title: groupTitleOf(c), Description: "<GroupDescription></GroupDescription>", Rule: x})
		res := xccdfRuleResult{IDRef: ruleID, Role: "full", Time: r.Generated, Severity: x.Severity, Weight: x.Weight, Version: c.ID,
			Result: xccdfStatus[c.Status], Idents: x.Idents, Message: xccdfMessage{Severity: "info", Value: findingDetails(r, c)}, Check: xccdfCheckRef{System: x.Check.System}}
		res.Check.Ref.Href, res.Check.Ref.Name = r.Target, c.ID
		tr.Results = append(tr.Results, res)
	}
	score, _ := openSCAPScore(controls)
	tr.Score = xccdfScore{System: scoringModel, Maximum: "100.000000", Value: fmt.Sprintf("%f", score)}
	out.TestResult = tr
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

type xccdfScore struct {
	System  string `xml:"system,attr"`
	Maximum string `xml:"maximum,attr"`
	Value   string `xml:",chardata"`
}
