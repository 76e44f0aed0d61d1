package main

import (
	"regexp"
	"slices"
)

// The reviewed readings of DISA's texts that no rule above derives: notes
// on lines wherever they occur, and per product the few requirements
// whose content the extraction cannot read.

// lineNote is said of every requirement with a line it matches.
type lineNote struct {
	line *regexp.Regexp
	note string
}

var lineNotes = []lineNote{
	{regexp.MustCompile(`^-e 2$`), "-e 2 must be the last line loaded: the locked kernel refuses every line after it."},
	{regexp.MustCompile(`-F path=/etc/sudoers\.d(?: |$)`), "-F path=/etc/sudoers.d records changes to the directory itself (files added, removed or renamed in it, its own attributes), " +
		"not writes to the files in it; a watch (-w /etc/sudoers.d/ -p wa, as DISA's RHEL 8 and RHEL 9 texts before V2R9 ask) is a tree watch that records both, as the pack's rule does."},
	{regexp.MustCompile(`\bfchmodat2\b`), "fchmodat2 (Linux 6.6) is in RHEL 10's kernel and its audit 4 syscall tables, and the pack ships it as DISA asks; " +
		"an older auditctl (Debian 12's 3.0.9) does not know it and stops the load there, which lint --host reports on such a host."},
}

// review is a product's reading of one requirement.
type review struct {
	note  string
	lines []string   // in place of the extracted ones
	paths []pathAttr // in place of the extracted ones
}

// reviews are by product key, then STIG ID.
var reviews = map[string]map[string]review{
	"rhel9": {
		"RHEL-09-654030": {note: "The title says \"umount system calls\"; the check text asks for executions of /usr/bin/umount, which is followed here (RHEL-09-654205 and 654210 cover the system calls)."},
		"RHEL-09-654235": {note: "pam_pwhistory keeps the password history in /etc/security/opasswd, where the check text looks; the title's /etc/opasswd names no file RHEL 9 writes."},
	},
	"ubuntu2404": {
		"UBTU-24-909000": {
			note:  "ComplianceAsCode implements it with its rule audit_rules_immutable (-e 2 as the last line); DISA's Ubuntu 22.04 STIG has no such requirement to take the content from.",
			lines: []string{"-e 2"},
		},
		"UBTU-24-901250": {
			note:  "ComplianceAsCode implements it with its rule file_groupownership_audit_binaries; the tools are those of UBTU-24-901230 (UBTU-22-232035's), group root.",
			paths: toolsGroupRoot("/sbin/auditctl", "/sbin/aureport", "/sbin/ausearch", "/sbin/autrace", "/sbin/auditd", "/sbin/audispd*", "/sbin/augenrules"),
		},
	},
	"rhel10": {
		"RHEL-10-400190": {
			note:  "The check text asks 0700 where log_group is root or unset and 0750 where it is another group.",
			paths: []pathAttr{{Path: "${log_dir}", Mode: "0700", GroupMode: "0750"}},
		},
	},
}

// applyReviews adds the notes and reviewed contents to a product's
// requirements.
func applyReviews(key string, reqs []*requirement) {
	for _, r := range reqs {
		for _, n := range lineNotes {
			if slices.ContainsFunc(r.Lines, n.line.MatchString) {
				r.Notes = append(r.Notes, n.note)
			}
		}
		rv, ok := reviews[key][r.StigID]
		if !ok {
			continue
		}
		if rv.note != "" {
			r.Notes = append(r.Notes, rv.note)
		}
		if rv.lines != nil {
			r.Lines, r.fixFile = rv.lines, rv.lines
		}
		if rv.paths != nil {
			r.Paths = rv.paths
		}
	}
}

func toolsGroupRoot(paths ...string) []pathAttr {
	out := make([]pathAttr, len(paths))
	for i, p := range paths {
		out[i] = pathAttr{Path: p, Group: "root"}
	}
	return out
}
