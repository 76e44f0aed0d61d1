package compile

import (
	"bytes"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/elastic/go-libaudit/v2/rule"

	"github.com/auditpack/auditpack/packs"
)

// Result is a merged rule set in load order.
type Result struct {
	// Items are the lines of audit.rules in order: the hoisted -D, -b, -f,
	// the rest as merged, the hoisted -e last.
	Items []*packs.Item
	// Files are the merged files in augenrules order.
	Files []*packs.File
	// DroppedForArch counts rules left out because their -F arch= is not
	// among the profile's arches.
	DroppedForArch int
	header         []string
}

// InputError lists the lines that make a rule set unloadable; the CLI
// exits 2 on it.
type InputError struct {
	Problems []*packs.ParseError
}

func (e *InputError) Error() string {
	const shown = 20
	var b strings.Builder
	for i, p := range e.Problems {
		if i == shown {
			fmt.Fprintf(&b, "\n... and %d more", len(e.Problems)-shown)
			break
		}
		if i > 0 {
			b.WriteByte('\n')
		}
		if p.Origin.Pack != "" {
			b.WriteString(p.Origin.Pack + " ")
		}
		b.WriteString(p.Error())
	}
	return b.String()
}

// Merge orders a selection's files as augenrules would if they were all
// copied into one rules.d (GNU version sort of the file names), then moves
// the last -D, -b and -f to the top and the last -e to the end, as
// augenrules does, and applies the profile's settings.
//
// Like augenrules under Debian's mawk, only directives written at the very
// start of a line are moved; an indented one stays where it is (lint
// reports it), and "-D -k KEY" always stays in place.
func Merge(sel *packs.Selection) (*Result, error) {
	files := append([]*packs.File(nil), sel.Files...)
	sort.SliceStable(files, func(i, j int) bool { return packs.VersionLess(files[i].Name, files[j].Name) })
	var problems []*packs.ParseError
	for i, f := range files {
		if i > 0 && files[i-1].Name == f.Name {
			problems = append(problems, &packs.ParseError{Origin: packs.Origin{File: f.Path, Pack: packID(f)}, Check: "PACK-FILE-CONFLICT",
				Message: fmt.Sprintf("file name %s is also used by %s: in one rules.d one would overwrite the other; rename one", f.Name, describe(files[i-1]))})
		}
		problems = append(problems, f.Errors...)
		if f.MissingFinalNewline && i < len(files)-1 {
			problems = append(problems, &packs.ParseError{Origin: packs.Origin{File: f.Path, Pack: packID(f), Line: f.Lines}, Check: "SYN-MISSING-EOF-NEWLINE",
				Message: fmt.Sprintf("no newline at the end of the file: augenrules would glue this line to the first line of %s; end the file with a newline", files[i+1].Name)})
		}
	}
	if len(problems) > 0 {
		return nil, &InputError{Problems: problems}
	}
	if len(files) == 0 {
		return nil, errors.New("nothing to compile: no rules files were selected")
	}

	res := &Result{Files: files}
	var hoisted [4]*packs.Item // -D, -b, -f, -e
	n := 0
	for _, f := range files {
		n += len(f.Items)
	}
	body := make([]*packs.Item, 0, n)
	for _, f := range files {
		for i := range f.Items {
			it := &f.Items[i]
			if slot := hoistSlot(it); slot >= 0 {
				hoisted[slot] = it
				continue
			}
			if !keepsArch(it, sel.Arches) {
				res.DroppedForArch++
				continue
			}
			body = append(body, it)
		}
	}
	body = applySettings(sel, &hoisted, body)
	res.Items = make([]*packs.Item, 0, len(body)+4)
	for _, h := range hoisted[:3] {
		if h != nil {
			res.Items = append(res.Items, h)
		}
	}
	res.Items = append(res.Items, body...)
	if hoisted[3] != nil {
		res.Items = append(res.Items, hoisted[3])
	}
	res.header = header(sel)
	return res, nil
}

func packID(f *packs.File) string {
	if f.Pack == nil {
		return ""
	}
	return f.Pack.ID()
}

func describe(f *packs.File) string {
	if f.Pack == nil {
		return f.Path
	}
	return "pack " + f.Pack.ID()
}

// hoistSlot says where augenrules moves a line: 0 for -D, 1 for -b, 2 for
// -f, 3 for -e, -1 for lines it leaves in place.
func hoistSlot(it *packs.Item) int {
	d := it.Directive
	switch {
	case d.Option == packs.OptDeleteAll && it.Text == "-D":
		return 0
	case d.Option == packs.OptBacklogLimit && strings.HasPrefix(it.Text, "-b"):
		return 1
	case d.Option == packs.OptFailure && strings.HasPrefix(it.Text, "-f"):
		return 2
	case d.Option == packs.OptEnabled && strings.HasPrefix(it.Text, "-e"):
		return 3
	}
	return -1
}

// keepsArch drops a rule whose -F arch= names an arch the profile leaves out.
func keepsArch(it *packs.Item, arches []string) bool {
	sr, ok := it.Rule.(*rule.SyscallRule)
	if !ok || len(arches) == 0 {
		return true
	}
	for _, f := range sr.Filters {
		if f.LHS == "arch" && f.Comparator == "=" && (f.RHS == "b64" || f.RHS == "b32") {
			for _, a := range arches {
				if a == f.RHS {
					return true
				}
			}
			return false
		}
	}
	return true
}

// applySettings replaces the packs' values with the profile's. -e, -f and -b
// take the hoisted slot; -r and --backlog_wait_time, which run in place,
// replace every occurrence, or come right after -f when the packs lack them.
func applySettings(sel *packs.Selection, hoisted *[4]*packs.Item, body []*packs.Item) []*packs.Item {
	var prepend []*packs.Item
	for _, d := range sel.Settings {
		it := &packs.Item{Origin: packs.Origin{File: sel.SettingsOrigin, Pack: "profile " + sel.Profile}, Text: string(d.Option) + " " + d.Value, Directive: d}
		switch d.Option {
		case packs.OptEnabled:
			hoisted[3] = it
		case packs.OptFailure:
			hoisted[2] = it
		case packs.OptBacklogLimit:
			hoisted[1] = it
		default:
			replaced := false
			for i := range body {
				if body[i].Directive.Option == d.Option {
					body[i], replaced = it, true
				}
			}
			if !replaced {
				prepend = append(prepend, it)
			}
		}
	}
	if prepend == nil {
		return body
	}
	return append(prepend, body...)
}

// header names what the file was compiled from; it is made of comments,
// which auditctl and augenrules skip.
func header(sel *packs.Selection) []string {
	var h []string
	if sel.Profile != "" {
		h = append(h, "## profile: "+sel.Profile)
	}
	if len(sel.Packs) > 0 {
		ids := make([]string, len(sel.Packs))
		for i, p := range sel.Packs {
			ids[i] = p.ID()
		}
		h = append(h, "## packs: "+strings.Join(ids, " "))
	}
	if len(sel.Paths) > 0 {
		h = append(h, "## paths: "+strings.Join(sel.Paths, " "))
	}
	return h
}

// Render writes the rules file: the header, then one line per item.
func (r *Result) Render(toolVersion string) []byte {
	size := 256
	for i := range r.Items {
		size += len(r.Items[i].Text) + 1
	}
	var b bytes.Buffer
	b.Grow(size)
	fmt.Fprintf(&b, "## Generated by auditpack %s. Do not edit: change the packs and compile again.\n", toolVersion)
	for _, h := range r.header {
		b.WriteString(h)
		b.WriteByte('\n')
	}
	for i := range r.Items {
		b.WriteString(r.Items[i].Text)
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// Summary says in a few words what was compiled.
func (r *Result) Summary() string {
	rules, directives := 0, 0
	for _, it := range r.Items {
		if it.IsDirective() {
			directives++
		} else {
			rules++
		}
	}
	s := fmt.Sprintf("%d rules and %d control lines from %d files", rules, directives, len(r.Files))
	if r.DroppedForArch > 0 {
		s += fmt.Sprintf(" (%d rules for other arches left out)", r.DroppedForArch)
	}
	return s
}
