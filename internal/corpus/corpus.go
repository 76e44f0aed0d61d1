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

	"github.com/auditpack/auditpack/internal/testenv"
)

// Dir returns the absolute path of ../shared/corpus/sub (sub may be ""),
// or skips the test (fails it in CI) when it is not there.
func Dir(t testing.TB, sub string) string {
	t.Helper()
	dir, ok := find(t, sub)
	if !ok {
		t.Skip("../shared/corpus is not here (a user's clone); nothing to check")
	}
	return dir
}

// RuleFiles returns the .rules files matching the checkout's own patterns
// (relative to the test's directory) and, where the corpus is here, every
// corpus file: a user's clone still checks its own files.
func RuleFiles(t testing.TB, patterns ...string) []string {
	t.Helper()
	if dir, ok := find(t, ""); ok {
		patterns = append(patterns, filepath.Join(dir, "*", "*.rules"))
	}
	var files []string
	for _, pattern := range patterns {
		m, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	return files
}

// AtLeast is how many cases a test over RuleFiles must check: withCorpus
// where the corpus is here, ownOnly in a clone without it.
func AtLeast(t testing.TB, withCorpus, ownOnly int) int {
	t.Helper()
	if _, ok := find(t, ""); ok {
		return withCorpus
	}
	return ownOnly
}

// find locates ../shared/corpus/sub; CI must have it.
func find(t testing.TB, sub string) (string, bool) {
	t.Helper()
	_, here, _, _ := runtime.Caller(0)
	dir := filepath.Join(filepath.Dir(here), "..", "..", "..", "shared", "corpus", sub)
	if _, err := os.Stat(dir); err != nil {
		if testenv.InCI() {
			t.Fatalf("CI must have ../shared/corpus beside the checkout (%v)", err)
		}
		return "", false
	}
	return dir, true
}
