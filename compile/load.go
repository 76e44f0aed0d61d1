package compile

import (
	"fmt"
	"slices"

	"github.com/auditpack/auditpack/packs/model"
)

// Load is what auditctl -R makes of the compiled lines on a kernel that
// holds no rules, line after line, as augenrules --load runs it at boot:
// the lines it refuses and why, and where it stops. Every command takes
// its verdict from here: nothing at or after the line where auditctl
// stops reaches the kernel, so nothing there is evidence.
type Load struct {
	// Refused are the lines auditctl refuses, in load order, as if it
	// went on past every one (as -c and -i make it).
	Refused []Refusal
	// Stop is the refused line where auditctl stops, the first of Refused
	// (nil when it refuses none, or when -c or -i came first: then it
	// goes on, and only the refused lines themselves fail).
	Stop *Refusal
	// Ignoring is the -c or -i line that makes auditctl go on past the
	// lines it refuses after it (nil when there is none before Stop).
	Ignoring *model.Line
	// Lock is the -e 2 line after which the kernel refuses every change.
	Lock      *model.Line
	lockIndex int
	loader    *loader // the host's own auditctl, when it is asked
	// loaded[i] says whether Items[i] reaches the kernel.
	loaded []bool
}

// Refusal is a line auditctl refuses.
type Refusal struct {
	Index int // into the compiled Items
	Item  *model.Line
	model.Problem
	// Earlier is the index of the line that makes this one fail: the rule
	// it repeats ("Rule exists"), or the -e 2 that locked the kernel; -1
	// for none.
	Earlier int
}

// Loaded says whether Items[i] is in the kernel once the load is done: a
// rule auditctl loaded and no later -D or -d deleted, or a setting it
// applied (not -D, -c or -i, which leave nothing behind).
func (l *Load) Loaded(i int) bool { return l.loaded[i] }

// Stopped says why the lines from Items[i] on never reach the kernel, or
// nil when they are read.
func (l *Load) Stopped(i int) *Refusal {
	if l.Stop != nil && i >= l.Stop.Index {
		return l.Stop
	}
	return nil
}

// LoadHost is what the load asks of the loading host beyond what the
// model does: the kernel's HZ, which bounds --backlog_wait_time.
type LoadHost interface {
	model.Host
	HZ() (int, bool)
}

// Simulate runs the lines as auditctl -R does on a kernel that holds no
// rules, with the target's syscall tables and, given a host, the host's
// users, groups and paths (nil: offline, where nothing of a host is
// refused); a LoaderHost's own auditctl refuses what it does not know, as
// at boot. It is computed again on each call; callers keep the result.
func (c *Compiled) Simulate(host model.Host) *Load {
	return c.simulate(host, (*model.Rule).IdentityHash)
}

// simulate is Simulate with the hash rules are filed under, so that a
// test can make every hash collide.
func (c *Compiled) simulate(host model.Host, hash func(*model.Rule) uint64) *Load {
	rules := c.ItemRules(c.Targets[0])
	l := &Load{loaded: make([]bool, len(c.Items)), loader: newLoader(host)}
	kernel := newLoadedRules(rules, hash)
	for i, it := range c.Items {
		refusal, earlier := c.refusal(i, it, kernel, l, host)
		if refusal == nil {
			l.loaded[i] = isSetting(it) // a rule counts if it is still there at the end
			continue
		}
		placed := *refusal
		if placed.Origin.File == "" {
			placed.Origin = it.Origin
			placed.Origin.Col = model.Column(it.Text, placed.At)
		}
		l.Refused = append(l.Refused, Refusal{Index: i, Item: it, Problem: placed, Earlier: earlier})
	}
	// Without -c or -i before it, the first refused line is where auditctl
	// stopped.
	if l.Ignoring == nil && len(l.Refused) > 0 {
		l.Stop = &l.Refused[0]
		for j := l.Stop.Index; j < len(l.loaded); j++ {
			l.loaded[j] = false
		}
	}
	for _, js := range kernel.byHash {
		for _, j := range js {
			l.loaded[j] = l.Stop == nil || j < l.Stop.Index
		}
	}
	return l
}

// isSetting says whether a line sets the kernel's state: -e, -f, -b, -r,
// --backlog_wait_time, --loginuid-immutable (not -D, -c or -i, which act
// and leave nothing behind).
func isSetting(it *model.Line) bool {
	_, _, sets := it.Directive.Setting()
	return sets && it.Refused == nil
}

// refusal says why auditctl refuses line i, updating what the kernel
// holds when it does not.
func (c *Compiled) refusal(i int, it *model.Line, loaded *loadedRules, l *Load, host model.Host) (*model.Problem, int) {
	// -c and -i set auditctl's mode, even on a line it then refuses.
	if o := it.Directive.Option; (o == model.OptContinueOnError || o == model.OptIgnoreErrors) && l.Ignoring == nil && len(l.Refused) == 0 {
		l.Ignoring = it
	}
	if it.Refused != nil {
		return it.Refused, -1
	}
	if l.Lock != nil && it.Loadable() && it.Directive.Option != model.OptContinueOnError && it.Directive.Option != model.OptIgnoreErrors || l.Lock != nil && it.Delete != nil {
		return &model.Problem{Check: model.CheckAfterLock, Message: "the kernel refuses every change after -e 2 (Operation not permitted)"}, l.lockIndex
	}
	switch d := it.Directive; {
	case d.Option == model.OptDeleteAll:
		loaded.deleteAll(d.Key, i)
	case d.Option == model.OptEnabled && d.Value == "2":
		l.Lock, l.lockIndex = it, i
	case d.Option == model.OptBacklogWaitTime:
		hz := 0
		if h, ok := host.(LoadHost); ok {
			hz, _ = h.HZ()
		}
		if ref := d.KernelProblem(hz); ref != nil {
			return ref, -1
		}
	}
	if it.Delete != nil {
		gone := model.Normalize(&model.Line{Origin: it.Origin, Text: it.Text, Rule: it.Delete}, c.Targets[0])
		if !loaded.delete(gone) {
			return &model.Problem{Check: model.CheckStatefulOption, Message: "no such rule is loaded, so auditctl stops (No such file or directory)"}, -1
		}
		return nil, -1
	}
	r := loaded.rules[i]
	if r == nil {
		return nil, -1
	}
	if p := r.Problems(); len(p) > 0 {
		return &p[0], -1
	}
	if u := r.Unknown(); len(u) > 0 {
		return &model.Problem{Check: model.CheckSyscallUnknown, At: u[0].Name, Message: fmt.Sprintf("syscall %q does not exist in %s's %s table (Syscall name unknown)", u[0].Name, c.Targets[0].Name, u[0].ABI)}, -1
	}
	if host != nil {
		if p := r.HostProblems(host); len(p) > 0 {
			return &p[0], -1
		}
	}
	if ref := l.loader.refusal(r, c.Targets[0]); ref != nil {
		return ref, -1
	}
	if first := loaded.find(r); first >= 0 && !r.Prepend {
		return &model.Problem{Check: model.CheckExactDuplicate, Message: "the kernel holds this rule already (Rule exists)"}, first
	}
	loaded.add(r, i)
	return nil, -1
}

// loadedRules are the rules the kernel holds, by identity hash.
type loadedRules struct {
	byHash map[uint64][]int // item indexes, in the order they were added
	rules  []*model.Rule    // of the items
	hash   func(*model.Rule) uint64
	// keys finds the rules a -D -k deletes, made at the first; holding
	// is the list it fills.
	keys    *model.KeyIndex
	holding []int
}

func newLoadedRules(rules []*model.Rule, hash func(*model.Rule) uint64) *loadedRules {
	return &loadedRules{byHash: map[uint64][]int{}, rules: rules, hash: hash}
}

// find is the loaded rule the kernel finds for r's identity, the last
// added first (an -A rule joins one of its identity), or -1.
func (k *loadedRules) find(r *model.Rule) int {
	js := k.byHash[k.hash(r)]
	for n := len(js) - 1; n >= 0; n-- {
		if k.rules[js[n]].Identity() == r.Identity() {
			return js[n]
		}
	}
	return -1
}

func (k *loadedRules) add(r *model.Rule, i int) {
	k.byHash[k.hash(r)] = append(k.byHash[k.hash(r)], i)
}

// delete removes the loaded rule with r's identity, as -d and -W do.
func (k *loadedRules) delete(r *model.Rule) bool {
	j := k.find(r)
	if j < 0 {
		return false
	}
	h := k.hash(r)
	k.byHash[h] = slices.DeleteFunc(k.byHash[h], func(i int) bool { return i == j })
	return true
}

// deleteAll is -D at line before: every rule, or with -k those with a key
// holding key, found through an index of the keys (a -D -k looked at
// every loaded rule: quadratic in a set that has one every hundred
// rules).
func (k *loadedRules) deleteAll(key string, before int) {
	if key == "" {
		clear(k.byHash)
		return
	}
	if k.keys == nil {
		k.keys = model.NewKeyIndex(k.rules)
	}
	k.holding = k.keys.Containing(k.holding, key, before)
	for _, j := range k.holding {
		h := k.hash(k.rules[j])
		if js := k.byHash[h]; slices.Contains(js, j) {
			k.byHash[h] = slices.DeleteFunc(js, func(i int) bool { return i == j })
		}
	}
}
