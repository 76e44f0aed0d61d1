package model

import (
	"cmp"
	"fmt"
	"strings"
)

// Checks the kernel makes when a rule is added (audit_data_to_entry and
// audit_field_valid in kernel/auditfilter.c, audit_to_watch,
// audit_make_tree and audit_alloc_mark): what auditctl sends but the
// kernel refuses with EINVAL, and, given a host, ENOENT and ENOTDIR for
// paths.

func kernelRefusal(check Check, format string, args ...any) Problem {
	return Problem{Check: check, Message: fmt.Sprintf(format, args...)}
}

// refuse adds to what the kernel refuses in the rule.
func (r *Rule) refuse(f Field, why Problem) {
	r.flawed().problems = append(r.flawed().problems, r.placed(f, why))
}

// placed is a problem of field f at the rule's line, its column at the
// field.
func (r *Rule) placed(f Field, why Problem) Problem {
	why.At = f.Text
	if !(r.Watch && f.Def != nil && f.Def.Number == fieldPath) && f.Def != nil {
		why.At = f.Name() + f.Op.String() + f.Text
	}
	if r.Item != nil {
		why.Origin = r.Item.Origin
		why.Origin.Col = cmp.Or(Column(r.Item.Text, why.At), Column(r.Item.Text, f.Text))
	}
	return why
}

// isFactPlaceholder reports whether a value is a host fact written as
// ${NAME}, which auditpack fills in only in a pack's files: no user or
// group has such a name, so auditctl refuses it on every host.
func isFactPlaceholder(text string) bool { return strings.Contains(text, "${") }

// kernelProblems finds what the kernel (or auditctl, whatever the host)
// refuses in the rule wherever it is loaded (Problems).
func (r *Rule) kernelProblems() {
	type seen struct {
		group string
		field Field
	}
	var singletons []seen
	for _, f := range r.Fields {
		if f.Def == nil || f.Kind == KindCompare {
			continue
		}
		op := f.Op
		// Only a refused field is spelled out: most fields are fine.
		text := func() string { return f.Name() + f.Op.String() + f.Text }
		switch {
		case (f.Def.Value == ValUID || f.Def.Value == ValGID) && !f.Resolved && isFactPlaceholder(f.Text):
			kind := "user"
			if f.Def.Value == ValGID {
				kind = "group"
			}
			r.refuse(f, kernelRefusal(CheckFactPlaceholder, "-F %s: %s is a host fact auditpack fills in only in a pack's files; auditctl reads it as a %s name and stops (\"Unknown %s: %s\"): write the number (UID_MIN is in /etc/login.defs) or move the rule into a pack", text(), f.Text, kind, kind, f.Text))
		case r.List == ListIOUring && f.Def.Number == fieldPerm:
			r.refuse(f, kernelRefusal(CheckNotForList, "-F %s on the io_uring list: io_uring operations have no permission class; use the operations (-S) instead", text()))
		case r.List == ListFilesystem && f.Def.Number != fieldFSType && f.Def.Number != fieldKey:
			r.refuse(f, kernelRefusal(CheckNotForList, "-F %s on the filesystem list: the kernel takes only fstype there", text()))
		case op.isBit() && !f.Def.BitOps:
			r.refuse(f, kernelRefusal(CheckBadOperator, "-F %s: %s is a bit test, which the kernel allows only on a0-a3, pers and devminor", text(), f.Op))
		case f.Def.Number == fieldAuid && f.Resolved && f.Value == 1<<32-1 && !op.isEq():
			r.refuse(f, kernelRefusal(CheckBadOperator, "-F %s: auid unset (-1) means \"no login UID\" to the kernel, which it tests only with = or !=", text()))
		case f.Def.IDField && f.Def.Number != fieldAuid && f.Resolved && f.Value == 1<<32-1:
			r.refuse(f, kernelRefusal(CheckBadValue, "-F %s: 4294967295 (-1, unset) is no valid ID for %s; only auid has an unset value", text(), f.Name()))
		case f.Def.KernelEqOnly && op != OpEqual:
			r.refuse(f, kernelRefusal(CheckBadOperator, "-F %s: the kernel takes %s only with =", text(), f.Name()))
		case f.Def.Number == fieldCompare && f.Resolved && f.Value > maxCompare:
			r.refuse(f, kernelRefusal(CheckBadValue, "-F %s: no such field comparison; use -C", text()))
		case (f.Def.Number == fieldPath || f.Def.Number == fieldDir || f.Def.Number == fieldExe) && !strings.HasPrefix(f.Text, "/"):
			r.refuse(f, kernelRefusal(CheckPath, "-F %s: the path must start with '/' (the kernel refuses a relative path); write the absolute path", text()))
		case f.Def.Number == fieldPath && strings.HasSuffix(f.Text, "/") && !(r.Watch && f.Text == "/"):
			trimmed := strings.TrimRight(f.Text, "/")
			r.refuse(f, kernelRefusal(CheckTrailingSlash, "-F %s: the kernel refuses a trailing \"/\"; write -F dir=%s for everything below the directory, or -F path=%s for the directory itself", text(), trimmed, trimmed))
		case f.Def.Number == fieldExe && strings.HasSuffix(f.Text, "/"):
			r.refuse(f, kernelRefusal(CheckTrailingSlash, "-F %s: exe names a program; the kernel refuses a trailing \"/\"", text()))
		case (f.Def.Number == fieldPath || f.Def.Number == fieldDir || f.Def.Number == fieldExe) && longestComponent(f.Text) > nameMax:
			r.refuse(f, kernelRefusal(CheckBadValue, "-F %s: a path component longer than %d bytes: the kernel refuses the rule (File name too long)", text()[:min(len(text()), 60)]+"...", nameMax))
		case f.Def.KernelEq && !op.isEq():
			r.refuse(f, kernelRefusal(CheckBadOperator, "-F %s: the kernel compares %s only with = or !=", text(), f.Name()))
		}
		if f.Def.Number == fieldKey && len(r.Keys) > 0 {
			r.refuse(f, kernelRefusal(CheckSingleton, "-F %s and -k: the kernel takes one key field per rule; write the keys with -k or -F key= only", text()))
		}
		if f.Def.Singleton && f.Def.Number != fieldKey {
			group := f.Name()
			if f.Def.Number == fieldDir || f.Def.Number == fieldInode {
				group = "path" // one of path, dir, inode per rule
			}
			for _, s := range singletons {
				if s.group == group {
					r.refuse(f, kernelRefusal(CheckSingleton, "%s and -F %s in one rule: the kernel keeps one per rule (one of path, dir, inode; one exe) and refuses the rule; write one rule each", describeField(r, s.field), text()))
				}
			}
			singletons = append(singletons, seen{group, f})
		}
	}
}

// HostProblems says what the kernel refuses when the rule is loaded on
// host: a watched path whose directory is missing, a dir= that does not
// exist, an exe whose directory is missing.
func (r *Rule) HostProblems(host Host) []Problem {
	if host == nil {
		return nil
	}
	var out []Problem
	for _, f := range r.Fields {
		if f.Def == nil || f.Kind == KindCompare {
			continue
		}
		if (f.Def.Value == ValUID || f.Def.Value == ValGID) && !f.Resolved && !isFactPlaceholder(f.Text) {
			lookup, kind := host.User, "user"
			if f.Def.Value == ValGID {
				lookup, kind = host.Group, "group"
			}
			if _, ok := lookup(f.Text); !ok {
				out = append(out, r.placed(f, kernelRefusal(CheckUnresolved, "-F %s%s%s: no %s %q on this host (auditctl: \"Unknown %s\"); use a number or create the %s", f.Name(), f.Op, f.Text, kind, f.Text, kind, kind)))
			}
			continue
		}
		if !strings.HasPrefix(f.Text, "/") {
			continue
		}
		switch f.Def.Number {
		case fieldPath, fieldExe:
			if r.Watch && f.Def.Number == fieldPath && host.PathKind(f.Text) == PathDir {
				continue // a watched directory becomes dir=, which exists
			}
			parent := f.Text[:strings.LastIndexByte(f.Text, '/')]
			if parent == "" {
				parent = "/"
			}
			switch kind := host.PathKind(parent); {
			case kind == PathUnknown: // cannot tell
			case kind == PathMissing:
				out = append(out, r.placed(f, kernelRefusal(CheckPathMissing, "%s: directory %s does not exist on this host, so the kernel refuses the rule (No such file or directory); create it or remove the rule", describeField(r, f), parent)))
			case kind != PathDir || strings.HasSuffix(f.Text, "/..") || strings.HasSuffix(f.Text, "/."):
				out = append(out, r.placed(f, kernelRefusal(CheckPathMissing, "%s: %s is not a directory on this host, so the kernel refuses the rule; name the file itself", describeField(r, f), parent)))
			}
		case fieldDir:
			if host.PathKind(f.Text) == PathMissing {
				out = append(out, r.placed(f, kernelRefusal(CheckDirMissing, "%s: the directory does not exist on this host, so the kernel refuses the rule (No such file or directory); create it or remove the rule", describeField(r, f))))
			}
		}
	}
	return out
}

func describeField(r *Rule, f Field) string {
	if r.Watch && f.Def.Number == fieldPath {
		return "-w " + f.Text
	}
	return "-F " + f.Name() + f.Op.String() + f.Text
}

func longestComponent(path string) int {
	longest := 0
	for _, c := range strings.Split(path, "/") {
		longest = max(longest, len(c))
	}
	return longest
}
