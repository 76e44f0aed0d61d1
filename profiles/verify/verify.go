package verify

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/auditpack/auditpack/compile"
	"github.com/auditpack/auditpack/internal/report"
	"github.com/auditpack/auditpack/internal/text"
	"github.com/auditpack/auditpack/packs"
	"github.com/auditpack/auditpack/packs/model"
	"github.com/auditpack/auditpack/profiles"
)

// Control is one compliance control: what it asks for and the lines of
// the rule set that implement it.
type Control struct {
	ID string
	// Requirement is the standard's own wording, when a pack states it
	// (requirements.toml): verify judges the target by it. Without one,
	// the implementing lines are the requirement.
	Requirement *packs.Requirement
	Standard    string // the requirement's standard and release
	// From are the requirements that satisfy this control (a STIG's SRG
	// IDs): it passes when they all pass.
	From []string
	// Items are the rule set's lines annotated with it, in load order.
	Items []*model.Line
	// Benchmark is the document its requirement comes from.
	Benchmark report.Benchmark
}

// Requires are the lines the control asks the target to record.
func (c *Control) Requires() []*model.Line {
	if c.Requirement != nil {
		return c.Requirement.Lines
	}
	return c.Items
}

// Controls lists the controls of a rule set: first those its packs state
// requirements for, in the packs' order, then the controls they satisfy,
// then the controls only the rules' annotations name, in the order their
// first line loads. only limits them to IDs with one of its prefixes.
// The error is a pack's requirements.toml that cannot be read.
func Controls(o *compile.Compiled, only []string) ([]*Control, error) {
	var out []*Control
	index := map[string]*Control{}
	add := func(id string) *Control {
		c := index[id]
		if c == nil {
			c = &Control{ID: id}
			index[id] = c
			out = append(out, c)
		}
		return c
	}
	var satisfied []*packs.Requirement
	for _, p := range o.Selection.Packs {
		reqs, err := p.Requirements()
		if err != nil {
			return nil, err
		}
		if reqs == nil {
			continue
		}
		if reqs, err = reqs.Resolve(p, o.Selection.Facts); err != nil {
			return nil, err
		}
		benchmark := benchmarkOf(p, reqs)
		for _, r := range reqs.List {
			c := add(r.ID)
			c.Requirement, c.Standard, c.Benchmark = r, reqs.Describe(), benchmark
			satisfied = append(satisfied, r)
		}
	}
	for _, r := range satisfied {
		for _, id := range r.Satisfies {
			if c := add(id); c.Requirement == nil {
				c.From = append(c.From, r.ID)
			}
		}
	}
	for _, it := range o.Items {
		for _, id := range it.Controls {
			c := add(id)
			c.Items = append(c.Items, it)
		}
	}
	if len(only) == 0 {
		return out, nil
	}
	return slices.DeleteFunc(out, func(c *Control) bool {
		return !slices.ContainsFunc(only, func(prefix string) bool { return strings.HasPrefix(c.ID, prefix) })
	}), nil
}

// Target is the rule set verify checks: a compiled file or the kernel.
type Target struct {
	Name  string
	Items []*model.Line // in load order
	// Settings are the kernel's status as the target leaves it (the last
	// value in load order, as the kernel holds it: -b 010 is 8).
	Settings map[model.Setting]uint32
	// Modes are auditctl's modes a rules file sets (-c, -i), which leave
	// no trace in the kernel.
	Modes map[model.Option]bool
	// AfterLock are the lines that come after -e 2 in load order: the
	// locked kernel refuses them, so they are no evidence, and -e 2 is not
	// the last line a STIG asks for.
	AfterLock []model.Origin
	// Cmdline are the kernel command line's parameters, when the target
	// is this host (nil for a rules file alone: not checked).
	Cmdline map[string]string
	// HostRoot is where the host's files are ("/"), when the target is
	// this host; empty for a rules file alone (file modes not checked).
	HostRoot string
	// Stop is the line of a rules file where auditctl stops loading it:
	// nothing at or after it is evidence (nil: every line is read).
	Stop *compile.Refusal
	// Refused are the lines auditctl refuses, also those it goes past
	// after -c or -i.
	Refused []compile.Refusal
	// Boot compares the host's boot files with its kernel, when the
	// target is the kernel (verify --kernel); nil for a rules file.
	Boot *BootComparison
}

// ReadCmdline reads the parameters the kernel was booted with
// (/proc/cmdline); a bare word (quiet) has an empty value.
func ReadCmdline(path string) (map[string]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read the kernel command line: %w", err)
	}
	params := map[string]string{}
	for _, word := range strings.Fields(string(data)) {
		if word == "--" {
			break // what follows is for init, not the kernel
		}
		k, v, _ := strings.Cut(word, "=")
		params[k] = v
	}
	return params, nil
}

// OnHost makes the host's facts evidence too: its kernel command line
// and the modes of its files.
func (t *Target) OnHost() error {
	cmdline, err := ReadCmdline("/proc/cmdline")
	if err != nil {
		return err
	}
	t.Cmdline, t.HostRoot = cmdline, "/"
	return nil
}

// TargetFromOrdered takes the rules and the effective settings (the last
// value in load order) of a rules file, as the kernel holds them after
// loading it: nothing after -e 2 is loaded.
func TargetFromOrdered(name string, o *compile.Compiled) *Target {
	t := newTarget(name)
	for _, it := range o.Items {
		switch s, v, ok := it.Directive.Setting(); {
		case t.Settings[model.SettingEnabled] == 2:
			t.AfterLock = append(t.AfterLock, it.Origin)
		case ok:
			t.Settings[s] = v
		case it.Directive.Option == model.OptContinueOnError || it.Directive.Option == model.OptIgnoreErrors:
			t.Modes[it.Directive.Option] = true
		case !it.IsDirective():
			t.Items = append(t.Items, it)
		}
	}
	return t
}

func newTarget(name string) *Target {
	return &Target{Name: name, Settings: map[model.Setting]uint32{}, Modes: map[model.Option]bool{}}
}

// FileTarget reads a rules file or rules.d directory as the host would
// load it on an empty kernel: a file (a compiled audit.rules) as
// auditctl -R loads it, line after line, a directory as augenrules
// assembles it. auditctl stops at the first line it refuses (unless -c or
// -i came before), so nothing at or after it is evidence, and a rules.d
// with no rules file is a host that loads no rules. Names and paths are
// the host's where one is given (--host), for a machine's syscall tables.
func FileTarget(path string, machine *model.Target, host model.Host) (*Target, error) {
	info, statErr := os.Stat(path) // Select says what is wrong with a path it cannot read
	sel, err := profiles.Select(profiles.Request{Paths: []string{path}, AsLoaded: statErr == nil && !info.IsDir()})
	if errors.Is(err, packs.ErrNoRulesFiles) {
		return newTarget(path), nil
	}
	if err != nil {
		return nil, err
	}
	c := compile.Build(sel, machine)
	if err := c.Mergeable(); err != nil {
		return nil, err
	}
	load := c.Simulate(host)
	t := newTarget(path)
	t.Stop, t.Refused = load.Stop, load.Refused
	for i, it := range c.Items {
		if o := it.Directive.Option; (o == model.OptContinueOnError || o == model.OptIgnoreErrors) && load.Stopped(i) == nil {
			t.Modes[o] = true // auditctl's mode, set even by a line it then refuses ("-c 1")
		}
		if !load.Loaded(i) {
			continue
		}
		if s, v, ok := it.Directive.Setting(); ok {
			t.Settings[s] = v
		} else if !it.IsDirective() {
			t.Items = append(t.Items, it)
		}
	}
	for _, r := range load.Refused {
		if r.Earlier >= 0 && c.Items[r.Earlier] == load.Lock {
			t.AfterLock = append(t.AfterLock, r.Item.Origin)
		}
	}
	return t, nil
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
	Only    []string      // prefixes of the control IDs to verify (a profile's controls)
	// Host is the machine the target's names and paths are on (--host,
	// --kernel): user and group names resolve there, and a path through a
	// directory that links elsewhere (/sbin to /usr/sbin on a usrmerged
	// host) is the path it leads to. Nil: offline.
	Host model.Host
}

// Verify checks, control by control, that the target records what each
// control asks for, by meaning: a required rule is met by always rules
// that match all of its events (together: one per arch, or syscalls split
// over rules), in the same filter list, with constraints at least as broad,
// and with no earlier never rule taking the events first. A control the
// standard words itself is judged by its words, not by the pack's rules.
func Verify(profile string, required *compile.Compiled, target *Target, opts VerifyOptions) (*Report, error) {
	controls, err := Controls(required, opts.Only)
	if err != nil {
		return nil, err
	}
	v := newVerifier(target, opts)
	rep := &Report{Profile: profile, Target: target.Name}
	results := map[string]*ControlResult{}
	for _, c := range controls {
		res := ControlResult{ID: c.ID, Standard: c.Standard}
		if c.Requirement != nil {
			res.Title = c.Requirement.Title
			res.Rule = ruleOf(c)
			if !slices.Contains(rep.Benchmarks, c.Benchmark) {
				rep.Benchmarks = append(rep.Benchmarks, c.Benchmark)
			}
		}
		res.RollUp = len(c.From) > 0
		if len(c.From) > 0 {
			rep.Results = append(rep.Results, res) // judged by its requirements, below
			continue
		}
		v.checkControl(c, &res)
		rep.Results = append(rep.Results, res)
	}
	for i := range rep.Results {
		results[rep.Results[i].ID] = &rep.Results[i]
	}
	for _, p := range required.Selection.Packs {
		rep.Packs = append(rep.Packs, p.ID())
	}
	rep.Settings = settingRows(required, controls, target)
	for _, c := range controls {
		if len(c.From) > 0 {
			satisfiedBy(results[c.ID], c.From, results)
		}
	}
	if stop := target.Stop; stop != nil {
		// What the rules past the stop would have met is not in the
		// kernel: say where the load ends, first (a control met through
		// others says it through theirs).
		at := stop.Item.Origin.String()
		why := fmt.Sprintf("auditctl stops at %s (%s) [%s]: nothing after it loads", stop.Item.Origin.Describe(), stop.Message, stop.Check)
		for i := range rep.Results {
			r := &rep.Results[i]
			if r.Status == Fail && !r.RollUp && !slices.ContainsFunc(r.Missing, func(m string) bool { return strings.Contains(m, at) }) {
				r.Missing = append([]string{why}, r.Missing...)
			}
		}
	}
	return rep, nil
}

// settingRows compares the control settings the rule set and its
// requirements ask for with the target's, in the order auditctl applies
// them.
func settingRows(required *compile.Compiled, controls []*Control, target *Target) []report.SettingRow {
	wanted := map[model.Setting]uint32{}
	note := func(it *model.Line) {
		if s, v, ok := it.Directive.Setting(); ok {
			wanted[s] = v
		}
	}
	for _, it := range required.Items {
		note(it)
	}
	for _, c := range controls {
		if c.Requirement != nil {
			for _, it := range c.Requirement.Lines {
				note(it)
			}
		}
	}
	shown := func(s model.Setting, v uint32, ok bool) string {
		switch {
		case !ok:
			return ""
		case s == model.SettingLoginuidImmutable:
			return "set"
		}
		return strconv.FormatUint(uint64(v), 10)
	}
	var rows []report.SettingRow
	for _, s := range model.Settings() {
		want, asked := wanted[s]
		have, set := target.Settings[s]
		if asked || set {
			rows = append(rows, report.SettingRow{Option: string(s.Option()), Wanted: shown(s, want, asked), Target: shown(s, have, set), Met: asked && set && settingMet(s, want, have)})
		}
	}
	return rows
}

// checkControl judges one control by the lines, kernel command line and
// file modes it requires.
func (v *verifier) checkControl(c *Control, res *ControlResult) {
	seen := map[Evidence]bool{}
	for _, it := range c.Requires() {
		evidence, missing, notes, add := v.check(it)
		for _, a := range add {
			if !slices.Contains(res.Add, a) {
				res.Add = append(res.Add, a)
			}
		}
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
	unchecked := v.continueUnchecked(c.Requires())
	if r := c.Requirement; r != nil {
		for _, p := range r.Cmdline {
			unchecked = !v.checkCmdline(res, p) || unchecked
		}
		unchecked = !v.checkStated(res, r) || unchecked
		if r.Boot {
			unchecked = !v.checkBoot(res) || unchecked
		}
		if r.OutsideRules != "" {
			unchecked = true
			res.Notes = append(res.Notes, "not in audit rules: "+r.OutsideRules)
		}
		if r.Note != "" {
			res.Notes = append(res.Notes, r.Note)
		}
	}
	switch {
	case len(res.Missing) > 0:
		res.Status = Fail
	case unchecked:
		res.Status = NotChecked
	default:
		res.Status = Pass
	}
}

// satisfiedBy judges a control that other requirements satisfy: it
// fails when one of them fails, and is not checked while one is not. Its
// evidence is theirs, listed with them, not repeated.
func satisfiedBy(res *ControlResult, from []string, results map[string]*ControlResult) {
	res.Status = Pass
	judged := 0
	for _, id := range from {
		r := results[id]
		if r == nil {
			continue // a control the profile does not answer for
		}
		judged++
		switch {
		case r.Status == Fail:
			res.Status = Fail
			res.Missing = append(res.Missing, "meet "+id)
		case r.Status == NotChecked && res.Status == Pass:
			res.Status = NotChecked
			res.Notes = append(res.Notes, "met when "+id+" is (not checked)")
		}
	}
	if res.Status == Pass {
		res.Notes = append(res.Notes, fmt.Sprintf("the requirements that satisfy it pass (%d)", judged))
	}
}

// checkCmdline adds a kernel command line requirement to a control's
// result: evidence, a gap, or, without the command line, a note. It
// reports whether the command line was checked.
func (v *verifier) checkCmdline(res *ControlResult, p packs.CmdlineParam) bool {
	cmdline := v.target.Cmdline
	if cmdline == nil {
		res.Notes = append(res.Notes, fmt.Sprintf("%s on the kernel command line is not in a rules file; verify --kernel (or --host) reads /proc/cmdline", p))
		return false
	}
	have, ok := cmdline[p.Name]
	if ok && p.Met(have) {
		res.Evidence = append(res.Evidence, Evidence{Origin: model.Origin{File: "/proc/cmdline"}, Setting: p.Name + "=" + have})
		return true
	}
	want := p.Name + "=" + p.Value
	res.Missing = append(res.Missing, fmt.Sprintf("add %s to the kernel command line (e.g. grubby --update-kernel=ALL --args=%s) and reboot", want, want))
	return true
}

type verifier struct {
	opts   VerifyOptions
	target *Target
	eval   []*model.Rule
	index  *model.Index // finds the target rules that may match a requirement's events
	host   *hostFiles   // the host's auditd.conf and users, read when first asked (hostfiles.go)
}

func newVerifier(t *Target, opts VerifyOptions) *verifier {
	v := &verifier{opts: opts, target: t}
	var rules []*model.Rule
	for _, it := range t.Items {
		if r := model.Normalize(onHost(it, opts.Host), opts.Machine); r != nil {
			rules = append(rules, r)
		}
	}
	v.eval = model.EvalOrder(rules)
	v.index = model.NewIndex(v.eval)
	return v
}

// check reports the target lines that meet one requirement, and what is
// missing.
func (v *verifier) check(it *model.Line) (evidence []Evidence, missing, notes, add []string) {
	if it.IsDirective() {
		evidence, missing, notes = v.checkSetting(it)
		if len(missing) > 0 { // set it, or set it last (-e 2)
			add = []string{strings.TrimSpace(it.Text)}
		}
		return evidence, missing, notes, add
	}
	req := model.Normalize(onHost(it, v.opts.Host), v.opts.Machine)
	if req == nil {
		return nil, nil, nil, nil
	}
	var gaps []gap
	for _, part := range parts(req) {
		cover, note, problem := v.cover(part.rule, req)
		if note != "" {
			notes = append(notes, note)
		}
		switch {
		case cover != nil:
			evidence = append(evidence, Evidence{Origin: cover.Item.Origin, Text: strings.TrimSpace(cover.Item.Text)})
		case problem != "":
			missing = append(missing, fmt.Sprintf("%s (for %s)", problem, it.Origin.Describe()))
		default:
			gaps = append(gaps, part)
		}
	}
	if len(gaps) > 0 {
		for _, s := range suggest(req, gaps, v.opts.Machine) {
			missing = append(missing, fmt.Sprintf("add %s (for %s)", s, it.Origin.Describe()))
			add = append(add, s)
		}
	}
	return evidence, missing, notes, add
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
func (v *verifier) checkSetting(it *model.Line) ([]Evidence, []string, []string) {
	if it.Directive.Option == model.OptContinueOnError {
		return v.checkContinue(it)
	}
	s, want, ok := it.Directive.Setting()
	if !ok {
		return nil, nil, nil // -D and -i describe no state
	}
	have, set := v.target.Settings[s]
	good := set && settingMet(s, want, have)
	if good && s == model.SettingEnabled && want == 2 && len(v.target.AfterLock) > 0 {
		first := v.target.AfterLock[0]
		return nil, []string{fmt.Sprintf("move -e 2 to the end: %s after it, from %s:%d, refused by the locked kernel (for %s)",
			text.Count(len(v.target.AfterLock), "line"), first.File, first.Line, it.Origin.Describe())}, nil
	}
	if good {
		setting := string(s.Option()) + " " + strconv.FormatUint(uint64(have), 10)
		if s == model.SettingLoginuidImmutable {
			setting = string(s.Option())
		}
		return []Evidence{{Origin: model.Origin{File: v.target.Name}, Setting: setting}}, nil, nil
	}
	return nil, []string{fmt.Sprintf("set %s (for %s)", strings.TrimSpace(it.Text), it.Origin.Describe())}, nil
}

// settingMet says whether a target's value of a control setting meets the
// value asked for: the same value, or for a setting with a floor (the
// backlog's limit and wait time), at least as much.
func settingMet(s model.Setting, want, have uint32) bool {
	return have == want || s.AtLeast() && have >= want
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
				fmt.Fprintf(&b, " -C %s%s%s", f.Name(), f.Op, f.Text)
			default:
				fmt.Fprintf(&b, " -F %s%s%s", f.Name(), f.Op, f.Text)
			}
		}
		for _, k := range req.Keys {
			fmt.Fprintf(&b, " -k %s", k)
		}
		out = append(out, b.String())
	}
	return out
}
