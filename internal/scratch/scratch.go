// Package scratch copies a fixture directory tree into a test's temporary
// directory, for tests that change what they are given (a host's /etc).
package scratch

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// Copy copies the tree at dir, files with their modes, into a new
// temporary directory and returns it.
func Copy(t testing.TB, dir string) string {
	t.Helper()
	to := t.TempDir()
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		target := filepath.Join(to, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, info.Mode().Perm())
	})
	if err != nil {
		t.Fatal(err)
	}
	return to
}
