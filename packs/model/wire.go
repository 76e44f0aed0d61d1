package model

import (
	"encoding/binary"
	"fmt"
	"strings"
)

// struct audit_rule_data: flags, action, field_count, mask[64], fields[64],
// values[64], fieldflags[64], buflen, then buf.
const (
	WireOffFlags      = 0
	wireOffAction     = 4
	wireOffFieldCount = 8
	WireOffMask       = 12
	wireOffFields     = WireOffMask + 64*4
	wireOffValues     = wireOffFields + 64*4
	wireOffFieldFlags = wireOffValues + 64*4
	WireOffBufLen     = wireOffFieldFlags + 64*4
	WireHeaderLen     = WireOffBufLen + 4
	// PrependFlag is AUDIT_FILTER_PREPEND, set in flags for -A.
	PrependFlag = 0x10
	// classBits are the last 16 syscall numbers of the mask, which the
	// kernel reads as syscall classes and clears; "-S all" leaves them
	// clear in what the kernel stores.
	classBits = 0xffff0000
)

// Encode builds the struct audit_rule_data auditctl sends for the rule
// from host (nil: offline): a watch is dir= when its path is a directory
// there, user and group names resolve there. The prepend flag is left to
// the caller, which sets it only when adding.
func (r *Rule) Encode(host Host) ([]byte, error) {
	if len(r.Unknown()) > 0 {
		return nil, fmt.Errorf("syscall %q does not exist in the %s table", r.Unknown()[0].Name, r.Unknown()[0].ABI)
	}
	w := make([]byte, WireHeaderLen, WireHeaderLen+64)
	put := func(off int, v uint32) { binary.NativeEndian.PutUint32(w[off:], v) }
	put(WireOffFlags, uint32(r.List))
	put(wireOffAction, uint32(r.Action))
	if r.List != ListTask {
		for i, word := range r.WireMask {
			if r.WireMask == &allSyscalls && i == len(r.WireMask)-1 {
				word &^= classBits
			}
			put(WireOffMask+4*i, word)
		}
	}
	n := 0
	add := func(number uint32, op Op, value uint32) {
		put(wireOffFields+4*n, number)
		put(wireOffValues+4*n, value)
		put(wireOffFieldFlags+4*n, op.Flag())
		n++
	}
	addString := func(number uint32, op Op, s string) {
		add(number, op, uint32(len(s)))
		w = append(w, s...)
	}
	for i, f := range r.Fields {
		op := f.Op
		switch {
		case f.Kind == KindCompare:
			add(fieldCompare, op, f.Value)
		case r.Watch && i == 0:
			number := fieldPath
			if host != nil && host.PathKind(f.Text) == PathDir {
				number = fieldDir
			}
			addString(number, op, f.Text)
		case f.Def.Value == ValString:
			addString(f.Def.Number, op, f.Text)
		case !f.Resolved && (f.Def.Value == ValUID || f.Def.Value == ValGID):
			id, ok := lookupID(host, f)
			if !ok {
				return nil, fmt.Errorf("-F %s%s%s: no such %s on this host", f.Name(), f.Op, f.Text, strings.TrimPrefix(strings.ToLower(f.Def.Name), "e"))
			}
			add(f.Def.Number, op, id)
		case !f.Resolved:
			return nil, fmt.Errorf("-F %s%s%s: the value cannot be encoded", f.Name(), f.Op, f.Text)
		default:
			add(f.Def.Number, op, f.Value)
		}
	}
	if len(r.Keys) > 0 {
		addString(fieldKey, OpEqual, strings.Join(r.Keys, keySep))
	}
	put(wireOffFieldCount, uint32(n))
	put(WireOffBufLen, uint32(len(w)-WireHeaderLen))
	return w, nil
}

func lookupID(host Host, f Field) (uint32, bool) {
	if host == nil {
		return 0, false
	}
	if f.Def.Value == ValGID {
		return host.Group(f.Text)
	}
	return host.User(f.Text)
}
