package apply

import (
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"

	"github.com/elastic/go-libaudit/v2/auparse"
	"github.com/elastic/go-libaudit/v2/rule"

	"github.com/auditpack/auditpack/packs"
	"github.com/auditpack/auditpack/packs/model"
)

// struct audit_rule_data: flags, action, field_count, mask[64], fields[64],
// values[64], fieldflags[64], buflen, then buf.
const (
	offFlags      = 0
	offAction     = 4
	offFieldCount = 8
	offMask       = 12
	offFields     = offMask + 64*4
	offValues     = offFields + 64*4
	offFieldFlags = offValues + 64*4
	offBufLen     = offFieldFlags + 64*4
	headerLen     = offBufLen + 4
)

// Rule is a rule as the kernel holds it.
type Rule struct {
	Wire    []byte      // struct audit_rule_data, trimmed, prepend bit cleared
	Text    string      // the rule as auditctl -l spells it
	List    uint32      // filter list number
	Keys    []string    // the rule's keys
	Prepend bool        // to be added with -A
	Item    *packs.Item // where a desired rule was written; nil for kernel rules
}

// Key identifies equal rules: the kernel's own comparison works on exactly
// these bytes.
func (r *Rule) Key() string { return string(r.Wire) }

// normalizeWire trims the kernel's padding and clears the prepend bit, which
// the kernel clears too once the rule is in place.
func normalizeWire(w []byte) ([]byte, error) {
	if len(w) < headerLen {
		return nil, fmt.Errorf("rule data of %d bytes is shorter than its %d-byte header", len(w), headerLen)
	}
	n := headerLen + int(binary.NativeEndian.Uint32(w[offBufLen:]))
	if n > len(w) {
		return nil, fmt.Errorf("rule data claims %d bytes but has %d", n, len(w))
	}
	out := append([]byte(nil), w[:n]...)
	binary.NativeEndian.PutUint32(out[offFlags:], binary.NativeEndian.Uint32(out[offFlags:])&^prependFlag)
	return out, nil
}

// FromKernel wraps a rule read from the kernel.
func FromKernel(w []byte, t *model.Target) (*Rule, error) {
	n, err := normalizeWire(w)
	if err != nil {
		return nil, err
	}
	return &Rule{Wire: n, List: binary.NativeEndian.Uint32(n[offFlags:]), Text: Describe(n, t), Keys: wireKeys(n)}, nil
}

// wireKeys reads the key field of rule data.
func wireKeys(w []byte) []string {
	u32 := func(off int) uint32 { return binary.NativeEndian.Uint32(w[off:]) }
	buf := w[headerLen:]
	for i := 0; i < int(min(u32(offFieldCount), 64)); i++ {
		field, value := u32(offFields+4*i), u32(offValues+4*i)
		if !stringFields[field] {
			continue
		}
		if int(value) > len(buf) {
			return nil
		}
		if field == 210 {
			return strings.Split(string(buf[:value]), "\x01")
		}
		buf = buf[value:]
	}
	return nil
}

// Build makes the kernel form of a parsed rule, as auditctl would send it
// from this machine: watches become dir= or path= by what exists here,
// user and group names resolve here, b64/b32 mean this machine's ABIs.
// Syscall names are resolved with auditpack's tables (m is the rule's
// model), which know syscalls newer than go-libaudit's.
func Build(it *packs.Item, m *model.Rule, t *model.Target) (*Rule, error) {
	r := &Rule{Item: it}
	spec := it.Rule
	if sr, ok := spec.(*rule.SyscallRule); ok {
		if len(m.Unknown) > 0 {
			return nil, fmt.Errorf("%s: syscall %q does not exist in %s's %s table", it.Origin.Describe(), m.Unknown[0].Name, t.Name, m.Unknown[0].ABI)
		}
		c := *sr
		if len(sr.Syscalls) > 0 && !m.AllSyscalls {
			c.Syscalls = nil
			for n := 0; n < 2048; n++ {
				if m.WireMask.Has(n) {
					c.Syscalls = append(c.Syscalls, strconv.Itoa(n))
				}
			}
		}
		// auditctl treats -F key= like -k: all keys go last, joined.
		c.Filters, c.Keys = nil, nil
		for _, f := range sr.Filters {
			if f.Type == rule.ValueFilterType && f.LHS == "key" {
				c.Keys = append(c.Keys, f.RHS)
			} else {
				c.Filters = append(c.Filters, f)
			}
		}
		c.Keys = append(c.Keys, sr.Keys...)
		r.Prepend = sr.Type == rule.PrependSyscallRuleType
		c.Type = rule.AppendSyscallRuleType
		switch c.List {
		case "filesystem", "io_uring":
			return nil, fmt.Errorf("%s: the %s list is not supported by apply yet; load this rule with auditctl", it.Origin.Describe(), c.List)
		}
		spec = &c
	}
	w, err := rule.Build(spec)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", it.Origin.Describe(), err)
	}
	if r.Wire, err = normalizeWire(w); err != nil {
		return nil, fmt.Errorf("%s: %w", it.Origin.Describe(), err)
	}
	r.List = binary.NativeEndian.Uint32(r.Wire[offFlags:])
	if r.List == uint32(model.ListTask) {
		// auditctl sends no syscalls for task rules; go-libaudit sends all,
		// and the kernel would hold them as a different rule.
		clear(r.Wire[offMask : offMask+64*4])
	}
	r.Text = Describe(r.Wire, t)
	r.Keys = wireKeys(r.Wire)
	return r, nil
}

// Field numbers of the kernel (AUDIT_* in linux/audit.h) and their names.
var fieldNames = map[uint32]string{
	0: "pid", 1: "uid", 2: "euid", 3: "suid", 4: "fsuid", 5: "gid", 6: "egid", 7: "sgid", 8: "fsgid",
	9: "auid", 10: "pers", 11: "arch", 12: "msgtype", 13: "subj_user", 14: "subj_role", 15: "subj_type",
	16: "subj_sen", 17: "subj_clr", 18: "ppid", 19: "obj_user", 20: "obj_role", 21: "obj_type",
	22: "obj_lev_low", 23: "obj_lev_high", 24: "loginuid_set", 25: "sessionid", 26: "fstype",
	100: "devmajor", 101: "devminor", 102: "inode", 103: "exit", 104: "success", 105: "path", 106: "perm",
	107: "dir", 108: "filetype", 109: "obj_uid", 110: "obj_gid", 111: "field_compare", 112: "exe", 113: "saddr_fam",
	200: "a0", 201: "a1", 202: "a2", 203: "a3", 210: "key",
}

var stringFields = map[uint32]bool{13: true, 14: true, 15: true, 16: true, 17: true, 19: true, 20: true, 21: true, 22: true, 23: true, 105: true, 107: true, 112: true, 210: true}

var operators = map[uint32]string{
	0x40000000: "=", 0x30000000: "!=", 0x10000000: "<", 0x20000000: ">", 0x50000000: "<=", 0x60000000: ">=",
	0x08000000: "&", 0x48000000: "&=",
}

// compareNames are the -C comparisons (AUDIT_COMPARE_*).
var compareNames = map[uint32][2]string{
	1: {"uid", "obj_uid"}, 2: {"gid", "obj_gid"}, 3: {"euid", "obj_uid"}, 4: {"egid", "obj_gid"}, 5: {"auid", "obj_uid"},
	6: {"suid", "obj_uid"}, 7: {"sgid", "obj_gid"}, 8: {"fsuid", "obj_uid"}, 9: {"fsgid", "obj_gid"}, 10: {"uid", "auid"},
	11: {"uid", "euid"}, 12: {"uid", "fsuid"}, 13: {"uid", "suid"}, 14: {"auid", "fsuid"}, 15: {"auid", "suid"},
	16: {"auid", "euid"}, 17: {"euid", "suid"}, 18: {"euid", "fsuid"}, 19: {"suid", "fsuid"}, 20: {"gid", "egid"},
	21: {"gid", "fsgid"}, 22: {"gid", "sgid"}, 23: {"egid", "sgid"}, 24: {"egid", "fsgid"}, 25: {"sgid", "fsgid"},
}

var listNames = map[uint32]string{0: "user", 1: "task", 4: "exit", 5: "exclude", 6: "filesystem", 7: "io_uring"}

// Describe spells a rule the way auditctl -l does (a0-a3 in hex, errno
// names, -w for plain watches), falling back to field numbers for what it
// does not know, so a rule another tool loaded never breaks the listing.
func Describe(w []byte, t *model.Target) string {
	u32 := func(off int) uint32 { return binary.NativeEndian.Uint32(w[off:]) }
	list, action, count := u32(offFlags)&^prependFlag, u32(offAction), int(min(u32(offFieldCount), 64))
	buf := w[headerLen:]
	var parts []string
	var path, perm, keys string
	watchable := true
	var archABI model.ABI
	hasArch := false
	for i := 0; i < count; i++ {
		field, value, flags := u32(offFields+4*i), u32(offValues+4*i), u32(offFieldFlags+4*i)
		name, ok := fieldNames[field]
		if !ok {
			name = "field" + strconv.Itoa(int(field))
		}
		op := operators[flags]
		if op == "" {
			op = fmt.Sprintf("?%#x?", flags)
		}
		var text string
		switch {
		case stringFields[field]:
			if int(value) > len(buf) {
				value = uint32(len(buf))
			}
			text, buf = string(buf[:value]), buf[value:]
		case field == 111:
			if c, ok := compareNames[value]; ok {
				parts = append(parts, "-C "+c[0]+op+c[1])
			} else {
				parts = append(parts, fmt.Sprintf("-C compare%d%s", value, op))
			}
			watchable = false
			continue
		default:
			text = numericText(name, value, t)
		}
		switch name {
		case "key":
			keys = text
			continue
		case "path", "dir":
			path = text
		case "perm":
			perm = permText(value)
			text = perm
		case "arch":
			if abi, ok := abiOf(t, value); ok {
				archABI, hasArch = abi, true
			}
			watchable = false
		default:
			watchable = false
		}
		parts = append(parts, "-F "+name+op+text)
	}
	// "-S all" sets the mask's first 63 words; the last one holds syscall
	// numbers no machine has, and auditctl leaves part of it clear.
	allSyscalls := true
	for i := 0; i < 63; i++ {
		if u32(offMask+4*i) != ^uint32(0) {
			allSyscalls = false
		}
	}
	if list == uint32(model.ListExit) && action == uint32(model.Always) && allSyscalls && watchable && path != "" && perm != "" && len(parts) == 2 {
		s := "-w " + path + " -p " + perm
		for _, k := range strings.Split(keys, "\x01") {
			if k != "" {
				s += " -k " + k
			}
		}
		return s
	}
	head := fmt.Sprintf("-a %s,%s", map[uint32]string{0: "never", 2: "always"}[action], listNames[list])
	if listNames[list] == "" {
		head = fmt.Sprintf("-a %d,list%d", action, list)
	}
	out := []string{head}
	// auditctl prints the arch first, then -S, then the other fields.
	rest := parts
	for i, p := range parts {
		if strings.HasPrefix(p, "-F arch") {
			out = append(out, p)
			rest = append(append([]string(nil), parts[:i]...), parts[i+1:]...)
			break
		}
	}
	if list == uint32(model.ListExit) || list == uint32(model.ListIOUring) {
		out = append(out, "-S "+syscallText(w, t, archABI, hasArch, allSyscalls))
	}
	out = append(out, rest...)
	for _, k := range strings.Split(keys, "\x01") {
		if k != "" {
			out = append(out, "-F key="+k)
		}
	}
	return strings.Join(out, " ")
}

func abiOf(t *model.Target, v uint32) (model.ABI, bool) {
	for _, abi := range []model.ABI{model.B64, model.B32} {
		if t.ArchConst(abi) == v {
			return abi, true
		}
	}
	return 0, false
}

func numericText(name string, v uint32, t *model.Target) string {
	switch name {
	case "a0", "a1", "a2", "a3":
		return fmt.Sprintf("0x%X", v)
	case "exit":
		if n := int32(v); n < 0 {
			if e, ok := auparse.AuditErrnoToName[int(-n)]; ok {
				return "-" + e
			}
			return strconv.Itoa(int(n))
		}
	case "arch":
		if abi, ok := abiOf(t, v); ok {
			return abi.String()
		}
		return fmt.Sprintf("%#x", v)
	case "msgtype":
		return auparse.AuditMessageType(v).String()
	case "auid", "uid", "euid", "suid", "fsuid", "gid", "egid", "sgid", "fsgid", "obj_uid", "obj_gid", "sessionid":
		if v == ^uint32(0) {
			return "-1"
		}
	}
	return strconv.FormatUint(uint64(v), 10)
}

func permText(v uint32) string {
	var b strings.Builder
	for _, c := range []struct {
		bit    uint32
		letter byte
	}{{uint32(model.PermRead), 'r'}, {uint32(model.PermWrite), 'w'}, {uint32(model.PermExec), 'x'}, {uint32(model.PermAttr), 'a'}} {
		if v&c.bit != 0 {
			b.WriteByte(c.letter)
		}
	}
	return b.String()
}

// syscallText names the syscalls of a rule's mask with the table of its
// arch (the native one without an arch), in number order like auditctl.
func syscallText(w []byte, t *model.Target, abi model.ABI, hasArch, all bool) string {
	if all {
		return "all"
	}
	if !hasArch {
		abi = model.B64
	}
	names := t.SyscallNames(abi)
	var out []string
	for i := 0; i < 64; i++ {
		word := binary.NativeEndian.Uint32(w[offMask+4*i:])
		for b := 0; b < 32; b++ {
			if word&(1<<b) == 0 {
				continue
			}
			n := i*32 + b
			if name, ok := names[n]; ok {
				out = append(out, name)
			} else {
				out = append(out, strconv.Itoa(n))
			}
		}
	}
	return strings.Join(out, ",")
}
