package compile

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/auditpack/auditpack/internal/augen"
	"github.com/auditpack/auditpack/profiles"
)

const benchRules = 100_000

// writeBenchRulesDir writes a rules.d of 100 files with benchRules rule
// lines in all, shaped like real packs: syscall rules with fields, path
// rules, watches, comments and blank lines, and control lines to hoist.
func writeBenchRulesDir(b *testing.B, dir string) {
	b.Helper()
	const files = 100
	per := benchRules / files
	for f := 0; f < files; f++ {
		var sb strings.Builder
		fmt.Fprintf(&sb, "## generated pack %d\n-D\n-b %d\n\n", f, 8192+f)
		for i := 0; i < per; i++ {
			n := f*per + i
			switch i % 4 {
			case 0:
				fmt.Fprintf(&sb, "-a always,exit -F arch=b64 -S openat,open_by_handle_at -F exit=-EACCES -F auid>=1000 -F auid!=unset -F key=k%d\n", n)
			case 1:
				fmt.Fprintf(&sb, "## controls: C-%d\n-a always,exit -F arch=b32 -F path=/usr/bin/tool%d -F perm=x -F auid>=1000 -F auid!=unset -k k%d\n", n, n, n)
			case 2:
				fmt.Fprintf(&sb, "-w /etc/app%d.conf -p wa -k k%d\n", n, n)
			default:
				fmt.Fprintf(&sb, "-a always,exit -F arch=b64 -S execve -C uid!=euid -F euid=0 -F key=k%d\n\n", n)
			}
		}
		sb.WriteString("-e 1\n")
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%02d-gen.rules", f)), []byte(sb.String()), 0o644); err != nil {
			b.Fatal(err)
		}
	}
}

// compileDirToFile is the whole compile job: read and parse every file,
// merge, render, write the result atomically.
func compileDirToFile(b *testing.B, dir, out string) {
	sel, err := profiles.Select(profiles.Request{Paths: []string{dir}})
	if err != nil {
		b.Fatal(err)
	}
	res, err := Merge(sel)
	if err != nil {
		b.Fatal(err)
	}
	if err := WriteFileAtomic(out, res.Render("bench"), 0o640); err != nil {
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
	writeBenchRulesDir(b, dir)
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
			augen.RunPrepared(b, etc)
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
