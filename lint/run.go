package lint

import (
	"cmp"
	"fmt"
	"iter"
	"slices"
	"strings"

	"github.com/auditpack/auditpack/compile"
	"github.com/auditpack/auditpack/internal/parallel"
	"github.com/auditpack/auditpack/internal/report"
	"github.com/auditpack/auditpack/packs"
	"github.com/auditpack/auditpack/packs/model"
)

// Options say what to check the rule set for.
type Options struct {
	// Host is the machine the set is for (--host): checks that ask it
	// run only when it is set.
	Host Host
	// Context puts the offending line and its neighbours on each finding
	// (report.Diagnostic.Context), for the HTML report.
	Context bool
	// Refusal runs only what decides whether compile refuses the set: the
	// checks whose severity is error and that look at each line, its
	// directives or the settings, not at pairs of rules (see
	// Check.Pairwise), in time linear in the rules.
	Refusal bool
	// Disabled are the IDs of checks not to run (a team's configuration,
	// --disable): they neither report nor show among the checks that ran.
	Disabled map[string]bool
	// Severity sets checks' severities over their defaults and over the
	// profile's [severity] table (a team's configuration).
	Severity map[string]Severity
	// Fingerprints gives each finding a fingerprint that moving lines
	// does not change (see fingerprint.go), for baselines and for the
	// formats that track findings across runs (GitLab's).
	Fingerprints bool
	// FingerprintRoot is the directory the fingerprints name files
	// relative to, when they are under it (a project's root): then a
	// finding has one fingerprint wherever the project is checked out.
	FingerprintRoot string
}

// RuleSet is the analysed rule set every check shares.
type RuleSet struct {
	Selection *packs.Selection
	// Ordered is the compiled set: its lines in load order, its files
	// and the lines that cannot be read.
	Ordered *compile.Compiled
	Targets []*model.Target
	// Rules are the rules for Targets[0] in load order; Eval is the
	// order the kernel evaluates them in (-A rules first in their list).
	Rules []*model.Rule
	Eval  []*model.Rule
	// Directives are the control lines in load order; Concatenated are
	// all lines in file order, before augenrules moves any.
	Directives   []*model.Line
	Concatenated []*model.Line
	// host answers for the machine the set is for (nil without --host).
	host Host
	// itemRules are the rules of Ordered.Items (see RuleAt).
	itemRules []*model.Rule
	// results are the analyses the checks require (see Analysis), made
	// before the checks run.
	results map[*Analysis]any
}

func newRuleSet(c *compile.Compiled, opts Options) *RuleSet {
	rs := &RuleSet{Selection: c.Selection, Ordered: c, Targets: c.Targets, host: opts.Host}
	for _, it := range c.Items {
		if it.IsDirective() {
			rs.Directives = append(rs.Directives, it)
		}
	}
	lines := 0
	for _, f := range c.Files {
		lines += len(f.Items)
	}
	rs.Concatenated = make([]*model.Line, 0, lines)
	for _, f := range c.Files {
		for i := range f.Items {
			rs.Concatenated = append(rs.Concatenated, &f.Items[i])
		}
	}
	rs.Rules, rs.itemRules = c.Rules(rs.Targets[0]), c.ItemRules(rs.Targets[0])
	rs.Eval = model.EvalOrder(rs.Rules)
	return rs
}

// RuleAt is the model of the rule line Ordered.Items[i] (nil for a
// control line).
func (rs *RuleSet) RuleAt(i int) *model.Rule { return rs.itemRules[i] }

// RulesFor is the rules normalized for a target, in load order.
func (rs *RuleSet) RulesFor(t *model.Target) []*model.Rule { return rs.Ordered.Rules(t) }

// Result is the outcome of a lint run: the findings, for the report layer
// to write.
type Result struct {
	report.Findings
	// InputErrors is set when an input is no rules file at all (binary
	// data) or the files cannot be merged (two with one name): the CLI
	// exits 2. A line auditctl cannot read is a finding like any other.
	InputErrors bool
}

// Add takes in the findings of another rule set checked in the same run.
func (r *Result) Add(o *Result) {
	if r.Diagnostics == nil {
		r.Diagnostics = o.Diagnostics // the first set's findings need no copy
	} else {
		r.Diagnostics = append(r.Diagnostics, o.Diagnostics...)
	}
	r.Files += o.Files
	r.Rules += o.Rules
	r.InputErrors = r.InputErrors || o.InputErrors
	if r.Checks == nil {
		r.Checks = o.Checks
	}
}

// SeverityOverrides reads a profile's [severity] table (check ID ->
// error, warning or info); an unknown check ID is an error, so a typo does
// not silently keep a check at its default.
func SeverityOverrides(profile string, table map[string]string) (map[string]Severity, error) {
	overrides := map[string]Severity{}
	for id, name := range table {
		if _, err := Lookup(id); err != nil {
			return nil, fmt.Errorf("profile %s, [severity]: %w", profile, err)
		}
		s, err := ParseSeverity(name)
		if err != nil {
			return nil, fmt.Errorf("profile %s, [severity] %s: %w", profile, id, err)
		}
		overrides[id] = s
	}
	return overrides, nil
}

// Run lints a compiled rule set with every registered check.
func Run(set *compile.Compiled, opts Options) (res *Result, err error) {
	sel := set.Selection
	overrides, err := SeverityOverrides(sel.Profile, sel.Severity)
	if err != nil {
		return nil, err
	}
	rs := newRuleSet(set, opts)
	res = &Result{Findings: report.Findings{Files: len(rs.Ordered.Files), Rules: len(rs.Rules)}}
	for _, pe := range rs.Ordered.Problems {
		res.InputErrors = res.InputErrors || InputCheck(pe.Check.String())
	}
	severityOf := func(c *Check) Severity {
		if s, ok := opts.Severity[c.ID]; ok {
			return s
		}
		if s, ok := overrides[c.ID]; ok {
			return s
		}
		return c.Severity
	}
	var checks []*Check
	for _, c := range Checks() {
		if opts.skips(c, severityOf(c)) {
			continue
		}
		res.Checks = append(res.Checks, report.Check{ID: c.ID, Title: c.Title, Doc: c.Doc, Severity: c.Severity})
		checks = append(checks, c)
	}
	rs.analyse(checks)
	pass := func(c *Check, into *blocks) *Pass {
		return &Pass{RuleSet: rs, check: c, report: func(f finding) {
			f.severity = severityOf(c)
			into.add(f)
		}}
	}
	each := make([]blocks, len(checks))
	errs := make([]error, len(checks))
	parallel.Each(len(checks), func(i int) { errs[i] = runCheck(checks[i], pass(checks[i], &each[i])) })
	var found blocks
	for i := range checks {
		if errs[i] != nil {
			return nil, errs[i]
		}
		found.take(&each[i])
	}
	// From here on only the files are needed (rs and set are not used
	// again): the rules, which take more memory than the findings, are the
	// collector's before the findings become the report's.
	files := rs.Ordered.Files
	ran := make(map[string]bool, len(checks))
	for _, c := range checks {
		ran[c.ID] = true
	}
	kept := suppress(files, found.list(), ignoreCheck, severityOf(ignoreCheck), ran)
	slices.SortFunc(res.Checks, func(a, b report.Check) int { return strings.Compare(a.ID, b.ID) })
	slices.SortStableFunc(kept, func(a, b *finding) int {
		return cmp.Or(strings.Compare(a.origin.File, b.origin.File), cmp.Compare(a.origin.Line, b.origin.Line), strings.Compare(a.check.ID, b.check.ID))
	})
	diags := diagnostics(kept)
	if opts.Context {
		addContext(files, diags)
	}
	if opts.Fingerprints {
		addFingerprints(files, diags, opts.FingerprintRoot)
	}
	res.Diagnostics = diags
	return res, nil
}

// blocks collect findings in blocks: a large set has hundreds of
// thousands of findings, and appending them to one slice would copy them
// again with every growth (about five times over).
type blocks struct {
	blocks [][]finding
	n      int
}

// maxBlock bounds a block (192 KiB of findings); blocks start small for
// the usual handful of findings.
const maxBlock = 4096

func (b *blocks) add(f finding) {
	if k := len(b.blocks); k == 0 || len(b.blocks[k-1]) == cap(b.blocks[k-1]) {
		size := 16
		if k > 0 {
			size = min(2*cap(b.blocks[k-1]), maxBlock)
		}
		b.blocks = append(b.blocks, make([]finding, 0, size))
	}
	last := &b.blocks[len(b.blocks)-1]
	*last = append(*last, f)
	b.n++
}

// take moves o's findings after b's.
func (b *blocks) take(o *blocks) {
	b.blocks = append(b.blocks, o.blocks...)
	b.n += o.n
	*o = blocks{}
}

// all yields the findings in the order they were added.
func (b *blocks) all() iter.Seq[*finding] {
	return func(yield func(*finding) bool) {
		for _, block := range b.blocks {
			for i := range block {
				if !yield(&block[i]) {
					return
				}
			}
		}
	}
}

// list is the findings in the order they were added.
func (b *blocks) list() []*finding {
	out := make([]*finding, 0, b.n)
	for f := range b.all() {
		out = append(out, f)
	}
	return out
}

// diagnostics are the findings as the report layer takes them, in one
// slice of their exact number (and the related lines in one more).
func diagnostics(found []*finding) []Diagnostic {
	if len(found) == 0 {
		return nil
	}
	withRelated := 0
	for _, f := range found {
		if f.related != nil {
			withRelated++
		}
	}
	related := make([]model.Origin, withRelated)
	out := make([]Diagnostic, 0, len(found))
	for _, f := range found {
		out = append(out, f.diagnostic(related))
		if f.related != nil {
			related = related[1:]
		}
	}
	return out
}

// addContext gives each finding on a line its line and the rule lines
// before and after it in the same file, up to the findings of a file the
// HTML report lists.
func addContext(files []*packs.File, diags []Diagnostic) {
	byPath := map[string]*packs.File{}
	for _, f := range files {
		byPath[f.Path] = f
	}
	perFile := map[string]int{} // the report's files
	for i := range diags {
		d := &diags[i]
		file := report.HTMLFile(d.Origin)
		if perFile[file]++; perFile[file] > report.HTMLFindingsPerFile {
			continue
		}
		f := byPath[d.Origin.File]
		at, found := itemAt(f, d.Origin.Line)
		if !found {
			continue
		}
		for j := max(at-1, 0); j <= min(at+1, len(f.Items)-1); j++ {
			d.Context = append(d.Context, report.ContextLine{Line: f.Items[j].Origin.Line, Text: f.Items[j].Text, Here: j == at})
		}
	}
}

// runCheck turns a panicking check into an error that names it.
func runCheck(c *Check, p *Pass) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("check %s failed: %v (please report this)", c.ID, r)
		}
	}()
	c.Run(p)
	return nil
}

// inputChecks are the checks whose findings mean the input cannot be
// checked (no rules text, files that clash by name): lint exits 2.
var inputChecks = []model.Check{model.CheckNotText, model.CheckFileConflict}

// InputCheck says whether findings of the check make lint exit 2.
func InputCheck(id string) bool {
	return slices.ContainsFunc(inputChecks, func(c model.Check) bool { return c.String() == id })
}

// skips says whether a run with these options leaves a check out: host
// checks without a host, in a refusal run what does not decide it, and
// the checks disabled.
func (opts *Options) skips(c *Check, severity Severity) bool {
	return c.Host && opts.Host == nil || opts.Refusal && (c.Pairwise || severity < Error) || opts.Disabled[c.ID]
}
