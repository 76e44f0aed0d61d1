package lint

import "github.com/auditpack/auditpack/packs/model"

// Host is the machine a rule set is checked for with --host: what its
// auditctl and kernel answer. host.Local is this machine; tests give a
// fake, so that what a check reports does not depend on the machine the
// tests run on. Checks run concurrently and ask it from several
// goroutines: an implementation must be safe for that (both hold no
// state).
type Host interface {
	model.Host
	// LinkTarget is where a symbolic link points; isLink is false for
	// anything else.
	LinkTarget(path string) (target string, isLink bool)
	RunsSELinux() bool
	// LoaderVersion is the version of the host's auditctl ("3.0.9").
	LoaderVersion() (string, bool)
	// LoaderTable is the syscall numbers the host's auditctl knows in a
	// table (x86_64, i386, ...); ok is false without audit userspace.
	LoaderTable(table string) (numbers map[int]bool, ok bool, err error)
	// HZ is the kernel's CONFIG_HZ.
	HZ() (int, bool)
	// UIDMin is the host's first user ID (login.defs UID_MIN).
	UIDMin() (uint32, bool)
}
