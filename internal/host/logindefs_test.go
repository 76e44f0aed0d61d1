package host

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/auditpack/auditpack/packs/model"
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

// A path this user may not look at is unknown, not missing: lint --host
// as another user than root must not report it (PATH-DIR-MISSING).
func TestPathKindOfAPathNotToBeSeen(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root sees every path; the test needs a directory it may not search")
	}
	locked := filepath.Join(t.TempDir(), "locked")
	if err := os.MkdirAll(filepath.Join(locked, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(locked, 0); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(locked, 0o755) })
	for path, want := range map[string]model.PathKind{
		filepath.Join(locked, "sub"):        model.PathUnknown,
		locked:                              model.PathDir,
		filepath.Join(locked, "../missing"): model.PathMissing,
		"/etc/passwd/x":                     model.PathMissing,
	} {
		if got := (Local{}).PathKind(path); got != want {
			t.Errorf("PathKind(%s) = %d, want %d", path, got, want)
		}
	}
}
