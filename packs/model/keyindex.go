package model

import (
	"index/suffixarray"
	"slices"
	"sort"
	"strings"
)

// KeyIndex finds the rules with a key that contains a text, as "-D -k
// KEY" deletes them, without testing every rule for each such -D: a
// suffix array over the distinct keys finds each occurrence of the text,
// and each key has the positions of its rules.
type KeyIndex struct {
	keys  []string
	array *suffixarray.Index
	// starts are where each key begins in the array's text; key k's
	// rules are at positions[first[k]:first[k+1]], ascending.
	starts, first []int
	positions     []int
}

// NewKeyIndex indexes the keys of rules by their positions (nil: a line
// that is no rule).
func NewKeyIndex(rules []*Rule) *KeyIndex {
	x := &KeyIndex{}
	ids := map[string]int{}
	var keyOf, at []int // per key given, in order: its key and its rule's position
	var text []byte
	for i, r := range rules {
		if r == nil {
			continue
		}
		for _, k := range r.Keys {
			id, ok := ids[k]
			if !ok {
				id = len(x.keys)
				ids[k] = id
				x.keys, x.starts = append(x.keys, k), append(x.starts, len(text))
				text = append(append(text, k...), 0)
			}
			keyOf, at = append(keyOf, id), append(at, i)
		}
	}
	x.array = suffixarray.New(text)
	x.first = make([]int, len(x.keys)+1)
	for _, id := range keyOf {
		x.first[id+1]++
	}
	for k := range x.keys {
		x.first[k+1] += x.first[k]
	}
	x.positions = make([]int, len(at))
	next := slices.Clone(x.first[:len(x.keys)])
	for n, id := range keyOf {
		x.positions[next[id]] = at[n]
		next[id]++
	}
	return x
}

// Containing returns in buf, ascending and once each, the positions
// before end of the rules with a key that contains k.
func (x *KeyIndex) Containing(buf []int, k string, end int) []int {
	out := buf[:0]
	for _, at := range x.array.Lookup([]byte(k), -1) {
		key := sort.SearchInts(x.starts, at+1) - 1
		// Only the first occurrence in a key counts, and none across the
		// NUL between two keys.
		if strings.Index(x.keys[key], k) != at-x.starts[key] {
			continue
		}
		for _, i := range x.positions[x.first[key]:x.first[key+1]] {
			if i >= end {
				break
			}
			out = append(out, i)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}
