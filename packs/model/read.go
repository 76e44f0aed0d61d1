package model

import (
	"cmp"
	"fmt"
	"strings"
)

// ByteOrderMark is the UTF-8 BOM some Windows editors put at the start of
// a file; auditctl reads it as part of the first word.
const ByteOrderMark = "\ufeff"

// Spec is a rule line as auditctl reads it, before it is resolved for a
// machine: the list and action, the fields in the order they reach the
// kernel, the syscalls as written and the keys.
type Spec struct {
	List    List
	Action  Action
	Prepend bool
	// Watch is the -w path, trailing slashes trimmed as auditctl trims
	// them; a watch is an exit rule on that path (dir= when the path is a
	// directory on the loading host) with the perm field after it.
	Watch     string
	Perm      uint8 // the watch's permissions (-p), permAll without -p
	PermGiven bool  // -p was written
	// Fields are the -F and -C fields in order, without keys and, for a
	// watch, without its path and perm.
	Fields []Field
	// Syscalls are the -S names and numbers in order ("all" included);
	// SyscallsGiven is set when any -S was read.
	Syscalls      []string
	SyscallsGiven bool
	// ArchBeforeSyscalls: the arch fields that auditctl used to choose the
	// syscall table are the ones written before the first -S.
	FieldsBeforeSyscalls int
	Keys                 []string // joined with keySep into one key field
	// archFor is the target whose arch values Fields hold (see
	// Normalize); nil before the first normalization.
	archFor *Target
}

// Statement is what one line of a rules file is to auditctl: a control
// directive, a rule, or nothing to load (a command such as -l, or a line
// auditctl reads and then drops).
type Statement struct {
	Directive Directive
	Rule      *Spec
	// Delete is the rule a -d or -W line deletes from those loaded
	// before it (auditctl stops when there is none).
	Delete *Spec
	// Note is set for a line that loads but not as written: a value
	// auditctl misreads, a command that changes nothing, a form auditpack
	// reads more strictly than auditctl.
	Note *Problem
}

// reader holds auditctl's state while it reads one line (its globals
// _audit_syscalladded, _audit_permadded, ... in auditctl.c).
type reader struct {
	spec                                       Spec
	list                                       List
	listSet, exclude, multiple                 bool
	syscallAdded, permAdded, exeAdded, fsAdded bool
	keys                                       []string // -k and -F key= values
	keyLen                                     int      // joined with separators
	fieldCount                                 int
	directives                                 []Directive
	commands                                   []string
	isRule                                     bool
	deleting                                   bool // -d or -W: the rule is deleted
	eaten                                      bool
	permField                                  []int // indexes of perm fields, for -p
	misread                                    *Problem
	firstSyscallAt                             int
	actionText                                 string
	word                                       string // the option's word being read, which places a problem's column
	sharedSyscalls                             bool   // spec.Syscalls is an earlier rule's (Arena.lists)
	syscallArg                                 string // the argument of the line's only -S, which Arena.lists files
}

// Read reads the words of one line as auditctl 3.0.9 does (its option loop
// and libaudit's field parsing): a refusal says why auditctl rejects the
// line. Checks that need the kernel (duplicates, paths that must exist,
// values the kernel rejects) are the rule's (Rule.HostProblems and the
// load's).
func Read(words []string) (Statement, *Problem) { return new(Arena).Read(words) }

// Read is Read with the spec's memory taken from the arena.
func (a *Arena) Read(words []string) (Statement, *Problem) {
	if len(words) > 0 && strings.HasPrefix(words[0], "#") {
		return Statement{}, refuse(CheckInlineComment, "comment after a rule")
	}
	var buf [24]opt
	opts, strays := getopt(words, buf[:0])
	if strings.HasPrefix(words[0], ByteOrderMark) {
		return Statement{}, refuse(CheckParseError, "the line starts with a UTF-8 byte order mark (BOM, which editors put at the start of a file); auditctl reads it as part of %q and refuses the line; save the file without it (auditpack fmt -w removes it)", strings.TrimPrefix(words[0], ByteOrderMark))
	}
	if len(opts) == 0 {
		return Statement{}, refuse(CheckParseError, "%q is not an option: every line starts with one (-a, -w, -D, ...)", words[0])
	}
	r := &reader{firstSyscallAt: -1, spec: Spec{FieldsBeforeSyscalls: -1}}
	a.reserve(r, opts)
	if st, ref := r.options(words, opts); ref != nil {
		return st, ref
	}
	if len(strays) > 0 && !r.eaten {
		ref := refuse(CheckParseError, "unexpected word %q: every value must follow its option (write a space inside a value as '\\ ')", strays[0])
		if strings.HasPrefix(strays[0], "#") {
			ref = refuse(CheckInlineComment, "comment after a rule: auditctl reads %q as a word and rejects the whole line; move the comment to a line of its own", strays[0])
		}
		ref.At = strays[0]
		return Statement{}, ref
	}
	if r.keyLen > 0 {
		if ref := r.addKey(); ref != nil {
			return Statement{}, ref
		}
	}
	return a.statement(r)
}

// reserve makes room in the arena for what the line names; more than
// counted (a -F key=) is appended elsewhere.
func (a *Arena) reserve(r *reader, opts []opt) {
	fields, syscalls, keys := 0, 0, 0
	syscallArgs, syscallArg := 0, ""
	for _, o := range opts {
		switch {
		case o.name == "-F" && len(o.arg) > 3 && strings.EqualFold(o.arg[:3], "key"):
			keys++ // a key, not a field of the spec
		case o.name == "-F", o.name == "-C", o.name == "-p":
			fields++
		case o.name == "-S":
			syscalls += 1 + strings.Count(o.arg, ",")
			syscallArgs, syscallArg = syscallArgs+1, o.arg
		case o.name == "-k":
			keys++
		}
	}
	r.spec.Fields = a.fieldSlots(fields)
	if list, ok := a.lists[syscallArg]; ok && syscallArgs == 1 {
		r.spec.Syscalls, r.sharedSyscalls = list, true
	} else {
		r.spec.Syscalls = a.wordSlots(syscalls)
	}
	if syscallArgs == 1 {
		r.syscallArg = syscallArg
	}
	r.keys = a.wordSlots(keys)
}

// options reads the line's options in turn until auditctl's loop would
// leave it. A problem ends the line; a -c or -i that the rest of its line
// fails has still set its mode, which the statement carries.
func (r *reader) options(words []string, opts []opt) (Statement, *Problem) {
	for i, o := range opts {
		if o.bad != "" {
			return Statement{}, refuse(CheckParseError, "%s", o.bad)
		}
		r.word = cmp.Or(o.arg, o.name)
		stop, ref := r.option(o, len(words)+1)
		if ref != nil {
			ref.At = cmp.Or(ref.At, r.word)
			return Statement{}, ref
		}
		if stop && r.eaten {
			return Statement{}, nil // setopt returns at once, before it looks at the rest
		}
		if stop {
			// "-D -k KEY" and "-l -k KEY" take the rules whose key holds
			// KEY; auditctl reads the -k itself, not as an option.
			if (o.name == "-D" || o.name == "-l") && len(words) == 3 {
				if i+1 < len(opts) && opts[i+1].name == "-k" {
					if o.name == "-D" {
						r.directives[len(r.directives)-1].Key = opts[i+1].arg
					}
					return Statement{}, nil
				}
				return Statement{}, refuse(CheckParseError, "%s takes only -k KEY after it", o.name)
			}
			if o.name == "-l" && len(words) == 2 && words[1] == "-i" {
				return Statement{}, nil
			}
			// auditctl leaves its option loop here; any word getopt has
			// not moved past fails the line. -c and -i have set their
			// mode by then, which holds for the lines after it.
			if o.rest || o.next < len(words) {
				var st Statement
				if o.name == "-c" || o.name == "-i" {
					st.Directive = r.directives[len(r.directives)-1]
				}
				return st, refuse(CheckParseError, "%s ends what auditctl reads of the line, and the rest makes it fail: put %s on a line of its own", o.name, o.name)
			}
			return Statement{}, nil
		}
	}
	return Statement{}, nil
}

// statement is what the line read: a rule, a deletion, a control option,
// or a note on a line that loads as nothing.
func (a *Arena) statement(r *reader) (Statement, *Problem) {
	switch {
	case r.eaten:
		return Statement{Note: &Problem{Check: CheckIgnored, Loads: true, NeedsAuditctl: ListSinceAuditctl[r.list],
			Message: fmt.Sprintf("the action %q is obsolete: auditctl drops the whole rule without an error, so it is never loaded; use always", r.actionText)}}, nil
	case r.isRule:
		if len(r.directives) > 0 {
			return Statement{}, refuse(CheckParseError, "%s cannot be part of a rule: put each control option on a line of its own", r.directives[0].Option)
		}
		if r.syscallArg != "" && !r.sharedSyscalls && a.Lines > 0 && len(a.lists) < maxLists {
			if a.lists == nil {
				a.lists = map[string][]string{}
			}
			a.lists[r.syscallArg] = r.spec.Syscalls[:len(r.spec.Syscalls):len(r.spec.Syscalls)]
		}
		spec := r.spec
		if r.keyLen > 0 {
			spec.Keys = r.keys
			if joined := strings.Join(r.keys, keySep); strings.Count(joined, keySep) >= len(r.keys) {
				spec.Keys = strings.Split(joined, keySep) // a key holding the separator is two to the kernel
			}
		}
		spec.List = r.list
		if r.deleting {
			return Statement{Delete: a.spec(spec), Note: &Problem{Check: CheckStatefulOption, Loads: true,
				Message: "-d and -W delete a rule loaded before them, and auditctl stops when there is none: in a rules file write only the rules you want"}}, nil
		}
		return Statement{Rule: a.spec(spec), Note: r.misread}, nil
	case r.syscallAdded:
		return Statement{}, refuse(CheckParseError, "-S without a list: add -a always,exit before it")
	case len(r.directives) == 1:
		return Statement{Directive: r.directives[0], Note: r.misread}, nil
	case len(r.directives) > 1:
		return Statement{Directive: r.directives[0], Note: &Problem{Check: CheckOnePerLine, Loads: true,
			Message: fmt.Sprintf("%s and %s on one line: auditctl sets both, but augenrules and auditpack read a control line by its first option; put each on a line of its own", r.directives[0].Option, r.directives[1].Option)}}, nil
	}
	return Statement{Note: &Problem{Check: CheckStatefulOption, Loads: true,
		Message: fmt.Sprintf("%s is a command, not configuration: in a rules file it changes nothing; remove it", r.commands[0])}}, nil
}

// option handles one option as auditctl's setopt does. stop is set where
// auditctl leaves its option loop without an error.
func (r *reader) option(o opt, count int) (stop bool, ref *Problem) {
	switch o.name {
	case "-h":
		return false, refuse(CheckParseError, "-h prints auditctl's help and fails the line")
	case "-i", "-c":
		r.directives = append(r.directives, Directive{Option: Option(o.name)})
		return true, nil
	case "-s", "-l", "-v", "-t", "--reset-lost", "--reset_backlog_wait_time_actual":
		if (o.name == "-s" && count > 3) || (o.name == "-l" && count > 4) {
			return false, refuse(CheckParseError, "%s takes no further options here", o.name)
		}
		r.commands = append(r.commands, o.name)
		return o.name == "-l", nil
	case "-m", "-q", "--signal":
		r.commands = append(r.commands, o.name)
	case "-d":
		r.deleting = true
		ref := r.add(o)
		return r.eaten, ref
	case "-W":
		r.deleting = true
		return false, r.watch(o.arg)
	case "-R":
		return false, refuse(CheckParseError, "-R inside a rules file: auditctl does not read nested rule files")
	case "-e", "-f", "-r", "-b", "--backlog_wait_time":
		d := Directive{Option: Option(o.name), Value: o.arg}
		if ref := d.Problem(); ref != nil && !ref.Loads {
			return false, ref
		} else if ref != nil && r.misread == nil {
			r.misread = ref
		}
		r.directives = append(r.directives, d)
	case "--loginuid-immutable":
		r.directives = append(r.directives, Directive{Option: OptLoginuidImmutable})
		return true, nil
	case "-D":
		if count > 4 || count == 3 {
			return false, refuse(CheckParseError, "-D takes only -k KEY after it")
		}
		r.directives = append(r.directives, Directive{Option: OptDeleteAll})
		return true, nil
	case "-a", "-A":
		ref := r.add(o)
		return r.eaten, ref
	case "-S":
		return false, r.syscalls(o.arg)
	case "-F":
		if !r.listSet {
			return false, refuse(CheckParseError, "-F %s before -a or -w: auditctl needs the list (-a always,exit) or the watch first", o.arg)
		}
		if value, ok := strings.CutPrefix(o.arg, "key="); ok {
			return false, r.appendKey(value)
		}
		return false, r.field(o.arg)
	case "-C":
		return false, r.compare(o.arg)
	case "-w":
		return false, r.watch(o.arg)
	case "-k":
		if !(r.syscallAdded || r.permAdded || r.exeAdded || r.fsAdded) || !r.listSet {
			return false, refuse(CheckKey, "-k before any -S, -w or path, dir, perm or exe field: auditctl rejects the line; move -k to the end (rules without those cannot carry a key)")
		}
		return false, r.appendKey(o.arg)
	case "-p":
		return false, r.perm(o.arg)
	}
	return false, nil
}

func (r *reader) add(o opt) *Problem {
	if strings.Contains(o.arg, "task") && r.syscallAdded {
		return refuse(CheckParseError, "-S or -w before %s %s: the task list takes no syscalls", o.name, o.arg)
	}
	if r.multiple {
		return refuse(CheckParseError, "a rule has one -a or -A; this line has two")
	}
	r.multiple = true
	first, second, ok := strings.Cut(o.arg, ",")
	if !ok || strings.Contains(second, ",") {
		return refuse(CheckParseError, "%s %s: write one list and one action separated by one comma, e.g. always,exit", o.name, o.arg)
	}
	// audit_rule_setup: the first word is tried as an action, then as a
	// list. The second word is then a list if none is set yet, else an
	// action. -w has set both already (exit, always).
	list, listSet := r.list, r.listSet
	action, actionSet := r.spec.Action, r.listSet
	if a, ok, possible := lookupAction(first); ok {
		action, actionSet = a, true
	} else if !possible {
		if list, listSet = lookupList(first); !listSet {
			return refuse(CheckParseError, "%s %s: %s", o.name, o.arg, notListOrAction(first))
		}
	}
	switch a, isAction, possible := lookupAction(second); {
	case !listSet:
		if list, listSet = lookupList(second); !listSet {
			return refuse(CheckParseError, "%s %s: %s", o.name, o.arg, notListOrAction(second))
		}
	case possible:
		r.eaten, r.actionText, r.list = true, second, list
		return nil
	case !isAction && r.listSet:
		return refuse(CheckWatchForm, "%s %s after -w: a watch is an always,exit rule already, and auditctl rejects the line; drop %s", o.name, o.arg, o.name)
	case !isAction:
		return refuse(CheckParseError, "%s %s: %s", o.name, o.arg, notListOrAction(second))
	default:
		action, actionSet = a, true
	}
	if !actionSet {
		if first == "possible" {
			return refuse(CheckParseError, "%s %s: %s", o.name, o.arg, notListOrAction(first))
		}
		return refuse(CheckParseError, "%s %s: write one list and one action, e.g. always,exit", o.name, o.arg)
	}
	r.exclude = list == ListExclude
	r.spec.Action = action
	r.list, r.listSet, r.isRule = list, true, true
	r.spec.Prepend = o.name == "-A"
	return nil
}

// notListOrAction says why a word of -a is neither.
func notListOrAction(w string) string {
	switch w {
	case "entry":
		return "the entry list was removed from the kernel; use exit"
	case "possible":
		return "the possible action was removed from the kernel; use always"
	}
	return fmt.Sprintf("%q is not a list (task, exit, user, exclude, filesystem, io_uring) or an action (always, never)", w)
}

func lookupAction(s string) (a Action, ok, possible bool) {
	switch s {
	case "always":
		return Always, true, false
	case "never":
		return Never, true, false
	case "possible":
		return 0, false, true
	}
	return 0, false, false
}

func lookupList(s string) (List, bool) {
	l, ok := listNames[s]
	return l, ok
}

func (r *reader) syscalls(arg string) *Problem {
	if r.listSet {
		switch {
		case r.list == ListTask:
			return refuse(CheckNotForList, "-S on the task list: task rules see no syscalls; remove -S")
		case r.list == ListUser:
			return refuse(CheckNotForList, "-S on the user list: user rules see no syscalls; remove -S")
		case r.list == ListFilesystem:
			return refuse(CheckNotForList, "-S on the filesystem list: remove -S")
		}
	}
	if r.exclude {
		return refuse(CheckNotForList, "-S on the exclude list: exclude rules see no syscalls; remove -S")
	}
	if r.firstSyscallAt < 0 {
		r.firstSyscallAt = len(r.spec.Fields)
		r.spec.FieldsBeforeSyscalls = len(r.spec.Fields)
	}
	if r.sharedSyscalls { // the list is an earlier rule's, of this argument
		for _, name := range r.spec.Syscalls {
			r.syscallNumber(name)
		}
	} else {
		if !strings.Contains(arg, ",") {
			r.spec.Syscalls = append(r.spec.Syscalls, arg)
			r.syscallNumber(arg)
		}
		// auditctl splits a list with strtok: empty names between commas vanish.
		for rest := arg; strings.Contains(arg, ",") && rest != ""; {
			name, tail, _ := strings.Cut(rest, ",")
			if name != "" {
				r.spec.Syscalls = append(r.spec.Syscalls, name)
				r.syscallNumber(name)
			}
			rest = tail
		}
	}
	r.spec.SyscallsGiven = true
	r.syscallAdded = true
	return nil
}

// syscallNumber notes a syscall written as a number that auditctl reads
// as another (no syscall's name starts with a digit).
func (r *reader) syscallNumber(word string) {
	if word[0] < '0' || word[0] > '9' {
		return
	}
	if why := readC(word, true).misread("-S", word, true); why != "" {
		r.noteMisread(CheckTruncated, "%s", why)
	}
}

func (r *reader) appendKey(k string) *Problem {
	total := r.keyLen + len(k)
	if len(r.keys) > 0 {
		total++ // the separator
	}
	if total > maxKeyLen {
		return refuse(CheckKey, "the keys of this rule are %d bytes together; auditctl takes at most %d (keys are joined with a separator): shorten them", total, maxKeyLen)
	}
	r.keyLen = total
	r.keys = append(r.keys, k)
	return nil
}

// addKey is the key field auditctl adds after reading the whole line.
func (r *reader) addKey() *Problem {
	if r.exclude {
		return refuse(CheckNotForList, "a key on the exclude list: exclude rules record nothing, so they carry no key; remove it")
	}
	if !(r.syscallAdded || r.permAdded || r.exeAdded || r.fsAdded) {
		return refuse(CheckKey, "a key needs a -S, a watch or a path, dir, perm or exe field in its rule: auditctl rejects the line (user, exclude and task rules cannot carry a key)")
	}
	if r.fieldCount >= maxFields-1 {
		return refuse(CheckFieldCount, "the rule has %d fields (arch, -F and the key): auditctl sends at most %d and stops with \"Too many fields in rule\"; split the rule", r.fieldCount+1, maxFields-1)
	}
	r.fieldCount++
	return nil
}

func (r *reader) watch(path string) *Problem {
	if r.spec.Watch != "" {
		return refuse(CheckWatchForm, "a watch has one -w; this line has two")
	}
	if r.listSet {
		return refuse(CheckWatchForm, "-w in a -a/-A rule: a watch cannot also be a syscall rule; use -F path= or -F dir= instead")
	}
	r.list, r.listSet, r.isRule = ListExit, true, true
	r.spec.Action = Always
	r.syscallAdded = true
	if len(path) >= pathMax {
		return refuse(CheckParseError, "the watched path is %d bytes; the kernel takes at most %d", len(path), pathMax-1)
	}
	if !strings.HasPrefix(path, "/") {
		return refuse(CheckPath, "-w %s: the path must start with '/' (auditctl refuses a relative path); write the absolute path", path)
	}
	base := path[strings.LastIndexByte(strings.TrimRight(path, "/"), '/')+1:]
	if len(strings.TrimRight(base, "/")) > nameMax {
		return refuse(CheckParseError, "the last component of the watched path is %d bytes; the kernel takes at most %d", len(base), nameMax)
	}
	if len(path) > 2 {
		path = strings.TrimRight(path, "/")
		if path == "" {
			path = "/"
		}
	}
	r.spec.Watch, r.spec.Perm = path, permAll
	r.fieldCount = 2
	r.permField = []int{-1}
	return nil
}
