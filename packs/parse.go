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

// maxLineLen is the longest line auditctl reads whole: it uses
// fgets(buf, 6144), so a longer line is split and its tail becomes a rule
// of its own.
const maxLineLen = 6143

// File is one parsed rules file.
type File struct {
	Name  string // base name, the key augenrules sorts by
	Path  string // as shown to the user
	Pack  *Pack  // nil for plain files
	Items []model.Line
	// Errors are the lines auditctl would reject, in line order.
	Errors []*model.Problem
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
	Origin model.Origin // the comment's line
	Check  string
	Reason string
	Target int // the line it applies to; 0 when no rule line follows
}

// ParseFile parses the contents of one rules file. A line auditctl would
// reject stays an item with its problem (Refused); parsing goes on, so one
// run reports them all.
func ParseFile(name, path string, pack *Pack, data []byte) *File {
	f := &File{Name: name, Path: path, Pack: pack, Size: len(data)}
	origin := model.Origin{File: path}
	if pack != nil {
		origin.Pack = pack.ID()
	}
	if i := bytes.IndexByte(data, 0); i >= 0 {
		origin.Line = 1 + bytes.Count(data[:i], []byte{'\n'})
		f.Errors = append(f.Errors, &model.Problem{Origin: origin, Check: model.CheckNotText,
			Message: "binary data (a NUL byte): this is not a rules file; give only text files of audit rules"})
		return f
	}
	lines := bytes.Count(data, []byte{'\n'}) + 1
	p := parser{file: f, origin: origin}
	p.items = make([]model.Line, 0, lines)
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
	origin model.Origin
	// statements are option lines waiting to be read as auditctl reads
	// them, a batch at a time (see readStatements); items are what they
	// were read as.
	statements []statement
	items      []model.Line
	// errors are the file's errors in line order, up to the batch read
	// last: file.Errors[:merged] merged with those of its statements.
	errors []*model.Problem
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
	refusal  *model.Problem
}

func (p *parser) fail(check model.Check, format string, args ...any) {
	p.file.Errors = append(p.file.Errors, &model.Problem{Origin: p.origin, Check: check, Message: fmt.Sprintf(format, args...)})
}

// refuse records a line auditctl refuses before it reads an option: a
// statement already refused, so that it keeps its place among the lines.
func (p *parser) refuse(l string, check model.Check, format string, args ...any) {
	p.queue(statement{line: p.origin.Line, text: l, refusal: &model.Problem{Check: check, Message: fmt.Sprintf(format, args...)}})
}

func (p *parser) line(l string) {
	switch {
	case len(l) > maxLineLen:
		p.refuse(l, model.CheckLineTooLong, "line is %d bytes; auditctl reads at most %d and splits the rest into another rule: shorten it or split it into several rules", len(l), maxLineLen)
		return
	case !utf8.ValidString(l):
		p.fail(model.CheckNotText, "line is not valid UTF-8 text; save the file as UTF-8")
		return
	}
	// auditctl skips the spaces before a line; a tab or a carriage return
	// (a Windows line ending) is a character of a word to it, so a line
	// of them is no blank line and a comment after them is no comment.
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
	for i := len(p.file.Ignores) - p.pendingIgnores; i < len(p.file.Ignores); i++ {
		p.file.Ignores[i].Target = p.origin.Line
	}
	p.pendingIgnores = 0
	p.statement(l, body)
}

// oddWhitespace finds a tab or carriage return in a line, which auditctl
// reads as a character of a word: the check, what it is and its column
// (0: none).
func oddWhitespace(l string) (check model.Check, what string, col int) {
	if i := strings.IndexByte(l, '\t'); i >= 0 {
		return model.CheckTab, "a tab", i + 1
	}
	if strings.HasSuffix(l, "\r") {
		return model.CheckCRLF, "a carriage return at the end of the line (a Windows line ending)", len(l)
	}
	return model.Check{}, "", 0
}

// whitespaceProblem is what a line with a tab or carriage return is to
// auditctl, which reads them as characters of a word: refused, or loaded
// with them inside a value. A line without them keeps its refusal.
func whitespaceProblem(l string, refusal *model.Problem) *model.Problem {
	check, what, col := oddWhitespace(l)
	if col == 0 {
		return refusal
	}
	pr := &model.Problem{Check: check, Origin: model.Origin{Col: col}}
	if refusal != nil {
		pr.Message = fmt.Sprintf("%s: auditctl separates words only by spaces and refuses the line (%s); use spaces (dos2unix converts Windows line endings)", what, refusal.Message)
	} else {
		pr.Loads = true
		pr.Message = fmt.Sprintf("%s: auditctl separates words only by spaces, so it loads the character inside a value (a key or path that never matches what you wrote); use spaces (dos2unix converts Windows line endings)", what)
	}
	return pr
}

// place puts a problem of the line text at origin, its column at the
// word it is about (or where the reader found it).
func place(pr *model.Problem, origin model.Origin, text string) *model.Problem {
	placed := *pr
	placed.Origin = origin
	placed.Origin.Col = pr.Origin.Col
	if placed.Origin.Col == 0 && pr.At != "" {
		placed.Origin.Col = model.Column(text, pr.At)
	}
	return &placed
}

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
	p.queue(statement{line: p.origin.Line, text: l, body: body, controls: p.controls})
	p.controlsUsed = p.controls != nil
}

func (p *parser) queue(st statement) {
	p.statements = append(p.statements, st)
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
			if sts[i].refusal == nil {
				sts[i].read, sts[i].refusal = arena.Read(words(sts[i].body, buf[:0]))
			}
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
			refused := place(whitespaceProblem(st.text, st.refusal), origin, st.text)
			p.errors = append(p.errors, refused)
			// The line keeps its place: auditctl stops there, and "-i"
			// or "-c" with a stray word set their mode all the same.
			p.items = append(p.items, model.Line{Origin: origin, Text: st.text, Directive: st.read.Directive, Controls: st.controls, Refused: refused})
			continue
		}
		note := st.read.Note
		if ws := whitespaceProblem(st.text, nil); ws != nil {
			note = ws
		}
		if note != nil {
			p.errors = append(p.errors, place(note, origin, st.text))
		}
		if st.read.Rule == nil && st.read.Delete == nil && st.read.Directive.Option == "" {
			continue
		}
		p.items = append(p.items, model.Line{Origin: origin, Text: st.text, Directive: st.read.Directive, Rule: st.read.Rule, Delete: st.read.Delete, Controls: st.controls})
	}
	clear(sts)
	p.statements = sts[:0]
}
