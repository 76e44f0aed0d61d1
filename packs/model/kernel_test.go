package model_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/auditpack/auditpack/internal/kerneltest"
	"github.com/auditpack/auditpack/packs/model"
)

// TestIdentityMatchesKernel loads pairs of rules into the real kernel: the
// second is refused with "Rule exists" exactly when the model says the two
// are one rule to the kernel.
func TestIdentityMatchesKernel(t *testing.T) {
	k := kerneltest.Acquire(t)
	pairs := [][2]string{
		{"-a always,exit -F arch=b64 -S openat -F auid!=unset -k ap_k", "-a always,exit -F arch=b64 -S openat -F auid!=-1 -k ap_k"},
		{"-a always,exit -F arch=b64 -S openat,open -k ap_k", "-a always,exit -F arch=b64 -S open -S openat -k ap_k"},
		{"-w /etc/passwd -p wa -k ap_k", "-a always,exit -F path=/etc/passwd -F perm=wa -F key=ap_k"},
		{"-w /etc/passwd/ -p wa -k ap_k", "-w /etc/passwd -p wa -k ap_k"},
		{"-a always,exit -F arch=b64 -S openat -F key=ap_k -F uid=0", "-a always,exit -F arch=b64 -S openat -F uid=0 -k ap_k"},
		{"-a always,exit -F arch=b64 -S openat -F exit=-EACCES -k ap_k", "-a always,exit -F arch=b64 -S openat -F exit=-13 -k ap_k"},
		{"-a exit,always -F arch=b64 -S openat -k ap_k", "-a always,exit -F arch=b64 -S openat -k ap_k"},
		{"-a always,exit -F arch=b64 -S openat -k ap_k1", "-a always,exit -F arch=b64 -S openat -k ap_k2"},
		{"-a always,exit -F arch=b64 -S openat -F uid=0 -F auid=1000 -k ap_k", "-a always,exit -F arch=b64 -S openat -F auid=1000 -F uid=0 -k ap_k"},
		{"-a always,exit -F arch=b64 -S openat -k ap_k", "-a never,exit -F arch=b64 -S openat -k ap_k"},
		{"-a always,exit -F arch=b64 -S openat -k ap_k", "-a always,exit -F arch=b32 -S openat -k ap_k"},
		{"-w /etc/passwd -p wa -k ap_k", "-w /etc/passwd -p w -k ap_k"},
		{"-a always,exit -F arch=b64 -S openat -F auid>=1000 -k ap_k", "-a always,exit -F arch=b64 -S openat -F auid>1000 -k ap_k"},
		{"-A always,exit -F arch=b64 -S openat -k ap_k", "-a always,exit -F arch=b64 -S openat -k ap_k"},
		{"-w /etc/passwd -p wa -k ap_k", "-w /etc/passwd -p wa -S openat -k ap_k"},
		{"-a always,exit -F arch=b64 -S openat -k ap_k", "-A always,exit -F arch=b64 -S openat -k ap_k"},
		{"-a never,task -F uid=4242", "-a task,never -F uid=4242"},
		{"-a never,exclude -F msgtype=CWD", "-a exclude,never -F msgtype=1307"},
		{"-a never,filesystem -F fstype=debugfs", "-a never,filesystem -F fstype=0x64626720"},
	}
	for _, p := range pairs {
		second := norm(t, p[1])
		sameForModel := norm(t, p[0]).Identity() == second.Identity() && !second.Prepend
		out, code := k.LoadWithAuditctl("-D\n" + p[0] + "\n" + p[1] + "\n")
		exists := strings.Contains(out, "Rule exists")
		if exists != sameForModel || (!exists && code != 0) {
			t.Errorf("model says same=%v, kernel said (exit %d): %s\n  %s\n  %s", sameForModel, code, strings.TrimSpace(out), p[0], p[1])
		}
	}
}

// TestCoversMatchesEvents loads an earlier rule a and a later rule b, runs
// mkdir, and reads which rule's key the kernel logged from the audit
// multicast socket: b's key never appears exactly when model.Covers(a, b).
func TestCoversMatchesEvents(t *testing.T) {
	k := kerneltest.Acquire(t)
	events := k.Listen()
	mkdir := kerneltest.Executable(t, "mkdir")
	scratch := t.TempDir()
	const all = "-F arch=b64 -S mkdir,mkdirat -F exe="
	cases := []struct{ a, b string }{
		// an earlier always rule takes the events: only its key is logged
		{"-a always,exit " + all + mkdir + " -k ap_first", "-a always,exit " + all + mkdir + " -F success=1 -k ap_second"},
		// an earlier never rule swallows them
		{"-a never,exit " + all + mkdir, "-a always,exit " + all + mkdir + " -k ap_second"},
		{"-a never,exit -F arch=b64 -S all -F exe=" + mkdir, "-a always,exit " + all + mkdir + " -F uid=0 -k ap_second"},
		// rules that do not cover b leave its events alone
		{"-a never,exit -F arch=b64 -S all -F auid=4294967290", "-a always,exit " + all + mkdir + " -k ap_second"},
		{"-a never,exit " + all + "/usr/bin/touch", "-a always,exit " + all + mkdir + " -k ap_second"},
		{"-a always,exit " + all + mkdir + " -F success=0 -k ap_first", "-a always,exit " + all + mkdir + " -k ap_second"},
		{"-a always,exit -F arch=b32 -S mkdir,mkdirat -k ap_first", "-a always,exit " + all + mkdir + " -k ap_second"},
	}
	for i, c := range cases {
		a, b := norm(t, c.a), norm(t, c.b)
		if out, code := k.LoadWithAuditctl("-D\n-e 1\n" + c.a + "\n" + c.b + "\n"); code != 0 {
			t.Fatalf("load: %s", out)
		}
		dir := filepath.Join(scratch, "d"+string(rune('a'+i)))
		keys := events.KeysLoggedFor(t, func() {
			if out, err := exec.Command(mkdir, dir).CombinedOutput(); err != nil {
				t.Fatalf("mkdir: %v %s", err, out)
			}
		})
		covered := model.Covers(a, b)
		if keys["ap_second"] == covered {
			t.Errorf("Covers = %v, but the kernel logged keys %v for\n  a: %s\n  b: %s", covered, keys, c.a, c.b)
		}
	}
}

func norm(t *testing.T, line string) *model.Rule {
	t.Helper()
	st, refusal := model.Read(strings.Fields(line))
	if refusal != nil {
		t.Fatalf("%q: %v", line, refusal)
	}
	return model.Normalize(&model.Line{Text: line, Rule: st.Rule}, model.Targets["x86_64"])
}

// TestPermClassesMatchEvents checks the perm classes against the events
// the kernel logs for real syscalls on a scratch file: each rule of an
// overlapping pair logs the same syscall when loaded alone, and a later
// rule's key is never logged exactly when the earlier rule covers it.
func TestPermClassesMatchEvents(t *testing.T) {
	k := kerneltest.Acquire(t)
	events := k.Listen()
	file := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(file, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	open := func(flag int) func() {
		return func() {
			f, err := os.OpenFile(file, flag, 0)
			if err != nil {
				t.Fatal(err)
			}
			f.Close()
		}
	}
	chmod := func() {
		if err := os.Chmod(file, 0o640); err != nil {
			t.Fatal(err)
		}
	}
	logged := func(rules string, action func()) map[string]bool {
		t.Helper()
		if out, code := k.LoadWithAuditctl("-D\n-e 1\n" + rules + "\n"); code != 0 {
			t.Fatalf("load: %s", out)
		}
		return events.KeysLoggedFor(t, action)
	}
	// An open for reading and writing is both a read and a write.
	a, b := "-w "+file+" -p r -k ap_a", "-w "+file+" -p w -k ap_b"
	if !logged(a, open(os.O_RDWR))["ap_a"] || !logged(b, open(os.O_RDWR))["ap_b"] {
		t.Errorf("each watch alone should log an O_RDWR open")
	} else if !model.Overlaps(norm(t, a), norm(t, b)) {
		t.Errorf("Overlaps = false, but both watches match an O_RDWR open")
	}
	cases := []struct {
		a, b   string
		action func()
	}{
		// chmod is fchmodat, in the attribute class: perm=a takes it.
		{"-a always,exit -F arch=b64 -S all -F path=" + file + " -F perm=a -k ap_a", "-a always,exit -F arch=b64 -S fchmodat -F path=" + file + " -k ap_b", chmod},
		// perm=r does not see an open for writing.
		{"-a always,exit -F arch=b64 -S all -F path=" + file + " -F perm=r -k ap_a", "-a always,exit -F arch=b64 -S openat -F path=" + file + " -k ap_b", open(os.O_WRONLY)},
		// perm=rw sees every open, whatever its mode.
		{"-a always,exit -F arch=b64 -S all -F path=" + file + " -F perm=rw -k ap_a", "-a always,exit -F arch=b64 -S openat -F path=" + file + " -k ap_b", open(os.O_WRONLY)},
	}
	for _, c := range cases {
		keys := logged(c.a+"\n"+c.b, c.action)
		if covered := model.Covers(norm(t, c.a), norm(t, c.b)); keys["ap_b"] == covered {
			t.Errorf("Covers = %v, but the kernel logged keys %v for\n  a: %s\n  b: %s", covered, keys, c.a, c.b)
		}
	}
}

// TestEvalOrderMatchesKernel loads rules added with -a and -A, mixed: the
// kernel lists them (auditctl -l, its evaluation order) in the order
// model.EvalOrder gives, the last -A first.
func TestEvalOrderMatchesKernel(t *testing.T) {
	k := kerneltest.Acquire(t)
	lines := []string{
		"-a always,exit -F arch=b64 -S openat -k ap_a1",
		"-A always,exit -F arch=b64 -S openat -k ap_p1",
		"-a always,exit -F arch=b64 -S openat -k ap_a2",
		"-A always,exit -F arch=b64 -S openat -k ap_p2",
		"-A always,exit -F arch=b64 -S openat -k ap_p3",
		"-a always,exit -F arch=b64 -S openat -k ap_a3",
	}
	var rules []*model.Rule
	for _, l := range lines {
		rules = append(rules, norm(t, l))
	}
	var want []string
	for _, r := range model.EvalOrder(rules) {
		want = append(want, r.Keys[0])
	}
	if out, code := k.LoadWithAuditctl("-D\n" + strings.Join(lines, "\n") + "\n"); code != 0 {
		t.Fatalf("auditctl -R: exit %d: %s", code, out)
	}
	var got []string
	for _, l := range k.List() {
		got = append(got, l[strings.LastIndex(l, "key=")+len("key="):])
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("kernel order %v, EvalOrder %v", got, want)
	}
}
