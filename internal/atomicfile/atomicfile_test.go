package atomicfile

import (
	"os"
	"path/filepath"
	"testing"
)

func TestWriteFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.rules")
	if err := os.WriteFile(path, []byte("old\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(path, []byte("new\n"), 0o640); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	info, _ := os.Stat(path)
	if err != nil || string(data) != "new\n" || info.Mode().Perm() != 0o640 {
		t.Fatalf("got %q mode %v (%v), want new mode 0640", data, info.Mode().Perm(), err)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("temporary files left behind: %v", entries)
	}
	// A directory that cannot take the file leaves nothing behind.
	if err := WriteFile(filepath.Join(t.TempDir(), "missing", "audit.rules"), []byte("x"), 0o640); err == nil {
		t.Error("writing into a missing directory succeeded")
	}
}
