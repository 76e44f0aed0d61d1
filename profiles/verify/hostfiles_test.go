package verify

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/auditpack/auditpack/compile"
	"github.com/auditpack/auditpack/internal/scratch"
	"github.com/auditpack/auditpack/packs/model"
	"github.com/auditpack/auditpack/profiles"
)

// profileRequired compiles an embedded profile and the options verify
// takes from it.
func profileRequired(t *testing.T, name string) (*compile.Compiled, VerifyOptions) {
	t.Helper()
	p, err := profiles.Load(name)
	if err != nil {
		t.Fatal(err)
	}
	sel, err := profiles.Select(profiles.Request{Profile: name})
	if err != nil {
		t.Fatal(err)
	}
	return compile.Build(sel), VerifyOptions{Machine: model.Targets["x86_64"], Only: p.Controls}
}

// hostRoot copies a host root of testdata/hosts and gives its audit files
// the modes DISA asks (git keeps none).
func hostRoot(t *testing.T, host string) string {
	t.Helper()
	root := scratch.Copy(t, filepath.Join("testdata", "hosts", host))
	for path, mode := range map[string]os.FileMode{
		"etc/audit": 0o750, "etc/audit/rules.d": 0o750, "etc/audit/auditd.conf": 0o600, "etc/audit/audit.rules": 0o600,
		"etc/audit/rules.d/audit.rules": 0o600, "var/log/audit": 0o700, "var/log/audit/audit.log": 0o600,
	} {
		if err := os.Chmod(filepath.Join(root, path), mode); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func results(r *Report) map[string]ControlResult {
	out := map[string]ControlResult{}
	for _, c := range r.Results {
		out[c.ID] = c
	}
	return out
}

// The STIG's auditd.conf settings, judged from a host's auditd.conf: the
// values DISA accepts pass (as auditd reads them, without case), others
// fail with the line to write, a size in megabytes where DISA asks a
// share of the volume is not checked, and a rules file alone checks none.
func TestVerifyAuditdConf(t *testing.T) {
	required, opts := profileRequired(t, "stig-rhel9")
	settings := []string{"RHEL-09-653020", "RHEL-09-653025", "RHEL-09-653035", "RHEL-09-653040", "RHEL-09-653045", "RHEL-09-653050", "RHEL-09-653055",
		"RHEL-09-653060", "RHEL-09-653065", "RHEL-09-653070", "RHEL-09-653075", "RHEL-09-653095", "RHEL-09-653100", "RHEL-09-653105"}
	judge := func(root string) map[string]ControlResult {
		target := TargetFromOrdered("compiled", required)
		target.HostRoot = root
		return results(mustVerify(t, "stig-rhel9", required, target, opts))
	}
	for id, res := range judge("") {
		if slices.Contains(settings, id) && (res.Status != NotChecked || !strings.Contains(strings.Join(res.Notes, " "), "/etc/audit/auditd.conf is the host's")) {
			t.Errorf("rules file alone: %s %s %v", id, res.Status, res.Notes)
		}
	}
	good := judge(hostRoot(t, "stig-good"))
	for _, id := range settings {
		if res := good[id]; res.Status != Pass || len(res.Evidence) != 1 || !strings.HasPrefix(res.Evidence[0].Origin.File, "/etc/audit/auditd.conf") {
			t.Errorf("stig-good: %s %s %v %v", id, res.Status, res.Evidence, res.Missing)
		}
	}
	bad := judge(hostRoot(t, "stig-bad"))
	want := map[string]string{
		"RHEL-09-653020": `set "disk_error_action = SYSLOG" in /etc/audit/auditd.conf:23 (it is "SUSPEND"; the standard accepts disk_error_action = SYSLOG|SINGLE|HALT) and restart auditd`,
		"RHEL-09-653025": `set "disk_full_action = SYSLOG" in /etc/audit/auditd.conf:22 (it is "SUSPEND"`,
		"RHEL-09-653035": NotChecked,
		"RHEL-09-653040": `set "space_left_action = email" in /etc/audit/auditd.conf:17`,
		"RHEL-09-653045": NotChecked,
		"RHEL-09-653050": `set "admin_space_left_action = single" in /etc/audit/auditd.conf:21`,
		"RHEL-09-653060": `set "name_format = hostname" in /etc/audit/auditd.conf:14`,
	}
	for _, id := range settings {
		res, w := bad[id], want[id]
		switch {
		case w == "" && res.Status != Pass:
			t.Errorf("stig-bad: %s %s %v; Debian's value meets it", id, res.Status, res.Missing)
		case w == NotChecked && (res.Status != NotChecked || !strings.Contains(strings.Join(res.Notes, " "), "is a size in megabytes")):
			t.Errorf("stig-bad: %s %s %v, want NOT CHECKED (a size in megabytes)", id, res.Status, res.Notes)
		case w != "" && w != NotChecked && (res.Status != Fail || len(res.Missing) != 1 || !strings.HasPrefix(res.Missing[0], w)):
			t.Errorf("stig-bad: %s %s %q, want FAIL %q", id, res.Status, res.Missing, w)
		}
	}
	// A host without auditd.conf fails each setting with the line to write.
	root := hostRoot(t, "stig-good")
	os.Remove(filepath.Join(root, "etc/audit/auditd.conf"))
	if res := judge(root)["RHEL-09-653100"]; res.Status != Fail || !strings.Contains(res.Missing[0], `write "log_format = ENRICHED" in /etc/audit/auditd.conf (the host has no /etc/audit/auditd.conf: install auditd)`) {
		t.Errorf("no auditd.conf: %s %v", res.Status, res.Missing)
	}
}

// Modes, owners and groups of the audit files and tools, judged under a
// host root, with the chmod, chown or chgrp to run when they fail.
func TestVerifyAuditFiles(t *testing.T) {
	required, opts := profileRequired(t, "stig-rhel9")
	judge := func(root string) map[string]ControlResult {
		target := TargetFromOrdered("compiled", required)
		target.HostRoot = root
		return results(mustVerify(t, "stig-rhel9", required, target, opts))
	}
	for _, id := range []string{"RHEL-09-232035", "RHEL-09-232220", "RHEL-09-653090", "RHEL-09-653110"} {
		if r := judge("")[id]; r.Status != NotChecked || !strings.Contains(r.Notes[0], "are the host's; verify --kernel (or --rules FILE --host) reads them") {
			t.Errorf("rules file alone: %s %s %v", id, r.Status, r.Notes)
		}
	}
	root := hostRoot(t, "stig-good")
	res := judge(root)
	for _, id := range []string{"RHEL-09-232035", "RHEL-09-653090", "RHEL-09-653110"} {
		if res[id].Status != Pass {
			t.Errorf("%s %s %v %v", id, res[id].Status, res[id].Missing, res[id].Notes)
		}
	}
	// The fixtures belong to whoever runs the tests: root only when root
	// runs them.
	owned := []string{"RHEL-09-232220", "RHEL-09-232225", "RHEL-09-232103", "RHEL-09-232104", "RHEL-09-653080", "RHEL-09-653085"}
	for _, id := range owned {
		switch r := res[id]; {
		case os.Getuid() == 0 && r.Status != Pass:
			t.Errorf("as root: %s %s %v", id, r.Status, r.Missing)
		case os.Getuid() != 0 && (r.Status != Fail || !strings.HasPrefix(r.Missing[0], "chown root ") && !strings.HasPrefix(r.Missing[0], "chgrp root")):
			t.Errorf("as uid %d: %s %s %v, want FAIL with chown or chgrp root", os.Getuid(), id, r.Status, r.Missing)
		}
	}
	if os.Getuid() != 0 && !slices.Contains(res["RHEL-09-232220"].Missing, fmt.Sprintf("chown root /sbin/auditctl (owner is %d)", os.Getuid())) {
		t.Errorf("232220: %v", res["RHEL-09-232220"].Missing)
	}
	os.Chmod(filepath.Join(root, "sbin/auditctl"), 0o775)
	os.Chmod(filepath.Join(root, "etc/audit/auditd.conf"), 0o640)
	res = judge(root)
	if r := res["RHEL-09-232035"]; r.Status != Fail || !slices.Equal(r.Missing, []string{"chmod 0755 /sbin/auditctl (mode 0775 allows more than 0755)"}) {
		t.Errorf("232035: %s %v", r.Status, r.Missing)
	}
	if r := res["RHEL-09-653110"]; r.Status != Fail || !slices.Equal(r.Missing, []string{"chmod 0600 /etc/audit/auditd.conf (mode 0640 allows more than 0600)"}) {
		t.Errorf("653110: %s %v", r.Status, r.Missing)
	}
	// Tools a host does not have are not judged; none at all is not checked.
	for _, tool := range []string{"auditctl", "aureport", "ausearch", "autrace", "auditd", "rsyslogd", "augenrules"} {
		os.Remove(filepath.Join(root, "sbin", tool))
	}
	if r := judge(root)["RHEL-09-232035"]; r.Status != NotChecked || !strings.Contains(r.Notes[0], "none of /sbin/auditctl") {
		t.Errorf("no tools: %s %v", r.Status, r.Notes)
	}
}

// RHEL 10 asks the log directory 0700, or 0750 where auditd.conf gives
// the logs another group than root.
func TestVerifyLogDirectoryByLogGroup(t *testing.T) {
	required, opts := profileRequired(t, "stig-rhel10")
	for host, want := range map[string]string{"stig-good": Fail, "stig-bad": Pass} {
		root := hostRoot(t, host)
		os.Chmod(filepath.Join(root, "var/log/audit"), 0o750)
		target := TargetFromOrdered("compiled", required)
		target.HostRoot = root
		if r := results(mustVerify(t, "stig-rhel10", required, target, opts))["RHEL-10-400190"]; r.Status != want {
			t.Errorf("%s (log_group %s), log directory 0750: %s %v, want %s", host, map[string]string{"stig-good": "root", "stig-bad": "adm"}[host], r.Status, r.Missing, want)
		}
	}
}

// SLES forbids -a task,never: loaded in any spelling, it fails.
func TestVerifyForbiddenRule(t *testing.T) {
	required, opts := profileRequired(t, "stig-sles15")
	for text, want := range map[string]string{"-a never,task\n": Fail, "-a task,never\n": Fail, "-w /etc/passwd -p wa\n": Pass} {
		r := results(mustVerify(t, "stig-sles15", required, loadedTarget(text), opts))["SLES-15-030820"]
		if r.Status != want {
			t.Errorf("%q: %s %v, want %s", text, r.Status, r.Missing, want)
		}
		if want == Fail && !strings.HasPrefix(r.Missing[0], "remove audit.rules:1: it loads -a task,never") {
			t.Errorf("%q: %v", text, r.Missing)
		}
	}
}

// DISA's V2R9 -F path=/etc/sudoers.d -F perm=wa is met by the pack's
// watch, by -F dir= and by its own path= lines; not by a watch without
// attribute changes or a rule on a file in the directory.
func TestVerifySudoersDForms(t *testing.T) {
	required, opts := profileRequired(t, "stig-rhel9")
	for text, want := range map[string]string{
		"-w /etc/sudoers.d -p wa -k identity\n": Pass,
		"-a always,exit -F arch=b64 -F dir=/etc/sudoers.d -F perm=wa -k x\n-a always,exit -F arch=b32 -F dir=/etc/sudoers.d -F perm=wa -k x\n":   Pass,
		"-a always,exit -F arch=b32 -F path=/etc/sudoers.d -F perm=wa -k x\n-a always,exit -F arch=b64 -F path=/etc/sudoers.d -F perm=wa -k x\n": Pass,
		"-w /etc/sudoers.d -p w -k identity\n":                                       Fail,
		"-a always,exit -F path=/etc/sudoers.d/admins -F perm=wa -k identity\n":      Fail,
		"-a always,exit -F arch=b64 -F path=/etc/sudoers.d -F perm=wa -k identity\n": Fail,
	} {
		if r := results(mustVerify(t, "stig-rhel9", required, loadedTarget(text), opts))["RHEL-09-654220"]; r.Status != want {
			t.Errorf("%q: %s %v, want %s", text, r.Status, r.Missing, want)
		}
	}
}
