package packs

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
	"unsafe"

	"github.com/elastic/go-libaudit/v2/rule"
)

// MaxLineLen is the longest line auditctl reads whole: it uses
// fgets(buf, 6144), so a longer line is split and its tail becomes a rule
// of its own.
const MaxLineLen = 6143

// File is one parsed rules file.
type File struct {
	Name  string // base name, the key augenrules sorts by
	Path  string // as shown to the user
	Pack  *Pack  // nil for plain files
	Items []Item
	// Errors are the lines auditctl would reject, in line order.
	Errors []*ParseError
	// Ignores are the "# auditpack:ignore CHECK reason" comments.
	Ignores []Ignore
	// MissingFinalNewline is set when the last line has no newline:
	// augenrules concatenates files, gluing it to the next file's first line.
	MissingFinalNewline bool
	// Lines is the number of lines in the file.
	Lines int
}

// Ignore is a suppression comment, "# auditpack:ignore CHECK reason": it
// silences CHECK on the line right below it.
type Ignore struct {
	Origin Origin // the comment's line
	Check  string
	Reason string
	Target int // the line it applies to; 0 when no rule line follows
}

// ParseFile parses the contents of one rules file. Lines auditctl would
// reject become ParseErrors; parsing goes on, so one run reports them all.
// The returned items refer to data, which the caller must not change.
func ParseFile(name, path string, pack *Pack, data []byte) *File {
	f := &File{Name: name, Path: path, Pack: pack}
	origin := Origin{File: path}
	if pack != nil {
		origin.Pack = pack.ID()
	}
	if i := bytes.IndexByte(data, 0); i >= 0 {
		origin.Line = 1 + bytes.Count(data[:i], []byte{'\n'})
		f.Errors = append(f.Errors, &ParseError{Origin: origin, Check: CheckNotText,
			Message: "binary data (a NUL byte): this is not a rules file; give only text files of audit rules"})
		return f
	}
	lines := bytes.Count(data, []byte{'\n'}) + 1
	p := parser{file: f, origin: origin, chunkSize: min(4096, 64+4*lines)}
	p.items = make([]Item, 0, lines)
	// Tokens are substrings of the file's text. ParseFile owns data from
	// here on (callers pass what they read and never touch it again), so it
	// is viewed as a string instead of being copied.
	text := unsafe.String(unsafe.SliceData(data), len(data))
	for line := 1; len(text) > 0; line++ {
		end := strings.IndexByte(text, '\n')
		var l string
		if end < 0 {
			l, text = text, ""
			f.MissingFinalNewline = true
		} else {
			l, text = text[:end], text[end+1:]
		}
		f.Lines = line
		p.origin.Line = line
		p.line(l)
	}
	f.Items = p.items
	return f
}

type parser struct {
	file   *File
	origin Origin
	items  []Item
	// controls annotate the block of rules below them, up to a blank line.
	controls     []string
	controlsUsed bool

	// Chunks: rules of a file share backing arrays, so parsing costs a few
	// allocations per hundred lines instead of several per line.
	filters      []rule.FilterSpec
	syscallNames []string
	keys         []string
	syscalls     []rule.SyscallRule
	watches      []rule.FileWatchRule
	perms        map[string][]rule.AccessType // -p letters to their parsed form
	// pendingIgnores counts the last Ignores still waiting for their line.
	pendingIgnores int
	// chunkSize fits the file: small files get small chunks.
	chunkSize int
}

func (p *parser) fail(check, format string, args ...any) {
	p.file.Errors = append(p.file.Errors, &ParseError{Origin: p.origin, Check: check, Message: fmt.Sprintf(format, args...)})
}

func (p *parser) line(l string) {
	switch {
	case len(l) > MaxLineLen:
		p.fail(CheckLineTooLong, "line is %d bytes; auditctl reads at most %d and splits the rest into another rule: shorten it or split it into several rules", len(l), MaxLineLen)
		return
	case strings.HasSuffix(l, "\r"):
		p.fail(CheckCRLF, "line ends with a carriage return (Windows line ending); auditctl keeps it in the last value: convert the file with dos2unix")
		return
	case !utf8.ValidString(l):
		p.fail(CheckNotText, "line is not valid UTF-8 text; save the file as UTF-8")
		return
	}
	body := strings.TrimLeft(l, " ")
	if body == "" {
		p.controls, p.controlsUsed = nil, false
		p.pendingIgnores = 0
		return
	}
	if body[0] == '#' {
		p.comment(body)
		return
	}
	if i := strings.IndexByte(l, '\t'); i >= 0 {
		p.fail(CheckTab, "tab at column %d; auditctl separates words only by spaces, so the line is rejected: use spaces", i+1)
		return
	}
	for i := len(p.file.Ignores) - p.pendingIgnores; i < len(p.file.Ignores); i++ {
		p.file.Ignores[i].Target = p.origin.Line
	}
	p.pendingIgnores = 0
	p.statement(l, body)
}

// comment collects "controls:" annotations for the rules below, and
// suppression comments for the line below.
func (p *parser) comment(body string) {
	c := strings.TrimLeft(body, "# ")
	if rest, ok := strings.CutPrefix(c, "auditpack:ignore"); ok {
		check, reason, _ := strings.Cut(strings.TrimSpace(rest), " ")
		p.file.Ignores = append(p.file.Ignores, Ignore{Origin: p.origin, Check: check, Reason: strings.TrimSpace(reason)})
		p.pendingIgnores++
		return
	}
	rest, ok := strings.CutPrefix(c, "controls:")
	if !ok {
		return
	}
	if p.controlsUsed {
		p.controls, p.controlsUsed = nil, false
	}
	for _, id := range strings.FieldsFunc(rest, func(r rune) bool { return r == ' ' || r == ',' || r == '\t' }) {
		if !slices.Contains(p.controls, id) {
			p.controls = append(p.controls, id)
		}
	}
}

// words splits a line like auditctl: on runs of spaces only, with "\ " for a
// space inside a word and "\\" for a backslash.
func words(s string, into []string) []string {
	for i := 0; i < len(s); {
		if s[i] == ' ' {
			i++
			continue
		}
		start, escaped := i, false
		for i < len(s) && s[i] != ' ' {
			if s[i] == '\\' && i+1 < len(s) && (s[i+1] == ' ' || s[i+1] == '\\') {
				escaped = true
				i++
			}
			i++
		}
		w := s[start:i]
		if escaped {
			w = strings.NewReplacer(`\ `, " ", `\\`, `\`).Replace(w)
		}
		into = append(into, w)
	}
	return into
}

// shortArg lists auditctl's short options that take an argument.
const shortArg = "efrbaAdSFmRwWkpqC"

// option is one option of a line with its argument.
type option struct {
	name string // "-a", "--backlog_wait_time"
	arg  string
}

func (p *parser) statement(l, body string) {
	var buf [24]string
	toks := words(body, buf[:0])
	var optBuf [16]option
	opts := optBuf[:0]
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		switch {
		case strings.HasPrefix(t, "--"):
			name, arg, hasArg := strings.Cut(t, "=")
			switch Option(name) {
			case OptBacklogWaitTime:
				if !hasArg {
					if i+1 == len(toks) {
						p.fail(CheckParseError, "%s needs a value, e.g. \"%s 60000\"", name, name)
						return
					}
					i++
					arg = toks[i]
				}
			case OptLoginuidImmutable:
				if hasArg {
					p.fail(CheckParseError, "%s takes no value", name)
					return
				}
			case "--reset-lost", "--signal", "--reset_backlog_wait_time_actual":
				p.fail(CheckStatefulOption, "%s is a one-off command, not configuration; run it with auditctl, not from a rules file", name)
				return
			default:
				p.fail(CheckParseError, "unknown option %q", name)
				return
			}
			opts = append(opts, option{name: name, arg: arg})
		case len(t) >= 2 && t[0] == '-':
			name := t[:2]
			c := t[1]
			if strings.IndexByte(shortArg, c) < 0 {
				if len(t) > 2 {
					p.fail(CheckParseError, "unknown option %q; write each option as its own word", t)
					return
				}
				opts = append(opts, option{name: name})
				continue
			}
			arg := t[2:]
			if arg == "" {
				if i+1 == len(toks) {
					p.fail(CheckParseError, "option %s needs a value", name)
					return
				}
				i++
				arg = toks[i]
			}
			opts = append(opts, option{name: name, arg: arg})
		case t[0] == '#':
			p.fail(CheckInlineComment, "comment after a rule: auditctl reads %q as a word and rejects the whole line; move the comment to a line of its own", t)
			return
		default:
			p.fail(CheckParseError, "unexpected word %q: every value must follow an option (write a space inside a value as '\\ ')", t)
			return
		}
	}
	it := Item{Origin: p.origin, Text: l, FiltersBeforeSyscalls: -1}
	var ok bool
	switch Option(opts[0].name) {
	case "-h", "-s", "-l", "-v", "-t", "-m", "-R", "-q", "-d", "-W":
		p.fail(CheckStatefulOption, "%s is a command, not configuration: a rules file only holds rules and control settings", opts[0].name)
	case OptDeleteAll, OptBacklogLimit, OptFailure, OptEnabled, OptRateLimit,
		OptBacklogWaitTime, OptLoginuidImmutable, OptContinueOnError, OptIgnoreErrors:
		ok = p.directive(&it, opts)
	default:
		ok = p.rule(&it, opts)
	}
	if ok {
		it.Controls, p.controlsUsed = p.controls, p.controls != nil
		p.items = append(p.items, it)
	}
}

// directive parses a control line; the caller knows its first option is
// a control option. It returns false after reporting a bad line.
func (p *parser) directive(it *Item, opts []option) bool {
	first := Option(opts[0].name)
	d := Directive{Option: first, Value: opts[0].arg}
	rest := opts[1:]
	if first == OptDeleteAll && len(rest) == 1 && rest[0].name == "-k" {
		d.Key, rest = rest[0].arg, nil
	}
	if len(rest) > 0 {
		p.fail(CheckParseError, "%s cannot share a line with %s: put each control option on a line of its own", first, rest[0].name)
		return false
	}
	if msg := d.Problem(); msg != "" {
		p.fail(CheckInvalidValue, "%s", msg)
		return false
	}
	it.Directive = d
	return true
}

// Problem says what is wrong with a control value, or "" when auditctl
// accepts it. It is stricter than auditctl where auditctl would silently
// read something else (010 as octal, "8192x" as 8192).
func (d Directive) Problem() string {
	switch d.Option {
	case OptEnabled, OptFailure:
		if d.Value != "0" && d.Value != "1" && d.Value != "2" {
			return fmt.Sprintf("%s must be 0, 1 or 2, not %q", d.Option, d.Value)
		}
	case OptBacklogLimit, OptRateLimit, OptBacklogWaitTime:
		if !isUint32(d.Value) {
			return fmt.Sprintf("%s needs a whole number from 0 to 4294967295 in decimal without leading zeros (auditctl reads 010 as octal 8), not %q", d.Option, d.Value)
		}
	}
	return ""
}

func isUint32(s string) bool {
	if s == "" || len(s) > 10 || (len(s) > 1 && s[0] == '0') {
		return false
	}
	var n uint64
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
		n = n*10 + uint64(s[i]-'0')
	}
	return n <= 1<<32-1
}

// rule parses -a/-A and -w lines into go-libaudit structs.
func (p *parser) rule(it *Item, opts []option) bool {
	var (
		list, action, watch, perms string
		prepend, haveAdd           bool
		permSeen                   bool
		filterStart                = reserve(&p.filters, p.chunkSize)
		syscallStart               = reserve(&p.syscallNames, p.chunkSize)
		keyBuf                     [4]string
		syscallsAt                 = -1
		keyAnchor                  bool // auditctl takes -k only after a syscall, watch, path, dir, perm or exe
		keys                       = keyBuf[:0]
	)
	for _, o := range opts {
		switch o.name {
		case "-a", "-A":
			if haveAdd {
				p.fail(CheckParseError, "a rule has one -a or -A; this line has two")
				return false
			}
			if watch != "" {
				p.fail(CheckWatchForm, "%s after -w: a watch cannot also be a syscall rule; write either -w PATH or -a list,action", o.name)
				return false
			}
			haveAdd, prepend = true, o.name == "-A"
			var msg string
			if list, action, msg = listAction(o.arg); msg != "" {
				p.fail(CheckParseError, "%s %s: %s", o.name, o.arg, msg)
				return false
			}
		case "-w":
			if haveAdd {
				p.fail(CheckWatchForm, "-w in a -a/-A rule: a watch cannot also be a syscall rule; use -F path= or -F dir= instead")
				return false
			}
			if watch != "" {
				p.fail(CheckWatchForm, "a watch has one -w; this line has two")
				return false
			}
			watch, keyAnchor = o.arg, true
		case "-p":
			if watch == "" {
				p.fail(CheckWatchForm, "-p needs a -w before it; a syscall rule takes -F perm= instead")
				return false
			}
			if permSeen {
				p.fail(CheckWatchForm, "a watch has one -p; this line has two")
				return false
			}
			if msg := badPerms(o.arg); msg != "" {
				p.fail(CheckWatchForm, "-p %s: %s", o.arg, msg)
				return false
			}
			permSeen, perms = true, o.arg
		case "-S":
			if watch != "" {
				p.fail(CheckWatchForm, "-S in a watch: a watch covers all syscalls; write an -a rule with -F path= to choose syscalls")
				return false
			}
			if !haveAdd {
				p.fail(CheckParseError, "-S before -a: auditctl needs the list first, e.g. -a always,exit -F arch=b64 -S %s", o.arg)
				return false
			}
			if syscallsAt < 0 {
				syscallsAt = len(p.filters) - filterStart
			}
			keyAnchor = true
			for _, s := range strings.Split(o.arg, ",") {
				if s == "" {
					p.fail(CheckParseError, "-S %s: empty syscall name in the list", o.arg)
					return false
				}
				p.syscallNames = append(p.syscallNames, s)
			}
		case "-F", "-C":
			read := valueFilter
			if o.name == "-C" {
				read = compareFilter
			}
			spec, msg := read(o.arg)
			if msg != "" {
				p.fail(CheckParseError, "%s %s: %s", o.name, o.arg, msg)
				return false
			}
			if !haveAdd && watch == "" {
				p.fail(CheckParseError, "%s before -a or -w: auditctl needs the list (-a always,exit) or the watch first", o.name)
				return false
			}
			switch spec.LHS {
			case "path", "dir", "perm", "exe":
				keyAnchor = keyAnchor || spec.Type == rule.ValueFilterType
			}
			p.filters = append(p.filters, spec)
		case "-k":
			if !keyAnchor {
				p.fail(CheckKey, "-k before any -S, -w or path, dir, perm or exe field: auditctl rejects the line; move -k to the end (user, exclude and task rules cannot carry a key)")
				return false
			}
			keys = append(keys, o.arg)
		default:
			p.fail(CheckParseError, "%s cannot be part of a rule: put each control option on a line of its own", o.name)
			return false
		}
	}
	if !haveAdd && watch == "" {
		p.fail(CheckParseError, "a rule needs -a list,action (or -A) or -w PATH")
		return false
	}
	keptFilters := taken(p.filters, filterStart)
	keptSyscalls := taken(p.syscallNames, syscallStart)
	keptKeys := keepSlice(&p.keys, keys)
	it.FiltersBeforeSyscalls = syscallsAt
	if watch != "" && keptFilters == nil {
		it.Rule = p.newWatch(watch, perms, keptKeys)
		return true
	}
	if watch != "" {
		// auditctl turns a watch with fields into an exit rule on the path.
		lead := []rule.FilterSpec{{Type: rule.ValueFilterType, LHS: "path", Comparator: "=", RHS: watch}}
		if permSeen {
			lead = append(lead, rule.FilterSpec{Type: rule.ValueFilterType, LHS: "perm", Comparator: "=", RHS: perms})
		}
		keptFilters = append(lead, keptFilters...)
		list, action = "exit", "always"
	}
	t := rule.AppendSyscallRuleType
	if prepend {
		t = rule.PrependSyscallRuleType
	}
	it.Rule = p.newSyscall(rule.SyscallRule{Type: t, List: list, Action: action, Filters: keptFilters, Syscalls: keptSyscalls, Keys: keptKeys})
	return true
}

const slabSize = 256

// reserve makes room in a chunk for one rule's values and returns where
// they start. A rule has at most 64 fields, so a rule rarely outgrows the
// room; when one does, append moves the chunk, which stays correct.
func reserve[T any](chunk *[]T, size int) int {
	if cap(*chunk)-len(*chunk) < 64 {
		*chunk = make([]T, 0, size)
	}
	return len(*chunk)
}

// taken is the part of a chunk appended since start, nil when empty.
func taken[T any](chunk []T, start int) []T {
	if len(chunk) == start {
		return nil
	}
	return chunk[start:len(chunk):len(chunk)]
}

// keepSlice copies s into the chunk *slab and returns the copy, nil for an
// empty s. A full chunk is replaced, never grown, so earlier rules keep
// pointing into chunks that no longer change.
func keepSlice[T any](slab *[]T, s []T) []T {
	if len(s) == 0 {
		return nil
	}
	if cap(*slab)-len(*slab) < len(s) {
		*slab = make([]T, 0, max(4096, len(s)))
	}
	start := len(*slab)
	*slab = append(*slab, s...)
	return (*slab)[start:len(*slab):len(*slab)]
}

func (p *parser) newSyscall(r rule.SyscallRule) *rule.SyscallRule {
	if len(p.syscalls) == cap(p.syscalls) {
		p.syscalls = make([]rule.SyscallRule, 0, slabSize)
	}
	p.syscalls = append(p.syscalls, r)
	return &p.syscalls[len(p.syscalls)-1]
}

func (p *parser) newWatch(path, perms string, keys []string) *rule.FileWatchRule {
	if len(p.watches) == cap(p.watches) {
		p.watches = make([]rule.FileWatchRule, 0, slabSize)
	}
	w := rule.FileWatchRule{Type: rule.FileWatchRuleType, Path: path, Keys: keys, Permissions: p.perms[perms]}
	if w.Permissions == nil && perms != "" {
		for i := 0; i < len(perms); i++ {
			w.Permissions = append(w.Permissions, accessTypes[perms[i]])
		}
		if p.perms == nil {
			p.perms = map[string][]rule.AccessType{}
		}
		p.perms[perms] = w.Permissions // shared: nobody modifies a parsed rule
	}
	p.watches = append(p.watches, w)
	return &p.watches[len(p.watches)-1]
}

var accessTypes = map[byte]rule.AccessType{
	'r': rule.ReadAccessType, 'w': rule.WriteAccessType,
	'x': rule.ExecuteAccessType, 'a': rule.AttributeChangeAccessType,
}

func badPerms(s string) string {
	if len(s) > 4 {
		return "at most four letters from r, w, x, a"
	}
	for i := 0; i < len(s); i++ {
		if _, ok := accessTypes[s[i]]; !ok {
			return fmt.Sprintf("permission %q is not one of r, w, x, a", string(s[i]))
		}
		if strings.IndexByte(s[:i], s[i]) >= 0 {
			return fmt.Sprintf("permission %q is repeated", string(s[i]))
		}
	}
	return ""
}

// Lists and actions auditctl 4.x knows; "entry" and "possible" were removed
// from the kernel and are rejected there.
var (
	lists   = map[string]bool{"task": true, "exit": true, "user": true, "exclude": true, "filesystem": true, "io_uring": true}
	actions = map[string]bool{"never": true, "always": true}
)

func listAction(s string) (list, action, msg string) {
	a, b, ok := strings.Cut(s, ",")
	if !ok || strings.Contains(b, ",") {
		return "", "", "write one list and one action separated by one comma, e.g. always,exit"
	}
	for _, w := range []string{a, b} {
		switch {
		case lists[w] && list == "":
			list = w
		case actions[w] && action == "":
			action = w
		case w == "entry":
			return "", "", "the entry list was removed from the kernel; use exit"
		case w == "possible":
			return "", "", "the possible action was removed from the kernel; use always"
		default:
			return "", "", fmt.Sprintf("%q is not a list (task, exit, user, exclude, filesystem, io_uring) or an action (always, never), or it is repeated", w)
		}
	}
	return list, action, ""
}

// Fields auditctl accepts in -F (its fieldtab), with "loginuid" as the old
// name of auid.
var fields = func() map[string]bool {
	m := map[string]bool{}
	for _, f := range strings.Fields(`a0 a1 a2 a3 arch auid loginuid devmajor devminor dir egid euid exe exit
		filetype fsgid fstype fsuid gid inode key msgtype obj_gid obj_lev_high obj_lev_low obj_role
		obj_type obj_uid obj_user path perm pers pid ppid saddr_fam sessionid sgid subj_clr subj_role
		subj_sen subj_type subj_user success suid uid uringop`) {
		m[f] = true
	}
	return m
}()

// Fields -C can compare with each other.
var comparableFields = map[string]bool{
	"uid": true, "euid": true, "suid": true, "fsuid": true, "auid": true, "loginuid": true, "obj_uid": true,
	"gid": true, "egid": true, "sgid": true, "fsgid": true, "obj_gid": true,
}

// Operators in the order auditctl looks for them.
var operators = []string{"!=", ">=", "<=", "&=", "=", ">", "<", "&"}

// splitField splits "name op value" where name is a lowercase identifier.
func splitField(s string) (name, op, value, msg string) {
	i := 0
	for i < len(s) && (s[i] == '_' || isDigit(s[i]) || ('a' <= s[i] && s[i] <= 'z')) {
		i++
	}
	name = s[:i]
	if name == "" {
		return "", "", "", "write field, operator, value, e.g. auid>=1000"
	}
	for _, o := range operators {
		if strings.HasPrefix(s[i:], o) {
			return name, o, s[i+len(o):], ""
		}
	}
	return "", "", "", fmt.Sprintf("no operator after %q; use one of = != < > <= >= & &=", name)
}

func valueFilter(s string) (rule.FilterSpec, string) {
	name, op, value, msg := splitField(s)
	if msg != "" {
		return rule.FilterSpec{}, msg
	}
	if !fields[name] {
		return rule.FilterSpec{}, fmt.Sprintf("unknown field %q (field names are lowercase, e.g. auid, arch, path)", name)
	}
	return rule.FilterSpec{Type: rule.ValueFilterType, LHS: name, Comparator: op, RHS: value}, ""
}

func compareFilter(s string) (rule.FilterSpec, string) {
	name, op, value, msg := splitField(s)
	if msg != "" {
		return rule.FilterSpec{}, msg
	}
	if op != "=" && op != "!=" {
		return rule.FilterSpec{}, fmt.Sprintf("-C compares with = or != only, not %q", op)
	}
	for _, f := range []string{name, value} {
		if !comparableFields[f] {
			return rule.FilterSpec{}, fmt.Sprintf("%q cannot be compared; -C takes uid, euid, suid, fsuid, auid, obj_uid, gid, egid, sgid, fsgid, obj_gid", f)
		}
	}
	return rule.FilterSpec{Type: rule.InterFieldFilterType, LHS: name, Comparator: op, RHS: value}, ""
}
