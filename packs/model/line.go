package model

import (
	"fmt"
	"strconv"
	"strings"
)

// Origin is where a line was written, so every finding can point back to
// it: the one position type, go/scanner's Position with the pack.
type Origin struct {
	Pack string // "stig@2.1.0"; empty for plain files
	File string // the path as the user knows it
	Line int    // 1-based; 0 means the whole file
	Col  int    // 1-based byte column; 0 means the whole line
}

// String is the "file:line:col" form editors and CI annotations
// understand ("file:line" for a whole line, "file" for a whole file).
func (o Origin) String() string {
	if o.Line == 0 {
		return o.File
	}
	return string(o.AppendTo(make([]byte, 0, len(o.File)+12)))
}

// AppendTo appends the "file:line:col" form, for writers of many findings.
func (o Origin) AppendTo(b []byte) []byte {
	b = append(b, o.File...)
	if o.Line == 0 {
		return b
	}
	b = strconv.AppendInt(append(b, ':'), int64(o.Line), 10)
	if o.Col == 0 {
		return b
	}
	return strconv.AppendInt(append(b, ':'), int64(o.Col), 10)
}

// Column is the 1-based column of word in line, 0 when it is not there.
func Column(line, word string) int {
	if word == "" {
		return 0
	}
	return strings.Index(line, word) + 1
}

// Describe names the pack too, for messages that connect two packs.
func (o Origin) Describe() string {
	return string(o.AppendDescription(make([]byte, 0, len(o.Pack)+len(o.File)+12)))
}

// AppendDescription appends the Describe form, for writers of many
// messages.
func (o Origin) AppendDescription(b []byte) []byte {
	if o.Pack != "" {
		b = append(append(b, o.Pack...), ' ')
	}
	return o.AppendTo(b)
}

// Line is one meaningful line of a rules file as auditctl reads it: a
// control directive or a rule, with where it was written.
type Line struct {
	Origin Origin
	Text   string // the line exactly as written, without its newline
	// Directive is set (Option != "") for control lines.
	Directive Directive
	// Rule is set for rule lines.
	Rule *Spec
	// Delete is the rule a -d or -W line deletes.
	Delete *Spec
	// Controls are the compliance control IDs annotated above the line's
	// block ("## controls: RHEL-09-654010"); a blank line ends a block.
	Controls []string
	// Refused says why auditctl refuses the line before the kernel sees
	// it; such a line keeps its place in the load order, where auditctl
	// stops (Directive may still be set: "-i 1" fails, yet ignores the
	// errors of the lines after it).
	Refused *Problem
}

// Loadable says whether auditctl reads the line as a rule or a setting.
func (l *Line) Loadable() bool { return l.Refused == nil && (l.Rule != nil || l.IsDirective()) }

// IsDirective reports whether the line is a control line.
func (l *Line) IsDirective() bool { return l.Directive.Option != "" }

// Problem is what is wrong with a line, the one problem type every stage
// hands on to the report: a line auditctl or the kernel refuses (Loads
// false) or reads as something else than it says (Loads true), filed under
// the check that explains it, with a message that says what is wrong and
// how to fix it. The reader knows no place: Origin is set where the line
// is placed in its file.
type Problem struct {
	Origin  Origin
	Check   Check
	Message string
	Loads   bool
	// NeedsAuditctl is the auditctl version that reads the line at all
	// (for a dropped rule on a list older auditctl does not know).
	NeedsAuditctl string
	// At is the word of the line the problem is about, which places its
	// column (empty: the whole line).
	At string
}

// Error is the "file:line:col: message" form.
func (p *Problem) Error() string { return p.Origin.String() + ": " + p.Message }

func refuse(check Check, format string, args ...any) *Problem {
	return &Problem{Check: check, Message: fmt.Sprintf(format, args...)}
}
