package apply

import (
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"

	"github.com/elastic/go-libaudit/v2/auparse"

	"github.com/auditpack/auditpack/internal/host"
	"github.com/auditpack/auditpack/packs"
	"github.com/auditpack/auditpack/packs/model"
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
	if len(w) < model.WireHeaderLen {
		return nil, fmt.Errorf("rule data of %d bytes is shorter than its %d-byte header", len(w), model.WireHeaderLen)
	}
	n := model.WireHeaderLen + int(binary.NativeEndian.Uint32(w[model.WireOffBufLen:]))
	if n > len(w) {
		return nil, fmt.Errorf("rule data claims %d bytes but has %d", n, len(w))
	}
	out := append([]byte(nil), w[:n]...)
	binary.NativeEndian.PutUint32(out[model.WireOffFlags:], binary.NativeEndian.Uint32(out[model.WireOffFlags:])&^model.PrependFlag)
	return out, nil
}

// FromKernel wraps a rule read from the kernel.
func FromKernel(w []byte, t *model.Target) (*Rule, error) {
	n, err := normalizeWire(w)
	if err != nil {
		return nil, err
	}
	return &Rule{Wire: n, List: binary.NativeEndian.Uint32(n[model.WireOffFlags:]), Text: Describe(n, t), Keys: wireKeys(n)}, nil
}

// wireKeys reads the key field of rule data.
func wireKeys(w []byte) []string {
	u32 := func(off int) uint32 { return binary.NativeEndian.Uint32(w[off:]) }
	buf := w[model.WireHeaderLen:]
	for i := 0; i < int(min(u32(model.WireOffFieldCount), 64)); i++ {
		field, value := u32(model.WireOffFields+4*i), u32(model.WireOffValues+4*i)
		if !isStringField(field) {
			continue
		}
		if int(value) > len(buf) {
			return nil
		}
		if field == model.FieldKey {
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
	w, err := m.Encode(host.Local{})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", it.Origin.Describe(), err)
	}
	r := &Rule{Item: it, Wire: w, Prepend: m.Prepend, List: uint32(m.List)}
	r.Text = Describe(r.Wire, t)
	r.Keys = wireKeys(r.Wire)
	return r, nil
}

// fieldName names a kernel field number from the model's table.
func fieldName(n uint32) string {
	if n == model.FieldLoginuidSet {
		return "loginuid_set"
	}
	if f, ok := model.FieldByNumber(n); ok {
		return f.Name
	}
	return "field" + strconv.Itoa(int(n))
}

// isStringField says whether a field's value is a length into the buffer.
func isStringField(n uint32) bool {
	f, ok := model.FieldByNumber(n)
	return ok && f.Value == model.ValString
}

// Describe spells a rule the way auditctl -l does (a0-a3 in hex, errno
// names, -w for plain watches), falling back to field numbers for what it
// does not know, so a rule another tool loaded never breaks the listing.
func Describe(w []byte, t *model.Target) string {
	u32 := func(off int) uint32 { return binary.NativeEndian.Uint32(w[off:]) }
	list, action, count := u32(model.WireOffFlags)&^model.PrependFlag, u32(model.WireOffAction), int(min(u32(model.WireOffFieldCount), 64))
	buf := w[model.WireHeaderLen:]
	var parts []string
	var path, perm, keys string
	watchable := true
	var archABI model.ABI
	hasArch := false
	for i := 0; i < count; i++ {
		field, value, flags := u32(model.WireOffFields+4*i), u32(model.WireOffValues+4*i), u32(model.WireOffFieldFlags+4*i)
		name := fieldName(field)
		op := model.Op(flags).String()
		if op == "?" {
			op = fmt.Sprintf("?%#x?", flags)
		}
		var text string
		switch {
		case isStringField(field):
			if int(value) > len(buf) {
				value = uint32(len(buf))
			}
			text, buf = string(buf[:value]), buf[value:]
		case field == model.FieldCompare:
			if a, b, ok := model.CompareFields(value); ok {
				parts = append(parts, "-C "+a+op+b)
			} else {
				parts = append(parts, fmt.Sprintf("-C compare%d%s", value, op))
			}
			watchable = false
			continue
		default:
			text = numericText(field, value, t)
		}
		switch name {
		case "key":
			keys = text
			continue
		case "path", "dir":
			path = text
		case "perm":
			perm = model.PermText(value)
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
		if u32(model.WireOffMask+4*i) != ^uint32(0) {
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
	head := fmt.Sprintf("-a %s,%s", model.Action(action), model.List(list))
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
		out = append(out, "-S "+syscallText(w, list, t, archABI, hasArch, allSyscalls))
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

// numericText spells a number field as auditctl -l does, by the kind of
// value the model's table gives the field.
func numericText(field uint32, v uint32, t *model.Target) string {
	def, ok := model.FieldByNumber(field)
	if !ok {
		return strconv.FormatUint(uint64(v), 10)
	}
	switch def.Value {
	case model.ValArg:
		return fmt.Sprintf("0x%X", v)
	case model.ValErrno:
		if n := int32(v); n < 0 {
			if e, ok := auparse.AuditErrnoToName[int(-n)]; ok {
				return "-" + e
			}
			return strconv.Itoa(int(n))
		}
	case model.ValArch:
		if abi, ok := abiOf(t, v); ok {
			return abi.String()
		}
		return fmt.Sprintf("%#x", v)
	case model.ValMsgType:
		return auparse.AuditMessageType(v).String()
	case model.ValFSType:
		if name, ok := model.FSTypeName(v); ok {
			return name
		}
	case model.ValUID, model.ValGID, model.ValSession:
		if v == ^uint32(0) {
			return "-1"
		}
	}
	return strconv.FormatUint(uint64(v), 10)
}

// syscallText names the syscalls of a rule's mask with the table of its
// arch (the native one without an arch), in number order like auditctl;
// an io_uring rule's mask holds io_uring operations.
func syscallText(w []byte, list uint32, t *model.Target, abi model.ABI, hasArch, all bool) string {
	if all {
		return "all"
	}
	if !hasArch {
		abi = model.B64
	}
	names := t.SyscallNames(abi)
	var out []string
	for _, n := range model.MaskOf(w).Numbers() {
		name, ok := names[n]
		if list == uint32(model.ListIOUring) {
			name, ok = model.UringOpName(n)
		}
		if !ok {
			name = strconv.Itoa(n)
		}
		out = append(out, name)
	}
	return strings.Join(out, ",")
}
