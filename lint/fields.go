package lint

import (
	"math"
	"strings"

	"github.com/auditpack/auditpack/packs/model"
)

// Checks of fields, operators and filter lists.

var _ = register(&Check{
	Model:     model.CheckNotForList,
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
})

var _ = register(&Check{
	Model:     model.CheckBadOperator,
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
			if countFields(r, model.KindArch) > 1 && r.MatchesNothing() {
				p.Reportf(&r.Item.Origin, nil, "the arch fields exclude each other: the rule never matches; keep one arch per rule")
			}
			seen := map[string]bool{}
			for _, f := range r.Fields {
				if f.Kind != model.KindNumeric || seen[f.Name()] {
					continue
				}
				seen[f.Name()] = true
				if r.Unsatisfiable(f.Name()) {
					p.Reportf(&r.Item.Origin, nil, "the %s constraints exclude every value: the rule never matches", f.Name())
				}
			}
			for _, s := range r.FieldsNamed("success") {
				for _, e := range r.FieldsNamed("exit") {
					if s.Op != model.OpEqual || e.Op != model.OpEqual || !s.Resolved || !e.Resolved {
						continue
					}
					failed := int32(e.Value) < 0
					if (s.Value == 1 && failed) || (s.Value == 0 && !failed) {
						p.Reportf(&r.Item.Origin, nil, "success=%d contradicts exit=%s: the rule never matches; keep one of them", s.Value, e.Text)
					}
				}
			}
		}
	},
})

func countFields(r *model.Rule, k model.Kind) int {
	n := 0
	for i := range r.Fields {
		if r.Fields[i].Kind == k {
			n++
		}
	}
	return n
}

var _ = register(&Check{
	Model:    model.CheckPositiveErrno,
	Title:    "exit= errno name without the minus sign",
	Severity: Warning,
	Doc: `A failed syscall returns a negative errno. "-F exit=EACCES" is converted to +13, "the
syscall returned 13", which is not what anybody means; the rule misses every failure.

Bad:
    -a always,exit -F arch=b64 -S openat -F exit=EACCES -k access

Good:
    -a always,exit -F arch=b64 -S openat -F exit=-EACCES -k access`,
})

var _ = register(&Check{
	Model:    model.CheckTruncated,
	Title:    "numeric value auditctl cuts to 32 bits or misreads",
	Severity: Error,
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
	Model:     model.CheckBadValue,
	Title:     "field value that is not a number",
	Severity:  Error,
	FailsLoad: true,
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
				ranged = ranged || (f.Resolved && (f.Op == model.OpGreaterEq || f.Op == model.OpGreater))
			}
			if ranged && allows(auids, math.MaxUint32) {
				p.Reportf(&r.Item.Origin, nil, "auid range without auid!=unset: processes that never logged in (auid 4294967295) match too; add -F auid!=unset")
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
		case model.OpEqual:
			ok = v == f.Value
		case model.OpNotEqual:
			ok = v != f.Value
		case model.OpLess:
			ok = v < f.Value
		case model.OpLessEq:
			ok = v <= f.Value
		case model.OpGreater:
			ok = v > f.Value
		case model.OpGreaterEq:
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
				p.Reportf(&r.Item.Origin, nil, "key %q on a never rule is never logged: remove it", strings.Join(r.Keys, ","))
			}
		}
	},
})

var _ = register(&Check{
	Model:     model.CheckSingleton,
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
					p.Reportf(&r.Item.Origin, nil, "-F %s%s%s needs SELinux, which this host does not run: the kernel keeps the rule and the field never matches, so the %s rule never applies; use exe=, uid= or another field this host has", f.Name(), f.Op, f.Text, r.Action)
					break
				}
			}
		}
	},
})

var _ = register(&Check{
	ID:       "FLD-AUID-NOT-UID-MIN",
	Title:    "auid threshold that is not this host's UID_MIN",
	Severity: Warning,
	Host:     true,
	Doc: `STIG, CIS and OSPP rules write -F auid>=1000 for "every user after login", because
1000 is RHEL's and Debian's first user ID (UID_MIN in /etc/login.defs). On a host whose UID_MIN
is 500, users 500 to 999 are not recorded at all; on one whose UID_MIN is 2000, system accounts
1000 to 1999 are. Checked with --host against this host's UID_MIN. Packs write
auid>=${UID_MIN}, which compile --host and apply resolve from this host.

Bad (UID_MIN 1000):
    -a always,exit -F arch=b64 -S chmod -F auid>=2000 -F auid!=unset -k perm_mod

Good:
    -a always,exit -F arch=b64 -S chmod -F auid>=1000 -F auid!=unset -k perm_mod`,
	Run: func(p *Pass) {
		uidMin, ok := p.host.UIDMin()
		if !ok {
			return
		}
		for _, r := range p.Rules {
			for _, f := range r.Fields {
				if f.Name() != "auid" || !f.Resolved || (f.Op != model.OpGreaterEq && f.Op != model.OpGreater) || f.Value == math.MaxUint32 {
					continue
				}
				first := f.Value // unset (4294967295) is FLD-BAD-OPERATOR's
				if f.Op == model.OpGreater {
					first++
				}
				switch {
				case first > uidMin:
					p.Reportf(&r.Item.Origin, nil, "-F auid%s%s leaves out users %d to %d: this host's UID_MIN is %d (login.defs); write auid>=%d, or auid>=${UID_MIN} in a pack", f.Op, f.Text, uidMin, first-1, uidMin, uidMin)
				case first < uidMin && first > 0:
					p.Reportf(&r.Item.Origin, nil, "-F auid%s%s also records system accounts %d to %d: this host's UID_MIN is %d (login.defs); write auid>=%d, or auid>=${UID_MIN} in a pack", f.Op, f.Text, first, uidMin-1, uidMin, uidMin)
				}
			}
		}
	},
})
