package packs

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestReadFileRefusesWhatIsNoRulesFile(t *testing.T) {
	dir := t.TempDir()
	huge := filepath.Join(dir, "huge.rules")
	f, err := os.Create(huge)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(maxFileSize + 1); err != nil { // sparse: costs no disk
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

// A named pipe where a pack's pack.toml or requirements.toml belongs is
// refused before it is opened (opening it would wait for a writer), and
// one named as a rules file is no compiled audit.rules.
func TestNamedPipesAreNeverOpened(t *testing.T) {
	for _, name := range []string{manifestName, RequirementsName} {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, manifestName), []byte("name = \"site\"\nversion = \"1.0.0\"\norder = 50\n"), 0o644)
		os.WriteFile(filepath.Join(dir, "50-site.rules"), []byte("-w /etc/hosts -p wa -k hosts\n"), 0o644)
		os.Remove(filepath.Join(dir, name))
		if err := syscall.Mkfifo(filepath.Join(dir, name), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := readPack(os.DirFS(dir), ".", dir); err == nil || !strings.Contains(err.Error(), "it is a named pipe (FIFO), not a regular file") {
			t.Errorf("readPack with a named pipe for %s: %v", name, err)
		}
	}
	fifo := filepath.Join(t.TempDir(), "audit.rules")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	if IsLoadedFile(fifo) {
		t.Error("a named pipe is taken for a compiled audit.rules")
	}
}
