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

// BenchmarkWriteFindings renders 200,000 findings in each streaming
// format; -cpu 1,2 shows what rendering on every core gains.
func BenchmarkWriteFindings(b *testing.B) {
	f := benchFindings()
	for _, format := range []string{"text", "json", "sarif", "github", "gitlab", "checkstyle", "junit", "html"} {
		b.Run(format, func(b *testing.B) {
			for b.Loop() {
				if err := Formats[format](io.Discard, f, "bench"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
