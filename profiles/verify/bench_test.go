package verify

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/auditpack/auditpack/compile"
	"github.com/auditpack/auditpack/internal/rulegen"
	"github.com/auditpack/auditpack/packs"
	"github.com/auditpack/auditpack/packs/model"
	"github.com/auditpack/auditpack/profiles"
)

// BenchmarkVerify2000 verifies a 2,000-rule target (the stig profile's
// compiled rules among generated ones) against the stig profile, and in
// the same iterations merges the profile (the work of compile) as the
// baseline: verify-ms/op, compile-ms/op and their ratio.
func BenchmarkVerify2000(b *testing.B) {
	dir := b.TempDir()
	rulegen.WriteRulesDir(b, dir, 4, 1920)
	sel, err := profiles.Select(profiles.Request{Profile: "stig-rhel9"})
	if err != nil {
		b.Fatal(err)
	}
	var own []byte
	for _, it := range compile.Build(sel).Items {
		own = append(own, it.Text+"\n"...)
	}
	if err := os.WriteFile(filepath.Join(dir, "30-stig.rules"), own, 0o644); err != nil {
		b.Fatal(err)
	}
	src, err := packs.LoadPath(dir, nil)
	if err != nil {
		b.Fatal(err)
	}
	target := TargetFromOrdered(dir, compile.Build(&packs.Selection{Files: src.Files}))
	if n := len(target.Items); n < 1990 {
		b.Fatalf("target has %d rules", n)
	}
	b.ReportAllocs()
	b.ResetTimer()
	var verifying, compiling time.Duration
	for i := 0; i < b.N; i++ {
		start := time.Now()
		sel, err := profiles.Select(profiles.Request{Profile: "stig-rhel9"})
		if err != nil {
			b.Fatal(err)
		}
		required := compile.Build(sel)
		compiling += time.Since(start)
		start = time.Now()
		r := mustVerify(b, "stig-rhel9", required, target, VerifyOptions{Machine: model.Targets["x86_64"]})
		verifying += time.Since(start)
		if r.Failed() > 0 {
			b.Fatalf("%d controls fail", r.Failed())
		}
	}
	b.ReportMetric(float64(verifying.Microseconds())/1000/float64(b.N), "verify-ms/op")
	b.ReportMetric(float64(compiling.Microseconds())/1000/float64(b.N), "compile-ms/op")
	b.ReportMetric(float64(verifying)/float64(compiling), "ratio-vs-compile")
}
