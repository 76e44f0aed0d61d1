package verify

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/auditpack/auditpack/compile"
	"github.com/auditpack/auditpack/internal/host"
	"github.com/auditpack/auditpack/internal/rulegen"
	"github.com/auditpack/auditpack/packs/model"
	"github.com/auditpack/auditpack/profiles"
)

// stigFile is the stig profile's compiled audit.rules, each line through
// edit (which may return several lines, or none).
func stigFile(t *testing.T, edit func(i int, line string) []string) string {
	t.Helper()
	sel, err := profiles.Select(profiles.Request{Profile: "stig-rhel9"})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for i, l := range strings.Split(strings.TrimSuffix(string(compile.Build(sel).Render("test")), "\n"), "\n") {
		out = append(out, edit(i, l)...)
	}
	path := filepath.Join(t.TempDir(), "audit.rules")
	if err := os.WriteFile(path, []byte(strings.Join(out, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func verifyStig(t *testing.T, path string, h model.Host) *Report {
	t.Helper()
	p, err := profiles.Load("stig-rhel9")
	if err != nil {
		t.Fatal(err)
	}
	sel, err := profiles.Select(profiles.Request{Profile: "stig-rhel9"})
	if err != nil {
		t.Fatal(err)
	}
	x86 := model.Targets["x86_64"]
	loadHost := h
	if _, product := h.(UsrMerged); product {
		loadHost = nil // a product's facts, not a host to load on
	}
	target, err := FileTarget(path, x86, loadHost)
	if err != nil {
		t.Fatal(err)
	}
	return mustVerify(t, "stig-rhel9", compile.Build(sel), target, VerifyOptions{Machine: x86, Only: p.Controls, Host: h})
}

func result(r *Report, id string) *ControlResult {
	for i := range r.Results {
		if r.Results[i].ID == id {
			return &r.Results[i]
		}
	}
	return nil
}

// Only what loads is evidence: a line auditctl refuses in the middle of
// the stig profile's audit.rules stops the load there, so the lock
// (RHEL-09-654275) and every control met only after it fail, naming it.
func TestVerifyStopsWhereAuditctlStops(t *testing.T) {
	const after = 5 // the header, -D, -b, -f, --backlog_wait_time
	for _, bad := range []string{
		"-a always,exit -F arch=b64 -S nosuchcall -k x",
		"-a always,exit -F arch=b64 -S openat -F uid=-1 -k x",
		"-a always,exit -F arch=b64 -S all -F dir=/etc -F dir=/var -F perm=wa -k x",
		"-a always,exit -F arch=b64 -S openat -F colour=red -k x",
	} {
		path := stigFile(t, func(i int, l string) []string {
			if i == after+3 {
				return []string{bad, l}
			}
			return []string{l}
		})
		r := verifyStig(t, path, nil)
		lock := result(r, "RHEL-09-654275")
		if lock == nil || lock.Status != Fail || !strings.Contains(strings.Join(lock.Missing, " "), "auditctl stops at "+path+":9 (") {
			t.Errorf("%s: the lock control %+v, want FAIL naming line 9", bad, lock)
		}
		if got := failing(r); len(got) < 40 {
			t.Errorf("%s: only %d controls fail; every rule after line 9 is missing", bad, len(got))
		}
	}
	// The same line after -i 1 (Rapid7's agent rules): auditctl goes on.
	path := stigFile(t, func(i int, l string) []string {
		if i == after+3 {
			return []string{"-i 1", "-a always,exit -F arch=b64 -S nosuchcall -k x", l}
		}
		return []string{l}
	})
	if got := failing(verifyStig(t, path, nil)); len(got) != 0 {
		t.Errorf("after -i 1 auditctl goes on past the refused lines; failing %v", got)
	}
}

// A host that loads no rules is a state to judge: every control fails.
func TestVerifyEmptyRulesDir(t *testing.T) {
	r := verifyStig(t, t.TempDir(), nil)
	for _, c := range r.Results {
		if c.Status == Pass {
			t.Errorf("an empty rules.d passes %s", c.ID)
		}
	}
	if r.Failed() < 50 {
		t.Errorf("an empty rules.d fails %d controls; want every rule control", r.Failed())
	}
}

// Respellings the kernel holds as the same rule get the same verdicts.
func TestVerifyRespellings(t *testing.T) {
	for name, respell := range map[string]func(string) string{
		"-C operands swapped": func(l string) string { return strings.ReplaceAll(l, "-C uid!=euid", "-C euid!=uid") },
		"KEY=":                func(l string) string { return strings.ReplaceAll(l, "-F key=", "-F KEY=") },
		"arch names": func(l string) string {
			return strings.ReplaceAll(strings.ReplaceAll(l, "arch=b64", "arch=X86_64"), "arch=b32", "arch=i686")
		},
		"syscall case": func(l string) string { return strings.ReplaceAll(l, "-S execve", "-S Execve") },
	} {
		path := stigFile(t, func(_ int, l string) []string { return []string{respell(l)} })
		if got := failing(verifyStig(t, path, nil)); len(got) != 0 {
			t.Errorf("%s: failing %v", name, got)
		}
	}
}

// On the host itself (--host), a user name is its ID and a path through
// a linked directory is the path it leads to.
func TestVerifyOnHostResolves(t *testing.T) {
	if _, ok := (host.Local{}).User("root"); !ok {
		t.Skip("no root user here")
	}
	path := stigFile(t, func(_ int, l string) []string {
		return []string{strings.ReplaceAll(l, "-F euid=0", "-F euid=root")}
	})
	if got := failing(verifyStig(t, path, nil)); !slices.Contains(got, "RHEL-09-654010") {
		t.Errorf("offline, euid=root cannot be resolved: failing %v, want RHEL-09-654010 among them", got)
	}
	if got := failing(verifyStig(t, path, host.Local{})); slices.Contains(got, "RHEL-09-654010") {
		t.Errorf("with --host, euid=root is euid=0: failing %v", got)
	}
	if real, ok := (host.Local{}).RealDir("/sbin"); !ok || real != "/usr/sbin" {
		t.Skip("this host is not usrmerged (/sbin is not /usr/sbin)")
	}
	// The RHEL paths this host lacks stop the load: the verdicts with
	// /usr/sbin/x and with /sbin/x are compared, not asked to pass.
	asWritten := stigFile(t, func(_ int, l string) []string { return []string{l} })
	respelled := stigFile(t, func(_ int, l string) []string {
		return []string{strings.ReplaceAll(l, "path=/usr/sbin/", "path=/sbin/")}
	})
	if want, got := failing(verifyStig(t, asWritten, host.Local{})), failing(verifyStig(t, respelled, host.Local{})); !slices.Equal(got, want) {
		t.Errorf("with --host on a usrmerged host, /sbin/x is /usr/sbin/x: failing %v, as written %v", got, want)
	}
	if got := failing(verifyStig(t, respelled, nil)); len(got) == 0 {
		t.Errorf("offline, /sbin/x is not known to be /usr/sbin/x, yet every control passes")
	}
}

// A set compiled for another machine (compile --target aarch64) is
// verified for that machine (verify --target aarch64): its syscall tables
// decide what the rules record.
func TestVerifyForAnotherMachine(t *testing.T) {
	arm := model.Targets["aarch64"]
	sel, err := profiles.Select(profiles.Request{Profile: "stig-rhel9"})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "audit.rules")
	if err := os.WriteFile(path, compile.Build(sel, arm).Render("test"), 0o600); err != nil {
		t.Fatal(err)
	}
	p, err := profiles.Load("stig-rhel9")
	if err != nil {
		t.Fatal(err)
	}
	target, err := FileTarget(path, arm, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := failing(mustVerify(t, "stig-rhel9", compile.Build(sel, arm), target, VerifyOptions{Machine: arm, Only: p.Controls})); len(got) != 0 {
		t.Errorf("the aarch64 set verified for aarch64: failing %v", got)
	}
}

// Every embedded profile's own output, each rule respelled as auditctl
// reads it the same (rulegen.Respeller: names in any case, -C swapped,
// arches by number, -k as -F KEY=, syscalls split, numbers in hex...),
// gets the same verdict on every control as the output as written.
func TestVerifyRespelledProfiles(t *testing.T) {
	x86 := model.Targets["x86_64"]
	respell := rulegen.NewRespeller(7, func(abi, name string) (int, bool) {
		if abi == "b32" {
			return x86.Syscall(model.B32, name)
		}
		return x86.Syscall(model.B64, name)
	})
	list, err := profiles.List()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range list {
		sel, err := profiles.Select(profiles.Request{Profile: p.Name})
		if err != nil {
			t.Fatal(err)
		}
		required := compile.Build(sel)
		verdicts := func(text string) map[string]string {
			path := filepath.Join(t.TempDir(), "audit.rules")
			if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
				t.Fatal(err)
			}
			target, err := FileTarget(path, x86, nil)
			if err != nil {
				t.Fatal(err)
			}
			out := map[string]string{}
			for _, r := range mustVerify(t, p.Name, required, target, VerifyOptions{Machine: x86, Keys: p.VerifyKeys, Only: p.Controls}).Results {
				out[r.ID] = r.Status
			}
			return out
		}
		written := string(required.Render("test"))
		var respelled []string
		for _, l := range strings.Split(written, "\n") {
			respelled = append(respelled, respell.Respell(l))
		}
		want, got := verdicts(written), verdicts(strings.Join(respelled, "\n"))
		if len(want) == 0 || strings.Join(respelled, "\n") == written {
			t.Fatalf("%s: %d controls, respelled the same: %v", p.Name, len(want), strings.Join(respelled, "\n") == written)
		}
		for id, status := range want {
			if got[id] != status {
				t.Errorf("%s: %s is %s as written, %s respelled", p.Name, id, status, got[id])
			}
		}
	}
}

// A rules file of a usrmerged product (RHEL 9) is judged with /sbin as
// /usr/sbin without asking a host: the product says so.
func TestVerifyUsrMergedProduct(t *testing.T) {
	p, err := profiles.Load("stig-rhel9")
	if err != nil || !p.UsrMerged() {
		t.Fatalf("stig-rhel9 (%v) is a usrmerged product", err)
	}
	path := stigFile(t, func(_ int, l string) []string {
		return []string{strings.ReplaceAll(l, "path=/usr/sbin/", "path=/sbin/")}
	})
	if got := failing(verifyStig(t, path, UsrMerged{})); len(got) != 0 {
		t.Errorf("/sbin/x on a usrmerged product: failing %v", got)
	}
}
