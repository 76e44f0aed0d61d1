package model

import "sync"

// Which syscalls a -F perm= (or a watch's -p) can match. The kernel tests
// perm in audit_match_perm (kernel/auditsc.c): for most syscalls through its
// syscall classes (include/asm-generic/audit_write.h, audit_dir_write.h,
// audit_read.h, audit_change_attr.h, resolved per ABI), for open, openat
// and openat2 by the access mode of the call (read, write or both), for
// execve and execveat by the exec bit, and for the 32-bit socketcall by
// bind. Every other syscall never matches a perm field.

var permClasses = map[uint8][]string{
	PermWrite: {
		// audit_dir_write.h
		"rename", "mkdir", "rmdir", "creat", "link", "unlink", "symlink", "mknod",
		"mkdirat", "mknodat", "unlinkat", "renameat", "linkat", "symlinkat",
		// audit_write.h
		"acct", "swapon", "quotactl", "truncate", "truncate64", "bind",
	},
	PermRead: {"readlink", "quotactl", "listxattr", "llistxattr", "flistxattr", "getxattr", "lgetxattr", "fgetxattr", "readlinkat"},
	PermAttr: {
		"chmod", "fchmod", "chown", "fchown", "lchown", "setxattr", "lsetxattr", "fsetxattr",
		"removexattr", "lremovexattr", "fremovexattr", "fchownat", "fchmodat", "chown32", "fchown32", "lchown32",
	},
	PermExec: {"execve", "execveat"},
}

// newerPermClasses are syscalls newer kernels may add to a class: a rule
// may see them (Overlaps counts them), but no rule is taken to cover them.
var newerPermClasses = map[uint8][]string{
	PermWrite: {"renameat2"},
	PermRead:  {"getxattrat", "listxattrat", "file_getattr"},
	PermAttr:  {"fchmodat2", "setxattrat", "removexattrat", "file_setattr"},
}

// openFamily match a perm field by their access mode: read, write or both.
var openFamily = []string{"open", "openat", "openat2"}

type permKey struct {
	t       *Target
	abi     ABI
	bits    uint8
	certain bool
}

var permMasks sync.Map // permKey -> *Mask

// permMask is the syscalls of an ABI that a perm field with these bits can
// match (certain false), or that it matches whatever their arguments
// (certain true).
func permMask(t *Target, abi ABI, bits uint8, certain bool) *Mask {
	key := permKey{t, abi, bits, certain}
	if m, ok := permMasks.Load(key); ok {
		return m.(*Mask)
	}
	m := new(Mask)
	add := func(names []string) {
		for _, name := range names {
			if n, ok := t.Syscall(abi, name); ok {
				m.Set(n)
			}
		}
	}
	for bit, names := range permClasses {
		if bits&bit == 0 {
			continue
		}
		add(names)
		if !certain {
			add(newerPermClasses[bit])
		}
	}
	// Every open has a read or a write mode (or both): only perm with both
	// letters matches each of them.
	if bits&(PermRead|PermWrite) == PermRead|PermWrite || (!certain && bits&(PermRead|PermWrite) != 0) {
		add(openFamily)
	}
	if !certain && bits&PermWrite != 0 {
		add([]string{"socketcall"}) // only its bind
	}
	permMasks.Store(key, m)
	return m
}
