package packs

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReadFileRefusesWhatIsNoRulesFile(t *testing.T) {
	dir := t.TempDir()
	huge := filepath.Join(dir, "huge.rules")
	f, err := os.Create(huge)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(MaxFileSize + 1); err != nil { // sparse: costs no disk
		t.Fatal(err)
	}
	f.Close()
	fine := filepath.Join(dir, "fine.rules")
	if err := os.WriteFile(fine, []byte("-D\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{
		huge:        "larger than 64 MiB",
		dir:         "it is a directory",
		"/dev/null": "it is a character device",
	} {
		if _, err := ReadFile("", path); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ReadFile(%s) = %v, want an error saying %q", path, err, want)
		}
	}
	if data, err := ReadFile("profile", fine); err != nil || string(data) != "-D\n" {
		t.Errorf("ReadFile(%s) = %q, %v", fine, data, err)
	}
}
