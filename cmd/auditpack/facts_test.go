package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/auditpack/auditpack/internal/testenv"
)

// onHostWithUIDMin runs the binary with a login.defs saying UID_MIN 500
// bound over /etc/login.defs, in a private mount namespace: the host's
// own file is never touched.
func onHostWithUIDMin(t *testing.T, bin string, args ...string) string {
	t.Helper()
	unshare := testenv.Tool(t, "unshare", "apt-get install -y util-linux")
	testenv.Root(t, "binding a login.defs over /etc/login.defs in a private mount namespace")
	defs := filepath.Join(t.TempDir(), "login.defs")
	os.WriteFile(defs, []byte("# a host whose users start at 500\nUID_MIN\t\t\t  500\nUID_MAX\t\t\t60000\n"), 0o644)
	cmd := exec.Command(unshare, append([]string{"--mount", "sh", "-c", `mount --bind "$0" /etc/login.defs && exec "$@"`, defs, bin}, args...)...)
	out, _ := cmd.CombinedOutput()
	return string(out)
}

// A host whose UID_MIN is 500 gets auid>=500 from compile --host, and lint
// --host says what a hard-coded auid>=1000 leaves out there.
func TestHostUIDMin(t *testing.T) {
	bin := buildBinary(t)
	out := onHostWithUIDMin(t, bin, "compile", "--host", "--profile", "stig-rhel9")
	if !strings.Contains(out, "## facts: UID_MIN=500 (/etc/login.defs)\n") || !strings.Contains(out, "-F auid>=500 -F auid!=unset") || strings.Contains(out, "auid>=1000") {
		t.Errorf("compile --host --profile stig on a UID_MIN 500 host:\n%s", out)
	}
	if plain, err := exec.Command(bin, "compile", "--profile", "stig-rhel9").Output(); err != nil || !strings.Contains(string(plain), "## facts: UID_MIN=1000 (default)\n") {
		t.Errorf("compile without --host: %v\n%s", err, plain)
	}
	rules := filepath.Join(t.TempDir(), "30-users.rules")
	os.WriteFile(rules, []byte("-a always,exit -F arch=b64 -S chmod -F auid>=1000 -F auid!=unset -k perm_mod\n-a always,exit -F arch=b32 -S chmod -F auid>=1000 -F auid!=unset -k perm_mod\n"), 0o644)
	if out := onHostWithUIDMin(t, bin, "lint", "--host", rules); !strings.Contains(out, "FLD-AUID-NOT-UID-MIN") || !strings.Contains(out, "leaves out users 500 to 999") {
		t.Errorf("lint --host on a UID_MIN 500 host:\n%s", out)
	}
}
