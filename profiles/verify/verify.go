package verify

import (
	"fmt"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/auditpack/auditpack/compile"
	"github.com/auditpack/auditpack/internal/report"
	"github.com/auditpack/auditpack/packs"
	"github.com/auditpack/auditpack/packs/model"
	"github.com/auditpack/auditpack/profiles"
)

// Control is one compliance control and the lines that implement it.
type Control struct {
	ID    string
	Items []*packs.Item // rules and settings annotated with it, in load order
}

// Controls lists the controls of a rule set in the order their first line
// loads.
func Controls(o *compile.Compiled) []Control {
	var out []Control
	index := map[string]int{}
	for _, it := range o.Items {
		for _, id := range it.Controls {
			i, ok := index[id]
			if !ok {
				i = len(out)
				index[id] = i
				out = append(out, Control{ID: id})
			}
			out[i].Items = append(out[i].Items, it)
		}
	}
	return out
}

// Target is the rule set verify checks: a compiled file or the kernel.
type Target struct {
	Name  string
	Items []*packs.Item // in load order
	// Settings are the effective control values: "-e" -> "2", ...;
	// "--loginuid-immutable" -> "1" when set.
	Settings map[packs.Option]string
	// AfterLock are the lines that come after -e 2 in load order: the
	// locked kernel refuses them, so they are no evidence, and -e 2 is not
	// the last line a STIG asks for.
	AfterLock []packs.Origin
	// Cmdline are the kernel command line's parameters, when the target
	// is the running kernel (nil for a rules file: not checked).
	Cmdline map[string]string
}

// TargetFromOrdered takes the rules and the effective settings (the last
// value in load order) of a rules file, as the kernel holds them after
// loading it: nothing after -e 2 is loaded.
func TargetFromOrdered(name string, o *compile.Compiled) *Target {
	t := &Target{Name: name, Settings: map[packs.Option]string{}}
	for _, it := range o.Items {
		switch {
		case t.Settings[packs.OptEnabled] == "2":
			t.AfterLock = append(t.AfterLock, it.Origin)
		case it.Directive.Option == packs.OptLoginuidImmutable:
			t.Settings[packs.OptLoginuidImmutable] = "1"
		case it.IsDirective():
			t.Settings[it.Directive.Option] = it.Directive.Value
		default:
			t.Items = append(t.Items, it)
		}
	}
	return t
}

// FileTarget reads a rules file or rules.d directory as the host would
// load it: a file (a compiled audit.rules) as auditctl -R loads it, line
// after line, a directory as augenrules assembles it. Lines auditctl
// cannot read are an error: the host would stop there, so nothing after
// them can be evidence.
func FileTarget(path string) (*Target, error) {
	info, statErr := os.Stat(path) // Select says what is wrong with a path it cannot read
	sel, err := profiles.Select(profiles.Request{Paths: []string{path}, AsLoaded: statErr == nil && !info.IsDir()})
	if err != nil {
		return nil, err
	}
	c := compile.Build(sel)
	if err := c.Renderable(); err != nil {
		return nil, err
	}
	return TargetFromOrdered(path, c), nil
}

// The report types are the report layer's, which writes them.
type (
	Report        = report.Report
	ControlResult = report.ControlResult
	Evidence      = report.Evidence
)

// Status of a control.
const (
	Pass       = report.Pass
	Fail       = report.Fail
	NotChecked = report.NotChecked
)

// VerifyOptions tune the comparison.
type VerifyOptions struct {
	Machine *model.Target // whose syscall tables and ABIs apply
	Keys    bool          // keys must match too (a profile's verify_keys)
	// Cmdline are the profile's kernel command line requirements.
	Cmdline []profiles.CmdlineRequirement
}

// Verify checks, control by control, that the target records what the
// profile's rules ask for, by meaning: a requirement is met by always rules
// that match all of its events (together: one per arch, or syscalls split
// over rules), in the same filter list, with constraints at least as broad,
// and with no earlier never rule taking the events first.
func Verify(profile string, required *compile.Compiled, target *Target, opts VerifyOptions) *Report {
	v := newVerifier(target, opts)
	rep := &Report{Profile: profile, Target: target.Name}
	for _, c := range Controls(required) {
		res := ControlResult{ID: c.ID, Status: Pass}
		seen := map[Evidence]bool{}
		for _, it := range c.Items {
			evidence, missing, notes := v.check(it)
			for _, e := range evidence {
				if !seen[e] {
					seen[e] = true
					res.Evidence = append(res.Evidence, e)
				}
			}
			res.Missing = append(res.Missing, missing...)
			for _, n := range notes {
				if !slices.Contains(res.Notes, n) {
					res.Notes = append(res.Notes, n)
				}
			}
		}
		sort.SliceStable(res.Evidence, func(i, j int) bool {
			a, b := res.Evidence[i].Origin, res.Evidence[j].Origin
			return a.File < b.File || (a.File == b.File && a.Line < b.Line)
		})
		if len(res.Missing) > 0 {
			res.Status = Fail
		}
		rep.Results = append(rep.Results, res)
	}
	for _, req := range opts.Cmdline {
		for _, id := range req.Controls {
			i := slices.IndexFunc(rep.Results, func(r ControlResult) bool { return r.ID == id })
			if i < 0 {
				rep.Results = append(rep.Results, ControlResult{ID: id, Status: Pass})
				i = len(rep.Results) - 1
			}
			checkCmdline(&rep.Results[i], req, target.Cmdline)
		}
	}
	return rep
}

// checkCmdline adds a kernel command line requirement to a control's
// result: evidence, a gap, or, without the command line, not checked.
func checkCmdline(res *ControlResult, req profiles.CmdlineRequirement, cmdline map[string]string) {
	want := req.Param + "=" + req.Value
	if cmdline == nil {
		if res.Status == Pass {
			res.Status = NotChecked
		}
		res.Notes = append(res.Notes, fmt.Sprintf("%s on the kernel command line is not in a rules file; verify --kernel reads /proc/cmdline", want))
		return
	}
	have, ok := cmdline[req.Param]
	met := ok && have == req.Value
	if w, err := strconv.ParseUint(req.Value, 10, 64); err == nil && ok {
		h, err := strconv.ParseUint(have, 10, 64)
		met = err == nil && h >= w
	}
	if met {
		res.Evidence = append(res.Evidence, Evidence{Origin: packs.Origin{File: "/proc/cmdline"}, Setting: req.Param + "=" + have})
		return
	}
	res.Status = Fail
	res.Missing = append(res.Missing, fmt.Sprintf("add %s to the kernel command line (e.g. grubby --update-kernel=ALL --args=%s) and reboot", want, want))
}

type verifier struct {
	opts     VerifyOptions
	target   *Target
	eval     []*model.Rule
	index    *model.Index // finds the target rules that may match a requirement's events
	settings map[packs.Option]string
}

func newVerifier(t *Target, opts VerifyOptions) *verifier {
	v := &verifier{opts: opts, target: t, settings: t.Settings}
	var rules []*model.Rule
	for _, it := range t.Items {
		if r := model.Normalize(it, opts.Machine); r != nil {
			rules = append(rules, r)
		}
	}
	v.eval = model.EvalOrder(rules)
	v.index = model.NewIndex(v.eval)
	return v
}

// check reports the target lines that meet one requirement, and what is
// missing.
func (v *verifier) check(it *packs.Item) (evidence []Evidence, missing, notes []string) {
	if it.IsDirective() {
		return v.checkSetting(it)
	}
	req := model.Normalize(it, v.opts.Machine)
	if req == nil {
		return nil, nil, nil
	}
	var gaps []gap
	for _, part := range parts(req) {
		cover, note, problem := v.cover(part.rule, req)
		if note != "" {
			notes = append(notes, note)
		}
		switch {
		case cover != nil:
			evidence = append(evidence, Evidence{Origin: cover.Item.Origin})
		case problem != "":
			missing = append(missing, fmt.Sprintf("%s (for %s)", problem, it.Origin.Describe()))
		default:
			gaps = append(gaps, part)
		}
	}
	if len(gaps) > 0 {
		for _, s := range suggest(req, gaps, v.opts.Machine) {
			missing = append(missing, fmt.Sprintf("add %s (for %s)", s, it.Origin.Describe()))
		}
	}
	return evidence, missing, notes
}

// gap is one part of a requirement: one ABI and one syscall (-1 for all).
type gap struct {
	abi     model.ABI
	syscall int
	rule    *model.Rule
}

func parts(r *model.Rule) []gap {
	if r.List != model.ListExit && r.List != model.ListIOUring {
		return []gap{{rule: r, syscall: -1}}
	}
	var out []gap
	for _, abi := range []model.ABI{model.B64, model.B32} {
		if !r.ABIs[abi] {
			continue
		}
		if r.AllSyscalls {
			out = append(out, gap{abi, -1, r.Restrict(abi, -1)})
			continue
		}
		for _, n := range r.WireMask.Numbers() {
			out = append(out, gap{abi, n, r.Restrict(abi, n)})
		}
	}
	return out
}

// cover finds the target rule that records a part's events first: the
// first rule in evaluation order that matches all of them. An earlier
// never rule that matches them all means they are lost; one that matches
// some only is noted.
func (v *verifier) cover(part, req *model.Rule) (*model.Rule, string, string) {
	note := ""
	for _, i := range v.index.MayOverlap(part) {
		t := v.eval[i]
		if !model.Overlaps(t, part) {
			continue
		}
		covers := model.Covers(t, part)
		switch {
		case t.Action == model.Never && covers:
			return nil, note, "remove or narrow the never rule " + t.Item.Origin.Describe() + ", which takes these events first"
		case t.Action == model.Never && t.List != model.ListExclude:
			note = "the never rule " + t.Item.Origin.Describe() + " excludes some of the events of " + req.Item.Origin.Describe()
		case covers && v.opts.Keys && !sameKeys(t.Keys, req.Keys):
			return nil, note, fmt.Sprintf("%s records these events under key %q; the profile asks for %q", t.Item.Origin.Describe(), strings.Join(t.Keys, ","), strings.Join(req.Keys, ","))
		case covers:
			return t, note, ""
		}
	}
	return nil, note, ""
}

func sameKeys(have, want []string) bool {
	for _, w := range want {
		found := false
		for _, h := range have {
			found = found || h == w
		}
		if !found {
			return false
		}
	}
	return true
}

// checkSetting compares a required control setting with the target's.
func (v *verifier) checkSetting(it *packs.Item) ([]Evidence, []string, []string) {
	d := it.Directive
	have, ok := v.settings[d.Option]
	want := d.Value
	if d.Option == packs.OptLoginuidImmutable {
		want = "1"
	}
	var good bool
	switch d.Option {
	case packs.OptEnabled, packs.OptFailure, packs.OptRateLimit, packs.OptLoginuidImmutable:
		good = ok && have == want
	case packs.OptBacklogLimit, packs.OptBacklogWaitTime:
		h, _ := strconv.ParseUint(have, 10, 32)
		w, _ := strconv.ParseUint(want, 10, 32)
		good = ok && h >= w
	default:
		return nil, nil, nil // -D, -c, -i describe no state
	}
	if good && d.Option == packs.OptEnabled && want == "2" && len(v.target.AfterLock) > 0 {
		first := v.target.AfterLock[0]
		return nil, []string{fmt.Sprintf("move -e 2 to the end: %d lines after it, from %s:%d, are refused by the locked kernel (for %s)",
			len(v.target.AfterLock), first.File, first.Line, it.Origin.Describe())}, nil
	}
	if good {
		return []Evidence{{Origin: packs.Origin{File: v.target.Name}, Setting: strings.TrimSpace(string(d.Option) + " " + have)}}, nil, nil
	}
	return nil, []string{fmt.Sprintf("set %s (for %s)", strings.TrimSpace(it.Text), it.Origin.Describe())}, nil
}

// suggest writes the rules that would close the gaps: one per ABI, with the
// missing syscalls and the requirement's own fields.
func suggest(req *model.Rule, gaps []gap, m *model.Target) []string {
	byABI := map[model.ABI][]string{}
	var order []model.ABI
	for _, g := range gaps {
		if _, ok := byABI[g.abi]; !ok {
			order = append(order, g.abi)
		}
		name := "all"
		if g.syscall >= 0 {
			name = m.SyscallNames(g.abi)[g.syscall]
		}
		byABI[g.abi] = append(byABI[g.abi], name)
	}
	if req.List != model.ListExit && req.List != model.ListIOUring || len(gaps) == len(parts(req)) {
		return []string{strings.TrimSpace(req.Item.Text)}
	}
	var out []string
	for _, abi := range order {
		var b strings.Builder
		fmt.Fprintf(&b, "-a %s,exit", req.Action)
		if req.HasArch || len(order) < 2 || !req.ABIs[1-abi] {
			fmt.Fprintf(&b, " -F arch=%s", abi)
		}
		fmt.Fprintf(&b, " -S %s", strings.Join(byABI[abi], ","))
		for _, f := range req.Fields {
			switch f.Kind {
			case model.KindArch:
			case model.KindCompare:
				fmt.Fprintf(&b, " -C %s%s%s", f.Name, f.Op, f.Text)
			default:
				fmt.Fprintf(&b, " -F %s%s%s", f.Name, f.Op, f.Text)
			}
		}
		for _, k := range req.Keys {
			fmt.Fprintf(&b, " -k %s", k)
		}
		out = append(out, b.String())
	}
	return out
}
