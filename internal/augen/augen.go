// Package augen runs the real augenrules on a directory: for apply, to
// see what the host's boot-time loader makes of a layout before it is
// written, and (through augentest) for tests that compare auditpack with
// it. augenrules only
// reads /etc/audit/rules.d and writes /etc/audit/audit.rules, so it runs
// in a private mount namespace with another directory bound over
// /etc/audit: the host's files are never touched.
package augen

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Path is where Debian's auditd package installs augenrules.
const Path = "/usr/sbin/augenrules"

// Available says why augenrules cannot run here, or "" when it can.
func Available() string {
	if _, err := os.Stat(Path); err != nil {
		return "augenrules is not installed (apt-get install -y auditd); .ci/run installs it"
	}
	if _, err := exec.LookPath("unshare"); err != nil {
		return "unshare (util-linux) is not installed"
	}
	if err := exec.Command("unshare", append(namespace(), "true")...).Run(); err != nil {
		return fmt.Sprintf("augenrules comparison needs a private mount namespace (root, or unprivileged user namespaces): unshare %s: %v", strings.Join(namespace(), " "), err)
	}
	return ""
}

// namespace are unshare's options for a private mount namespace: root
// makes one; another user makes it inside a user namespace of its own,
// where it is root (the tests, which need not run as root for this).
func namespace() []string {
	if os.Geteuid() == 0 {
		return []string{"--mount"}
	}
	return []string{"--user", "--map-root-user", "--mount"}
}

// Generate runs the augenrules at path (without --load: the kernel is not
// touched) with etc bound over /etc/audit, and returns the audit.rules it
// leaves there. augenrules keeps an existing audit.rules when the new one
// would be empty or the same, so etc's own audit.rules is the answer then.
func Generate(path, etc string) ([]byte, error) {
	out, err := exec.Command("unshare", append(namespace(), "sh", "-c", `mount --bind "$1" /etc/audit && exec "$2"`, "sh", etc, path)...).CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("%s in a private mount namespace: %v: %s", path, err, strings.TrimSpace(string(out)))
	}
	rules, err := os.ReadFile(filepath.Join(etc, "audit.rules"))
	if err != nil {
		return nil, fmt.Errorf("%s wrote no audit.rules (%s): %w", path, strings.TrimSpace(string(out)), err)
	}
	return rules, nil
}

// RuleLines keeps the lines auditctl acts on, unchanged: it skips blank
// lines and comments (a first word starting with '#'), as auditctl does.
func RuleLines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		body := strings.TrimLeft(l, " ")
		if body == "" || body[0] == '#' {
			continue
		}
		out = append(out, l)
	}
	return out
}
