package packs

import (
	"fmt"

	"github.com/elastic/go-libaudit/v2/rule"
)

// Origin is where an item was written, so every finding can point back to it.
type Origin struct {
	Pack string // "stig@2.1.0"; empty for plain files
	File string // the path as the user knows it
	Line int    // 1-based; 0 means the whole file
}

// String is the "file:line" form editors and CI annotations understand.
func (o Origin) String() string {
	if o.Line == 0 {
		return o.File
	}
	return fmt.Sprintf("%s:%d", o.File, o.Line)
}

// Describe names the pack too, for messages that connect two packs.
func (o Origin) Describe() string {
	if o.Pack == "" {
		return o.String()
	}
	return o.Pack + " " + o.String()
}

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

// Directive is a parsed control line.
type Directive struct {
	Option Option
	Value  string // the argument; empty for options without one
	Key    string // the -k of "-D -k KEY", which deletes by key substring
}

// Item is one meaningful line of a rules file: a control directive or a rule.
type Item struct {
	Origin Origin
	Text   string // the line exactly as written, without its newline
	// Directive is set (Option != "") for control lines.
	Directive Directive
	// Rule is a *rule.SyscallRule or *rule.FileWatchRule for rule lines.
	Rule rule.Rule
	// Controls are the compliance control IDs annotated above the item's
	// block of lines ("## controls: RHEL-09-654010 SRG-OS-000064-GPOS-00033");
	// a blank line ends a block.
	Controls []string
	// FiltersBeforeSyscalls counts the -F/-C fields written before the first
	// -S (-1 without -S): auditctl resolves syscall names with the arch
	// given so far, so an arch written after -S is an error.
	FiltersBeforeSyscalls int
}

// IsDirective reports whether the item is a control line.
func (it *Item) IsDirective() bool { return it.Directive.Option != "" }

// ParseError is a line that auditctl would reject (or mangle) before the
// kernel sees it. Check is the lint catalogue ID that classifies it.
type ParseError struct {
	Origin  Origin
	Check   string
	Message string // what is wrong and how to fix it
}

func (e *ParseError) Error() string { return e.Origin.String() + ": " + e.Message }

// The catalogue IDs a parse error can carry.
const (
	CheckParseError     = "SYN-PARSE-ERROR"
	CheckInlineComment  = "SYN-INLINE-COMMENT"
	CheckCRLF           = "SYN-CRLF"
	CheckTab            = "SYN-TAB-WHITESPACE"
	CheckLineTooLong    = "SYN-LINE-TOO-LONG"
	CheckWatchForm      = "SYN-WATCH-FORM"
	CheckKey            = "SYN-KEY"
	CheckInvalidValue   = "CTRL-INVALID-VALUE"
	CheckStatefulOption = "CTRL-STATEFUL-COMMAND-IN-PACK"
	CheckNotText        = "SYN-NOT-TEXT"
	// Found when files are merged, not in one line.
	CheckFileConflict      = "PACK-FILE-CONFLICT"
	CheckMissingEOFNewline = "SYN-MISSING-EOF-NEWLINE"
)
