package host

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReadLoginDefs(t *testing.T) {
	path := filepath.Join(t.TempDir(), "login.defs")
	os.WriteFile(path, []byte("# UID_MIN 1\nMAIL_DIR /var/mail\nUID_MIN\t\t\t  500\nUID_MAX 60000\n"), 0o644)
	f, err := ReadLoginDefs(path)
	if err != nil || f[uidMin] != "500" || len(f) != 1 {
		t.Errorf("facts %v, %v", f, err)
	}
	os.WriteFile(path, []byte("UID_MIN abc\n"), 0o644)
	if _, err := ReadLoginDefs(path); err == nil || !strings.Contains(err.Error(), "login.defs:1: UID_MIN \"abc\"") {
		t.Errorf("bad UID_MIN: %v", err)
	}
	os.WriteFile(path, []byte("UID_MAX 60000\n"), 0o644)
	if f, err := ReadLoginDefs(path); err != nil || len(f) != 0 {
		t.Errorf("no UID_MIN: %v %v (useradd's default applies)", f, err)
	}
}
