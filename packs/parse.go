package packs

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/auditpack/auditpack/internal/parallel"
	"github.com/auditpack/auditpack/packs/model"
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
	// Lines is the number of lines in the file, Size its bytes.
	Lines, Size int
	// UsesFacts: the pack file named host facts (${UID_MIN}), resolved
	// when it was read.
	UsesFacts bool
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
func ParseFile(name, path string, pack *Pack, data []byte) *File {
	f := &File{Name: name, Path: path, Pack: pack, Size: len(data)}
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
	p := parser{file: f, origin: origin}
	p.items = make([]Item, 0, lines)
	p.statements = make([]statement, 0, min(lines, statementBatch))
	// Tokens are substrings of the file's text (viewing data in place
	// instead saved no measurable time: docs/performance.md).
	text := string(data)
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
	p.readStatements()
	f.Items = p.items
	f.Errors = append(p.errors, f.Errors[p.merged:]...)
	return f
}

type parser struct {
	file   *File
	origin Origin
	// statements are option lines waiting to be read as auditctl reads
	// them, a batch at a time (see readStatements); items are what they
	// were read as.
	statements []statement
	items      []Item
	// errors are the file's errors in line order, up to the batch read
	// last: file.Errors[:merged] merged with those of its statements.
	errors []*ParseError
	merged int
	// controls annotate the block of rules below them, up to a blank line.
	controls     []string
	controlsUsed bool

	// pendingIgnores counts the last Ignores still waiting for their line.
	pendingIgnores int
}

// statement is an option line and what auditctl makes of it.
type statement struct {
	line     int
	text     string // the line as written
	body     string // without its leading spaces
	controls []string
	read     model.Statement
	refusal  *model.Refusal
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
	if strings.IndexByte(s, '\\') >= 0 {
		return escapedWords(s, into)
	}
	// No escapes (most lines): each word runs to the next space.
	for {
		s = strings.TrimLeft(s, " ")
		if s == "" {
			return into
		}
		end := strings.IndexByte(s, ' ')
		if end < 0 {
			return append(into, s)
		}
		into, s = append(into, s[:end]), s[end:]
	}
}

// unescaper reads "\ " as a space and "\\" as a backslash.
var unescaper = strings.NewReplacer(`\ `, " ", `\\`, `\`)

// escapedWords is words for a line with a backslash, byte by byte.
func escapedWords(s string, into []string) []string {
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
			w = unescaper.Replace(w)
		}
		into = append(into, w)
	}
	return into
}

func (p *parser) statement(l, body string) {
	p.statements = append(p.statements, statement{line: p.origin.Line, text: l, body: body, controls: p.controls})
	p.controlsUsed = p.controls != nil
	if len(p.statements) == statementBatch {
		p.readStatements()
	}
}

// statementBatch is how many option lines are read at a time: enough to
// share among the cores, few enough that a large file's lines are not
// held twice.
const statementBatch = 16384

// readStatements reads the waiting option lines as auditctl does, the
// lines shared among the cores (each line is read on its own), then makes
// their items and merges their errors with the file's, in line order.
func (p *parser) readStatements() {
	sts := p.statements
	parallel.Chunks(len(sts), func(lo, hi int) {
		var buf [24]string
		arena := model.Arena{Lines: hi - lo}
		for i := lo; i < hi; i++ {
			sts[i].read, sts[i].refusal = arena.Read(words(sts[i].body, buf[:0]))
		}
	})
	origin := p.origin
	for i := range sts {
		st := &sts[i]
		origin.Line = st.line
		for ; p.merged < len(p.file.Errors) && p.file.Errors[p.merged].Origin.Line < st.line; p.merged++ {
			p.errors = append(p.errors, p.file.Errors[p.merged])
		}
		if st.refusal != nil {
			p.errors = append(p.errors, &ParseError{Origin: origin, Check: st.refusal.Check, Message: st.refusal.Message})
			continue
		}
		if note := st.read.Note; note != nil {
			p.errors = append(p.errors, &ParseError{Origin: origin, Check: note.Check, Message: note.Message, Loads: true, NeedsAuditctl: note.NeedsAuditctl})
		}
		if st.read.Rule == nil && st.read.Directive.Option == "" {
			continue
		}
		p.items = append(p.items, Item{Origin: origin, Text: st.text, Directive: st.read.Directive, Rule: st.read.Rule, Controls: st.controls})
	}
	clear(sts)
	p.statements = sts[:0]
}
