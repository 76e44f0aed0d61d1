package lint

import (
	"index/suffixarray"
	"slices"
	"sort"

	"github.com/auditpack/auditpack/packs"
	"github.com/auditpack/auditpack/packs/model"
)

// keyIndex finds the rule lines with a key that contains a text, as
// "-D -k KEY" deletes them, without testing every rule line for each
// such -D: a suffix array over all keys finds each occurrence of the text.
type keyIndex struct {
	ruleAt func(int) *model.Rule
	keys   *suffixarray.Index
	// starts are where each key begins in the array's text, lines the
	// line (index in the items) of its rule.
	starts, lines []int
}

func newKeyIndex(items []*packs.Item, ruleAt func(int) *model.Rule) *keyIndex {
	x := &keyIndex{ruleAt: ruleAt}
	var text []byte
	for i, it := range items {
		if it.IsDirective() {
			continue
		}
		for _, k := range ruleAt(i).Keys {
			x.starts, x.lines = append(x.starts, len(text)), append(x.lines, i)
			text = append(append(text, k...), 0)
		}
	}
	x.keys = suffixarray.New(text)
	return x
}

// containing returns in buf, ascending and once each, the lines before
// line end whose rule has a key containing k.
func (x *keyIndex) containing(buf []int, k string, end int) []int {
	out := buf[:0]
	for _, at := range x.keys.Lookup([]byte(k), -1) {
		line := x.lines[sort.SearchInts(x.starts, at+1)-1]
		// An occurrence across the NUL between two keys is none.
		if line < end && keyContains(x.ruleAt(line), k) {
			out = append(out, line)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}
