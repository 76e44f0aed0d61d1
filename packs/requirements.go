package packs

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
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
	if err := DecodeTOML(data, shown, &f, "a requirements.toml has standard, release and [[requirement]] tables with id, vuln, severity, title, satisfies, lines, cmdline, file_mode, files, outside_rules, note"); err != nil {
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
		req := &Requirement{ID: r.ID, Title: r.Title, Severity: r.Severity, Satisfies: r.Satisfies, Files: r.Files, OutsideRules: r.Outside, Note: r.Note}
		for _, text := range r.Lines {
			line := finder.find(strconv.Quote(text), at)
			f := ParseFile(RequirementsName, p.displayPath(RequirementsName), p, []byte(text))
			if len(f.Errors) > 0 || len(f.Items) != 1 {
				return nil, fmt.Errorf("%s:%d: requirement %s: %q is not one line auditctl loads; write it as the standard's check text does", shown, line, r.ID, text)
			}
			item := f.Items[0]
			item.Origin.Line = line
			item.Controls = []string{r.ID}
			req.Lines = append(req.Lines, &item)
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
		if len(req.Lines) == 0 && len(req.Cmdline) == 0 && req.FileMode == 0 && req.OutsideRules == "" {
			return nil, fmt.Errorf("%s: requirement %s asks for nothing: give it lines, cmdline, file_mode or outside_rules", where, r.ID)
		}
		reqs.List = append(reqs.List, req)
	}
	return reqs, nil
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
