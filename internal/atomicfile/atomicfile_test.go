package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
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

func TestWriteFileThroughLinkAndIntoDirectory(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "real.rules")
	link := filepath.Join(dir, "audit.rules")
	if err := os.WriteFile(real, []byte("old\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("real.rules", link); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(link, []byte("new\n"), 0o640); err != nil {
		t.Fatal(err)
	}
	if info, err := os.Lstat(link); err != nil || info.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link was replaced by a file (%v)", err)
	}
	if data, _ := os.ReadFile(real); string(data) != "new\n" {
		t.Errorf("the link's target holds %q, want the new data", data)
	}
	if err := WriteFile(dir, []byte("x"), 0o640); err == nil || !strings.Contains(err.Error(), "it is a directory") {
		t.Errorf("writing over a directory: %v, want a clear refusal", err)
	}
	if err := WriteFile("/dev/null", []byte("x"), 0o640); err == nil {
		t.Error("writing over a device succeeded")
	}
}

// A writer that fails part way (after more than a buffer's worth of
// output has reached the temporary file) leaves the old file whole and no
// temporary file behind.
func TestWriteFailingFillKeepsOldFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.rules")
	if err := os.WriteFile(path, []byte("old\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	err := Write(path, 0o600, func(w io.Writer) error {
		if _, err := w.Write([]byte(strings.Repeat("-a always,exit -S all\n", 10_000))); err != nil {
			return err
		}
		return errors.New("the rules ran out")
	})
	if err == nil || !strings.Contains(err.Error(), "the rules ran out") {
		t.Fatalf("Write with a failing fill: %v", err)
	}
	if data, _ := os.ReadFile(path); string(data) != "old\n" {
		t.Errorf("the old file became %d bytes", len(data))
	}
	if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 1 {
		t.Errorf("temporary files left behind: %v", entries)
	}
}

// keep decides, after the contents are written: its error leaves the old
// file and no temporary file; it is not asked when writing failed.
func TestWriteIfKeepDecides(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.rules")
	if err := os.WriteFile(path, []byte("old\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	refused := errors.New("refused")
	written := false
	fill := func(w io.Writer) error {
		written = true
		_, err := w.Write([]byte("new\n"))
		return err
	}
	if err := WriteIf(path, 0o600, fill, func() error {
		if !written {
			t.Error("keep was asked before the contents were written")
		}
		return refused
	}); err != refused {
		t.Fatalf("WriteIf with a refusing keep: %v, want its error as it is", err)
	}
	if data, _ := os.ReadFile(path); string(data) != "old\n" {
		t.Errorf("a refused write replaced the file: %q", data)
	}
	if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 1 {
		t.Errorf("temporary files left behind: %v", entries)
	}
	asked := false
	err := WriteIf(path, 0o600, func(io.Writer) error { return errors.New("disk full") }, func() error { asked = true; return nil })
	if err == nil || asked {
		t.Errorf("a failed write: error %v, keep asked %v; want the error and keep not asked", err, asked)
	}
	if err := WriteIf(path, 0o600, fill, func() error { return nil }); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(path); string(data) != "new\n" {
		t.Errorf("a kept write left %q", data)
	}
}

// Replace keeps the replaced file's mode, owner and group, and says how
// many other hard links keep the old contents.
func TestReplaceKeepsModeOwnerAndCountsLinks(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "30-site.rules")
	if err := os.WriteFile(path, []byte("old\n"), 0o640); err != nil {
		t.Fatal(err)
	}
	if err := os.Link(path, filepath.Join(dir, "copy.rules")); err != nil {
		t.Fatal(err)
	}
	owner := os.Getuid()
	if os.Geteuid() == 0 { // a file of another user, which root rewrites
		owner = 4242
		if err := os.Chown(path, owner, 4243); err != nil {
			t.Fatal(err)
		}
	}
	before, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if n := OtherLinks(before); n != 1 {
		t.Errorf("OtherLinks = %d, want 1", n)
	}
	if err := Replace(path, []byte("new\n")); err != nil {
		t.Fatal(err)
	}
	after, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	st, old := after.Sys().(*syscall.Stat_t), before.Sys().(*syscall.Stat_t)
	if after.Mode().Perm() != 0o640 || int(st.Uid) != owner || st.Gid != old.Gid {
		t.Errorf("replaced file: mode %v, owner %d:%d; want 0640, %d:%d", after.Mode().Perm(), st.Uid, st.Gid, owner, old.Gid)
	}
	if data, _ := os.ReadFile(filepath.Join(dir, "copy.rules")); string(data) != "old\n" {
		t.Errorf("the other hard link holds %q; Replace writes a new file, so it keeps the old text", data)
	}
	if OtherLinks(after) != 0 {
		t.Errorf("the new file has %d other links", OtherLinks(after))
	}
}
