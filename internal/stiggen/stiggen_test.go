package main

import (
	"bytes"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
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

// The data files are exactly those the generator reads, each what extract
// writes from its records (decoded and encoded again, byte for byte), so
// nobody edits one by hand and none is left over.
func TestDataFilesAreExtractOutput(t *testing.T) {
	want := dataFiles()
	have, _ := filepath.Glob(filepath.Join(repoRoot, dataDir, "*.toml"))
	for _, f := range have {
		if name := filepath.Base(f); !slices.Contains(want, name) {
			t.Errorf("%s is a data file the generator does not read: remove it, or add its release to products.go", name)
		}
	}
	for _, name := range want {
		d, err := readDataNamed(name)
		if err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(filepath.Join(repoRoot, dataDir, name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(data, d.encode()) {
			t.Errorf("%s is not what stiggen extract writes of its records: extract it again, never edit it", name)
		}
	}
}

// readDataNamed reads a data file of the repository by its name:
// rhel9-V2R9.toml, ubuntu2404-V1R5-controls.toml.
func readDataNamed(name string) (dataFile, error) {
	base, controlFile := strings.CutSuffix(strings.TrimSuffix(name, ".toml"), "-controls")
	key, release, _ := strings.Cut(base, "-")
	if controlFile {
		return readControlsData(repoRoot, key, release)
	}
	return readManualData(repoRoot, key, release)
}

// PROVENANCE names, for every data file, the file it was extracted from
// (repository, path, commit and date), that file's sha256 as the data
// file records it, and the terms.
func TestProvenance(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(repoRoot, dataDir, "PROVENANCE"))
	if err != nil {
		t.Fatal(err)
	}
	entries, err := parseProvenance(string(data))
	if err != nil {
		t.Fatal(err)
	}
	commit := regexp.MustCompile(`^[0-9a-f]{40} \(\d{4}-\d{2}-\d{2}\)$`)
	from := regexp.MustCompile(`^github\.com/[\w.-]+/[\w.-]+ \S+$`)
	named := map[string]bool{}
	for _, e := range entries {
		name := e["data"]
		named[name] = true
		if !commit.MatchString(e["commit"]) || !from.MatchString(e["from"]) || e["terms"] == "" {
			t.Errorf("PROVENANCE, %s: want from (repository and path), commit (40 hex digits and date) and terms: %q", name, e)
		}
		d, err := readDataNamed(name)
		if err != nil {
			t.Fatal(err)
		}
		_, _, file, sum := d.source()
		if path.Base(e["from"]) != file || e["sha256"] != sum {
			t.Errorf("PROVENANCE, %s: from %q sha256 %s; the data file was extracted from %s, sha256 %s", name, e["from"], e["sha256"], file, sum)
		}
	}
	for _, name := range dataFiles() {
		if !named[name] {
			t.Errorf("PROVENANCE does not name %s", name)
		}
	}
}

// parseProvenance reads PROVENANCE's entries: "key: value" lines, an
// entry starting at each "data:"; "#" lines are comments.
func parseProvenance(text string) ([]map[string]string, error) {
	var entries []map[string]string
	for i, line := range strings.Split(text, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		key, value, ok := strings.Cut(line, ":")
		known := slices.Contains([]string{"data", "from", "commit", "sha256", "terms"}, key)
		switch {
		case !ok || !known:
			return nil, fmt.Errorf("PROVENANCE:%d: %q is no data, from, commit, sha256 or terms line", i+1, line)
		case key == "data":
			entries = append(entries, map[string]string{})
		case len(entries) == 0:
			return nil, fmt.Errorf("PROVENANCE:%d: %s before the first data line", i+1, key)
		}
		entries[len(entries)-1][key] = strings.TrimSpace(value)
	}
	return entries, nil
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
