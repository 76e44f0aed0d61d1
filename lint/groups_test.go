package lint

import (
	"slices"
	"testing"
)

// Members come back newest first, per hash, and survive a deletion in
// that order.
func TestGroups(t *testing.T) {
	g := newGroups(6)
	for i, h := range []uint64{7, 9, 7, 7, 9, 3} {
		g.add(h, i)
	}
	if got := slices.Collect(g.members(7)); !slices.Equal(got, []int{3, 2, 0}) {
		t.Errorf("members of 7: %v, want [3 2 0]", got)
	}
	if got := slices.Collect(g.members(5)); len(got) != 0 {
		t.Errorf("members of a hash never added: %v", got)
	}
	g.deleteFunc(func(i int) bool { return i == 2 || i == 4 })
	for h, want := range map[uint64][]int{7: {3, 0}, 9: {1}, 3: {5}} {
		if got := slices.Collect(g.members(h)); !slices.Equal(got, want) {
			t.Errorf("after deleting 2 and 4, members of %d: %v, want %v", h, got, want)
		}
	}
}
