package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/auditpack/auditpack/internal/augen"
	"github.com/auditpack/auditpack/internal/rulegen"
)

// measured is one run of a command as a user runs it: wall time and the
// peak resident memory GNU time reports.
type measured struct {
	wall time.Duration
	peak int // KB
}

func timeCommand(b *testing.B, args ...string) measured {
	b.Helper()
	out, err := exec.Command("/usr/bin/time", append([]string{"-f", "%e %M", "-o", "/dev/stderr"}, args...)...).CombinedOutput()
	if ee, ok := err.(*exec.ExitError); ok && ee.ExitCode() != 1 { // lint exits 1 on findings
		b.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, out)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	fields := strings.Fields(lines[len(lines)-1])
	secs, err1 := strconv.ParseFloat(fields[0], 64)
	kb, err2 := strconv.Atoi(fields[1])
	if len(fields) != 2 || err1 != nil || err2 != nil {
		b.Fatalf("GNU time said %q", lines[len(lines)-1])
	}
	return measured{time.Duration(secs * float64(time.Second)), kb}
}

// BenchmarkCommands runs the built binary's compile and lint on 1k, 10k
// and 100k generated rules that all overlap (each its own auid>=N and
// key), as a user runs them, and the real augenrules on the same rules.d
// in the same iterations: wall ms, peak MB, and the ratio to augenrules,
// so that growth with size shows (linear, not quadratic).
func BenchmarkCommands(b *testing.B) {
	if _, err := os.Stat("/usr/bin/time"); err != nil {
		b.Skip("GNU time (apt-get install -y time) measures the peak memory")
	}
	bin := filepath.Join(b.TempDir(), "auditpack")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v %s", err, out)
	}
	withAugenrules := augen.Available() == ""
	for _, n := range []int{1_000, 10_000, 100_000} {
		etc := b.TempDir()
		dir := filepath.Join(etc, "rules.d")
		os.Mkdir(dir, 0o755)
		rulegen.WriteThresholdRules(b, dir, n)
		out := filepath.Join(b.TempDir(), "audit.rules")
		for _, cmd := range [][]string{{"compile", dir, "-o", out}, {"lint", "--format", "json", dir}} {
			b.Run(fmt.Sprintf("%s/%dk", cmd[0], n/1000), func(b *testing.B) {
				var ours, theirs time.Duration
				peak := 0
				for i := 0; i < b.N; i++ {
					m := timeCommand(b, append([]string{bin}, cmd...)...)
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
				b.ReportMetric(float64(ours.Milliseconds())/float64(b.N), "wall-ms/op")
				b.ReportMetric(float64(peak)/1024, "peak-MB")
				if withAugenrules {
					b.ReportMetric(float64(theirs.Milliseconds())/float64(b.N), "augenrules-ms/op")
					b.ReportMetric(float64(ours)/float64(theirs), "ratio-vs-augenrules")
				}
			})
		}
	}
}
