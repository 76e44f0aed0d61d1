package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/auditpack/auditpack/apply"
	"github.com/auditpack/auditpack/internal/augen/augentest"
	"github.com/auditpack/auditpack/internal/scratch"
)

// apply --persist auto on a Debian host's files (a scratch copy, a fake
// kernel): it names the loader, writes rules.d/auditpack.rules, moves the
// packaged audit.rules aside and says where; restore puts it back.
func TestPersistAutoAndRestore(t *testing.T) {
	augentest.Skip(t)
	hostRoot = scratch.Copy(t, "../../testdata/hosts/debian12")
	openKernel = func() (apply.Kernel, error) {
		return apply.NewMemoryKernel(apply.Status{Enabled: 1, Failure: 1, BacklogLimit: 64}), nil
	}
	rules := filepath.Join(t.TempDir(), "30-site.rules")
	os.WriteFile(rules, []byte("-D\n-b 1024\n-w /etc/hosts -p wa -k hosts\n"), 0o644)
	var out, errOut bytes.Buffer
	if code := run([]string{"auditpack", "apply", "--persist", "auto", rules}, &out, &errOut); code != 0 {
		t.Fatalf("apply exit %d: %s%s", code, out.String(), errOut.String())
	}
	backup := regexp.MustCompile(`moved to (/etc/audit/auditpack-backup/\S+),`).FindStringSubmatch(out.String())
	if backup == nil || !strings.Contains(out.String(), "boot: /sbin/augenrules --load") || !strings.Contains(out.String(), "loads /etc/audit/rules.d/auditpack.rules; 1 other rules.d file (audit.rules) moved to") {
		t.Fatalf("apply --persist auto says:\n%s", out.String())
	}
	if _, err := os.Stat(filepath.Join(hostRoot, "etc/audit/rules.d/audit.rules")); err == nil {
		t.Error("the packaged rules.d file is still there: the next boot would load it too")
	}
	generated, _ := os.ReadFile(filepath.Join(hostRoot, "etc/audit/audit.rules"))
	if !strings.Contains(string(generated), "-w /etc/hosts -p wa -k hosts") || strings.Contains(string(generated), "--backlog_wait_time 60000") {
		t.Errorf("audit.rules after persist:\n%s", generated)
	}
	out.Reset()
	if code := run([]string{"auditpack", "restore", backup[1]}, &out, &errOut); code != 0 {
		t.Fatalf("restore exit %d: %s%s", code, out.String(), errOut.String())
	}
	if !strings.Contains(out.String(), "restored to /etc/audit/rules.d: audit.rules") {
		t.Errorf("restore says: %s", out.String())
	}
	if _, err := os.Stat(filepath.Join(hostRoot, "etc/audit/rules.d/auditpack.rules")); err == nil {
		t.Error("restore left auditpack.rules")
	}
	if code := run([]string{"auditpack", "restore", "/etc/audit/rules.d"}, &out, &errOut); code != 1 || !strings.Contains(errOut.String(), "is not a backup of apply --persist auto") {
		t.Errorf("restore of a directory that is no backup: exit %d, %s", code, errOut.String())
	}
}
