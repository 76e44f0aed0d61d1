package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const repoRoot = "../.."

// TestGeneratedFilesAreCurrent regenerates every product's files and
// requires them byte for byte in the repository: nobody edits them by
// hand. Files of the STIG packs and DISA fix-text files that stiggen no
// longer writes are reported too.
func TestGeneratedFilesAreCurrent(t *testing.T) {
	out, err := outputs(repoRoot)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range products {
		t.Run(p.Key, func(t *testing.T) {
			checked := 0
			for _, path := range sortedPaths(out) {
				if !strings.Contains(path, "stig-"+p.Key+string(filepath.Separator)) && !strings.Contains(path, "disa-"+p.Key+"-") {
					continue
				}
				checked++
				have, err := os.ReadFile(filepath.Join(repoRoot, path))
				if err != nil || !bytes.Equal(have, out[path]) {
					t.Errorf("%s is not what go run ./internal/stiggen writes (%v): regenerate it, never edit it", path, err)
				}
			}
			if want := 4 * len(p.Releases); checked != want {
				t.Errorf("%d files checked, want %d (pack.toml, requirements.toml, rules, fix-text rules per release)", checked, want)
			}
		})
	}
	stale, _ := filepath.Glob(filepath.Join(repoRoot, "packs", "stig-*", "*", "*"))
	fixFiles, _ := filepath.Glob(filepath.Join(repoRoot, "profiles", "verify", "testdata", "targets", "disa-*-fix.rules"))
	for _, f := range append(stale, fixFiles...) {
		rel, _ := filepath.Rel(repoRoot, f)
		if _, ok := out[rel]; !ok && filepath.Base(f) != "CHANGELOG.md" {
			t.Errorf("%s is not written by stiggen: remove it or generate it", rel)
		}
	}
}

// Every file of manuals/ is in PROVENANCE, with the sha256 of its content.
func TestProvenance(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("manuals", "PROVENANCE"))
	if err != nil {
		t.Fatal(err)
	}
	sums := map[string]string{}
	file := ""
	for _, l := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(l, "file:"); ok {
			file = strings.TrimSpace(v)
		}
		if v, ok := strings.CutPrefix(l, "sha256:"); ok {
			sums[file] = strings.TrimSpace(v)
		}
	}
	gz, _ := filepath.Glob(filepath.Join("manuals", "*.gz"))
	if len(gz) == 0 {
		t.Fatal("no manuals")
	}
	for _, f := range gz {
		name := filepath.Base(f)
		data, err := readGzipped(repoRoot, strings.TrimSuffix(name, ".gz"))
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(data)
		if got := hex.EncodeToString(sum[:]); sums[name] != got {
			t.Errorf("%s: PROVENANCE says sha256 %q, the file is %s", name, sums[name], got)
		}
		delete(sums, name)
	}
	for name := range sums {
		t.Errorf("PROVENANCE names %s, which is not in manuals/", name)
	}
}

// The rule that selects audit requirements, on DISA's own phrasings.
func TestAuditContent(t *testing.T) {
	for name, c := range map[string]struct {
		check string
		want  content
	}{
		"rules": {"$ sudo auditctl -l | grep execve\n-a always,exit -F arch=b64 -S execve  -C uid!=euid -F euid=0 -k execpriv \n\nIf the command does not return a line, this is a finding.",
			content{Lines: []string{"-a always,exit -F arch=b64 -S execve -C uid!=euid -F euid=0 -k execpriv"}}},
		"any of": {"$ sudo grep disk_full_action /etc/audit/auditd.conf\n\ndisk_full_action = HALT\n\nIf the value of the \"disk_full_action\" option is not \"SYSLOG\", \"SINGLE\", or \"HALT\", or the line is commented out, this is a finding.",
			content{Auditd: []string{"disk_full_action = SYSLOG|SINGLE|HALT"}}},
		"list without or": {"$ sudo grep -i overflow_action /etc/audit/auditd.conf\noverflow_action = syslog\nIf the value of the \"overflow_action\" option is not set to \"syslog\", \"single\", \"halt\" or the line is commented out, ask the SA.",
			content{Auditd: []string{"overflow_action = syslog|single|halt"}}},
		"range": {"$ sudo grep freq /etc/audit/auditd.conf\nfreq = 100\nIf \"freq\" isn't set to a value between \"1\" and \"100\", the value is missing, this is a finding.",
			content{Auditd: []string{"freq = 1..100"}}},
		"share of the volume": {"> sudo grep -iw space_left /etc/audit/auditd.conf\nspace_left = 225\nIf the value of the \"space_left\" keyword is not set to 25 percent of the total partition size, this is a finding.",
			content{Auditd: []string{"space_left >= 25%"}}},
		"left to the site": {"$ sudo grep action_mail_acct /etc/audit/auditd.conf\naction_mail_acct = root\nIf the value of the \"action_mail_acct\" keyword is not set to \"root\" and/or other accounts for security personnel, this is a finding.",
			content{Auditd: []string{"action_mail_acct = *"}}},
		"partition size is not ours": {"$ sudo grep -w log_file /etc/audit/auditd.conf\nlog_file = /var/log/audit/audit.log\n # df -h /var/log/audit/\nIf the audit record partition is not allocated for sufficient storage capacity, this is a finding.",
			content{}},
		"log files": {"$ sudo grep -iw log_file /etc/audit/auditd.conf\nlog_file = /var/log/audit/audit.log\n$ sudo find /var/log/audit/ -type f -exec stat -c '%a %n' {} \\;\nIf the audit logs have a mode more permissive than \"0600\", this is a finding.",
			content{Paths: []pathAttr{{Path: "${log_dir}/*", Mode: "0600"}}}},
		"tools": {"$ sudo stat -c \"%G %n\" /sbin/auditctl /sbin/rsyslogd\nIf any audit tools do not have a group owner of \"root\", this is a finding.",
			content{Paths: []pathAttr{{Path: "/sbin/auditctl", Group: "root"}, {Path: "/sbin/rsyslogd", Group: "root"}}}},
		"not the audit system's": {"$ sudo stat -c \"%a %n\" /var/log/messages\nIf a value of \"0640\" or less permissive is not returned, this is a finding.", content{}},
		"SUSE permissions": {"> grep -i audit /etc/permissions.local\n\n/var/log/audit/audit.log root:root 600\n/etc/ssh/sshd_config root:root 600\n",
			content{Paths: []pathAttr{{Path: "/var/log/audit/audit.log", Mode: "0600", Owner: "root", Group: "root"}}}},
		"forbidden": {"> auditctl -l | grep -i \"a task,never\"\n\nIf any results are returned, this is a finding.", content{Forbidden: []string{"-a task,never"}}},
		"kernel command line": {"$ sudo grubby --info=ALL | grep args | grep -v 'audit=1'\nIf \"audit\" is not set to \"1\", is missing, or is commented out, this is a finding.\nIf the command returns any outputs, and audit_backlog_limit is less than \"8192\", this is a finding.",
			content{Cmdline: []string{"audit=1", "audit_backlog_limit>=8192"}}},
		"the package": {"$ dnf list --installed audit\nIf the \"audit\" package is not installed, this is a finding.", content{}},
	} {
		got := auditContent(c.check)
		if !slices.Equal(got.Lines, c.want.Lines) || !slices.Equal(got.Auditd, c.want.Auditd) || !slices.Equal(got.Paths, c.want.Paths) ||
			!slices.Equal(got.Forbidden, c.want.Forbidden) || !slices.Equal(got.Cmdline, c.want.Cmdline) {
			t.Errorf("%s: %+v, want %+v", name, got, c.want)
		}
	}
}

// DISA's check and fix texts compared by meaning: spellings of one rule
// need no note, another file fails, a line the kernel refuses is named.
func TestCompareFix(t *testing.T) {
	check := []string{"-a always,exit -F arch=b64 -S chmod -F auid>=1000 -F auid!=-1 -F key=perm_mod"}
	for name, c := range map[string]struct {
		fix       []string
		note      string
		fails     bool
		noteNamed string
	}{
		"same rule":    {[]string{"-a always,exit -F arch=b64 -S chmod -F auid>=1000 -F auid!=unset -k perm_mod"}, "", false, ""},
		"other key":    {[]string{"-a always,exit -F arch=b64 -S chmod -F auid>=1000 -F auid!=unset -k other"}, "they meet it", false, "-k other"},
		"other path":   {[]string{"-a always,exit -F arch=b64 -S fchmod -F auid>=1000 -F auid!=unset -k perm_mod"}, "does not meet", true, "-S fchmod"},
		"not loadable": {[]string{"-a always,exit -F arch=b64 -S chmod -F auid>=1000 -F path=(/x -k perm_mod"}, "does not load", true, "path=(/x"},
	} {
		req := &requirement{manualRule: &manualRule{StigID: "X-1"}, content: content{Lines: check}}
		req.compareFix(c.fix)
		if req.FixFails != c.fails || (c.note == "") != (req.FixNote == "") || !strings.Contains(req.FixNote, c.note) || !strings.Contains(req.FixNote, c.noteNamed) {
			t.Errorf("%s: fails %v, note %q", name, req.FixFails, req.FixNote)
		}
	}
}
