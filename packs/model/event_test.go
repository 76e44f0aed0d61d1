package model

import (
	"testing"
)

func TestFieldHolds(t *testing.T) {
	for _, c := range []struct {
		op    Op
		value uint32
		v     uint32
		want  bool
	}{
		{OpEqual, 5, 5, true}, {OpEqual, 5, 6, false},
		{OpNotEqual, 5, 5, false}, {OpNotEqual, 5, 6, true},
		{OpLess, 5, 4, true}, {OpLess, 5, 5, false},
		{OpLessEq, 5, 5, true}, {OpLessEq, 5, 6, false},
		{OpGreater, 5, 6, true}, {OpGreater, 5, 5, false},
		{OpGreaterEq, 1000, 1000, true}, {OpGreaterEq, 1000, 999, false},
		// & is any of the bits, &= all of them.
		{opBitMask, 0o1003, 0o1, true}, {opBitMask, 0o1003, 0o100, false},
		{opBitTest, 0o1003, 0o1001, false}, {opBitTest, 0o1003, 0o1003, true},
	} {
		f := Field{Op: c.op, Value: c.value}
		if got := f.Holds(c.v); got != c.want {
			t.Errorf("%d %s %d = %v, want %v", c.v, c.op, c.value, got, c.want)
		}
	}
}

func sys(t *testing.T, abi ABI, name string) int {
	t.Helper()
	n, ok := x86.Syscall(abi, name)
	if !ok {
		t.Fatalf("no %s syscall %s", abi, name)
	}
	return n
}

// user is a login user's task that dropped to nobody.
var user = IDs{AUID: 1000, UID: 65534, EUID: 65534, SUID: 65534, FSUID: 65534, GID: 65534, EGID: 65534, SGID: 65534, FSGID: 65534}

func TestRuleMatch(t *testing.T) {
	const oWronly, oCreat, eacces, eperm = 1, 0o100, 13, 1
	writeShadow := Event{ABI: B64, Syscall: sys(t, B64, "openat"), Args: [4]uint64{0xffffff9c, 0x1000, oWronly | 0o200000}, Exit: -20,
		IDs: user, Paths: []string{"/etc/shadow"}}
	writeShadow32 := writeShadow
	writeShadow32.ABI, writeShadow32.Syscall = B32, sys(t, B32, "openat")
	sudoersD := writeShadow
	sudoersD.Paths = []string{"/etc/sudoers.d"}
	chmodEPERM := Event{ABI: B64, Syscall: sys(t, B64, "chmod"), Exit: -eperm, IDs: user, Paths: []string{"/tmp/x/root"}}
	unset := chmodEPERM
	unset.IDs.AUID = 1<<32 - 1
	chmodOK := chmodEPERM
	chmodOK.Success, chmodOK.Exit = true, 0
	creatOpen := Event{ABI: B64, Syscall: sys(t, B64, "open"), Args: [4]uint64{0x1000, oWronly | oCreat}, Exit: -eacces, IDs: user}
	readOpen := creatOpen
	readOpen.Args[1] = 0
	root := user
	root.EUID, root.SUID, root.FSUID = 0, 0, 0
	execPriv := Event{ABI: B64, Syscall: sys(t, B64, "execve"), Exit: -eacces, IDs: root}
	execPlain := execPriv
	execPlain.IDs = user
	lchown32 := Event{ABI: B32, Syscall: sys(t, B32, "lchown"), Exit: -eperm, IDs: user, Paths: []string{"/etc/shadow"}}
	renameat2 := Event{ABI: B64, Syscall: sys(t, B64, "renameat2"), Exit: -eacces, IDs: user, Paths: []string{"/etc/shadow"}}
	syscallRecord := Event{MsgType: 1300, IDs: user}
	for _, c := range []struct {
		rule  string
		event Event
		want  Match
		field string
	}{
		{"-a always,exit -F arch=b64 -F path=/etc/shadow -F perm=wa -k identity", writeShadow, Matches, ""},
		{"-w /etc/shadow -p wa -k identity", writeShadow, Matches, ""},
		{"-w /etc/shadow -p wa -k identity", writeShadow32, Matches, ""},
		{"-a always,exit -F arch=b64 -F path=/etc/shadow -F perm=wa", writeShadow32, NoMatch, ""},
		{"-a always,exit -F arch=b32 -F path=/etc/shadow -F perm=wa", writeShadow32, Matches, ""},
		{"-a always,exit -F arch=b64 -F path=/etc/shadow -F perm=r", writeShadow, NoMatch, ""},
		{"-a always,exit -F arch=b64 -F path=/etc/gshadow -F perm=wa", writeShadow, NoMatch, ""},
		{"-a always,exit -F arch=b64 -F dir=/etc/sudoers.d -F perm=wa", sudoersD, Matches, ""},
		{"-a always,exit -F arch=b64 -F dir=/etc/sudoers -F perm=wa", sudoersD, NoMatch, ""},
		{"-a always,exit -F arch=b64 -F dir=/etc -F perm=wa", sudoersD, Matches, ""},
		{"-a always,exit -F arch=b64 -S chmod,fchmod -F exit=-EPERM -F auid>=1000 -F auid!=unset", chmodEPERM, Matches, ""},
		{"-a always,exit -F arch=b64 -S chmod,fchmod -F exit=-EPERM -F auid>=1000 -F auid!=unset", unset, NoMatch, ""},
		{"-a always,exit -F arch=b64 -S chmod -F exit=-EACCES", chmodEPERM, NoMatch, ""},
		{"-a always,exit -F arch=b64 -S fchmod -F exit=-EPERM", chmodEPERM, NoMatch, ""},
		{"-a always,exit -F arch=b64 -S chmod -F success=1", chmodEPERM, NoMatch, ""},
		{"-a always,exit -F arch=b64 -S chmod -F success=1", chmodOK, Matches, ""},
		{"-a always,exit -F arch=b64 -S chmod -F success=0", chmodEPERM, Matches, ""},
		{"-a always,exit -F arch=b64 -S chmod -F success!=1", chmodOK, NoMatch, ""},
		{"-a always,exit -F arch=b64 -S chmod -F auid=0", chmodEPERM, NoMatch, ""},
		{"-a always,exit -F arch=b64 -S open -F a1&0100 -F exit=-EACCES", creatOpen, Matches, ""},
		{"-a always,exit -F arch=b64 -S open -F a1&0100 -F exit=-EACCES", readOpen, NoMatch, ""},
		{"-a always,exit -F arch=b64 -S open -F a1&01003", creatOpen, Matches, ""},
		{"-a always,exit -F arch=b64 -S open -F perm=w", creatOpen, Matches, ""},
		{"-a always,exit -F arch=b64 -S open -F perm=w", readOpen, NoMatch, ""},
		{"-a always,exit -F arch=b64 -S execve -C uid!=euid -F euid=0", execPriv, Matches, ""},
		{"-a always,exit -F arch=b64 -S execve -C uid!=euid -F euid=0", execPlain, NoMatch, ""},
		{"-a always,exit -F arch=b64 -S execve -F perm=x", execPlain, Matches, ""},
		{"-a always,exit -F arch=b64 -S execve -F subj_type=crond_t -F euid=0", execPriv, MayMatch, "subj_type"},
		{"-a always,exit -F arch=b64 -S execve -F subj_type=crond_t -F euid=0", execPlain, NoMatch, ""},
		{"-a always,exit -F arch=b64 -S execve -F exe=/usr/bin/su", execPlain, MayMatch, "exe"},
		{"-a always,exit -F arch=b64 -S execve -F pid=1", execPlain, MayMatch, "pid"},
		{"-a always,exit -F arch=b32 -F path=/etc/shadow -F perm=a", lchown32, Matches, ""},
		{"-a always,exit -F arch=b32 -F path=/etc/shadow -F perm=w", lchown32, NoMatch, ""},
		// renameat2 joined the write class in newer kernels only.
		{"-a always,exit -F arch=b64 -F path=/etc/shadow -F perm=w", renameat2, MayMatch, "perm"},
		{"-a never,exclude -F msgtype=SYSCALL", syscallRecord, Matches, ""},
		{"-a always,exclude -F msgtype=CRYPTO_KEY_USER", syscallRecord, NoMatch, ""},
		{"-a never,exclude -F auid=1000", syscallRecord, Matches, ""},
		{"-a never,user -F uid=0", syscallRecord, MayMatch, "user list"},
	} {
		r := norm(t, c.rule)
		got, field := r.Match(&c.event)
		if got == NoMatch {
			field = "" // TestNoMatchNamesField holds it
		}
		if got != c.want || field != c.field {
			t.Errorf("%s on %+v: %s %q, want %s %q", c.rule, c.event, got, field, c.want, c.field)
		}
	}
}

// A rule that does not match names the first field that does not hold.
func TestNoMatchNamesField(t *testing.T) {
	e := Event{ABI: B64, Syscall: sys(t, B64, "chmod"), Exit: -13, IDs: user}
	for rule, want := range map[string]string{
		"-a always,exit -F arch=b64 -S chmod -F auid>=1000 -F exit=-EPERM": "exit",
		"-a always,exit -F arch=b64 -S chmod -F auid=0 -F exit=-EACCES":    "auid",
		"-a always,exit -F arch=b64 -S chmod -F success=1":                 "success",
		"-a always,exit -F arch=b64 -S fchmod":                             "",
		"-a always,exit -F arch=b32 -S chmod":                              "",
	} {
		if m, field := norm(t, rule).Match(&e); m != NoMatch || field != want {
			t.Errorf("%s: %s %q, want no match at %q", rule, m, field, want)
		}
	}
}

func TestExeKnown(t *testing.T) {
	e := Event{ABI: B64, Syscall: sys(t, B64, "execve"), IDs: user, Exe: "/usr/bin/auditpack"}
	for rule, want := range map[string]Match{
		"-a always,exit -F arch=b64 -S execve -F exe=/usr/bin/su":        NoMatch,
		"-a always,exit -F arch=b64 -S execve -F exe=/usr/bin/auditpack": Matches,
		"-a always,exit -F arch=b64 -S execve -F exe!=/usr/bin/su":       Matches,
	} {
		if got, _ := norm(t, rule).Match(&e); got != want {
			t.Errorf("%s: %s, want %s", rule, got, want)
		}
	}
}

func TestDecide(t *testing.T) {
	var rules []*Rule
	for _, l := range []string{
		"-a always,exclude -F msgtype=CRYPTO_KEY_USER",
		"-a always,exit -F arch=b64 -S chmod -F pid=1 -k maybe",
		"-a never,exit -F arch=b64 -S chmod -F auid>=1000",
		"-a always,exit -F arch=b64 -S chmod -F auid>=1000 -k perm_mod",
	} {
		rules = append(rules, norm(t, l))
	}
	e := Event{ABI: B64, Syscall: sys(t, B64, "chmod"), Exit: -1, IDs: user}
	d := Decide(rules, ListExit, &e)
	if d.Rule != rules[2] || len(d.Maybe) != 1 || d.Maybe[0].Rule != rules[1] || d.Maybe[0].Field != "pid" {
		t.Fatalf("decision %+v: want the never rule, after the pid rule that may match", d)
	}
	e.IDs.AUID = 999
	if d := Decide(rules, ListExit, &e); d.Rule != nil {
		t.Errorf("auid 999: decided by %s, want no rule", d.Rule.Item.Text)
	}
	e.MsgType = 1300
	if d := Decide(rules, ListExclude, &e); d.Rule != nil {
		t.Errorf("exclude list: decided by %s, want no rule", d.Rule.Item.Text)
	}
}
