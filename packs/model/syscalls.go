package model

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/elastic/go-libaudit/v2/auparse"
)

// ABI is one of a machine's two syscall ABIs, as -F arch=b64 / b32 name them.
type ABI uint8

// The ABIs of a biarch machine.
const (
	B64 ABI = iota
	B32
	numABIs
)

func (a ABI) String() string { return [...]string{"b64", "b32"}[a] }

// Target is a machine a rule set is checked for: its syscall tables per ABI
// and the audit arch constants the kernel stores for -F arch=.
type Target struct {
	Name   string            // uname -m: x86_64, aarch64, ppc64le, s390x
	tables [numABIs]string   // auparse table names
	arch   [numABIs]uint32   // AUDIT_ARCH_* values
	byName [numABIs]sysTable // name -> number, built on first use
	byNum  [numABIs]map[int]string
	once   sync.Once
	// masks holds one copy of each syscall mask rules use: thousands of
	// rules name the same syscalls, and a mask is 256 bytes.
	masks   map[Mask]*Mask
	masksMu sync.Mutex
	// lastMask is the mask interned last: rules in a row mostly name the
	// same syscalls, and comparing with it needs no lock.
	lastMask atomic.Pointer[Mask]
}

// intern returns the shared copy of m; masks are never changed after
// Normalize, so rules may share them.
func (t *Target) intern(m Mask) *Mask {
	if last := t.lastMask.Load(); last != nil && *last == m {
		return last
	}
	t.masksMu.Lock()
	defer t.masksMu.Unlock()
	if shared, ok := t.masks[m]; ok {
		t.lastMask.Store(shared)
		return shared
	}
	if t.masks == nil {
		t.masks = map[Mask]*Mask{}
	}
	shared := new(Mask) // only on a miss: taking &m would move every caller's mask to the heap
	*shared = m
	t.masks[m] = shared
	t.lastMask.Store(shared)
	return shared
}

type sysTable map[string]int

// Targets are the machines auditpack knows, by uname -m.
var Targets = map[string]*Target{
	"x86_64":  {Name: "x86_64", tables: [2]string{"x86_64", "i386"}, arch: [2]uint32{0xc000003e, 0x40000003}},
	"aarch64": {Name: "aarch64", tables: [2]string{"aarch64", "arm"}, arch: [2]uint32{0xc00000b7, 0x40000028}},
	"ppc64le": {Name: "ppc64le", tables: [2]string{"ppc64le", "ppc"}, arch: [2]uint32{0xc0000015, 0x14}},
	"s390x":   {Name: "s390x", tables: [2]string{"s390x", "s390"}, arch: [2]uint32{0x80000016, 0x16}},
}

// TargetNames lists the known targets, sorted.
func TargetNames() []string {
	var names []string
	for n := range Targets {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// LookupTarget returns the target for a uname -m name.
func LookupTarget(name string) (*Target, error) {
	if t, ok := Targets[name]; ok {
		return t, nil
	}
	return nil, fmt.Errorf("unknown target %q; known: %s", name, strings.Join(TargetNames(), ", "))
}

// newerSyscalls are the syscalls added after go-libaudit's tables (audit
// userspace 4.0.2, ending at mseal). Since Linux 5.1 new syscalls have one
// number on every architecture.
var newerSyscalls = map[int]string{
	463: "setxattrat", 464: "getxattrat", 465: "listxattrat", 466: "removexattrat",
	467: "open_tree_attr", 468: "file_getattr", 469: "file_setattr",
}

// SinceKernel is the Linux version that added each syscall of the shared
// numbering (424 onwards); older syscalls exist on every kernel audit
// rules target today.
var SinceKernel = map[string]string{
	"pidfd_send_signal": "5.1", "io_uring_setup": "5.1", "io_uring_enter": "5.1", "io_uring_register": "5.1",
	"open_tree": "5.2", "move_mount": "5.2", "fsopen": "5.2", "fsconfig": "5.2", "fsmount": "5.2", "fspick": "5.2",
	"pidfd_open": "5.3", "clone3": "5.3", "close_range": "5.9", "openat2": "5.6", "pidfd_getfd": "5.6",
	"faccessat2": "5.8", "process_madvise": "5.10", "epoll_pwait2": "5.11", "mount_setattr": "5.12",
	"quotactl_fd": "5.14", "landlock_create_ruleset": "5.13", "landlock_add_rule": "5.13",
	"landlock_restrict_self": "5.13", "memfd_secret": "5.14", "process_mrelease": "5.15", "futex_waitv": "5.16",
	"set_mempolicy_home_node": "5.17", "cachestat": "6.5", "fchmodat2": "6.6", "map_shadow_stack": "6.6",
	"futex_wake": "6.7", "futex_wait": "6.7", "futex_requeue": "6.7", "statmount": "6.8", "listmount": "6.8",
	"lsm_get_self_attr": "6.8", "lsm_set_self_attr": "6.8", "lsm_list_modules": "6.8", "mseal": "6.10",
	"setxattrat": "6.13", "getxattrat": "6.13", "listxattrat": "6.13", "removexattrat": "6.13",
	"open_tree_attr": "6.15", "file_getattr": "6.17", "file_setattr": "6.17",
}

// aliases are names auditctl accepts that a table spells differently.
var aliases = map[string]map[string]string{
	"i386": {"madvise": "madvise1"},
}

func (t *Target) load() {
	t.once.Do(func() {
		for abi, table := range t.tables {
			m := sysTable{}
			for num, name := range auparse.AuditSyscalls[table] {
				m[name] = num
			}
			for num, name := range newerSyscalls {
				m[name] = num
			}
			for alias, name := range aliases[table] {
				m[alias] = m[name]
			}
			t.byName[abi] = m
			nums := map[int]string{}
			for num, name := range auparse.AuditSyscalls[table] {
				nums[num] = name
			}
			for num, name := range newerSyscalls {
				nums[num] = name
			}
			t.byNum[abi] = nums
		}
	})
}

// Syscall returns the number of a syscall name (or number) on an ABI, as
// auditctl finds it: the name in any case, else, for a word starting
// with a digit, the number strtol reads (0257 is octal, 257abc is 257),
// kept in an int, within the kernel's 2048-bit mask.
func (t *Target) Syscall(abi ABI, name string) (int, bool) {
	t.load()
	if n, ok := t.byName[abi][name]; ok {
		return n, true // most names are written as the table spells them
	}
	if n, ok := t.byName[abi][strings.ToLower(name)]; ok {
		return n, true
	}
	if name == "" || name[0] < '0' || name[0] > '9' {
		return 0, false
	}
	n := int(int32(readC(name, true).value))
	return n, n >= 0 && n < 2048
}

// SyscallNames maps an ABI's syscall numbers to names.
func (t *Target) SyscallNames(abi ABI) map[int]string {
	t.load()
	return t.byNum[abi]
}

// TableName is the name audit userspace gives an ABI's syscall table
// (ausyscall's machine argument): x86_64 and i386, aarch64 and arm, ...
func (t *Target) TableName(abi ABI) string { return t.tables[abi] }

// HasSyscall reports whether the ABI's table names the syscall.
func (t *Target) HasSyscall(abi ABI, name string) bool {
	_, ok := t.Syscall(abi, name)
	return ok
}

// ArchABI resolves a -F arch= value to an ABI of this target: b64, b32
// (in any case), a machine name or an AUDIT_ARCH number. ok is false for
// another machine's arch.
func (t *Target) ArchABI(value string) (ABI, bool) {
	c, ok := archConst(t, value)
	if !ok {
		return 0, false
	}
	for abi, v := range t.arch {
		if v == c {
			return ABI(abi), true
		}
	}
	return 0, false
}

// ArchConst is the AUDIT_ARCH_* value the kernel stores for an ABI.
func (t *Target) ArchConst(abi ABI) uint32 { return t.arch[abi] }

// archConst is the AUDIT_ARCH_* value of a -F arch= value: b64 and b32 for
// the target, or any machine's name or number (a foreign arch never
// matches there).
func archConst(t *Target, value string) (uint32, bool) {
	switch strings.ToLower(value) {
	case "b64":
		return t.arch[B64], true
	case "b32":
		return t.arch[B32], true
	}
	return archConstant(value)
}

// archConstant is the AUDIT_ARCH_* value auditctl makes of an -F arch=
// value that is not b64 or b32: a machine name in any case (x86_64,
// I686), a number (strtoul with base 0), or else the text read as hex
// (c000003e); out of range is refused, and the value is cut to 32 bits
// (auditctl keeps an unsigned int) before it is looked up.
func archConstant(value string) (uint32, bool) {
	if value == "" {
		return 0, false
	}
	if c, ok := machineNames[strings.ToLower(value)]; ok {
		return c, true
	}
	var n cNumber
	if value[0] >= '0' && value[0] <= '9' {
		n = readC(value, false)
	} else {
		n = readHex(value)
	}
	return n.u32(), !n.saturated && elfMachines[n.u32()]
}

// Native is the target of the machine auditpack runs on.
func Native() *Target {
	if t, ok := Targets[nativeMachine()]; ok {
		return t
	}
	return Targets["x86_64"]
}
