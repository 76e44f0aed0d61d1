package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/auditpack/auditpack/internal/augen/augentest"
	"github.com/auditpack/auditpack/internal/kerneltest"
	"github.com/auditpack/auditpack/internal/testenv"
)

func gitOut(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %v: %v %s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

// TestPreCommitHooks runs Debian's pre-commit with this repository's
// .pre-commit-hooks.yaml (at HEAD) on a rules repository: fmt rewrites an
// unformatted file, lint fails on a rule the kernel would refuse, and a
// clean repository passes, also with two hosts' rules.d sharing file names.
func TestPreCommitHooks(t *testing.T) {
	preCommit := testenv.Tool(t, "pre-commit", "apt-get install -y pre-commit")
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	rev := gitOut(t, root, "rev-parse", "HEAD")
	repo := t.TempDir()
	gitOut(t, repo, "init", "-q", ".")
	gitOut(t, repo, "config", "user.email", "test@example.com")
	gitOut(t, repo, "config", "user.name", "test")
	write := func(name, body string) {
		if err := os.WriteFile(filepath.Join(repo, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(".pre-commit-config.yaml", "repos:\n- repo: "+root+"\n  rev: "+rev+"\n  hooks:\n  - id: auditpack-fmt\n  - id: auditpack-lint\n")
	write("10-site.rules", "-D\n-a exit,always  -F arch=b64 -S openat -F exit=-EACCES -F auid>=1000 -F auid!=unset -k access\n-a always,exit -F arch=b32 -S openat -F exit=-EACCES -F auid>=1000 -F auid!=unset -F key=access\n")
	write("20-bad.rules", "-a always,exit -F arch=b64 -S stime -F key=time\n")
	gitOut(t, repo, "add", "-A")
	gomodcache, err := exec.Command("go", "env", "GOMODCACHE").Output()
	if err != nil {
		t.Fatal(err)
	}
	gocache, err := exec.Command("go", "env", "GOCACHE").Output()
	if err != nil {
		t.Fatal(err)
	}
	// A temporary HOME whose git configuration is the user's (safe
	// directories, for one), read, never written.
	home := t.TempDir()
	if user, err := os.UserHomeDir(); err == nil {
		if err := os.WriteFile(filepath.Join(home, ".gitconfig"), []byte("[include]\n\tpath = "+filepath.Join(user, ".gitconfig")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	runHooks := func() (string, error) {
		cmd := exec.Command(preCommit, "run", "--all-files")
		cmd.Dir = repo
		// pre-commit keeps its hook environments in PRE_COMMIT_HOME; HOME
		// is temporary too. Go's module and build caches stay the
		// machine's, as for every go test.
		cmd.Env = append(os.Environ(), "HOME="+home, "XDG_CACHE_HOME="+filepath.Join(home, ".cache"), "PRE_COMMIT_HOME="+filepath.Join(home, "pre-commit"),
			"GOMODCACHE="+strings.TrimSpace(string(gomodcache)), "GOCACHE="+strings.TrimSpace(string(gocache)))
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	out, err := runHooks()
	if err == nil {
		t.Fatalf("the hooks passed a repository with an unformatted file and a bad rule:\n%s", out)
	}
	formatted, _ := os.ReadFile(filepath.Join(repo, "10-site.rules"))
	if !strings.Contains(string(formatted), "-a always,exit -F arch=b64 -S openat -F exit=-EACCES -F auid>=1000 -F auid!=unset -F key=access\n") {
		t.Errorf("auditpack-fmt did not rewrite the file:\n%s\n%s", formatted, out)
	}
	if !strings.Contains(out, "ARCH-SYSCALL-UNKNOWN") {
		t.Errorf("auditpack-lint did not report the unknown syscall:\n%s", out)
	}
	write("20-bad.rules", "-a always,exit -F arch=b32 -S stime -F key=time\n")
	write("10-site.rules", string(formatted))
	// Two hosts' rule sets in one repository, with the same file names:
	// each directory is its own rules.d, no conflict.
	for _, host := range []string{"hostA", "hostB"} {
		if err := os.Mkdir(filepath.Join(repo, host), 0o755); err != nil {
			t.Fatal(err)
		}
		write(filepath.Join(host, "10-site.rules"), "-D\n-w /etc/hosts -p wa -k "+host+"\n")
	}
	gitOut(t, repo, "add", "-A")
	if out, err := runHooks(); err != nil {
		t.Errorf("the hooks fail a clean repository: %v\n%s", err, out)
	}
}

func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "auditpack")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v %s", err, out)
	}
	return bin
}

// TestSystemdDriftUnit: the drift units pass systemd-analyze verify; the
// service's sandbox rates 2.0 or better in systemd-analyze security (9.6
// UNSAFE without one); the timer runs by the calendar, so Persistent=
// catches up a run missed while the host was off; a failure starts the
// alert unit. Then the service's command reports drift on the real kernel
// (read-only) with exit 3 and JSON that follows the schema.
func TestSystemdDriftUnit(t *testing.T) {
	analyze := testenv.Tool(t, "systemd-analyze", "apt-get install -y systemd")
	bin := buildBinary(t)
	units := t.TempDir()
	man := filepath.Join(t.TempDir(), "man8")
	if err := os.MkdirAll(man, 0o755); err != nil {
		t.Fatal(err)
	}
	page, err := os.ReadFile("../../docs/auditpack.8")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(man, "auditpack.8"), page, 0o644); err != nil {
		t.Fatal(err)
	}
	unit := map[string]string{}
	var paths []string
	for _, name := range []string{"auditpack-drift.service", "auditpack-drift.timer", "auditpack-drift-failure@.service"} {
		data, err := os.ReadFile(filepath.Join("../../contrib/systemd", name))
		if err != nil {
			t.Fatal(err)
		}
		unit[name] = strings.ReplaceAll(string(data), "/usr/local/bin/auditpack", bin)
		paths = append(paths, filepath.Join(units, name))
		if err := os.WriteFile(paths[len(paths)-1], []byte(unit[name]), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(analyze, append([]string{"verify"}, paths...)...)
	cmd.Env = append(os.Environ(), "MANPATH="+filepath.Dir(man))
	if out, err := cmd.CombinedOutput(); err != nil || len(out) > 0 {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
	// --threshold is exposure times ten: the command fails above 2.0.
	if out, err := exec.Command(analyze, "security", "--offline=true", "--threshold=20", "--no-pager", paths[0]).CombinedOutput(); err != nil {
		t.Errorf("systemd-analyze security rates the drift service above 2.0: %v\n%s", err, out)
	}
	service, timer := unit["auditpack-drift.service"], unit["auditpack-drift.timer"]
	if got := unitSetting(service, "OnFailure"); got != "auditpack-drift-failure@%n.service" {
		t.Errorf("OnFailure=%q, want the alert unit auditpack-drift-failure@%%n.service", got)
	}
	if unitSetting(timer, "OnCalendar") == "" || unitSetting(timer, "Persistent") != "true" {
		t.Errorf("the timer needs OnCalendar= for Persistent=true to catch up missed runs:\n%s", timer)
	}
	execStart := strings.Fields(unitSetting(service, "ExecStart"))
	if want := bin + " verify --boot --format json"; strings.Join(execStart, " ") != want {
		t.Fatalf("ExecStart %q, want %q", execStart, want)
	}
	// The check reads this host's boot files: here a scratch /etc/audit
	// holding testdata's rule set, bound over the real one in a private
	// mount namespace, against the real kernel.
	unshare := testenv.Tool(t, "unshare", "apt-get install -y util-linux")
	augentest.Skip(t)
	kt := kerneltest.Acquire(t)
	etc := t.TempDir()
	site, _ := os.ReadFile("../../testdata/inputs/apply/new/10-site.rules")
	os.MkdirAll(filepath.Join(etc, "rules.d"), 0o750)
	os.WriteFile(filepath.Join(etc, "rules.d", "10-site.rules"), site, 0o600)
	check := func() (string, int) {
		cmd := exec.Command(unshare, append([]string{"--mount", "sh", "-c", `mount --bind "$0" /etc/audit && exec "$@"`, etc}, execStart...)...)
		out, err := cmd.Output()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		checkSchema(t, []string{"auditpack", "verify", "--boot", "--format", "json"}, out)
		return string(out), code
	}
	if out, code := kt.LoadWithAuditctl("-D\n"); code != 0 {
		t.Fatal(out)
	}
	if out, code := check(); code != exitChanges || !strings.Contains(out, `"status": "drift"`) || !strings.Contains(out, "-w /etc/passwd -p wa -k identity") {
		t.Errorf("an empty kernel against the boot files: exit %d, want %d (drift):\n%s", code, exitChanges, out)
	}
	if out, code := kt.LoadWithAuditctl(string(site)); code != 0 {
		t.Fatal(out)
	}
	if out, code := check(); code != 0 || !strings.Contains(out, `"status": "same"`) {
		t.Errorf("the kernel loaded from the boot files: exit %d, want 0 (same):\n%s", code, out)
	}
}

// unitSetting returns the value of the last key= line of a unit file.
func unitSetting(unit, key string) string {
	value := ""
	for _, l := range strings.Split(unit, "\n") {
		if v, ok := strings.CutPrefix(l, key+"="); ok {
			value = v
		}
	}
	return value
}
