// Package golden compares test output with files under testdata and
// rewrites them when tests run with -update.
package golden

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/auditpack/auditpack/internal/udiff"
)

var update = flag.Bool("update", false, "rewrite golden files with the output of this run")

// Check compares got with the golden file at path, or rewrites the file
// under -update. A mismatch fails the test with a line diff.
func Check(t testing.TB, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it, then review it)", err)
	}
	if string(want) != string(got) {
		t.Errorf("%s differs from this run (- golden, + got); if the change is intended, run go test -update and review git diff:\n%s", path, LineDiff(string(want), string(got)))
	}
}

// LineDiff is a deterministic unified diff of a and b.
func LineDiff(a, b string) string {
	return udiff.Unified("golden", "got", a, b, func(_, s string) string { return s })
}
