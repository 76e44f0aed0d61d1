package verify

import (
	"slices"

	"github.com/auditpack/auditpack/packs/model"
)

// BootComparison is what verify --boot finds, given to verify --kernel by
// its caller (verify never reads the boot files or the kernel itself):
// the loader that runs at boot and whether what it loads from disk is
// what the kernel holds now.
type BootComparison struct {
	Loader string // "augenrules (auditd.service)", ...
	// Same: the next boot loads the running rules. RebootPending: the
	// kernel is locked and the files changed since (not drift).
	Same, RebootPending bool
	Err                 string // the comparison could not be made
}

// checkBoot judges a requirement that the rules on disk are the running
// ones (CIS's "running and on disk configuration is the same"). It
// reports whether it could compare them: a rules file alone cannot say.
func (v *verifier) checkBoot(res *ControlResult) bool {
	b := v.target.Boot
	switch {
	case b == nil:
		res.Notes = append(res.Notes, "whether the boot files load the running rules is the host's; verify --kernel compares them (as verify --boot)")
		return false
	case b.Err != "":
		res.Notes = append(res.Notes, "the boot files could not be compared with the kernel: "+b.Err)
		return false
	case b.Same:
		res.Evidence = append(res.Evidence, Evidence{Origin: model.Origin{File: b.Loader}, Setting: "loads the running rules at boot"})
	case b.RebootPending:
		res.Missing = append(res.Missing, "reboot: the kernel is locked (-e 2) and "+b.Loader+" loads other rules at the next boot")
	default:
		res.Missing = append(res.Missing, "the rules "+b.Loader+" loads at boot differ from the running ones: load them (auditpack apply, or augenrules --load) or update the files (auditpack verify --boot, apply --dry-run show how)")
	}
	return true
}

// checkContinue judges -c, which the CIS benchmarks for RHEL 8 and 10 ask
// for: a rules file shows it; the kernel holds no trace of how its rules
// were loaded.
func (v *verifier) checkContinue(it *model.Line) ([]Evidence, []string, []string) {
	if v.target.Boot != nil {
		return nil, nil, []string{"-c is how the boot files are loaded, not kernel state: verify --rules on the file the host loads (/etc/audit/audit.rules) shows it"}
	}
	if v.target.Modes[model.OptContinueOnError] {
		return []Evidence{{Origin: model.Origin{File: v.target.Name}, Setting: "-c"}}, nil, nil
	}
	return nil, []string{"add -c before the rules (for " + it.Origin.Describe() + ")"}, nil
}

// continueUnchecked says whether lines ask for -c on a kernel target,
// which cannot show it: the control is NOT CHECKED there, never passed.
func (v *verifier) continueUnchecked(lines []*model.Line) bool {
	return v.target.Boot != nil && slices.ContainsFunc(lines, func(it *model.Line) bool { return it.Directive.Option == model.OptContinueOnError })
}
