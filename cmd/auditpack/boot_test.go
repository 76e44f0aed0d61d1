package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/auditpack/auditpack/internal/augen/augentest"
)

// apply --persist auto on a Debian host's files (a scratch copy, a fake
// kernel): it names the loader, writes rules.d/auditpack.rules, moves the
// packaged audit.rules aside and says where; restore puts it back.
func TestPersistAutoAndRestore(t *testing.T) {
	augentest.Skip(t)
	t.Parallel()
	e := testEnv(t)
	rules := filepath.Join(t.TempDir(), "30-site.rules")
	os.WriteFile(rules, []byte("-D\n-b 1024\n-w /etc/hosts -p wa -k hosts\n"), 0o644)
	got := runIn(e, "apply", "--persist", "auto", rules)
	if got.code != 0 {
		t.Fatalf("apply exit %d: %s%s", got.code, got.stdout, got.stderr)
	}
	backup := regexp.MustCompile(`moved to (/etc/audit/auditpack-backup/\S+),`).FindStringSubmatch(got.stdout)
	if backup == nil || !strings.Contains(got.stdout, "boot: /sbin/augenrules --load") || !strings.Contains(got.stdout, "loads /etc/audit/rules.d/auditpack.rules; 1 other rules.d file (audit.rules) moved to") {
		t.Fatalf("apply --persist auto says:\n%s", got.stdout)
	}
	if _, err := os.Stat(filepath.Join(e.hostRoot, "etc/audit/rules.d/audit.rules")); err == nil {
		t.Error("the packaged rules.d file is still there: the next boot would load it too")
	}
	generated, _ := os.ReadFile(filepath.Join(e.hostRoot, "etc/audit/audit.rules"))
	if !strings.Contains(string(generated), "-w /etc/hosts -p wa -k hosts") || strings.Contains(string(generated), "--backlog_wait_time 60000") {
		t.Errorf("audit.rules after persist:\n%s", generated)
	}
	if got = runIn(e, "restore", backup[1]); got.code != 0 {
		t.Fatalf("restore exit %d: %s%s", got.code, got.stdout, got.stderr)
	}
	if !strings.Contains(got.stdout, "restored to /etc/audit/rules.d: audit.rules") {
		t.Errorf("restore says: %s", got.stdout)
	}
	if _, err := os.Stat(filepath.Join(e.hostRoot, "etc/audit/rules.d/auditpack.rules")); err == nil {
		t.Error("restore left auditpack.rules")
	}
	if got = runIn(e, "restore", "/etc/audit/rules.d"); got.code != 1 || !strings.Contains(got.stderr, "is not a backup of apply --persist auto") {
		t.Errorf("restore of a directory that is no backup: exit %d, %s", got.code, got.stderr)
	}
}
