package model

import "slices"

// Check names the catalogue entry (a lint check) a problem is filed under.
// The model makes each one once, here, for what it finds, what the
// reader of files and the load find; lint registers a check for every one
// (TestModelChecksRegistered), so no problem is filed under a name nothing
// explains.
type Check struct{ id string }

// String is the check's ID, as diagnostics and suppressions spell it.
func (c Check) String() string { return c.id }

var checks []Check

func newCheck(id string) Check {
	c := Check{id}
	checks = append(checks, c)
	return c
}

// Checks lists every check a problem can be filed under below lint.
func Checks() []Check { return slices.Clone(checks) }

// What auditctl refuses or misreads in a line (the reader).
var (
	CheckParseError       = newCheck("SYN-PARSE-ERROR")
	CheckInlineComment    = newCheck("SYN-INLINE-COMMENT")
	CheckWatchForm        = newCheck("SYN-WATCH-FORM")
	CheckKey              = newCheck("SYN-KEY")
	CheckFieldCount       = newCheck("SYN-FIELD-COUNT")
	CheckIgnored          = newCheck("SYN-IGNORED-LINE")
	CheckInvalidValue     = newCheck("CTRL-INVALID-VALUE")
	CheckValueMisread     = newCheck("CTRL-VALUE-MISREAD")
	CheckOnePerLine       = newCheck("CTRL-ONE-PER-LINE")
	CheckStatefulOption   = newCheck("CTRL-STATEFUL-COMMAND-IN-PACK")
	CheckNotForList       = newCheck("FLD-NOT-VALID-FOR-LIST")
	CheckBadOperator      = newCheck("FLD-BAD-OPERATOR")
	CheckBadValue         = newCheck("FLD-BAD-VALUE")
	CheckTruncated        = newCheck("FLD-ARG-TRUNCATION")
	CheckPositiveErrno    = newCheck("FLD-EXIT-POSITIVE-ERRNO")
	CheckMsgType          = newCheck("LST-MSGTYPE-UNKNOWN")
	CheckArchAfterSyscall = newCheck("ARCH-AFTER-SYSCALL")
	CheckPath             = newCheck("PATH-NOT-ABSOLUTE")
)

// What the kernel refuses in a rule or a control line, on any host or on
// the loading host.
var (
	CheckSingleton        = newCheck("FLD-SINGLETON-REPEATED")
	CheckFactPlaceholder  = newCheck("FLD-FACT-PLACEHOLDER")
	CheckUnresolved       = newCheck("FLD-UNKNOWN-ID")
	CheckPathMissing      = newCheck("PATH-PARENT-MISSING")
	CheckDirMissing       = newCheck("PATH-DIR-MISSING")
	CheckTrailingSlash    = newCheck("PATH-TRAILING-SLASH")
	CheckBacklogWaitRange = newCheck("CTRL-BACKLOG-WAIT-RANGE")
	CheckSyscallUnknown   = newCheck("ARCH-SYSCALL-UNKNOWN")
)

// What a file is to auditctl before it reads a line's options, and what
// merging files into one rules.d makes of them.
var (
	CheckCRLF              = newCheck("SYN-CRLF")
	CheckTab               = newCheck("SYN-TAB-WHITESPACE")
	CheckLineTooLong       = newCheck("SYN-LINE-TOO-LONG")
	CheckNotText           = newCheck("SYN-NOT-TEXT")
	CheckMissingEOFNewline = newCheck("SYN-MISSING-EOF-NEWLINE")
	CheckFileConflict      = newCheck("PACK-FILE-CONFLICT")
	CheckFileSymlink       = newCheck("PACK-FILE-SYMLINK")
	CheckFileUnread        = newCheck("PACK-FILE-UNREAD")
)

// What a load finds, line after line: a rule loaded already, a change
// after the lock, what the host's own auditctl does not know.
var (
	CheckExactDuplicate = newCheck("ORD-EXACT-DUPLICATE")
	CheckAfterLock      = newCheck("CTRL-IMMUTABLE-NOT-LAST")
	CheckListTooNew     = newCheck("LST-LIST-TOO-NEW-FOR-LOADER")
	CheckSyscallTooNew  = newCheck("ARCH-SYSCALL-TOO-NEW-FOR-LOADER")
)
