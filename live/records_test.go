package live

import (
	"slices"
	"strings"
	"testing"

	"github.com/auditpack/auditpack/packs/model"
)

// stream is records as the multicast group delivers them: the type from
// the netlink header, the kernel's text without "type=... msg=". Two
// events interleave: a refused write to /etc/shadow by a user (key
// identity, a 64-bit openat), and a 32-bit chmod of a relative path,
// whose rule carries two keys (hex, \x01 between) and whose name has a
// space (hex). A LOGIN record and the end marker come between.
var stream = []Record{
	{1006, `audit(1714550400.100:411): pid=5001 uid=0 subj=unconfined old-auid=4294967295 auid=1000 tty=(none) old-ses=4294967295 ses=3 res=1`},
	{1300, `audit(1714550400.120:412): arch=c000003e syscall=257 success=no exit=-20 a0=ffffffffffffff9c a1=40a0b8 a2=30001 a3=0 items=1 ppid=4999 pid=5001 auid=1000 uid=65534 gid=65534 euid=65534 suid=65534 fsuid=65534 egid=65534 sgid=65534 fsgid=65534 tty=(none) ses=3 comm="auditpack" exe="/usr/bin/auditpack" subj=unconfined key="identity"`},
	{1300, `audit(1714550400.121:413): arch=40000003 syscall=15 success=no exit=-1 a0=40a0c0 a1=1a4 a2=0 a3=0 items=1 ppid=4999 pid=5002 auid=4294967295 uid=65534 gid=65534 euid=65534 suid=65534 fsuid=65534 egid=65534 sgid=65534 fsgid=65534 tty=(none) ses=4294967295 comm="auditpack" exe="/usr/bin/auditpack" subj=unconfined key=7065726D5F6D6F64016D6F6465`},
	{1307, `audit(1714550400.120:412): cwd="/tmp/auditpack-live-1/box"`},
	{1302, `audit(1714550400.120:412): item=0 name="/etc/shadow" inode=2621 dev=fd:00 mode=0100640 ouid=0 ogid=42 rdev=00:00 nametype=NORMAL cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0 cap_frootid=0`},
	{1307, `audit(1714550400.121:413): cwd=2F746D702F61756469747061636B2D6C6976652D312F626F78`},
	{1302, `audit(1714550400.121:413): item=0 name=726F6F742066696C65 inode=44 dev=fd:00 mode=0100644 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0 cap_frootid=0`},
	{1327, `audit(1714550400.120:412): proctitle=61756469747061636B`},
	{1320, `audit(1714550400.120:412): `},
	{1320, `audit(1714550400.121:413): `},
	{1005, `audit(1714550400.130:414): pid=4999 uid=0 auid=4294967295 ses=4294967295 subj=unconfined msg='auditpack-live-4999-1'`},
	{1300, `no header here`},
}

func TestGroupRecords(t *testing.T) {
	events, errs := groupRecords(stream)
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "no header here") {
		t.Errorf("errors %v, want the one record without a header", errs)
	}
	var serials []uint32
	for _, e := range events {
		serials = append(serials, e.Serial)
	}
	if !slices.Equal(serials, []uint32{411, 412, 413, 414}) {
		t.Fatalf("events %v, want 411 to 414 in order of arrival", serials)
	}
	login, shadow, chmod := events[0], events[1], events[2]
	if login.syscall != nil || login.pid() != 0 {
		t.Error("the LOGIN record's event has a syscall")
	}
	if _, ok := login.event(x86); ok {
		t.Error("an event without a SYSCALL record reads as a syscall")
	}
	if got := shadow.Time.Format("2006-01-02T15:04:05.000"); got != "2024-05-01T08:00:00.120" {
		t.Errorf("time %s", got)
	}
	if !slices.Equal(shadow.keys, []string{"identity"}) || !slices.Equal(shadow.names, []string{"/etc/shadow"}) || shadow.pid() != 5001 {
		t.Errorf("shadow event: keys %q names %q pid %d", shadow.keys, shadow.names, shadow.pid())
	}
	// Two keys, hex; a relative name with a space, hex, under a hex cwd.
	if !slices.Equal(chmod.keys, []string{"perm_mod", "mode"}) || !slices.Equal(chmod.names, []string{"/tmp/auditpack-live-1/box/root file"}) {
		t.Errorf("chmod event: keys %q names %q", chmod.keys, chmod.names)
	}
}

// A SYSCALL record reads back as the event the kernel's filter saw.
func TestRecordedEvent(t *testing.T) {
	events, _ := groupRecords(stream)
	openat, _ := x86.Syscall(model.B64, "openat")
	ev, ok := events[1].event(x86)
	want := model.Event{ABI: model.B64, Syscall: openat, Args: [4]uint64{0xffffffffffffff9c, 0x40a0b8, 0x30001, 0}, Exit: -20, PID: 5001,
		IDs:   model.IDs{AUID: 1000, UID: 65534, EUID: 65534, SUID: 65534, FSUID: 65534, GID: 65534, EGID: 65534, SGID: 65534, FSGID: 65534},
		Paths: []string{"/etc/shadow"}, Exe: "/usr/bin/auditpack", MsgType: 1300}
	if !ok || ev.ABI != want.ABI || ev.Syscall != want.Syscall || ev.Args != want.Args || ev.Exit != want.Exit || ev.Success || ev.PID != want.PID ||
		ev.IDs != want.IDs || !slices.Equal(ev.Paths, want.Paths) || ev.Exe != want.Exe || ev.MsgType != want.MsgType {
		t.Errorf("event\n %+v\nwant\n %+v", ev, want)
	}
	chmod, _ := x86.Syscall(model.B32, "chmod")
	ev, ok = events[2].event(x86)
	if !ok || ev.ABI != model.B32 || ev.Syscall != chmod || ev.Exit != -1 || ev.IDs.AUID != unset {
		t.Errorf("32-bit event %+v", ev)
	}
	// The requirement lines judge the events.
	for _, c := range []struct {
		line string
		ev   int
		want model.Match
	}{
		{"-a always,exit -F arch=b64 -F path=/etc/shadow -F perm=wa -k identity", 1, model.Matches},
		{"-a always,exit -F arch=b64 -F path=/etc/shadow -F perm=wa -F auid>=1000 -F auid!=unset", 1, model.Matches},
		{"-a always,exit -F arch=b32 -F path=/etc/shadow -F perm=wa", 1, model.NoMatch},
		{"-a always,exit -F arch=b32 -S chmod -F exit=-EPERM", 2, model.Matches},
		{"-a always,exit -F arch=b32 -S chmod -F auid>=1000 -F auid!=unset", 2, model.NoMatch},
		{"-a always,exit -F arch=b32 -F dir=/tmp/auditpack-live-1 -F perm=a", 2, model.Matches},
	} {
		ev, _ := events[c.ev].event(x86)
		r := model.Normalize(lineControl(t, c.line).Items[0], x86)
		if got, _ := r.Match(&ev); got != c.want {
			t.Errorf("%s on serial %d: %s, want %s", c.line, events[c.ev].Serial, got, c.want)
		}
	}
}

// The evidence names how the call ended and what the line tests.
func TestEvidenceFields(t *testing.T) {
	events, _ := groupRecords(stream)
	r := model.Normalize(lineControl(t, "-a always,exit -F arch=b64 -F path=/etc/shadow -F perm=wa -F auid>=1000 -F auid!=unset -C uid!=euid").Items[0], x86)
	var got []string
	for _, f := range events[1].evidenceFields(r) {
		got = append(got, f[0]+"="+f[1])
	}
	want := []string{"arch=x86_64", "syscall=openat", "result=fail", "exit=ENOTDIR", "pid=5001", "auid=1000", "uid=65534", "euid=65534", "name=/etc/shadow"}
	if !slices.Equal(got, want) {
		t.Errorf("fields %q\nwant %q", got, want)
	}
}
