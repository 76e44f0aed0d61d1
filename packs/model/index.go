package model

import "slices"

// Index finds, among rules in evaluation order, the ones that may cover
// or overlap a rule, without comparing all pairs: for covers a
// coverIndex, built on the first EarliestCover; for overlaps the rules
// filed by ABI and syscall, on the first MayOverlap.
type Index struct {
	rules []*Rule // in eval order
	cover *coverIndex
	// For overlaps: rules by ABI and syscall they see, and the rules that
	// see every syscall or are on lists without syscalls.
	bySys [numABIs]map[int][]int
	wide  []int
}

// NewIndex files rules given in evaluation order.
func NewIndex(rules []*Rule) *Index {
	summarizeAll(rules)
	return &Index{rules: rules}
}

// EarliestCover returns the first rule before position j that covers
// rule j, or -1.
func (ix *Index) EarliestCover(j int) int {
	if ix.cover == nil {
		ix.cover = newCoverIndex(ix.rules)
	}
	return ix.cover.earliest(j)
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
