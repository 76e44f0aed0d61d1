package model

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/elastic/go-libaudit/v2/auparse"
)

// Kind says how the kernel compares a field.
type Kind uint8

// Field kinds.
const (
	KindNumeric Kind = iota + 1 // unsigned 32-bit comparison
	KindString                  // string equality (paths, exe, LSM labels, key)
	KindPerm                    // -F perm: any requested class matches
	KindArch                    // -F arch: handled through the rule's ABIs
	KindCompare                 // -C field=field
)

// kinds maps the fields auditctl accepts to how the kernel compares them.
var kinds = map[string]Kind{
	"a0": KindNumeric, "a1": KindNumeric, "a2": KindNumeric, "a3": KindNumeric,
	"arch": KindArch, "perm": KindPerm,
	"auid": KindNumeric, "loginuid": KindNumeric, "uid": KindNumeric, "euid": KindNumeric, "suid": KindNumeric,
	"fsuid": KindNumeric, "obj_uid": KindNumeric, "gid": KindNumeric, "egid": KindNumeric, "sgid": KindNumeric,
	"fsgid": KindNumeric, "obj_gid": KindNumeric, "pid": KindNumeric, "ppid": KindNumeric, "pers": KindNumeric,
	"devmajor": KindNumeric, "devminor": KindNumeric, "inode": KindNumeric, "exit": KindNumeric,
	"success": KindNumeric, "msgtype": KindNumeric, "filetype": KindNumeric, "sessionid": KindNumeric,
	"saddr_fam": KindNumeric, "fstype": KindNumeric, "uringop": KindNumeric,
	"path": KindString, "dir": KindString, "exe": KindString, "key": KindString,
	"subj_user": KindString, "subj_role": KindString, "subj_type": KindString, "subj_sen": KindString,
	"subj_clr": KindString, "obj_user": KindString, "obj_role": KindString, "obj_type": KindString,
	"obj_lev_low": KindString, "obj_lev_high": KindString,
}

// idFields take user or group names, resolved on the loading host.
var idFields = map[string]bool{
	"auid": true, "loginuid": true, "uid": true, "euid": true, "suid": true, "fsuid": true, "obj_uid": true,
	"gid": true, "egid": true, "sgid": true, "fsgid": true, "obj_gid": true,
}

// Canonical names: loginuid is the old name of auid.
func canonicalField(name string) string {
	if name == "loginuid" {
		return "auid"
	}
	return name
}

var fileTypes = map[string]uint32{
	"socket": 0o140000, "link": 0o120000, "file": 0o100000, "block": 0o060000,
	"dir": 0o040000, "character": 0o020000, "fifo": 0o010000,
}

// fsTypes are the file system magic numbers auditctl knows for fstype.
var fsTypes = map[string]uint32{"debugfs": 0x64626720, "tracefs": 0x74726163, "cgroup": 0x27e0eb, "cgroup2": 0x63677270}

// PermBits are the kernel's AUDIT_PERM_* classes.
const (
	PermExec  uint8 = 1
	PermWrite uint8 = 2
	PermRead  uint8 = 4
	PermAttr  uint8 = 8
	PermAll         = PermExec | PermWrite | PermRead | PermAttr
)

// ParsePerm reads "rwxa" letters.
func ParsePerm(s string) uint8 {
	var bits uint8
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case 'r':
			bits |= PermRead
		case 'w':
			bits |= PermWrite
		case 'x':
			bits |= PermExec
		case 'a':
			bits |= PermAttr
		}
	}
	return bits
}

// ValueProblem explains a value the kernel would not see as written.
type ValueProblem struct {
	Check   string // catalogue ID
	Message string
}

// numericValue turns a field's text into the u32 the kernel compares, as
// auditctl converts it. resolved is false for values that only the loading
// host can turn into numbers (user and group names).
func numericValue(field, text string) (v uint32, resolved bool, problem *ValueProblem) {
	switch field {
	case "exit":
		return exitValue(text)
	case "msgtype":
		if looksNumeric(text) {
			if n, err := strconv.ParseUint(text, 10, 32); err == nil {
				return uint32(n), true, nil
			}
		}
		t, err := auparse.GetAuditMessageType(text)
		if err != nil {
			return 0, false, &ValueProblem{"LST-MSGTYPE-UNKNOWN", fmt.Sprintf("message type %q is unknown", text)}
		}
		return uint32(t), true, nil
	case "filetype":
		if ft, ok := fileTypes[text]; ok {
			return ft, true, nil
		}
	case "fstype":
		if ft, ok := fsTypes[text]; ok {
			return ft, true, nil
		}
	case "a0", "a1", "a2", "a3":
		n, err := strconv.ParseUint(text, 0, 64)
		if err != nil {
			return 0, false, &ValueProblem{"FLD-ARG-TRUNCATION", fmt.Sprintf("%s=%s is not a number; syscall arguments compare as numbers (strings are pointers)", field, text)}
		}
		if n > math.MaxUint32 {
			return uint32(n), true, &ValueProblem{"FLD-ARG-TRUNCATION", fmt.Sprintf("%s=%s does not fit in 32 bits; the kernel compares the low 32 bits, i.e. %#x", field, text, uint32(n))}
		}
		return uint32(n), true, nil
	}
	if idFields[field] {
		switch text {
		case "unset", "-1", "4294967295":
			return math.MaxUint32, true, nil
		}
		if !looksNumeric(text) {
			return 0, false, nil // a name: the loading host resolves it
		}
		n, err := strconv.ParseUint(text, 10, 32)
		if err != nil {
			return 0, false, nil
		}
		return uint32(n), true, nil
	}
	if n, err := strconv.ParseInt(text, 0, 64); err == nil && n >= math.MinInt32 && n <= math.MaxUint32 {
		return uint32(n), true, nil
	}
	return 0, false, &ValueProblem{"FLD-BAD-VALUE", fmt.Sprintf("%s=%s: the value is not a number", field, text)}
}

// looksNumeric is a cheap test before strconv, which allocates an error
// for every name it is handed.
func looksNumeric(s string) bool {
	s = strings.TrimPrefix(s, "-")
	return s != "" && s[0] >= '0' && s[0] <= '9'
}

// exitValue reads -F exit=: a number or an errno name, "-EACCES" for a
// failure with EACCES. A name without "-" becomes the positive number.
func exitValue(text string) (uint32, bool, *ValueProblem) {
	if looksNumeric(text) {
		if n, err := strconv.ParseInt(text, 0, 64); err == nil {
			return uint32(int32(n)), true, nil
		}
	}
	neg := strings.HasPrefix(text, "-")
	name := strings.TrimPrefix(text, "-")
	n, ok := auparse.AuditErrnoToNum[name]
	if !ok {
		return 0, false, &ValueProblem{"FLD-BAD-VALUE", fmt.Sprintf("exit=%s: unknown errno name", text)}
	}
	if !neg {
		return uint32(n), true, &ValueProblem{"FLD-EXIT-POSITIVE-ERRNO", fmt.Sprintf("exit=%s means the syscall returned +%d, not that it failed with %s; write exit=-%s", text, n, name, name)}
	}
	return uint32(-int32(n)), true, nil
}
