package apply

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/auditpack/auditpack/internal/udiff"
)

func listing(rules []*Rule) string {
	var b strings.Builder
	for _, r := range rules {
		b.WriteString(r.Text)
		b.WriteByte('\n')
	}
	return b.String()
}

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
	b.WriteString(udiff.Unified("kernel", "compiled", listing(res.Plan.Old), listing(res.Plan.New), paint))
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
