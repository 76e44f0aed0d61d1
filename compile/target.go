package compile

import (
	"slices"

	"github.com/auditpack/auditpack/packs/model"
)

// fitTarget writes a pack's rules, written for x86_64, for another
// target's ABIs: a syscall x86_64 has and the target's ABI lacks (aarch64
// has no unlink, chmod, rename, ... in its 64-bit ABI) is left out of the
// rule, and a rule left with none of its syscalls is left out, the way
// ComplianceAsCode renders its rules per architecture. A name x86_64 does
// not know either is a mistake lint reports, and a user's own files are
// loaded as written.
func (o *Ordered) fitTarget(t *model.Target) {
	if t == home {
		return
	}
	kept := o.Items[:0]
	for _, it := range o.Items {
		fitted, ok := fitItem(it, t)
		if !ok {
			o.DroppedForTarget++
			continue
		}
		kept = append(kept, fitted)
	}
	o.Items = kept
}

// home is the machine packs are written for.
var home = model.Targets["x86_64"]

// fitItem is the item with the syscalls t's ABI lacks left out; ok is
// false when none of its syscalls is left.
func fitItem(it *model.Line, t *model.Target) (*model.Line, bool) {
	if it.Rule == nil || it.Origin.Pack == "" {
		return it, true
	}
	r := model.Normalize(it, t)
	if r == nil || len(r.Unknown()) == 0 {
		return it, true
	}
	var lacking []string
	for _, u := range r.Unknown() {
		if home.HasSyscall(u.ABI, u.Name) {
			lacking = append(lacking, u.Name)
		}
	}
	if len(lacking) == 0 {
		return it, true
	}
	// The rule is fitted on its model, never by splitting its text again:
	// "-Sunlink,openat" is one word to auditctl.
	spec := *it.Rule
	spec.Fields = slices.Clone(spec.Fields) // normalizing for t writes its arch values
	spec.Syscalls = slices.DeleteFunc(slices.Clone(spec.Syscalls), func(s string) bool { return slices.Contains(lacking, s) })
	if len(spec.Syscalls) == 0 {
		return nil, false
	}
	spec.ResetTarget()
	fitted := *it
	fitted.Rule = &spec
	fitted.Text = fitted.Canonical()
	return &fitted, true
}
