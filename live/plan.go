package live

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/auditpack/auditpack/packs/model"
	"github.com/auditpack/auditpack/profiles/verify"
)

// unset is the loginuid of a task no login set (AUDIT_UID_UNSET).
const unset = 1<<32 - 1

// nobody is the user and group the children act as: they own nothing
// outside their scratch directory and may change nothing of root's.
const nobody = 65534

// Self is what the plan must know of the process that runs it.
type Self struct {
	// AUID is the loginuid auditpack runs with; a child keeps it when a
	// line's auid filter allows it.
	AUID uint32
	// LoginuidImmutable: --loginuid-immutable is in force, so a set
	// loginuid cannot change (an unset one still can be set once).
	LoginuidImmutable bool
	UIDMin            uint32 // the host's first user ID, for auid>=UID_MIN lines
	Exe               string // auditpack's executable, as the kernel names it
	// Can32 says whether auditpack can make 32-bit syscalls here (int
	// 0x80 on x86_64).
	Can32 bool
	// Scratch is the private directory the children work in; its box
	// subdirectory is their working directory.
	Scratch string
	// ExecOpensFirst: the kernel opens an exec's file before it reads the
	// argument list (Linux 6.8 and later), so an exec refused for its
	// arguments still records the path.
	ExecOpensFirst bool
	// LinkTarget tells where a path that is a symbolic link points (nil:
	// no path is a link).
	LinkTarget func(path string) (string, bool)
	// Exists tells whether a path is on this host (a watch of a missing
	// file records nothing until it exists).
	Exists func(path string) bool
}

// Identity is who a child acts as: its loginuid and its real and
// effective user and group (the saved and file system IDs follow the
// effective ones).
type Identity struct {
	AUID, UID, EUID, GID, EGID uint32
}

func (id Identity) String() string {
	return fmt.Sprintf("auid=%s uid=%d euid=%d gid=%d egid=%d", auidText(id.AUID), id.UID, id.EUID, id.GID, id.EGID)
}

// auidText is a loginuid as the kernel's records spell it, unset
// included.
func auidText(auid uint32) string {
	if auid == unset {
		return "unset"
	}
	return fmt.Sprint(auid)
}

func (id Identity) ids() model.IDs {
	return model.IDs{AUID: id.AUID, UID: id.UID, EUID: id.EUID, SUID: id.EUID, FSUID: id.EUID, GID: id.GID, EGID: id.EGID, SGID: id.EGID, FSGID: id.EGID}
}

// Plan is what a run will do: per control its parts, each with the
// action that proves it or why none can, and the actions grouped by the
// child (identity and ABI) that makes them.
type Plan struct {
	Controls []*ControlPlan
	Actions  []*Action // in the order they run
	Batches  []*Batch
}

// ControlPlan is one control's parts.
type ControlPlan struct {
	Control *verify.Control
	Parts   []*Part
	// Nothing says why a control without parts has none.
	Nothing string
}

// Part is one part of a requirement line: its events in one ABI, of one
// syscall or one perm class (or every syscall).
type Part struct {
	Line  *model.Line
	Rule  *model.Rule // the line restricted to the part
	ABI   model.ABI
	Event string // the syscall, "perm=w" for a perm class, "" for every syscall
	class uint8  // the perm class of a perm=... part
	// Action makes the part's event; nil when none can, then Reason
	// says why.
	Action *Action
	Reason string
}

// Action is one harmless call, made once however many parts it proves.
type Action struct {
	ID     int
	Probe  *probe
	ABI    model.ABI
	Number int    // the syscall's number in the ABI
	Path   string // the watched path, for a real-path probe
	// Follows is where the watched path links to when the call follows
	// the link (an exec): the kernel then sees the target's inode, not
	// the link's, which is what a watch of the link is on.
	Follows string
	Who     Identity
	// Event is the call as the kernel's filter will see it; its pointer
	// and descriptor arguments are unknown until the child runs.
	Event model.Event
}

// Call is the action's call as text; relative paths are in the box of
// the scratch directory, the children's working directory.
func (a *Action) Call(scratch string) string { return a.Probe.call(a.Path, scratch, a.ID) }

// Batch is the actions one child makes: one identity, one ABI.
type Batch struct {
	Who     Identity
	ABI     model.ABI
	Actions []*Action
}

// Box is the children's working directory in the scratch directory.
func Box(scratch string) string { return scratch + "/box" }

// planner builds a plan.
type planner struct {
	self    Self
	machine *model.Target
	actions map[string]*Action
	order   []*Action
}

// MakePlan plans the proof of each control: its requirement lines split
// into parts, and for each part the first probe of the catalogue, with
// the first identity the children may take, whose event the line's rule
// matches for certain.
func MakePlan(controls []*verify.Control, machine *model.Target, self Self) *Plan {
	pl := &planner{self: self, machine: machine, actions: map[string]*Action{}}
	plan := &Plan{}
	for _, c := range controls {
		cp := &ControlPlan{Control: c}
		plan.Controls = append(plan.Controls, cp)
		if len(c.From) > 0 {
			continue // judged by the requirements that satisfy it
		}
		for _, it := range c.Requires() {
			if it.Rule == nil {
				continue // a setting: verify checks it
			}
			r := model.Normalize(it, machine)
			if r == nil {
				continue
			}
			for _, part := range pl.parts(it, r) {
				pl.planPart(part)
				cp.Parts = append(cp.Parts, part)
			}
		}
		if len(cp.Parts) == 0 {
			cp.Nothing = "no audit rule line to prove: the control asks for settings, the kernel command line, file modes or what no rule records, which verify judges"
		}
	}
	plan.Batches = batches(pl.order)
	for _, b := range plan.Batches {
		for _, a := range b.Actions {
			a.ID = len(plan.Actions) + 1
			a.Event = pl.event(a.Probe, a.ABI, a.Number, a.Who, a.Path, a.ID)
			plan.Actions = append(plan.Actions, a)
		}
	}
	return plan
}

// batches groups actions by child, in the order the actions were first
// planned.
func batches(actions []*Action) []*Batch {
	var out []*Batch
	for _, a := range actions {
		i := slices.IndexFunc(out, func(b *Batch) bool { return b.Who == a.Who && b.ABI == a.ABI })
		if i < 0 {
			out = append(out, &Batch{Who: a.Who, ABI: a.ABI})
			i = len(out) - 1
		}
		out[i].Actions = append(out[i].Actions, a)
	}
	return out
}

// parts splits a line into the parts a live run proves one by one: per
// ABI, each syscall it names; a rule on every syscall with a perm field
// per perm class, without one as a whole.
func (pl *planner) parts(it *model.Line, r *model.Rule) []*Part {
	var out []*Part
	for _, abi := range []model.ABI{model.B64, model.B32} {
		if !r.ABIs[abi] {
			continue
		}
		if r.List != model.ListExit {
			out = append(out, &Part{Line: it, Rule: r, ABI: abi, Reason: fmt.Sprintf("not a syscall rule (%s list): no call of auditpack's can be its event", r.List)})
			continue
		}
		if !r.AllSyscalls {
			names := pl.machine.SyscallNames(abi)
			for _, n := range r.WireMask.Numbers() {
				out = append(out, &Part{Line: it, Rule: r.Restrict(abi, n), ABI: abi, Event: names[n]})
			}
			continue
		}
		classes := permOf(r)
		if classes == 0 {
			out = append(out, &Part{Line: it, Rule: r.Restrict(abi, -1), ABI: abi})
			continue
		}
		for _, c := range []uint8{model.PermRead, model.PermWrite, model.PermExec, model.PermAttr} {
			if classes&c != 0 {
				out = append(out, &Part{Line: it, Rule: r.Restrict(abi, -1), ABI: abi, Event: "perm=" + model.PermText(uint32(c)), class: c})
			}
		}
	}
	return out
}

// permOf is the perm classes a rule asks for (0 without a perm field).
func permOf(r *model.Rule) uint8 {
	var bits uint8
	for _, f := range r.Fields {
		if f.Kind == model.KindPerm {
			bits |= uint8(f.Value)
		}
	}
	return bits
}

// watchedPath is the path a rule watches (path=, dir= or -w), or "".
func watchedPath(r *model.Rule) string {
	for _, f := range r.Fields {
		if (f.Name() == "path" || f.Name() == "dir") && f.Op == model.OpEqual {
			return f.Text
		}
	}
	return ""
}

// tested says whether a rule tests a field.
func tested(r *model.Rule, names ...string) bool {
	return slices.ContainsFunc(r.Fields, func(f model.Field) bool { return slices.Contains(names, f.Name()) })
}

// Why a part has no action, from the most telling to the least.
type excuse struct {
	rank int
	text string
}

func (e *excuse) note(rank int, format string, args ...any) {
	if rank > e.rank {
		e.rank, e.text = rank, fmt.Sprintf(format, args...)
	}
}

// planPart finds the part's action, or why there is none.
func (pl *planner) planPart(p *Part) {
	if p.Reason != "" {
		return
	}
	if p.ABI == model.B32 && !pl.self.Can32 {
		p.Reason = "auditpack makes 32-bit calls with int 0x80, which only x86_64 has"
		return
	}
	watched := watchedPath(p.Rule)
	if p.Event == "perm=x" && watched != "" && !pl.self.ExecOpensFirst {
		p.Reason = fmt.Sprintf("a record needs an exec of %s itself, and this kernel (before Linux 6.8) reads an exec's arguments before it opens the file, so an exec auditpack makes fail records no path; auditpack runs no installed program", watched)
		return
	}
	if watched != "" && pl.self.Exists != nil && !pl.self.Exists(watched) {
		p.Reason = fmt.Sprintf("%s does not exist on this host: there is no inode for the rule to watch, and auditpack creates nothing outside its scratch directory", watched)
		return
	}
	for _, f := range p.Rule.Fields {
		if f.Def.LSM || f.Name() == "exe" && f.Op == model.OpEqual && f.Text != pl.self.Exe {
			p.Reason = cantTell(f.Name(), p.Rule)
			return
		}
	}
	var why excuse
	why.note(1, "no harmless call of %s is known to auditpack", cmp.Or(p.Event, "any syscall"))
	for _, pr := range probes {
		nr, ok := pl.machine.Syscall(p.ABI, pr.syscall)
		if !ok || pr.real != (watched != "") || !p.Rule.WireMask.Has(nr) && !p.Rule.AllSyscalls {
			continue
		}
		if pr.real && p.class != 0 && pr.class != p.class {
			continue
		}
		if !pr.outcome.exact() && tested(p.Rule, "success", "exit") {
			why.note(2, "no harmless call of %s ends as the line asks (%s)", cmp.Or(p.Event, pr.syscall), outcomeFields(p.Rule))
			continue
		}
		if a := testedUnknownArg(p.Rule, pr); a != "" {
			why.note(3, "the line tests %s, which auditpack cannot choose for %s", a, pr.syscall)
			continue
		}
		if a := pl.tryProbe(p, pr, nr, watched, &why); a != nil {
			p.Action = a
			return
		}
	}
	p.Reason = why.text
}

// tryProbe looks for an identity with which the probe's call is an
// event of the part, and returns its action (shared with the parts
// planned before it).
func (pl *planner) tryProbe(p *Part, pr *probe, nr int, watched string, why *excuse) *Action {
	for _, who := range pl.identities(p.Rule, pr) {
		ev := pl.event(pr, p.ABI, nr, who, watched, 0)
		m, field := p.Rule.Match(&ev)
		switch {
		case m == model.MayMatch || field == "exe":
			why.note(5, "%s", cantTell(field, p.Rule))
			continue
		case m == model.NoMatch && (field == "success" || field == "exit"):
			why.note(2, "no harmless call of %s ends as the line asks (%s)", cmp.Or(p.Event, pr.syscall), outcomeFields(p.Rule))
			continue
		case m == model.NoMatch && slices.Contains(idNames, field):
			why.note(4, "no identity auditpack may act as matches the line's %s (it acts as uid 65534, and as euid or egid 0 only for its refused exec)", idFields(p.Rule))
			continue
		case m == model.NoMatch:
			why.note(3, "the line's %s does not hold for auditpack's harmless %s", fieldsNamed(p.Rule, field), pr.syscall)
			continue
		}
		if classes, _ := pl.machine.PermClasses(&ev); p.class != 0 && classes&p.class == 0 {
			continue
		}
		if !pl.canTake(who.AUID) {
			why.note(6, "the loginuid is immutable (--loginuid-immutable) and auditpack runs with auid=%s, which the line does not record: the identity could not be chosen", auidText(pl.self.AUID))
			continue
		}
		key := fmt.Sprint(pr.kind, p.ABI, who, watched)
		if a, ok := pl.actions[key]; ok {
			return a
		}
		a := &Action{Probe: pr, ABI: p.ABI, Number: nr, Path: watched, Who: who, Event: ev}
		if pr.exec || pr.class == model.PermExec {
			a.Follows = pl.linkTarget(watched)
		}
		pl.actions[key] = a
		pl.order = append(pl.order, a)
		return a
	}
	return nil
}

// linkTarget is where a watched path links to, or "".
func (pl *planner) linkTarget(path string) string {
	if path == "" || pl.self.LinkTarget == nil {
		return ""
	}
	target, _ := pl.self.LinkTarget(path)
	return target
}

// canTake says whether a child can act with this loginuid: its own, or
// one it may set (an unset loginuid may always be set once; a set one
// only while not immutable).
func (pl *planner) canTake(auid uint32) bool {
	return auid == pl.self.AUID || pl.self.AUID == unset || !pl.self.LoginuidImmutable
}

// identities are the identities a child may take for a probe, in order
// of preference: the loginuid auditpack runs with, and uid and gid
// 65534; then the values the rule's fields name. Only the refused exec
// may run with a user or group ID of 0.
func (pl *planner) identities(r *model.Rule, pr *probe) []Identity {
	values := func(names []string, first ...uint32) []uint32 {
		out := first
		for _, f := range r.Fields {
			if f.Kind == model.KindNumeric && f.Resolved && slices.Contains(names, f.Name()) {
				out = append(out, f.Value, f.Value+1, f.Value-1)
			}
		}
		return compactKeep(out)
	}
	compared := map[string]bool{}
	for _, f := range r.Fields {
		if f.Kind == model.KindCompare {
			compared[f.Name()], compared[f.Text] = true, true
		}
	}
	ids := func(names []string) []uint32 {
		if !tested(r, names...) && !slices.ContainsFunc(names, func(n string) bool { return compared[n] }) {
			return []uint32{nobody}
		}
		vs := values(names, nobody, 0)
		if !pr.exec {
			vs = slices.DeleteFunc(vs, func(v uint32) bool { return v == 0 })
		}
		return vs
	}
	auids := []uint32{pl.self.AUID}
	if tested(r, "auid") || compared["auid"] {
		auids = values([]string{"auid"}, pl.self.AUID, pl.self.UIDMin, 0)
	}
	var out []Identity
	for _, auid := range auids {
		for _, uid := range ids([]string{"uid"}) {
			for _, euid := range ids([]string{"euid", "suid", "fsuid"}) {
				for _, gid := range ids([]string{"gid"}) {
					for _, egid := range ids([]string{"egid", "sgid", "fsgid"}) {
						out = append(out, Identity{AUID: auid, UID: uid, EUID: euid, GID: gid, EGID: egid})
					}
				}
			}
		}
	}
	return out
}

// compactKeep drops repeated values, keeping the first of each.
func compactKeep(vs []uint32) []uint32 {
	var out []uint32
	for _, v := range vs {
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// event is a probe's call as the exit filter will see it.
func (pl *planner) event(pr *probe, abi model.ABI, nr int, who Identity, watched string, id int) model.Event {
	ev := model.Event{ABI: abi, Syscall: nr, Success: pr.outcome.errno == 0 && pr.outcome.exact(), IDs: who.ids(), Exe: pl.self.Exe, MsgType: model.RecordSyscall}
	if !ev.Success {
		ev.Exit = -int64(pr.outcome.errno)
		if !pr.outcome.exact() {
			ev.Exit = -int64(representative)
		}
	}
	box := Box(pl.self.Scratch)
	for i, a := range pr.args {
		if i < len(ev.Args) {
			if v, ok := a.value(abi); ok {
				ev.Args[i] = v
			}
		}
		switch a.kind {
		case argPath:
			ev.Paths = append(ev.Paths, box+"/"+a.s)
		case argUnique:
			ev.Paths = append(ev.Paths, box+"/"+uniqueName(a.s, id))
		case argReal:
			ev.Paths = append(ev.Paths, watched)
		case argNoExec:
			ev.Paths = append(ev.Paths, pl.self.Scratch+"/noexec")
		case argOpenHow:
			ev.OpenHowFlags = uint64(a.n)
		}
	}
	return ev
}

// representative is the errno a planned event of a probe that may end
// several ways is judged with (no line that tests the outcome is).
const representative = 20 // ENOTDIR

// value is an argument's number as the kernel keeps it for the ABI, when
// the plan knows it (pointers and descriptors it does not).
func (a arg) value(abi model.ABI) (uint64, bool) {
	var n int64
	switch a.kind {
	case argNum:
		n = a.n
	case argCwd:
		n = -100
	case argNull:
		n = 0
	default:
		return 0, false
	}
	if abi == model.B32 {
		return uint64(uint32(n)), true
	}
	return uint64(n), true
}

// testedUnknownArg names an argument the rule tests that the plan cannot
// know for the probe (a pointer or a descriptor), or "".
func testedUnknownArg(r *model.Rule, pr *probe) string {
	for _, f := range r.Fields {
		if n := f.Name(); len(n) == 2 && n[0] == 'a' && n[1] >= '0' && n[1] <= '3' {
			i := int(n[1] - '0')
			if i >= len(pr.args) {
				continue
			}
			if _, ok := pr.args[i].value(model.B64); !ok {
				return n
			}
		}
	}
	return ""
}

// outcomeFields spells the rule's success and exit fields.
func outcomeFields(r *model.Rule) string {
	return fieldsNamed(r, "success", "exit")
}

// idNames are the fields of a task's identity.
var idNames = []string{"auid", "uid", "euid", "suid", "fsuid", "gid", "egid", "sgid", "fsgid"}

// idFields spells the rule's identity fields.
func idFields(r *model.Rule) string {
	var out []string
	for _, f := range r.Fields {
		if f.Kind == model.KindCompare {
			out = append(out, "-C "+f.Name()+f.Op.String()+f.Text)
		}
	}
	if s := fieldsNamed(r, idNames...); s != "" {
		out = append(out, s)
	}
	return strings.Join(out, " ")
}

func fieldsNamed(r *model.Rule, names ...string) string {
	var out []string
	for _, f := range r.Fields {
		if slices.Contains(names, f.Name()) && f.Kind != model.KindCompare {
			out = append(out, f.Name()+f.Op.String()+f.Text)
		}
	}
	return strings.Join(out, " ")
}

// cantTell says why auditpack cannot make a call the rule surely
// matches, by the field that decides.
func cantTell(field string, r *model.Rule) string {
	switch {
	case field == "exe":
		return fmt.Sprintf("the line matches only calls of %s; auditpack runs no installed program", fieldsNamed(r, "exe"))
	case slices.ContainsFunc(r.Fields, func(f model.Field) bool { return f.Name() == field && f.Def.LSM }):
		return fmt.Sprintf("the line matches only calls with the security label %s, which auditpack's calls cannot have", fieldsNamed(r, field))
	}
	return fmt.Sprintf("the line tests %s, which auditpack cannot choose for its calls", field)
}
