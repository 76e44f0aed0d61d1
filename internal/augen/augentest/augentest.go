// Package augentest runs the real augenrules for tests: it skips them
// where augenrules cannot run (and fails them in CI, where it must).
package augentest

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/auditpack/auditpack/internal/augen"
	"github.com/auditpack/auditpack/internal/testenv"
)

// Skip skips t unless augenrules can run; in CI it fails instead, because
// there the comparison must run.
func Skip(t testing.TB) {
	t.Helper()
	if why := augen.Available(); why != "" {
		testenv.SkipOrFail(t, why)
	}
}

// Run runs augenrules on the *.rules files of rulesDir and returns the
// audit.rules it writes. The files are copied first, so rulesDir can be
// anywhere.
func Run(t testing.TB, rulesDir string) string {
	t.Helper()
	etc := t.TempDir()
	copyDir(t, rulesDir, filepath.Join(etc, "rules.d"))
	return RunPrepared(t, etc)
}

// RunPrepared runs augenrules with etc bound over /etc/audit; etc must hold
// rules.d. It returns what augenrules wrote to audit.rules.
func RunPrepared(t testing.TB, etc string) string {
	t.Helper()
	rules, err := augen.Generate(augen.Path, etc)
	if err != nil {
		t.Fatal(err)
	}
	return string(rules)
}

func copyDir(t testing.TB, from, to string) {
	t.Helper()
	if err := os.MkdirAll(to, 0o755); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(from)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		data, err := os.ReadFile(filepath.Join(from, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(to, e.Name()), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
