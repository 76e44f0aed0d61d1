package compile

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/auditpack/auditpack/internal/atomicfile"
	"github.com/auditpack/auditpack/internal/augen"
	"github.com/auditpack/auditpack/internal/augen/augentest"
	"github.com/auditpack/auditpack/internal/rulegen"
	"github.com/auditpack/auditpack/profiles"
)

const benchRules = 100_000

// compileDirToFile is the whole compile job: read and parse every file,
// merge, render, write the result atomically.
func compileDirToFile(b *testing.B, dir, out string) {
	sel, err := profiles.Select(profiles.Request{Paths: []string{dir}})
	if err != nil {
		b.Fatal(err)
	}
	res := Build(sel)
	if err := res.Renderable(); err != nil {
		b.Fatal(err)
	}
	if err := atomicfile.WriteFile(out, res.Render("bench"), 0o640); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkCompile100k compiles a generated 100,000-rule rules.d. With
// root and augenrules installed it also runs the real augenrules on the
// same directory in the same iterations and reports the ratio
// (auditpack time / augenrules time; below 1 is faster).
func BenchmarkCompile100k(b *testing.B) {
	etc := b.TempDir()
	dir := filepath.Join(etc, "rules.d")
	if err := os.Mkdir(dir, 0o755); err != nil {
		b.Fatal(err)
	}
	rulegen.WriteRulesDir(b, dir, 100, benchRules)
	out := filepath.Join(b.TempDir(), "audit.rules")
	withAugenrules := augen.Available() == ""
	b.ReportAllocs()
	b.ResetTimer()
	var ours, theirs time.Duration
	for i := 0; i < b.N; i++ {
		start := time.Now()
		compileDirToFile(b, dir, out)
		ours += time.Since(start)
		if withAugenrules {
			b.StopTimer()
			start = time.Now()
			augentest.RunPrepared(b, etc)
			theirs += time.Since(start)
			b.StartTimer()
		}
	}
	b.ReportMetric(float64(ours.Milliseconds())/float64(b.N), "auditpack-ms/op")
	if withAugenrules {
		b.ReportMetric(float64(theirs.Milliseconds())/float64(b.N), "augenrules-ms/op")
		b.ReportMetric(float64(ours)/float64(theirs), "ratio-vs-augenrules")
	}
}
