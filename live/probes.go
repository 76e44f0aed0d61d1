package live

import (
	"cmp"
	"fmt"
	"strconv"
	"strings"
	"syscall"

	"github.com/auditpack/auditpack/packs/model"
	"github.com/elastic/go-libaudit/v2/auparse"
)

// A probe is one harmless call: a syscall made so that it ends a known
// way, on an object auditpack made for it or on a real file the kernel
// refuses it on. The probes are the child's whole vocabulary: the parent
// names a probe (and, for a watch, the watched path), the child rebuilds
// the call from this table.
type probe struct {
	kind    string // the name explain --live and the report show
	syscall string // as the model's tables name it
	args    []arg
	outcome outcome
	// setup is what the child makes in its directory just before the
	// call: the file a successful unlink removes, ...
	setup setupKind
	// real: the call acts on the requirement's own path (a watch) and
	// tests the perm class; the kernel refuses it whoever asks.
	real  bool
	class uint8 // the perm class a real-path probe tests
	// exec: the refused exec of the scratch file without execute
	// permission, the only probe that may run with euid or egid 0.
	exec bool
	why  string // why it is harmless
}

// outcome is how a probe is meant to end.
type outcome struct {
	errno syscall.Errno // 0: success
	// fails: any error (a real-path probe: ENOTDIR, EISDIR, EACCES ...);
	// either: success or an error (a read attempt on a directory).
	fails, either bool
}

func (o outcome) String() string {
	switch {
	case o.either:
		return "any result"
	case o.fails:
		return "an error"
	case o.errno == 0:
		return "success"
	}
	return errnoName(o.errno)
}

// exact says whether the probe ends one known way, so a line that tests
// success or exit can be judged on it before it runs.
func (o outcome) exact() bool { return !o.fails && !o.either }

// met says whether a call ended as planned.
func (o outcome) met(errno syscall.Errno) bool {
	switch {
	case o.either:
		return true
	case o.fails:
		return errno != 0
	}
	return errno == o.errno
}

// setupKind is what the child makes before a call.
type setupKind uint8

const (
	setupNone     setupKind = iota
	setupFile               // an empty file of the child: unique("gone"), unique("ren")
	setupDir                // an empty directory of the child: unique("dir")
	setupXattr              // a file of the child with the xattr user.auditpack set
	setupOwnXattr           // the xattr user.auditpack set on the child's own file
)

// argKind is how the child makes an argument.
type argKind uint8

const (
	argNum       argKind = iota // a number (n), shown as text when given
	argCwd                      // AT_FDCWD
	argNull                     // a null pointer
	argPath                     // a scratch path (s) relative to the child's directory
	argString                   // a C string (s): an xattr name or value
	argReal                     // the requirement's real path
	argUnique                   // a new scratch name: s-<action id>
	argFD                       // a descriptor the child holds (s: root, own, memfd)
	argMemfdPath                // /proc/self/fd/N of the sealed memfd
	argNoExec                   // the scratch file without execute permission
	argArgv                     // {noexec, NULL} in the ABI's pointer size
	argBuf                      // n zero bytes, shown as text
	argOpenHow                  // struct open_how {flags n, mode 0600, resolve 0}
	argXattrArgs                // struct xattr_args {value "1", size 1, flags 0}
	argHandle                   // struct file_handle {8, 1, 8 zero bytes}
)

type arg struct {
	kind argKind
	n    int64
	s    string
	text string // how a number reads ("O_WRONLY|O_CREAT", "0644")
}

func num(n int64, text string) arg { return arg{kind: argNum, n: n, text: text} }
func scratch(s string) arg         { return arg{kind: argPath, s: s} }
func str(s string) arg             { return arg{kind: argString, s: s} }
func unique(prefix string) arg     { return arg{kind: argUnique, s: prefix} }
func fd(name string) arg           { return arg{kind: argFD, s: name} }

var (
	cwd       = arg{kind: argCwd}
	null      = arg{kind: argNull}
	watched   = arg{kind: argReal}
	memfdPath = arg{kind: argMemfdPath}
	noExec    = arg{kind: argNoExec}
	argv      = arg{kind: argArgv}
	xattrArgs = arg{kind: argXattrArgs}
	handle    = arg{kind: argHandle}
	fileAttr  = arg{kind: argBuf, n: 24, text: "&(struct file_attr){0}"}
	zero      = num(0, "0")
	badFD     = num(-1, "-1")
	// unmappedArgv is in the page at address 0, which no unprivileged
	// process may map (vm.mmap_min_addr).
	unmappedArgv = num(1, "(char **)1")
)

func openHow(flags int64, text string) arg {
	return arg{kind: argOpenHow, n: flags, text: "{" + text + ", 0600}"}
}

// The scratch directory's objects, relative to the child's directory
// (its box, which only the child's user and root can enter).
const (
	objOwn     = "own"           // empty file of the child, mode 0600
	objRoot    = "root"          // empty file of root, mode 0644
	objLocked  = "locked/x"      // below a directory of root, mode 0700: every lookup is refused (EACCES)
	objVictim  = "sticky/victim" // file of root in a sticky directory (01777): others may not remove or rename it (EPERM)
	objVictimD = "sticky/vdir"   // directory of root there
)

// Flags and modes, as the generic and x86 ABIs number them.
const (
	oWronly    = syscall.O_WRONLY
	oCreat     = syscall.O_CREAT
	oTrunc     = syscall.O_TRUNC
	oDirectory = 0o200000
	oNofollow  = 0o400000
	oNoatime   = 0o1000000
	sIFCHR     = syscall.S_IFCHR
	sIFIFO     = syscall.S_IFIFO
)

var (
	writeCreate = num(oWronly|oCreat|oTrunc, "O_WRONLY|O_CREAT|O_TRUNC")
	mode600     = num(0o600, "0600")
	mode644     = num(0o644, "0644")
	uidRoot     = num(0, "0")
	noChange    = num(-1, "-1")
	trusted     = str("trusted.auditpack")
	userXattr   = str("user.auditpack")
	xvalue      = str("1")
	one         = num(1, "1")
)

// Descriptions of outcomes, reused by many probes.
const (
	whyNotOwner = "uid 65534 does not own the scratch file root: the kernel refuses the change (EPERM) before making it"
	whyLocked   = "the path is below a scratch directory of root, mode 0700: the lookup is refused (EACCES), nothing is reached"
	whyOwn      = "changes only the child's own scratch object, to what it already is or in the scratch directory"
	whyBadFD    = "an invalid descriptor or argument: the kernel refuses the call before it does anything"
	whySticky   = "the scratch file or directory of root sits in a sticky directory: others may not remove or rename it (EPERM)"
	whySealed   = "the file is the child's own memfd, sealed against shrinking: truncating it is refused (EPERM); it is no file on disk"
	whyNoCap    = "uid 65534 lacks the capability the call needs: the kernel refuses it (EPERM) before any change"
)

func fails(errno syscall.Errno) outcome { return outcome{errno: errno} }

var succeeds = outcome{}

// probes is the catalogue, in the order the plan tries them for a part:
// refusals first, success (on scratch objects only) last.
var probes = buildProbes()

// probeList collects the catalogue, group by group.
type probeList []*probe

func (l *probeList) add(p probe) { *l = append(*l, &p) }

var eperm, eacces = fails(syscall.EPERM), fails(syscall.EACCES)

func buildProbes() []*probe {
	var l probeList
	l.attributes()
	l.descriptors()
	l.opens()
	l.removals()
	l.devices()
	l.refusals()
	l.realPaths()
	return l
}

// attributes: chmod and the rest on paths, each as the plain call, the *at call
// and the descriptor call where the syscall has one.
func (l *probeList) attributes() {
	type pathCall struct {
		name string
		at   bool // takes a dirfd first
		tail func(errno syscall.Errno) []arg
	}
	for _, c := range []pathCall{
		{"chmod", false, func(e syscall.Errno) []arg { return []arg{pick(e, mode644, mode600)} }},
		{"fchmodat", true, func(e syscall.Errno) []arg { return []arg{pick(e, mode644, mode600), zero} }},
		{"fchmodat2", true, func(e syscall.Errno) []arg { return []arg{pick(e, mode644, mode600), zero} }},
		{"chown", false, func(e syscall.Errno) []arg { return pickArgs(e, []arg{uidRoot, uidRoot}, []arg{noChange, noChange}) }},
		{"lchown", false, func(e syscall.Errno) []arg { return pickArgs(e, []arg{uidRoot, uidRoot}, []arg{noChange, noChange}) }},
		{"fchownat", true, func(e syscall.Errno) []arg {
			return append(pickArgs(e, []arg{uidRoot, uidRoot}, []arg{noChange, noChange}), zero)
		}},
		{"setxattr", false, func(e syscall.Errno) []arg { return []arg{pick(e, trusted, userXattr), xvalue, one, zero} }},
		{"lsetxattr", false, func(e syscall.Errno) []arg { return []arg{pick(e, trusted, userXattr), xvalue, one, zero} }},
		{"setxattrat", true, func(e syscall.Errno) []arg {
			return []arg{zero, pick(e, trusted, userXattr), xattrArgs, num(16, "16")}
		}},
		{"truncate", false, func(syscall.Errno) []arg { return []arg{zero} }},
	} {
		target := func(obj string) []arg {
			if c.at {
				return []arg{cwd, scratch(obj)}
			}
			return []arg{scratch(obj)}
		}
		epermTarget, why := target(objRoot), whyNotOwner
		if c.name == "truncate" {
			epermTarget, why = []arg{memfdPath}, whySealed
		}
		l.add(probe{kind: c.name + "/EPERM", syscall: c.name, args: append(epermTarget, c.tail(syscall.EPERM)...), outcome: eperm, why: why})
		l.add(probe{kind: c.name + "/EACCES", syscall: c.name, args: append(target(objLocked), c.tail(syscall.EACCES)...), outcome: eacces, why: whyLocked})
		l.add(probe{kind: c.name + "/success", syscall: c.name, args: append(target(objOwn), c.tail(0)...), outcome: succeeds, why: whyOwn})
	}
	// Removing an xattr: the success removes the one its setup set.
	for _, c := range []struct {
		name string
		at   bool
	}{{"removexattr", false}, {"lremovexattr", false}, {"removexattrat", true}} {
		target := func(a arg) []arg {
			if c.at {
				return []arg{cwd, a, zero}
			}
			return []arg{a}
		}
		l.add(probe{kind: c.name + "/EPERM", syscall: c.name, args: append(target(scratch(objRoot)), trusted), outcome: eperm, why: whyNotOwner})
		l.add(probe{kind: c.name + "/EACCES", syscall: c.name, args: append(target(scratch(objLocked)), userXattr), outcome: eacces, why: whyLocked})
		l.add(probe{kind: c.name + "/success", syscall: c.name, args: append(target(unique("x")), userXattr), outcome: succeeds, setup: setupXattr, why: whyOwn})
	}
}

// descriptors: calls on descriptors; the child holds root's scratch file open for
// reading (opened before it dropped root), its own file and a
// sealed memfd.
func (l *probeList) descriptors() {
	l.add(probe{kind: "fchmod/EPERM", syscall: "fchmod", args: []arg{fd("root"), mode644}, outcome: eperm, why: whyNotOwner})
	l.add(probe{kind: "fchmod/EBADF", syscall: "fchmod", args: []arg{badFD, mode600}, outcome: fails(syscall.EBADF), why: whyBadFD})
	l.add(probe{kind: "fchmod/success", syscall: "fchmod", args: []arg{fd("own"), mode600}, outcome: succeeds, why: whyOwn})
	l.add(probe{kind: "fchown/EPERM", syscall: "fchown", args: []arg{fd("root"), uidRoot, uidRoot}, outcome: eperm, why: whyNotOwner})
	l.add(probe{kind: "fchown/EBADF", syscall: "fchown", args: []arg{badFD, uidRoot, uidRoot}, outcome: fails(syscall.EBADF), why: whyBadFD})
	l.add(probe{kind: "fchown/success", syscall: "fchown", args: []arg{fd("own"), noChange, noChange}, outcome: succeeds, why: whyOwn})
	l.add(probe{kind: "fsetxattr/EPERM", syscall: "fsetxattr", args: []arg{fd("root"), trusted, xvalue, one, zero}, outcome: eperm, why: whyNotOwner})
	l.add(probe{kind: "fsetxattr/EACCES", syscall: "fsetxattr", args: []arg{fd("root"), userXattr, xvalue, one, zero}, outcome: eacces,
		why: "uid 65534 may not write root's scratch file, so not its user xattrs either (EACCES)"})
	l.add(probe{kind: "fsetxattr/success", syscall: "fsetxattr", args: []arg{fd("own"), userXattr, xvalue, one, zero}, outcome: succeeds, why: whyOwn})
	l.add(probe{kind: "fremovexattr/EPERM", syscall: "fremovexattr", args: []arg{fd("root"), trusted}, outcome: eperm, why: whyNotOwner})
	l.add(probe{kind: "fremovexattr/EACCES", syscall: "fremovexattr", args: []arg{fd("root"), userXattr}, outcome: eacces,
		why: "uid 65534 may not write root's scratch file, so not its user xattrs either (EACCES)"})
	l.add(probe{kind: "fremovexattr/success", syscall: "fremovexattr", args: []arg{fd("own"), userXattr}, outcome: succeeds, setup: setupOwnXattr, why: whyOwn})
	l.add(probe{kind: "ftruncate/EPERM", syscall: "ftruncate", args: []arg{fd("memfd"), zero}, outcome: eperm, why: whySealed})
	l.add(probe{kind: "ftruncate/EINVAL", syscall: "ftruncate", args: []arg{fd("root"), zero}, outcome: fails(syscall.EINVAL),
		why: "the descriptor is open for reading only: the kernel refuses to truncate through it (EINVAL)"})
	l.add(probe{kind: "ftruncate/success", syscall: "ftruncate", args: []arg{fd("own"), zero}, outcome: succeeds, why: whyOwn})
	l.add(probe{kind: "file_setattr/EPERM", syscall: "file_setattr", args: []arg{cwd, scratch(objRoot), fileAttr, num(24, "24"), zero},
		outcome: eperm, why: whyNotOwner})
	l.add(probe{kind: "file_setattr/EACCES", syscall: "file_setattr", args: []arg{cwd, scratch(objLocked), fileAttr, num(24, "24"), zero},
		outcome: eacces, why: whyLocked})
}

// opens: opening for writing and creating. EPERM: the sealed memfd, which
// O_TRUNC would shrink.
func (l *probeList) opens() {
	type openCall struct {
		name string
		args func(target arg) []arg
	}
	for _, c := range []openCall{
		{"open", func(t arg) []arg { return []arg{t, writeCreate, mode600} }},
		{"openat", func(t arg) []arg { return []arg{cwd, t, writeCreate, mode600} }},
		{"openat2", func(t arg) []arg {
			return []arg{cwd, t, openHow(oWronly|oCreat|oTrunc, "O_WRONLY|O_CREAT|O_TRUNC"), num(24, "24")}
		}},
		{"creat", func(t arg) []arg { return []arg{t, mode600} }},
	} {
		l.add(probe{kind: c.name + "/EPERM", syscall: c.name, args: c.args(memfdPath), outcome: eperm, why: whySealed})
		l.add(probe{kind: c.name + "/EACCES", syscall: c.name, args: c.args(scratch(objLocked)), outcome: eacces, why: whyLocked})
		l.add(probe{kind: c.name + "/success", syscall: c.name, args: c.args(unique("new")), outcome: succeeds,
			why: "creates a new empty file in the child's scratch directory"})
	}
	l.add(probe{kind: "open_by_handle_at/EPERM", syscall: "open_by_handle_at", args: []arg{cwd, handle, writeCreate}, outcome: eperm,
		why: "opening by handle needs CAP_DAC_READ_SEARCH: the kernel refuses uid 65534 (EPERM) before it looks at the handle"})
}

// removals: removing and renaming.
func (l *probeList) removals() {
	for _, c := range []struct {
		name string
		args func(from, to arg) []arg
	}{
		{"rename", func(f, t arg) []arg { return []arg{f, t} }},
		{"renameat", func(f, t arg) []arg { return []arg{cwd, f, cwd, t} }},
		{"renameat2", func(f, t arg) []arg { return []arg{cwd, f, cwd, t, zero} }},
	} {
		l.add(probe{kind: c.name + "/EPERM", syscall: c.name, args: c.args(scratch(objVictim), scratch("sticky/moved")), outcome: eperm, why: whySticky})
		l.add(probe{kind: c.name + "/EACCES", syscall: c.name, args: c.args(scratch(objLocked), scratch("locked/y")), outcome: eacces, why: whyLocked})
		l.add(probe{kind: c.name + "/success", syscall: c.name, args: c.args(unique("ren"), unique("renamed")), outcome: succeeds, setup: setupFile,
			why: "renames a file the child made in its scratch directory"})
	}
	for _, c := range []struct {
		name  string
		at    bool
		dir   bool
		setup setupKind
	}{{"unlink", false, false, setupFile}, {"unlinkat", true, false, setupFile}, {"rmdir", false, true, setupDir}} {
		target := func(a arg) []arg {
			if c.at {
				return []arg{cwd, a, zero}
			}
			return []arg{a}
		}
		victim, gone := objVictim, "gone"
		if c.dir {
			victim, gone = objVictimD, "dir"
		}
		l.add(probe{kind: c.name + "/EPERM", syscall: c.name, args: target(scratch(victim)), outcome: eperm, why: whySticky})
		l.add(probe{kind: c.name + "/EACCES", syscall: c.name, args: target(scratch(objLocked)), outcome: eacces, why: whyLocked})
		l.add(probe{kind: c.name + "/success", syscall: c.name, args: target(unique(gone)), outcome: succeeds, setup: c.setup,
			why: "removes what the child made in its scratch directory just before"})
	}
}

// devices: device nodes; a character device needs CAP_MKNOD; a FIFO in the
// scratch directory is the success.
func (l *probeList) devices() {
	for _, c := range []struct {
		name string
		at   bool
	}{{"mknod", false}, {"mknodat", true}} {
		target := func(a arg, rest ...arg) []arg {
			if c.at {
				return append([]arg{cwd, a}, rest...)
			}
			return append([]arg{a}, rest...)
		}
		l.add(probe{kind: c.name + "/EPERM", syscall: c.name, args: target(unique("node"), num(sIFCHR|0o600, "S_IFCHR|0600"), num(0x103, "makedev(1, 3)")),
			outcome: eperm, why: "a character device needs CAP_MKNOD: the kernel refuses uid 65534 (EPERM) before it creates anything"})
		l.add(probe{kind: c.name + "/EACCES", syscall: c.name, args: target(scratch(objLocked), num(sIFIFO|0o600, "S_IFIFO|0600"), zero), outcome: eacces, why: whyLocked})
		l.add(probe{kind: c.name + "/success", syscall: c.name, args: target(unique("fifo"), num(sIFIFO|0o600, "S_IFIFO|0600"), zero), outcome: succeeds,
			why: "creates a FIFO in the child's scratch directory"})
	}
}

// refusals: privileged calls uid 65534 may not make, refused before
// anything, and calls with an argument the kernel refuses.
func (l *probeList) refusals() {
	for _, p := range []probe{
		{syscall: "mount", args: []arg{null, scratch("."), null, zero, null}, why: "mounting needs CAP_SYS_ADMIN: refused (EPERM) for uid 65534; with no file system type it could mount nothing anyway"},
		{syscall: "umount2", args: []arg{scratch("."), zero}, why: "unmounting needs CAP_SYS_ADMIN: refused (EPERM) for uid 65534; the scratch directory is no mount point anyway"},
		{syscall: "umount", args: []arg{scratch(".")}, why: "the 32-bit umount: needs CAP_SYS_ADMIN, refused (EPERM) for uid 65534; the scratch directory is no mount point anyway"},
		{syscall: "init_module", args: []arg{null, zero, str("")}, why: "loading a module needs CAP_SYS_MODULE: refused (EPERM) before the (empty) image is read"},
		{syscall: "finit_module", args: []arg{badFD, str(""), zero}, why: "loading a module needs CAP_SYS_MODULE: refused (EPERM) before the descriptor is looked at"},
		{syscall: "delete_module", args: []arg{str("auditpack_no_such_module"), num(syscall.O_NONBLOCK, "O_NONBLOCK")}, why: "unloading needs CAP_SYS_MODULE: refused (EPERM); no module has that name anyway"},
		{syscall: "settimeofday", args: []arg{null, null}, why: "setting the clock needs CAP_SYS_TIME: refused (EPERM); with no time given it would set nothing anyway"},
	} {
		p.kind, p.outcome = p.syscall+"/EPERM", eperm
		l.add(p)
	}
	// Calls with an argument the kernel refuses before acting.
	for _, p := range []probe{
		{syscall: "adjtimex", args: []arg{null}, outcome: fails(syscall.EFAULT), why: "no struct timex to read: the kernel refuses the call (EFAULT) before looking at the clock"},
		{syscall: "clock_settime", args: []arg{num(0, "CLOCK_REALTIME"), null}, outcome: fails(syscall.EFAULT), why: "no time to read: the kernel refuses the call (EFAULT) before setting anything"},
		{syscall: "stime", args: []arg{null}, outcome: fails(syscall.EFAULT), why: "the 32-bit stime with no time to read: refused (EFAULT) before setting anything"},
		{syscall: "mount_setattr", args: []arg{badFD, str(""), zero, null, zero}, outcome: fails(syscall.EINVAL), why: "an attribute size of 0: refused (EINVAL) before any mount is looked at"},
		{syscall: "landlock_create_ruleset", args: []arg{null, zero, zero}, outcome: outcome{fails: true}, why: "no ruleset attributes: refused (EINVAL, or EOPNOTSUPP without Landlock)"},
		{syscall: "landlock_add_rule", args: []arg{badFD, one, null, zero}, outcome: outcome{fails: true}, why: whyBadFD},
		{syscall: "landlock_restrict_self", args: []arg{badFD, zero}, outcome: outcome{fails: true}, why: whyBadFD},
		{syscall: "lsm_set_self_attr", args: []arg{one, null, zero, one}, outcome: fails(syscall.EINVAL), why: "flags must be 0: refused (EINVAL) before any attribute is read"},
	} {
		p.kind = p.syscall + "/" + p.outcome.String()
		if p.outcome.fails {
			p.kind = p.syscall + "/error"
		}
		l.add(p)
	}
}

// realPaths: the refused exec, then calls on real paths. The exec is of
// an empty scratch file of root without execute permission, in the
// scratch directory of root: root too needs an execute bit, so it is
// refused (EACCES) for any identity, and it would be no program anyway.
func (l *probeList) realPaths() {
	l.add(probe{kind: "execve/EACCES", syscall: "execve", args: []arg{noExec, argv, null}, outcome: eacces, exec: true,
		why: "the file has no execute permission, which even root needs: refused (EACCES); it is empty, so no program either"})
	// Real paths (watches, path= and dir= rules), each call refused
	// whoever makes it: O_DIRECTORY on a file, and O_WRONLY on a
	// directory, end the open after the kernel has recorded the path and
	// before it opens anything; a chown to root needs CAP_CHOWN.
	l.add(probe{kind: "watch-write/refused", syscall: "openat", real: true, class: model.PermWrite,
		args: []arg{cwd, watched, num(oWronly|oDirectory|oNofollow, "O_WRONLY|O_DIRECTORY|O_NOFOLLOW")}, outcome: outcome{fails: true},
		why: "a write open the kernel ends after recording the path: ENOTDIR for a file or link (O_DIRECTORY), EISDIR for a directory; nothing is opened, and uid 65534 could not write it anyway"})
	l.add(probe{kind: "watch-read/refused", syscall: "openat", real: true, class: model.PermRead,
		args: []arg{cwd, watched, num(oDirectory|oNofollow, "O_RDONLY|O_DIRECTORY|O_NOFOLLOW")}, outcome: outcome{either: true},
		why: "a read open of a file or link ends with ENOTDIR (O_DIRECTORY) after the kernel recorded the path: no content is read; a directory opens for uid 65534 only if it may list it, and is closed unread"})
	// An exec of the real path whose argument list lies at an address no
	// process may map: since Linux 6.8 the kernel opens the file for
	// execution first (recording the path), then fails to read the list
	// (EFAULT) and runs nothing. Older kernels read the list first and
	// record no path, so the plan asks Self.ExecOpensFirst.
	l.add(probe{kind: "watch-exec/refused", syscall: "execve", real: true, class: model.PermExec,
		args: []arg{watched, unmappedArgv, null}, outcome: outcome{fails: true},
		why: "an exec with its argument list at an unmapped address: the kernel opens the file for execution, records its path, and fails to read the arguments (EFAULT), so no program runs; a file uid 65534 may not execute is refused (EACCES) after the path is recorded"})
	l.add(probe{kind: "watch-attr/refused", syscall: "lchown", real: true, class: model.PermAttr,
		args: []arg{watched, uidRoot, uidRoot}, outcome: outcome{fails: true},
		why: "a chown to root: only CAP_CHOWN may give a file away, which uid 65534 lacks, so the kernel refuses it (EPERM) after recording the path"})
}

// pick chooses an EPERM argument or the one for the other outcomes.
func pick(e syscall.Errno, forEPERM, other arg) arg {
	if e == syscall.EPERM {
		return forEPERM
	}
	return other
}

func pickArgs(e syscall.Errno, forEPERM, other []arg) []arg {
	if e == syscall.EPERM {
		return forEPERM
	}
	return other
}

// probeByKind finds a probe of the catalogue.
func probeByKind(kind string) *probe {
	for _, p := range probes {
		if p.kind == kind {
			return p
		}
	}
	return nil
}

// call is the probe's call as text, for the report: its syscall with the
// arguments as made; realPath, scratch and id fill in a watch's path,
// the scratch directory and unique names (empty and 0 in explain's
// catalogue).
func (p *probe) call(realPath, scratch string, id int) string {
	var parts []string
	for _, a := range p.args {
		parts = append(parts, a.show(realPath, cmp.Or(scratch, "<scratch>"), id))
	}
	return p.syscall + "(" + strings.Join(parts, ", ") + ")"
}

func (a arg) show(realPath, scratch string, id int) string {
	switch a.kind {
	case argNum:
		if a.text != "" {
			return a.text
		}
		return strconv.FormatInt(a.n, 10)
	case argCwd:
		return "AT_FDCWD"
	case argNull:
		return "NULL"
	case argPath, argString:
		return strconv.Quote(a.s)
	case argReal:
		return strconv.Quote(cmp.Or(realPath, "<watched path>"))
	case argUnique:
		if id == 0 {
			return `"` + a.s + `-<action>"`
		}
		return strconv.Quote(uniqueName(a.s, id))
	case argFD:
		return "fd(" + a.s + ")"
	case argMemfdPath:
		return `"/proc/self/fd/<sealed memfd>"`
	case argNoExec:
		return strconv.Quote(scratch + "/noexec")
	case argArgv:
		return "{" + strconv.Quote(scratch+"/noexec") + ", NULL}"
	case argOpenHow:
		return "&(struct open_how)" + a.text
	case argXattrArgs:
		return `&(struct xattr_args){"1", 1, 0}`
	case argHandle:
		return "&(struct file_handle){8, 1}"
	case argBuf:
		return a.text
	}
	return "?"
}

// uniqueName is the scratch name a call makes or uses: one per action.
func uniqueName(prefix string, id int) string { return fmt.Sprintf("%s-%d", prefix, id) }

// errnoName is an errno as the kernel's headers name it.
func errnoName(e syscall.Errno) string {
	if e == 0 {
		return "success"
	}
	if n, ok := auparse.AuditErrnoToName[int(e)]; ok {
		return n
	}
	return "errno " + strconv.Itoa(int(e))
}
