package lint

import (
	"strconv"
	"strings"

	"github.com/auditpack/auditpack/packs/model"
)

// olderVersion reports whether dotted version a is older than b.
func olderVersion(a, b string) bool {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < max(len(as), len(bs)); i++ {
		var x, y int
		if i < len(as) {
			x, _ = strconv.Atoi(as[i])
		}
		if i < len(bs) {
			y, _ = strconv.Atoi(bs[i])
		}
		if x != y {
			return x < y
		}
	}
	return false
}

var _ = register(&Check{
	ID:        "LST-LIST-TOO-NEW-FOR-LOADER",
	FailsBoot: true,
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
		for _, r := range p.Rules {
			if since, newer := model.ListSinceAuditctl[r.List]; newer && olderVersion(version, since) {
				p.Reportf(&r.Item.Origin, nil, "the %s list needs auditctl %s or newer; this host's auditctl is %s and refuses the line, so augenrules --load at boot stops here", r.List, since, version)
			}
		}
		// A dropped rule ("-a io_uring,possible") is refused all the same
		// by an auditctl that does not know its list.
		for _, pe := range p.Ordered.Problems {
			if pe.NeedsAuditctl != "" && olderVersion(version, pe.NeedsAuditctl) {
				p.Reportf(&pe.Origin, nil, "this line needs auditctl %s or newer to be read at all; this host's auditctl is %s and refuses it, so augenrules --load at boot stops here", pe.NeedsAuditctl, version)
			}
		}
	},
})

var _ = register(&Check{
	ID:        "ARCH-SYSCALL-TOO-NEW-FOR-LOADER",
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
	Run: func(p *Pass) {
		native := model.Native()
		for _, t := range p.Targets {
			if t != native {
				continue // another machine's loader is not here to ask
			}
			tables := loaderTables{host: p.host, read: map[string]loaderResult{}}
			version := "audit userspace"
			if v, ok := p.host.LoaderVersion(); ok {
				version = "auditctl version " + v
			}
			for _, r := range p.RulesFor(t) {
				if len(r.Syscalls()) == 0 || len(r.Unknown()) > 0 || r.List == model.ListIOUring {
					continue // io_uring rules name operations, not syscalls
				}
				// auditctl looks names up in the table of the rule's arch,
				// or its native one when the rule has none.
				abi := model.B64
				if a, ok := singleABI(r); ok {
					abi = a
				}
				table := t.TableName(abi)
				numbers, ok, err := tables.get(table)
				if err != nil {
					p.Reportf(&r.Item.Origin, nil, "cannot read this host's syscall table: %v", err)
					return
				}
				if !ok {
					return
				}
				var missing []string
				for _, name := range r.Syscalls() {
					if _, err := strconv.Atoi(name); err == nil {
						continue // auditctl takes numbers without its table
					}
					if n, known := t.Syscall(abi, name); known && !numbers[n] {
						if v, ok := model.SinceKernel[name]; ok {
							name += " (Linux " + v + ")"
						}
						missing = append(missing, name)
					}
				}
				if len(missing) > 0 {
					verb := "are"
					if len(missing) == 1 {
						verb = "is"
					}
					p.Reportf(&r.Item.Origin, nil, "%s %s not in the %s table of this host's %s: augenrules --load at boot stops at this line with \"Syscall name unknown\" and loads no later rule; upgrade audit userspace or move these syscalls to a pack for newer hosts",
						strings.Join(missing, ", "), verb, table, version)
				}
			}
		}
	},
})

// loaderTables reads each of the host's tables once per run.
type loaderTables struct {
	host Host
	read map[string]loaderResult
}

type loaderResult struct {
	numbers map[int]bool
	ok      bool
	err     error
}

func (c loaderTables) get(table string) (map[int]bool, bool, error) {
	r, seen := c.read[table]
	if !seen {
		r.numbers, r.ok, r.err = c.host.LoaderTable(table)
		c.read[table] = r
	}
	return r.numbers, r.ok, r.err
}
