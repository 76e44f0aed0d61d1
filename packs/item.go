package packs

import "github.com/auditpack/auditpack/packs/model"

// The line types are the model's: packs reads files into them.
type (
	// Origin is where an item was written.
	Origin = model.Origin
	// Option is a control option of auditctl.
	Option = model.Option
	// Directive is a parsed control line.
	Directive = model.Directive
	// Item is one meaningful line of a rules file: a control directive or a rule.
	Item = model.Line
)

// The control options a rules file may carry.
const (
	OptDeleteAll         = model.OptDeleteAll
	OptBacklogLimit      = model.OptBacklogLimit
	OptFailure           = model.OptFailure
	OptEnabled           = model.OptEnabled
	OptRateLimit         = model.OptRateLimit
	OptBacklogWaitTime   = model.OptBacklogWaitTime
	OptLoginuidImmutable = model.OptLoginuidImmutable
	OptContinueOnError   = model.OptContinueOnError
	OptIgnoreErrors      = model.OptIgnoreErrors
)

// ParseError is a line that auditctl would reject, mangle or ignore
// before the kernel sees it. Check is the lint catalogue ID that
// classifies it; whether the load fails is the check's to say.
type ParseError struct {
	Origin  Origin
	Check   string
	Message string // what is wrong and how to fix it
	// Loads is set when auditctl loads the line all the same, reading it
	// as something else than it says or ignoring it; the line may then
	// be an item too.
	Loads bool
	// NeedsAuditctl is the auditctl version that reads the line at all.
	NeedsAuditctl string
}

func (e *ParseError) Error() string { return e.Origin.String() + ": " + e.Message }

// The catalogue IDs a line of a file can carry before it is read as a rule.
const (
	CheckParseError     = model.CheckParseError
	CheckInlineComment  = model.CheckInlineComment
	CheckCRLF           = "SYN-CRLF"
	CheckTab            = "SYN-TAB-WHITESPACE"
	CheckLineTooLong    = "SYN-LINE-TOO-LONG"
	CheckStatefulOption = model.CheckStatefulOption
	CheckNotText        = "SYN-NOT-TEXT"
	// Found when files are merged, not in one line.
	CheckFileConflict      = "PACK-FILE-CONFLICT"
	CheckMissingEOFNewline = "SYN-MISSING-EOF-NEWLINE"
	// Found when a rules.d is listed: what augenrules reads otherwise than
	// its names say (see readRulesDir).
	CheckFileSymlink = "PACK-FILE-SYMLINK"
	CheckFileUnread  = "PACK-FILE-UNREAD"
)
