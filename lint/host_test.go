package lint

import (
	"path"
	"strings"

	"github.com/auditpack/auditpack/internal/host"
	"github.com/auditpack/auditpack/packs/model"
)

// fakeHost is the machine the table tests describe, whatever machine runs
// them: a Debian-like host with auditctl 3.0.9 (its x86_64 and i386 tables
// end at set_mempolicy_home_node, 450), without SELinux, HZ 1000, the
// directories and files below, UID_MIN 1000 (and services keeping state in /run,
// /var/lib and /tmp), and no user or group named auditpack-no-such-*.
type fakeHost struct{}

var fakeDirs = map[string]bool{
	"/": true, "/etc": true, "/etc/ssh": true, "/etc/sudoers.d": true, "/home": true, "/var": true,
	"/var/lib": true, "/var/log": true, "/var/run": true, "/var/spool": true, "/var/spool/cron": true,
	"/usr": true, "/usr/bin": true, "/usr/sbin": true, "/tmp": true, "/run": true, "/dev": true,
	"/dev/shm": true, "/proc": true, "/proc/1": true, "/proc/self": true,
	"/run/myservice": true, "/var/lib/myservice": true, "/tmp/build": true, "/run/current-system/sw/bin": true,
}

var fakeFiles = map[string]bool{
	"/etc/passwd": true, "/etc/shadow": true, "/etc/group": true, "/etc/gshadow": true, "/etc/hosts": true,
	"/usr/bin/su": true, "/usr/bin/sudo": true, "/usr/bin/true": true, "/usr/bin/ls": true, "/usr/bin/cat": true,
	"/usr/bin/touch": true, "/usr/sbin/sshd": true, "/usr/sbin/chronyd": true, "/usr/sbin/cron": true,
	"/var/run/utmp": true, "/proc/self/exe": true,
}

var fakeLinks = map[string]string{"/proc/self": "/proc/1", "/proc/self/exe": "/proc/1/exe (the running program)"}

func (fakeHost) User(name string) (uint32, bool) {
	return 1000, !strings.HasPrefix(name, "auditpack-no-such")
}

func (fakeHost) Group(name string) (uint32, bool) {
	return 1000, !strings.HasPrefix(name, "auditpack-no-such") && name != "-1"
}

// PathKind follows links, as the kernel does.
func (fakeHost) PathKind(p string) model.PathKind {
	switch p = path.Clean(p); {
	case fakeDirs[p]:
		return model.PathDir
	case fakeFiles[p]:
		return model.PathFile
	}
	return model.PathMissing
}

func (fakeHost) LinkTarget(p string) (string, bool) {
	t, ok := fakeLinks[path.Clean(p)]
	return t, ok
}

func (fakeHost) RunsSELinux() bool { return false }

func (fakeHost) LoaderVersion() (string, bool) { return "3.0.9", true }

func (fakeHost) LoaderTable(table string) (map[int]bool, bool, error) {
	numbers := map[int]bool{}
	for abi := range 2 {
		if model.Native().TableName(model.ABI(abi)) != table {
			continue
		}
		for n := range model.Native().SyscallNames(model.ABI(abi)) {
			numbers[n] = n <= 450
		}
	}
	return numbers, true, nil
}

func (fakeHost) HZ() (int, bool) { return 1000, true }

func (fakeHost) UIDMin() (uint32, bool) { return 1000, true }

var (
	_ Host = fakeHost{}
	_ Host = host.Local{}
)
