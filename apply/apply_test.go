package apply

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/auditpack/auditpack/compile"
	"github.com/auditpack/auditpack/internal/kerneltest"
	"github.com/auditpack/auditpack/packs"
	"github.com/auditpack/auditpack/packs/model"
	"github.com/auditpack/auditpack/profiles"
)

var x86 = model.Targets["x86_64"]

// desired compiles rule lines into what Apply takes.
func desired(t *testing.T, lines ...string) *Desired {
	t.Helper()
	file := packs.ParseFile("t.rules", "t.rules", nil, []byte(strings.Join(lines, "\n")+"\n"))
	if len(file.Errors) > 0 {
		t.Fatal(file.Errors[0])
	}
	sel := &packs.Selection{Files: []*packs.File{file}}
	d, err := Prepare(compile.Build(sel), x86)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func load(t *testing.T, k *MemoryKernel, lines ...string) {
	t.Helper()
	for _, r := range desired(t, lines...).Rules {
		if err := k.AddRule(r.Wire, r.Prepend); err != nil {
			t.Fatal(err)
		}
	}
}

func texts(t *testing.T, k Kernel) []string {
	t.Helper()
	rules, err := kernelRules(k, x86)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range rules {
		out = append(out, r.Text)
	}
	return out
}

func opts(t *testing.T) Options { return Options{LockPath: filepath.Join(t.TempDir(), "lock")} }

var (
	rA = "-a always,exit -F arch=b64 -S openat -F exit=-EACCES -k a"
	rB = "-a always,exit -F arch=b64 -S unlinkat -F exit=-EACCES -k b"
	rC = "-a always,exit -F arch=b64 -S renameat -F exit=-EACCES -k c"
	// rX overlaps rB (same syscall, no narrower field) and must come before it.
	rX = "-a never,exit -F arch=b64 -S unlinkat -F exe=/usr/bin/rm"
	rY = "-a always,exit -F arch=b64 -S mkdirat -k y" // overlaps nothing here
)

func TestPlanChangesOnlyTheDifference(t *testing.T) {
	cases := []struct {
		name                 string
		before, after        []string
		adds, deletes, moved int
	}{
		{"same", []string{rA, rB, rC}, []string{rA, rB, rC}, 0, 0, 0},
		{"append", []string{rA, rB}, []string{rA, rB, rC}, 1, 0, 0},
		{"remove", []string{rA, rB, rC}, []string{rA, rC}, 0, 1, 0},
		{"insert in the middle, overlapping nothing", []string{rA, rB, rC}, []string{rA, rY, rB, rC}, 1, 0, 0},
		{"insert before an overlapping rule", []string{rA, rB, rC}, []string{rA, rX, rB, rC}, 2, 1, 1},
		{"replace one", []string{rA, rB, rC}, []string{rA, rY, rC}, 1, 1, 0},
		{"from empty", nil, []string{rA, rB, rC}, 3, 0, 0},
		{"to empty", []string{rA, rB, rC}, nil, 0, 3, 0},
	}
	for _, c := range cases {
		k := NewMemoryKernel(Status{})
		load(t, k, c.before...)
		d := desired(t, c.after...)
		res, err := Apply(k, d, x86, opts(t))
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if k.Adds-len(c.before) != c.adds || k.Deletes != c.deletes || res.Plan.Moved != c.moved {
			t.Errorf("%s: %d adds, %d deletes, %d moved; want %d, %d, %d", c.name, k.Adds-len(c.before), k.Deletes, res.Plan.Moved, c.adds, c.deletes, c.moved)
		}
		got, want := texts(t, k), make([]string, 0)
		for _, r := range res.Plan.New {
			want = append(want, r.Text)
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("%s: kernel holds\n%s\nplanned\n%s", c.name, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		// Rules that can match the same event stand in the written order.
		index := map[string]int{}
		for i, text := range got {
			index[text] = i
		}
		for i, a := range d.Rules {
			for _, b := range d.Rules[i+1:] {
				if d.overlaps(a, b) && index[a.Text] > index[b.Text] {
					t.Errorf("%s: %q must stay before %q", c.name, a.Text, b.Text)
				}
			}
		}
		if len(got) != len(d.Rules) {
			t.Errorf("%s: the kernel holds %d rules, want %d", c.name, len(got), len(d.Rules))
		}
		// A second run finds nothing to do.
		if res, err := Apply(k, d, x86, Options{DryRun: true}); err != nil || res.Changed() {
			t.Errorf("%s: second run changes %+v (%v)", c.name, res.Plan.Ops, err)
		}
	}
}

func TestApplyRollsBackOnFailure(t *testing.T) {
	k := NewMemoryKernel(Status{Enabled: 1, Failure: 1, BacklogLimit: 64})
	load(t, k, rA, rB, rC)
	before := texts(t, k)
	k.FailAdd = func(w []byte) error {
		if strings.Contains(model.Describe(w, x86), "mkdirat") {
			return fmt.Errorf("no such file or directory")
		}
		return nil
	}
	d := desired(t, "-b 8192", rC, "-a always,exit -F arch=b64 -S chmod -k new", rY, rA)
	_, err := Apply(k, d, x86, opts(t))
	if err == nil || !strings.Contains(err.Error(), "restored") {
		t.Fatalf("got %v, want a failure with the old rules restored", err)
	}
	if got := texts(t, k); strings.Join(got, "\n") != strings.Join(before, "\n") {
		t.Errorf("after the failed apply the kernel holds\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(before, "\n"))
	}
	if mustStatus(t, k).BacklogLimit != 64 {
		t.Errorf("backlog limit %d, want the old 64", mustStatus(t, k).BacklogLimit)
	}
	// A failing setting after the rules are in also restores everything.
	k.FailAdd = nil
	k.FailSet = func(s Setting) error {
		if s.Name == model.SettingBacklogWaitTime && s.Value > 150000 {
			return errors.New("invalid argument")
		}
		return nil
	}
	d = desired(t, "--backlog_wait_time 600000", rC, rY)
	if _, err := Apply(k, d, x86, opts(t)); err == nil {
		t.Fatal("the failing setting went unnoticed")
	}
	if got := texts(t, k); strings.Join(got, "\n") != strings.Join(before, "\n") {
		t.Errorf("after the failed setting the kernel holds\n%s", strings.Join(got, "\n"))
	}
}

func TestApplyLockedKernel(t *testing.T) {
	k := NewMemoryKernel(Status{Enabled: 2})
	load := desired(t, rA)
	persistTo := filepath.Join(t.TempDir(), "audit.rules")
	res, err := Apply(k, load, x86, Options{Persist: persistTo, Rendered: []byte("-D\n" + rA + "\n"), LockPath: filepath.Join(t.TempDir(), "l")})
	if !errors.Is(err, ErrLocked) || !res.Locked || k.Adds != 0 {
		t.Fatalf("got %v locked=%v adds=%d, want ErrLocked and no change", err, res.Locked, k.Adds)
	}
	if data, err := os.ReadFile(persistTo); err != nil || !strings.Contains(string(data), rA) {
		t.Errorf("--persist must still write the file for the next boot: %v %q", err, data)
	}
	if !strings.Contains(res.Summary(), "a reboot is needed") {
		t.Errorf("summary %q does not say a reboot is needed", res.Summary())
	}
}

func TestEnabledIsSetLast(t *testing.T) {
	k := NewMemoryKernel(Status{})
	d := desired(t, "-e 1", "-b 100", rA, "-f 1")
	if _, err := Apply(k, d, x86, opts(t)); err != nil {
		t.Fatal(err)
	}
	if n := len(k.Settings); n == 0 || k.Settings[n-1].Name != model.SettingEnabled {
		t.Errorf("settings sent in order %v; enabled must be last", k.Settings)
	}
}

func TestGuardRefusesLockingFromTests(t *testing.T) {
	k := &netlinkKernel{} // the guard answers before any netlink traffic
	for _, s := range []Setting{{model.SettingEnabled, 2}, {model.SettingFailure, 2}, {model.SettingLoginuidImmutable, 1}} {
		if err := k.Set(s); !errors.Is(err, ErrForbiddenInTests) {
			t.Errorf("Set(%v) = %v, want ErrForbiddenInTests", s, err)
		}
	}
}

// differs tells apply (and the Ansible module through files_change)
// whether persisting changes a file.
func TestDiffers(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.rules")
	if !differs(path, []byte("new\n")) {
		t.Error("a file that does not exist yet does not differ")
	}
	os.WriteFile(path, []byte("new\n"), 0o600)
	if differs(path, []byte("new\n")) {
		t.Error("the same content differs")
	}
	if !differs(path, []byte("other\n")) {
		t.Error("other content does not differ")
	}
}

func TestPersistKeepsPrevious(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.rules")
	os.WriteFile(path, []byte("old\n"), 0o600)
	undo, err := persist(path, []byte("new\n"))
	if err != nil {
		t.Fatal(err)
	}
	cur, _ := os.ReadFile(path)
	prev, _ := os.ReadFile(path + ".prev")
	info, _ := os.Stat(path)
	if string(cur) != "new\n" || string(prev) != "old\n" || info.Mode().Perm() != compile.RulesFileMode {
		t.Errorf("file %q prev %q mode %v", cur, prev, info.Mode().Perm())
	}
	if err := undo(); err != nil {
		t.Fatal(err)
	}
	if cur, _ := os.ReadFile(path); string(cur) != "old\n" {
		t.Errorf("after undo the file holds %q, want the old one back", cur)
	}
	fresh := filepath.Join(t.TempDir(), "new.rules")
	if undo, err = persist(fresh, []byte("new\n")); err != nil || undo() != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(fresh); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("undo of a first persist left %s (%v)", fresh, err)
	}
}

func TestLockKeepsApplysApart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lock")
	unlock, err := lock(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lock(path); err == nil || !strings.Contains(err.Error(), "another auditpack apply is running") {
		t.Errorf("second lock: %v", err)
	}
	unlock()
	if unlock2, err := lock(path); err != nil {
		t.Errorf("lock after unlock: %v", err)
	} else {
		unlock2()
	}
}

func mustStatus(t *testing.T, k Kernel) Status {
	t.Helper()
	s, err := k.Status()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// With OwnedKeys, another agent's rules stay where they are, untouched.
func TestOwnedKeysLeaveOtherAgentsAlone(t *testing.T) {
	k := NewMemoryKernel(Status{})
	load(t, k, "-w /etc/hosts -p wa -k wazuh_hosts", "-a always,exit -F arch=b64 -S openat -k ap_old", "-a always,exit -F arch=b64 -S execve -k osquery_exec")
	d := desired(t, "-a always,exit -F arch=b64 -S unlinkat -k ap_new", "-w /etc/passwd -p wa -k ap_identity")
	if _, err := Apply(k, d, x86, Options{OwnedKeys: "ap_", LockPath: filepath.Join(t.TempDir(), "l")}); err != nil {
		t.Fatal(err)
	}
	got := strings.Join(texts(t, k), "\n")
	want := strings.Join([]string{"-w /etc/hosts -p wa -k wazuh_hosts", "-a always,exit -F arch=b64 -S execve -F key=osquery_exec",
		"-a always,exit -F arch=b64 -S unlinkat -F key=ap_new", "-w /etc/passwd -p wa -k ap_identity"}, "\n")
	if got != want {
		t.Errorf("kernel holds\n%s\nwant\n%s", got, want)
	}
	// Every rule of the set must carry an owned key.
	d = desired(t, "-a always,exit -F arch=b64 -S unlinkat -k mine")
	var pe *UnownedError
	if _, err := Apply(k, d, x86, Options{OwnedKeys: "ap_", LockPath: filepath.Join(t.TempDir(), "l")}); !errors.As(err, &pe) {
		t.Errorf("got %v, want an UnownedError for the rule without an owned key", err)
	}
}

// TestOneKeyChangeMovesNothing: changing the key of one rule in the middle
// of the stig profile deletes and adds that rule and moves no other: a
// rule can only be in the way of another that matches the same events
// (perm classes included: perm=x sees execve and execveat only).
func TestOneKeyChangeMovesNothing(t *testing.T) {
	sel, err := profiles.Select(profiles.Request{Profile: "stig-rhel9"})
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, it := range compile.Build(sel).Items {
		if kerneltest.Forbidden(it.Text) == "" && !it.IsDirective() {
			lines = append(lines, it.Text)
		}
	}
	k := NewMemoryKernel(Status{Enabled: 1, Failure: 1})
	load(t, k, lines...)
	changed := append([]string(nil), lines...)
	// A rule in the middle that no later rule can match the same events
	// as (the cron execve rules at the end can: perm=x sees execve).
	mid := slices.IndexFunc(changed, func(l string) bool { return strings.Contains(l, "-F arch=b64 -F path=/etc/passwd ") })
	changed[mid] = regexp.MustCompile(`(-k |key=)\S+`).ReplaceAllString(changed[mid], "${1}changed")
	res, err := Apply(k, desired(t, changed...), x86, Options{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d rules; changing the key of %q: %d operations, %d moved", len(lines), lines[mid], len(res.Plan.Ops), res.Plan.Moved)
	if len(res.Plan.Ops) != 2 || res.Plan.Moved != 0 {
		t.Errorf("%d operations (%d moved), want 2 (delete and add the changed rule) and no move", len(res.Plan.Ops), res.Plan.Moved)
	}
}

// A host where loginuid is already immutable (every STIG host) has no
// drift in that setting: it is read back from the kernel, not assumed.
func TestLockedLoginuidIsNoDrift(t *testing.T) {
	k := NewMemoryKernel(Status{Enabled: 1, LoginuidImmutable: true})
	load(t, k, rA)
	res, err := Apply(k, desired(t, "--loginuid-immutable", rA), x86, Options{DryRun: true})
	if err != nil || res.Changed() {
		t.Fatalf("dry run on a host with loginuid locked: changed %v (%v), settings %v; want no difference", res.Changed(), err, res.Settings)
	}
	k = NewMemoryKernel(Status{Enabled: 1})
	res, err = Apply(k, desired(t, "--loginuid-immutable"), x86, Options{DryRun: true})
	if err != nil || len(res.Settings) != 1 || res.Settings[0].Name != "loginuid_immutable" {
		t.Fatalf("dry run on a host without it: settings %v (%v), want loginuid_immutable to change", res.Settings, err)
	}
}

func TestProgressCountsEveryOperation(t *testing.T) {
	k := NewMemoryKernel(Status{Enabled: 1})
	load(t, k, rA, rB)
	var seen []int
	total := 0
	o := opts(t)
	o.Progress = func(done, all int) { seen, total = append(seen, done), all }
	res, err := Apply(k, desired(t, "-b 100", rB, rC), x86, o)
	if err != nil {
		t.Fatal(err)
	}
	want := len(res.Plan.Ops) + len(res.Settings)
	if total != want || len(seen) != want || seen[len(seen)-1] != want {
		t.Errorf("progress saw %v of %d, want 1..%d", seen, total, want)
	}
}
