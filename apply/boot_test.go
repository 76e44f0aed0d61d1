package apply

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/auditpack/auditpack/compile"
	"github.com/auditpack/auditpack/internal/augen"
	"github.com/auditpack/auditpack/internal/augen/augentest"
	"github.com/auditpack/auditpack/internal/kerneltest"
	"github.com/auditpack/auditpack/internal/scratch"
	"github.com/auditpack/auditpack/packs"
	"github.com/auditpack/auditpack/packs/model"
)

// hostNames are the loader layouts of testdata/hosts.
var hostNames = []string{"debian12", "rhel9", "audit4", "auditctl-R"}

// hostCopy is a scratch copy of one of testdata/hosts.
func hostCopy(t *testing.T, name string) string {
	t.Helper()
	return scratch.Copy(t, filepath.Join("..", "testdata", "hosts", name))
}

func writeHost(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for name, body := range files {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o640); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func TestDetectLoader(t *testing.T) {
	for name, want := range map[string]string{
		"debian12":   `^/sbin/augenrules --load \(rules.d /etc/audit/rules.d to /etc/audit/audit.rules\) from /lib/systemd/system/auditd.service \(ExecStartPost=-/sbin/augenrules --load\)$`,
		"rhel9":      `^/sbin/augenrules --load .* from /usr/lib/systemd/system/auditd.service`,
		"audit4":     `^/usr/sbin/augenrules --load .* from /usr/lib/systemd/system/audit-rules.service \(ExecStart=`,
		"auditctl-R": `^auditctl -R /etc/audit/audit.rules from /lib/systemd/system/auditd.service \(ExecStartPost=-/sbin/auditctl -R`,
	} {
		l, err := DetectLoader(hostCopy(t, name))
		if err != nil || !regexp.MustCompile(want).MatchString(l.String()) {
			t.Errorf("%s: %v (%v), want %s", name, l, err, want)
		}
	}
	sysv, err := DetectLoader(writeHost(t, map[string]string{"etc/sysconfig/auditd": "USE_AUGENRULES=no\n"}))
	if err != nil || sysv.Augenrules != "" || sysv.RulesFile != "/etc/audit/audit.rules" {
		t.Errorf("init script with USE_AUGENRULES=no: %v %v", sysv, err)
	}
	for name, c := range map[string]struct {
		files map[string]string
		want  string
	}{
		"nothing":         {map[string]string{"etc/hosts": ""}, "cannot tell how this host loads its rules at boot"},
		"not enabled":     {map[string]string{"usr/lib/systemd/system/audit-rules.service": "[Service]\nExecStart=/usr/sbin/augenrules --load\n"}, "installed but not enabled"},
		"unknown command": {map[string]string{"usr/lib/systemd/system/audit-rules.service": "[Service]\nExecStart=/usr/local/bin/load-my-rules\n", "etc/systemd/system/multi-user.target.wants/audit-rules.service": ""}, "runs neither augenrules --load nor auditctl -R"},
	} {
		if l, err := DetectLoader(writeHost(t, c.files)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, %v; want an error saying %q", name, l, err, c.want)
		}
	}
}

// bootSet is a rule set a test may load into this kernel: rules on this
// test's own files, no -e 2, -f 2 or --loginuid-immutable.
func bootSet(t *testing.T) (*compile.Compiled, []byte) {
	t.Helper()
	dir := t.TempDir()
	text := "-D\n-b 4096\n-f 1\n-a always,exit -F arch=b64 -S openat -F dir=" + dir + " -F perm=w -k boot-a\n-w " + dir + "/watched -p wa -k boot-b\n-a never,exit -F arch=b64 -S unlinkat -F exe=/usr/bin/rm\n-a always,exit -F arch=b64 -S unlinkat -F auid>=1000 -F auid!=unset -k boot-c\n"
	f := packs.ParseFile("30-boot.rules", "30-boot.rules", nil, []byte(text))
	c := compile.Build(&packs.Selection{Files: []*packs.File{f}}, model.Native())
	return c, c.Render("test")
}

// For each loader layout: what --persist auto writes, run through the
// host's own augenrules as the next boot runs it, loads exactly the
// applied set; undo and restore give back the files as they were.
func TestPersistAutoEveryLayout(t *testing.T) {
	augentest.Skip(t)
	c, rendered := bootSet(t)
	for _, name := range hostNames {
		t.Run(name, func(t *testing.T) {
			root := hostCopy(t, name)
			l, err := DetectLoader(root)
			if err != nil {
				t.Fatal(err)
			}
			l.Augenrules = hostAugenrules(l.Augenrules)
			plan, err := PlanBoot(l, rendered, c.Targets[0], time.Date(2026, 12, 1, 17, 0, 0, 0, time.UTC))
			if err != nil {
				t.Fatal(err)
			}
			before := snapshot(t, root)
			if !plan.changes() {
				t.Error("the plan moves rules.d files aside, yet says it changes no file")
			}
			undo, err := plan.Commit()
			if err != nil {
				t.Fatal(err)
			}
			if diff := sameLoad(nextBootOf(t, l), rendered, c.Targets[0]); diff != "" {
				t.Errorf("the next boot loads something else: %s", diff)
			}
			if again, err := PlanBoot(l, rendered, c.Targets[0], time.Date(2026, 12, 1, 18, 0, 0, 0, time.UTC)); err != nil || again.changes() {
				t.Errorf("planned again on its own layout, the plan changes files (%v)", err)
			}
			if info, err := os.Stat(filepath.Join(root, plan.File)); err != nil || info.Mode().Perm() != 0o600 {
				t.Errorf("%s: %v, mode %v; want 0600", plan.File, err, info.Mode())
			}
			wantMoved := map[string][]string{"debian12": {"audit.rules"}, "rhel9": {"30-site.rules", "audit.rules"}, "audit4": {"audit.rules"}}[name]
			if !slices.Equal(plan.Moved, wantMoved) {
				t.Errorf("moved %v, want %v", plan.Moved, wantMoved)
			}
			if err := undo(); err != nil {
				t.Fatal(err)
			}
			if after := snapshot(t, root); !sameFiles(before, after) {
				t.Errorf("undo left\n%v\nwas\n%v", after, before)
			}
			if l.Augenrules == "" {
				return
			}
			if _, err := plan.Commit(); err != nil {
				t.Fatal(err)
			}
			restored, err := RestoreBoot(l, plan.Backup)
			if err != nil || !slices.Equal(restored, wantMoved) {
				t.Fatalf("restore: %v %v", restored, err)
			}
			after := snapshot(t, root)
			for name, body := range before {
				if strings.Contains(name, "rules.d/") && after[name] != body {
					t.Errorf("restore: %s is %q, was %q", name, after[name], body)
				}
			}
			if _, ok := after["etc/audit/rules.d/"+OwnedRulesFile]; ok {
				t.Error("restore left auditpack.rules")
			}
		})
	}
}

// hostAugenrules is this machine's augenrules for a layout's path: the
// layouts name /sbin or /usr/sbin, and either holds it here.
func hostAugenrules(path string) string {
	if path == "" {
		return ""
	}
	if _, err := os.Stat(path); err == nil {
		return path
	}
	return augen.Path
}

func snapshot(t *testing.T, root string) map[string]string {
	t.Helper()
	files := map[string]string{}
	filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && !strings.HasSuffix(p, ".prev") {
			data, _ := os.ReadFile(p)
			rel, _ := filepath.Rel(root, p)
			files[rel] = string(data)
		}
		return nil
	})
	return files
}

func sameFiles(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// A loader that would not load the applied set from the new layout (here
// an augenrules that drops a watch) is refused before anything is written.
func TestPersistAutoRefusesWhatBootWouldNotLoad(t *testing.T) {
	augentest.Skip(t)
	c, rendered := bootSet(t)
	root := hostCopy(t, "debian12")
	l, err := DetectLoader(root)
	if err != nil {
		t.Fatal(err)
	}
	l.Augenrules = filepath.Join(t.TempDir(), "augenrules")
	os.WriteFile(l.Augenrules, []byte("#!/bin/sh\ncat /etc/audit/rules.d/*.rules | grep -v boot-b > /etc/audit/audit.rules\n"), 0o755)
	before := snapshot(t, root)
	if _, err := PlanBoot(l, rendered, c.Targets[0], time.Now()); err == nil || !strings.Contains(err.Error(), "would not load what is applied") || !strings.Contains(err.Error(), "boot-b") {
		t.Errorf("a loader that drops a rule: %v", err)
	}
	if !sameFiles(before, snapshot(t, root)) {
		t.Error("a refused plan wrote files")
	}
}

// The boot path on the real kernel: apply --persist auto, empty the
// kernel, load what the host's augenrules makes of the persisted layout
// (as auditd.service does at boot) and find exactly the applied rules.
func TestPersistAutoBootsIntoTheAppliedRules(t *testing.T) {
	augentest.Skip(t)
	kt := kerneltest.Acquire(t)
	c, _ := bootSet(t) // its paths are in a temporary directory
	root := hostCopy(t, "debian12")
	opts := Options{Persist: PersistAuto, Root: root, Generator: "test", LockPath: filepath.Join(t.TempDir(), "lock")}
	res, err := Run(Open, c, nil, opts)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Applied || res.Persisted != "/etc/audit/rules.d/auditpack.rules" || !strings.Contains(res.Boot, "moved to /etc/audit/auditpack-backup/") {
		t.Fatalf("applied %v, persisted %q, boot %q", res.Applied, res.Persisted, res.Boot)
	}
	applied := kt.List()
	if out, code := kt.LoadWithAuditctl("-D\n"); code != 0 {
		t.Fatal(out)
	}
	l, err := DetectLoader(root)
	if err != nil {
		t.Fatal(err)
	}
	boot := nextBootOf(t, l)
	if out, code := kt.LoadWithAuditctl(string(boot)); code != 0 {
		t.Fatalf("auditctl -R of the boot file: %s\n%s", out, boot)
	}
	if got := kt.List(); !slices.Equal(got, applied) || len(got) != 4 {
		t.Errorf("after the boot path the kernel holds\n%s\napplied were\n%s", strings.Join(got, "\n"), strings.Join(applied, "\n"))
	}
}

func TestGuardRefusesHostBootFromTests(t *testing.T) {
	l := &Loader{Augenrules: "/sbin/augenrules", RulesDir: defaultRulesDir, RulesFile: defaultRulesFile, Root: "/"}
	if _, err := (&BootPlan{Loader: l, File: "/etc/audit/rules.d/auditpack.rules"}).Commit(); !errors.Is(err, ErrHostBootInTests) {
		t.Errorf("Commit on / from a test: %v", err)
	}
	if _, err := RestoreBoot(l, "/etc/audit/auditpack-backup/x"); !errors.Is(err, ErrHostBootInTests) {
		t.Errorf("RestoreBoot on / from a test: %v", err)
	}
}

func nextBootOf(t *testing.T, l *Loader) []byte {
	t.Helper()
	data, err := l.NextBoot()
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// verify --boot's states: the next boot against a kernel that holds the
// same, something else, or something else while locked.
func TestCheckBootStates(t *testing.T) {
	augentest.Skip(t)
	root := hostCopy(t, "debian12") // boots into -D -b 8192 -f 1 --backlog_wait_time 60000
	booted := Status{Enabled: 1, Failure: 1, BacklogLimit: 8192, BacklogWaitTime: 60000}
	for name, c := range map[string]struct {
		status         Status
		drift, pending bool
	}{
		"same":           {booted, false, false},
		"drift":          {Status{Enabled: 1, Failure: 1, BacklogLimit: 320, BacklogWaitTime: 60000}, true, false},
		"reboot pending": {Status{Enabled: 2, Failure: 1, BacklogLimit: 320, BacklogWaitTime: 60000}, false, true},
	} {
		state, err := CheckBoot(NewMemoryKernel(c.status), root, x86)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if state.Drift() != c.drift || state.RebootPending != c.pending {
			t.Errorf("%s: drift %v, reboot pending %v; want %v, %v (%s)", name, state.Drift(), state.RebootPending, c.drift, c.pending, state.Result.Summary())
		}
	}
	// A rule on disk the kernel does not hold is drift too.
	os.WriteFile(filepath.Join(root, "etc/audit/rules.d/30-site.rules"), []byte("-w /etc/hosts -p wa -k site\n"), 0o600)
	if state, err := CheckBoot(NewMemoryKernel(booted), root, x86); err != nil || !state.Drift() || len(state.Result.Report().Added) != 1 {
		t.Errorf("a new rules.d file: %+v %v", state, err)
	}
}
