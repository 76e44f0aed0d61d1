package model

import (
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"

	"github.com/elastic/go-libaudit/v2/auparse"
)

// Reading struct audit_rule_data back, as the kernel lists its rules: into
// a rule (Decode) and into auditctl -l's spelling (Describe).

// wireField is one field of a rule as the kernel holds it.
type wireField struct {
	number, value uint32
	op            Op     // 0 for a flag no operator has
	flag          uint32 // the operator as the kernel keeps it
	text          string // a string field's value
}

// wireRule is struct audit_rule_data, read.
type wireRule struct {
	list   List
	action Action
	fields []wireField
	mask   *Mask
}

func readWire(w []byte) (*wireRule, error) {
	if len(w) < WireHeaderLen {
		return nil, fmt.Errorf("rule data of %d bytes is shorter than its %d-byte header", len(w), WireHeaderLen)
	}
	u32 := func(off int) uint32 { return binary.NativeEndian.Uint32(w[off:]) }
	r := &wireRule{list: List(u32(WireOffFlags) &^ PrependFlag), action: Action(u32(wireOffAction)), mask: MaskOf(w)}
	buf := w[WireHeaderLen:]
	for i := 0; i < int(min(u32(wireOffFieldCount), maxFields)); i++ {
		f := wireField{number: u32(wireOffFields + 4*i), value: u32(wireOffValues + 4*i), flag: u32(wireOffFieldFlags + 4*i)}
		f.op, _ = opOfFlag(f.flag)
		if def, ok := fieldsByNumber[f.number]; ok && def.Value == ValString {
			n := min(int(f.value), len(buf))
			f.text, buf = string(buf[:n]), buf[n:]
		}
		r.fields = append(r.fields, f)
	}
	return r, nil
}

// WireKeys are the keys of a rule as the kernel holds it.
func WireKeys(w []byte) []string {
	r, err := readWire(w)
	if err != nil {
		return nil
	}
	for _, f := range r.fields {
		if f.number == fieldKey {
			return strings.Split(f.text, keySep)
		}
	}
	return nil
}

// allSyscallsHeld: "-S all" as the kernel keeps it (the class bits of the
// last word cleared).
func (m *Mask) allSyscallsHeld() bool {
	for i := 0; i < len(m)-1; i++ {
		if m[i] != ^uint32(0) {
			return false
		}
	}
	return true
}

// Decode reads a rule the kernel holds back into the form the reader
// gives, for a target machine: what the kernel compares is kept exactly
// (values as numbers, syscalls as numbers), so the rule normalizes to the
// one the kernel has.
func Decode(w []byte, t *Target) (*Spec, error) {
	r, err := readWire(w)
	if err != nil {
		return nil, err
	}
	spec := &Spec{List: r.list, Action: r.action, FieldsBeforeSyscalls: -1}
	for _, f := range r.fields {
		switch def, ok := fieldsByNumber[f.number]; {
		case f.number == fieldKey && f.op == OpEqual:
			spec.Keys = strings.Split(f.text, keySep)
		case f.number == fieldCompare:
			a, b, ok := compareFields(f.value)
			if !ok {
				return nil, fmt.Errorf("unknown field comparison %d", f.value)
			}
			spec.Fields = append(spec.Fields, Field{Def: fieldsByName[a], Op: f.op, Kind: KindCompare, Text: b, Value: f.value, Resolved: true})
		case f.number == fieldLoginuidSet:
			// auid set (1) or not (0): auid!=unset or auid=unset.
			op := OpNotEqual
			if (f.value == 1) == (f.op == OpNotEqual) {
				op = OpEqual
			}
			spec.Fields = append(spec.Fields, Field{Def: fieldsByNumber[fieldAuid], Op: op, Kind: KindNumeric, Text: "unset", Value: 1<<32 - 1, Resolved: true})
		case !ok:
			return nil, fmt.Errorf("unknown field %d", f.number)
		case def.Value == ValString:
			spec.Fields = append(spec.Fields, Field{Def: def, Op: f.op, Kind: def.Kind, Text: f.text})
		case def.Kind == KindArch:
			text := fmt.Sprintf("%#x", f.value)
			if abi, ok := abiOf(t, f.value); ok {
				text = abi.String()
			}
			spec.Fields = append(spec.Fields, Field{Def: def, Op: f.op, Kind: KindArch, Text: text})
		default:
			spec.Fields = append(spec.Fields, Field{Def: def, Op: f.op, Kind: def.Kind, Text: strconv.FormatUint(uint64(f.value), 10), Value: f.value, Resolved: true})
		}
	}
	if !r.mask.allSyscallsHeld() && r.list != ListTask {
		spec.SyscallsGiven = true
		for _, n := range r.mask.Numbers() {
			spec.Syscalls = append(spec.Syscalls, strconv.Itoa(n))
		}
	}
	// A plain watch: an always,exit rule on every syscall with only a path
	// and its perm. (A dir= rule stays one: the kernel says it is a tree,
	// where a watch's path is a tree only if the loading host has a
	// directory there.)
	if r.list == ListExit && r.action == Always && !spec.SyscallsGiven && len(spec.Fields) == 2 &&
		spec.Fields[0].Name() == "path" && spec.Fields[1].Name() == "perm" {
		spec.Watch, spec.Perm, spec.PermGiven = spec.Fields[0].Text, uint8(spec.Fields[1].Value), true
		spec.Fields = nil
	}
	return spec, nil
}

// Describe spells a rule the way auditctl -l does (a0-a3 in hex, errno
// names, -w for plain watches), falling back to field numbers for what it
// does not know, so a rule another tool loaded never breaks the listing.
func Describe(w []byte, t *Target) string {
	r, err := readWire(w)
	if err != nil {
		return "# " + err.Error()
	}
	var parts []string
	var path, perm, keys string
	watchable := true
	var archABI ABI
	hasArch := false
	for _, f := range r.fields {
		name := wireFieldName(f.number)
		op := f.op.String()
		if op == "?" {
			op = fmt.Sprintf("?%#x?", f.flag)
		}
		text := f.text
		switch def, known := fieldsByNumber[f.number]; {
		case f.number == fieldCompare:
			if a, b, ok := compareFields(f.value); ok {
				parts = append(parts, "-C "+a+op+b)
			} else {
				parts = append(parts, fmt.Sprintf("-C compare%d%s", f.value, op))
			}
			watchable = false
			continue
		case !known || def.Value != ValString:
			text = numericText(f.number, f.value, t)
		}
		switch name {
		case "key":
			keys = text
			continue
		case "path", "dir":
			path = text
		case "perm":
			perm = PermText(f.value)
			text = perm
		case "arch":
			if abi, ok := abiOf(t, f.value); ok {
				archABI, hasArch = abi, true
			}
			watchable = false
		default:
			watchable = false
		}
		parts = append(parts, "-F "+name+op+text)
	}
	all := r.mask.allSyscallsHeld()
	if r.list == ListExit && r.action == Always && all && watchable && path != "" && perm != "" && len(parts) == 2 {
		s := "-w " + path + " -p " + perm
		for _, k := range strings.Split(keys, keySep) {
			if k != "" {
				s += " -k " + k
			}
		}
		return s
	}
	out := []string{fmt.Sprintf("-a %s,%s", r.action, r.list)}
	// auditctl prints the arch first, then -S, then the other fields.
	rest := parts
	for i, p := range parts {
		if strings.HasPrefix(p, "-F arch") {
			out = append(out, p)
			rest = append(append([]string(nil), parts[:i]...), parts[i+1:]...)
			break
		}
	}
	if r.list == ListExit || r.list == ListIOUring {
		out = append(out, "-S "+syscallText(r, t, archABI, hasArch, all))
	}
	out = append(out, rest...)
	for _, k := range strings.Split(keys, keySep) {
		if k != "" {
			out = append(out, "-F key="+k)
		}
	}
	return strings.Join(out, " ")
}

// wireFieldName names a kernel field number.
func wireFieldName(n uint32) string {
	if n == fieldLoginuidSet {
		return "loginuid_set"
	}
	if f, ok := fieldsByNumber[n]; ok {
		return f.Name
	}
	return "field" + strconv.Itoa(int(n))
}

func abiOf(t *Target, v uint32) (ABI, bool) {
	for abi, c := range t.arch {
		if c == v {
			return ABI(abi), true
		}
	}
	return 0, false
}

// numericText spells a number field as auditctl -l does, by the kind of
// value the table gives the field.
func numericText(field uint32, v uint32, t *Target) string {
	def, ok := fieldsByNumber[field]
	if !ok {
		return strconv.FormatUint(uint64(v), 10)
	}
	switch def.Value {
	case ValArg:
		return fmt.Sprintf("0x%X", v)
	case ValErrno:
		if n := int32(v); n < 0 {
			if e, ok := auparse.AuditErrnoToName[int(-n)]; ok {
				return "-" + e
			}
			return strconv.Itoa(int(n))
		}
	case ValArch:
		if abi, ok := abiOf(t, v); ok {
			return abi.String()
		}
		return fmt.Sprintf("%#x", v)
	case ValMsgType:
		return auparse.AuditMessageType(v).String()
	case ValFSType:
		if name, ok := fsTypeName(v); ok {
			return name
		}
	case ValUID, ValGID, ValSession:
		if v == ^uint32(0) {
			return "-1"
		}
	}
	return strconv.FormatUint(uint64(v), 10)
}

// syscallText names the syscalls of a rule's mask with the table of its
// arch (the native one without an arch), in number order like auditctl;
// an io_uring rule's mask holds io_uring operations.
func syscallText(r *wireRule, t *Target, abi ABI, hasArch, all bool) string {
	if all {
		return "all"
	}
	if !hasArch {
		abi = B64
	}
	names := t.SyscallNames(abi)
	var out []string
	for _, n := range r.mask.Numbers() {
		name, ok := names[n]
		if r.list == ListIOUring {
			name, ok = uringOpName(n)
		}
		if !ok {
			name = strconv.Itoa(n)
		}
		out = append(out, name)
	}
	return strings.Join(out, ",")
}
