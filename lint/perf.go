package lint

import (
	"strings"

	"github.com/auditpack/auditpack/packs/model"
)

// Checks of cost: rules that make every syscall slower or flood the log.

// selective reports whether a rule has a field that narrows it beyond
// arch, key and perm.
func selective(r *model.Rule) bool {
	for _, f := range r.Fields {
		switch f.Kind {
		case model.KindArch, model.KindPerm:
		default:
			return true
		}
	}
	return false
}

var _ = register(&Check{
	ID:       "PERF-ALL-SYSCALLS-RULES",
	Title:    "rule on every syscall with no selective field",
	Severity: Warning,
	Doc: `A rule on every syscall (-S all, or no -S) is evaluated at the exit of every syscall of every
audited process, and with no selective field (uid, auid, exe, path, dir, exit, ...) it matches
a large part of them. Catch-alls such as "-a always,exit -F arch=b32 -S all" cost the most.

Bad:
    -a always,exit -F arch=b32 -S all -k 32bit-abi

Good:
    -a always,exit -F arch=b32 -S all -F auid>=1000 -F auid!=unset -k 32bit-abi`,
	Run: func(p *Pass) {
		for _, r := range p.Rules {
			if r.List == model.ListExit && r.AllSyscalls && !r.Watch && !selective(r) && r.HasArch {
				p.Reportf(&r.Item.Origin, nil, "every syscall of every process is checked against this rule and most match: add a selective field (auid, exe, dir, exit) or name the syscalls")
			}
		}
	},
})

// noisy are syscalls so frequent on a general-purpose host that a rule on
// them needs a selective field.
var noisy = map[string]bool{
	"open": true, "openat": true, "openat2": true, "creat": true, "open_by_handle_at": true,
	"chmod": true, "fchmod": true, "fchmodat": true, "chown": true, "fchown": true, "fchownat": true, "lchown": true,
	"unlink": true, "unlinkat": true, "rename": true, "renameat": true, "renameat2": true,
	"mkdir": true, "mkdirat": true, "rmdir": true, "read": true, "write": true, "close": true, "stat": true,
	"execve": false,
}

// noisyRules are the always rules on noisy syscalls without a field that
// limits them to people (auid), failures (exit, success) or files.
func noisyRules(p *Pass) []*model.Rule {
	var out []*model.Rule
	for _, r := range p.Rules {
		if r.List != model.ListExit || r.Action != model.Always || r.AllSyscalls {
			continue
		}
		hot := false
		for _, s := range r.Syscalls() {
			hot = hot || noisy[s]
		}
		if hot && !selective(r) {
			out = append(out, r)
		}
	}
	return out
}

var _ = register(&Check{
	ID:       "PERF-NOISY-SYSCALLS",
	Title:    "unfiltered rule on a frequent syscall",
	Severity: Warning,
	Doc: `open, openat, chmod, chown, unlink, rename, mkdir and their relatives run thousands of times
a second on a busy host. An always rule on them without a field that limits it (auid>=1000
-F auid!=unset for people, exit= for failures, dir=/exe= for places) fills the backlog, loses
records, and with -f 2 panics the machine.

Bad:
    -a always,exit -F arch=b64 -S openat,unlinkat -k files

Good:
    -a always,exit -F arch=b64 -S openat,unlinkat -F exit=-EACCES -F auid>=1000 -F auid!=unset -k files`,
	Run: func(p *Pass) {
		for _, r := range noisyRules(p) {
			var hot []string
			for _, s := range r.Syscalls() {
				if noisy[s] {
					hot = append(hot, s)
				}
			}
			p.Reportf(&r.Item.Origin, nil, "%s run constantly and nothing limits this rule: add -F auid>=1000 -F auid!=unset, an exit= or a dir=/exe= field", strings.Join(hot, ","))
		}
	},
})
