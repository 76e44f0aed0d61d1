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

	"github.com/auditpack/auditpack/packs/model"
)

// RequirementsName is the file in which a pack states its standard's
// requirements, apart from the rules it ships to meet them.
const RequirementsName = "requirements.toml"

// Requirements are the controls of a standard as the standard words them:
// what a host must record, whatever rules it uses to record it. A pack's
// own rules may record more; verify judges a target by these.
type Requirements struct {
	Standard  string // "DISA Red Hat Enterprise Linux 9 STIG"
	Release   string // the standard's own version: "V2R9"
	Benchmark Benchmark
	List      []*Requirement
}

// Benchmark names the document the requirements come from, as an
// assessor's checklist names it (a DISA XCCDF manual's benchmark).
type Benchmark struct {
	ID, Title, Version string
	ReleaseInfo        string // "Release: 9 Benchmark Date: 01 Jul 2026"
	Manual             string // the manual's file name
}

// Requirement is one control of a standard.
type Requirement struct {
	ID       string // a STIG's STIG ID (RHEL-09-654010)
	Title    string // the requirement in the standard's words
	Severity string // high, medium, low (a STIG's CAT I, II, III)
	// A STIG's identifiers and texts, as its manual gives them: the Vuln
	// ID (V-...), the Rule ID (SV-...r..._rule), the group title (its SRG
	// ID), the rule's weight, CCIs, discussion, check and fix texts.
	Vuln, RuleID, GroupTitle, Weight string
	CCIs                             []string
	Discussion, Check, Fix, FixID    string
	// Satisfies are the further controls the standard says this one meets
	// (a STIG requirement's SRG IDs): they pass when all theirs pass.
	Satisfies []string
	// Lines are the rules and settings the standard checks for, read as
	// auditctl reads them.
	Lines []*model.Line
	// FixLines are the lines the standard's fix text writes where they
	// mean something else than Lines; FixNote names the difference, and
	// FixFails says that a host configured from the fix text fails Lines.
	FixLines []*model.Line
	FixNote  string
	FixFails bool
	// Forbidden are rules the target must not load (-a task,never).
	Forbidden []*model.Line
	// Cmdline are kernel command line parameters the standard asks for.
	Cmdline []CmdlineParam
	// Auditd are the auditd.conf settings the standard asks for.
	Auditd []AuditdSetting
	// Paths are the modes, owners and groups the standard asks of files.
	Paths []PathAttr
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
	Standard  string `toml:"standard"`
	Release   string `toml:"release"`
	Benchmark struct {
		ID          string `toml:"id"`
		Title       string `toml:"title"`
		Version     string `toml:"version"`
		ReleaseInfo string `toml:"release_info"`
		Manual      string `toml:"manual"`
	} `toml:"benchmark"`
	Requirement []struct {
		ID         string   `toml:"id"`
		Vuln       string   `toml:"vuln"`
		RuleID     string   `toml:"rule_id"`
		GroupTitle string   `toml:"group_title"`
		Severity   string   `toml:"severity"`
		Weight     string   `toml:"weight"`
		Title      string   `toml:"title"`
		CCIs       []string `toml:"ccis"`
		Satisfies  []string `toml:"satisfies"`
		Lines      []string `toml:"lines"`
		FixLines   []string `toml:"fix_lines"`
		FixNote    string   `toml:"fix_note"`
		FixFails   bool     `toml:"fix_fails"`
		Forbidden  []string `toml:"forbidden"`
		Cmdline    []string `toml:"cmdline"`
		Auditd     []string `toml:"auditd"`
		Paths      []struct {
			Path      string `toml:"path"`
			Mode      string `toml:"mode"`
			GroupMode string `toml:"group_mode"`
			Owner     string `toml:"owner"`
			Group     string `toml:"group"`
		} `toml:"paths"`
		FileMode   string   `toml:"file_mode"`
		Files      []string `toml:"files"`
		Outside    string   `toml:"outside_rules"`
		Note       string   `toml:"note"`
		FixID      string   `toml:"fix_id"`
		Discussion string   `toml:"discussion"`
		Check      string   `toml:"check"`
		Fix        string   `toml:"fix"`
		Levels     []string `toml:"levels"`
		Boot       bool     `toml:"boot"`
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
	if err := DecodeTOML(data, shown, &f, "a requirements.toml has standard, release, [benchmark] and [[requirement]] tables with id, vuln, rule_id, group_title, severity, weight, title, ccis, satisfies, levels, lines, fix_lines, fix_fails, fix_note, forbidden, cmdline, auditd, paths, file_mode, files, boot, outside_rules, note, fix_id, discussion, check, fix"); err != nil {
		return nil, err
	}
	b := f.Benchmark
	reqs := &Requirements{Standard: f.Standard, Release: f.Release, Benchmark: Benchmark{ID: b.ID, Title: b.Title, Version: b.Version, ReleaseInfo: b.ReleaseInfo, Manual: b.Manual}}
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
		req := &Requirement{ID: r.ID, Title: r.Title, Severity: r.Severity, Vuln: r.Vuln, RuleID: r.RuleID, GroupTitle: r.GroupTitle, Weight: r.Weight,
			CCIs: r.CCIs, Discussion: r.Discussion, Check: r.Check, Fix: r.Fix, FixID: r.FixID, Satisfies: r.Satisfies,
			FixNote: r.FixNote, FixFails: r.FixFails, OutsideRules: r.Outside, Note: r.Note, Levels: r.Levels, Boot: r.Boot, texts: r.Lines}
		// Lines with host facts (${UID_MIN}) are read with the pack's
		// defaults; Resolve reads them again with a host's.
		lines := func(texts []string, lineNumbers *[]int) ([]*model.Line, error) {
			var items []*model.Line
			for _, text := range texts {
				line := finder.find(strconv.Quote(text), at)
				read, err := p.requirementLines(r.ID, text, line, p.factsWith(nil))
				if err != nil {
					return nil, fmt.Errorf("%s:%d: requirement %s: %w", shown, line, r.ID, err)
				}
				items = append(items, read...)
				if lineNumbers != nil {
					*lineNumbers = append(*lineNumbers, line)
				}
			}
			return items, nil
		}
		if req.Lines, err = lines(r.Lines, &req.textLines); err != nil {
			return nil, err
		}
		if req.FixLines, err = lines(r.FixLines, nil); err != nil {
			return nil, err
		}
		if req.Forbidden, err = lines(r.Forbidden, nil); err != nil {
			return nil, err
		}
		for _, c := range r.Cmdline {
			m := cmdlineParam.FindStringSubmatch(c)
			if m == nil {
				return nil, fmt.Errorf("%s: requirement %s: cmdline %q must be name=value or name>=number", where, r.ID, c)
			}
			req.Cmdline = append(req.Cmdline, CmdlineParam{Name: m[1], Value: m[3], AtLeast: m[2] == ">="})
		}
		for _, a := range r.Auditd {
			s, err := parseAuditdSetting(a)
			if err != nil {
				return nil, fmt.Errorf("%s: requirement %s: %w", where, r.ID, err)
			}
			req.Auditd = append(req.Auditd, s)
		}
		for _, pa := range r.Paths {
			attr, err := parsePathAttr(pa.Path, pa.Mode, pa.GroupMode, pa.Owner, pa.Group)
			if err != nil {
				return nil, fmt.Errorf("%s: requirement %s: %w", where, r.ID, err)
			}
			req.Paths = append(req.Paths, attr)
		}
		if r.FileMode != "" || len(r.Files) > 0 {
			// file_mode with files: one mode for several paths.
			if r.FileMode == "" || len(r.Files) == 0 {
				return nil, fmt.Errorf("%s: requirement %s: file_mode %q must be octal, like \"0600\", with the files it applies to", where, r.ID, r.FileMode)
			}
			for _, file := range r.Files {
				attr, err := parsePathAttr(file, r.FileMode, "", "", "")
				if err != nil {
					return nil, fmt.Errorf("%s: requirement %s: file_mode %q must be octal, like \"0600\", with the files it applies to", where, r.ID, r.FileMode)
				}
				req.Paths = append(req.Paths, attr)
			}
		}
		if len(req.texts)+len(req.Forbidden)+len(req.Cmdline)+len(req.Auditd)+len(req.Paths) == 0 && req.OutsideRules == "" && !req.Boot {
			return nil, fmt.Errorf("%s: requirement %s asks for nothing: give it lines, forbidden, cmdline, auditd, paths, file_mode, boot or outside_rules", where, r.ID)
		}
		reqs.List = append(reqs.List, req)
	}
	return reqs, nil
}

// requirementLines reads one of a requirement's lines with facts: one
// item, or one per value of a list fact it names.
func (p *Pack) requirementLines(id, text string, line int, facts Facts) ([]*model.Line, error) {
	var items []*model.Line
	for _, t := range facts.expandList(text) {
		expanded, err := facts.expandScalars([]byte(t), RequirementsName)
		if err != nil {
			return nil, fmt.Errorf("%q names a fact auditpack does not know; use ${%s} or ${%s}", text, factUIDMin, factSetuidPrograms)
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
	facts = p.factsWith(facts)
	out := &Requirements{Standard: r.Standard, Release: r.Release, Benchmark: r.Benchmark}
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
