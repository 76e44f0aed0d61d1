package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/auditpack/auditpack/packs/model"
)

func TestSARIFLocations(t *testing.T) {
	user := model.Origin{File: "sp ace/10-x y#1.rules", Line: 3}
	abs := model.Origin{File: "/etc/audit/rules.d/20 site.rules", Line: 2}
	pack := model.Origin{Pack: "stig@2.2.0", File: "30-stig-rhel9.rules", Line: 9}
	findings := &Findings{Checks: []Check{{ID: "ORD-NEVER-SHADOWS-ALWAYS", Severity: Error}}, Diagnostics: []Diagnostic{
		{Check: "ORD-NEVER-SHADOWS-ALWAYS", Severity: Error, Origin: pack, Related: []model.Origin{user}, Message: "shadowed"},
		{Check: "ORD-NEVER-SHADOWS-ALWAYS", Severity: Error, Origin: abs, Message: "x"},
		{Check: "ORD-NEVER-SHADOWS-ALWAYS", Severity: Error, Origin: pack, Message: "only the pack"},
	}}
	var out bytes.Buffer
	if err := WriteSARIF(&out, findings, "test"); err != nil {
		t.Fatal(err)
	}
	var log sarifLog
	if err := json.Unmarshal(out.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	results := log.Runs[0].Results
	where := func(l sarifLocation) sarifArtifact { return l.PhysicalLocation.ArtifactLocation }
	// The user's file caused the pack's finding: the finding is there.
	if got := where(results[0].Locations[0]); got != (sarifArtifact{URI: "sp%20ace/10-x%20y%231.rules", URIBaseID: "%SRCROOT%"}) {
		t.Errorf("a finding the user's file causes is located at %+v", got)
	}
	if len(results[0].RelatedLocations) != 1 || where(results[0].RelatedLocations[0]).URI != "auditpack:stig@2.2.0/30-stig-rhel9.rules" {
		t.Errorf("related %+v, want the pack's line", results[0].RelatedLocations)
	}
	if got := where(results[1].Locations[0]); got != (sarifArtifact{URI: "file:///etc/audit/rules.d/20%20site.rules"}) {
		t.Errorf("an absolute path is %+v", got)
	}
	if got := where(results[2].Locations[0]).URI; got != "auditpack:stig@2.2.0/30-stig-rhel9.rules" {
		t.Errorf("a finding only the pack has is at %q", got)
	}
}

// Every string from the rules is escaped in the HTML reports.
func TestHTMLEscapes(t *testing.T) {
	evil := `<script>alert("x")</script>`
	var out bytes.Buffer
	f := &Findings{Checks: []Check{{ID: "SYN-PARSE-ERROR", Severity: Error, Doc: evil}}, Diagnostics: []Diagnostic{
		{Check: "SYN-PARSE-ERROR", Severity: Error, Origin: model.Origin{File: evil, Line: 1}, Message: evil, Context: []ContextLine{{Line: 1, Text: evil, Here: true}}}}}
	if err := WriteHTML(&out, f, "test"); err != nil {
		t.Fatal(err)
	}
	r := &Report{Profile: evil, Target: evil, Results: []ControlResult{{ID: "C-1", Title: evil, Status: Fail, Missing: []string{evil}, Notes: []string{evil}}}}
	if err := WriteReportHTML(&out, r); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), "<script>alert") || !strings.Contains(out.String(), "&lt;script&gt;alert") {
		t.Error("a string from the rules reaches the HTML unescaped")
	}
}

// The HTML report lists up to HTMLFindingsPerFile findings of a file and
// says how many more there are; the counts by check keep them all.
func TestHTMLListsAFilesFirstFindings(t *testing.T) {
	f := &Findings{Checks: []Check{{ID: "ORD-KEY-SHADOW", Severity: Warning}}}
	for _, file := range []struct {
		name     string
		findings int
	}{{"big.rules", HTMLFindingsPerFile + 500}, {"small.rules", 3}} {
		for i := range file.findings {
			f.Diagnostics = append(f.Diagnostics, Diagnostic{Check: "ORD-KEY-SHADOW", Severity: Warning,
				Origin: model.Origin{File: file.name, Line: i + 1}, Message: fmt.Sprintf("finding %d of %s", i+1, file.name)})
		}
	}
	var out bytes.Buffer
	if err := WriteHTML(&out, f, "test"); err != nil {
		t.Fatal(err)
	}
	html := out.String()
	listed := strings.Count(html, `<tr data-status="warning">`)
	if want := HTMLFindingsPerFile + 3; listed != want {
		t.Errorf("%d findings listed, want %d (a file's first %d, and the small file's 3)", listed, want, HTMLFindingsPerFile)
	}
	for _, want := range []string{
		fmt.Sprintf("finding %d of big.rules", HTMLFindingsPerFile), "finding 3 of small.rules",
		"and 500 more findings in this file, not listed here",
		fmt.Sprintf(`<span id="shown">%d</span>`, HTMLFindingsPerFile+3),
		fmt.Sprintf(`<td>%d</td>`, HTMLFindingsPerFile+503), // the count by check
	} {
		if !strings.Contains(html, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
	if strings.Contains(html, fmt.Sprintf("finding %d of big.rules ", HTMLFindingsPerFile+1)) {
		t.Error("a finding past the limit is listed")
	}
}
