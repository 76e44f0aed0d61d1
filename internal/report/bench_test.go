package report

import (
	"fmt"
	"io"
	"testing"

	"github.com/auditpack/auditpack/packs/model"
)

// benchFindings are 200,000 findings like a 100,000-rule lint's: half
// with a related line, all in one file.
func benchFindings() *Findings {
	f := &Findings{Checks: []Check{{ID: "ORD-KEY-SHADOW", Severity: Warning}, {ID: "ARCH-COVERAGE-GAP", Severity: Warning}}}
	for i := range 200_000 {
		d := Diagnostic{Check: "ARCH-COVERAGE-GAP", Severity: Warning, Origin: model.Origin{File: "/etc/audit/rules.d/30-big.rules", Line: 4 + i/2},
			Message: "no b32 rule with the same fields covers openat,openat2: b32 processes escape this b64 rule; add its -F arch=b32 twin"}
		if i%2 == 1 {
			d.Check, d.Related = "ORD-KEY-SHADOW", []model.Origin{{File: d.Origin.File, Line: 3 + i/2}}
			d.Message = fmt.Sprintf("shadowed by %s:%d: its events are logged with key key-%08d, never with key key-%08d; order the specific rule first", d.Origin.File, 3+i/2, i/2-1, i/2)
		}
		f.Diagnostics = append(f.Diagnostics, d)
	}
	return f
}

// BenchmarkWriteFindings renders the findings of a host's rules (30), of
// a fleet's repository (5,000: lint of 10,000 generated rules has 4,899)
// and of 100,000 rules (200,000) in each format; -cpu 1,2 shows what
// rendering on every core gains. docs/performance.md has the figures.
func BenchmarkWriteFindings(b *testing.B) {
	all := benchFindings()
	for _, n := range []int{30, 5_000, 200_000} {
		f := *all
		f.Diagnostics = all.Diagnostics[:n]
		for _, format := range []string{"text", "json", "sarif", "github", "gitlab", "checkstyle", "junit", "html"} {
			b.Run(fmt.Sprintf("%s/%d", format, n), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if err := Formats[format](io.Discard, &f, "bench"); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
