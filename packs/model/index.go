package model

import (
	"path"
	"slices"
	"strings"
)

// Index finds, among rules in evaluation order, the ones that may cover
// or overlap a rule, without comparing all pairs. For covers: A rule that pins a value (path=X, exe=Y,
// uid=5, exit=-EACCES) can only cover rules that pin the same value, and a
// rule can only cover rules whose syscalls it sees: rules are filed under
// their first pinned value and each syscall they see, so a rule finds its
// candidates under its own values and its first syscall. dir=D rules are
// filed by D and found from every directory above a path.
type Index struct {
	slots map[slot][]int   // rules by pinned value and syscall (eval positions)
	dirs  map[string][]int // rules with dir=D, by D
	rules []*Rule          // in eval order
	seen  []int32          // scratch: the generation in which each rule was last tried
	gen   int32
	// For overlaps, filed on the first MayOverlap: rules by ABI and
	// syscall they see, and the rules that see every syscall or are on
	// lists without syscalls.
	bySys [numABIs]map[int][]int
	wide  []int
}

// slot files rules: pin is a pinned field value (zero for none); abi and
// sys are -1 for rules that see every syscall or none.
type slot struct {
	pin      pin
	abi, sys int16
}

// pin is a field pinned to one value ("path", "/etc/passwd").
type pin struct{ field, value string }

func pinKey(f Field) (pin, bool) {
	if f.Op != OpEqual {
		return pin{}, false
	}
	switch {
	case f.Kind == kindString && f.Name() != "dir" && f.Name() != "key",
		f.Kind == KindNumeric && f.Resolved:
		return pin{f.Name(), f.Text}, true
	}
	return pin{}, false
}

// seesSyscalls reports whether a rule is filed by syscall.
func seesSyscalls(r *Rule) bool {
	return (r.List == ListExit || r.List == ListIOUring) && !r.AllSyscalls && len(r.Syscalls()) > 0
}

// NewIndex files rules given in evaluation order.
func NewIndex(rules []*Rule) *Index {
	summarizeAll(rules)
	ix := &Index{slots: map[slot][]int{}, dirs: map[string][]int{}, rules: rules, seen: make([]int32, len(rules))}
	for i, r := range rules {
		pin, pinned := anchor(r)
		if dir, ok := dirOf(r); !pinned && ok {
			d := strings.TrimRight(dir, "/")
			ix.dirs[d] = append(ix.dirs[d], i)
			continue
		}
		if !seesSyscalls(r) {
			k := slot{pin, -1, -1}
			ix.slots[k] = append(ix.slots[k], i)
			continue
		}
		var buf [16]int // most rules name a few syscalls
		numbers := r.WireMask.appendNumbers(buf[:0])
		for abi := range r.ABIs {
			if r.ABIs[abi] {
				for _, n := range numbers {
					k := slot{pin, int16(abi), int16(n)}
					ix.slots[k] = append(ix.slots[k], i)
				}
			}
		}
	}
	return ix
}

// anchor is the first pinned value of a rule: every rule it covers pins it too.
func anchor(r *Rule) (pin, bool) {
	for _, f := range r.Fields {
		if key, ok := pinKey(f); ok {
			return key, true
		}
	}
	return pin{}, false
}

// dirOf is the value of the rule's first dir= constraint.
func dirOf(r *Rule) (string, bool) {
	for _, f := range r.Fields {
		if f.Name() == "dir" {
			return f.Text, f.Op == OpEqual
		}
	}
	return "", false
}

// EarliestCover returns the first rule before position j that covers
// rule j, or -1.
func (ix *Index) EarliestCover(j int) int {
	b := ix.rules[j]
	ix.gen++
	best := -1
	try := func(cands []int) {
		for _, i := range cands {
			if i >= j || (best >= 0 && i >= best) {
				break // positions are ascending: nothing later is earlier
			}
			if ix.seen[i] == ix.gen {
				continue
			}
			ix.seen[i] = ix.gen
			if Covers(ix.rules[i], b) {
				best = i
			}
		}
	}
	// b's first syscall in its first ABI: every cover sees it.
	abi, sys := int16(-1), int16(-1)
	if b.List == ListExit || b.List == ListIOUring {
		for a := range b.ABIs {
			if b.ABIs[a] {
				abi = int16(a)
				if n, ok := b.WireMask.First(); ok {
					sys = int16(n)
				}
				break
			}
		}
	}
	tryPin := func(p pin) {
		try(ix.slots[slot{p, -1, -1}])
		if sys >= 0 {
			try(ix.slots[slot{p, abi, sys}])
		}
	}
	tryPin(pin{})
	for _, f := range b.Fields {
		if key, ok := pinKey(f); ok {
			tryPin(key)
		}
		if (f.Name() == "path" || f.Name() == "dir") && f.Op == OpEqual {
			for d := strings.TrimRight(f.Text, "/"); ; d = path.Dir(d) {
				try(ix.dirs[d])
				if d == "/" || d == "." || d == "" {
					break
				}
			}
		}
	}
	return best
}

func (ix *Index) fileBySyscall() {
	ix.bySys = [numABIs]map[int][]int{{}, {}}
	for i, r := range ix.rules {
		if r.AllSyscalls || !usesSyscalls(r.List) {
			ix.wide = append(ix.wide, i)
			continue
		}
		for abi := range r.ABIs {
			if r.ABIs[abi] {
				for _, n := range r.WireMask.Numbers() {
					ix.bySys[abi][n] = append(ix.bySys[abi][n], i)
				}
			}
		}
	}
}

// MayOverlap lists, in evaluation order, the rules that may match some of
// r's events: those that see one of its syscalls, and those that see every
// syscall or none.
func (ix *Index) MayOverlap(r *Rule) []int {
	if ix.bySys[0] == nil {
		ix.fileBySyscall()
	}
	if !usesSyscalls(r.List) || r.AllSyscalls {
		return ix.wide
	}
	var specific []int
	for abi := range r.ABIs {
		if r.ABIs[abi] {
			for _, n := range r.WireMask.Numbers() {
				specific = append(specific, ix.bySys[abi][n]...)
			}
		}
	}
	slices.Sort(specific)
	specific = slices.Compact(specific)
	merged := make([]int, 0, len(specific)+len(ix.wide))
	i, j := 0, 0
	for i < len(specific) || j < len(ix.wide) {
		if j == len(ix.wide) || (i < len(specific) && specific[i] < ix.wide[j]) {
			merged = append(merged, specific[i])
			i++
		} else {
			merged = append(merged, ix.wide[j])
			j++
		}
	}
	return merged
}
