package apply

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// diffLine is one line of a rules diff: ' ' same, '-' kernel only, '+'
// compiled only.
type diffLine struct {
	op   byte
	text string
}

func listing(rules []*Rule) string {
	var b strings.Builder
	for _, r := range rules {
		b.WriteString(r.Text)
		b.WriteByte('\n')
	}
	return b.String()
}

func lineDiff(a, b string) []diffLine {
	dmp := diffmatchpatch.New()
	dmp.DiffTimeout = 0
	ra, rb, lines := dmp.DiffLinesToRunes(a, b)
	var out []diffLine
	for _, d := range dmp.DiffCharsToLines(dmp.DiffMainRunes(ra, rb, false), lines) {
		op := byte(' ')
		switch d.Type {
		case diffmatchpatch.DiffDelete:
			op = '-'
		case diffmatchpatch.DiffInsert:
			op = '+'
		}
		for _, l := range strings.SplitAfter(d.Text, "\n") {
			if l != "" {
				out = append(out, diffLine{op, strings.TrimSuffix(l, "\n")})
			}
		}
	}
	return out
}

const context = 3

// WriteText prints a unified diff of the kernel's rules (left) and the
// compiled ones (right), the settings that differ, and what was done.
func WriteText(w io.Writer, res *Result, color bool) error {
	paint := func(code, s string) string {
		if !color {
			return s
		}
		return "\x1b[" + code + "m" + s + "\x1b[0m"
	}
	var b strings.Builder
	lines := lineDiff(listing(res.Plan.Old), listing(res.Plan.New))
	if hasChanges(lines) {
		b.WriteString(paint("1", "--- kernel") + "\n" + paint("1", "+++ compiled") + "\n")
		writeHunks(&b, lines, paint)
	}
	if len(res.Settings) > 0 {
		b.WriteString(paint("1", "settings:") + "\n")
		for _, s := range res.Settings {
			if s.Name != "loginuid_immutable" {
				b.WriteString(paint("31", fmt.Sprintf("-%s %d", s.Name, s.Kernel)) + "\n")
			}
			b.WriteString(paint("32", fmt.Sprintf("+%s %d", s.Name, s.Wanted)) + "\n")
		}
	}
	b.WriteString(Summary(res) + "\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func hasChanges(lines []diffLine) bool {
	for _, l := range lines {
		if l.op != ' ' {
			return true
		}
	}
	return false
}

// writeHunks prints the changed lines with three lines of context each,
// under @@ headers that give the line ranges, as diff -u does.
func writeHunks(b *strings.Builder, lines []diffLine, paint func(string, string) string) {
	oldLine, newLine := make([]int, len(lines)), make([]int, len(lines))
	o, n := 1, 1
	for i, l := range lines {
		oldLine[i], newLine[i] = o, n
		if l.op != '+' {
			o++
		}
		if l.op != '-' {
			n++
		}
	}
	for i := 0; i < len(lines); {
		if lines[i].op == ' ' {
			i++
			continue
		}
		start := max(0, i-context)
		end := i
		for end < len(lines) {
			if lines[end].op != ' ' {
				end++
				continue
			}
			run := end
			for run < len(lines) && lines[run].op == ' ' {
				run++
			}
			if run-end > 2*context || run == len(lines) {
				end = min(len(lines), end+context)
				break
			}
			end = run
		}
		oldCount, newCount := 0, 0
		for _, l := range lines[start:end] {
			if l.op != '+' {
				oldCount++
			}
			if l.op != '-' {
				newCount++
			}
		}
		b.WriteString(paint("36", fmt.Sprintf("@@ -%d,%d +%d,%d @@", oldLine[start], oldCount, newLine[start], newCount)) + "\n")
		for _, l := range lines[start:end] {
			switch l.op {
			case '-':
				b.WriteString(paint("31", "-"+l.text) + "\n")
			case '+':
				b.WriteString(paint("32", "+"+l.text) + "\n")
			default:
				b.WriteString(" " + l.text + "\n")
			}
		}
		i = end
	}
}

// Summary says in one line what differs and what was done.
func Summary(res *Result) string {
	p := res.Plan
	added, removed := -p.Moved, -p.Moved
	for _, op := range p.Ops {
		if op.Delete {
			removed++
		} else {
			added++
		}
	}
	var s string
	switch {
	case res.Applied:
		s = fmt.Sprintf("applied: added %d rules, deleted %d, moved %d, kept %d; changed %d settings", added, removed, p.Moved, p.Kept, len(res.Settings))
		if p.Moved > 0 {
			s += fmt.Sprintf("; moved rules were absent for at most %s", res.Gap)
		}
	case !res.Changed():
		s = fmt.Sprintf("the kernel already has this rule set (%d rules)", p.Kept)
	default:
		s = fmt.Sprintf("%d rules to add, %d to delete, %d to move, %d unchanged; %d settings to change", added, removed, p.Moved, p.Kept, len(res.Settings))
	}
	if res.Locked {
		s += "; the kernel is locked (enabled 2): a reboot is needed to change anything"
	}
	if res.Persisted != "" {
		s += "; wrote " + res.Persisted
	}
	return s
}

type jsonSetting struct {
	Kernel   *uint32 `json:"kernel"`
	Compiled uint32  `json:"compiled"`
}

// WriteJSON prints {"changed","added","removed","settings",...}.
func WriteJSON(w io.Writer, res *Result) error {
	out := struct {
		Changed   bool                   `json:"changed"`
		Added     []string               `json:"added"`
		Removed   []string               `json:"removed"`
		Moved     int                    `json:"moved"`
		Unchanged int                    `json:"unchanged"`
		Settings  map[string]jsonSetting `json:"settings"`
		Locked    bool                   `json:"locked"`
		Applied   bool                   `json:"applied"`
		Persisted string                 `json:"persisted,omitempty"`
	}{Changed: res.Changed(), Added: []string{}, Removed: []string{}, Moved: res.Plan.Moved, Unchanged: res.Plan.Kept,
		Settings: map[string]jsonSetting{}, Locked: res.Locked, Applied: res.Applied, Persisted: res.Persisted}
	deleted, added := map[string]bool{}, map[string]bool{}
	for _, op := range res.Plan.Ops {
		if op.Delete {
			deleted[op.Rule.Key()] = true
		} else {
			added[op.Rule.Key()] = true
		}
	}
	for _, op := range res.Plan.Ops {
		switch {
		case op.Delete && !added[op.Rule.Key()]:
			out.Removed = append(out.Removed, op.Rule.Text)
		case !op.Delete && !deleted[op.Rule.Key()]:
			out.Added = append(out.Added, op.Rule.Text)
		}
	}
	for _, s := range res.Settings {
		js := jsonSetting{Compiled: s.Wanted}
		if s.Name != "loginuid_immutable" {
			v := s.Kernel
			js.Kernel = &v
		}
		out.Settings[s.Name] = js
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}
