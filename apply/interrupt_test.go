package apply

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/auditpack/auditpack/internal/kerneltest"
	"github.com/auditpack/auditpack/packs/model"
)

var stopSignals = []syscall.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP}

// notified is what Run connects: the stop signals, caught instead of
// killing the test binary.
func notified(t testing.TB) <-chan os.Signal {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	t.Cleanup(func() { signal.Stop(sig) })
	return sig
}

// deliver sends sig to this process, as systemd or a terminal would, and
// waits until it has reached the apply's channel.
func deliver(t testing.TB, sig syscall.Signal, interrupt <-chan os.Signal) {
	t.Helper()
	if err := syscall.Kill(os.Getpid(), sig); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(5 * time.Second); len(interrupt) == 0; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%v was not delivered within 5 s", sig)
		}
	}
}

// interruptAfter delivers sig right after kernel operation n (0: before
// the first).
func interruptAfter(t testing.TB, n int, sig syscall.Signal, opts *Options) {
	if n == 0 {
		deliver(t, sig, opts.Interrupt)
		return
	}
	opts.afterOp = func(done int, interrupt <-chan os.Signal) {
		if done == n {
			deliver(t, sig, interrupt)
		}
	}
}

// TestInterruptEndsExactlyOld: a stop signal after any kernel operation
// of an apply (adds, deletes, moves, settings) ends with exactly the old
// rules and settings, and the persisted file as it was.
func TestInterruptEndsExactlyOld(t *testing.T) {
	k := NewMemoryKernel(Status{Enabled: 1, Failure: 1, BacklogLimit: 64})
	load(t, k, rA, rB, rC, rX)
	before, beforeStatus := texts(t, k), mustStatus(t, k)
	next := desired(t, "-b 8192", "-f 0", rC, rX, "-a always,exit -F arch=b64 -S chmod -k new", rB, rY)
	dry, err := Apply(k, next, x86, Options{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	total := len(dry.Plan.Ops) + len(dry.Settings)
	if dry.Plan.Moved == 0 || total < 6 {
		t.Fatalf("the change should hold adds, deletes, a move and settings: %d ops, %d moved", total, dry.Plan.Moved)
	}
	persistTo := filepath.Join(t.TempDir(), "audit.rules")
	os.WriteFile(persistTo, []byte("old\n"), 0o640)
	for n := 0; n <= total; n++ {
		sig := stopSignals[n%len(stopSignals)]
		opts := opts(t)
		opts.Interrupt, opts.Persist, opts.Rendered = notified(t), persistTo, []byte("new\n")
		interruptAfter(t, n, sig, &opts)
		_, err := Apply(k, next, x86, opts)
		var stopped *InterruptedError
		if !errors.As(err, &stopped) || stopped.Done != n || !strings.Contains(err.Error(), "restored") {
			t.Fatalf("%v after op %d of %d: got %v, want an interruption after op %d, restored", sig, n, total, err, n)
		}
		if got := texts(t, k); strings.Join(got, "\n") != strings.Join(before, "\n") || mustStatus(t, k) != beforeStatus {
			t.Fatalf("%v after op %d: the kernel holds\n%s\n%+v\nwant exactly the old\n%s\n%+v", sig, n, strings.Join(got, "\n"), mustStatus(t, k), strings.Join(before, "\n"), beforeStatus)
		}
		if data, _ := os.ReadFile(persistTo); string(data) != "old\n" {
			t.Fatalf("%v after op %d: %s holds %q, want the old file back", sig, n, persistTo, data)
		}
	}
	if _, err := Apply(k, next, x86, opts(t)); err != nil {
		t.Fatal(err)
	}
	if res, err := Apply(k, next, x86, Options{DryRun: true}); err != nil || res.Changed() {
		t.Errorf("after an uninterrupted apply the kernel still differs (%v)", err)
	}
}

// TestInterruptOnTheKernel: SIGINT, SIGTERM and SIGHUP at 20 points of a
// 2,000-rule replace on the real kernel (during the adds, the deletes, the
// moves and the settings) each leave exactly the old rules, byte for
// byte and in order, and the old settings.
func TestInterruptOnTheKernel(t *testing.T) {
	kt := kerneltest.Acquire(t)
	kt.ExpediteGracePeriods()
	k := openReal(t)
	target := model.Native()
	// The never/always pair overlaps and swaps places: a move.
	pair := []string{"-a never,exit -F arch=b64 -S chmod -F uid=4242", "-a always,exit -F arch=b64 -S chmod -F key=ap_chmod"}
	old := prepared(t, ruleSet(2000, func(int) bool { return false }, "k")+pair[0]+"\n"+pair[1]+"\n")
	next := prepared(t, "-b 8191\n"+ruleSet(2000, func(i int) bool { return i%2 == 0 }, "n")+pair[1]+"\n"+pair[0]+"\n")
	if _, err := Apply(k, old, target, Options{LockPath: filepath.Join(t.TempDir(), "lock")}); err != nil {
		t.Fatal(err)
	}
	oldRaw, oldStatus := rawRules(t, k), status(t)
	dry, err := Apply(k, next, target, Options{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	total := len(dry.Plan.Ops) + len(dry.Settings)
	if dry.Plan.Moved == 0 || len(dry.Settings) == 0 {
		t.Fatalf("the replace should move a rule and change a setting: %s", dry.Summary())
	}
	ops := 0
	for i := range 20 {
		n := 1 + i*(total-1)/19
		sig := stopSignals[i%len(stopSignals)]
		opts := Options{LockPath: filepath.Join(t.TempDir(), "lock"), Interrupt: notified(t)}
		interruptAfter(t, n, sig, &opts)
		_, err := Apply(k, next, target, opts)
		var stopped *InterruptedError
		if !errors.As(err, &stopped) || stopped.Done != n || !strings.Contains(err.Error(), "restored") {
			t.Fatalf("%v after op %d of %d: got %v, want an interruption, restored", sig, n, total, err)
		}
		if !equalRaw(rawRules(t, k), oldRaw) || status(t) != oldStatus {
			t.Fatalf("%v after op %d of %d: the kernel does not hold exactly the old rules and settings", sig, n, total)
		}
		ops += n
	}
	t.Logf("20 interruptions of a %d-operation replace, %d operations undone; every one ended exactly old", total, ops)
}

// TestRunCatchesStopSignals: Run itself connects the stop signals (the
// test binary would die of SIGTERM otherwise) and lets them go after.
func TestRunCatchesStopSignals(t *testing.T) {
	k := NewMemoryKernel(Status{Enabled: 1})
	load(t, k, rA)
	before := texts(t, k)
	opts := opts(t)
	opts.afterOp = func(done int, interrupt <-chan os.Signal) {
		if done == 1 {
			deliver(t, syscall.SIGTERM, interrupt)
		}
	}
	_, err := Run(func() (Kernel, error) { return k, nil }, compiled(t, rB, rC), loader309{}, opts)
	var stopped *InterruptedError
	if !errors.As(err, &stopped) || stopped.Signal != syscall.SIGTERM {
		t.Fatalf("got %v, want the apply stopped by SIGTERM", err)
	}
	if got := texts(t, k); strings.Join(got, "\n") != strings.Join(before, "\n") {
		t.Errorf("the kernel holds %q, want exactly the old %q", got, before)
	}
}

// TestKilledApplyIsReportedAndConverges: an apply killed with SIGKILL half
// way through a 2,000-rule replace (no handler runs) leaves its journal;
// the next apply says an earlier one never finished, and ends with
// exactly the new rule set.
func TestKilledApplyIsReportedAndConverges(t *testing.T) {
	kt := kerneltest.Acquire(t)
	kt.ExpediteGracePeriods()
	k := openReal(t)
	target := model.Native()
	lockPath := filepath.Join(t.TempDir(), "apply.lock")
	old := prepared(t, ruleSet(2000, func(int) bool { return false }, "k"))
	if _, err := Apply(k, old, target, Options{LockPath: lockPath}); err != nil {
		t.Fatal(err)
	}
	child := exec.Command(os.Args[0], "-test.run=^TestKilledApplyHelper$", "-test.v")
	child.Env = append(os.Environ(), "AUDITPACK_KILL_HELPER="+lockPath)
	stdout, err := child.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(stdout)
	for lines.Scan() && lines.Text() != "half way" {
	}
	if lines.Text() != "half way" {
		child.Process.Kill()
		t.Fatalf("the helper did not reach half way (%v)", lines.Err())
	}
	child.Process.Signal(syscall.SIGKILL)
	child.Wait()
	next := prepared(t, ruleSet(2000, func(i int) bool { return i%2 == 0 }, "n"))
	res, err := Apply(k, next, target, Options{LockPath: lockPath})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(res.Unfinished, "never finished") {
		t.Errorf("the apply after a killed one does not say so: %q", res.Unfinished)
	}
	if res, err := Apply(k, next, target, Options{DryRun: true, LockPath: lockPath}); err != nil || res.Changed() || res.Unfinished != "" {
		t.Errorf("after converging the kernel still differs (%v) or the journal is left: %q", err, res.Unfinished)
	}
}

// TestKilledApplyHelper is the process TestKilledApplyIsReportedAndConverges
// kills: it replaces the parent's rules and stops half way.
func TestKilledApplyHelper(t *testing.T) {
	lockPath := os.Getenv("AUDITPACK_KILL_HELPER")
	if lockPath == "" {
		t.Skip("run by TestKilledApplyIsReportedAndConverges")
	}
	k := openReal(t)
	next := prepared(t, ruleSet(2000, func(i int) bool { return i%2 == 0 }, "n"))
	opts := Options{LockPath: lockPath, afterOp: func(done int, _ <-chan os.Signal) {
		if done == 1500 {
			fmt.Println("half way")
			select {} // wait for SIGKILL
		}
	}}
	Apply(k, next, model.Native(), opts)
}
