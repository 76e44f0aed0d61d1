package model

import (
	"strconv"
	"strings"

	"github.com/elastic/go-libaudit/v2/auparse"
)

// The one table of kernel and auditctl knowledge: every field auditctl 3.x
// reads, how it reads the value, where auditctl and the kernel accept it,
// and the limits of a rule. The reader, normalization, wire encoding,
// read-back and every lint check answer their kernel questions from here.

// ValueKind says how auditctl turns a field's text into the number or
// string the kernel stores.
type ValueKind uint8

// Value kinds.
const (
	ValUID      ValueKind = iota + 1 // number (strtoul), -N, "unset", or a user name
	ValGID                           // number (strtol) or a group name
	ValErrno                         // number, -N, or an errno name ("-EACCES")
	ValMsgType                       // number or a record type name
	ValString                        // stored as a string in the rule's buffer
	ValArch                          // b64, b32, a machine name or an AUDIT_ARCH number
	ValPerm                          // letters r, w, x, a
	ValFileType                      // file, dir, link, ...
	ValFSType                        // file system magic number or name
	ValArg                           // syscall argument: number or -N, 64 bits truncated to 32
	ValSession                       // number, -N, "unset"; anything else reads as 0
	ValSaddrFam                      // address family number below AF_MAX
	ValNumber                        // a number starting with a digit
	ValCompare                       // -C: another field
)

// FieldDef is one field of the kernel (AUDIT_* in linux/audit.h) as
// auditctl and the kernel treat it.
type FieldDef struct {
	Name   string
	Number uint32
	Value  ValueKind
	// ExitOnly: auditctl takes the field only on the exit list.
	ExitOnly bool
	// UserFilter: the kernel's user and exclude filters evaluate the field
	// (auditctl takes only these on the exclude list; any other field
	// stops the evaluation of those lists).
	UserFilter bool
	// LSM: the field compares a security label (SELinux), which the kernel
	// keeps but never matches where no such LSM runs.
	LSM bool
	// OfSyscall: the kernel compares the field with the syscall being
	// audited; a task rule, judged at fork, has none, so it never matches.
	OfSyscall bool
	// ClientEq: auditctl takes only = and != (ClientEqOnly: only =).
	ClientEq, ClientEqOnly bool
	// BitOps: the kernel accepts & and &= (only on syscall arguments and
	// a few old fields).
	BitOps bool
	// KernelEq: the kernel takes only = and != (KernelEqOnly: only =).
	KernelEq, KernelEqOnly bool
	// Singleton: the kernel takes one such field per rule (path, dir and
	// inode exclude each other too).
	Singleton bool
	// IDField: a user or group ID; the kernel refuses 4294967295 except
	// on auid, where it means "not set".
	IDField bool
	// Kind is how the kernel compares the field.
	Kind Kind
}

// Fields is the table: every field auditctl 3.0.9 knows, by name ("loginuid"
// is auid's older name).
var Fields = []FieldDef{
	{Name: "pid", Number: 0, Value: ValNumber, UserFilter: true, Kind: KindNumeric},
	{Name: "uid", Number: 1, Value: ValUID, UserFilter: true, IDField: true, Kind: KindNumeric},
	{Name: "euid", Number: 2, Value: ValUID, IDField: true, Kind: KindNumeric},
	{Name: "suid", Number: 3, Value: ValUID, IDField: true, Kind: KindNumeric},
	{Name: "fsuid", Number: 4, Value: ValUID, IDField: true, Kind: KindNumeric},
	{Name: "gid", Number: 5, Value: ValGID, UserFilter: true, IDField: true, Kind: KindNumeric},
	{Name: "egid", Number: 6, Value: ValGID, IDField: true, Kind: KindNumeric},
	{Name: "sgid", Number: 7, Value: ValGID, IDField: true, Kind: KindNumeric},
	{Name: "fsgid", Number: 8, Value: ValGID, IDField: true, Kind: KindNumeric},
	{Name: "auid", Number: 9, Value: ValUID, UserFilter: true, IDField: true, Kind: KindNumeric},
	{Name: "pers", Number: 10, Value: ValNumber, BitOps: true, Kind: KindNumeric},
	{Name: "arch", Number: 11, Value: ValArch, ClientEq: true, KernelEq: true, OfSyscall: true, Kind: KindArch},
	{Name: "msgtype", Number: 12, Value: ValMsgType, UserFilter: true, Kind: KindNumeric},
	{Name: "subj_user", Number: 13, Value: ValString, UserFilter: true, KernelEq: true, LSM: true, Kind: kindString},
	{Name: "subj_role", Number: 14, Value: ValString, UserFilter: true, KernelEq: true, LSM: true, Kind: kindString},
	{Name: "subj_type", Number: 15, Value: ValString, UserFilter: true, KernelEq: true, LSM: true, Kind: kindString},
	{Name: "subj_sen", Number: 16, Value: ValString, UserFilter: true, LSM: true, Kind: kindString},
	{Name: "subj_clr", Number: 17, Value: ValString, UserFilter: true, LSM: true, Kind: kindString},
	{Name: "ppid", Number: 18, Value: ValNumber, ExitOnly: true, Kind: KindNumeric},
	{Name: "obj_user", Number: 19, Value: ValString, ExitOnly: true, KernelEq: true, LSM: true, Kind: kindString},
	{Name: "obj_role", Number: 20, Value: ValString, ExitOnly: true, KernelEq: true, LSM: true, Kind: kindString},
	{Name: "obj_type", Number: 21, Value: ValString, ExitOnly: true, KernelEq: true, LSM: true, Kind: kindString},
	{Name: "obj_lev_low", Number: 22, Value: ValString, ExitOnly: true, LSM: true, Kind: kindString},
	{Name: "obj_lev_high", Number: 23, Value: ValString, ExitOnly: true, LSM: true, Kind: kindString},
	{Name: "sessionid", Number: 25, Value: ValSession, Kind: KindNumeric},
	{Name: "fstype", Number: 26, Value: ValFSType, ClientEq: true, KernelEq: true, Kind: KindNumeric},
	{Name: "devmajor", Number: 100, Value: ValNumber, ExitOnly: true, Kind: KindNumeric},
	{Name: "devminor", Number: 101, Value: ValNumber, ExitOnly: true, BitOps: true, Kind: KindNumeric},
	{Name: "inode", Number: 102, Value: ValNumber, ExitOnly: true, ClientEq: true, KernelEq: true, Singleton: true, Kind: KindNumeric},
	{Name: "exit", Number: 103, Value: ValErrno, ExitOnly: true, Kind: KindNumeric},
	{Name: "success", Number: 104, Value: ValNumber, ExitOnly: true, Kind: KindNumeric},
	{Name: "path", Number: 105, Value: ValString, ExitOnly: true, KernelEqOnly: true, Singleton: true, Kind: kindString},
	{Name: "perm", Number: 106, Value: ValPerm, ExitOnly: true, ClientEqOnly: true, Kind: KindPerm},
	{Name: "dir", Number: 107, Value: ValString, ExitOnly: true, KernelEqOnly: true, Singleton: true, Kind: kindString},
	{Name: "filetype", Number: 108, Value: ValFileType, ExitOnly: true, KernelEq: true, Kind: KindNumeric},
	{Name: "obj_uid", Number: 109, Value: ValUID, IDField: true, Kind: KindNumeric},
	{Name: "obj_gid", Number: 110, Value: ValGID, IDField: true, Kind: KindNumeric},
	{Name: "field_compare", Number: 111, Value: ValNumber, KernelEq: true, Kind: KindNumeric},
	{Name: "exe", Number: 112, Value: ValString, UserFilter: true, ClientEq: true, KernelEq: true, Singleton: true, Kind: kindString},
	{Name: "saddr_fam", Number: 113, Value: ValSaddrFam, Kind: KindNumeric},
	{Name: "a0", Number: 200, Value: ValArg, BitOps: true, OfSyscall: true, Kind: KindNumeric},
	{Name: "a1", Number: 201, Value: ValArg, BitOps: true, OfSyscall: true, Kind: KindNumeric},
	{Name: "a2", Number: 202, Value: ValArg, BitOps: true, OfSyscall: true, Kind: KindNumeric},
	{Name: "a3", Number: 203, Value: ValArg, BitOps: true, OfSyscall: true, Kind: KindNumeric},
	{Name: "key", Number: 210, Value: ValString, Singleton: true, KernelEq: true, Kind: kindString},
}

// Field numbers with a meaning of their own.
const (
	fieldLoginuidSet  uint32 = 24  // what the kernel makes of auid=unset
	fieldCompare      uint32 = 111 // -C
	fieldKey          uint32 = 210
	fieldPath         uint32 = 105
	fieldDir          uint32 = 107
	fieldPerm         uint32 = 106
	fieldAuid         uint32 = 9
	fieldExe          uint32 = 112
	fieldArch         uint32 = 11
	fieldFSType       uint32 = 26
	fieldInode        uint32 = 102
	fieldFilterKeyLen        = 256 // AUDIT_MAX_KEY_LEN: the joined keys
)

// Limits of a rule.
const (
	maxFields  = 64   // AUDIT_MAX_FIELDS; auditctl stops at 63
	maxKeyLen  = 256  // AUDIT_MAX_KEY_LEN, all keys joined by \x01
	pathMax    = 4096 // PATH_MAX: longest string value
	nameMax    = 255  // NAME_MAX: longest last component of a watched path
	afMax      = 46   // AF_MAX of the C library auditctl 3.0.9 is built with
	keySep     = "\x01"
	maxCompare = 25 // AUDIT_MAX_FIELD_COMPARE
)

var fieldsByName, fieldsByNumber = func() (map[string]*FieldDef, map[uint32]*FieldDef) {
	byName, byNumber := map[string]*FieldDef{}, map[uint32]*FieldDef{}
	for i := range Fields {
		byName[Fields[i].Name] = &Fields[i]
		byNumber[Fields[i].Number] = &Fields[i]
	}
	byName["loginuid"] = byName["auid"]
	return byName, byNumber
}()

// lookupField finds a field by name in any case, as auditctl does
// (strcasecmp).
func lookupField(name string) (*FieldDef, bool) {
	if def, ok := fieldsByName[name]; ok {
		return def, true
	}
	def, ok := fieldsByName[strings.ToLower(name)]
	return def, ok
}

// fieldByNumber returns a field by its kernel number.
func fieldByNumber(n uint32) (*FieldDef, bool) {
	f, ok := fieldsByNumber[n]
	return f, ok
}

// Op is a comparison operator; Flag is its kernel value. It is one byte,
// so a Field packs it with its kind.
type Op uint8

// Operators.
const (
	opBitMask Op = iota + 1 // &
	OpLess
	OpGreater
	OpNotEqual
	OpEqual
	opBitTest // &=
	OpLessEq
	OpGreaterEq
)

// opFlags are the operators' kernel values (AUDIT_EQUAL ... in
// linux/audit.h).
var opFlags = [...]uint32{opBitMask: 0x08000000, OpLess: 0x10000000, OpGreater: 0x20000000, OpNotEqual: 0x30000000,
	OpEqual: 0x40000000, opBitTest: 0x48000000, OpLessEq: 0x50000000, OpGreaterEq: 0x60000000}

// Flag is the operator's kernel value.
func (o Op) Flag() uint32 { return opFlags[o] }

// opOfFlag is the operator of a kernel value (0, false for none).
func opOfFlag(flag uint32) (Op, bool) {
	for o, f := range opFlags {
		if f == flag && o != 0 {
			return Op(o), true
		}
	}
	return 0, false
}

// operatorSearch is the order auditctl looks for operators in a field
// pair: the first one found anywhere in the text wins.
var operatorSearch = []struct {
	text string
	op   Op
}{{"!=", OpNotEqual}, {">=", OpGreaterEq}, {"<=", OpLessEq}, {"&=", opBitTest}, {"=", OpEqual}, {">", OpGreater}, {"<", OpLess}, {"&", opBitMask}}

func (o Op) String() string {
	for _, s := range operatorSearch {
		if s.op == o {
			return s.text
		}
	}
	return "?"
}

// parseOp reads an operator's text.
func parseOp(s string) (Op, bool) {
	for _, o := range operatorSearch {
		if o.text == s {
			return o.op, true
		}
	}
	return 0, false
}

func (o Op) isBit() bool { return o == opBitMask || o == opBitTest }

func (o Op) isEq() bool { return o == OpEqual || o == OpNotEqual }

// compareCodes are the -C comparisons (AUDIT_COMPARE_*), by the fields on
// either side in either order; compareOperands are each code's fields in
// the order auditctl -l writes them, which the kernel cannot tell from the
// other (it stores only the code).
var compareCodes, compareOperands = func() (map[[2]uint32]uint32, [maxCompare + 1][2]uint32) {
	pairs := [][3]uint32{
		{1, 109, 1}, {5, 110, 2}, {2, 109, 3}, {6, 110, 4}, {9, 109, 5}, {3, 109, 6}, {7, 110, 7}, {4, 109, 8},
		{8, 110, 9}, {1, 9, 10}, {1, 2, 11}, {1, 4, 12}, {1, 3, 13}, {9, 4, 14}, {9, 3, 15}, {9, 2, 16},
		{2, 3, 17}, {2, 4, 18}, {3, 4, 19}, {5, 6, 20}, {5, 8, 21}, {5, 7, 22}, {6, 7, 23}, {6, 8, 24}, {7, 8, 25},
	}
	m := map[[2]uint32]uint32{}
	var operands [maxCompare + 1][2]uint32
	for _, p := range pairs {
		m[[2]uint32{p[0], p[1]}] = p[2]
		m[[2]uint32{p[1], p[0]}] = p[2]
		operands[p[2]] = [2]uint32{p[0], p[1]}
	}
	return m, operands
}()

// compareFields names the two fields of a -C comparison code, as auditctl
// -l writes them.
func compareFields(code uint32) (string, string, bool) {
	if code == 0 || code > maxCompare {
		return "", "", false
	}
	ops := compareOperands[code]
	return fieldsByNumber[ops[0]].Name, fieldsByNumber[ops[1]].Name, true
}

// The filter lists by name. io_uring (7) is the newest: the kernel has it
// since 5.16, auditctl since 4.0 (LoaderKnows).
var listNames = map[string]List{"user": ListUser, "task": ListTask, "exit": ListExit, "exclude": ListExclude, "filesystem": ListFilesystem, "io_uring": ListIOUring}

// OlderVersion reports whether dotted version a (of audit userspace) is
// older than b.
func OlderVersion(a, b string) bool {
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

// ListSinceAuditctl is the auditctl version that first reads a list, for
// lists newer than 3.0.
var ListSinceAuditctl = map[List]string{ListIOUring: "4.0"}

// uringOps are the io_uring operations the kernel audits (IORING_OP_* in
// linux/io_uring.h, without the ops marked audit_skip in io_uring/opdef.c):
// an io_uring rule's -S names these, not syscalls.
var uringOps = map[string]int{
	"sendmsg": 9, "recvmsg": 10, "accept": 13, "connect": 16, "fallocate": 17, "openat": 18, "close": 19,
	"openat2": 28, "shutdown": 34, "renameat": 35, "unlinkat": 36, "mkdirat": 37, "symlinkat": 38, "linkat": 39,
	"msg_ring": 40, "fsetxattr": 41, "setxattr": 42, "fgetxattr": 43, "getxattr": 44, "uring_cmd": 46,
	"sendmsg_zc": 48, "waitid": 50, "futex_wait": 51, "futex_wake": 52, "futex_waitv": 53, "fixed_fd_install": 54,
	"ftruncate": 55, "bind": 56, "listen": 57, "uring_cmd128": 64,
}

// fileTypes are the names -F filetype= takes (S_IF* values).
var fileTypes = map[string]uint32{
	"socket": 0o140000, "link": 0o120000, "file": 0o100000, "block": 0o060000,
	"dir": 0o040000, "character": 0o020000, "fifo": 0o010000,
}

// fsTypes are the file system names auditctl 3.0.9 knows for fstype.
var fsTypes = map[string]uint32{"debugfs": 0x64626720, "tracefs": 0x74726163}

// PermBits are the kernel's AUDIT_PERM_* classes.
const (
	PermExec  uint8 = 1
	PermWrite uint8 = 2
	PermRead  uint8 = 4
	PermAttr  uint8 = 8
	permAll         = PermExec | PermWrite | PermRead | PermAttr
)

// PermText spells perm bits as auditctl -l does.
func PermText(bits uint32) string {
	var b []byte
	for _, c := range []struct {
		bit    uint8
		letter byte
	}{{PermRead, 'r'}, {PermWrite, 'w'}, {PermExec, 'x'}, {PermAttr, 'a'}} {
		if bits&uint32(c.bit) != 0 {
			b = append(b, c.letter)
		}
	}
	return string(b)
}

// machineNames are the machine names auditctl takes for -F arch=, with the
// AUDIT_ARCH value of each (b64 and b32 depend on the machine).
var machineNames = map[string]uint32{
	"i386": 0x40000003, "i486": 0x40000003, "i586": 0x40000003, "i686": 0x40000003, "x86_64": 0xc000003e,
	"ppc64": 0x80000015, "ppc64le": 0xc0000015, "ppc": 0x14, "s390x": 0x80000016, "s390": 0x16,
	"armeb": 0x40000028, "arm": 0x40000028, "armv5tejl": 0x40000028, "armv5tel": 0x40000028, "armv6l": 0x40000028,
	"armv7l": 0x40000028, "aarch64": 0xc00000b7, "armv8l": 0xc00000b7,
}

// elfMachines are the AUDIT_ARCH values auditctl knows.
var elfMachines = func() map[uint32]bool {
	m := map[uint32]bool{}
	for _, v := range machineNames {
		m[v] = true
	}
	return m
}()

// fsTypeName is the name auditctl prints for a file system magic number.
func fsTypeName(v uint32) (string, bool) {
	for name, n := range fsTypes {
		if n == v {
			return name, true
		}
	}
	return "", false
}

// uringOpName is the name of an io_uring operation number.
func uringOpName(n int) (string, bool) {
	for name, op := range uringOps {
		if op == n {
			return name, true
		}
	}
	return "", false
}

// RecordSyscall is the SYSCALL record type (AUDIT_SYSCALL).
const RecordSyscall = 1300

// RecordType is the number of an audit record type name (CWD, USER_LOGIN,
// ...), as msgtype= takes it.
func RecordType(name string) (uint32, bool) {
	t, err := auparse.GetAuditMessageType(name)
	if err != nil || t <= 0 {
		return 0, false
	}
	return uint32(t), true
}
