package packs

import (
	"os"
	"path/filepath"
	"testing"
)

func TestSelectionReads(t *testing.T) {
	dir := t.TempDir()
	rulesD := filepath.Join(dir, "rules.d")
	if err := os.Mkdir(rulesD, 0o755); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "site.rules")
	link := filepath.Join(dir, "link.d")
	if err := os.Symlink("rules.d", link); err != nil {
		t.Fatal(err)
	}
	sel := &Selection{Paths: []string{rulesD, file}, Packs: []*Pack{{Name: "stig", Dir: "embedded:stig"}}}
	for path, want := range map[string]bool{
		file:                                 true,  // an input file
		filepath.Join(rulesD, "99-x.rules"):  true,  // read with the directory next time
		filepath.Join(link, "10-new.rules"):  true,  // the same, through a link
		filepath.Join(rulesD, "audit.out"):   false, // augenrules reads only *.rules
		filepath.Join(dir, "audit.rules"):    false,
		filepath.Join(dir, "rules.d2.rules"): false, // a sibling, not inside
		"embedded:stig/30-stig.rules":        false,
	} {
		if _, got := sel.Reads(path); got != want {
			t.Errorf("Reads(%s) = %v, want %v", path, got, want)
		}
	}
}
