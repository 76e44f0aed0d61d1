package lint

import (
	"github.com/auditpack/auditpack/packs/model"
)

var _ = register(&Check{
	Model:     model.CheckListTooNew,
	FailsBoot: true,
	Requires:  fromLoad,
	Title:     "filter list this host's auditctl does not know",
	Severity:  Error,
	Host:      true,
	Doc: `The io_uring list is in the kernel since Linux 5.16, but auditctl reads "-a always,io_uring"
only since audit userspace 4.0: an older auditctl refuses the line ("bad keyword") and
augenrules --load at boot stops there. auditpack apply loads such rules itself; the host's
loader does not. Checked with --host against the host's auditctl version.

Bad (auditctl 3.0.9):
    -a always,io_uring -S openat,openat2 -F key=io_uring_open

Good: the rule in a pack only hosts with audit userspace 4.0 or newer select.`,
	Run: func(p *Pass) {
		version, ok := p.host.LoaderVersion()
		if !ok {
			return
		}
		reportLoad(p)
		// A dropped rule ("-a io_uring,possible") is refused all the same
		// by an auditctl that does not know its list.
		for _, pe := range p.Ordered.Problems {
			if pe.NeedsAuditctl != "" && model.OlderVersion(version, pe.NeedsAuditctl) {
				p.Reportf(&pe.Origin, nil, "this line needs auditctl %s or newer to be read at all; this host's auditctl is %s and refuses it, so augenrules --load at boot stops here", pe.NeedsAuditctl, version)
			}
		}
	},
})

var _ = register(&Check{
	Model:     model.CheckSyscallTooNew,
	FailsBoot: true,
	Title:     "syscall this host's auditctl does not know",
	Severity:  Error,
	Host:      true,
	Doc: `auditctl resolves syscall names with tables compiled into its own version of audit
userspace, not the kernel's: a syscall newer than the loader is "Syscall name unknown" even
on a kernel that has it, and augenrules --load stops at that line at boot, so no later rule
loads. cachestat needs audit userspace 3.1.2, fchmodat2, map_shadow_stack and listmount
4.0, mseal 4.0.2, file_setattr 4.1.1; Debian 12 ships 3.0.9. Checked with --host against
the host's tables (ausyscall); auditpack apply itself uses its own tables and loads such
rules, but audit.rules is loaded by auditctl at the next boot.

Bad (auditctl 3.0.9):
    -a always,exit -F arch=b64 -S fchmodat,fchmodat2 -F auid>=1000 -F auid!=unset -k perm_mod

Good: the syscall in a pack only hosts with a newer audit userspace select, or an upgrade:
    -a always,exit -F arch=b64 -S fchmodat -F auid>=1000 -F auid!=unset -k perm_mod`,
	Requires: fromLoad,
	Run:      reportLoad,
})

// reportLoad reports the lines the load refuses under the pass's check.
func reportLoad(p *Pass) {
	for _, r := range p.loading().Refused {
		if r.Check == p.check.Model {
			p.Report(&r.Origin, nil, r.Message)
		}
	}
}
