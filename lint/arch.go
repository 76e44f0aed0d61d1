package lint

import (
	"cmp"
	"fmt"
	"hash/maphash"
	"slices"
	"strconv"
	"strings"

	"github.com/auditpack/auditpack/packs/model"
)

// Checks of arches and syscalls.

func namedSyscalls(r *model.Rule) bool {
	return len(r.Syscalls()) > 0 && !r.AllSyscalls
}

var _ = register(&Check{
	ID:       "ARCH-MISSING",
	Title:    "syscall rule without -F arch=",
	Severity: Warning,
	Doc: `Without an arch, auditctl looks the syscall names up in the loading machine's native
table and the rule matches those numbers in every ABI: on x86_64, "-S open" (2) also matches
the 32-bit syscall 2, which is fork. auditctl warns "32/64 bit syscall mismatch".

Bad:
    -a always,exit -S openat -k access

Good:
    -a always,exit -F arch=b64 -S openat -k access
    -a always,exit -F arch=b32 -S openat -k access`,
	Run: func(p *Pass) {
		for _, r := range p.Rules {
			if r.List == model.ListExit && namedSyscalls(r) && !r.HasArch {
				p.Reportf(&r.Item.Origin, nil, "-S %s without -F arch=: the numbers of the native table match a different syscall in the other ABI; write one rule per arch (-F arch=b64, -F arch=b32)", strings.Join(r.Syscalls(), ","))
			}
		}
	},
})

var _ = register(&Check{
	Model:     model.CheckArchAfterSyscall,
	Title:     "-F arch= written after -S",
	Severity:  Error,
	FailsLoad: true,
	Doc: `auditctl resolves syscall names with the arch given before -S; an arch after -S is refused
("arch must be before -S") and the load stops.

Bad:
    -a always,exit -S openat -F arch=b64 -k access

Good:
    -a always,exit -F arch=b64 -S openat -k access`,
})

var _ = register(&Check{
	Model:     model.CheckSyscallUnknown,
	Title:     "syscall the target's ABI does not have",
	Severity:  Error,
	FailsLoad: true,
	Doc: `Syscall tables differ between machines and ABIs: x86_64's 64-bit ABI has no stime, umount or
socketcall, aarch64's has no open, creat, chmod, chown, unlink, rename, mkdir, rmdir or fork.
auditctl refuses the name ("Syscall name unknown") and the load stops. Check other machines
with --target x86_64,aarch64,ppc64le,s390x.

Bad (x86_64):
    -a always,exit -F arch=b64 -S stime -k time

Good:
    -a always,exit -F arch=b32 -S stime -k time
    -a always,exit -F arch=b64 -S clock_settime,settimeofday -k time`,
	Run: func(p *Pass) {
		for _, t := range p.Targets {
			for _, r := range p.RulesFor(t) {
				for _, u := range r.Unknown() {
					since := ""
					if v, ok := model.SinceKernel[u.Name]; ok {
						since = fmt.Sprintf(" (it needs Linux %s)", v)
					}
					p.Reportf(&r.Item.Origin, nil, "syscall %q does not exist in %s's %s table%s: auditctl stops with \"Syscall name unknown\"; remove it or move it to a rule for the other arch",
						u.Name, t.Name, u.ABI, since)
				}
			}
		}
	},
})

var _ = register(&Check{
	ID:       "ARCH-COVERAGE-GAP",
	Title:    "rule for one ABI without its twin for the other",
	Severity: Warning,
	Doc: `On a 64-bit machine a 32-bit process (int 0x80, compat binaries) uses the other ABI, so a
rule written for arch=b64 only does not see it. Security rules come in pairs, one per arch,
unless the profile drops an ABI (arches = ["b64"]).

Bad:
    -a always,exit -F arch=b64 -S mount,umount2 -F auid>=1000 -F auid!=unset -k mount

Good:
    -a always,exit -F arch=b64 -S mount,umount2 -F auid>=1000 -F auid!=unset -k mount
    -a always,exit -F arch=b32 -S mount,umount2 -F auid>=1000 -F auid!=unset -k mount`,
	Run: func(p *Pass) { coverageGaps(p, twinHash) },
})

// coverageGaps reports the syscalls of one-ABI rules that no twin for the
// other ABI covers; hash groups candidate twins.
func coverageGaps(p *Pass, hash func(*model.Rule) uint64) {
	wanted := map[model.ABI]bool{model.B64: true, model.B32: true}
	if arches := p.Selection.Arches; len(arches) > 0 {
		wanted = map[model.ABI]bool{}
		for _, a := range arches {
			abi, _ := p.Targets[0].ArchABI(a)
			wanted[abi] = true
		}
	}
	// Rules that differ only in arch and syscalls, per ABI, as classes
	// grouped by a hash of what they share (confirmed field by field),
	// for the ABIs some rule of the other one asks about.
	var asked [2]bool
	for _, r := range p.Rules {
		if abi, ok := r.SingleABI(); ok && namedSyscalls(r) && wanted[1-abi] {
			asked[1-abi] = true
		}
	}
	hashes := make([]uint64, len(p.Rules))
	var members [2][]int
	for i, r := range p.Rules {
		if abi, ok := r.SingleABI(); ok && (asked[abi] || asked[1-abi]) {
			hashes[i] = hash(r)
			if asked[abi] {
				members[abi] = append(members[abi], i)
			}
		}
	}
	twins := [2]*twinClasses{newTwinClasses(p.Rules, members[0], hashes), newTwinClasses(p.Rules, members[1], hashes)}
	t := p.Targets[0]
	messages := map[string]string{} // one per ABI and syscall list
	var missing []string            // reused: most rules miss nothing, some a dozen
	var key []byte
	for i, r := range p.Rules {
		abi, ok := r.SingleABI()
		if !ok || !namedSyscalls(r) {
			continue
		}
		other := 1 - abi
		if !wanted[other] {
			continue
		}
		missing = missing[:0]
		twin := twins[other].class(r, hashes[i])
		for _, s := range r.Syscalls() {
			if n, ok := t.Syscall(other, s); ok && t.HasSyscall(abi, s) && !twins[other].sees(twin, other, n) {
				missing = append(missing, s)
			}
		}
		if len(missing) == 0 {
			continue
		}
		key = append(key[:0], other.String()...)
		for _, s := range missing {
			key = append(append(key, ' '), s...)
		}
		msg, ok := messages[string(key)]
		if !ok {
			msg = fmt.Sprintf("no %s rule with the same fields covers %s: %s processes escape this %s rule; add its -F arch=%s twin",
				other, strings.Join(missing, ","), other, abi, other)
			messages[string(key)] = msg
		}
		p.Report(&r.Item.Origin, nil, msg)
	}
}

// twinSeed keys twinHash for this process.
var twinSeed = maphash.MakeSeed()

// twinHash hashes what twins share: the action and the fields but arch.
func twinHash(r *model.Rule) uint64 {
	var h maphash.Hash
	h.SetSeed(twinSeed)
	h.WriteByte(byte(r.Action))
	for _, f := range r.Fields {
		if f.Kind != model.KindArch {
			h.WriteString(f.Name())
			h.WriteString(f.Op.String())
			h.WriteString(f.Text)
			h.WriteByte(0)
		}
	}
	return h.Sum64()
}

// sameButArch reports whether two rules differ only in arch and syscalls.
func sameButArch(a, b *model.Rule) bool {
	if a.Action != b.Action {
		return false
	}
	fa, fb := withoutArch(a.Fields), withoutArch(b.Fields)
	for {
		fx, okA := fa()
		fy, okB := fb()
		if okA != okB {
			return false
		}
		if !okA {
			return true
		}
		if fx.Name() != fy.Name() || fx.Op != fy.Op || fx.Text != fy.Text {
			return false
		}
	}
}

// withoutArch steps through fields, skipping arch fields.
func withoutArch(fields []model.Field) func() (*model.Field, bool) {
	i := 0
	return func() (*model.Field, bool) {
		for ; i < len(fields); i++ {
			if fields[i].Kind != model.KindArch {
				i++
				return &fields[i-1], true
			}
		}
		return nil, false
	}
}

// twinClasses are the single-ABI rules of one ABI as classes of rules
// that differ only in arch and syscalls, each with the syscalls its rules
// see together: a rule's twins are found as one class, however many rules
// share its fields (a set of one rule per key has them all alike). The
// classes are sorted by hash.
type twinClasses struct {
	hashes []uint64
	heads  []*model.Rule // each class's first rule
	seen   []*model.Mask // the syscalls a class's rules see (nil: its head's)
}

// newTwinClasses makes the classes of the rules at members, whose hashes
// are at the same places in hashes.
func newTwinClasses(rules []*model.Rule, members []int, hashes []uint64) *twinClasses {
	type member struct {
		hash uint64
		at   int
	}
	sorted := make([]member, len(members))
	for k, i := range members {
		sorted[k] = member{hashes[i], i}
	}
	slices.SortFunc(sorted, func(a, b member) int { return cmp.Or(cmp.Compare(a.hash, b.hash), a.at-b.at) })
	c := &twinClasses{}
	for k := 0; k < len(sorted); {
		h, first := sorted[k].hash, len(c.heads)
		for ; k < len(sorted) && sorted[k].hash == h; k++ {
			r := rules[sorted[k].at]
			at := slices.IndexFunc(c.heads[first:], func(head *model.Rule) bool { return sameButArch(r, head) })
			if at < 0 {
				c.hashes, c.heads, c.seen = append(c.hashes, h), append(c.heads, r), append(c.seen, nil)
				continue
			}
			at += first
			if c.seen[at] == nil {
				seen := *c.heads[at].WireMask
				c.seen[at] = &seen
			}
			for w := range c.seen[at] {
				c.seen[at][w] |= r.WireMask[w]
			}
		}
	}
	return c
}

// class is the class of r's twins (r of hash h), or -1.
func (c *twinClasses) class(r *model.Rule, h uint64) int {
	for k, _ := slices.BinarySearch(c.hashes, h); k < len(c.hashes) && c.hashes[k] == h; k++ {
		if sameButArch(r, c.heads[k]) {
			return k
		}
	}
	return -1
}

// sees reports whether the rules of class k (-1: none) see syscall n of abi.
func (c *twinClasses) sees(k int, abi model.ABI, n int) bool {
	if k < 0 {
		return false
	}
	if seen := c.seen[k]; seen != nil {
		return seen.Has(n)
	}
	return c.heads[k].MaskFor(abi).Has(n)
}

var _ = register(&Check{
	ID:       "ARCH-NUMERIC-SYSCALL",
	Title:    "syscall given by number",
	Severity: Warning,
	Doc: `auditctl takes -S 2000 as it is: any number below 2048 loads without a check that the
ABI has such a syscall, numbers differ between ABIs (openat is 257 on x86_64, 295 on i386,
56 on aarch64), and nobody reading the rule knows what it audits. Write the name.

Bad:
    -a always,exit -F arch=b64 -S 257 -k open

Good:
    -a always,exit -F arch=b64 -S openat -k open`,
	Run: func(p *Pass) {
		t := p.Targets[0]
		for _, r := range p.Rules {
			abi := model.B64
			if a, ok := r.SingleABI(); ok {
				abi = a
			}
			for _, name := range r.Syscalls() {
				if name == "" || (name[0] < '0' || name[0] > '9') && name[0] != '-' && name[0] != '+' {
					continue // a name: Atoi would fail, and build an error to say so
				}
				n, err := strconv.Atoi(name)
				if err != nil {
					continue
				}
				what := fmt.Sprintf("%s's %s table has no syscall %d: the rule never matches", t.Name, abi, n)
				if known, ok := t.SyscallNames(abi)[n]; ok {
					what = fmt.Sprintf("on %s %s it is %s; write -S %s", t.Name, abi, known, known)
				}
				p.Reportf(&r.Item.Origin, nil, "-S %d is a number, loaded without a check: %s", n, what)
			}
		}
	},
})
