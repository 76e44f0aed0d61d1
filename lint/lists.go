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
				p.Reportf(r.Item.Origin, nil, "-a always,task records every syscall of the matching tasks, and never rules cannot take it back: expect a flood; write exit rules for the syscalls that matter")
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
				p.Reportf(r.Item.Origin, nil, "-a never,task makes the matching tasks unauditable by every rule, watches included, judged once at fork; use -a never,exit so later rules still apply")
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
					fields = append(fields, "-F "+f.Name+f.Op+f.Text)
				}
			}
			if len(fields) > 0 {
				p.Reportf(r.Item.Origin, nil, "%s on the task list never matches (there is no syscall at fork): the rule never applies; use the exit list", strings.Join(fields, " "))
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
			p.Reportf(r.Item.Origin, nil, "-a always,user with no never,user rule after it changes nothing: user messages are recorded by default; remove it")
		}
	},
})
