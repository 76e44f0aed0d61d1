package model

import "path"

// Event is one syscall as the kernel's exit filter sees it when the call
// ends (audit_filter_rules in kernel/auditsc.c), or the record the
// exclude filter sees of it. verify --live describes the harmless calls it
// makes, and the records it reads back, as events, and asks the rules
// which of them decide each one.
type Event struct {
	ABI     ABI
	Syscall int       // number in the ABI's table
	Args    [4]uint64 // a0..a3 as the kernel keeps them
	Success bool
	Exit    int64 // the return value: -errno for a failure
	IDs     IDs
	PID     uint32 // 0 when not known yet
	// Paths are the names the call looked up, absolute, as the kernel
	// records them in PATH records.
	Paths []string
	// OpenHowFlags are openat2's how.flags, which the kernel reads for
	// the perm field of openat2 (they are not in its arguments).
	OpenHowFlags uint64
	Exe          string // the task's executable; "" when not known
	// MsgType is the record type an exclude rule is asked about
	// (SYSCALL: 1300).
	MsgType uint32
}

// IDs are a task's user and group IDs as the kernel compares them.
type IDs struct {
	AUID, UID, EUID, SUID, FSUID uint32
	GID, EGID, SGID, FSGID       uint32
}

// byName is the ID a field or -C operand names, and whether the task has
// it.
func (ids *IDs) byName(name string) (uint32, bool) {
	switch name {
	case "auid", "loginuid":
		return ids.AUID, true
	case "uid":
		return ids.UID, true
	case "euid":
		return ids.EUID, true
	case "suid":
		return ids.SUID, true
	case "fsuid":
		return ids.FSUID, true
	case "gid":
		return ids.GID, true
	case "egid":
		return ids.EGID, true
	case "sgid":
		return ids.SGID, true
	case "fsgid":
		return ids.FSGID, true
	}
	return 0, false
}

// Match is how a rule judges an event.
type Match uint8

// The answers of Rule.Match.
const (
	NoMatch  Match = iota // the rule does not match
	Matches               // the rule matches
	MayMatch              // a field the event does not tell decides it
)

func (m Match) String() string { return [...]string{"no match", "matches", "may match"}[m] }

// Holds reports whether a value satisfies a numeric field as the kernel
// compares them (audit_comparator on u32): & is "any of the bits", &=
// "all of them".
func (f *Field) Holds(v uint32) bool {
	switch f.Op {
	case OpEqual:
		return v == f.Value
	case OpNotEqual:
		return v != f.Value
	case OpLess:
		return v < f.Value
	case OpLessEq:
		return v <= f.Value
	case OpGreater:
		return v > f.Value
	case OpGreaterEq:
		return v >= f.Value
	case opBitMask:
		return v&f.Value != 0
	case opBitTest:
		return v&f.Value == f.Value
	}
	return false
}

// Match evaluates the rule on an event. For NoMatch it names the first
// field that does not hold ("" when the ABI or syscall does not), for
// MayMatch the first field the event does not tell (a label, an inode, a
// pid not known yet).
func (r *Rule) Match(e *Event) (Match, string) {
	switch r.List {
	case ListExit:
		if !r.ABIs[e.ABI] || !(r.AllSyscalls || r.WireMask.Has(e.Syscall)) {
			return NoMatch, ""
		}
	case ListExclude:
	default:
		return MayMatch, r.List.String() + " list"
	}
	undecided := ""
	for i := range r.Fields {
		m, why := r.matchField(&r.Fields[i], e)
		switch {
		case m == NoMatch:
			return NoMatch, r.Fields[i].Name()
		case m == MayMatch && undecided == "":
			undecided = why
		}
	}
	if undecided != "" {
		return MayMatch, undecided
	}
	return Matches, ""
}

func (r *Rule) matchField(f *Field, e *Event) (Match, string) {
	name := f.Name()
	known := func(ok bool) (Match, string) {
		if ok {
			return Matches, ""
		}
		return NoMatch, ""
	}
	switch f.Kind {
	case KindArch:
		return Matches, "" // the rule's ABIs hold it
	case KindPerm:
		classes, sure := r.target.PermClasses(e)
		switch {
		case classes&uint8(f.Value) != 0:
			return Matches, ""
		case !sure:
			return MayMatch, "perm"
		}
		return NoMatch, ""
	case KindCompare:
		left, lok := e.IDs.byName(name)
		right, rok := e.IDs.byName(f.Text)
		if !lok || !rok {
			return MayMatch, "-C " + name + f.Op.String() + f.Text
		}
		return known((left == right) == (f.Op == OpEqual))
	case kindString:
		return r.matchString(f, e)
	}
	if !f.Resolved {
		return MayMatch, name // a name the host resolves
	}
	if id, ok := e.IDs.byName(name); ok {
		return known(f.Holds(id))
	}
	switch name {
	case "a0", "a1", "a2", "a3":
		return known(f.Holds(uint32(e.Args[name[1]-'0'])))
	case "exit":
		return known(f.Holds(uint32(e.Exit)))
	case "success":
		// The kernel compares the call's outcome (1 success, 2 failure)
		// with success=1 as 1 and any other value as 2.
		outcome, want := uint32(2), uint32(2)
		if e.Success {
			outcome = 1
		}
		if f.Value != 0 {
			want = 1
		}
		return known((outcome == want) == (f.Op != OpNotEqual))
	case "msgtype":
		return known(f.Holds(e.MsgType))
	case "pid":
		if e.PID != 0 {
			return known(f.Holds(e.PID))
		}
	}
	return MayMatch, name
}

func (r *Rule) matchString(f *Field, e *Event) (Match, string) {
	name := f.Name()
	var hit bool
	switch name {
	case "key":
		return Matches, ""
	case "path":
		// The kernel compares inodes; the names stand for them.
		for _, p := range e.Paths {
			hit = hit || path.Clean(p) == path.Clean(f.Text) || (r.Watch && under(p, f.Text))
		}
	case "dir":
		for _, p := range e.Paths {
			hit = hit || under(path.Clean(p), path.Clean(f.Text))
		}
	case "exe":
		if e.Exe == "" {
			return MayMatch, name
		}
		hit = e.Exe == f.Text
	default:
		return MayMatch, name // security labels and the like
	}
	if hit == (f.Op != OpNotEqual) {
		return Matches, ""
	}
	return NoMatch, ""
}

// PermClasses are the perm classes (PermRead, ...) an event's syscall
// falls in, as audit_match_perm sorts them: open, openat and openat2 by
// their access mode, execve and execveat as exec, the 32-bit socketcall's
// bind as write, every other syscall by the kernel's class lists. sure is
// false for a syscall newer kernels may have added to a class.
func (t *Target) PermClasses(e *Event) (classes uint8, sure bool) {
	name := t.SyscallNames(e.ABI)[e.Syscall]
	switch name {
	case "open":
		return accessClasses(e.Args[1]), true
	case "openat":
		return accessClasses(e.Args[2]), true
	case "openat2":
		return accessClasses(e.OpenHowFlags), true
	case "socketcall":
		const sysBind = 2
		if e.Args[0] == sysBind {
			return PermWrite, true
		}
		return 0, true
	}
	sure = true
	for _, bit := range []uint8{PermExec, PermWrite, PermRead, PermAttr} {
		switch {
		case permMask(t, e.ABI, bit, true).Has(e.Syscall):
			classes |= bit
		case permMask(t, e.ABI, bit, false).Has(e.Syscall):
			sure = false
		}
	}
	return classes, sure
}

// accessClasses is what the kernel makes of an open's flags: O_RDONLY
// reads, O_WRONLY writes, O_RDWR (and 3) both (ACC_MODE).
func accessClasses(flags uint64) uint8 {
	return [4]uint8{PermRead, PermWrite, PermRead | PermWrite, PermRead | PermWrite}[flags&3]
}

// Decision is which rule of a list decides an event: the first in
// evaluation order that matches it.
type Decision struct {
	Rule *Rule // nil when no rule matches
	// Maybe are the earlier rules a field the event does not tell could
	// make match, each with that field.
	Maybe []Maybe
}

// Maybe is a rule that may match an event, and the field that decides.
type Maybe struct {
	Rule  *Rule
	Field string
}

// Decide finds the rule of a list that decides an event, among rules in
// evaluation order (EvalOrder).
func Decide(eval []*Rule, list List, e *Event) Decision {
	var d Decision
	for _, r := range eval {
		if r.List != list {
			continue
		}
		switch m, field := r.Match(e); m {
		case Matches:
			d.Rule = r
			return d
		case MayMatch:
			d.Maybe = append(d.Maybe, Maybe{r, field})
		}
	}
	return d
}
