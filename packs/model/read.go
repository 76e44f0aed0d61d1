package model

import (
	"fmt"
	"strings"

	"github.com/elastic/go-libaudit/v2/auparse"
)

// Option is a control option of auditctl, spelled as in a rules file.
type Option string

// The control options a rules file may carry. Each is executed by auditctl
// in place, except that augenrules moves the last -D, -b, -f to the top and
// the last -e to the end.
const (
	OptDeleteAll         Option = "-D"
	OptBacklogLimit      Option = "-b"
	OptFailure           Option = "-f"
	OptEnabled           Option = "-e"
	OptRateLimit         Option = "-r"
	OptBacklogWaitTime   Option = "--backlog_wait_time"
	OptLoginuidImmutable Option = "--loginuid-immutable"
	OptContinueOnError   Option = "-c"
	OptIgnoreErrors      Option = "-i"
)

// ByteOrderMark is the UTF-8 BOM some Windows editors put at the start of
// a file; auditctl reads it as part of the first word.
const ByteOrderMark = "\ufeff"

// Directive is a parsed control line.
type Directive struct {
	Option Option
	Value  string // the argument; empty for options without one
	Key    string // the -k of "-D -k KEY", which deletes by key substring
}

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
	Perm      uint8 // the watch's permissions (-p), PermAll without -p
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
	Keys                 []string // joined with KeySep into one key field
	// archFor is the target whose arch values Fields hold (see
	// Normalize); nil before the first normalization.
	archFor *Target
}

// Refusal is a line auditctl refuses (Loads false) or reads as something
// else than it says (Loads true): the catalogue check that names it and a
// message that says what is wrong and how to fix it.
type Refusal struct {
	Check   string
	Message string
	Loads   bool
	// NeedsAuditctl is the auditctl version that reads the line at all
	// (for a dropped rule on a list older auditctl does not know).
	NeedsAuditctl string
}

func refuse(check, format string, args ...any) *Refusal {
	return &Refusal{Check: check, Message: fmt.Sprintf(format, args...)}
}

// The catalogue IDs the reader reports under.
const (
	CheckParseError     = "SYN-PARSE-ERROR"
	CheckInlineComment  = "SYN-INLINE-COMMENT"
	CheckWatchForm      = "SYN-WATCH-FORM"
	CheckKey            = "SYN-KEY"
	CheckInvalidValue   = "CTRL-INVALID-VALUE"
	CheckValueMisread   = "CTRL-VALUE-MISREAD"
	CheckOnePerLine     = "CTRL-ONE-PER-LINE"
	CheckStatefulOption = "CTRL-STATEFUL-COMMAND-IN-PACK"
	CheckIgnored        = "SYN-IGNORED-LINE"
	CheckFieldCount     = "SYN-FIELD-COUNT"
	CheckNotForList     = "FLD-NOT-VALID-FOR-LIST"
	CheckBadOperator    = "FLD-BAD-OPERATOR"
	CheckBadValue       = "FLD-BAD-VALUE"
	CheckMsgType        = "LST-MSGTYPE-UNKNOWN"
	CheckUnresolved     = "FLD-UNKNOWN-ID"
	CheckTruncated      = "FLD-ARG-TRUNCATION"
	CheckPath           = "PATH-NOT-ABSOLUTE"
)

// Statement is what one line of a rules file is to auditctl: a control
// directive, a rule, or nothing to load (a command such as -l, or a line
// auditctl reads and then drops).
type Statement struct {
	Directive Directive
	Rule      *Spec
	// Note is set for a line that loads but not as written: a value
	// auditctl misreads, a command that changes nothing, a form auditpack
	// reads more strictly than auditctl.
	Note *Refusal
}

// Host answers the questions auditctl asks the machine it runs on. A nil
// Host is offline: names stay unresolved and paths unchecked.
type Host interface {
	User(name string) (uint32, bool)
	Group(name string) (uint32, bool)
	// PathKind tells what a path is on the host.
	PathKind(path string) PathKind
}

// PathKind is what a path names on the loading host.
type PathKind uint8

// Path kinds.
const (
	PathUnknown PathKind = iota // offline
	PathMissing
	PathDir
	PathFile // anything else that exists
)

// getopt's view of auditctl's options: the short options and whether they
// take an argument, and the long options.
const shortOptions = "hicslDvtC:e:f:r:b:a:A:d:S:F:m:R:w:W:k:p:q:"

var longOptions = []struct {
	name   string
	hasArg bool
}{{"loginuid-immutable", false}, {"backlog_wait_time", true}, {"reset-lost", false}, {"reset_backlog_wait_time_actual", false}, {"signal", true}}

// shortNames spells each short option once, so reading a line does not
// build its option names again.
var shortNames = func() (n [256]string) {
	for i := 0; i < len(shortOptions); i++ {
		if c := shortOptions[i]; c != ':' {
			n[c] = "-" + string(c)
		}
	}
	return n
}()

type opt struct {
	name string // "-a", "--backlog_wait_time"
	arg  string
	bad  string // getopt's error for this word
	// rest is set when more options follow in the same word (-Dc): getopt
	// has not moved past the word yet. next is the index of the word
	// after the option and its argument.
	rest bool
	next int
}

// getopt splits words as glibc's getopt_long does for auditctl: options in
// order (clustered short options apart), an option's argument from the
// same word or the next, unambiguous prefixes of long options, and the
// words that are no option, which getopt moves to the end.
func getopt(words []string, opts []opt) (_ []opt, strays []string) {
	for i := 0; i < len(words); i++ {
		w := words[i]
		switch {
		case w == "--":
			return opts, append(strays, words[i+1:]...)
		case strings.HasPrefix(w, "--"):
			name, val, hasVal := strings.Cut(w[2:], "=")
			match := -1
			for j, lo := range longOptions {
				if lo.name == name {
					match = j
					break
				}
				if strings.HasPrefix(lo.name, name) {
					if match >= 0 {
						return append(opts, opt{name: w, bad: fmt.Sprintf("option %q is ambiguous", w)}), strays
					}
					match = j
				}
			}
			if match < 0 {
				return append(opts, opt{name: w, bad: fmt.Sprintf("unknown option %q", w)}), strays
			}
			lo := longOptions[match]
			o := opt{name: "--" + lo.name, arg: val}
			switch {
			case lo.hasArg && !hasVal:
				if i+1 == len(words) {
					return append(opts, opt{name: o.name, bad: fmt.Sprintf("%s needs a value", o.name)}), strays
				}
				i++
				o.arg = words[i]
			case !lo.hasArg && hasVal:
				return append(opts, opt{name: o.name, bad: fmt.Sprintf("%s takes no value", o.name)}), strays
			}
			o.next = i + 1
			opts = append(opts, o)
		case len(w) > 1 && w[0] == '-':
			for j := 1; j < len(w); j++ {
				c := w[j]
				k := strings.IndexByte(shortOptions, c)
				if c == ':' || k < 0 {
					return append(opts, opt{name: w, bad: fmt.Sprintf("unknown option %q", "-"+string(c))}), strays
				}
				name := shortNames[c]
				if k+1 == len(shortOptions) || shortOptions[k+1] != ':' {
					opts = append(opts, opt{name: name, rest: j+1 < len(w), next: i + 1})
					continue
				}
				arg := w[j+1:]
				if arg == "" {
					if i+1 == len(words) {
						return append(opts, opt{name: name, bad: fmt.Sprintf("option %s needs a value", name)}), strays
					}
					i++
					arg = words[i]
				}
				opts = append(opts, opt{name: name, arg: arg, next: i + 1})
				break
			}
		default:
			strays = append(strays, w)
		}
	}
	return opts, strays
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
	eaten                                      bool
	permField                                  []int // indexes of perm fields, for -p
	misread                                    *Refusal
	firstSyscallAt                             int
	actionText                                 string
	sharedSyscalls                             bool // spec.Syscalls is an earlier rule's (Arena.lists)
}

// Read reads the words of one line as auditctl 3.0.9 does (its option loop
// and libaudit's field parsing): a refusal says why auditctl rejects the
// line. Checks that need the kernel (duplicates, paths that must exist,
// values the kernel rejects) are KernelProblems'.
func Read(words []string) (Statement, *Refusal) { return new(Arena).Read(words) }

// Arena holds the specs a run of Read calls makes, or the rules a run of
// Normalize calls makes, in blocks: a file of many rules costs a few
// allocations per block instead of several per line. The specs or rules
// share its blocks, which live as long as any of them. An Arena is for one
// goroutine.
type Arena struct {
	// Lines is how many more lines the arena expects to read; blocks are
	// sized by it (0: each spec gets allocations of its own size).
	Lines  int
	specs  []Spec
	fields []Field
	words  []string
	rules  []Rule
	// lists are the syscall lists read, by their -S argument: rules that
	// name the same syscalls share one (a pack has few lists for many
	// rules, and a name costs its string header in each rule that
	// names it).
	lists map[string][]string
}

// maxLists is how many syscall lists an arena keeps to share.
const maxLists = 1024

// maxBlock is the most specs a block holds; fields and words blocks hold
// a few per spec.
const maxBlock = 1024

func (a *Arena) spec(s Spec) *Spec {
	p := one(&a.specs, a.Lines, s)
	a.Lines = max(0, a.Lines-1)
	return p
}

func (a *Arena) rule(r Rule) *Rule {
	p := one(&a.rules, a.Lines, r)
	a.Lines = max(0, a.Lines-1)
	return p
}

// fieldSlots are n empty fields to append to (nil for none).
func (a *Arena) fieldSlots(n int) []Field { return slots(&a.fields, n, 4, a.Lines) }

// wordSlots are n empty words to append to (nil for none).
func (a *Arena) wordSlots(n int) []string { return slots(&a.words, n, 3, a.Lines) }

// one places v in the next element of block, a new block (sized for the
// lines still expected) when it is used up.
func one[T any](block *[]T, lines int, v T) *T {
	if len(*block) == 0 {
		*block = make([]T, max(1, min(lines, maxBlock)))
	}
	p := &(*block)[0]
	*p = v
	*block = (*block)[1:]
	return p
}

// slots are the next n elements of block, empty, to append to (nil for
// none); a new block holds about perLine for each line still expected.
func slots[T any](block *[]T, n, perLine, lines int) []T {
	if n == 0 {
		return nil
	}
	if n > len(*block) {
		*block = make([]T, max(n, perLine*min(lines, maxBlock)))
	}
	s := (*block)[:0:n]
	*block = (*block)[n:]
	return s
}

// Read is Read with the spec's memory taken from the arena.
func (a *Arena) Read(words []string) (Statement, *Refusal) {
	if len(words) > 0 && strings.HasPrefix(words[0], "#") {
		return Statement{}, refuse(CheckInlineComment, "comment after a rule")
	}
	var buf [24]opt
	opts, strays := getopt(words, buf[:0])
	if len(opts) == 0 && strings.HasPrefix(words[0], ByteOrderMark) {
		return Statement{}, refuse(CheckParseError, "the line starts with a UTF-8 byte order mark (BOM, which editors put at the start of a file); auditctl reads it as part of %q and refuses the line; save the file without it (auditpack fmt -w removes it)", strings.TrimPrefix(words[0], ByteOrderMark))
	}
	if len(opts) == 0 {
		return Statement{}, refuse(CheckParseError, "%q is not an option: every line starts with one (-a, -w, -D, ...)", words[0])
	}
	r := &reader{firstSyscallAt: -1, spec: Spec{FieldsBeforeSyscalls: -1}}
	// Room in the arena for what the line names; more than counted (a
	// -F key=) is appended elsewhere.
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
	r.keys = a.wordSlots(keys)
	for i, o := range opts {
		if o.bad != "" {
			return Statement{}, refuse(CheckParseError, "%s", o.bad)
		}
		stop, ref := r.option(o, len(words)+1)
		if ref != nil {
			return Statement{}, ref
		}
		if stop && r.eaten {
			break // setopt returns at once, before it looks at the rest
		}
		if stop {
			// "-D -k KEY" and "-l -k KEY" take the rules whose key holds
			// KEY; auditctl reads the -k itself, not as an option.
			if (o.name == "-D" || o.name == "-l") && len(words) == 3 {
				if i+1 < len(opts) && opts[i+1].name == "-k" {
					if o.name == "-D" {
						r.directives[len(r.directives)-1].Key = opts[i+1].arg
					}
					break
				}
				return Statement{}, refuse(CheckParseError, "%s takes only -k KEY after it", o.name)
			}
			if o.name == "-l" && len(words) == 2 && words[1] == "-i" {
				break
			}
			// auditctl leaves its option loop here; any word getopt has
			// not moved past fails the line.
			if o.rest || o.next < len(words) {
				return Statement{}, refuse(CheckParseError, "%s ends what auditctl reads of the line, and the rest makes it fail: put %s on a line of its own", o.name, o.name)
			}
			break
		}
	}
	if len(strays) > 0 && !r.eaten {
		if strings.HasPrefix(strays[0], "#") {
			return Statement{}, refuse(CheckInlineComment, "comment after a rule: auditctl reads %q as a word and rejects the whole line; move the comment to a line of its own", strays[0])
		}
		return Statement{}, refuse(CheckParseError, "unexpected word %q: every value must follow its option (write a space inside a value as '\\ ')", strays[0])
	}
	if r.keyLen > 0 {
		if ref := r.addKey(); ref != nil {
			return Statement{}, ref
		}
	}
	switch {
	case r.eaten:
		return Statement{Note: &Refusal{Check: CheckIgnored, Loads: true, NeedsAuditctl: ListSinceAuditctl[r.list],
			Message: fmt.Sprintf("the action %q is obsolete: auditctl drops the whole rule without an error, so it is never loaded; use always", r.actionText)}}, nil
	case r.isRule:
		if len(r.directives) > 0 {
			return Statement{}, refuse(CheckParseError, "%s cannot be part of a rule: put each control option on a line of its own", r.directives[0].Option)
		}
		if syscallArgs == 1 && !r.sharedSyscalls && a.Lines > 0 && len(a.lists) < maxLists {
			if a.lists == nil {
				a.lists = map[string][]string{}
			}
			a.lists[syscallArg] = r.spec.Syscalls[:len(r.spec.Syscalls):len(r.spec.Syscalls)]
		}
		spec := r.spec
		if r.keyLen > 0 {
			spec.Keys = r.keys
			if joined := strings.Join(r.keys, KeySep); strings.Count(joined, KeySep) >= len(r.keys) {
				spec.Keys = strings.Split(joined, KeySep) // a key holding the separator is two to the kernel
			}
		}
		spec.List = r.list
		return Statement{Rule: a.spec(spec), Note: r.misread}, nil
	case r.syscallAdded:
		return Statement{}, refuse(CheckParseError, "-S without a list: add -a always,exit before it")
	case len(r.directives) == 1:
		return Statement{Directive: r.directives[0], Note: r.misread}, nil
	case len(r.directives) > 1:
		return Statement{Directive: r.directives[0], Note: &Refusal{Check: CheckOnePerLine, Loads: true,
			Message: fmt.Sprintf("%s and %s on one line: auditctl sets both, but augenrules and auditpack read a control line by its first option; put each on a line of its own", r.directives[0].Option, r.directives[1].Option)}}, nil
	}
	return Statement{Note: &Refusal{Check: CheckStatefulOption, Loads: true,
		Message: fmt.Sprintf("%s is a command, not configuration: in a rules file it changes nothing; remove it", r.commands[0])}}, nil
}

// option handles one option as auditctl's setopt does. stop is set where
// auditctl leaves its option loop without an error.
func (r *reader) option(o opt, count int) (stop bool, ref *Refusal) {
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
	case "-m", "-q", "-d", "-W", "--signal":
		r.commands = append(r.commands, o.name)
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

// Problem says what auditctl makes of a control option's value: a
// refusal, a misreading (Loads set), or nil when it reads what is written.
func (d Directive) Problem() *Refusal {
	switch d.Option {
	case OptEnabled, OptFailure:
		if d.Value != "0" && d.Value != "1" && d.Value != "2" {
			return refuse(CheckInvalidValue, "%s must be 0, 1 or 2, not %q", d.Option, d.Value)
		}
	case OptBacklogLimit, OptRateLimit, OptBacklogWaitTime:
		if _, misread, ok := d.Number(); !ok {
			return refuse(CheckInvalidValue, "%s needs a whole number from 0 to 4294967295, not %q", d.Option, d.Value)
		} else if misread != "" {
			return &Refusal{Check: CheckValueMisread, Loads: true, Message: misread}
		}
	}
	return nil
}

// Number reads a -b, -r or --backlog_wait_time value as auditctl does
// (strtoul with base 0, then cut to 32 bits). misread says how the kernel
// gets something else than what is written.
func (d Directive) Number() (v uint32, misread string, ok bool) {
	n, rest, ok := strtoul(d.Value)
	if !ok {
		return 0, "", false
	}
	switch {
	case n > 1<<32-1:
		misread = fmt.Sprintf("%s %s does not fit in 32 bits: auditctl silently sets %d; use a value up to 4294967295", d.Option, d.Value, uint32(n))
	case rest != "":
		misread = fmt.Sprintf("%s %s: auditctl reads %d and ignores %q; write the number alone", d.Option, d.Value, uint32(n), rest)
	case len(d.Value) > 1 && d.Value[0] == '0' && d.Value[1] != 'x' && d.Value[1] != 'X':
		misread = fmt.Sprintf("%s %s is read as octal, %d; remove the leading zero", d.Option, d.Value, uint32(n))
	}
	return uint32(n), misread, true
}

// strtoul reads a number as C's strtoul with base 0 after auditctl's
// isdigit test: decimal, 0x hex or 0 octal, stopping at the first other
// character. ok is false without a leading digit or beyond 64 bits.
func strtoul(s string) (n uint64, rest string, ok bool) {
	if s == "" || s[0] < '0' || s[0] > '9' {
		return 0, s, false
	}
	base, i := uint64(10), 0
	switch {
	case len(s) > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && hexDigit(s[2]) >= 0:
		base, i = 16, 2
	case s[0] == '0':
		base = 8
	}
	for ; i < len(s); i++ {
		d := hexDigit(s[i])
		if d < 0 || uint64(d) >= base {
			break
		}
		if n > (1<<64-1-uint64(d))/base {
			return 0, "", false
		}
		n = n*base + uint64(d)
	}
	return n, s[i:], true
}

func hexDigit(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'a' <= c && c <= 'f':
		return int(c-'a') + 10
	case 'A' <= c && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

// strtol reads "-N" as C's strtol with base 0 and cuts it to 32 bits.
func strtol(s string) (uint32, bool) {
	neg := strings.HasPrefix(s, "-")
	n, _, ok := strtoul(strings.TrimPrefix(s, "-"))
	if !ok {
		return 0, false
	}
	if neg {
		return uint32(-int64(n)), true
	}
	return uint32(n), true
}

func (r *reader) add(o opt) *Refusal {
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

func (r *reader) syscalls(arg string) *Refusal {
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
	if !r.sharedSyscalls { // else the list is an earlier rule's, of this argument
		if !strings.Contains(arg, ",") {
			r.spec.Syscalls = append(r.spec.Syscalls, arg)
		}
		// auditctl splits a list with strtok: empty names between commas vanish.
		for rest := arg; strings.Contains(arg, ",") && rest != ""; {
			name, tail, _ := strings.Cut(rest, ",")
			if name != "" {
				r.spec.Syscalls = append(r.spec.Syscalls, name)
			}
			rest = tail
		}
	}
	r.spec.SyscallsGiven = true
	r.syscallAdded = true
	return nil
}

func (r *reader) appendKey(k string) *Refusal {
	total := r.keyLen + len(k)
	if len(r.keys) > 0 {
		total++ // the separator
	}
	if total > MaxKeyLen {
		return refuse(CheckKey, "the keys of this rule are %d bytes together; auditctl takes at most %d (keys are joined with a separator): shorten them", total, MaxKeyLen)
	}
	r.keyLen = total
	r.keys = append(r.keys, k)
	return nil
}

// addKey is the key field auditctl adds after reading the whole line.
func (r *reader) addKey() *Refusal {
	if r.exclude {
		return refuse(CheckNotForList, "a key on the exclude list: exclude rules record nothing, so they carry no key; remove it")
	}
	if !(r.syscallAdded || r.permAdded || r.exeAdded || r.fsAdded) {
		return refuse(CheckKey, "a key needs a -S, a watch or a path, dir, perm or exe field in its rule: auditctl rejects the line (user, exclude and task rules cannot carry a key)")
	}
	if r.fieldCount >= MaxFields-1 {
		return refuse(CheckFieldCount, "the rule has %d fields (arch, -F and the key): auditctl sends at most %d and stops with \"Too many fields in rule\"; split the rule", r.fieldCount+1, MaxFields-1)
	}
	r.fieldCount++
	return nil
}

func (r *reader) watch(path string) *Refusal {
	if r.spec.Watch != "" {
		return refuse(CheckWatchForm, "a watch has one -w; this line has two")
	}
	if r.listSet {
		return refuse(CheckWatchForm, "-w in a -a/-A rule: a watch cannot also be a syscall rule; use -F path= or -F dir= instead")
	}
	r.list, r.listSet, r.isRule = ListExit, true, true
	r.spec.Action = Always
	r.syscallAdded = true
	if len(path) >= PathMax {
		return refuse(CheckParseError, "the watched path is %d bytes; the kernel takes at most %d", len(path), PathMax-1)
	}
	if !strings.HasPrefix(path, "/") {
		return refuse(CheckPath, "-w %s: the path must start with '/' (auditctl refuses a relative path); write the absolute path", path)
	}
	base := path[strings.LastIndexByte(strings.TrimRight(path, "/"), '/')+1:]
	if len(strings.TrimRight(base, "/")) > NameMax {
		return refuse(CheckParseError, "the last component of the watched path is %d bytes; the kernel takes at most %d", len(base), NameMax)
	}
	if len(path) > 2 {
		path = strings.TrimRight(path, "/")
		if path == "" {
			path = "/"
		}
	}
	r.spec.Watch, r.spec.Perm = path, PermAll
	r.fieldCount = 2
	r.permField = []int{-1}
	return nil
}

func (r *reader) perm(letters string) *Refusal {
	if !r.listSet {
		return refuse(CheckWatchForm, "-p needs a -w (or -a) before it")
	}
	bits, ref := permBits(letters)
	if ref != nil {
		return ref
	}
	if r.fieldCount < 1 {
		return refuse(CheckWatchForm, "-p before any field: auditctl puts the permissions after a path; write -F path=... first")
	}
	r.permAdded = true
	if len(r.permField) == 0 {
		if r.fieldCount >= MaxFields-1 {
			return refuse(CheckFieldCount, "too many fields to add the permissions: auditctl sends at most %d fields in a rule; split the rule", MaxFields-1)
		}
		r.permField = append(r.permField, len(r.spec.Fields))
		r.spec.Fields = append(r.spec.Fields, Field{Def: fieldsByNumber[fieldPerm], Op: OpEqual, Kind: KindPerm})
		r.fieldCount++
	}
	for _, i := range r.permField {
		if i < 0 {
			r.spec.Perm, r.spec.PermGiven = bits, true
			continue
		}
		f := &r.spec.Fields[i]
		f.Value, f.Resolved, f.Text = uint32(bits), true, PermText(uint32(bits))
	}
	return nil
}

func permBits(s string) (uint8, *Refusal) {
	if len(s) > 4 {
		return 0, refuse(CheckWatchForm, "permissions %q are too long: at most four letters from r, w, x, a", s)
	}
	var bits uint8
	for i := 0; i < len(s); i++ {
		switch s[i] | 0x20 {
		case 'r':
			bits |= PermRead
		case 'w':
			bits |= PermWrite
		case 'x':
			bits |= PermExec
		case 'a':
			bits |= PermAttr
		default:
			return 0, refuse(CheckWatchForm, "permission %q is not one of r, w, x, a", string(s[i]))
		}
	}
	return bits, nil
}

// splitPair finds the operator as libaudit does: the first operator of
// its search order that occurs anywhere in the text.
func splitPair(pair string, ops []struct {
	text string
	op   Op
}) (name string, op Op, value string, found bool) {
	for _, o := range ops {
		if i := strings.Index(pair, o.text); i >= 0 {
			return pair[:i], o.op, pair[i+len(o.text):], true
		}
	}
	return "", 0, "", false
}

// splitField is splitPair with auditctl's full operator search. Most
// pairs hold one operator and no operator character after it; for them
// the first operator character decides, in one scan.
func splitField(pair string) (name string, op Op, value string, found bool) {
	i := 0
	for i < len(pair) && !isOperatorChar[pair[i]] {
		i++
	}
	if i == len(pair) {
		return "", 0, "", false
	}
	n := 1
	if i+1 < len(pair) && pair[i+1] == '=' {
		n = 2
	}
	if o, ok := ParseOp(pair[i : i+n]); ok {
		rest := pair[i+n:]
		j := 0
		for j < len(rest) && !isOperatorChar[rest[j]] {
			j++
		}
		if j == len(rest) {
			return pair[:i], o, rest, true
		}
	}
	return splitPair(pair, operatorSearch)
}

// isOperatorChar holds the characters operators are made of.
var isOperatorChar = [256]bool{'!': true, '<': true, '>': true, '=': true, '&': true}

func (r *reader) field(pair string) *Refusal {
	if r.fieldCount >= MaxFields-1 {
		return refuse(CheckFieldCount, "the rule has %d fields (arch, -F and the key): auditctl sends at most %d and stops with \"Too many fields in rule\"; split the rule", r.fieldCount+1, MaxFields-1)
	}
	name, op, value, found := splitField(pair)
	switch {
	case !found:
		return refuse(CheckParseError, "-F %s: no operator; write field, operator, value, e.g. auid>=1000", pair)
	case name == "":
		return refuse(CheckParseError, "-F %s: the field name is missing", pair)
	case value == "":
		return refuse(CheckParseError, "-F %s: the value is missing", pair)
	}
	def, ok := lookupField(name)
	if !ok {
		return refuse(CheckParseError, "-F %s: unknown field %q; auditctl knows %s", pair, name, knownFields)
	}
	f := Field{Def: def, Op: op, Kind: def.Kind, Text: value}
	if r.exclude && !def.UserFilter {
		return refuse(CheckNotForList, "-F %s on the exclude list: it takes only msgtype, pid, uid, gid, auid, exe and the subj_ fields", pair)
	}
	if def.ExitOnly && r.list != ListExit && r.list != ListIOUring {
		return refuse(CheckNotForList, "-F %s on the %s list: %s needs a syscall and works only on the exit list", pair, r.list, def.Name)
	}
	if (def.ClientEq && !op.isEq()) || (def.ClientEqOnly && op != OpEqual) {
		want := "= or !="
		if def.ClientEqOnly {
			want = "="
		}
		return refuse(CheckBadOperator, "-F %s: %s compares only with %s", pair, def.Name, want)
	}
	if ref := r.fieldValue(&f, pair); ref != nil {
		return ref
	}
	switch def.Number {
	case fieldPath, fieldDir, fieldPerm:
		r.permAdded = true
	case fieldExe:
		r.exeAdded = true
	case 26: // fstype
		r.fsAdded = true
	}
	if def.Number == fieldPerm {
		r.permField = append(r.permField, len(r.spec.Fields))
	}
	r.spec.Fields = append(r.spec.Fields, f)
	r.fieldCount++
	return nil
}

// fieldValue turns the value's text into what auditctl sends, with its
// checks; names it resolves on the loading host stay unresolved offline.
func (r *reader) fieldValue(f *Field, pair string) *Refusal {
	text := f.Text
	digit := text[0] >= '0' && text[0] <= '9'
	negative := len(text) >= 2 && text[0] == '-' && text[1] >= '0' && text[1] <= '9'
	set := func(v uint32) { f.Value, f.Resolved = v, true }
	number := func(signed bool) {
		if signed && negative {
			v, _ := strtol(text)
			set(v)
			return
		}
		n, _, _ := strtoul(text)
		set(uint32(n))
		if n > 1<<32-1 {
			r.noteMisread(CheckTruncated, "-F %s does not fit in 32 bits: auditctl silently sends its low 32 bits, %#x; the kernel compares 32-bit values", pair, uint32(n))
		}
	}
	switch f.Def.Value {
	case ValUID:
		switch {
		case digit || negative:
			number(true)
		case text == "unset":
			set(1<<32 - 1)
		default:
			return r.resolve(f, pair, "user")
		}
	case ValGID:
		if digit {
			number(true)
			return nil
		}
		return r.resolve(f, pair, "group")
	case ValErrno:
		if digit || negative {
			number(true)
			return nil
		}
		name, minus := strings.CutPrefix(text, "-")
		n, ok := auparse.AuditErrnoToNum[name]
		if !ok || n == 0 {
			return refuse(CheckBadValue, "-F %s: %q is not an errno name or number; write e.g. exit=-EACCES", pair, text)
		}
		if minus {
			set(uint32(-int32(n)))
		} else {
			set(uint32(n))
			r.noteMisread("FLD-EXIT-POSITIVE-ERRNO", "exit=%s means the syscall returned +%d, not that it failed with %s; write exit=-%s", text, n, text, text)
		}
	case ValMsgType:
		if r.list != ListExclude && r.list != ListUser {
			return refuse(CheckNotForList, "-F %s on the %s list: msgtype works only on the user and exclude lists", pair, r.list)
		}
		if digit {
			number(true)
			return nil
		}
		t, ok := RecordType(text)
		if !ok {
			return refuse(CheckMsgType, "-F %s: message type %q is unknown", pair, text)
		}
		set(t)
	case ValString:
		if len(text) > PathMax || (f.Def.Number == FieldKey && len(text) > MaxKeyLen) {
			return refuse(CheckBadValue, "-F %s: the value is %d bytes, more than auditctl sends", pair[:min(len(pair), 40)]+"...", len(text))
		}
		if f.Def.Number == FieldKey && !(r.syscallAdded || r.permAdded || r.exeAdded || r.fsAdded) {
			return refuse(CheckKey, "a key needs a -S, a watch or a path, dir, perm or exe field before it")
		}
	case ValArch:
		if r.syscallAdded {
			return refuse("ARCH-AFTER-SYSCALL", "-F %s after -S (or -w): auditctl chose the syscall table already and rejects the line; put -F arch= before -S", pair)
		}
		if _, ok := archValue(text); !ok {
			return refuse(CheckBadValue, "-F %s: unknown arch; write b64 or b32", pair)
		}
	case ValPerm:
		bits, ref := permBits(text)
		if ref != nil {
			return refuse(CheckBadValue, "-F %s: %s", pair, ref.Message)
		}
		set(uint32(bits))
	case ValFileType:
		v, ok := fileTypes[text]
		if !ok {
			return refuse(CheckBadValue, "-F %s: file type %q is unknown; use file, dir, link, socket, block, character or fifo", pair, text)
		}
		set(v)
	case ValFSType:
		if r.list != ListFilesystem {
			return refuse(CheckNotForList, "-F %s on the %s list: fstype works only on the filesystem list", pair, r.list)
		}
		if digit {
			number(false)
			return nil
		}
		v, ok := fsTypes[text]
		if !ok {
			return refuse(CheckBadValue, "-F %s: file system %q is unknown to auditctl; write its magic number", pair, text)
		}
		set(v)
	case ValArg:
		if !digit && !negative {
			return refuse(CheckBadValue, "-F %s is not a number; syscall arguments compare as numbers (strings are pointers)", pair)
		}
		number(true)
	case ValSession:
		if r.list != ListExclude && r.list != ListUser && r.list != ListExit {
			return refuse(CheckNotForList, "-F %s on the %s list: sessionid works on the exit, user and exclude lists", pair, r.list)
		}
		switch {
		case digit || negative:
			number(true)
		case text == "unset":
			set(1<<32 - 1)
		default:
			set(0)
			r.noteMisread(CheckTruncated, "-F %s: auditctl reads a value that is not a number as 0", pair)
		}
	case ValSaddrFam:
		n, _, _ := strtoul(text)
		if n >= afMax {
			return refuse(CheckBadValue, "-F %s: address family %d is beyond the last one (%d)", pair, n, afMax-1)
		}
		set(uint32(n))
	case ValNumber:
		if f.Def.Number == fieldInode && !f.Op.isEq() {
			return refuse(CheckBadOperator, "-F %s: inode compares only with = or !=", pair)
		}
		if !digit {
			return refuse(CheckBadValue, "-F %s: %s needs a number", pair, f.Def.Name)
		}
		number(f.Def.Number != fieldInode)
	}
	return nil
}

// knownFields lists the field names for messages, in the table's order.
var knownFields = func() string {
	var names []string
	for _, f := range Fields {
		if f.Number != FieldCompare {
			names = append(names, f.Name)
		}
	}
	return strings.Join(names, ", ")
}()

func (r *reader) noteMisread(check, format string, args ...any) {
	if r.misread == nil {
		r.misread = &Refusal{Check: check, Loads: true, Message: fmt.Sprintf(format, args...)}
	}
}

// resolve leaves a user or group name to the loading host, which
// auditctl asks (HostProblems says when it does not know the name).
func (r *reader) resolve(*Field, string, string) *Refusal { return nil }

// archValue reads an arch name or number as auditctl does; the ABI is
// resolved per target by Normalize.
func archValue(s string) (string, bool) {
	if strings.EqualFold(s, "b64") || strings.EqualFold(s, "b32") {
		return strings.ToLower(s), true
	}
	if _, ok := machineNames[s]; ok {
		return s, true
	}
	if s[0] >= '0' && s[0] <= '9' {
		n, _, ok := strtoul(s)
		if ok && n <= 1<<32-1 {
			if _, known := elfMachines[uint32(n)]; known {
				return s, true
			}
		}
	}
	return "", false
}

func (r *reader) compare(pair string) *Refusal {
	if r.fieldCount >= MaxFields-1 {
		return refuse(CheckFieldCount, "more than %d fields: split the rule", MaxFields-1)
	}
	name, op, value, found := splitPair(pair, operatorSearch[:1:1])
	if !found {
		if name, op, value, found = splitPair(pair, []struct {
			text string
			op   Op
		}{{"=", OpEqual}}); !found {
			return refuse(CheckBadOperator, "-C %s: -C compares with = or != only", pair)
		}
	}
	a, okA := lookupField(name)
	b, okB := lookupField(value)
	switch {
	case name == "" || value == "":
		return refuse(CheckParseError, "-C %s: write two fields, e.g. -C uid!=euid", pair)
	case !okA || !okB:
		return refuse(CheckParseError, "-C %s: unknown field", pair)
	case !r.listSet || r.list != ListExit:
		return refuse(CheckNotForList, "-C %s: field comparisons work only on the exit list", pair)
	}
	code, ok := compareCodes[[2]uint32{a.Number, b.Number}]
	if !ok {
		return refuse(CheckParseError, "-C %s: %s and %s cannot be compared; compare user IDs with user IDs, group IDs with group IDs", pair, a.Name, b.Name)
	}
	r.spec.Fields = append(r.spec.Fields, Field{Def: a, Op: op, Kind: KindCompare, Text: b.Name, Value: code, Resolved: true})
	r.fieldCount++
	return nil
}
