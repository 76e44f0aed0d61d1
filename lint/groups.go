package lint

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

// unlink drops index i, added with hash h after prev (-1: i is the last
// added), from its chain; next[i] still leads on, for a walk at i.
func (g *groups) unlink(h uint64, prev, i int) {
	switch {
	case prev >= 0:
		g.next[prev] = g.next[i]
	case g.next[i] >= 0:
		g.head[h] = g.next[i]
	default:
		delete(g.head, h)
	}
}
