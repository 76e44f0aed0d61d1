package compile

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/auditpack/auditpack/packs"
	"github.com/auditpack/auditpack/packs/model"
)

// Ordered is a selection's lines in the order auditctl will execute them.
type Ordered struct {
	// Items are the lines in load order: the hoisted -D, -b, -f, the rest
	// as merged, the hoisted -e last.
	Items []*model.Line
	// Files are the merged files in augenrules order.
	Files []*packs.File
	// DroppedForArch counts rules left out because their -F arch= is not
	// among the selection's arches.
	DroppedForArch int
	// DroppedForTarget counts pack rules left out because the target's ABI
	// has none of their syscalls (see fitTarget).
	DroppedForTarget int
	// Problems are the lines that keep the set from loading at all: parse
	// errors, two files of one name, a file glued to the next one.
	Problems []*model.Problem
}

// Order sorts the selection's files as augenrules would if they were all
// copied into one rules.d (GNU version sort of the file names), then moves
// the last -D, -b and -f to the top and the last -e to the end, as
// augenrules does, and applies the selection's settings. A selection read
// AsLoaded keeps every line where it is, as auditctl -R runs it.
//
// Like augenrules under Debian's mawk, only directives written at the very
// start of a line are moved; an indented one stays where it is (lint
// reports it), and "-D -k KEY" always stays in place.
func order(s *packs.Selection) *Ordered {
	files := append([]*packs.File(nil), s.Files...)
	sort.SliceStable(files, func(i, j int) bool { return packs.VersionLess(files[i].Name, files[j].Name) })
	o := &Ordered{Files: files, Problems: append([]*model.Problem(nil), s.Notes...)}
	for i, f := range files {
		if i > 0 && files[i-1].Name == f.Name {
			o.Problems = append(o.Problems, &model.Problem{Origin: model.Origin{File: f.Path, Pack: packID(f)}, Check: model.CheckFileConflict,
				Message: fmt.Sprintf("file name %s is also used by %s: in one rules.d one would overwrite the other; rename one", f.Name, describe(files[i-1]))})
		}
		o.Problems = append(o.Problems, f.Errors...)
		if f.MissingFinalNewline && i < len(files)-1 {
			o.Problems = append(o.Problems, &model.Problem{Origin: model.Origin{File: f.Path, Pack: packID(f), Line: f.Lines}, Check: model.CheckMissingEOFNewline,
				Message: fmt.Sprintf("no newline at the end of the file: augenrules would glue this line to the first line of %s; end the file with a newline", files[i+1].Name)})
		}
	}
	var hoisted [4]*model.Line // -D, -b, -f, -e
	n := 0
	for _, f := range files {
		n += len(f.Items)
	}
	body := make([]*model.Line, 0, n)
	for _, f := range files {
		for i := range f.Items {
			it := &f.Items[i]
			if slot := hoistSlot(it); slot >= 0 && !s.AsLoaded {
				hoisted[slot] = it
				continue
			}
			if !keepsArch(it, s.Arches) {
				o.DroppedForArch++
				continue
			}
			body = append(body, it)
		}
	}
	body = applySettings(s, &hoisted, body)
	o.Items = make([]*model.Line, 0, len(body)+4)
	for _, h := range hoisted[:3] {
		if h != nil {
			o.Items = append(o.Items, h)
		}
	}
	o.Items = append(o.Items, body...)
	if hoisted[3] != nil {
		o.Items = append(o.Items, hoisted[3])
	}
	return o
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
// -f, 3 for -e, -1 for lines it leaves in place. It goes by the text, as
// augenrules' awk does, so a line auditctl then refuses ("-b abc", "-e 3")
// is moved too, and takes the place of the readable ones before it.
func hoistSlot(it *model.Line) int {
	switch {
	case it.Text == "-D":
		return 0
	case strings.HasPrefix(it.Text, "-b"):
		return 1
	case strings.HasPrefix(it.Text, "-f"):
		return 2
	case strings.HasPrefix(it.Text, "-e"):
		return 3
	}
	return -1
}

// keepsArch drops a rule whose -F arch= names an arch the selection leaves out.
func keepsArch(it *model.Line, arches []string) bool {
	if it.Rule == nil || len(arches) == 0 {
		return true
	}
	for _, f := range it.Rule.Fields {
		if f.Kind == model.KindArch && f.Op == model.OpEqual && (f.Text == "b64" || f.Text == "b32") {
			return slices.Contains(arches, f.Text)
		}
	}
	return true
}

// applySettings replaces the packs' values with the selection's. -e, -f
// and -b take the hoisted slot; -r and --backlog_wait_time, which run in
// place, replace every occurrence, or come right after -f when the packs
// lack them.
func applySettings(s *packs.Selection, hoisted *[4]*model.Line, body []*model.Line) []*model.Line {
	var prepend []*model.Line
	for _, d := range s.Settings {
		it := &model.Line{Origin: model.Origin{File: s.SettingsOrigin, Pack: "profile " + s.Profile}, Text: string(d.Option) + " " + d.Value, Directive: d,
			Controls: s.SettingControls[d.Option]}
		switch d.Option {
		case model.OptEnabled:
			hoisted[3] = it
		case model.OptFailure:
			hoisted[2] = it
		case model.OptBacklogLimit:
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
