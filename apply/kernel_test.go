package apply

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/auditpack/auditpack/compile"
	"github.com/auditpack/auditpack/internal/corpus"
	"github.com/auditpack/auditpack/internal/kerneltest"
	"github.com/auditpack/auditpack/internal/report"
	"github.com/auditpack/auditpack/packs"
	"github.com/auditpack/auditpack/packs/model"
	"github.com/auditpack/auditpack/profiles"
)

// loadable is a rule set the tests may put into this kernel: everything
// the selection holds except the lines that must never reach it.
func loadable(t *testing.T, k *kerneltest.Kernel, sel *packs.Selection) (*compile.Compiled, string) {
	t.Helper()
	o := compile.Build(sel)
	if len(o.Problems) > 0 {
		t.Fatalf("%v", o.Problems[0])
	}
	absent := k.AbsentDirs(o.Items)
	kept := o.Items[:0:0]
	var text strings.Builder
	for _, it := range o.Items {
		if kerneltest.Forbidden(it.Text) != "" || absent[it] {
			continue
		}
		kept = append(kept, it)
		text.WriteString(it.Text + "\n")
	}
	o.Items = kept
	return o, text.String()
}

func status(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("auditctl", "-s").Output()
	if err != nil {
		t.Fatal(err)
	}
	var keep []string
	for _, l := range strings.Split(string(out), "\n") {
		for _, name := range []string{"enabled", "failure", "backlog_limit", "rate_limit", "backlog_wait_time "} {
			if strings.HasPrefix(l, name) {
				keep = append(keep, l)
			}
		}
	}
	return strings.Join(keep, "\n")
}

func openReal(t testing.TB) Kernel {
	t.Helper()
	k, err := Open()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { k.Close() })
	return k
}

func rawRules(t *testing.T, k Kernel) [][]byte {
	t.Helper()
	raw, err := k.Rules()
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// differentialSources are the rule sets compared with auditctl: every
// embedded profile and published example files that load on this host.
func differentialSources(t *testing.T) map[string]*packs.Selection {
	t.Helper()
	out := map[string]*packs.Selection{}
	for _, name := range []string{"stig-rhel9", "pci-dss", "ospp"} {
		sel, err := profiles.Select(profiles.Request{Profile: name})
		if err != nil {
			t.Fatal(err)
		}
		out["profile "+name] = sel
	}
	// Debian's auditctl 3.0.9 cannot load the newest upstream files (they
	// name syscalls it does not know), so its own examples are used.
	examples := corpus.Dir(t, "debian-auditd-3.0.9")
	for _, files := range [][]string{
		{"10-base-config.rules", "30-stig.rules", "31-privileged.rules", "99-finalize.rules"},
		{"10-base-config.rules", "30-pci-dss-v31.rules"},
		{"10-base-config.rules", "30-ospp-v42.rules", "30-ospp-v42-1-create-failed.rules", "30-ospp-v42-3-access-failed.rules", "43-module-load.rules"},
		{"41-containers.rules", "42-injection.rules", "44-installers.rules", "70-einval.rules", "71-networking.rules"},
	} {
		var paths []string
		for _, f := range files {
			paths = append(paths, filepath.Join(examples, f))
		}
		sel, err := profiles.Select(profiles.Request{Paths: paths})
		if err != nil {
			t.Fatal(err)
		}
		out[strings.Join(files, "+")] = sel
	}
	return out
}

// TestApplyMatchesAuditctl: apply leaves the kernel exactly as
// "auditctl -D; auditctl -R" of the same compiled file leaves it (rules
// byte for byte, auditctl -l, settings), finds nothing to change in a
// kernel auditctl loaded, and a second apply finds nothing to do.
func TestApplyMatchesAuditctl(t *testing.T) {
	for name, sel := range differentialSources(t) {
		t.Run(name, func(t *testing.T) {
			kt := kerneltest.Acquire(t)
			ordered, text := loadable(t, kt, sel)
			k := openReal(t)
			target := model.Native()
			d, err := Prepare(ordered, target)
			if err != nil {
				t.Fatal(err)
			}

			if out, code := kt.LoadWithAuditctl("-D\n" + text); code != 0 {
				t.Fatalf("auditctl -R: %s", out)
			}
			wantList, wantRaw, wantStatus := kt.List(), rawRules(t, k), status(t)
			// The rules read back are spelled as auditctl -l spells them.
			ours, err := kernelRules(k, target)
			if err != nil {
				t.Fatal(err)
			}
			for i, r := range ours {
				if i < len(wantList) && r.Text != namedSyscalls(wantList[i], target) && !auditctlListingBug(wantList[i]) {
					t.Errorf("rule %d reads back as\n  %s\nauditctl -l says\n  %s", i, r.Text, wantList[i])
				}
			}
			res, err := Apply(k, d, target, Options{DryRun: true})
			if err != nil || res.Plan.Changed() {
				var b bytes.Buffer
				report.WriteApplyText(&b, res.Report(), false)
				t.Errorf("against the kernel auditctl loaded, apply would change rules (%v):\n%s", err, b.String())
			}

			if out, code := kt.LoadWithAuditctl("-D\n"); code != 0 {
				t.Fatal(out)
			}
			_, err = Apply(k, d, target, Options{LockPath: filepath.Join(t.TempDir(), "lock")})
			if err != nil {
				t.Fatalf("apply: %v", err)
			}
			if got := kt.List(); strings.Join(got, "\n") != strings.Join(wantList, "\n") {
				t.Errorf("auditctl -l after apply differs from after auditctl -R:\n%s\n---\n%s", strings.Join(got, "\n"), strings.Join(wantList, "\n"))
			}
			if got := rawRules(t, k); !equalRaw(got, wantRaw) {
				t.Errorf("the kernel's rule data after apply differs from after auditctl -R")
			}
			if got := status(t); got != wantStatus {
				t.Errorf("status after apply:\n%s\nafter auditctl -R:\n%s", got, wantStatus)
			}
			if res, err := Apply(k, d, target, Options{DryRun: true}); err != nil || res.Changed() {
				t.Errorf("a dry run right after apply finds changes (%v): %s", err, res.Summary())
			}
		})
	}
}

// auditctlListingBug recognizes auditctl 3.0.9's listing of a watch whose
// perm comes before its path ("-p x-w /usr/bin/dnf-3"), which glues the
// words together.
func auditctlListingBug(line string) bool {
	return strings.HasPrefix(strings.TrimSpace(line), "-p ")
}

// namedSyscalls is an auditctl -l line with the syscalls it prints by
// number (those its tables are too old to name, 452 for fchmodat2) named
// as auditpack's tables name them.
func namedSyscalls(line string, t *model.Target) string {
	words := strings.Split(line, " ")
	abi := model.B64
	for i, w := range words {
		if w == "-F" && i+1 < len(words) && words[i+1] == "arch=b32" {
			abi = model.B32
		}
		if w != "-S" || i+1 == len(words) {
			continue
		}
		names := strings.Split(words[i+1], ",")
		for j, n := range names {
			if num, err := strconv.Atoi(n); err == nil {
				if name, ok := t.SyscallNames(abi)[num]; ok {
					names[j] = name
				}
			}
		}
		words[i+1] = strings.Join(names, ",")
	}
	return strings.Join(words, " ")
}

func equalRaw(a, b [][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		na, _ := normalizeWire(a[i])
		nb, _ := normalizeWire(b[i])
		if !bytes.Equal(na, nb) {
			return false
		}
	}
	return true
}

// TestFailedApplyRestoresKernel: a rule the kernel refuses in the middle of
// a set (an absent directory, a duplicate) leaves the rules and settings
// exactly as they were.
func TestFailedApplyRestoresKernel(t *testing.T) {
	kt := kerneltest.Acquire(t)
	k := openReal(t)
	target := model.Native()
	before := "-D\n-b 320\n" + strings.Join([]string{rA, rB, rC, "-w /etc/hosts -p wa -k hosts"}, "\n") + "\n"
	for name, lines := range map[string][]string{
		"absent directory": {"-b 8192", rA, "-w /etc/passwd -p wa -k identity", "-w /nonexistent-auditpack-dir/x -p wa -k gone", rY, rC},
		"duplicate":        {"--backlog_wait_time 30000", rY, "-w /etc/group -p wa -k g", "-a always,exit -F path=/etc/group -F perm=wa -F key=g", rB},
	} {
		if out, code := kt.LoadWithAuditctl(before); code != 0 {
			t.Fatal(out)
		}
		wantList, wantStatus := kt.List(), status(t)
		_, err := Apply(k, desired(t, lines...), target, Options{LockPath: filepath.Join(t.TempDir(), "lock")})
		if err == nil || !strings.Contains(err.Error(), "restored") {
			t.Errorf("%s: got %v, want a failed apply with everything restored", name, err)
		}
		if got := kt.List(); strings.Join(got, "\n") != strings.Join(wantList, "\n") {
			t.Errorf("%s: rules after the failed apply:\n%s\nbefore:\n%s", name, strings.Join(got, "\n"), strings.Join(wantList, "\n"))
		}
		if got := status(t); got != wantStatus {
			t.Errorf("%s: status after the failed apply:\n%s\nbefore:\n%s", name, got, wantStatus)
		}
	}
}

// TestKernelQuirks pins what the kernel layer works around in go-libaudit.
func TestKernelQuirks(t *testing.T) {
	kt := kerneltest.Acquire(t)
	k := openReal(t)
	if out, code := kt.LoadWithAuditctl("-D\n"); code != 0 {
		t.Fatal(out)
	}
	d := desired(t, rA, "-A always,exit -F arch=b64 -S unlinkat -k first", "-a never,task -F uid=4242")
	for _, r := range d.Rules {
		if err := k.AddRule(r.Wire, r.Prepend); err != nil {
			t.Fatal(err)
		}
	}
	list := kt.List()
	if len(list) != 3 || !strings.Contains(list[1], "-k first") && !strings.Contains(list[1], "key=first") {
		t.Errorf("-A must put the rule first in its list (go-libaudit sends it as -a): %q", list)
	}
	// auditctl's identical task rule is refused: the wire data is the same.
	if out, _ := kt.LoadWithAuditctl("-a never,task -F uid=4242\n"); !strings.Contains(out, "Rule exists") {
		t.Errorf("auditctl added a second task rule; the task mask differs from auditctl's: %s", out)
	}
	if err := k.AddRule(d.Rules[len(d.Rules)-1].Wire, false); err != ErrRuleExists {
		t.Errorf("adding an existing rule: %v, want ErrRuleExists", err)
	}
	r := desired(t, rC).Rules[0]
	if err := k.DeleteRule(r.Wire); err != ErrNoSuchRule {
		t.Errorf("deleting a rule the kernel does not have: %v, want ErrNoSuchRule (go-libaudit says nil)", err)
	}
	// Rules go-libaudit's ToCommandLine cannot print read back all the same.
	if out, code := kt.LoadWithAuditctl("-a never,filesystem -F fstype=tracefs\n-a always,exit -F arch=b64 -S openat -F sessionid=5 -k sess\n"); code != 0 {
		t.Fatal(out)
	}
	rules, err := kernelRules(k, model.Native())
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, r := range rules {
		texts = append(texts, r.Text)
	}
	joined := strings.Join(texts, "\n")
	// auditctl -l names the file system: "-F fstype=tracefs".
	if !strings.Contains(joined, "-a never,filesystem -F fstype=tracefs") || !strings.Contains(joined, "-F sessionid=5") {
		t.Errorf("foreign rules read back as:\n%s", joined)
	}
	if err := k.Set(Setting{model.SettingFailure, 1}); err != nil {
		t.Fatal(err)
	}
	if s, _ := k.Status(); s.Failure != 1 {
		t.Errorf("failure %d after setting 1 (go-libaudit's LogOnFailure constant is 0)", s.Failure)
	}
}

// The kernel answers a GET with an ACK and, from a thread of its own, the
// data, in either order under load. Status reads both, so nothing is left
// on the socket for the next request (a leftover once failed a later
// go-libaudit call with "unexpected sequence number").
func TestStatusLeavesNothingOnTheSocket(t *testing.T) {
	kerneltest.Acquire(t)
	k := openReal(t).(*netlinkKernel)
	for range 200 {
		if _, err := k.Status(); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(50 * time.Millisecond) // time for a late answer to arrive
	if msgs, err := k.client.Netlink.Receive(true, parseAuditMessage); !errors.Is(err, syscall.EAGAIN) {
		t.Fatalf("a message was left on the socket after Status: %+v (%v)", msgs, err)
	}
}

// TestApplyLoadsEveryList: apply loads rules on all six filter lists. The
// five this host's auditctl knows end up byte for byte as auditctl -R
// leaves them and read back as auditctl -l lists them; the io_uring rule,
// which only auditctl 4.0 reads, is held by the kernel with its operations
// (openat 18, openat2 28). A second apply finds nothing to do.
func TestApplyLoadsEveryList(t *testing.T) {
	kt := kerneltest.Acquire(t)
	auditctlKnows := []string{
		"-a never,user -F uid=4242",
		"-a never,task -F uid=4243",
		"-a always,exit -F arch=b64 -S openat -F auid>=1000 -F auid!=unset -k ap_open",
		"-a never,exclude -F msgtype=CWD",
		"-a never,filesystem -F fstype=debugfs -F key=ap_fs",
	}
	ioUring := "-a always,io_uring -S openat,openat2 -F key=ap_uring"
	k := openReal(t)
	target := model.Native()
	if out, code := kt.LoadWithAuditctl("-D\n" + strings.Join(auditctlKnows, "\n") + "\n"); code != 0 {
		t.Fatalf("auditctl -R: %s", out)
	}
	wantList, wantRaw := kt.List(), rawRules(t, k)
	if out, code := kt.LoadWithAuditctl("-D\n"); code != 0 {
		t.Fatal(out)
	}

	d := desiredFrom(t, kt, append(auditctlKnows, ioUring))
	if _, err := Apply(k, d, target, Options{LockPath: filepath.Join(t.TempDir(), "lock")}); err != nil {
		t.Fatalf("apply: %v", err)
	}
	ours, err := kernelRules(k, target)
	if err != nil {
		t.Fatal(err)
	}
	var rest [][]byte
	var uring *Rule
	for _, r := range ours {
		if r.List == uint32(model.ListIOUring) {
			uring = r
			continue
		}
		rest = append(rest, r.Wire)
	}
	if !equalRaw(rest, wantRaw) {
		t.Errorf("apply's rules on the five lists differ from auditctl's")
	}
	// auditctl 3.0.9 lists the io_uring rule as "-a always,(null) -S
	// pwrite,madvise": it knows neither the list nor the operations.
	var listed []string
	for _, l := range kt.List() {
		if !strings.Contains(l, "key=ap_uring") {
			listed = append(listed, l)
		}
	}
	if strings.Join(listed, "\n") != strings.Join(wantList, "\n") {
		t.Errorf("auditctl -l after apply:\n%s\nafter auditctl -R:\n%s", strings.Join(listed, "\n"), strings.Join(wantList, "\n"))
	}
	if uring == nil || uring.Text != "-a always,io_uring -S openat,openat2 -F key=ap_uring" {
		t.Errorf("the kernel holds no io_uring rule as applied: %+v", uring)
	} else if got := model.MaskOf(uring.Wire).Numbers(); len(got) != 2 || got[0] != 18 || got[1] != 28 {
		t.Errorf("io_uring rule's operations = %v, want [18 28]", got)
	}
	if res, err := Apply(k, d, target, Options{DryRun: true}); err != nil || res.Changed() {
		t.Errorf("a dry run right after apply finds changes (%v): %s", err, res.Summary())
	}
}

// desiredFrom prepares rule lines as a rules file would hold them.
func desiredFrom(t *testing.T, kt *kerneltest.Kernel, lines []string) *Desired {
	t.Helper()
	path := filepath.Join(t.TempDir(), "10-lists.rules")
	if err := os.WriteFile(path, []byte("-D\n"+strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	sel, err := profiles.Select(profiles.Request{Paths: []string{path}})
	if err != nil {
		t.Fatal(err)
	}
	ordered, _ := loadable(t, kt, sel)
	d, err := Prepare(ordered, model.Native())
	if err != nil {
		t.Fatal(err)
	}
	return d
}
