package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// extractRoot is a repository root for extract to write into.
func extractRoot(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, "go.mod"), []byte("module example.test\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return root
}

// extract keeps the Groups whose check text states audit content, with
// every field the generator reads, and records the manual's name and
// sha256; the data file it writes reads back to the same records.
func TestExtractManual(t *testing.T) {
	root := extractRoot(t)
	var stdout, stderr bytes.Buffer
	args := []string{"extract", "-root", root, "-product", "rhel9", "-release", "V9R1", filepath.Join("testdata", "extract", "manual.xml")}
	if code := command(args, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if want := "wrote " + filepath.Join(dataDir, "rhel9-V9R1.toml") + " (2 groups that state audit content)\n"; stdout.String() != want {
		t.Errorf("stdout %q, want %q", stdout.String(), want)
	}
	m, err := readManualData(root, "rhel9", "V9R1")
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join("testdata", "extract", "manual.xml"))
	if err != nil {
		t.Fatal(err)
	}
	want := &manual{
		Product: "rhel9", Release: "V9R1", File: "manual.xml", SHA256: sha256Hex(raw),
		ID: "RHEL_9_STIG", Title: "Red Hat Enterprise Linux 9 Security Technical Implementation Guide",
		Version: "9", ReleaseInfo: "Release: 1 Benchmark Date: 01 Jan 2001",
		Rules: []*manualRule{{
			Vuln: "V-900001", GroupTitle: "SRG-OS-000001-GPOS-00001", RuleID: "SV-900001r1_rule", Severity: "medium", Weight: "10.0",
			StigID: "RHEL-09-990010", Title: "The test system must audit changes to /etc/example.",
			Discussion: "Changes to the example file are worth a record.\n\nSatisfies: SRG-OS-000001-GPOS-00001, SRG-OS-000002-GPOS-00002",
			CCIs:       []string{"CCI-000001", "CCI-000002"},
			Check: "Verify the example file is watched:\n\n$ sudo auditctl -l | grep /etc/example\n-w /etc/example -p wa -k example\n\n" +
				"If the command does not return a line, this is a finding.",
			Fix:   "Add the following line to \"/etc/audit/rules.d/audit.rules\":\n\n-w /etc/example -p wa -k example\n\nThen load it:\n\n$ sudo augenrules --load",
			FixID: "F-900001r1_fix",
		}, {
			Vuln: "V-900002", GroupTitle: "SRG-OS-000003-GPOS-00003", RuleID: "SV-900002r2_rule", Severity: "high", Weight: "10.0",
			StigID: "RHEL-09-990020", Title: "The test system must halt when the audit disk is full.",
			Discussion: "A full disk loses records.",
			CCIs:       []string{"CCI-000003"},
			Check: "$ sudo grep disk_full_action /etc/audit/auditd.conf\n\ndisk_full_action = HALT\n\n" +
				"If the value of the \"disk_full_action\" option is not \"SYSLOG\", \"SINGLE\", or \"HALT\", this is a finding.",
			Fix:   "Set \"disk_full_action = HALT\" in \"/etc/audit/auditd.conf\".",
			FixID: "F-900002r2_fix",
		}},
	}
	if !reflect.DeepEqual(m, want) {
		t.Errorf("extracted\n%s\nwant\n%s", encodeManual(m), encodeManual(want))
	}
}

// extract keeps every control of a control file with its ID, title (as
// YAML folds it), first level and rules.
func TestExtractControls(t *testing.T) {
	root := extractRoot(t)
	file := filepath.Join("testdata", "extract", "controls.yml")
	var stdout, stderr bytes.Buffer
	if code := command([]string{"extract", "-root", root, "-product", "ubuntu2404", "-release", "V9R1", file}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	c, err := readControlsData(root, "ubuntu2404", "V9R1")
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	want := &controls{
		Product: "ubuntu2404", Release: "V9R1", File: "controls.yml", SHA256: sha256Hex(raw),
		Policy: "Canonical Ubuntu 24.04 LTS Security Technical Implementation Guide (STIG)",
		Controls: []*control{
			{ID: "UBTU-24-990010", Title: "Ubuntu 24.04 LTS must audit changes to /etc/example.", Severity: "medium",
				Rules: []string{"audit_rules_example_watch", "audit_rules_example_key"}},
			{ID: "UBTU-24-990020", Title: "Ubuntu 24.04 LTS must have the example package installed.", Severity: "low",
				Rules: []string{"package_example_installed"}},
			{ID: "UBTU-24-990030", Title: "Ubuntu 24.04 LTS must be reviewed by hand."},
		},
	}
	if !reflect.DeepEqual(c, want) {
		t.Errorf("extracted\n%s\nwant\n%s", encodeControls(c), encodeControls(want))
	}
}

// A file that is not the product's or the release's, or that stiggen
// does not read, is refused with what it is, and nothing is written.
func TestExtractRefuses(t *testing.T) {
	manualFile := filepath.Join("testdata", "extract", "manual.xml")
	controlFile := filepath.Join("testdata", "extract", "controls.yml")
	for _, c := range []struct {
		key, release, file, want string
	}{
		{"rhel9", "V9R2", manualFile, "the manual is V9R1"},
		{"rhel8", "V9R1", manualFile, "not Red Hat Enterprise Linux 8's"},
		{"ubuntu2404", "V9R1", manualFile, "built from its ComplianceAsCode control file"},
		{"ubuntu2404", "V1R5", controlFile, `the control file is "V9R1"`},
		{"rhel9", "V9R1", controlFile, "reads no control file of rhel9"},
		{"debian12", "V1R1", manualFile, `no product "debian12"`},
		{"rhel9", "V9R1", filepath.Join("testdata", "extract", "missing.xml"), "no such file"},
		{"rhel9", "V9R1", "stiggen_test.go", "neither a DISA XCCDF manual"},
	} {
		root := extractRoot(t)
		_, _, err := extract(root, c.key, c.release, c.file)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("extract -product %s -release %s %s: %v, want %q", c.key, c.release, c.file, err, c.want)
		}
		if _, err := os.Stat(filepath.Join(root, dataDir)); !os.IsNotExist(err) {
			t.Errorf("extract -product %s -release %s %s wrote %s", c.key, c.release, c.file, dataDir)
		}
	}
}

// Usage errors exit 2 with the usage; generate takes no file.
func TestCommandUsage(t *testing.T) {
	for _, args := range [][]string{
		{"extract", filepath.Join("testdata", "extract", "manual.xml")},
		{"extract", "-product", "rhel9", "-release", "V9R1"},
		{"-product", "rhel9"},
		{filepath.Join("testdata", "extract", "manual.xml")},
		{"-unknown"},
	} {
		var stdout, stderr bytes.Buffer
		if code := command(args, &stdout, &stderr); code != 2 || stderr.Len() == 0 || stdout.Len() > 0 {
			t.Errorf("%q: exit %d, stderr %q", args, code, stderr.String())
		}
	}
}

// A data file changed by hand, even to a well-formed value, is refused at
// its last line: only extract writes data files.
func TestDataEditedByHandIsRefused(t *testing.T) {
	root := extractRoot(t)
	if _, _, err := extract(root, "rhel9", "V9R1", filepath.Join("testdata", "extract", "manual.xml")); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(root, dataDir, "rhel9-V9R1.toml")
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	edited := strings.Replace(string(data), `"CCI-000003"`, `"CCI-000009"`, 1)
	if edited == string(data) {
		t.Fatal("the fixture's data has no CCI-000003")
	}
	if err := os.WriteFile(file, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	lines := strings.Count(edited, "\n")
	_, err = readManualData(root, "rhel9", "V9R1")
	if want := fmt.Sprintf("rhel9-V9R1.toml:%d: the file was changed after stiggen extract wrote it", lines); err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("%v, want %q", err, want)
	}
}
