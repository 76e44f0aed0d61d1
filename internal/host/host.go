// Package host answers, for the machine auditpack runs on, what checks of
// a rule set for this machine ask: what auditctl asks when it loads a rule
// (which user and group names exist, what a path is), and what the loader
// and the kernel here are (auditctl's version and syscall tables, SELinux,
// the kernel's HZ).
package host

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"github.com/auditpack/auditpack/packs/model"
)

// Local is this machine.
type Local struct{}

var _ model.Host = Local{}

// User resolves a user name as auditctl does (getpwnam).
func (Local) User(name string) (uint32, bool) {
	u, err := user.Lookup(name)
	if err != nil {
		return 0, false
	}
	id, err := strconv.ParseUint(u.Uid, 10, 32)
	return uint32(id), err == nil
}

// Group resolves a group name as auditctl does (getgrnam).
func (Local) Group(name string) (uint32, bool) {
	g, err := user.LookupGroup(name)
	if err != nil {
		return 0, false
	}
	id, err := strconv.ParseUint(g.Gid, 10, 32)
	return uint32(id), err == nil
}

// PathKind stats the path, following links as the kernel does. A path
// this user may not look at (a directory only root reads, for lint --host
// as another user) is PathUnknown, not missing.
func (Local) PathKind(path string) model.PathKind {
	info, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR):
		return model.PathMissing
	case err != nil:
		return model.PathUnknown
	case info.IsDir():
		return model.PathDir
	}
	return model.PathFile
}

// LinkTarget is where a symbolic link points ("a missing target" when it
// points nowhere); isLink is false for anything but a link.
func (Local) LinkTarget(path string) (string, bool) {
	info, err := os.Lstat(path)
	if err != nil || info.Mode()&os.ModeSymlink == 0 {
		return "", false
	}
	target, err := filepath.EvalSymlinks(path)
	if err != nil {
		return "a missing target", true
	}
	return target, true
}

// RealDir is where a directory is once every symbolic link on the way is
// followed (/sbin is /usr/sbin on a usrmerged host); ok is false when it
// does not exist.
func (Local) RealDir(dir string) (string, bool) {
	real, err := filepath.EvalSymlinks(dir)
	return real, err == nil
}

// uidMin is login.defs' name for the first user ID, which packs name
// ${UID_MIN} too.
const uidMin = "UID_MIN"

// LoginDefs is where useradd and the standards read UID_MIN from.
const LoginDefs = "/etc/login.defs"

// Facts are this host's facts for packs' ${NAME}s: UID_MIN from
// /etc/login.defs, and where they come from. A host without the file has
// useradd's defaults (nil facts).
func (Local) Facts() (map[string]string, string, error) {
	facts, err := ReadLoginDefs(LoginDefs)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, "", nil
	}
	return facts, LoginDefs, err
}

// ListFact finds a list-valued host fact on this host (the packs name
// SETUID_PROGRAMS): its value and where it comes from. It walks the root
// file system, so it is asked only for a selected pack that names it.
func (Local) ListFact(name string) (string, string, error) {
	if name != "SETUID_PROGRAMS" {
		return "", "", fmt.Errorf("no way to find the host fact %s", name)
	}
	found, err := SetuidPrograms("/")
	if err != nil {
		return "", "", fmt.Errorf("find the host's setuid and setgid programs: %w", err)
	}
	return strings.Join(found, " "), fmt.Sprintf("the %d setuid and setgid programs under /", len(found)), nil
}

// ReadLoginDefs reads UID_MIN from a login.defs file; a file without it
// leaves the default, as useradd does.
func ReadLoginDefs(path string) (map[string]string, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read the host's UID_MIN: %w", err)
	}
	defer file.Close()
	facts := map[string]string{}
	sc := bufio.NewScanner(file)
	for n := 1; sc.Scan(); n++ {
		fields := strings.Fields(sc.Text())
		if len(fields) < 2 || fields[0] != uidMin {
			continue
		}
		if _, err := strconv.ParseUint(fields[1], 10, 32); err != nil {
			return nil, fmt.Errorf("%s:%d: UID_MIN %q is not a number", path, n, fields[1])
		}
		facts[uidMin] = fields[1]
	}
	return facts, sc.Err()
}

// UIDMin is the first user ID useradd gives (UID_MIN); false when
// login.defs does not say.
func (l Local) UIDMin() (uint32, bool) {
	facts, _, err := l.Facts()
	if err != nil || facts[uidMin] == "" {
		return 0, false
	}
	n, err := strconv.ParseUint(facts[uidMin], 10, 32)
	return uint32(n), err == nil
}

// Describe names this host for a report: its host name and kernel
// release.
func (Local) Describe() string {
	name, _ := os.Hostname()
	return strings.TrimSpace(name + ", kernel " + KernelRelease())
}

// RunsSELinux says whether SELinux is active here (selinuxfs is mounted).
func (Local) RunsSELinux() bool {
	_, err := os.Stat("/sys/fs/selinux/enforce")
	return err == nil
}

// LoaderVersion is the version of this host's auditctl ("3.0.9"); ok is
// false where it is not installed.
func (Local) LoaderVersion() (string, bool) { return loaderVersion() }

// loaderVersion is the host's auditctl version, asked once per process.
var loaderVersion = sync.OnceValues(func() (string, bool) {
	out, err := exec.Command("auditctl", "-v").Output()
	if err != nil {
		return "", false
	}
	return strings.CutPrefix(strings.TrimSpace(string(out)), "auditctl version ")
})

// LoaderTable is the syscall numbers this host's auditctl knows for one
// table (x86_64, i386, ...), read with ausyscall, which shares auditctl's
// libaudit tables. ok is false where audit userspace is not installed.
func (Local) LoaderTable(table string) (numbers map[int]bool, ok bool, err error) {
	read, _ := loaderTables.LoadOrStore(table, sync.OnceValues(func() (loaderTable, error) { return readLoaderTable(table) }))
	t, err := read.(func() (loaderTable, error))()
	return t.numbers, t.ok, err
}

// loaderTables holds each table the host's auditctl knows, read once per
// process: a run asks for them for every rule set it checks.
var loaderTables sync.Map // table name -> func() (loaderTable, error)

type loaderTable struct {
	numbers map[int]bool
	ok      bool
}

func readLoaderTable(table string) (loaderTable, error) {
	ausyscall, err := exec.LookPath("ausyscall")
	if err != nil {
		return loaderTable{}, nil
	}
	out, err := exec.Command(ausyscall, table, "--dump").Output()
	if err != nil {
		return loaderTable{}, fmt.Errorf("%s %s --dump: %v", ausyscall, table, err)
	}
	numbers := map[int]bool{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		num, _, found := strings.Cut(sc.Text(), "\t")
		if n, err := strconv.Atoi(num); found && err == nil {
			numbers[n] = true
		}
	}
	return loaderTable{numbers, true}, nil
}

// KernelRelease is the running kernel's release ("6.8.0-45-generic"),
// "" where it cannot be read.
func KernelRelease() string {
	release, _ := os.ReadFile("/proc/sys/kernel/osrelease")
	return strings.TrimSpace(string(release))
}

// HZ reads CONFIG_HZ of the running kernel from its build config.
func (Local) HZ() (int, bool) {
	release := KernelRelease()
	if release == "" {
		return 0, false
	}
	config, err := os.ReadFile("/boot/config-" + release)
	if err != nil {
		f, err := os.Open("/proc/config.gz")
		if err != nil {
			return 0, false
		}
		defer f.Close()
		z, err := gzip.NewReader(f)
		if err != nil {
			return 0, false
		}
		if config, err = io.ReadAll(z); err != nil {
			return 0, false
		}
	}
	for _, l := range strings.Split(string(config), "\n") {
		if v, ok := strings.CutPrefix(l, "CONFIG_HZ="); ok {
			hz, err := strconv.Atoi(v)
			return hz, err == nil && hz > 0
		}
	}
	return 0, false
}
