package main

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/auditpack/auditpack/compile"
	"github.com/auditpack/auditpack/packs"
	"github.com/auditpack/auditpack/packs/model"
	"github.com/auditpack/auditpack/profiles/verify"
)

// requirement is an audit requirement of a manual as the pack states it.
type requirement struct {
	*manualRule
	Satisfies []string // its SRG (the group title) and DISA's "Satisfies" list
	content            // what the check text asks, corrected where it cannot load
	// FixLines are the fix text's loadable lines where they mean something
	// else than the check text's; FixNote names the difference and
	// FixFails says a host built from them fails the check text.
	FixLines []string
	FixNote  string
	FixFails bool
	Notes    []string // how the pack reads DISA's text where it cannot be read as written
	// fixFile are the lines a host configured from the fix text has (the
	// check text's where the fix text writes none); fixLeftOut are fix
	// lines auditctl cannot load.
	fixFile    []string
	fixLeftOut []string
}

// correction is a reviewed reading of a line DISA's text writes in a form
// auditctl or the kernel refuses.
type correction struct {
	bad  *regexp.Regexp
	good string
	why  string
}

var corrections = []correction{
	{regexp.MustCompile(`-S (arch|auid)([=!<>])`), "-F $1$2", "-S takes syscall names; this is DISA's typo for -F"},
	{regexp.MustCompile(`(path|dir)=\(/`), "$1=/", "the stray \"(\" is DISA's typo"},
	{regexp.MustCompile(`-F (path|dir)=(/\S*[^/\s])/( |$)`), "-F $1=$2$3", "the kernel refuses a path that ends in \"/\" (EINVAL); the directory is meant"},
}

// correct applies the corrections to a check text's line, with a note of
// each.
func correct(line string) (string, []string) {
	var notes []string
	for _, c := range corrections {
		if fixed := c.bad.ReplaceAllString(line, c.good); fixed != line {
			notes = append(notes, fmt.Sprintf("DISA's check text writes %q, read as %q: %s.", line, fixed, c.why))
			line = fixed
		}
	}
	return line, notes
}

var satisfiesLine = regexp.MustCompile(`(?m)^Satisfies:\s*(.*)$`)

// buildRequirement reads one manual rule; nil when it is not an audit
// requirement.
func buildRequirement(r *manualRule) (*requirement, error) {
	c := auditContent(r.Check)
	if c.empty() {
		return nil, nil
	}
	req := &requirement{manualRule: r, content: c, Satisfies: []string{r.GroupTitle}}
	if m := satisfiesLine.FindStringSubmatch(r.Discussion); m != nil {
		for _, id := range strings.Split(m[1], ",") {
			if id = strings.TrimSpace(id); id != "" && !slices.Contains(req.Satisfies, id) {
				req.Satisfies = append(req.Satisfies, id)
			}
		}
	}
	for i, l := range req.Lines {
		fixed, notes := correct(l)
		req.Lines[i] = fixed
		req.Notes = append(req.Notes, notes...)
		if !loads(fixed) {
			return nil, fmt.Errorf("%s: the check text's line %q does not load and no correction reads it: add one", r.StigID, fixed)
		}
	}
	for _, l := range req.Forbidden {
		if !loads(l) {
			return nil, fmt.Errorf("%s: forbidden line %q does not load", r.StigID, l)
		}
	}
	req.compareFix(ruleLines(r.Fix))
	return req, nil
}

// loads says whether auditctl reads the line and the kernel takes it.
func loads(line string) bool {
	f := packs.ParseFile("check", "check", nil, []byte(line))
	if len(f.Errors) > 0 || len(f.Items) != 1 {
		return false
	}
	r := model.Normalize(&f.Items[0], model.Targets["x86_64"])
	return r == nil || len(r.Problems()) == 0
}

// compareFix compares the fix text's lines with the check text's by
// meaning: the same rules (in any spelling) need no note; other lines are
// kept with a note, and verify says whether they still meet the check.
func (req *requirement) compareFix(fix []string) {
	if len(req.Lines) == 0 {
		return
	}
	var loadable []string
	for _, l := range fix {
		if loads(l) {
			loadable = append(loadable, l)
		} else {
			req.fixLeftOut = append(req.fixLeftOut, l)
		}
	}
	req.fixFile = loadable
	if len(fix) == 0 {
		req.fixFile = req.Lines
		return
	}
	onlyCheck, onlyFix := difference(req.Lines, loadable)
	if len(onlyCheck) == 0 && len(onlyFix) == 0 && len(req.fixLeftOut) == 0 {
		return
	}
	req.FixLines = loadable
	req.FixFails = !meets(req.StigID, req.Lines, loadable)
	var b strings.Builder
	if req.FixFails {
		b.WriteString("DISA's fix text does not meet its own check text, which verify judges:")
	} else {
		b.WriteString("The fix text writes other lines than the check text; they meet it:")
	}
	if len(onlyCheck) > 0 {
		fmt.Fprintf(&b, " the check text asks for %s;", quoteAll(onlyCheck))
	}
	if len(onlyFix) > 0 {
		fmt.Fprintf(&b, " the fix text writes %s;", quoteAll(onlyFix))
	}
	if len(req.fixLeftOut) > 0 {
		fmt.Fprintf(&b, " the fix text's %s does not load (auditctl or the kernel refuses it);", quoteAll(req.fixLeftOut))
	}
	req.FixNote = strings.TrimSuffix(b.String(), ";") + "."
}

// difference lists the lines of each side that are no rule of the other
// (the kernel's identity of a rule: its events, fields and keys).
func difference(a, b []string) (onlyA, onlyB []string) {
	ids := func(lines []string) map[string]bool {
		out := map[string]bool{}
		for _, l := range lines {
			out[identity(l)] = true
		}
		return out
	}
	ia, ib := ids(a), ids(b)
	for _, l := range a {
		if !ib[identity(l)] {
			onlyA = append(onlyA, l)
		}
	}
	for _, l := range b {
		if !ia[identity(l)] {
			onlyB = append(onlyB, l)
		}
	}
	return onlyA, onlyB
}

func identity(line string) string {
	f := packs.ParseFile("x", "x", nil, []byte(line))
	if len(f.Items) != 1 {
		panic(fmt.Sprintf("identity of %q: %v", line, f.Errors))
	}
	if r := model.Normalize(&f.Items[0], model.Targets["x86_64"]); r != nil {
		return r.Identity()
	}
	return strings.TrimSpace(f.Items[0].Text) // a control line
}

// meets says whether rules written as fix meet the requirement's lines,
// as verify judges them.
func meets(id string, lines, fix []string) bool {
	required := packs.ParseFile("check.rules", "check.rules", nil, []byte("## controls: "+id+"\n"+strings.Join(lines, "\n")+"\n"))
	target := packs.ParseFile("fix.rules", "fix.rules", nil, []byte(strings.Join(fix, "\n")+"\n"))
	t := verify.TargetFromOrdered("fix.rules", compile.Build(&packs.Selection{Files: []*packs.File{target}, AsLoaded: true}))
	rep, err := verify.Verify("fix", compile.Build(&packs.Selection{Files: []*packs.File{required}}), t, verify.VerifyOptions{Machine: model.Targets["x86_64"]})
	return err == nil && rep.Failed() == 0
}

func quoteAll(lines []string) string {
	q := make([]string, len(lines))
	for i, l := range lines {
		q[i] = fmt.Sprintf("%q", l)
	}
	return strings.Join(q, ", ")
}
