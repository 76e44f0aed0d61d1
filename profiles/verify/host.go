package verify

import (
	"path"
	"strings"

	"github.com/auditpack/auditpack/packs/model"
)

// dirResolver is a host that says where a directory really is, as the
// kernel finds it when a rule names a path through it.
type dirResolver interface {
	RealDir(dir string) (string, bool)
}

// onHost is a rule line as the host's kernel takes it: user and group
// names resolved to their IDs, and a path through a directory that is a
// link (/sbin on a usrmerged host) the path it leads to, so that
// -F euid=root meets -F euid=0 and -F path=/sbin/unix_chkpwd meets
// -F path=/usr/sbin/unix_chkpwd. Offline (host nil) the line is as written.
func onHost(it *model.Line, host model.Host) *model.Line {
	if host == nil || it.Rule == nil {
		return it
	}
	spec := *it.Rule
	changed := false
	spec.Fields = append([]model.Field(nil), spec.Fields...)
	for i := range spec.Fields {
		f := &spec.Fields[i]
		switch {
		case f.Def == nil || f.Kind == model.KindCompare:
		case !f.Resolved && (f.Def.Value == model.ValUID || f.Def.Value == model.ValGID):
			lookup := host.User
			if f.Def.Value == model.ValGID {
				lookup = host.Group
			}
			if id, ok := lookup(f.Text); ok {
				f.Value, f.Resolved, changed = id, true, true
			}
		case f.Def.Value == model.ValString && (f.Name() == "path" || f.Name() == "dir" || f.Name() == "exe"):
			if real := realPath(host, f.Text); real != f.Text {
				f.Text, changed = real, true
			}
		}
	}
	if spec.Watch != "" {
		if real := realPath(host, spec.Watch); real != spec.Watch {
			spec.Watch, changed = real, true
		}
	}
	if !changed {
		return it
	}
	spec.ResetTarget()
	resolved := *it
	resolved.Rule = &spec
	return &resolved
}

// realPath is p with its directory's links followed; the last name is
// kept, as the kernel keeps the name a watch or path= rule names.
func realPath(host model.Host, p string) string {
	r, ok := host.(dirResolver)
	if !ok || !path.IsAbs(p) || p == "/" {
		return p
	}
	dir, ok := r.RealDir(path.Dir(p))
	if !ok {
		return p
	}
	return path.Join(dir, path.Base(p))
}

// UsrMerged is a product whose /bin, /sbin, /lib and /lib64 lead into /usr,
// known from the product without its host: it resolves those directories
// and nothing else (names, other paths stay as written).
type UsrMerged struct{}

// User resolves no name offline.
func (UsrMerged) User(string) (uint32, bool) { return 0, false }

// Group resolves no name offline.
func (UsrMerged) Group(string) (uint32, bool) { return 0, false }

// PathKind knows no path offline.
func (UsrMerged) PathKind(string) model.PathKind { return model.PathUnknown }

// RealDir leads /bin, /sbin, /lib and /lib64 (and below) into /usr.
func (UsrMerged) RealDir(dir string) (string, bool) {
	for _, top := range []string{"/bin", "/sbin", "/lib", "/lib64"} {
		if dir == top || strings.HasPrefix(dir, top+"/") {
			return "/usr" + dir, true
		}
	}
	return dir, true
}
