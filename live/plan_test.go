package live

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/auditpack/auditpack/packs"
	"github.com/auditpack/auditpack/packs/model"
	"github.com/auditpack/auditpack/profiles/verify"
)

// lineControl is a control asking for one line.
func lineControl(t *testing.T, line string) *verify.Control {
	t.Helper()
	f := packs.ParseFile("req.rules", "req.rules", nil, []byte(line+"\n"))
	if len(f.Errors) > 0 || len(f.Items) != 1 {
		t.Fatalf("%s: %v", line, f.Errors)
	}
	return &verify.Control{ID: "C", Items: []*model.Line{&f.Items[0]}}
}

// planned is a part as a test expects it: its event, and the probe and
// identity of its call, or the start of the reason it has none.
type planned struct {
	part, probe, who, path, reason string
}

func describe(p *Part) planned {
	got := planned{part: p.ABI.String() + " " + p.Event}
	if p.Action == nil {
		got.reason = p.Reason
		return got
	}
	got.probe, got.who, got.path = p.Action.Probe.kind, p.Action.Who.String(), p.Action.Path
	return got
}

const user1000 = "auid=1000 uid=65534 euid=65534 gid=65534 egid=65534"
const serviceNobody = "auid=unset uid=65534 euid=65534 gid=65534 egid=65534"

func TestPlanParts(t *testing.T) {
	immutable := func(auid uint32) func(*Self) {
		return func(s *Self) { s.AUID, s.LoginuidImmutable = auid, true }
	}
	for _, c := range []struct {
		line string
		self func(*Self)
		want []planned
	}{
		// A watch: one refused call per perm class, as uid 65534, with
		// the loginuid auditpack has.
		{"-a always,exit -F arch=b64 -F path=/etc/shadow -F perm=wa -k identity", nil, []planned{
			{part: "b64 perm=w", probe: "watch-write/refused", who: serviceNobody, path: "/etc/shadow"},
			{part: "b64 perm=a", probe: "watch-attr/refused", who: serviceNobody, path: "/etc/shadow"}}},
		{"-w /etc/localtime -p r", nil, []planned{
			{part: "b64 perm=r", probe: "watch-read/refused", who: serviceNobody, path: "/etc/localtime"},
			{part: "b32 perm=r", probe: "watch-read/refused", who: serviceNobody, path: "/etc/localtime"}}},
		{"-a always,exit -F arch=b64 -F dir=/etc/sudoers.d -F perm=w", nil, []planned{
			{part: "b64 perm=w", probe: "watch-write/refused", who: serviceNobody, path: "/etc/sudoers.d"}}},
		// A syscall rule for users: EPERM first, with loginuid UID_MIN.
		{"-a always,exit -F arch=b32 -S chmod,fchmod -F auid>=1000 -F auid!=unset -k perm_mod", nil, []planned{
			{part: "b32 chmod", probe: "chmod/EPERM", who: user1000},
			{part: "b32 fchmod", probe: "fchmod/EPERM", who: user1000}}},
		{"-a always,exit -F arch=b64 -S open -F a1&0100 -F exit=-EACCES -F auid>=1000 -F auid!=unset", nil, []planned{
			{part: "b64 open", probe: "open/EACCES", who: user1000}}},
		{"-a always,exit -F arch=b64 -S creat -F success=1 -F auid>=1000 -F auid!=unset", nil, []planned{
			{part: "b64 creat", probe: "creat/success", who: user1000}}},
		{"-a always,exit -F arch=b64 -S setxattr -F auid=0", nil, []planned{
			{part: "b64 setxattr", probe: "setxattr/EPERM", who: "auid=0 uid=65534 euid=65534 gid=65534 egid=65534"}}},
		// Privilege use: only the refused exec runs with euid or egid 0.
		{"-a always,exit -F arch=b64 -S execve -C uid!=euid -F euid=0 -k execpriv", nil, []planned{
			{part: "b64 execve", probe: "execve/EACCES", who: "auid=unset uid=65534 euid=0 gid=65534 egid=65534"}}},
		{"-a always,exit -F arch=b64 -S execve -C gid!=egid -F egid=0 -k execpriv", nil, []planned{
			{part: "b64 execve", probe: "execve/EACCES", who: "auid=unset uid=65534 euid=65534 gid=65534 egid=0"}}},
		{"-a always,exit -F arch=b64 -S chmod -F euid=0", nil, []planned{
			{part: "b64 chmod", reason: "no identity auditpack may act as matches the line's euid=0"}}},
		// What no harmless call can be.
		// An exec of a watched program: refused for its argument list,
		// after the kernel (6.8 and later) opened the file.
		{"-a always,exit -S all -F path=/usr/bin/su -F perm=x -F auid>=1000 -F auid!=unset", nil, []planned{
			{part: "b64 perm=x", probe: "watch-exec/refused", who: user1000, path: "/usr/bin/su"},
			{part: "b32 perm=x", probe: "watch-exec/refused", who: user1000, path: "/usr/bin/su"}}},
		{"-a always,exit -S all -F path=/usr/bin/su -F perm=x -F auid>=1000 -F auid!=unset", func(s *Self) { s.ExecOpensFirst = false }, []planned{
			{part: "b64 perm=x", reason: "a record needs an exec of /usr/bin/su itself, and this kernel (before Linux 6.8)"},
			{part: "b32 perm=x", reason: "a record needs an exec of /usr/bin/su itself, and this kernel (before Linux 6.8)"}}},
		{"-a always,exit -F arch=b64 -S execve -F subj_type=crond_t -F euid=0", nil, []planned{
			{part: "b64 execve", reason: "the line matches only calls with the security label subj_type=crond_t"}}},
		{"-a always,exit -F arch=b64 -S setuid -F a0=0 -F exe=/usr/bin/su", nil, []planned{
			{part: "b64 setuid", reason: "the line matches only calls of exe=/usr/bin/su"}}},
		{"-a always,exit -F arch=b64 -S ftruncate -F exit=-EACCES", nil, []planned{
			{part: "b64 ftruncate", reason: "no harmless call of ftruncate ends as the line asks (exit=-EACCES)"}}},
		{"-a always,exit -F arch=b64 -S kill", nil, []planned{
			{part: "b64 kill", reason: "no harmless call of kill is known to auditpack"}}},
		{"-a always,exit -F arch=b64 -S open -F a1&0100 -F a0=5", nil, []planned{
			{part: "b64 open", reason: "the line tests a0, which auditpack cannot choose for open"}}},
		{"-a always,exit -F arch=b32 -S chmod", func(s *Self) { s.Can32 = false }, []planned{
			{part: "b32 chmod", reason: "auditpack makes 32-bit calls with int 0x80, which only x86_64 has"}}},
		{"-a always,exit -F arch=b64 -F path=/etc/security/opasswd -F perm=wa", func(s *Self) { s.Exists = func(string) bool { return false } }, []planned{
			{part: "b64 perm=w", reason: "/etc/security/opasswd does not exist on this host"},
			{part: "b64 perm=a", reason: "/etc/security/opasswd does not exist on this host"}}},
		{"-a never,exclude -F msgtype=CWD", nil, []planned{
			{part: "b64 ", reason: "not a syscall rule (exclude list)"},
			{part: "b32 ", reason: "not a syscall rule (exclude list)"}}},
		// The loginuid: kept when the line allows it, set when it may be
		// set (unset, or not immutable), else NOT PROVEN.
		{"-a always,exit -F arch=b64 -S chmod -F auid>=1000 -F auid!=unset", immutable(500), []planned{
			{part: "b64 chmod", reason: "the loginuid is immutable (--loginuid-immutable) and auditpack runs with auid=500"}}},
		{"-a always,exit -F arch=b64 -S chmod -F auid>=1000 -F auid!=unset", immutable(1200), []planned{
			{part: "b64 chmod", probe: "chmod/EPERM", who: "auid=1200 uid=65534 euid=65534 gid=65534 egid=65534"}}},
		{"-a always,exit -F arch=b64 -S chmod -F auid>=1000 -F auid!=unset", immutable(unset), []planned{
			{part: "b64 chmod", probe: "chmod/EPERM", who: user1000}}},
		{"-a always,exit -F arch=b64 -S chmod -F auid>=1000 -F auid!=unset", func(s *Self) { s.AUID = 500 }, []planned{
			{part: "b64 chmod", probe: "chmod/EPERM", who: user1000}}},
	} {
		self := testSelf()
		if c.self != nil {
			c.self(&self)
		}
		plan := MakePlan([]*verify.Control{lineControl(t, c.line)}, x86, self)
		var got []planned
		for _, p := range plan.Controls[0].Parts {
			got = append(got, describe(p))
		}
		if len(got) != len(c.want) {
			t.Errorf("%s: parts %+v, want %+v", c.line, got, c.want)
			continue
		}
		for i, w := range c.want {
			g := got[i]
			if w.reason != "" && strings.HasPrefix(g.reason, w.reason) && g.probe == "" {
				g.reason = w.reason
			}
			if g != w {
				t.Errorf("%s:\n got %+v\nwant %+v", c.line, g, w)
			}
		}
	}
}

// Lines that need the same call share one action, and each child makes
// the calls of one identity and one ABI.
func TestPlanSharesActions(t *testing.T) {
	controls := []*verify.Control{
		lineControl(t, "-a always,exit -F arch=b64 -S chmod -F auid>=1000 -F auid!=unset -k a"),
		lineControl(t, "-a always,exit -F arch=b64 -S chmod,fchmod -F auid>=1000 -F auid!=-1 -k b"),
		lineControl(t, "-a always,exit -F arch=b64 -S chmod -F auid=0"),
	}
	plan := MakePlan(controls, x86, testSelf())
	if len(plan.Actions) != 3 || len(plan.Batches) != 2 {
		t.Fatalf("%d actions in %d batches, want 3 in 2", len(plan.Actions), len(plan.Batches))
	}
	if plan.Controls[0].Parts[0].Action != plan.Controls[1].Parts[0].Action {
		t.Error("the same chmod was planned twice")
	}
	for i, a := range plan.Actions {
		if a.ID != i+1 {
			t.Errorf("action %d has ID %d", i, a.ID)
		}
	}
}

// Whatever the profile and the host, the plan keeps the safety rules:
// calls on real files only as a user and group other than 0, on the
// line's own path, refused by the kernel; euid or egid 0 only for the
// refused exec of the scratch file.
func TestPlanSafety(t *testing.T) {
	selves := map[string]Self{"service": testSelf()}
	admin := testSelf()
	admin.AUID = 1000
	selves["admin"] = admin
	locked := testSelf()
	locked.AUID, locked.LoginuidImmutable = 4242, true
	selves["immutable"] = locked
	for _, name := range []string{"stig-rhel9", "pci-dss", "ospp"} {
		p := loadProfile(t, name)
		for selfName, self := range selves {
			plan := MakePlan(p.controls, x86, self)
			used := map[*Action]bool{}
			for _, cp := range plan.Controls {
				for _, part := range cp.Parts {
					if part.Action == nil {
						if part.Reason == "" {
							t.Errorf("%s/%s: %s %s %s has neither a call nor a reason", name, selfName, part.Line.Text, part.ABI, part.Event)
						}
						continue
					}
					used[part.Action] = true
					if m, field := part.Rule.Match(&part.Action.Event); m != model.Matches {
						t.Errorf("%s/%s: the call %s is no certain event of %s (%s %s)", name, selfName, part.Action.Call(""), part.Line.Text, m, field)
					}
					if w := watchedPath(part.Rule); w != part.Action.Path {
						t.Errorf("%s: %s acts on %q, the line watches %q", name, part.Action.Probe.kind, part.Action.Path, w)
					}
				}
			}
			for _, a := range plan.Actions {
				who := a.Who
				privileged := who.UID == 0 || who.EUID == 0 || who.GID == 0 || who.EGID == 0
				switch {
				case !used[a]:
					t.Errorf("%s: action %d proves no part", name, a.ID)
				case privileged && !a.Probe.exec:
					t.Errorf("%s: %s runs as %s", name, a.Probe.kind, who)
				case a.Probe.real && a.Probe.outcome.exact() && a.Probe.outcome.errno == 0:
					t.Errorf("%s: %s may succeed on the real file %s", name, a.Probe.kind, a.Path)
				case self.LoginuidImmutable && who.AUID != self.AUID:
					t.Errorf("%s: a child would change the immutable loginuid %d to %d", name, self.AUID, who.AUID)
				}
			}
			for _, b := range plan.Batches {
				for _, a := range b.Actions {
					if a.Who != b.Who || a.ABI != b.ABI {
						t.Errorf("%s: batch %s %s holds action %d of %s %s", name, b.Who, b.ABI, a.ID, a.Who, a.ABI)
					}
				}
			}
		}
	}
}

func TestIdentityText(t *testing.T) {
	got := fmt.Sprint(Identity{AUID: unset, UID: 1, EUID: 2, GID: 3, EGID: 4}, " ", Identity{AUID: 7})
	if want := "auid=unset uid=1 euid=2 gid=3 egid=4 auid=7 uid=0 euid=0 gid=0 egid=0"; got != want {
		t.Errorf("%q, want %q", got, want)
	}
	if !slices.Equal(compactKeep([]uint32{3, 1, 3, 2, 1}), []uint32{3, 1, 2}) {
		t.Error("compactKeep does not keep the first of each value in order")
	}
}

func TestReleaseAtLeast(t *testing.T) {
	for release, want := range map[string]bool{
		"6.8.0-45-generic\n":         true,
		"6.18.1":                     true,
		"6.7.12":                     false,
		"5.14.0-503.el9.x86_64":      false,
		"6.8-rc1":                    true,
		"7.0":                        true,
		"6":                          false,
		"":                           false,
		"x.y":                        false,
		"4.18.0-553.el8_10.x86_64\n": false,
		"6.10.14-linuxkit":           true,
	} {
		if got := releaseAtLeast(release, 6, 8); got != want {
			t.Errorf("releaseAtLeast(%q, 6, 8) = %v, want %v", release, got, want)
		}
	}
}
