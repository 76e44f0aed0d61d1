package lint

import (
	"math"
	"strings"

	"github.com/auditpack/auditpack/packs/model"
)

// Checks of fields, operators and filter lists.

var _ = register(&Check{
	ID:        "FLD-NOT-VALID-FOR-LIST",
	Title:     "field or syscall the list cannot use",
	Severity:  Error,
	FailsLoad: true,
	Doc: `Each filter list evaluates only some fields: msgtype only on user and exclude, path, dir,
perm, exit, success and the obj_* fields only on exit (they need a syscall), fstype only on
filesystem; -S only on exit (and io_uring). auditctl rejects the others and the load stops.

Bad:
    -a always,exit -F arch=b64 -S openat -F msgtype=CWD
    -a never,exclude -S unlink

Good:
    -a never,exclude -F msgtype=CRYPTO_KEY_USER
    -a always,exit -F arch=b64 -S unlink -k delete`,
	Run: reportModel,
})

var _ = register(&Check{
	ID:        "FLD-BAD-OPERATOR",
	Title:     "operator the field does not support",
	Severity:  Error,
	FailsLoad: true,
	Doc: `The kernel accepts & and &= only on a0-a3, pers and devminor; only = and != on arch,
filetype, key, exe, fstype and the subj_/obj_ user, role and type; only = on path, dir and
perm (path!= and dir!= are refused with EINVAL). The rule is rejected and the load stops.

Bad:
    -a always,exit -F arch=b64 -S openat -F uid&0100
    -a always,exit -F arch=b64 -S all -F path!=/etc/hosts

Good:
    -a always,exit -F arch=b64 -S openat -F a2&0100
    -a always,exit -F arch=b64 -S all -F path=/etc/hosts -F perm=wa`,
	Run: reportModel,
})

var _ = register(&Check{
	ID:       "FLD-CONTRADICTION",
	Title:    "constraints that cannot all hold",
	Severity: Warning,
	Doc: `Fields of a rule are AND-ed. When they contradict each other the rule never matches, yet
auditctl and the kernel accept it, so it looks like coverage that is not there.

Bad:
    -a always,exit -F arch=b64 -F arch=b32 -S openat
    -a always,exit -F arch=b64 -S openat -F auid>=1000 -F auid<500
    -a always,exit -F arch=b64 -S openat -F success=1 -F exit=-EACCES

Good:
    -a always,exit -F arch=b64 -S openat -F auid>=1000 -F auid!=unset`,
	Run: func(p *Pass) {
		for _, r := range p.Rules {
			if len(fieldsOf(r, model.KindArch)) > 1 && r.MatchesNothing() {
				p.Reportf(r.Item.Origin, nil, "the arch fields exclude each other: the rule never matches; keep one arch per rule")
			}
			seen := map[string]bool{}
			for _, f := range r.Fields {
				if f.Kind != model.KindNumeric || seen[f.Name] {
					continue
				}
				seen[f.Name] = true
				if r.Unsatisfiable(f.Name) {
					p.Reportf(r.Item.Origin, nil, "the %s constraints exclude every value: the rule never matches", f.Name)
				}
			}
			for _, s := range r.FieldsNamed("success") {
				for _, e := range r.FieldsNamed("exit") {
					if s.Op != "=" || e.Op != "=" || !s.Resolved || !e.Resolved {
						continue
					}
					failed := int32(e.Value) < 0
					if (s.Value == 1 && failed) || (s.Value == 0 && !failed) {
						p.Reportf(r.Item.Origin, nil, "success=%d contradicts exit=%s: the rule never matches; keep one of them", s.Value, e.Text)
					}
				}
			}
		}
	},
})

func fieldsOf(r *model.Rule, k model.Kind) []model.Field {
	var out []model.Field
	for _, f := range r.Fields {
		if f.Kind == k {
			out = append(out, f)
		}
	}
	return out
}

var _ = register(&Check{
	ID:       "FLD-EXIT-POSITIVE-ERRNO",
	Title:    "exit= errno name without the minus sign",
	Severity: Warning,
	Run:      reportModel,
	Doc: `A failed syscall returns a negative errno. "-F exit=EACCES" is converted to +13, "the
syscall returned 13", which is not what anybody means; the rule misses every failure.

Bad:
    -a always,exit -F arch=b64 -S openat -F exit=EACCES -k access

Good:
    -a always,exit -F arch=b64 -S openat -F exit=-EACCES -k access`,
})

var _ = register(&Check{
	ID:       "FLD-ARG-TRUNCATION",
	Title:    "numeric value auditctl cuts to 32 bits or misreads",
	Severity: Error,
	Run:      reportModel,
	Doc: `The kernel compares 32-bit values. auditctl reads a larger number and silently keeps its
low 32 bits (a0=0x100000000 becomes a0=0, auid<=4294967296 becomes auid<=0), and reads a
sessionid that is not a number as 0. The rule loads and compares something nobody wrote.

Bad:
    -a always,exit -F arch=b64 -S clock_settime -F a0=0x100000000
    -a always,exit -F arch=b64 -S openat -F sessionid=abc

Good:
    -a always,exit -F arch=b64 -S clock_settime -F a0=0x0`,
})

var _ = register(&Check{
	ID:        "FLD-BAD-VALUE",
	Title:     "field value that is not a number",
	Severity:  Error,
	FailsLoad: true,
	Run:       reportModel,
	Doc: `Numeric fields (pid, exit, success, inode, a0-a3, ...) need a number; exit also takes an
errno name such as -EACCES, and a0-a3 cannot compare strings (the argument is a pointer).
4294967295 (-1, unset) is no valid user or group ID except for auid, where it means "not
logged in". auditctl or the kernel rejects the rule and the load stops.

Bad:
    -a always,exit -F arch=b64 -S openat -F exit=-EWHATEVER
    -a always,exit -F arch=b64 -S openat -F euid=-1

Good:
    -a always,exit -F arch=b64 -S openat -F exit=-EACCES`,
})

var _ = register(&Check{
	ID:        "LST-MSGTYPE-UNKNOWN",
	Title:     "unknown message type",
	Severity:  Error,
	FailsLoad: true,
	Run:       reportModel,
	Doc: `msgtype takes a record type name known to auditctl (CWD, PATH, USER_LOGIN, ...) or a
number. An unknown name is rejected ("-F unknown message type") and the load stops.

Bad:
    -a never,exclude -F msgtype=ALL

Good:
    -a never,exclude -F msgtype=CRYPTO_KEY_USER`,
})

var _ = register(&Check{
	ID:       "FLD-AUID-RANGE-WITHOUT-UNSET",
	Title:    "auid>= range that includes unset",
	Severity: Warning,
	Doc: `A process that never logged in (a daemon) has the unset login UID, 4294967295, which
satisfies auid>=1000. The rule meant for people then also records every daemon.

Bad:
    -a always,exit -F arch=b64 -S openat -F auid>=1000 -k access

Good:
    -a always,exit -F arch=b64 -S openat -F auid>=1000 -F auid!=unset -k access`,
	Run: func(p *Pass) {
		for _, r := range p.Rules {
			auids := r.FieldsNamed("auid")
			ranged := false
			for _, f := range auids {
				ranged = ranged || (f.Resolved && (f.Op == ">=" || f.Op == ">"))
			}
			if ranged && allows(auids, math.MaxUint32) {
				p.Reportf(r.Item.Origin, nil, "auid range without auid!=unset: processes that never logged in (auid 4294967295) match too; add -F auid!=unset")
			}
		}
	},
})

// allows reports whether the interval constraints let value v through.
func allows(fs []model.Field, v uint32) bool {
	for _, f := range fs {
		if !f.Resolved {
			continue
		}
		ok := true
		switch f.Op {
		case "=":
			ok = v == f.Value
		case "!=":
			ok = v != f.Value
		case "<":
			ok = v < f.Value
		case "<=":
			ok = v <= f.Value
		case ">":
			ok = v > f.Value
		case ">=":
			ok = v >= f.Value
		}
		if !ok {
			return false
		}
	}
	return true
}

var _ = register(&Check{
	ID:       "FLD-KEY-ON-NEVER",
	Title:    "key on a never rule",
	Severity: Info,
	Doc: `A never rule records nothing, so its key is never logged; it suggests to readers that
something is being recorded.

Bad:
    -a never,exit -F arch=b64 -S all -F dir=/dev/shm -k shm

Good:
    -a never,exit -F arch=b64 -S all -F dir=/dev/shm`,
	Run: func(p *Pass) {
		for _, r := range p.Rules {
			if r.Action == model.Never && len(r.Keys) > 0 && r.List != model.ListExclude {
				p.Reportf(r.Item.Origin, nil, "key %q on a never rule is never logged: remove it", strings.Join(r.Keys, ","))
			}
		}
	},
})

var _ = register(&Check{
	ID:       "LST-TASK-NEVER-GLOBAL",
	Title:    "-a never,task turns syscall auditing off",
	Severity: Error,
	Doc: `"-a never,task" without fields gives every task created afterwards no audit context at all:
no syscall rule and no watch can ever fire for it (tasks already running are unaffected). It
is the "no audit" default of some distributions, and it silently disables every exit rule
and watch of the set.

Bad:
    -a never,task
    -w /etc/passwd -p wa -k identity

Good: remove "-a never,task" when the set has syscall rules or watches.`,
	Run: func(p *Pass) {
		exitRules := 0
		for _, r := range p.Rules {
			if r.List == model.ListExit {
				exitRules++
			}
		}
		if exitRules == 0 {
			return
		}
		for _, r := range p.Rules {
			if r.List == model.ListTask && r.Action == model.Never && len(r.Fields) == 0 {
				p.Reportf(r.Item.Origin, nil, "-a never,task gives every new task no audit context: the %d syscall rules and watches of this set never fire; remove it", exitRules)
			}
		}
	},
})

// dropsSyscallRecords says whether an exclude rule drops every SYSCALL
// record: no field but msgtype, and msgtype lets SYSCALL through.
func dropsSyscallRecords(r *model.Rule) bool {
	msg := r.FieldsNamed("msgtype")
	return len(r.Fields) == len(msg) && allows(msg, model.RecordSyscall)
}

var _ = register(&Check{
	ID:       "LST-EXCLUDE-EVERYTHING",
	Title:    "exclude rule that drops syscall records",
	Severity: Error,
	Doc: `The exclude list filters every record before it is written, including the SYSCALL records
that exit rules produce. An exclude rule without fields, or one whose msgtype range takes in
SYSCALL (1300), makes every syscall rule and watch of the set record nothing. On this list
the action does not matter: any match drops the record.

Bad:
    -a always,exclude -F msgtype>0
    -a never,exclude

Good:
    -a always,exclude -F msgtype=CRYPTO_KEY_USER`,
	Run: func(p *Pass) {
		for _, r := range p.Rules {
			if r.List != model.ListExclude {
				continue
			}
			if dropsSyscallRecords(r) {
				p.Reportf(r.Item.Origin, nil, "this exclude rule drops SYSCALL records: every syscall rule and watch of the set records nothing; exclude single record types (e.g. msgtype=CRYPTO_KEY_USER)")
			}
		}
	},
})

var _ = register(&Check{
	ID:       "LST-FILTER-UNSUPPORTED-FIELD",
	Title:    "field the user or exclude filter cannot evaluate",
	Severity: Error,
	Doc: `The kernel's user and exclude filters know only pid, uid, gid, auid, msgtype, exe and the
subj_* fields. Any other field (euid, sessionid, arch, a0, ...) makes the kernel stop
evaluating the list and keep the record: this rule and every later rule of the list are
skipped for the records that reach it. Newer auditctl versions accept such rules.

Bad:
    -a never,user -F euid=12345
    -a never,user -F msgtype=USER_CMD

Good:
    -a never,user -F uid=12345
    -a never,user -F msgtype=USER_CMD`,
	Run: func(p *Pass) {
		for _, r := range p.Rules {
			if r.List != model.ListUser && r.List != model.ListExclude {
				continue
			}
			for _, f := range r.Fields {
				name := f.Name
				if f.Kind == model.KindCompare {
					name = "-C " + f.Name
				} else if f.Def.UserFilter || f.Def.ExitOnly {
					continue // exit-only fields are FLD-NOT-VALID-FOR-LIST
				}
				p.Reportf(r.Item.Origin, nil, "the %s filter cannot evaluate %s: the kernel stops at this rule and keeps the record, skipping every later %s rule; use pid, uid, gid, auid, msgtype, exe or subj_*",
					r.List, name, r.List)
			}
		}
	},
})

var _ = register(&Check{
	ID:        "FLD-SINGLETON-REPEATED",
	Title:     "second path, dir, inode or exe in one rule",
	Severity:  Error,
	FailsLoad: true,
	Doc: `The kernel keeps one watched object per rule: a single path=, dir= or inode= (they share
the rule's inode watch) and a single exe=. A second one is refused ("Invalid argument") and
auditctl stops. Fields are AND-ed anyway, so two paths could never both match: write one
rule per path.

Bad:
    -a always,exit -F arch=b64 -S openat -F path=/etc/shadow -F path=/etc/gshadow -k shadow

Good:
    -a always,exit -F arch=b64 -S openat -F path=/etc/shadow -k shadow
    -a always,exit -F arch=b64 -S openat -F path=/etc/gshadow -k shadow`,
	Run: reportModel,
})

var _ = register(&Check{
	ID:        "SYN-FIELD-COUNT",
	Title:     "more fields than auditctl sends in one rule",
	Severity:  Error,
	FailsLoad: true,
	Doc: `auditctl sends at most 63 fields in one rule, counting arch, every -F and the key;
the next is refused ("Too many fields in rule") and the load stops. Long exclusion lists
(uid!=, msgtype=) hit it; fields are AND-ed, so split such a list over several rules the
way the kernel combines them (one never rule per group, or one always rule per value).

Bad:
    -a always,exit -F arch=b64 -S openat -F uid!=1 -F uid!=2 ... -F uid!=63 -k k

Good: the same exclusions over two never rules placed before the always rule.`,
	Run: reportModel,
})

// structuralTypes are record types an exclusion must not drop: the parts
// of every syscall event, and the evidence of audit tampering and logins
// that compliance profiles require.
var structuralTypes = []string{
	"SYSCALL", "EOE", "CWD", "PATH", "PROCTITLE", "EXECVE",
	"CONFIG_CHANGE", "DAEMON_START", "DAEMON_END", "DAEMON_ABORT", "DAEMON_CONFIG",
	"USER_AUTH", "USER_LOGIN", "USER_CMD", "USER_ACCT", "LOGIN",
}

var _ = register(&Check{
	ID:       "LST-EXCLUDE-STRUCTURAL-TYPES",
	Title:    "exclusion of records events or compliance need",
	Severity: Warning,
	Doc: `Excluding CWD, PATH, EOE or PROCTITLE saves little and breaks events: PATH records carry
the file a watch fired on, EOE ends each event for dispatchers (laurel, audisp plugins), and
CONFIG_CHANGE, DAEMON_* and USER_AUTH/LOGIN/CMD are the tamper and login evidence STIG and
PCI DSS require. Drop noise by what produces it (exe=, uid=) or by noisy types such as
CRYPTO_KEY_USER, not by the parts of an event.

Bad:
    -a always,exclude -F msgtype=EOE

Good:
    -a always,exclude -F msgtype=CRYPTO_KEY_USER`,
	Run: func(p *Pass) {
		for _, r := range p.Rules {
			if r.List != model.ListExclude {
				continue
			}
			msg := r.FieldsNamed("msgtype")
			if len(msg) == 0 || dropsSyscallRecords(r) {
				continue // LST-EXCLUDE-EVERYTHING reports these
			}
			var dropped []string
			for _, name := range structuralTypes {
				if t, ok := model.RecordType(name); ok && allows(msg, t) {
					dropped = append(dropped, name)
				}
			}
			if len(dropped) > 0 {
				p.Reportf(r.Item.Origin, nil, "this exclusion drops %s records, which events or compliance need; exclude noise by exe=, uid= or noisy types instead", strings.Join(dropped, ", "))
			}
		}
	},
})

var _ = register(&Check{
	ID:       "FLD-LSM-FIELD-NO-LSM",
	Title:    "SELinux field on a host without SELinux",
	Severity: Warning,
	Host:     true,
	Doc: `subj_* and obj_* label fields (subj_type, obj_user, ...; not obj_uid or obj_gid) compare
SELinux contexts. On a host without SELinux (Debian, Ubuntu with AppArmor) the kernel still
accepts the rule, keeps the label as "currently invalid" and the field never matches: an
always rule records nothing, and a never rule meant to drop noise suppresses nothing.
Checked with --host.

Bad (Debian):
    -a never,exit -F arch=b64 -S all -F subj_type=crond_t

Good: a field the host has:
    -a never,exit -F arch=b64 -S all -F exe=/usr/sbin/cron`,
	Run: func(p *Pass) {
		if p.host.RunsSELinux() {
			return
		}
		for _, r := range p.Rules {
			for _, f := range r.Fields {
				if f.Def != nil && f.Def.LSM {
					p.Reportf(r.Item.Origin, nil, "-F %s%s%s needs SELinux, which this host does not run: the kernel keeps the rule and the field never matches, so the %s rule never applies; use exe=, uid= or another field this host has", f.Name, f.Op, f.Text, r.Action)
					break
				}
			}
		}
	},
})
