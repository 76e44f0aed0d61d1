package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/auditpack/auditpack/internal/augen"
	"github.com/auditpack/auditpack/internal/rulegen"
)

// measured is one run of a command as a user runs it: wall time and the
// peak resident memory the kernel reports for it (getrusage's maxrss).
type measured struct {
	wall time.Duration
	peak int // KB
}

// timeCommand runs a command with its standard output going to a file,
// as "auditpack lint --format sarif > results.sarif" in CI: a pipe to
// this process would have it copy the output on the same cores.
func timeCommand(b *testing.B, args ...string) measured {
	b.Helper()
	stdout, err := os.Create(filepath.Join(b.TempDir(), "stdout"))
	if err != nil {
		b.Fatal(err)
	}
	defer stdout.Close()
	cmd := exec.Command(args[0], args[1:]...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = stdout, &out
	start := time.Now()
	err = cmd.Run()
	wall := time.Since(start)
	if ee, ok := err.(*exec.ExitError); (ok && ee.ExitCode() != 1) || (err != nil && !ok) { // lint exits 1 on findings
		b.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, out.Bytes())
	}
	return measured{wall, int(cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss)}
}

// BenchmarkCommands runs the built binary's compile and lint on 1k, 10k
// and 100k generated rules that all overlap (each its own auid>=N and
// key), and lint on each of rulegen's adversarial shapes of the same
// sizes, as a user runs them, and the real augenrules on the same rules.d
// in the same iterations: wall ms, peak MB, and the ratio to augenrules,
// so that growth with size shows (linear, not quadratic). Sub-benchmarks
// are named command/set/size: compile/uniform/100k, lint/watch-tree/1k.
func BenchmarkCommands(b *testing.B) {
	bin := filepath.Join(b.TempDir(), "auditpack")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v %s", err, out)
	}
	withAugenrules := augen.Available() == ""
	for _, n := range []int{1_000, 10_000, 100_000} {
		etc, dir := rulesDir(b)
		rulegen.WriteThresholdRules(b, dir, n)
		out := filepath.Join(b.TempDir(), "audit.rules")
		for _, cmd := range [][]string{{"compile", dir, "-o", out}, {"lint", "--format", "json", dir}} {
			b.Run(fmt.Sprintf("%s/uniform/%dk", cmd[0], n/1000), func(b *testing.B) {
				againstAugenrules(b, etc, withAugenrules, append([]string{bin}, cmd...))
			})
		}
		for _, shape := range rulegen.Shapes {
			etc, dir := rulesDir(b)
			rulegen.WriteShape(b, dir, shape, n)
			b.Run(fmt.Sprintf("lint/%s/%dk", shape.Name, n/1000), func(b *testing.B) {
				againstAugenrules(b, etc, withAugenrules, []string{bin, "lint", "--format", "json", dir})
			})
		}
	}
}

// rulesDir makes an empty etc/rules.d for augenrules.
func rulesDir(b *testing.B) (etc, dir string) {
	etc = b.TempDir()
	dir = filepath.Join(etc, "rules.d")
	if err := os.Mkdir(dir, 0o755); err != nil {
		b.Fatal(err)
	}
	return etc, dir
}

// againstAugenrules times command and augenrules on etc's rules.d in the
// same iterations and reports both, the ratio and the command's peak.
func againstAugenrules(b *testing.B, etc string, withAugenrules bool, command []string) {
	var ours, theirs time.Duration
	peak := 0
	for i := 0; i < b.N; i++ {
		m := timeCommand(b, command...)
		ours += m.wall
		peak = max(peak, m.peak)
		if withAugenrules {
			start := time.Now()
			if _, err := augen.Generate(augen.Path, etc); err != nil {
				b.Fatal(err)
			}
			theirs += time.Since(start)
		}
	}
	b.ReportMetric(float64(ours.Microseconds())/1000/float64(b.N), "wall-ms/op")
	b.ReportMetric(float64(peak)/1024, "peak-MB")
	if withAugenrules {
		b.ReportMetric(float64(theirs.Microseconds())/1000/float64(b.N), "augenrules-ms/op")
		b.ReportMetric(float64(ours)/float64(theirs), "ratio-vs-augenrules")
	}
}
