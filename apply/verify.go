package apply

import (
	"github.com/auditpack/auditpack/compile"
	"github.com/auditpack/auditpack/packs/model"
	"github.com/auditpack/auditpack/profiles/verify"
)

// VerifyTarget is what verify --kernel checks: the kernel's rules, read
// straight from their wire form for the machine, and its settings.
func VerifyTarget(k Kernel, machine *model.Target) (*verify.Target, error) {
	status, err := k.Status()
	if err != nil {
		return nil, err
	}
	raw, err := k.Rules()
	if err != nil {
		return nil, err
	}
	c, err := compile.FromWire(raw, machine)
	if err != nil {
		return nil, err
	}
	t := verify.TargetFromOrdered("kernel", c)
	for _, s := range model.Settings() {
		if s != model.SettingLoginuidImmutable || status.LoginuidImmutable {
			t.Settings[s] = statusValue(status, s)
		}
	}
	if err := t.OnHost(); err != nil {
		return nil, err
	}
	return t, nil
}
