package lint

import (
	"testing"
	"time"

	"github.com/auditpack/auditpack/compile"
	"github.com/auditpack/auditpack/internal/rulegen"
	"github.com/auditpack/auditpack/profiles"
)

// BenchmarkLint100k lints a generated 100,000-rule set with every check,
// shadow analysis included, and compiles the same set in the same
// iterations for a baseline: lint-ms/op, compile-ms/op and their ratio.
func BenchmarkLint100k(b *testing.B) {
	dir := b.TempDir()
	rulegen.WriteRulesDir(b, dir, 100, 100_000)
	b.ReportAllocs()
	b.ResetTimer()
	var linting, compiling time.Duration
	findings := 0
	for i := 0; i < b.N; i++ {
		start := time.Now()
		sel, err := profiles.Select(profiles.Request{Paths: []string{dir}})
		if err != nil {
			b.Fatal(err)
		}
		res, err := Run(compile.Build(sel), Options{})
		if err != nil {
			b.Fatal(err)
		}
		linting += time.Since(start)
		findings = len(res.Diagnostics)

		b.StopTimer()
		start = time.Now()
		sel, err = profiles.Select(profiles.Request{Paths: []string{dir}})
		if err != nil {
			b.Fatal(err)
		}
		merged := compile.Build(sel)
		if err := merged.Renderable(); err != nil {
			b.Fatal(err)
		}
		_ = merged.Render("bench")
		compiling += time.Since(start)
		b.StartTimer()
	}
	b.ReportMetric(float64(linting.Milliseconds())/float64(b.N), "lint-ms/op")
	b.ReportMetric(float64(compiling.Milliseconds())/float64(b.N), "compile-ms/op")
	b.ReportMetric(float64(linting)/float64(compiling), "ratio-vs-compile")
	b.ReportMetric(float64(findings), "findings")
}
