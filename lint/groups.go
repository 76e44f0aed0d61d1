package lint

import (
	"iter"
	"slices"
)

// groups holds indices (of rules or lines) grouped by a 64-bit hash of
// what they share, without a slice per group: hundreds of thousands of
// rules mostly hash alone.
type groups struct {
	head map[uint64]int32 // per hash, the index added last
	next []int32          // per index, the one added before it with its hash; -1 ends
}

func newGroups(indices int) *groups {
	return &groups{head: make(map[uint64]int32, indices), next: make([]int32, indices)}
}

func (g *groups) add(h uint64, i int) {
	g.next[i] = -1
	if j, ok := g.head[h]; ok {
		g.next[i] = j
	}
	g.head[h] = int32(i)
}

// first is the index added last with hash h, or -1; next[i] goes on
// from i (a plain loop, where an iterator's closure would be allocated
// for each of many rules).
func (g *groups) first(h uint64) int {
	if j, ok := g.head[h]; ok {
		return int(j)
	}
	return -1
}

// members yields the indices added with hash h, the last added first.
func (g *groups) members(h uint64) iter.Seq[int] {
	return func(yield func(int) bool) {
		for j := g.first(h); j >= 0; j = int(g.next[j]) {
			if !yield(j) {
				return
			}
		}
	}
}

// deleteFunc drops the indices del says to, keeping the others in their
// order.
func (g *groups) deleteFunc(del func(int) bool) {
	type member struct {
		h uint64
		i int
	}
	var keep []member
	for h := range g.head {
		for i := range g.members(h) {
			if !del(i) {
				keep = append(keep, member{h, i})
			}
		}
	}
	slices.SortFunc(keep, func(a, b member) int { return a.i - b.i })
	clear(g.head)
	for _, m := range keep {
		g.add(m.h, m.i)
	}
}
