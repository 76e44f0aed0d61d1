// Package kerneltest lets tests use the machine's real audit subsystem
// safely. The kernel's rule list and status are shared by every process on
// the machine, so a test takes a machine-wide lock, snapshots the rules and
// status it found, and restores them when it ends, also when it fails. It
// refuses to load anything that would lock the kernel (-e 2), panic it on
// an audit failure (-f 2) or change it until reboot (--loginuid-immutable).
package kerneltest

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	libaudit "github.com/elastic/go-libaudit/v2"
	"github.com/elastic/go-libaudit/v2/auparse"

	"github.com/auditpack/auditpack/internal/host"
	"github.com/auditpack/auditpack/internal/testenv"
	"github.com/auditpack/auditpack/packs/model"
)

const lockPath = "/run/auditpack-kernel-tests.lock"

// Kernel is a test's hold on the audit subsystem.
type Kernel struct {
	t          testing.TB
	client     *libaudit.AuditClient
	unexpedite func() // set by ExpediteGracePeriods
}

// NoKernel names the environment variable that, set to anything, skips
// every kernel test, also for root and under CI=true: the suite then
// loads no rule into the running kernel.
const NoKernel = "AUDITPACK_NO_KERNEL"

// Acquire waits for the machine-wide lock, snapshots the rules and status,
// and registers their restoration. It skips the test (fails it in CI)
// where the audit subsystem or auditctl cannot be used.
func Acquire(t testing.TB) *Kernel {
	t.Helper()
	if os.Getenv(NoKernel) != "" {
		t.Skipf("%s is set: the kernel test loads no rules", NoKernel)
	}
	testenv.Root(t, "the kernel test")
	testenv.Tool(t, "auditctl", "apt-get install -y auditd")
	lock, err := os.OpenFile(lockPath, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		testenv.SkipOrFail(t, fmt.Sprintf("the kernel test cannot open its lock: %v", err))
	}
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		lock.Close()
		t.Fatalf("lock %s: %v", lockPath, err)
	}
	t.Cleanup(func() { lock.Close() })
	client, err := libaudit.NewAuditClient(nil)
	if err != nil {
		testenv.SkipOrFail(t, fmt.Sprintf("the kernel test has no audit netlink socket: %v", err))
	}
	t.Cleanup(func() { client.Close() })
	status, err := client.GetStatus()
	if err != nil {
		testenv.SkipOrFail(t, fmt.Sprintf("the kernel test cannot read the audit status: %v", err))
	}
	switch {
	case status.Enabled == 2:
		t.Fatal("the kernel's audit configuration is locked (enabled 2) until reboot; something loaded -e 2")
	case status.Failure == 2:
		t.Fatal("the kernel's failure mode is 2 (panic); restore it with auditctl -f 1 before running tests")
	}
	rules, err := client.GetRules()
	if err != nil {
		t.Fatalf("read the kernel's rules: %v", err)
	}
	k := &Kernel{t: t, client: client}
	// The rules are restored before grace periods are: deleting thousands
	// of a test's rules takes seconds expedited, minutes otherwise.
	t.Cleanup(func() {
		k.restore(status, rules)
		if k.unexpedite != nil {
			k.unexpedite()
		}
	})
	return k
}

func (k *Kernel) restore(status *libaudit.AuditStatus, rules [][]byte) {
	t := k.t
	current, err := k.client.GetRules()
	if err != nil {
		t.Errorf("restore: read rules: %v", err)
		return
	}
	for _, r := range current {
		if err := k.client.DeleteRule(r); err != nil {
			t.Errorf("restore: delete rule: %v", err)
		}
	}
	for _, r := range rules {
		if err := k.client.AddRule(r); err != nil {
			t.Errorf("restore: add rule: %v", err)
		}
	}
	wait := libaudit.WaitForReply
	for _, err := range []error{
		k.client.SetBacklogLimit(status.BacklogLimit, wait),
		k.client.SetRateLimit(status.RateLimit, wait),
		k.client.SetBacklogWaitTime(int32(status.BacklogWaitTime), wait),
		// libaudit's FailureMode constants are all 0; pass the number.
		k.client.SetFailure(libaudit.FailureMode(status.Failure), wait),
		k.client.SetEnabled(status.Enabled == 1, wait),
	} {
		if err != nil {
			t.Errorf("restore status: %v", err)
		}
	}
	after, err := k.client.GetRules()
	if err != nil || len(after) != len(rules) {
		t.Errorf("restore: the kernel holds %d rules, want the %d found before (%v)", len(after), len(rules), err)
	}
}

// Forbidden says why a rules line must never be loaded by a test, or "".
func Forbidden(line string) string {
	words := strings.Fields(line)
	if len(words) == 0 {
		return ""
	}
	opt, arg, _ := strings.Cut(words[0], "=")
	if len(words) > 1 && arg == "" {
		arg = words[1]
	}
	switch {
	case strings.HasPrefix(opt, "-e") && (strings.TrimPrefix(opt, "-e") == "2" || (opt == "-e" && arg == "2")):
		return "-e 2 locks the audit configuration until reboot"
	case strings.HasPrefix(opt, "-f") && (strings.TrimPrefix(opt, "-f") == "2" || (opt == "-f" && arg == "2")):
		return "-f 2 panics the machine when auditing fails"
	case len(opt) > 3 && strings.HasPrefix("--loginuid-immutable", opt):
		// getopt_long takes any unambiguous prefix of a long option.
		return "--loginuid-immutable cannot be undone until reboot"
	}
	return ""
}

// LoadWithAuditctl loads rules with auditctl -R and returns its combined
// output and exit code. It fails the test rather than load a forbidden line.
func (k *Kernel) LoadWithAuditctl(rules string) (string, int) {
	t := k.t
	t.Helper()
	for i, l := range strings.Split(rules, "\n") {
		if why := Forbidden(l); why != "" {
			t.Fatalf("refusing to load line %d %q: %s", i+1, l, why)
		}
	}
	path := filepath.Join(t.TempDir(), "load.rules")
	if err := os.WriteFile(path, []byte(rules), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("auditctl", "-R", path).CombinedOutput()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("auditctl -R: %v", err)
	}
	return string(out), code
}

// List returns `auditctl -l`, one rule per line.
func (k *Kernel) List() []string {
	out, err := exec.Command("auditctl", "-l").Output()
	if err != nil {
		k.t.Fatalf("auditctl -l: %v", err)
	}
	var rules []string
	for _, l := range strings.Split(string(bytes.TrimSpace(out)), "\n") {
		if l != "" && l != "No rules" {
			rules = append(rules, l)
		}
	}
	return rules
}

// AbsentDirs returns the rule lines of items that need a directory this
// host lacks (the parent of a watched path or exe, a dir= itself), which
// the kernel refuses (ENOENT), so that a test leaves them out instead of
// creating directories outside its temporary ones. Which lines those are
// is the model's answer (PATH-PARENT-MISSING, PATH-DIR-MISSING on this
// host); auditctl is shown to refuse each, and what is left out is logged.
func (k *Kernel) AbsentDirs(items []*model.Line) map[*model.Line]bool {
	k.t.Helper()
	absent := map[*model.Line]bool{}
	var lines, why []string
	for _, it := range items {
		r := model.Normalize(it, model.Native())
		if r == nil {
			continue
		}
		for _, p := range r.HostProblems(host.Local{}) {
			if p.Check == model.CheckPathMissing || p.Check == model.CheckDirMissing {
				absent[it] = true
				lines, why = append(lines, it.Text), append(why, p.Message)
				break
			}
		}
	}
	if len(lines) == 0 {
		return absent
	}
	refused, err := k.RefusedLines(lines)
	if err != nil {
		k.t.Fatal(err)
	}
	for i, l := range lines {
		if !refused[i+1] {
			k.t.Errorf("auditctl loads %q, which auditpack says this host refuses: %s", l, why[i])
		}
	}
	k.t.Logf("left out, refused here for a missing directory: %s", strings.Join(slices.Compact(slices.Sorted(slices.Values(why))), "; "))
	return absent
}

// Events listens on the kernel's audit multicast group, the way a test
// sees which rule took an event without auditd.
type Events struct {
	listener *libaudit.AuditClient
	// marker sends the user messages that end a collection; a socket of
	// its own, so no answer is left where other requests read.
	marker  *libaudit.AuditClient
	markers int
}

// Listen opens the multicast listener; it closes when the test ends.
func (k *Kernel) Listen() *Events {
	k.t.Helper()
	listener, err := libaudit.NewMulticastAuditClient(nil)
	if err != nil {
		k.t.Fatalf("multicast audit socket: %v", err)
	}
	k.t.Cleanup(func() { listener.Close() })
	marker, err := libaudit.NewAuditClient(nil)
	if err != nil {
		k.t.Fatalf("audit socket: %v", err)
	}
	k.t.Cleanup(func() { marker.Close() })
	return &Events{listener: listener, marker: marker}
}

// KeysLoggedFor runs action and collects the keys of the SYSCALL records
// it caused. The kernel queues records in order, so a user message sent
// after the action marks the end: every record of the action has arrived
// once the marker has, however slow the machine (a fixed wait missed
// records under a full make test). The user filter must let USER
// messages through. Failures are reported on t, the (sub)test calling.
func (e *Events) KeysLoggedFor(t testing.TB, action func()) map[string]bool {
	t.Helper()
	e.drain()
	action()
	e.markers++
	marker := fmt.Sprintf("auditpack-marker-%d-%d", os.Getpid(), e.markers)
	msg := syscall.NetlinkMessage{Header: syscall.NlMsghdr{Type: uint16(auparse.AUDIT_USER), Flags: syscall.NLM_F_REQUEST}, Data: []byte(marker + "\x00")} // the kernel drops the last byte, the C string's NUL
	if _, err := e.marker.Netlink.Send(msg); err != nil {
		t.Fatalf("send the marker: %v", err)
	}
	keys := map[string]bool{}
	for deadline := time.Now().Add(30 * time.Second); ; {
		if time.Now().After(deadline) {
			t.Fatalf("the marker message did not arrive within 30 s (is audit enabled, and does a user filter rule drop USER messages?)")
		}
		msg, err := e.listener.Receive(true)
		if errors.Is(err, syscall.EAGAIN) || errors.Is(err, syscall.EWOULDBLOCK) {
			time.Sleep(time.Millisecond)
			continue
		}
		if err != nil {
			t.Fatalf("receive: %v", err)
		}
		data := string(msg.Data)
		switch {
		case msg.Type == auparse.AUDIT_USER && strings.Contains(data, marker):
			return keys
		case msg.Type != auparse.AUDIT_SYSCALL:
			continue
		}
		if i := strings.Index(data, ` key="`); i >= 0 {
			key := data[i+6:]
			keys[key[:strings.IndexByte(key, '"')]] = true
		}
	}
}

func (e *Events) drain() {
	for {
		if _, err := e.listener.Receive(true); err != nil {
			return
		}
	}
}

// Executable is a program's real path, symbolic links resolved: the one
// the kernel compares exe= with.
func Executable(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Fatal(err)
	}
	if p, err = filepath.EvalSymlinks(p); err != nil {
		t.Fatal(err)
	}
	return p
}

// ExpediteGracePeriods turns on expedited RCU grace periods for the rest of
// the test and restores the setting after the test's rules are restored. Each rule delete waits for a
// grace period (about 12 ms on kernels without expedited RCU), so a test
// that loads thousands of rules would otherwise spend minutes deleting them.
func (k *Kernel) ExpediteGracePeriods() {
	k.t.Helper()
	const knob = "/sys/kernel/rcu_expedited"
	old, err := os.ReadFile(knob)
	if err != nil {
		k.t.Logf("grace periods stay as they are: %v", err)
		return
	}
	if err := os.WriteFile(knob, []byte("1"), 0o644); err != nil {
		k.t.Logf("grace periods stay as they are: %v", err)
		return
	}
	k.unexpedite = func() {
		if err := os.WriteFile(knob, old, 0o644); err != nil {
			k.t.Errorf("restore %s: %v", knob, err)
		}
	}
}

// RefusedLines loads rules with `auditctl -R` in continue-on-error mode, as
// augenrules does with -c, and returns the line numbers auditctl reports
// as failed. auditctl logs the errors of a file's first
// lines to syslog until it has sent a rule; a probe rule sent first (and
// deleted again) makes it report every later line on stderr. The returned
// line numbers count the caller's lines from 1. The error says auditctl
// failed as a whole rather than line by line (an exit status that names
// no refused line, a disabled or immutable audit system), with its
// messages: then the verdicts are not the kernel's.
func (k *Kernel) RefusedLines(lines []string) (map[int]bool, error) {
	t := k.t
	t.Helper()
	const preamble = 3
	var b strings.Builder
	b.WriteString("-c\n-a always,exit -F arch=b64 -S openat -k auditpack-probe\n-D\n")
	for i, l := range lines {
		if why := Forbidden(l); why != "" {
			t.Fatalf("refusing to load line %d %q: %s", i+1, l, why)
		}
		b.WriteString(l)
		b.WriteByte('\n')
	}
	path := filepath.Join(t.TempDir(), "load.rules")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd := exec.Command("auditctl", "-R", path)
	cmd.Stderr = &stderr
	runErr := cmd.Run()
	if _, exited := runErr.(*exec.ExitError); runErr != nil && !exited {
		t.Fatalf("auditctl -R: %v", runErr)
	}
	refused := map[int]bool{}
	marker := "There was an error in line "
	for _, l := range strings.Split(stderr.String(), "\n") {
		rest, ok := strings.CutPrefix(l, marker)
		if !ok {
			continue
		}
		var n int
		if _, err := fmt.Sscanf(rest, "%d", &n); err != nil {
			t.Fatalf("unexpected auditctl output %q", l)
		}
		if n <= preamble {
			t.Fatalf("auditctl refused its own preamble line %d: %s", n, stderr.String())
		}
		refused[n-preamble] = true
	}
	// With -c, auditctl exits 1 exactly when a line failed; it stops
	// early, exit status 0, only when the audit system is disabled.
	switch {
	case runErr != nil && len(refused) == 0:
		return refused, fmt.Errorf("auditctl -R failed (%v) without naming a line: %s", runErr, stderr.String())
	case runErr == nil && len(refused) > 0:
		return refused, fmt.Errorf("auditctl -R exited 0 but named %d refused lines: %s", len(refused), stderr.String())
	case strings.Contains(stderr.String(), "The audit system is disabled"), strings.Contains(stderr.String(), "immutable mode"):
		return refused, fmt.Errorf("auditctl -R stopped early: %s", stderr.String())
	}
	return refused, nil
}
