package verify

import (
	"os"
	"path/filepath"
	"testing"
)

func TestReadCmdline(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cmdline")
	if err := os.WriteFile(path, []byte("BOOT_IMAGE=/vmlinuz ro quiet audit=1 audit_backlog_limit=8192 -- audit=0 --init-arg\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := ReadCmdline(path)
	if err != nil {
		t.Fatal(err)
	}
	if got["audit"] != "1" || got["audit_backlog_limit"] != "8192" || got["BOOT_IMAGE"] != "/vmlinuz" {
		t.Errorf("parameters %v", got)
	}
	if _, ok := got["quiet"]; !ok {
		t.Error("a bare parameter is missing")
	}
	if _, ok := got["--init-arg"]; ok {
		t.Error("words after -- are init's, not the kernel's")
	}
}
