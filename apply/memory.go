package apply

import (
	"bytes"
	"encoding/binary"
	"errors"

	"github.com/auditpack/auditpack/packs/model"
)

// MemoryKernel is a Kernel in memory with the kernel's list semantics: -a
// appends to its filter list, -A prepends, an identical rule is refused,
// nothing changes while it is locked. It stands in for the kernel in tests
// of states this machine must never be put in (locked, not root).
type MemoryKernel struct {
	rules  [][]byte
	status Status
	// FailAdd and FailSet, when set, make an operation fail like the kernel.
	FailAdd func(wire []byte) error
	FailSet func(s Setting) error
	// Adds, Deletes and Settings record what was done.
	Adds, Deletes int
	Settings      []Setting
}

// NewMemoryKernel starts with no rules and the given status.
func NewMemoryKernel(s Status) *MemoryKernel { return &MemoryKernel{status: s} }

var errLockedKernel = errors.New("operation not permitted")

func (m *MemoryKernel) Status() (Status, error) { return m.status, nil }

func (m *MemoryKernel) Rules() ([][]byte, error) { return append([][]byte(nil), m.rules...), nil }

func listNumber(w []byte) uint32 { return binary.NativeEndian.Uint32(w) &^ model.PrependFlag }

func (m *MemoryKernel) AddRule(w []byte, prepend bool) error {
	if m.status.Enabled == 2 {
		return errLockedKernel
	}
	if m.FailAdd != nil {
		if err := m.FailAdd(w); err != nil {
			return err
		}
	}
	for _, r := range m.rules {
		if bytes.Equal(r, w) {
			return ErrRuleExists
		}
	}
	m.Adds++
	pos := len(m.rules)
	for i, r := range m.rules {
		if (prepend && listNumber(r) == listNumber(w)) || (!prepend && listNumber(r) > listNumber(w)) {
			pos = i
			break
		}
	}
	m.rules = append(m.rules[:pos], append([][]byte{append([]byte(nil), w...)}, m.rules[pos:]...)...)
	return nil
}

func (m *MemoryKernel) DeleteRule(w []byte) error {
	if m.status.Enabled == 2 {
		return errLockedKernel
	}
	for i, r := range m.rules {
		if bytes.Equal(r, w) {
			m.rules = append(m.rules[:i], m.rules[i+1:]...)
			m.Deletes++
			return nil
		}
	}
	return ErrNoSuchRule
}

func (m *MemoryKernel) Set(s Setting) error {
	if m.status.Enabled == 2 {
		return errLockedKernel
	}
	if m.FailSet != nil {
		if err := m.FailSet(s); err != nil {
			return err
		}
	}
	m.Settings = append(m.Settings, s)
	switch s.Name {
	case model.SettingEnabled:
		m.status.Enabled = s.Value
	case model.SettingFailure:
		m.status.Failure = s.Value
	case model.SettingBacklogLimit:
		m.status.BacklogLimit = s.Value
	case model.SettingRateLimit:
		m.status.RateLimit = s.Value
	case model.SettingBacklogWaitTime:
		m.status.BacklogWaitTime = s.Value
	case model.SettingLoginuidImmutable:
		m.status.LoginuidImmutable = s.Value == 1
	}
	return nil
}

func (m *MemoryKernel) Close() error { return nil }
