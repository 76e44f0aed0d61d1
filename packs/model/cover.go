package model

import (
	"math"
	"strings"
)

// span is an inclusive range of u32 values.
type span struct{ lo, hi uint64 }

// valueSet is a sorted union of disjoint spans over [0, 2^32-1].
type valueSet []span

var fullSet = valueSet{{0, math.MaxUint32}}

// setOf is the values that satisfy "field op v" as the kernel compares
// them (audit_comparator on u32).
func setOf(op string, v uint32) valueSet {
	x := uint64(v)
	switch op {
	case "=":
		return valueSet{{x, x}}
	case "!=":
		var s valueSet
		if x > 0 {
			s = append(s, span{0, x - 1})
		}
		if x < math.MaxUint32 {
			s = append(s, span{x + 1, math.MaxUint32})
		}
		return s
	case "<":
		if x == 0 {
			return nil
		}
		return valueSet{{0, x - 1}}
	case "<=":
		return valueSet{{0, x}}
	case ">":
		if x == math.MaxUint32 {
			return nil
		}
		return valueSet{{x + 1, math.MaxUint32}}
	case ">=":
		return valueSet{{x, math.MaxUint32}}
	}
	return fullSet // bit tests are not intervals; callers treat them apart
}

func (s valueSet) intersect(t valueSet) valueSet {
	var out valueSet
	i, j := 0, 0
	for i < len(s) && j < len(t) {
		lo, hi := max(s[i].lo, t[j].lo), min(s[i].hi, t[j].hi)
		if lo <= hi {
			out = append(out, span{lo, hi})
		}
		if s[i].hi < t[j].hi {
			i++
		} else {
			j++
		}
	}
	return out
}

// subset reports whether every value of s is in t. Both are normalized
// (no adjacent spans), and so is their intersection.
func (s valueSet) subset(t valueSet) bool { return s.intersect(t).equalSpans(s) }

func (s valueSet) equalSpans(t valueSet) bool {
	if len(s) != len(t) {
		return false
	}
	for i := range s {
		if s[i] != t[i] {
			return false
		}
	}
	return true
}

// interval reports whether a numeric constraint compares as an interval
// (a resolved value and an ordering operator, not a bit test).
func (f Field) interval() bool {
	return f.Kind == KindNumeric && f.Resolved && f.Op != "&" && f.Op != "&="
}

// allowed is the set of values a rule's interval constraints on one field
// allow; constraints that are not intervals are left out (so the set is a
// superset of what the rule allows).
func allowed(fs []Field) valueSet {
	s := fullSet
	for _, f := range fs {
		if f.interval() {
			s = s.intersect(setOf(f.Op, f.Value))
		}
	}
	return s
}

// Unsatisfiable reports whether the rule's interval constraints on a field
// exclude every value, so the rule can never match.
func (r *Rule) Unsatisfiable(field string) bool {
	return len(allowed(r.FieldsNamed(field))) == 0
}

// sameDomain reports whether two rules are evaluated in one first-match
// order: the same filter list (watches belong to the exit list).
func sameDomain(a, b *Rule) bool { return a.List == b.List }

func usesSyscalls(l List) bool { return l == ListExit || l == ListIOUring }

// Covers reports whether every event b can match is also matched by a, so
// that a, evaluated first, takes all of b's events. It is conservative: when
// it cannot tell (names resolved on the host, bit tests that differ), it
// answers false.
func Covers(a, b *Rule) bool {
	if !sameDomain(a, b) || b.MatchesNothing() {
		return false
	}
	if usesSyscalls(a.List) {
		for abi := range b.ABIs {
			if !b.ABIs[abi] {
				continue
			}
			if !a.ABIs[abi] || !a.Masks[abi].contains(&b.Masks[abi]) {
				return false
			}
		}
	}
	for i, f := range a.Fields {
		if f.Kind == KindArch || firstOf(a.Fields, i) {
			continue
		}
		if !b.implies(a.Fields, f.Name) {
			return false
		}
	}
	return true
}

// firstOf reports whether fields[i]'s name already appeared before i, so
// each field name is checked once.
func firstOf(fields []Field, i int) bool {
	for j := 0; j < i; j++ {
		if fields[j].Name == fields[i].Name {
			return true
		}
	}
	return false
}

func (m *Mask) contains(o *Mask) bool {
	for i := range m {
		if o[i]&^m[i] != 0 {
			return false
		}
	}
	return true
}

func (m *Mask) intersects(o *Mask) bool {
	for i := range m {
		if o[i]&m[i] != 0 {
			return true
		}
	}
	return false
}

// implies reports whether b's constraints guarantee all of a's constraints
// on the named field.
func (b *Rule) implies(aFields []Field, name string) bool {
	var need []Field
	for _, f := range aFields {
		if f.Name == name {
			need = append(need, f)
		}
	}
	have := b.FieldsNamed(name)
	switch need[0].Kind {
	case KindNumeric:
		var intervals []Field
		for _, f := range need {
			if f.interval() {
				intervals = append(intervals, f)
			} else if !hasSame(have, f) {
				return false
			}
		}
		return len(intervals) == 0 || allowed(have).subset(allowed(intervals))
	case KindPerm:
		bits := uint32(PermAll)
		for _, f := range have {
			bits &= f.Value
		}
		for _, f := range need {
			if bits&^f.Value != 0 {
				return false
			}
		}
		return true
	case KindString:
		for _, f := range need {
			if !stringImplied(have, b, f) {
				return false
			}
		}
		return true
	}
	for _, f := range need {
		if !hasSame(have, f) {
			return false
		}
	}
	return true
}

func hasSame(fs []Field, want Field) bool {
	for _, f := range fs {
		if f.Op == want.Op && f.Text == want.Text {
			return true
		}
	}
	return false
}

// stringImplied: b's events satisfy a's string constraint need. A dir=D
// constraint is met by events under D (b's dir= or path= below D).
func stringImplied(have []Field, b *Rule, need Field) bool {
	if hasSame(have, need) {
		return true
	}
	switch {
	case need.Name == "dir" && need.Op == "=":
		for _, f := range append(b.FieldsNamed("dir"), b.FieldsNamed("path")...) {
			if f.Op == "=" && under(f.Text, need.Text) {
				return true
			}
		}
	case need.Op == "!=":
		for _, f := range have {
			if f.Op == "=" && f.Text != need.Text {
				return true
			}
		}
	}
	return false
}

// under reports whether path p is dir d or below it.
func under(p, d string) bool {
	p, d = strings.TrimRight(p, "/"), strings.TrimRight(d, "/")
	return p == d || d == "" || strings.HasPrefix(p, d+"/")
}

// Overlaps reports whether some event could match both rules. It is
// conservative the other way: when it cannot tell, it answers true.
func Overlaps(a, b *Rule) bool {
	if !sameDomain(a, b) || a.MatchesNothing() || b.MatchesNothing() {
		return false
	}
	if usesSyscalls(a.List) {
		common := false
		for abi := range a.ABIs {
			if a.ABIs[abi] && b.ABIs[abi] && a.Masks[abi].intersects(&b.Masks[abi]) {
				common = true
			}
		}
		if !common {
			return false
		}
	}
	for i, f := range a.Fields {
		if firstOf(a.Fields, i) {
			continue
		}
		other := b.FieldsNamed(f.Name)
		if len(other) == 0 {
			continue
		}
		mine := a.FieldsNamed(f.Name)
		switch f.Kind {
		case KindNumeric:
			if len(allowed(mine).intersect(allowed(other))) == 0 {
				return false
			}
		case KindPerm:
			if len(mine) == 1 && len(other) == 1 && mine[0].Value&other[0].Value == 0 {
				return false
			}
		case KindString:
			if f.Name == "path" && f.Op == "=" && other[0].Op == "=" && f.Text != other[0].Text {
				return false
			}
		}
	}
	return true
}
