package lint

import (
	"slices"
	"testing"

	"github.com/auditpack/auditpack/compile"
	"github.com/auditpack/auditpack/internal/report"
	"github.com/auditpack/auditpack/packs"
)

const gapRules = `# auditpack:ignore ARCH-COVERAGE-GAP this host runs no 32-bit programs
-a always,exit -F arch=b64 -S openat -F auid>=1000 -k open
-a always,exit -F arch=b64 -S unlinkat -F auid>=1000 -k del
`

// runGap lints gapRules with a profile's [severity] table and opts.
func runGap(t *testing.T, profileSeverity map[string]string, opts Options) *Result {
	t.Helper()
	f := packs.ParseFile("30-site.rules", "30-site.rules", nil, []byte(gapRules))
	res, err := Run(compile.Build(&packs.Selection{Files: []*packs.File{f}, Profile: "site", Severity: profileSeverity}), opts)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// A disabled check neither reports nor shows among the checks that ran,
// and a suppression of it is not "silencing nothing".
func TestDisabledChecks(t *testing.T) {
	on := runGap(t, nil, Options{})
	if got := found(on, "ARCH-COVERAGE-GAP"); !slices.Equal(got, []string{"30-site.rules:3"}) {
		t.Fatalf("ARCH-COVERAGE-GAP at %v, want line 3 (line 2's is suppressed)", got)
	}
	off := runGap(t, nil, Options{Disabled: map[string]bool{"ARCH-COVERAGE-GAP": true}})
	if got := found(off, "ARCH-COVERAGE-GAP"); len(got) > 0 {
		t.Errorf("disabled ARCH-COVERAGE-GAP still reports %v", got)
	}
	if got := found(off, "LINT-IGNORE"); len(got) > 0 {
		t.Errorf("the suppression of a disabled check is reported: %v", got)
	}
	if slices.ContainsFunc(off.Checks, func(c report.Check) bool { return c.ID == "ARCH-COVERAGE-GAP" }) {
		t.Error("disabled ARCH-COVERAGE-GAP is listed among the checks that ran")
	}
}

// Options.Severity sets a check's severity over its default and over the
// profile's [severity].
func TestSeverityOverrides(t *testing.T) {
	for _, c := range []struct {
		profile map[string]string
		opts    map[string]Severity
		want    Severity
	}{
		{nil, nil, Warning},
		{map[string]string{"ARCH-COVERAGE-GAP": "info"}, nil, Info},
		{map[string]string{"ARCH-COVERAGE-GAP": "info"}, map[string]Severity{"ARCH-COVERAGE-GAP": Error}, Error},
	} {
		res := runGap(t, c.profile, Options{Severity: c.opts})
		for _, d := range res.Diagnostics {
			if d.Check == "ARCH-COVERAGE-GAP" && d.Severity != c.want {
				t.Errorf("profile %v, options %v: severity %s, want %s", c.profile, c.opts, d.Severity, c.want)
			}
		}
	}
}
