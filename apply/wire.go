package apply

import (
	"encoding/binary"
	"fmt"

	"github.com/auditpack/auditpack/internal/host"
	"github.com/auditpack/auditpack/packs/model"
)

// Rule is a rule as the kernel holds it.
type Rule struct {
	Wire    []byte      // struct audit_rule_data, trimmed, prepend bit cleared
	Text    string      // the rule as auditctl -l spells it
	List    uint32      // filter list number
	Keys    []string    // the rule's keys
	Prepend bool        // to be added with -A
	Item    *model.Line // where a desired rule was written; nil for kernel rules
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
	return &Rule{Wire: n, List: binary.NativeEndian.Uint32(n[model.WireOffFlags:]), Text: model.Describe(n, t), Keys: model.WireKeys(n)}, nil
}

// Build makes the kernel form of a parsed rule, as auditctl would send it
// from this machine: watches become dir= or path= by what exists here,
// user and group names resolve here, b64/b32 mean this machine's ABIs.
// Syscall names are resolved with auditpack's tables (m is the rule's
// model), which know syscalls newer than go-libaudit's.
func Build(it *model.Line, m *model.Rule, t *model.Target) (*Rule, error) {
	w, err := m.Encode(host.Local{})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", it.Origin.Describe(), err)
	}
	r := &Rule{Item: it, Wire: w, Prepend: m.Prepend, List: uint32(m.List)}
	r.Text = model.Describe(r.Wire, t)
	r.Keys = model.WireKeys(r.Wire)
	return r, nil
}
