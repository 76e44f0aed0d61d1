package lint

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/auditpack/auditpack/compile"
	"github.com/auditpack/auditpack/internal/report"
	"github.com/auditpack/auditpack/internal/testenv"
	"github.com/auditpack/auditpack/profiles"
)

// sarifValidator finds Microsoft's SARIF Multitool: $SARIF_MULTITOOL, or
// on PATH. .ci/run installs it from the npm registry.
func sarifValidator(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("SARIF_MULTITOOL"); p != "" {
		return p
	}
	return testenv.Tool(t, "sarif-multitool", "npm install @microsoft/sarif-multitool, or set SARIF_MULTITOOL; .ci/run does")
}

// TestSARIFValidates runs the SARIF Multitool's validator on lint's SARIF
// for findings across packs, and on the log of a run that could not check
// anything: it must report nothing at all.
func TestSARIFValidates(t *testing.T) {
	tool := sarifValidator(t)
	sel, err := profiles.Select(profiles.Request{Paths: []string{"../testdata/inputs/lint-demo/site", "../testdata/inputs/lint-demo/stig", "testdata/ORD-NEVER-SHADOWS-ALWAYS"}})
	if err != nil {
		t.Fatal(err)
	}
	res, err := Run(compile.Build(sel), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Diagnostics) < 3 {
		t.Errorf("only %d diagnostics; the SARIF should hold findings", len(res.Diagnostics))
	}
	validateSARIF(t, tool, &res.Findings)
	validateSARIF(t, tool, &report.Findings{Error: "rules.d: no such file or directory"})
}

func validateSARIF(t *testing.T, tool string, findings *report.Findings) {
	t.Helper()
	dir := t.TempDir()
	in, out := filepath.Join(dir, "lint.sarif"), filepath.Join(dir, "validation.sarif")
	f, err := os.Create(in)
	if err != nil {
		t.Fatal(err)
	}
	if err := report.WriteSARIF(f, findings, "0.1.0"); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if msg, err := exec.Command(tool, "validate", in, "-o", out).CombinedOutput(); err != nil {
		t.Fatalf("sarif-multitool: %v\n%s", err, msg)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var log struct {
		Runs []struct {
			Results []struct {
				RuleID  string `json:"ruleId"`
				Message struct {
					Text      string   `json:"text"`
					Arguments []string `json:"arguments"`
				} `json:"message"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(data, &log); err != nil {
		t.Fatal(err)
	}
	if len(log.Runs) == 0 {
		t.Fatal("the validator wrote no run")
	}
	for _, r := range log.Runs[0].Results {
		t.Errorf("SARIF validator: %s %s %v", r.RuleID, r.Message.Text, r.Message.Arguments)
	}
}
