package compile

import (
	"fmt"
	"strings"

	"github.com/auditpack/auditpack/packs/model"
)

// LoaderHost is a host whose own auditctl reads the rules at boot
// (augenrules --load): its version and syscall tables, often older than
// the kernel's, refuse what they do not know. apply loads rules with the
// model's own tables and does not ask one.
type LoaderHost interface {
	// LoaderVersion is the version of the host's auditctl ("3.0.9").
	LoaderVersion() (string, bool)
	// LoaderTable is the syscall numbers the host's auditctl knows in a
	// table (x86_64, i386, ...); ok is false without audit userspace.
	LoaderTable(table string) (numbers map[int]bool, ok bool, err error)
}

// loader is what the host's auditctl knows, each table read once.
type loader struct {
	host    LoaderHost
	version string
	tables  map[string]map[int]bool // nil value: not readable
}

func newLoader(h model.Host) *loader {
	lh, ok := h.(LoaderHost)
	if !ok {
		return nil
	}
	l := &loader{host: lh, tables: map[string]map[int]bool{}}
	l.version, _ = lh.LoaderVersion()
	return l
}

// refusal says why the host's auditctl refuses a rule the kernel would
// take: a list it does not read, a syscall name its table lacks (a
// number it takes without its table).
func (l *loader) refusal(r *model.Rule, t *model.Target) *model.Problem {
	if l == nil {
		return nil
	}
	if since, newer := model.ListSinceAuditctl[r.List]; newer && l.version != "" && model.OlderVersion(l.version, since) {
		return &model.Problem{Check: model.CheckListTooNew, Message: fmt.Sprintf("the %s list needs auditctl %s or newer; this host's auditctl is %s and refuses the line, so augenrules --load at boot stops here", r.List, since, l.version)}
	}
	if t != model.Native() || len(r.Syscalls()) == 0 || r.List == model.ListIOUring {
		return nil // another machine's loader is not here to ask; io_uring names operations
	}
	t, abi := r.NameTable()
	table := t.TableName(abi)
	numbers, read := l.tables[table]
	if !read {
		if n, ok, err := l.host.LoaderTable(table); ok && err == nil {
			numbers = n
		}
		l.tables[table] = numbers
	}
	if numbers == nil {
		return nil
	}
	var missing []string
	for _, name := range r.Syscalls() {
		if name == "" || name[0] >= '0' && name[0] <= '9' {
			continue // auditctl takes numbers without its table
		}
		if n, known := t.Syscall(abi, name); known && !numbers[n] {
			if v, ok := model.SinceKernel[strings.ToLower(name)]; ok {
				name += " (Linux " + v + ")"
			}
			missing = append(missing, name)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	version := "audit userspace"
	if l.version != "" {
		version = "auditctl version " + l.version
	}
	verb := "are"
	if len(missing) == 1 {
		verb = "is"
	}
	return &model.Problem{Check: model.CheckSyscallTooNew, Message: fmt.Sprintf("%s %s not in the %s table of this host's %s: augenrules --load at boot stops at this line with \"Syscall name unknown\" and loads no later rule; upgrade audit userspace or move these syscalls to a pack for newer hosts",
		strings.Join(missing, ", "), verb, table, version)}
}
