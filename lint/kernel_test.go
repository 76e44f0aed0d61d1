package lint

import (
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/auditpack/auditpack/compile"
	"github.com/auditpack/auditpack/internal/host"
	"github.com/auditpack/auditpack/internal/kerneltest"
	"github.com/auditpack/auditpack/packs/model"
	"github.com/auditpack/auditpack/profiles"
)

// TestDuplicatesMatchKernel loads the order checks' testdata into the real
// kernel (with -c, so auditctl goes on after an error): the kernel answers
// "Rule exists" once for every ORD-EXACT-DUPLICATE finding, and accepts the
// semantic and key-only duplicates.
func TestDuplicatesMatchKernel(t *testing.T) {
	k := kerneltest.Acquire(t)
	for _, name := range []string{"ORD-EXACT-DUPLICATE", "ORD-SEMANTIC-DUPLICATE", "ORD-KEY-ONLY-DUPLICATE", "ORD-KEY-SHADOW", "ORD-REDUNDANT-SUBSET"} {
		path := "testdata/" + name + ".rules"
		res := lintPath(t, path, Options{})
		want := len(found(res, "ORD-EXACT-DUPLICATE"))
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		out, _ := k.LoadWithAuditctl("-c\n" + string(data))
		if got := strings.Count(out, "Rule exists"); got != want {
			t.Errorf("%s: the kernel refused %d rules as existing, lint found %d exact duplicates:\n%s", path, got, want, out)
		}
	}
}

// TestRefusalsMatchAuditctl loads every rule line of the field checks'
// testdata on its own through auditctl: the real loader refuses exactly the
// lines lint reports with a check that says the load fails.
func TestRefusalsMatchAuditctl(t *testing.T) {
	k := kerneltest.Acquire(t)
	for _, name := range []string{"FLD-SINGLETON-REPEATED", "SYN-FIELD-COUNT", "FLD-FACT-PLACEHOLDER"} {
		path := "testdata/" + name + ".rules"
		res := lintPath(t, path, Options{})
		refused := map[int]bool{}
		for _, d := range res.Diagnostics {
			if c, _ := Lookup(d.Check); c.FailsLoad {
				refused[d.Origin.Line] = true
			}
		}
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(data), "\n") {
			if !strings.HasPrefix(line, "-a ") {
				continue
			}
			out, code := k.LoadWithAuditctl("-D\n" + line + "\n")
			if (code != 0) != refused[i+1] {
				t.Errorf("%s:%d: auditctl exit %d (%s), lint says the load fails: %v", path, i+1, code, strings.TrimSpace(out), refused[i+1])
			}
		}
	}
}

// TestPathChecksMatchEvents checks PATH-SYMLINK and
// PATH-FILE-WATCH-ON-DIRECTORY against the events the kernel sends: a watch
// on a link misses writes through it, exe= on a link never matches, and
// path= on a directory sees a new entry but not a write to a file in it.
func TestPathChecksMatchEvents(t *testing.T) {
	k := kerneltest.Acquire(t)
	events := k.Listen()
	scratch := t.TempDir()
	real, link, dir := filepath.Join(scratch, "real"), filepath.Join(scratch, "link"), filepath.Join(scratch, "dir")
	mkdir := kerneltest.Executable(t, "mkdir")
	mkdirLink := filepath.Join(scratch, "mkdir-link")
	for _, err := range []error{os.WriteFile(real, nil, 0o600), os.Symlink(real, link), os.Mkdir(dir, 0o700),
		os.WriteFile(filepath.Join(dir, "existing"), nil, 0o600), os.Symlink(mkdir, mkdirLink)} {
		if err != nil {
			t.Fatal(err)
		}
	}
	appendTo := func(path string) func() {
		return func() {
			f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
			if err != nil {
				t.Fatal(err)
			}
			f.WriteString("x")
			f.Close()
		}
	}
	cases := []struct {
		rules   []string
		action  func()
		flagged map[string]bool // check -> reported on the first rule
		logged  map[string]bool
	}{
		{[]string{"-w " + link + " -p wa -k ap_link", "-w " + real + " -p wa -k ap_real"}, appendTo(link),
			map[string]bool{"PATH-SYMLINK": true}, map[string]bool{"ap_real": true}},
		{[]string{"-a always,exit -F arch=b64 -S mkdir,mkdirat -F exe=" + mkdirLink + " -k ap_link", "-a always,exit -F arch=b64 -S mkdir,mkdirat -F exe=" + mkdir + " -k ap_real"},
			func() { exec.Command(mkdirLink, filepath.Join(scratch, "made")).Run() },
			map[string]bool{"PATH-SYMLINK": true}, map[string]bool{"ap_real": true}},
		{[]string{"-a always,exit -F arch=b64 -S all -F path=" + mkdirLink + " -F perm=x -k ap_link", "-a always,exit -F arch=b64 -S all -F path=" + mkdir + " -F perm=x -k ap_real"},
			func() { exec.Command(mkdirLink, filepath.Join(scratch, "made2")).Run() },
			map[string]bool{"PATH-SYMLINK": true}, map[string]bool{"ap_real": true}},
		{[]string{"-a always,exit -F arch=b64 -S all -F path=" + dir + " -F perm=wa -k ap_dir"}, appendTo(filepath.Join(dir, "existing")),
			map[string]bool{"PATH-FILE-WATCH-ON-DIRECTORY": true}, map[string]bool{}},
		{[]string{"-a always,exit -F arch=b64 -S all -F path=" + dir + " -F perm=wa -k ap_dir"}, func() { os.WriteFile(filepath.Join(dir, "new"), nil, 0o600) },
			map[string]bool{"PATH-FILE-WATCH-ON-DIRECTORY": true}, map[string]bool{"ap_dir": true}},
		{[]string{"-w " + real + " -p wa -k ap_real"}, appendTo(real), map[string]bool{}, map[string]bool{"ap_real": true}},
	}
	for i, c := range cases {
		res := lintText(t, strings.Join(c.rules, "\n")+"\n", Options{Host: host.Local{}})
		flagged := map[string]bool{}
		for _, d := range res.Diagnostics {
			if d.Origin.Line == 1 && (d.Check == "PATH-SYMLINK" || d.Check == "PATH-FILE-WATCH-ON-DIRECTORY") {
				flagged[d.Check] = true
			}
		}
		if !maps.Equal(flagged, c.flagged) {
			t.Errorf("case %d: lint reports %v on %q, want %v", i, flagged, c.rules[0], c.flagged)
		}
		if out, code := k.LoadWithAuditctl("-D\n-e 1\n" + strings.Join(c.rules, "\n") + "\n"); code != 0 {
			t.Fatalf("case %d: load: %s", i, out)
		}
		if logged := events.KeysLoggedFor(t, c.action); !maps.Equal(logged, c.logged) {
			t.Errorf("case %d: the kernel logged keys %v for %q, want %v", i, logged, c.rules, c.logged)
		}
	}
}

// TestRulesBeforeAnExitRuleMatchEvents loads a rule, then an exit rule
// for this test's own mkdir, runs mkdir (forked after the load, as root)
// and compares the kernel's events with lint: a task rule with a syscall
// field never applies, a scoped never,task rule silences every later rule
// for its tasks, and without SELinux a never rule on a label suppresses
// nothing while the same rule on uid does.
func TestRulesBeforeAnExitRuleMatchEvents(t *testing.T) {
	k := kerneltest.Acquire(t)
	events := k.Listen()
	mkdir := kerneltest.Executable(t, "mkdir")
	scratch := t.TempDir()
	// Only this test's mkdir in its own directory: other processes run meanwhile.
	exit := "-a always,exit -F arch=b64 -S mkdir,mkdirat -F exe=" + mkdir + " -F dir=" + scratch + " -k ap_mkdir"
	for i, c := range []struct {
		before   string
		check    string
		reported bool
		logged   bool
	}{
		{"-a never,task -F arch=b64 -F uid=0", "LST-TASK-CONTEXT-FIELD", true, true},
		{"-a never,task -F uid=0", "LST-TASK-NEVER-SCOPED", true, false},
		{"-a never,task -F uid=4242", "LST-TASK-NEVER-SCOPED", true, true},
		{"-a never,exit -F arch=b64 -S mkdir,mkdirat -F subj_type=unconfined_t", "FLD-LSM-FIELD-NO-LSM", true, true},
		{"-a never,exit -F arch=b64 -S mkdir,mkdirat -F uid=0", "FLD-LSM-FIELD-NO-LSM", false, false},
	} {
		t.Run(c.before, func(t *testing.T) {
			if c.check == "FLD-LSM-FIELD-NO-LSM" && (host.Local{}).RunsSELinux() {
				t.Skip("this host runs SELinux: labels are real here")
			}
			rules := "-D\n" + c.before + "\n" + exit + "\n"
			want := 0
			if c.reported {
				want = 1
			}
			if got := len(found(lintText(t, rules, Options{Host: host.Local{}}), c.check)); got != want {
				t.Errorf("lint reports %s %d times, want %d", c.check, got, want)
			}
			if out, code := k.LoadWithAuditctl("-e 1\n" + rules); code != 0 {
				t.Fatalf("load: %s", out)
			}
			dir := filepath.Join(scratch, "d"+string(rune('a'+i)))
			if logged := events.KeysLoggedFor(t, func() { exec.Command(mkdir, dir).Run() })["ap_mkdir"]; logged != c.logged {
				t.Errorf("the mkdir event was logged: %v, want %v", logged, c.logged)
			}
		})
	}
}

// TestBacklogWaitRangeMatchesKernel sets backlog wait times around the
// limit with auditctl: the kernel refuses exactly the values lint reports
// with --host (this kernel's HZ).
func TestBacklogWaitRangeMatchesKernel(t *testing.T) {
	k := kerneltest.Acquire(t)
	hz, ok := host.Local{}.HZ()
	if !ok {
		t.Skip("this kernel's HZ is not readable (/boot/config-*, /proc/config.gz)")
	}
	limit, largest := int(model.BacklogWaitLimit(hz)), int(model.BacklogWaitLimit(0))
	for _, v := range []int{60 * hz, limit, limit + 1, largest, largest + 1} {
		line := fmt.Sprintf("--backlog_wait_time %d\n", v)
		reported := len(found(lintText(t, line, Options{Host: host.Local{}}), "CTRL-BACKLOG-WAIT-RANGE")) > 0
		out, code := k.LoadWithAuditctl(line)
		if (code != 0) != reported {
			t.Errorf("HZ=%d, %s: auditctl exit %d (%s), lint reports it: %v", hz, strings.TrimSpace(line), code, strings.TrimSpace(out), reported)
		}
	}
}

// lintText lints rules given as text, written to a rules.d file of their own.
func lintText(t *testing.T, rules string, opts Options) *Result {
	t.Helper()
	file := filepath.Join(t.TempDir(), "10-case.rules")
	if err := os.WriteFile(file, []byte(rules), 0o600); err != nil {
		t.Fatal(err)
	}
	return lintPath(t, file, opts)
}

// lintPath lints a rules file or rules.d directory.
func lintPath(t *testing.T, path string, opts Options) *Result {
	t.Helper()
	sel, err := profiles.Select(profiles.Request{Paths: []string{path}})
	if err != nil {
		t.Fatal(err)
	}
	res, err := Run(compile.Build(sel), opts)
	if err != nil {
		t.Fatal(err)
	}
	return res
}
