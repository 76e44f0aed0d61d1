package packs

import (
	"fmt"
	"slices"
	"strings"

	"github.com/auditpack/auditpack/packs/model"
)

// RequirementChange is how one requirement differs between two versions
// of a pack's requirements (two releases of a standard).
type RequirementChange struct {
	ID    string
	Title string // the newer one's, or the removed one's
	// Kind is "added", "removed", "changed" (what verify judges differs)
	// or "revised" (only its texts or Rule ID: verify judges the same).
	Kind string
	// Lines say what changed: "- old" and "+ new" items, "title: ...".
	Lines []string
}

// DiffRequirements lists what differs from old to new: requirements
// added, removed, and changed in what verify judges (rule lines by
// meaning, forbidden rules, kernel parameters, auditd.conf settings, file
// attributes, title, severity), or revised in their texts only.
func DiffRequirements(old, new *Requirements) []RequirementChange {
	var out []RequirementChange
	before := map[string]*Requirement{}
	for _, r := range old.List {
		before[r.ID] = r
	}
	after := map[string]bool{}
	for _, r := range new.List {
		after[r.ID] = true
		o := before[r.ID]
		if o == nil {
			out = append(out, RequirementChange{ID: r.ID, Title: r.Title, Kind: "added", Lines: judged(r)})
			continue
		}
		var lines []string
		if o.Title != r.Title {
			lines = append(lines, fmt.Sprintf("title: %q -> %q", o.Title, r.Title))
		}
		if o.Severity != r.Severity {
			lines = append(lines, fmt.Sprintf("severity: %s -> %s", o.Severity, r.Severity))
		}
		lines = append(lines, setDiff(judgedKeys(o), judgedKeys(r))...)
		switch {
		case len(lines) > 0:
			out = append(out, RequirementChange{ID: r.ID, Title: r.Title, Kind: "changed", Lines: lines})
		case o.RuleID != r.RuleID || o.Check != r.Check || o.Fix != r.Fix || o.Note != r.Note:
			why := "its texts changed"
			if o.RuleID != r.RuleID {
				why = fmt.Sprintf("%s -> %s", o.RuleID, r.RuleID)
			}
			out = append(out, RequirementChange{ID: r.ID, Title: r.Title, Kind: "revised", Lines: []string{why + "; what verify judges is the same"}})
		}
	}
	for _, r := range old.List {
		if !after[r.ID] {
			out = append(out, RequirementChange{ID: r.ID, Title: r.Title, Kind: "removed", Lines: judged(r)})
		}
	}
	return out
}

// judged are what verify judges of a requirement, one item a line.
func judged(r *Requirement) []string {
	keyed := judgedKeys(r)
	out := make([]string, len(keyed))
	for i, k := range keyed {
		out[i] = k[1]
	}
	return out
}

// judgedKeys pairs each judged item with a key that is equal for equal
// meaning: a rule's kernel identity, else its text.
func judgedKeys(r *Requirement) [][2]string {
	var out [][2]string
	for _, it := range r.Lines {
		out = append(out, [2]string{lineKey(it), strings.TrimSpace(it.Text)})
	}
	for _, it := range r.Forbidden {
		out = append(out, [2]string{"not " + lineKey(it), "not loaded: " + strings.TrimSpace(it.Text)})
	}
	for _, c := range r.Cmdline {
		out = append(out, [2]string{"cmdline " + c.String(), c.String() + " on the kernel command line"})
	}
	for _, a := range r.Auditd {
		out = append(out, [2]string{"auditd " + a.String(), "auditd.conf: " + a.String()})
	}
	for _, p := range r.Paths {
		out = append(out, [2]string{"path " + p.String(), p.String()})
	}
	return out
}

func lineKey(it *model.Line) string {
	if r := model.Normalize(it, model.Targets["x86_64"]); r != nil {
		return r.Identity()
	}
	return strings.Join(strings.Fields(it.Text), " ")
}

// setDiff lists the items only old has ("- ") and only new has ("+ ").
func setDiff(old, new [][2]string) []string {
	has := func(set [][2]string, key string) bool {
		return slices.ContainsFunc(set, func(k [2]string) bool { return k[0] == key })
	}
	var out []string
	for _, k := range old {
		if !has(new, k[0]) {
			out = append(out, "- "+k[1])
		}
	}
	for _, k := range new {
		if !has(old, k[0]) {
			out = append(out, "+ "+k[1])
		}
	}
	return out
}
