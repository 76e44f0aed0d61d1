package compile

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/auditpack/auditpack/internal/parallel"
	"github.com/auditpack/auditpack/internal/text"
	"github.com/auditpack/auditpack/packs"
	"github.com/auditpack/auditpack/packs/model"
)

// Compiled is a rule set merged once per command, which lint, verify and
// apply all take: its lines in load order with their origin, its rules
// normalized for each target machine, and the lines that cannot be read.
type Compiled struct {
	*Ordered
	Selection *packs.Selection
	// Targets are the machines it is checked for; the first is the one
	// ordering and duplicates are judged on.
	Targets []*model.Target
	header  []string
	// mu guards the rules per target, normalized when first asked for
	// (lint's checks ask concurrently).
	mu    sync.Mutex
	rules map[*model.Target][]*model.Rule
	// ofItem holds, per target, the rule of each of Items (nil for a
	// control line).
	ofItem map[*model.Target][]*model.Rule
}

// RulesFileMode is the mode of the audit.rules auditpack writes: the DISA
// STIG (RHEL-09-653110) wants audit.rules and rules.d files 0600 or
// stricter, as auditd's own packages install them.
const RulesFileMode = 0o600

// Build merges a selection as auditctl will execute it (see order) for
// the target machines (none: x86_64). It never fails: lines auditctl
// cannot read are in Problems, for lint to report.
func Build(sel *packs.Selection, targets ...*model.Target) *Compiled {
	if len(targets) == 0 {
		targets = []*model.Target{model.Targets["x86_64"]}
	}
	o := order(sel)
	o.fitTarget(targets[0])
	h := header(sel)
	if targets[0].Name != "x86_64" {
		h = append(h, "## target: "+targets[0].Name+" (pack rules without the syscalls its ABIs lack)")
	}
	return &Compiled{Ordered: o, Selection: sel, Targets: targets, header: h,
		rules: map[*model.Target][]*model.Rule{}, ofItem: map[*model.Target][]*model.Rule{}}
}

// Rules are the rule lines normalized for a target, in load order.
func (c *Compiled) Rules(t *model.Target) []*model.Rule {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.rulesLocked(t)
}

func (c *Compiled) rulesLocked(t *model.Target) []*model.Rule {
	if rules, ok := c.rules[t]; ok {
		return rules
	}
	// Each line is normalized on its own, so the lines are shared among
	// the cores.
	normalized := make([]*model.Rule, len(c.Items))
	parallel.Chunks(len(c.Items), func(lo, hi int) {
		arena := model.Arena{Lines: hi - lo}
		for i := lo; i < hi; i++ {
			normalized[i] = arena.Normalize(c.Items[i], t)
		}
	})
	rules := make([]*model.Rule, 0, len(normalized))
	for _, r := range normalized {
		if r != nil {
			rules = append(rules, r)
		}
	}
	c.rules[t], c.ofItem[t] = rules, normalized
	return rules
}

// ItemRules are the models of Items for a target, one per item (nil for
// a control line). Callers must not change the slice.
func (c *Compiled) ItemRules(t *model.Target) []*model.Rule {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.rulesLocked(t)
	return c.ofItem[t]
}

// InputError lists the lines that make a rule set unloadable; the CLI
// exits 2 on it.
type InputError struct {
	Problems []*model.Problem
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

// Renderable says whether the set can be written as audit.rules: it has
// files, and every line auditctl cannot read is an error (lines it reads,
// if not as written, are lint's to report).
func (c *Compiled) Renderable() error {
	var unreadable []*model.Problem
	for _, p := range c.Problems {
		if !p.Loads {
			unreadable = append(unreadable, p)
		}
	}
	if len(unreadable) > 0 {
		return &InputError{Problems: unreadable}
	}
	if len(c.Files) == 0 {
		return errors.New("nothing to compile: no rules files were selected")
	}
	return nil
}

// Mergeable says whether the files merge into one load at all: no two of
// one name (in one rules.d one overwrites the other), no file glued to the
// next by a missing newline, nothing that is not text. Lines auditctl
// refuses are not its concern: the load (Simulate) stops there.
func (c *Compiled) Mergeable() error {
	var broken []*model.Problem
	for _, p := range c.Problems {
		switch p.Check {
		case model.CheckFileConflict, model.CheckMissingEOFNewline, model.CheckNotText:
			broken = append(broken, p)
		}
	}
	if len(broken) > 0 {
		return &InputError{Problems: broken}
	}
	return nil
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
	for _, f := range sel.Files {
		if f.UsesFacts {
			h = append(h, fmt.Sprintf("## facts: %s (%s)", sel.Facts, sel.FactsOrigin))
			break
		}
	}
	return append(h, packs.ListFactsHeader(sel)...)
}

// WriteRules writes the rules file to w: the header, then one line per
// item. It streams: a large set is never held whole a second time.
func (r *Compiled) WriteRules(w io.Writer, toolVersion string) error {
	b := bufio.NewWriterSize(w, 64<<10)
	fmt.Fprintf(b, "%s %s. Do not edit: change the packs and compile again.\n", packs.GeneratedHeader, toolVersion)
	for _, h := range r.header {
		b.WriteString(h)
		b.WriteByte('\n')
	}
	for i := range r.Items {
		if r.Items[i].Refused != nil {
			continue // never compiled: auditctl would stop there
		}
		b.WriteString(r.Items[i].Text)
		b.WriteByte('\n')
	}
	return b.Flush()
}

// Render is the rules file WriteRules writes, in memory.
func (r *Compiled) Render(toolVersion string) []byte {
	var b bytes.Buffer
	r.WriteRules(&b, toolVersion) // a bytes.Buffer takes every write
	return b.Bytes()
}

// Summary says in a few words what was compiled.
func (r *Compiled) Summary() string {
	rules, directives := 0, 0
	for _, it := range r.Items {
		switch {
		case it.Refused != nil:
		case it.IsDirective():
			directives++
		default:
			rules++
		}
	}
	s := fmt.Sprintf("%s and %s from %s", text.Count(rules, "rule"), text.Count(directives, "control line"), text.Count(len(r.Files), "file"))
	if r.DroppedForArch > 0 {
		s += fmt.Sprintf(" (%s for other arches left out)", text.Count(r.DroppedForArch, "rule"))
	}
	if r.DroppedForTarget > 0 {
		s += fmt.Sprintf(" (%s without a syscall %s has left out)", text.Count(r.DroppedForTarget, "pack rule"), r.Targets[0].Name)
	}
	return s
}

// FromWire builds a compiled set from rules as the kernel holds them (the
// kernel's own listing, for verify --kernel): each rule decoded, with its
// auditctl -l spelling as text and its place in the kernel's list as line.
func FromWire(rules [][]byte, t *model.Target) (*Compiled, error) {
	f := &packs.File{Name: "kernel", Path: "kernel", Lines: len(rules)}
	for i, w := range rules {
		spec, err := model.Decode(w, t)
		if err != nil {
			return nil, fmt.Errorf("kernel rule %d (%s): %w", i+1, model.Describe(w, t), err)
		}
		f.Items = append(f.Items, model.Line{Origin: model.Origin{File: "kernel", Line: i + 1}, Text: model.Describe(w, t), Rule: spec})
	}
	return Build(&packs.Selection{Files: []*packs.File{f}, AsLoaded: true}, t), nil
}
