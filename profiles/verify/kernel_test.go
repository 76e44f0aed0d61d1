package verify

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/auditpack/auditpack/compile"
	"github.com/auditpack/auditpack/internal/kerneltest"
	"github.com/auditpack/auditpack/packs"
	"github.com/auditpack/auditpack/packs/model"
)

// TestCoverMatchesEvents checks the claims that let a pack's rules meet a
// standard's wording on the kernel: for each pair, verify says the
// implementation meets the requirement, and an action the requirement's
// rule logs on its own is logged by the implementation's rule on its own.
// The actions run with loginuid 1000 (set in the child, as a login does),
// so the requirements' auid>=1000 filters match.
func TestCoverMatchesEvents(t *testing.T) {
	k := kerneltest.Acquire(t)
	events := k.Listen()
	sh := kerneltest.Executable(t, "sh")
	scratch := t.TempDir()
	sudoers, faillock := filepath.Join(scratch, "sudoers.d"), filepath.Join(scratch, "faillock")
	if err := os.Mkdir(sudoers, 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(faillock, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	asUser := func(script string) func() {
		return func() {
			if out, err := exec.Command(sh, "-c", "echo 1000 > /proc/self/loginuid && "+script).CombinedOutput(); err != nil {
				t.Fatalf("%s: %v: %s", script, err, out)
			}
		}
	}
	for _, c := range []struct {
		name           string
		requirement    string
		implementation string
		action         func()
	}{
		// RHEL-09-654220: DISA's path= on the directory, the pack's watch
		// (a tree watch: the directory exists).
		{"sudoers.d", "-a always,exit -F arch=b64 -F path=" + sudoers + " -F perm=wa -k req",
			"-w " + sudoers + " -p wa -k impl",
			asUser("touch " + sudoers + "/new")},
		// RHEL-09-654250: DISA's auid filters, the pack's rule for every user.
		{"faillock", "-a always,exit -F arch=b64 -F path=" + faillock + " -F perm=wa -F auid>=1000 -F auid!=unset -k req",
			"-a always,exit -F arch=b64 -F path=" + faillock + " -F perm=wa -k impl",
			asUser("echo x >> " + faillock)},
		// RHEL-09-654065: DISA's five syscalls, the pack's six.
		{"rmdir", "-a always,exit -F arch=b64 -S unlink,rename,rmdir,unlinkat,renameat -F dir=" + scratch + " -F auid>=1000 -F auid!=unset -k req",
			"-a always,exit -F arch=b64 -S rename,unlink,rmdir,renameat,renameat2,unlinkat -F dir=" + scratch + " -F auid>=1000 -F auid!=unset -k impl",
			asUser("mkdir " + scratch + "/gone && rmdir " + scratch + "/gone")},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := packs.ParseFile("req.rules", "req.rules", nil, []byte("## controls: C\n"+c.requirement+"\n"))
			required := compile.Build(&packs.Selection{Files: []*packs.File{f}})
			if got := failing(mustVerify(t, "t", required, loadedTarget(c.implementation+"\n"), VerifyOptions{Machine: model.Targets["x86_64"]})); len(got) > 0 {
				t.Fatalf("verify says %q does not meet %q", c.implementation, c.requirement)
			}
			for _, rule := range []string{c.requirement, c.implementation} {
				if out, code := k.LoadWithAuditctl("-D\n-e 1\n" + rule + "\n"); code != 0 {
					t.Fatalf("load %s: %s", rule, out)
				}
				key := rule[strings.LastIndex(rule, " ")+1:]
				if !events.KeysLoggedFor(t, c.action)[key] {
					t.Errorf("the kernel logged nothing for %s alone", fmt.Sprintf("%q", rule))
				}
			}
		})
	}
}
