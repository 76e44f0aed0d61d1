package lint

import (
	"slices"
	"testing"
)

// chain walks the indices added with hash h, the last added first.
func chain(g *groups, h uint64) []int {
	var out []int
	for j := g.first(h); j >= 0; j = int(g.next[j]) {
		out = append(out, j)
	}
	return out
}

// Members come back newest first, per hash, and keep that order when
// one is unlinked from the head, the middle or a chain of one.
func TestGroups(t *testing.T) {
	g := newGroups(7)
	for i, h := range []uint64{7, 9, 7, 7, 9, 3, 7} {
		g.add(h, i)
	}
	if got := chain(g, 7); !slices.Equal(got, []int{6, 3, 2, 0}) {
		t.Errorf("members of 7: %v, want [6 3 2 0]", got)
	}
	if got := chain(g, 5); len(got) != 0 {
		t.Errorf("members of a hash never added: %v", got)
	}
	g.unlink(7, -1, 6) // the head
	g.unlink(7, 3, 2)  // the middle
	g.unlink(3, -1, 5) // the only one
	for h, want := range map[uint64][]int{7: {3, 0}, 9: {4, 1}, 3: nil} {
		if got := chain(g, h); !slices.Equal(got, want) {
			t.Errorf("after unlinking 6, 2 and 5, members of %d: %v, want %v", h, got, want)
		}
	}
}
