package apply

import (
	"sort"
)

// Op is one kernel operation of a plan.
type Op struct {
	Delete bool  // delete Rule (else add it)
	Rule   *Rule // for a delete, the kernel's copy
}

// Plan turns the kernel's rules into the desired ones with few operations.
type Plan struct {
	// Old is the kernel's rules; New what it will hold after the plan, in
	// its listing order (rules that cannot match the same events may stand
	// in another order than written: the kernel's choice is kept then).
	Old, New []*Rule
	Ops      []Op
	Kept     int // rules common to both that stay in place
	Moved    int // common rules deleted and added again to restore order
}

// Changed reports whether the plan changes any rule.
func (p *Plan) Changed() bool { return len(p.Ops) > 0 }

// MakePlan computes the operations that turn old (the kernel's rules in
// its listing order) into desired (in evaluation order). Order matters
// only between rules that can match the same event (overlaps): a rule
// common to both stays where it is unless an overlapping rule must come
// before it, new rules are appended, and a common rule that must follow an
// appended overlapping rule is deleted and appended again after it. New
// rules are added before anything is deleted, so at every moment the
// kernel holds every rule old and new share, except moved ones between
// their delete and their add.
func MakePlan(old, desired []*Rule, overlaps func(a, b *Rule) bool) *Plan {
	p := &Plan{Old: old}
	lists := map[uint32]bool{}
	for _, r := range append(append([]*Rule(nil), old...), desired...) {
		lists[r.List] = true
	}
	var order []uint32
	for l := range lists {
		order = append(order, l)
	}
	sort.Slice(order, func(i, j int) bool { return order[i] < order[j] })
	var adds, deletes []Op
	for _, l := range order {
		a, d := planList(filterList(old, l), filterList(desired, l), overlaps, p)
		adds, deletes = append(adds, a...), append(deletes, d...)
	}
	p.Ops = append(adds, deletes...)
	return p
}

func filterList(rules []*Rule, list uint32) []*Rule {
	var out []*Rule
	for _, r := range rules {
		if r.List == list {
			out = append(out, r)
		}
	}
	return out
}

// planList plans one filter list: the adds in order (a moved rule's delete
// right before its add) and the deletes of rules that go.
func planList(old, desired []*Rule, overlaps func(a, b *Rule) bool, p *Plan) (adds, deletes []Op) {
	// Where each desired rule stands in the kernel, if it is there.
	positions := map[string][]int{}
	for i, r := range old {
		positions[r.Key()] = append(positions[r.Key()], i)
	}
	at := make([]int, len(desired))
	for j, r := range desired {
		at[j] = -1
		if ps := positions[r.Key()]; len(ps) > 0 {
			at[j], positions[r.Key()] = ps[0], ps[1:]
		}
	}
	// Keep a common rule unless a kept rule written before it, which it
	// overlaps, stands after it in the kernel.
	appended := make([]bool, len(desired))
	var keptAt []int // kernel positions of kept rules, sorted
	keptBy := map[int]int{}
	for j := range desired {
		if at[j] < 0 {
			appended[j] = true
			continue
		}
		k := sort.SearchInts(keptAt, at[j])
		for _, pos := range keptAt[k:] {
			if overlaps(desired[keptBy[pos]], desired[j]) {
				appended[j] = true
				break
			}
		}
		if !appended[j] {
			keptAt = append(keptAt[:k], append([]int{at[j]}, keptAt[k:]...)...)
			keptBy[at[j]] = j
		}
	}
	// Appended rules go last: a kept rule written after an appended rule it
	// overlaps must be appended too, after it.
	for changed := true; changed; {
		changed = false
		for x := range desired {
			if !appended[x] {
				continue
			}
			for y := x + 1; y < len(desired); y++ {
				if !appended[y] && overlaps(desired[x], desired[y]) {
					appended[y], changed = true, true
				}
			}
		}
	}
	inPlace := map[int]bool{}
	var tail []*Rule
	for j := range desired {
		switch {
		case !appended[j]:
			inPlace[at[j]] = true
			p.Kept++
		case at[j] >= 0:
			// moved: delete the kernel's copy right before adding it again
			adds = append(adds, Op{Delete: true, Rule: old[at[j]]}, Op{Rule: desired[j]})
			tail = append(tail, desired[j])
			p.Moved++
		default:
			adds = append(adds, Op{Rule: desired[j]})
			tail = append(tail, desired[j])
		}
	}
	for i, r := range old {
		if inPlace[i] {
			p.New = append(p.New, r)
			continue
		}
		if !movedFrom(adds, r) {
			deletes = append(deletes, Op{Delete: true, Rule: r})
		}
	}
	p.New = append(p.New, tail...)
	return adds, deletes
}

func movedFrom(adds []Op, r *Rule) bool {
	for _, op := range adds {
		if op.Delete && op.Rule == r {
			return true
		}
	}
	return false
}
