package apply

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/auditpack/auditpack/compile"
	"github.com/auditpack/auditpack/internal/kerneltest"
	"github.com/auditpack/auditpack/packs"
	"github.com/auditpack/auditpack/packs/model"
)

// ruleSet is n rules that load on any host: one per uid, so no two can
// match the same event; changed picks the rules that get another key.
func ruleSet(n int, changed func(i int) bool, key string) string {
	var b strings.Builder
	b.WriteString("-D\n")
	for i := 0; i < n; i++ {
		k := "k"
		if changed(i) {
			k = key
		}
		fmt.Fprintf(&b, "-a always,exit -F arch=b64 -S openat,unlinkat -F uid=%d -F key=%s%d\n", 100000+i, k, i)
	}
	return b.String()
}

func prepared(tb testing.TB, text string) *Desired {
	tb.Helper()
	f := packs.ParseFile("bench.rules", "bench.rules", nil, []byte(text))
	d, err := Prepare(compile.Build(&packs.Selection{Files: []*packs.File{f}}), model.Native())
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

func timeCmd(tb testing.TB, args ...string) time.Duration {
	tb.Helper()
	start := time.Now()
	if out, err := exec.Command(args[0], args[1:]...).CombinedOutput(); err != nil {
		tb.Fatalf("%v: %v %s", args, err, out)
	}
	return time.Since(start)
}

// One changed rule in 2,000 that overlap nowhere is one add and one
// delete: nothing else moves (counted on the in-memory kernel, which
// counts every operation apply sends).
func TestOneChangeInTwoThousandIsTwoOperations(t *testing.T) {
	const n = 2000
	k := NewMemoryKernel(Status{Enabled: 1})
	if _, err := Apply(k, prepared(t, ruleSet(n, func(int) bool { return false }, "")), x86, opts(t)); err != nil {
		t.Fatal(err)
	}
	adds := k.Adds
	res, err := Apply(k, prepared(t, ruleSet(n, func(i int) bool { return i == n/2 }, "changed")), x86, opts(t))
	if err != nil {
		t.Fatal(err)
	}
	if k.Adds-adds != 1 || k.Deletes != 1 || res.Plan.Moved != 0 {
		t.Errorf("%d adds, %d deletes, %d moved; want 1, 1, 0", k.Adds-adds, k.Deletes, res.Plan.Moved)
	}
}

// BenchmarkApply2000 changes 1 rule, 100 rules and all rules of a
// 2,000-rule set on the real kernel with apply, and does the same with
// auditctl -D followed by auditctl -R, in the same run. The gap is how
// long rules common to the old and the new set were missing from the
// kernel. Reading the rules is compared with auditctl -l. A delete waits
// for an RCU grace period, 12 ms on some kernels and 45 µs on others, so
// grace periods are expedited (one iteration would take four minutes
// there) and the kernel operations are reported: they cost the same
// everywhere relative to each other.
func BenchmarkApply2000(b *testing.B) {
	kt := kerneltest.Acquire(b)
	kt.ExpediteGracePeriods()
	k := openReal(b)
	target := model.Native()
	const n = 2000
	base := ruleSet(n, func(int) bool { return false }, "")
	scenarios := []struct {
		name    string
		changed func(i int) bool
	}{
		{"1 rule", func(i int) bool { return i == n/2 }},
		{"100 rules", func(i int) bool { return i%20 == 0 }},
		{"all rules", func(int) bool { return true }},
	}
	dir := b.TempDir()
	type row struct {
		name                           string
		apply, applyGap, reload, reGap time.Duration
		adds, deletes, moved           int
	}
	var rows []row
	var list, auditctlList time.Duration
	for it := 0; it < b.N; it++ {
		rows = rows[:0]
		for _, s := range scenarios {
			next := ruleSet(n, s.changed, "changed")
			file := filepath.Join(dir, "next.rules")
			if err := os.WriteFile(file, []byte(next), 0o600); err != nil {
				b.Fatal(err)
			}
			// auditctl: delete everything, load the file
			if out, code := kt.LoadWithAuditctl(base); code != 0 {
				b.Fatal(out)
			}
			del := timeCmd(b, "auditctl", "-D")
			load := timeCmd(b, "auditctl", "-R", file)
			reload := del + load
			// apply: only the difference
			if out, code := kt.LoadWithAuditctl(base); code != 0 {
				b.Fatal(out)
			}
			start := time.Now()
			res, err := Apply(k, prepared(b, next), target, Options{LockPath: filepath.Join(dir, "lock")})
			if err != nil {
				b.Fatal(err)
			}
			r := row{name: s.name, apply: time.Since(start), applyGap: res.Gap, reload: reload, reGap: reload, moved: res.Plan.Moved}
			for _, op := range res.Plan.Ops {
				if op.Delete {
					r.deletes++
				} else {
					r.adds++
				}
			}
			rows = append(rows, r)
		}
		start := time.Now()
		rules, err := k.Rules()
		if err != nil || len(rules) != n {
			b.Fatalf("listed %d rules (%v)", len(rules), err)
		}
		list = time.Since(start)
		auditctlList = timeCmd(b, "auditctl", "-l")
	}
	b.StopTimer()
	fmt.Printf("\n%-10s %12s %22s %12s %18s %12s %8s\n", "change", "apply", "adds/deletes/moved", "apply gap", "auditctl -D + -R", "reload gap", "ratio")
	for _, r := range rows {
		fmt.Printf("%-10s %12s %22s %12s %18s %12s %8.3f\n", r.name, r.apply.Round(time.Microsecond), fmt.Sprintf("%d/%d/%d", r.adds, r.deletes, r.moved), r.applyGap, r.reload.Round(time.Microsecond), r.reGap.Round(time.Microsecond), float64(r.apply)/float64(r.reload))
		name := strings.ReplaceAll(r.name, " ", "-")
		b.ReportMetric(float64(r.apply.Microseconds())/1000, name+"-apply-ms")
		b.ReportMetric(float64(r.adds+r.deletes), name+"-kernel-ops")
		b.ReportMetric(float64(r.reload.Microseconds())/1000, name+"-reload-ms")
	}
	fmt.Printf("list %d rules: netlink %s, auditctl -l %s\n", n, list.Round(time.Microsecond), auditctlList.Round(time.Microsecond))
	b.ReportMetric(float64(list)/float64(auditctlList), "list-ratio-vs-auditctl")
}
