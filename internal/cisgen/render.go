package main

import (
	"fmt"
	"slices"
	"strings"
)

// The host facts the rendered lines name: packs resolve them when read.
const (
	uidMin          = "${UID_MIN}"
	setuidPrograms  = "${SETUID_PROGRAMS}"
	userAuidFilters = "-F auid>=" + uidMin + " -F auid!=unset"
)

// abis are the ABIs CaC's remediations write a syscall rule for on a
// 64-bit machine (getconf LONG_BIT = 64), in their order.
var abis = []string{"b32", "b64"}

// renderer renders one product's rules as CaC's templates and
// remediations do.
type renderer struct {
	p *cacProduct
}

// syscallRule is one rule being built: CaC's bash_fix_audit_syscall_rule
// adds a syscall to an existing rule with the same filters when the rule
// already names one of the syscall's grouping, else writes a new rule.
type syscallRule struct {
	arch, other, auid, key string
	syscalls               []string
	grouping               []string
}

func (s *syscallRule) String() string {
	var b strings.Builder
	b.WriteString("-a always,exit")
	if s.arch != "" {
		b.WriteString(" -F arch=" + s.arch)
	}
	if len(s.syscalls) > 0 {
		b.WriteString(" -S " + strings.Join(s.syscalls, ","))
	}
	for _, f := range []string{s.other, s.auid} {
		if f != "" {
			b.WriteString(" " + f)
		}
	}
	b.WriteString(" -F key=" + s.key)
	return b.String()
}

// lines collects a recommendation's lines in CaC's order, merging
// syscalls as CaC's remediation merges them.
type lines struct {
	out   []fmt.Stringer
	rules []*syscallRule
}

type text string

func (t text) String() string { return string(t) }

func (l *lines) add(s string) {
	for _, o := range l.out {
		if o.String() == s {
			return // CaC's remediation leaves a rule that is there already
		}
	}
	l.out = append(l.out, text(s))
}

// syscall adds syscalls (CaC's SYSCALL, space separated) with the filters
// of a rule, merged into an earlier rule of the same filters whose
// syscalls meet the grouping.
func (l *lines) syscall(arch, other, auid, key string, syscalls, grouping []string) {
	for _, r := range l.rules {
		if r.arch != arch || r.other != other || r.auid != auid {
			continue
		}
		if containsAll(r.syscalls, syscalls) {
			return
		}
		if slices.ContainsFunc(r.syscalls, func(s string) bool { return slices.Contains(grouping, s) }) {
			for _, s := range syscalls {
				if !slices.Contains(r.syscalls, s) {
					r.syscalls = append(r.syscalls, s)
				}
			}
			return
		}
	}
	r := &syscallRule{arch: arch, other: other, auid: auid, key: key, syscalls: slices.Clone(syscalls), grouping: grouping}
	l.rules = append(l.rules, r)
	l.out = append(l.out, r)
}

func (l *lines) strings() []string {
	out := make([]string, len(l.out))
	for i, o := range l.out {
		out[i] = o.String()
	}
	return out
}

func containsAll(have, want []string) bool {
	for _, w := range want {
		if !slices.Contains(have, w) {
			return false
		}
	}
	return true
}

// watch renders CaC's bash_fix_audit_watch_rule: "-w PATH -p wa -k KEY"
// (legacy) or one -F path= (dir= for a path ending in /) rule per ABI
// (modern).
func (l *lines) watch(path, key, style string) {
	if style != "modern" {
		l.add(fmt.Sprintf("-w %s -p wa -k %s", path, key))
		return
	}
	filter := "path"
	if strings.HasSuffix(path, "/") {
		filter = "dir"
	}
	for _, arch := range abis {
		l.add(fmt.Sprintf("-a always,exit -F arch=%s -F %s=%s -F perm=wa -F key=%s", arch, filter, path, key))
	}
}

func (r *renderer) has(family string) bool {
	return strings.Contains(r.p.Product, family) || slices.Contains(r.p.Families, family)
}

// render adds the lines of one CaC rule.
func (r *renderer) render(l *lines, id string) error {
	rule, ok := r.p.Rules[id]
	if !ok {
		return fmt.Errorf("%s: rule %s is not in the data", r.p.Product, id)
	}
	if rule.Template != "" {
		return r.template(l, id, rule)
	}
	return r.remediation(l, id)
}

// template renders a rule from its CaC template and variables.
func (r *renderer) template(l *lines, id string, rule cacRule) error {
	switch rule.Template {
	case "audit_rules_watch":
		path := rule.str("path")
		if rule.str("path_is_variable") == "true" {
			v, ok := r.p.Variables[path]
			if !ok {
				return fmt.Errorf("%s: rule %s names variable %s, which the control file does not set", r.p.Product, id, path)
			}
			path = v.Value
		}
		key := rule.str("key")
		if key == "" {
			key = id
		}
		l.watch(path, key, r.p.AuditWatchesStyle)
	case "audit_rules_dac_modification":
		key := rule.str("key")
		if key == "" {
			key = "perm_mod"
		}
		for _, auid := range r.dacAuids(rule) {
			for _, arch := range abis {
				l.syscall(arch, "", auid, key, []string{rule.str("attr")}, rule.list("syscall_grouping"))
			}
		}
	case "audit_rules_file_deletion_events":
		for _, arch := range abis {
			l.syscall(arch, "", userAuidFilters, "delete", []string{rule.str("name")}, rule.list("syscall_grouping"))
		}
	case "audit_rules_kernel_module_loading":
		auid := ""
		if r.has("ol") || r.has("rhel") || r.has("ubuntu") {
			auid = userAuidFilters
		}
		for _, arch := range abis {
			l.syscall(arch, "", auid, "modules", []string{rule.str("name")}, rule.list("syscall_grouping"))
		}
	case "audit_rules_unsuccessful_file_modification":
		for _, exit := range []string{"-F exit=-EACCES", "-F exit=-EPERM"} {
			for _, arch := range abis {
				l.syscall(arch, exit, userAuidFilters, "access", []string{rule.str("name")}, rule.list("syscall_grouping"))
			}
		}
	case "audit_rules_privileged_commands":
		r.privileged(l, rule.str("path"))
	default:
		return fmt.Errorf("%s: rule %s uses template %s, which cisgen does not render", r.p.Product, id, rule.Template)
	}
	return nil
}

func (r *renderer) dacAuids(rule cacRule) []string {
	if rule.str("check_root_user") == "true" {
		return []string{userAuidFilters, "-F auid=0"}
	}
	return []string{userAuidFilters}
}

// privileged renders CaC's audit_rules_privileged_commands template: one
// rule for all ABIs, or one per ABI on RHEL 10 and Fedora. Every product
// gets -F perm=x: CaC's template leaves it out for AL2023 only, where the
// benchmark has it too (see the pack's notes).
func (r *renderer) privileged(l *lines, path string) {
	archs := []string{""}
	if r.p.Product == "rhel10" || r.p.Product == "fedora" {
		archs = abis
	}
	for _, arch := range archs {
		l.add((&syscallRule{arch: arch, other: "-F path=" + path + " -F perm=x", auid: userAuidFilters, key: "privileged"}).String())
	}
}

// remediation renders a rule that has no template, as its bash
// remediation in CaC writes it.
func (r *renderer) remediation(l *lines, id string) error {
	switch id {
	case "audit_rules_sysadmin_actions":
		if r.p.AuditWatchesStyle == "modern" {
			l.watch("/etc/sudoers", "actions", "modern")
			l.watch("/etc/sudoers.d/", "actions", "modern")
		} else {
			l.watch("/etc/sudoers", "actions", "legacy")
			l.watch("/etc/sudoers.d/", "actions", "legacy")
		}
	case "audit_rules_suid_auid_privilege_function":
		for _, arch := range abis {
			l.syscall(arch, "-C euid!=uid", "-F auid!=unset", "user_emulation", []string{"execve"}, nil)
		}
	case "audit_rules_time_adjtimex", "audit_rules_time_settimeofday", "audit_rules_time_stime":
		// bash_perform_audit_adjtimex_settimeofday_stime_remediation: the
		// three rules write the same lines; stime exists for b32 only.
		l.syscall("b32", "", "", "audit_time_rules", []string{"adjtimex", "settimeofday", "stime"}, nil)
		l.syscall("b64", "", "", "audit_time_rules", []string{"adjtimex", "settimeofday"}, nil)
	case "audit_rules_time_clock_settime":
		for _, arch := range abis {
			l.syscall(arch, "-F a0=0x0", "", "time-change", []string{"clock_settime"}, nil)
		}
	case "audit_rules_networkconfig_modification":
		const key = "audit_rules_networkconfig_modification"
		for _, arch := range abis {
			l.syscall(arch, "", "", key, []string{"sethostname", "setdomainname"}, []string{"sethostname", "setdomainname"})
		}
		paths := []string{"/etc/issue", "/etc/issue.net", "/etc/hosts"}
		switch {
		case strings.Contains(r.p.Product, "ubuntu"):
			paths = append(paths, "/etc/networks", "/etc/network/", "/etc/netplan/")
		case strings.Contains(r.p.Product, "debian"):
			paths = append(paths, "/etc/networks", "/etc/network/")
		default:
			paths = append(paths, "/etc/sysconfig/network")
		}
		for _, p := range paths {
			l.watch(p, key, "legacy")
		}
	case "audit_rules_session_events":
		for _, p := range []string{"/var/run/utmp", "/var/log/btmp", "/var/log/wtmp"} {
			l.watch(p, "session", "legacy")
		}
	case "audit_rules_mac_modification":
		if strings.Contains(r.p.Product, "ubuntu") {
			l.watch("/etc/apparmor/", "MAC-policy", "legacy")
			l.watch("/etc/apparmor.d/", "MAC-policy", "legacy")
		} else {
			l.watch("/etc/selinux/", "MAC-policy", "legacy")
		}
	case "audit_rules_privileged_commands":
		r.privileged(l, setuidPrograms)
	case "audit_rules_immutable":
		l.add("-e 2")
	case "audit_rules_continue_loading":
		l.add("-c")
	default:
		return fmt.Errorf("%s: rule %s has no template and cisgen does not know its remediation", r.p.Product, id)
	}
	return nil
}
