package main

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

// fullDisk is standard output on a full disk (>/dev/full).
type fullDisk struct{}

func (fullDisk) Write([]byte) (int, error) { return 0, errors.New("no space left on device") }

// Standard output that cannot be written exits 1 in every command, with
// a message; a usage error stays 2.
func TestFailedWriteToStdoutExits1(t *testing.T) {
	t.Parallel()
	demo := filepath.Join(repoRoot, "testdata/inputs/lint-demo")
	fix := filepath.Join(repoRoot, "profiles/verify/testdata/targets/disa-rhel9-v2r9-fix.rules")
	for _, args := range [][]string{
		{"explain", "--list"},
		{"explain", "ORD-KEY-SHADOW"},
		{"compile", "--profile", "stig-rhel9"},
		{"man"},
		{"completion", "bash"},
		{"packs", "list"},
		{"packs", "show", "stig-rhel9"},
		{"profiles", "list"},
		{"profiles", "show", "stig-rhel9"},
		{"profiles", "show", "stig-rhel9", "--controls"},
		{"lint", "--profile", "pci-dss"},
		{"lint", "--format", "json", filepath.Join(demo, "site")},
		{"fmt", filepath.Join(demo, "site")},
		{"verify", "--profile", "stig-rhel9", "--rules", fix},
		{"verify", "--profile", "stig-rhel9", "--rules", fix, "--format", "html"},
		{"apply", "--dry-run", filepath.Join(repoRoot, "testdata/inputs/apply/new")},
		{"lint", "--format", "sarif", "--bogus"},
	} {
		e := testEnv(t)
		var stderr strings.Builder
		e.stdout, e.stderr = fullDisk{}, &stderr
		wantCode := exitFailed
		if args[len(args)-1] == "--bogus" {
			wantCode = exitInput
		}
		code := run(t.Context(), e, append([]string{"auditpack"}, args...))
		if code != wantCode || !strings.Contains(stderr.String(), "no space left on device") {
			t.Errorf("%s >/dev/full: exit %d, want %d, saying so; stderr:\n%s", strings.Join(args, " "), code, wantCode, stderr.String())
		}
	}
}
