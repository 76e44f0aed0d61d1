// Package host answers, for the machine auditpack runs on, the questions
// auditctl asks when it loads a rule: which user and group names exist,
// and what a path is.
package host

import (
	"os"
	"os/user"
	"strconv"

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

// PathKind stats the path, following links as the kernel does.
func (Local) PathKind(path string) model.PathKind {
	info, err := os.Stat(path)
	switch {
	case err != nil:
		return model.PathMissing
	case info.IsDir():
		return model.PathDir
	}
	return model.PathFile
}
