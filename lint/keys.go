package lint

import (
	"index/suffixarray"
	"slices"
	"sort"
	"strings"

	"github.com/auditpack/auditpack/packs"
	"github.com/auditpack/auditpack/packs/model"
)

// keyIndex finds the rule lines with a key that contains a text, as
// "-D -k KEY" deletes them, without testing every rule line for each
// such -D: a suffix array over the distinct keys finds each occurrence of
// the text, and each key has the lines of its rules.
type keyIndex struct {
	keys  []string
	array *suffixarray.Index
	// starts are where each key begins in the array's text; key k's
	// lines (indices in the items) are lines[lineStart[k]:lineStart[k+1]].
	starts, lineStart []int
	lines             []int
}

func newKeyIndex(items []*packs.Item, ruleAt func(int) *model.Rule) *keyIndex {
	x := &keyIndex{}
	ids := map[string]int{}
	var keyOf []int // per key given, in line order: its key
	var lineOf []int
	var text []byte
	for i, it := range items {
		if it.IsDirective() {
			continue
		}
		for _, k := range ruleAt(i).Keys {
			id, ok := ids[k]
			if !ok {
				id = len(x.keys)
				ids[k] = id
				x.keys, x.starts = append(x.keys, k), append(x.starts, len(text))
				text = append(append(text, k...), 0)
			}
			keyOf, lineOf = append(keyOf, id), append(lineOf, i)
		}
	}
	x.array = suffixarray.New(text)
	x.lineStart = make([]int, len(x.keys)+1)
	for _, id := range keyOf {
		x.lineStart[id+1]++
	}
	for k := range x.keys {
		x.lineStart[k+1] += x.lineStart[k]
	}
	x.lines = make([]int, len(lineOf))
	next := slices.Clone(x.lineStart[:len(x.keys)])
	for i, id := range keyOf {
		x.lines[next[id]] = lineOf[i]
		next[id]++
	}
	return x
}

// containing returns in buf, ascending and once each, the lines before
// line end whose rule has a key containing k.
func (x *keyIndex) containing(buf []int, k string, end int) []int {
	out := buf[:0]
	for _, at := range x.array.Lookup([]byte(k), -1) {
		key := sort.SearchInts(x.starts, at+1) - 1
		// Only the first occurrence in a key counts, and none across the
		// NUL between two keys.
		if before := x.starts[key]; strings.Index(x.keys[key], k) != at-before {
			continue
		}
		for _, line := range x.lines[x.lineStart[key]:x.lineStart[key+1]] {
			if line >= end {
				break
			}
			out = append(out, line)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}
