package host

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// SetuidPrograms finds regular files with the setuid or setgid bit under
// a root, named as paths from that root, and nothing else.
func TestSetuidPrograms(t *testing.T) {
	root := t.TempDir()
	for path, mode := range map[string]os.FileMode{
		"usr/bin/su":         0o755 | os.ModeSetuid,
		"usr/bin/wall":       0o755 | os.ModeSetgid,
		"usr/bin/ls":         0o755,
		"usr/libexec/helper": 0o750 | os.ModeSetuid,
	} {
		full := filepath.Join(root, path)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(full, mode); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink("su", filepath.Join(root, "usr/bin/su-link")); err != nil {
		t.Fatal(err)
	}
	got, err := SetuidPrograms(root)
	if want := []string{"/usr/bin/su", "/usr/bin/wall", "/usr/libexec/helper"}; err != nil || !slices.Equal(got, want) {
		t.Errorf("got %v, %v; want %v", got, err, want)
	}
	if _, err := SetuidPrograms(filepath.Join(root, "missing")); err == nil {
		t.Error("a missing root is no error")
	}
}
