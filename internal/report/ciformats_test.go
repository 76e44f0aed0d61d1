package report

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/auditpack/auditpack/internal/jsonschema"
	"github.com/auditpack/auditpack/internal/testenv"
	"github.com/auditpack/auditpack/packs/model"
)

// ciFindings are findings with what the CI formats must take care of:
// a pack's finding the user's file causes, a whole-file finding, a
// column, characters JSON and XML escape, and enough findings (3,000)
// that they are rendered in pieces on several cores.
func ciFindings() *Findings {
	user := model.Origin{File: "rules.d/20-site.rules", Line: 3, Col: 12}
	pack := model.Origin{Pack: "stig-rhel9@2.9.0", File: "30-stig.rules", Line: 9}
	f := &Findings{Diagnostics: []Diagnostic{
		{Check: "ORD-NEVER-SHADOWS-ALWAYS", Severity: Error, Origin: pack, Related: []model.Origin{user}, Message: `shadowed by "never" <rule> & more`, Fingerprint: Fingerprint{1}},
		{Check: "PACK-FILE-SYMLINK", Severity: Info, Origin: model.Origin{File: "rules.d/10-link.rules"}, Message: "a link\tto\x01 \xff", Fingerprint: Fingerprint{2}},
		{Check: "ORD-KEY-SHADOW", Severity: Warning, Origin: pack, Message: "only the pack", Fingerprint: Fingerprint{3}},
	}}
	for i := range 3000 {
		f.Diagnostics = append(f.Diagnostics, Diagnostic{Check: "ARCH-COVERAGE-GAP", Severity: Warning,
			Origin: model.Origin{File: []string{"rules.d/40-a.rules", "rules.d/50-b.rules"}[i/1500], Line: i + 1}, Message: "no b32 twin", Fingerprint: Fingerprint{4, byte(i), byte(i >> 8)}})
	}
	return f
}

type gitlabIssue struct {
	Description string `json:"description"`
	CheckName   string `json:"check_name"`
	Fingerprint string `json:"fingerprint"`
	Severity    string `json:"severity"`
	Location    struct {
		Path  string `json:"path"`
		Lines struct {
			Begin int `json:"begin"`
		} `json:"lines"`
	} `json:"location"`
}

// The GitLab report holds to GitLab's own schema, issue by issue (GitLab
// stops reading a report at the first issue that breaks it), and to
// docs/schema/lint-gitlab.schema.json; every finding is an issue with its
// own fingerprint, on the user's file where it has one.
func TestGitLabReport(t *testing.T) {
	f := ciFindings()
	var out bytes.Buffer
	if err := WriteGitLab(&out, f, "test"); err != nil {
		t.Fatal(err)
	}
	checkGitLabSchemas(t, out.Bytes())
	var issues []gitlabIssue
	if err := json.Unmarshal(out.Bytes(), &issues); err != nil {
		t.Fatal(err)
	}
	if len(issues) != len(f.Diagnostics) {
		t.Fatalf("%d issues for %d findings", len(issues), len(f.Diagnostics))
	}
	seen := map[string]bool{}
	for i, is := range issues {
		d := f.Diagnostics[i]
		if is.Fingerprint != d.Fingerprint.String() || seen[is.Fingerprint] {
			t.Errorf("issue %d: fingerprint %q, want %s, once", i, is.Fingerprint, d.Fingerprint)
		}
		seen[is.Fingerprint] = true
		if is.CheckName != d.Check || is.Severity != gitlabSeverities[d.Severity] || is.Location.Lines.Begin < 1 {
			t.Errorf("issue %d: %+v for %+v", i, is, d)
		}
	}
	want := []struct {
		path, severity, description string
		line                        int
	}{
		{"rules.d/20-site.rules", "major", `shadowed by "never" <rule> & more (stig-rhel9@2.9.0)`, 3},
		{"rules.d/10-link.rules", "info", "a link\tto\x01 \uFFFD", 1},
		{"stig-rhel9@2.9.0/30-stig.rules", "minor", "only the pack (stig-rhel9@2.9.0)", 9},
	}
	for i, w := range want {
		if is := issues[i]; is.Location.Path != w.path || is.Severity != w.severity || is.Description != w.description || is.Location.Lines.Begin != w.line {
			t.Errorf("issue %d: %+v\nwant %+v", i, is, w)
		}
	}
	// The hand-written JSON is what encoding/json writes.
	var indented bytes.Buffer
	if err := json.Indent(&indented, out.Bytes(), "", "  "); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(bytes.TrimSpace(indented.Bytes()), bytes.TrimSpace(out.Bytes())) {
		t.Error("the report is not indented as encoding/json indents it")
	}
}

// A run that could not check the rules is one blocker issue saying why;
// one that found nothing is an empty array.
func TestGitLabErrorAndEmpty(t *testing.T) {
	var out bytes.Buffer
	if err := WriteGitLab(&out, &Findings{Error: "no *.rules files in rules.d"}, "test"); err != nil {
		t.Fatal(err)
	}
	checkGitLabSchemas(t, out.Bytes())
	var issues []gitlabIssue
	if err := json.Unmarshal(out.Bytes(), &issues); err != nil || len(issues) != 1 || issues[0].Severity != "blocker" ||
		!strings.Contains(issues[0].Description, "no *.rules files in rules.d") || len(issues[0].Fingerprint) != 32 {
		t.Errorf("error report %s (%v)", out.Bytes(), err)
	}
	var other bytes.Buffer
	if err := WriteGitLab(&other, &Findings{Error: "another reason"}, "test"); err != nil {
		t.Fatal(err)
	}
	var others []gitlabIssue
	if err := json.Unmarshal(other.Bytes(), &others); err != nil || others[0].Fingerprint != issues[0].Fingerprint {
		t.Errorf("two failed runs have fingerprints %s and %s; want one, so GitLab shows a failure once (%v)", issues[0].Fingerprint, others[0].Fingerprint, err)
	}
	out.Reset()
	if err := WriteGitLab(&out, &Findings{}, "test"); err != nil || out.String() != "[]\n" {
		t.Errorf("empty report %q (%v)", out.String(), err)
	}
}

// checkGitLabSchemas holds a report to GitLab's schema of an issue and to
// auditpack's of the report.
func checkGitLabSchemas(t *testing.T, report []byte) {
	t.Helper()
	gitlab, err := os.ReadFile("testdata/published/gitlab-codeclimate.json")
	if err != nil {
		t.Fatal(err)
	}
	ours, err := os.ReadFile("../../docs/schema/lint-gitlab.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	problems, err := jsonschema.Validate(ours, report)
	if err != nil {
		t.Fatal(err)
	}
	var issues []json.RawMessage
	if err := json.Unmarshal(report, &issues); err != nil {
		t.Fatal(err)
	}
	for _, is := range issues {
		p, err := jsonschema.Validate(gitlab, is)
		if err != nil {
			t.Fatal(err)
		}
		problems = append(problems, p...)
	}
	for _, p := range problems {
		t.Error(p)
	}
}

type checkstyleDoc struct {
	XMLName xml.Name `xml:"checkstyle"`
	Version string   `xml:"version,attr"`
	Files   []struct {
		Name   string `xml:"name,attr"`
		Errors []struct {
			Line     int    `xml:"line,attr"`
			Column   int    `xml:"column,attr"`
			Severity string `xml:"severity,attr"`
			Message  string `xml:"message,attr"`
			Source   string `xml:"source,attr"`
		} `xml:"error"`
	} `xml:"file"`
}

// The checkstyle report reads back with encoding/xml into the findings,
// grouped by file in order, each with the source warnings-ng splits into
// category and type.
func TestCheckstyleReadsBack(t *testing.T) {
	f := ciFindings()
	var out bytes.Buffer
	if err := WriteCheckstyle(&out, f, "test"); err != nil {
		t.Fatal(err)
	}
	var doc checkstyleDoc
	if err := xml.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatalf("%v\n%.2000s", err, out.Bytes())
	}
	var names []string
	n := 0
	for _, file := range doc.Files {
		names = append(names, file.Name)
		for _, e := range file.Errors {
			d := f.Diagnostics[n]
			family, _, _ := strings.Cut(d.Check, "-")
			if e.Source != "auditpack."+family+"."+d.Check || e.Severity != d.Severity.String() || !strings.HasPrefix(e.Message, strings.ToValidUTF8(d.Message[:5], "\uFFFD")) {
				t.Errorf("error %d: %+v for %+v", n, e, d)
			}
			n++
		}
	}
	if n != len(f.Diagnostics) {
		t.Fatalf("%d errors for %d findings", n, len(f.Diagnostics))
	}
	if want := []string{"rules.d/20-site.rules", "rules.d/10-link.rules", "stig-rhel9@2.9.0/30-stig.rules", "rules.d/40-a.rules", "rules.d/50-b.rules"}; strings.Join(names, " ") != strings.Join(want, " ") {
		t.Errorf("files %v, want %v", names, want)
	}
	first := doc.Files[0].Errors[0]
	if first.Line != 3 || first.Column != 12 || first.Message != `shadowed by "never" <rule> & more (stig-rhel9@2.9.0)` {
		t.Errorf("first error %+v", first)
	}
	if whole := doc.Files[1].Errors[0]; whole.Line != 0 || whole.Column != 0 {
		t.Errorf("a whole file's finding has line %d, column %d; want neither", whole.Line, whole.Column)
	}
}

// The checkstyle reports (of findings, of none, of a run that could not
// check the rules) hold to checkstyle's published XML Schema, as the
// JDK's validator reads it; a report that breaks it is refused, so the
// validator does validate.
func TestCheckstyleSchema(t *testing.T) {
	java := testenv.Tool(t, "java", "apt-get install -y default-jdk-headless")
	dir := t.TempDir()
	var docs []string
	for name, f := range map[string]*Findings{"findings": ciFindings(), "none": {}, "error": {Error: `no "rules" <here>`}} {
		var out bytes.Buffer
		if err := WriteCheckstyle(&out, f, "test"); err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, name+".xml")
		if err := os.WriteFile(p, out.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		docs = append(docs, p)
	}
	validate := func(docs ...string) ([]byte, error) {
		cmd := exec.Command(java, append([]string{"-XX:-UsePerfData", "-Djava.io.tmpdir=" + dir, "testdata/published/XSDValidate.java",
			"testdata/published/checkstyle-report-1.0.0.xsd"}, docs...)...)
		cmd.Env = append(os.Environ(), "HOME="+dir)
		return cmd.CombinedOutput()
	}
	if msg, err := validate(docs...); err != nil {
		t.Errorf("checkstyle's schema refuses the reports: %v\n%s", err, msg)
	}
	bad := filepath.Join(dir, "bad.xml")
	if err := os.WriteFile(bad, []byte(`<checkstyle><file name="x"><error line="0" severity="fatal"/></file></checkstyle>`), 0o644); err != nil {
		t.Fatal(err)
	}
	if msg, err := validate(bad); err == nil || !strings.Contains(string(msg), "bad.xml:1:") {
		t.Errorf("the validator accepts line 0 and severity fatal: %v\n%s", err, msg)
	}
}

// Colour goes to the severity and the check ID only; WriteText writes
// none.
func TestTextColor(t *testing.T) {
	f := &Findings{Diagnostics: []Diagnostic{{Check: "ORD-KEY-SHADOW", Severity: Warning, Origin: model.Origin{File: "a.rules", Line: 2}, Message: "shadowed"}}, Files: 1, Rules: 2}
	var plain, colored bytes.Buffer
	if err := WriteText(&plain, f, "test"); err != nil {
		t.Fatal(err)
	}
	if err := WriteTextColor(&colored, f, "test"); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(plain.String(), "\x1b") {
		t.Errorf("WriteText colours: %q", plain.String())
	}
	want := "a.rules:2: \x1b[1;33mwarning\x1b[0m: shadowed [\x1b[2mORD-KEY-SHADOW\x1b[0m]\n0 errors, 1 warning, 0 info in 2 rules of 1 file\n"
	if colored.String() != want {
		t.Errorf("WriteTextColor:\n%q\nwant\n%q", colored.String(), want)
	}
}

// The JSON report says what the configuration and baseline did, when
// they did something.
func TestJSONSettings(t *testing.T) {
	ignored, hidden, fixed := 2, 5, 1
	f := &Findings{Settings: &Settings{Config: "/repo/.auditpack.toml", Disabled: []string{"ARCH-COVERAGE-GAP"}, Ignored: &ignored,
		Baseline: "b.json", Baselined: &hidden, Fixed: &fixed}}
	var out bytes.Buffer
	if err := WriteJSON(&out, f, "test"); err != nil {
		t.Fatal(err)
	}
	schema, err := os.ReadFile("../../docs/schema/lint.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	if problems, err := jsonschema.Validate(schema, out.Bytes()); err != nil || len(problems) > 0 {
		t.Errorf("%v %v", problems, err)
	}
	var doc struct{ Settings map[string]any }
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Settings["config"] != "/repo/.auditpack.toml" || doc.Settings["baselined"] != 5.0 || doc.Settings["fixed"] != 1.0 || doc.Settings["ignored"] != 2.0 {
		t.Errorf("settings %v", doc.Settings)
	}
}
