package packs

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// RequirementsName is the file in which a pack states its standard's
// requirements, apart from the rules it ships to meet them.
const RequirementsName = "requirements.toml"

// Requirements are the controls of a standard as the standard words them:
// what a host must record, whatever rules it uses to record it. A pack's
// own rules may record more; verify judges a target by these.
type Requirements struct {
	Standard string // "DISA Red Hat Enterprise Linux 9 STIG"
	Release  string // the standard's own version: "V2R9"
	List     []*Requirement
}

// Requirement is one control of a standard.
type Requirement struct {
	ID       string
	Title    string // the requirement in the standard's words
	Severity string
	// Satisfies are the further controls the standard says this one meets
	// (a STIG requirement's SRG IDs): they pass when all theirs pass.
	Satisfies []string
	// Lines are the rules and settings the standard checks for, read as
	// auditctl reads them.
	Lines []*Item
	// Cmdline are kernel command line parameters the standard asks for.
	Cmdline []CmdlineParam
	// FileMode is the most permissive mode the standard allows for Files
	// (shell patterns); zero when it sets none.
	FileMode fs.FileMode
	Files    []string
	// OutsideRules says what meets the requirement without an audit rule
	// (PAM's own records, auditd's start and stop): verify cannot see it
	// in rules, so it is never passed, only noted.
	OutsideRules string
	// Note says how the pack reads the standard where its texts disagree.
	Note string
	// Levels are the standard's profiles the requirement is in (CIS's
	// "Level 2 - Server").
	Levels []string
	// Boot asks that the rules the host loads at boot are the running
	// ones: verify --kernel judges it as verify --boot does.
	Boot bool
	// texts are Lines as written, ${NAME}s unresolved, and their lines in
	// the file: Resolve reads them again with a host's facts.
	texts     []string
	textLines []int
}

// CmdlineParam is one kernel command line parameter: audit=1, or with
// AtLeast audit_backlog_limit>=8192.
type CmdlineParam struct {
	Name, Value string
	AtLeast     bool // Value is a number the parameter must reach
}

func (c CmdlineParam) String() string {
	if c.AtLeast {
		return c.Name + ">=" + c.Value
	}
	return c.Name + "=" + c.Value
}

// Met reports whether a parameter's value on the command line meets it.
func (c CmdlineParam) Met(have string) bool {
	if !c.AtLeast {
		return have == c.Value
	}
	h, herr := strconv.ParseUint(have, 10, 64)
	w, werr := strconv.ParseUint(c.Value, 10, 64)
	return herr == nil && werr == nil && h >= w
}

type requirementsFile struct {
	Standard    string `toml:"standard"`
	Release     string `toml:"release"`
	Requirement []struct {
		ID        string   `toml:"id"`
		Vuln      string   `toml:"vuln"`
		Severity  string   `toml:"severity"`
		Title     string   `toml:"title"`
		Satisfies []string `toml:"satisfies"`
		Lines     []string `toml:"lines"`
		Cmdline   []string `toml:"cmdline"`
		FileMode  string   `toml:"file_mode"`
		Files     []string `toml:"files"`
		Outside   string   `toml:"outside_rules"`
		Note      string   `toml:"note"`
		Levels    []string `toml:"levels"`
		Boot      bool     `toml:"boot"`
	} `toml:"requirement"`
}

var cmdlineParam = regexp.MustCompile(`^([a-z_][a-z0-9_.-]*)(=|>=)([^\s=]+)$`)

// readRequirements reads the pack's requirements.toml, if it has one.
func (p *Pack) readRequirements() (*Requirements, error) {
	shown := joinDisplay(p.Dir, RequirementsName)
	data, err := readFS(p.fsys, path.Join(p.root, RequirementsName), shown)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var f requirementsFile
	if err := DecodeTOML(data, shown, &f, "a requirements.toml has standard, release and [[requirement]] tables with id, vuln, severity, title, satisfies, levels, lines, cmdline, file_mode, files, boot, outside_rules, note"); err != nil {
		return nil, err
	}
	reqs := &Requirements{Standard: f.Standard, Release: f.Release}
	seen := map[string]bool{}
	finder := lineFinder{lines: bytes.Split(data, []byte("\n"))}
	at := 0
	for _, r := range f.Requirement {
		// Each requirement is written after the one before it.
		at = finder.find(`"`+r.ID+`"`, at)
		where := fmt.Sprintf("%s:%d", shown, at)
		if r.ID == "" || seen[r.ID] {
			return nil, fmt.Errorf("%s: every requirement needs an id of its own (%q is empty or repeated)", where, r.ID)
		}
		seen[r.ID] = true
		req := &Requirement{ID: r.ID, Title: r.Title, Severity: r.Severity, Satisfies: r.Satisfies, Files: r.Files, OutsideRules: r.Outside, Note: r.Note, Levels: r.Levels, Boot: r.Boot, texts: r.Lines}
		for _, text := range r.Lines {
			line := finder.find(strconv.Quote(text), at)
			items, err := p.requirementLines(req.ID, text, line, p.FactsWith(nil))
			if err != nil {
				return nil, fmt.Errorf("%s:%d: requirement %s: %w", shown, line, r.ID, err)
			}
			req.Lines = append(req.Lines, items...)
			req.textLines = append(req.textLines, line)
		}
		for _, c := range r.Cmdline {
			m := cmdlineParam.FindStringSubmatch(c)
			if m == nil {
				return nil, fmt.Errorf("%s: requirement %s: cmdline %q must be name=value or name>=number", where, r.ID, c)
			}
			req.Cmdline = append(req.Cmdline, CmdlineParam{Name: m[1], Value: m[3], AtLeast: m[2] == ">="})
		}
		if r.FileMode != "" {
			mode, err := strconv.ParseUint(r.FileMode, 8, 12)
			if err != nil || len(r.Files) == 0 {
				return nil, fmt.Errorf("%s: requirement %s: file_mode %q must be octal, like \"0600\", with the files it applies to", where, r.ID, r.FileMode)
			}
			req.FileMode = fs.FileMode(mode)
		}
		if len(req.texts) == 0 && len(req.Cmdline) == 0 && req.FileMode == 0 && req.OutsideRules == "" && !req.Boot {
			return nil, fmt.Errorf("%s: requirement %s asks for nothing: give it lines, cmdline, file_mode, boot or outside_rules", where, r.ID)
		}
		reqs.List = append(reqs.List, req)
	}
	return reqs, nil
}

// requirementLines reads one of a requirement's lines with facts: one
// item, or one per value of a list fact it names.
func (p *Pack) requirementLines(id, text string, line int, facts Facts) ([]*Item, error) {
	var items []*Item
	for _, t := range facts.ExpandList(text) {
		expanded, err := facts.expandScalars([]byte(t), RequirementsName)
		if err != nil {
			return nil, fmt.Errorf("%q names a fact auditpack does not know; use ${%s} or ${%s}", text, FactUIDMin, FactSetuidPrograms)
		}
		f := ParseFile(RequirementsName, p.displayPath(RequirementsName), p, expanded)
		if len(f.Errors) > 0 || len(f.Items) != 1 {
			return nil, fmt.Errorf("%q is not one line auditctl loads; write it as the standard's check text does", text)
		}
		item := f.Items[0]
		item.Origin.Line = line
		item.Controls = []string{id}
		items = append(items, &item)
	}
	return items, nil
}

// Resolve reads the requirements' lines that name host facts again with
// facts (a host's UID_MIN and setuid programs, or a profile's) over the
// pack's defaults. An error is a fact whose value makes a line auditctl
// does not load.
func (r *Requirements) Resolve(p *Pack, facts Facts) (*Requirements, error) {
	facts = p.FactsWith(facts)
	out := &Requirements{Standard: r.Standard, Release: r.Release}
	for _, req := range r.List {
		if !slices.ContainsFunc(req.texts, func(t string) bool { return UsesFacts([]byte(t)) }) {
			out.List = append(out.List, req)
			continue
		}
		copied := *req
		copied.Lines = nil
		for i, text := range req.texts {
			items, err := p.requirementLines(req.ID, text, req.textLines[i], facts)
			if err != nil {
				return nil, fmt.Errorf("%s:%d: requirement %s with the facts %s: %w", joinDisplay(p.Dir, RequirementsName), req.textLines[i], req.ID, facts, err)
			}
			copied.Lines = append(copied.Lines, items...)
		}
		out.List = append(out.List, &copied)
	}
	return out, nil
}

// lineFinder finds the line of a string in a file, searching from a line
// on, so a requirement's lines point at the requirement's own entry.
type lineFinder struct{ lines [][]byte }

func (l lineFinder) find(s string, from int) int {
	for i := max(from-1, 0); i < len(l.lines); i++ {
		if bytes.Contains(l.lines[i], []byte(s)) {
			return i + 1
		}
	}
	return from
}

// Describe names the standard and its release: "DISA ... STIG V2R9".
func (r *Requirements) Describe() string {
	return strings.TrimSpace(r.Standard + " " + r.Release)
}
