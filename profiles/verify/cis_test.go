package verify

import (
	"slices"
	"strings"
	"testing"

	"github.com/auditpack/auditpack/compile"
	"github.com/auditpack/auditpack/packs/model"
	"github.com/auditpack/auditpack/profiles"
)

var cisProducts = []string{"rhel8", "rhel9", "rhel10", "ubuntu2204", "ubuntu2404", "debian12", "al2023"}

// cisRequired compiles a CIS profile as verify does offline.
func cisRequired(t *testing.T, product string) (*compile.Compiled, VerifyOptions) {
	t.Helper()
	p, err := profiles.Load("cis-" + product)
	if err != nil {
		t.Fatal(err)
	}
	sel, err := profiles.Select(profiles.Request{Profile: p.Name})
	if err != nil {
		t.Fatal(err)
	}
	return compile.Build(sel), VerifyOptions{Machine: model.Targets["x86_64"], Only: p.Controls}
}

// The rules.d ComplianceAsCode's own remediations write for a product's
// CIS audit rules (internal/cisgen/testdata/cac-rendered, with its
// provenance) meets every audit-rule recommendation of the product's CIS
// profile; the running-versus-disk one is not in a rules file.
func TestCISAgainstComplianceAsCode(t *testing.T) {
	for _, product := range cisProducts {
		required, opts := cisRequired(t, product)
		target, err := FileTarget("../../internal/cisgen/testdata/cac-rendered/"+product, model.Targets["x86_64"], nil)
		if err != nil {
			t.Fatal(err)
		}
		r := mustVerify(t, "cis-"+product, required, target, opts)
		passed, unchecked := 0, 0
		for _, c := range r.Results {
			switch {
			case c.Status == Pass:
				passed++
			case c.Status == NotChecked && strings.Contains(c.Title, "on disk"):
				unchecked++
			default:
				t.Errorf("cis-%s: %s is %s: %s %s", product, c.ID, c.Status, strings.Join(c.Missing, "; "), strings.Join(c.Notes, "; "))
			}
		}
		if passed < 20 || unchecked != 1 {
			t.Errorf("cis-%s: %d controls pass and %d are not checked; want every audit-rule recommendation (20 or more) and the running-versus-disk one", product, passed, unchecked)
		}
	}
}

// The running-versus-disk recommendation is what verify --boot answers:
// verify --kernel passes it when the boot files load the running rules,
// fails it when they differ, and a rules file cannot say.
func TestCISBootRequirement(t *testing.T) {
	required, opts := cisRequired(t, "rhel9")
	const id = "CIS-RHEL9-6.3.3.21"
	for _, c := range []struct {
		boot *BootComparison
		want string
	}{
		{nil, NotChecked},
		{&BootComparison{Err: "no auditd.service"}, NotChecked},
		{&BootComparison{Loader: "augenrules (auditd.service)", Same: true}, Pass},
		{&BootComparison{Loader: "augenrules (auditd.service)"}, Fail},
		{&BootComparison{Loader: "augenrules (auditd.service)", RebootPending: true}, Fail},
	} {
		target, err := FileTarget("../../internal/cisgen/testdata/cac-rendered/rhel9", model.Targets["x86_64"], nil)
		if err != nil {
			t.Fatal(err)
		}
		target.Boot = c.boot
		r := mustVerify(t, "cis-rhel9", required, target, opts)
		i := slices.IndexFunc(r.Results, func(res ControlResult) bool { return res.ID == id })
		if i < 0 || r.Results[i].Status != c.want {
			t.Errorf("boot %+v: %s is %v, want %s", c.boot, id, r.Results, c.want)
		}
	}
}

// RHEL 8's -c: a rules file with it passes, one without fails, and the
// kernel, which keeps no trace of how its rules were loaded, cannot say.
func TestCISContinueOnError(t *testing.T) {
	required, opts := cisRequired(t, "rhel8")
	const id = "CIS-RHEL8-6.3.3.20"
	status := func(target *Target) string {
		r := mustVerify(t, "cis-rhel8", required, target, opts)
		i := slices.IndexFunc(r.Results, func(res ControlResult) bool { return res.ID == id })
		if i < 0 {
			t.Fatalf("no %s", id)
		}
		return r.Results[i].Status
	}
	if got := status(loadedTarget("-c\n-w /etc/passwd -p wa\n")); got != Pass {
		t.Errorf("with -c: %s", got)
	}
	if got := status(loadedTarget("-w /etc/passwd -p wa\n")); got != Fail {
		t.Errorf("without -c: %s", got)
	}
	kernel := loadedTarget("-w /etc/passwd -p wa\n")
	kernel.Boot = &BootComparison{Same: true}
	if got := status(kernel); got != NotChecked {
		t.Errorf("kernel: %s", got)
	}
}
