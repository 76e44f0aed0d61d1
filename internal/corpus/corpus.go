// Package corpus finds the published rule files in ../shared/corpus beside
// the checkout, for tests that check auditpack against real-world input.
// A user's clone does not have them: those tests skip there, and fail in
// CI, which always has them.
package corpus

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// Dir returns the absolute path of ../shared/corpus/sub (sub may be ""),
// or skips the test (fails it in CI) when it is not there.
func Dir(t testing.TB, sub string) string {
	t.Helper()
	_, here, _, _ := runtime.Caller(0)
	dir := filepath.Join(filepath.Dir(here), "..", "..", "..", "shared", "corpus", sub)
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI must have ../shared/corpus beside the checkout (%v)", err)
		}
		t.Skip("../shared/corpus is not here (a user's clone); nothing to check")
	}
	return dir
}
