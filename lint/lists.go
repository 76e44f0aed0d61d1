package lint

import (
	"strings"

	"github.com/auditpack/auditpack/packs/model"
)

// Checks of the task and user lists, whose rules work differently from
// exit rules.

var _ = register(&Check{
	ID:       "LST-TASK-ALWAYS",
	Title:    "-a always,task records every syscall of the tasks",
	Severity: Warning,
	Doc: `An always rule on the task list marks matching tasks at fork for full auditing: every
syscall they make is recorded, exit-list never rules cannot suppress it, and auditctl gives
such a rule no key. It is almost always a flood that fills the backlog.

Bad:
    -a always,task -F uid=1000

Good: exit rules for the syscalls that matter:
    -a always,exit -F arch=b64 -S execve -F uid=1000 -k exec`,
	Run: func(p *Pass) {
		for _, r := range p.Rules {
			if r.List == model.ListTask && r.Action == model.Always {
				p.Reportf(&r.Item.Origin, nil, "-a always,task records every syscall of the matching tasks, and never rules cannot take it back: expect a flood; write exit rules for the syscalls that matter")
			}
		}
	},
})

var _ = register(&Check{
	ID:       "LST-TASK-NEVER-SCOPED",
	Title:    "-a never,task makes tasks unauditable",
	Severity: Warning,
	Doc: `A never rule on the task list gives the matching tasks no audit context when they are
forked: no rule, not even a watch on /etc/shadow, can record anything they do. It is judged
once, at fork, with the parent's credentials, so a process that changes uid afterwards
escapes it (or falls under it) in ways the rule does not show.

Bad:
    -a never,task -F uid=65534

Good: suppress on the exit list, where later rules still apply:
    -a never,exit -F arch=b64 -S all -F uid=65534`,
	Run: func(p *Pass) {
		for _, r := range p.Rules {
			if r.List == model.ListTask && r.Action == model.Never && len(r.Fields) > 0 {
				p.Reportf(&r.Item.Origin, nil, "-a never,task makes the matching tasks unauditable by every rule, watches included, judged once at fork; use -a never,exit so later rules still apply")
			}
		}
	},
})

var _ = register(&Check{
	ID:       "LST-TASK-CONTEXT-FIELD",
	Title:    "task rule with a field that needs a syscall",
	Severity: Warning,
	Doc: `Task rules are judged at fork, before any syscall is audited: fields that describe a syscall
(arch, a0 to a3) have nothing to compare and never match, so the rule never applies.
auditctl accepts them anyway.

Bad:
    -a never,task -F arch=b64 -F uid=65534

Good:
    -a never,exit -F arch=b64 -S all -F uid=65534`,
	Run: func(p *Pass) {
		for _, r := range p.Rules {
			if r.List != model.ListTask {
				continue
			}
			var fields []string
			for _, f := range r.Fields {
				if f.Def != nil && f.Def.OfSyscall {
					fields = append(fields, "-F "+f.Name()+f.Op.String()+f.Text)
				}
			}
			if len(fields) > 0 {
				p.Reportf(&r.Item.Origin, nil, "%s on the task list never matches (there is no syscall at fork): the rule never applies; use the exit list", strings.Join(fields, " "))
			}
		}
	},
})

var _ = register(&Check{
	ID:       "LST-USER-ALWAYS-NOOP",
	Title:    "-a always,user without a later never,user",
	Severity: Info,
	Doc: `The user list decides whether user-space programs' messages (logins, sudo, ...) are
recorded, and recording them is already the default. An always rule there only matters when
it shields messages from a later never,user rule; alone it changes nothing.

Bad:
    -a always,user -F uid=0

Good: never rules for what to drop, an always rule before them only for exceptions:
    -a always,user -F uid=0
    -a never,user -F msgtype=USER_START`,
	Run: func(p *Pass) {
		var always []*model.Rule
		for _, r := range p.Eval {
			switch {
			case r.List != model.ListUser:
			case r.Action == model.Always:
				always = append(always, r)
			case r.Action == model.Never:
				always = nil // the earlier always rules shield records from this one
			}
		}
		for _, r := range always {
			p.Reportf(&r.Item.Origin, nil, "-a always,user with no never,user rule after it changes nothing: user messages are recorded by default; remove it")
		}
	},
})

var _ = register(&Check{
	Model:     model.CheckMsgType,
	Title:     "unknown message type",
	Severity:  Error,
	FailsLoad: true,
	Doc: `msgtype takes a record type name known to auditctl (CWD, PATH, USER_LOGIN, ...) or a
number. An unknown name is rejected ("-F unknown message type") and the load stops.

Bad:
    -a never,exclude -F msgtype=ALL

Good:
    -a never,exclude -F msgtype=CRYPTO_KEY_USER`,
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
				p.Reportf(&r.Item.Origin, nil, "-a never,task gives every new task no audit context: the %d syscall rules and watches of this set never fire; remove it", exitRules)
			}
		}
	},
})

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
				p.Reportf(&r.Item.Origin, nil, "this exclude rule drops SYSCALL records: every syscall rule and watch of the set records nothing; exclude single record types (e.g. msgtype=CRYPTO_KEY_USER)")
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
				name := f.Name()
				if f.Kind == model.KindCompare {
					name = "-C " + f.Name()
				} else if f.Def.UserFilter || f.Def.ExitOnly {
					continue // exit-only fields are FLD-NOT-VALID-FOR-LIST
				}
				p.Reportf(&r.Item.Origin, nil, "the %s filter cannot evaluate %s: the kernel stops at this rule and keeps the record, skipping every later %s rule; use pid, uid, gid, auid, msgtype, exe or subj_*",
					r.List, name, r.List)
			}
		}
	},
})

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
				p.Reportf(&r.Item.Origin, nil, "this exclusion drops %s records, which events or compliance need; exclude noise by exe=, uid= or noisy types instead", strings.Join(dropped, ", "))
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

// structuralTypes are record types an exclusion must not drop: the parts
// of every syscall event, and the evidence of audit tampering and logins
// that compliance profiles require.
var structuralTypes = []string{
	"SYSCALL", "EOE", "CWD", "PATH", "PROCTITLE", "EXECVE",
	"CONFIG_CHANGE", "DAEMON_START", "DAEMON_END", "DAEMON_ABORT", "DAEMON_CONFIG",
	"USER_AUTH", "USER_LOGIN", "USER_CMD", "USER_ACCT", "LOGIN",
}
