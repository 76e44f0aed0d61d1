package packs

import (
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/auditpack/auditpack/internal/augen"
	"github.com/auditpack/auditpack/packs/model"
)

// readRulesDir reads a rules.d as the loop of this host's augenrules does:
// the loop's own text runs on the directory, with cat replaced by a
// function that prints the paths it could read, and lists the same files
// in the same order; every file read otherwise than its name says has
// its note.
func TestRulesDirAsAugenrulesLoop(t *testing.T) {
	script, err := os.ReadFile(augen.Path)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI must compare with augenrules: %v", err)
		}
		t.Skipf("augenrules is not installed (apt-get install -y auditd): %v", err)
	}
	loop := regexp.MustCompile(`(?ms)^for rules in .*?^done`).Find(script)
	if loop == nil {
		t.Fatalf("no \"for rules in ... done\" loop in %s", augen.Path)
	}
	dir := filepath.Join(t.TempDir(), "rules.d")
	outside := filepath.Join(t.TempDir(), "site.txt")
	write := func(path string) {
		if err := os.WriteFile(path, []byte("-w /etc/hosts -p wa -k hosts\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	write(outside)
	for _, name := range []string{"10-base.rules", "9-early.rules", "30-site rules.rules", "40-new\nline.rules",
		"x.rules\nnot-rules", ".hidden.rules", "50-notes.txt", "60-tab\there.rules", "100-late.rules"} {
		write(filepath.Join(dir, name))
	}
	if err := os.Mkdir(filepath.Join(dir, "70-dir.rules"), 0o755); err != nil {
		t.Fatal(err)
	}
	for link, target := range map[string]string{"20-link.rules": "10-base.rules", "25-outside.rules": outside, "80-dangling.rules": "missing.rules"} {
		if err := os.Symlink(target, filepath.Join(dir, link)); err != nil {
			t.Fatal(err)
		}
	}
	out, err := exec.Command("sh", "-c", `SourceRulesDir="$1"
cat() { if [ -f "$1" ]; then printf '%s\n' "$1"; fi; }
`+string(loop), "sh", dir).Output()
	if err != nil {
		t.Fatalf("augenrules' loop: %v", err)
	}
	theirs := strings.Split(strings.TrimSpace(string(out)), "\n")
	got, err := readRulesDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.files, theirs) {
		t.Errorf("read\n%s\naugenrules' loop reads\n%s", strings.Join(got.files, "\n"), strings.Join(theirs, "\n"))
	}
	notes := map[string]model.Check{}
	for _, n := range got.notes {
		notes[filepath.Base(n.Origin.File)] = n.Check
	}
	want := map[string]model.Check{"20-link.rules": model.CheckFileSymlink, "25-outside.rules": model.CheckFileSymlink, "30-site rules.rules": model.CheckFileUnread,
		`40-new\nline.rules`: model.CheckFileUnread, `x.rules\nnot-rules`: model.CheckFileUnread, `60-tab\there.rules`: model.CheckFileUnread,
		"70-dir.rules": model.CheckFileUnread, "80-dangling.rules": model.CheckFileUnread}
	if !maps.Equal(notes, want) {
		t.Errorf("notes by file %v, want %v", notes, want)
	}
}
