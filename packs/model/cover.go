package model

import (
	"math"
	"slices"
	"strings"
	"sync"
)

// span is an inclusive range of u32 values.
type span struct{ lo, hi uint64 }

// valueSet is a sorted union of disjoint spans over [0, 2^32-1].
type valueSet []span

var fullSet = valueSet{{0, math.MaxUint32}}

// setOf is the values that satisfy "field op v" as the kernel compares
// them (audit_comparator on u32).
func setOf(op Op, v uint32, buf *[2]span) valueSet {
	x := uint64(v)
	s := buf[:0]
	switch op {
	case OpEqual:
		return append(s, span{x, x})
	case OpNotEqual:
		if x > 0 {
			s = append(s, span{0, x - 1})
		}
		if x < math.MaxUint32 {
			s = append(s, span{x + 1, math.MaxUint32})
		}
		return s
	case OpLess:
		if x == 0 {
			return s
		}
		return append(s, span{0, x - 1})
	case OpLessEq:
		return append(s, span{0, x})
	case OpGreater:
		if x == math.MaxUint32 {
			return s
		}
		return append(s, span{x + 1, math.MaxUint32})
	case OpGreaterEq:
		return append(s, span{x, math.MaxUint32})
	}
	return fullSet // bit tests are not intervals; callers treat them apart
}

// intersectInto appends the intersection of s and t to out: out has
// room for len(s)+len(t) spans where the caller wants no allocation.
func (s valueSet) intersectInto(out, t valueSet) valueSet {
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

// interval reports whether a numeric constraint compares as an interval
// (a resolved value and an ordering operator, not a bit test).
func (f Field) interval() bool {
	return f.Kind == KindNumeric && f.Resolved && f.Op != opBitMask && f.Op != opBitTest
}

// numericField sums up a rule's constraints on one numeric field: the
// values its interval constraints allow, and the rest (bit tests, names
// resolved on the host) as atoms that only an identical constraint implies.
type numericField struct {
	def   *FieldDef
	set   valueSet
	atoms *[]Field // nil for the most fields, which have none
}

func (nf *numericField) atomList() []Field {
	if nf.atoms == nil {
		return nil
	}
	return *nf.atoms
}

// summary is what Covers and Overlaps compare of a rule: its numeric
// constraints per field and its perm field (nil without one).
type summary struct {
	numeric []numericField
	perm    *permSummary
}

// permSummary is a perm field's classes: with one (or a watch) a rule sees
// only the syscalls of its classes: sees per ABI those it can match, sure
// those it matches whatever their arguments. Rules with the same classes
// on one machine share one.
type permSummary struct {
	bits       uint32
	sees, sure [numABIs]*Mask
}

var permSummaries sync.Map // permSummaryKey -> *permSummary

type permSummaryKey struct {
	t    *Target
	bits uint32
}

func permSummaryOf(t *Target, bits uint32) *permSummary {
	key := permSummaryKey{t, bits}
	if p, ok := permSummaries.Load(key); ok {
		return p.(*permSummary)
	}
	p := &permSummary{bits: bits}
	for abi := range p.sees {
		p.sees[abi] = permMask(t, ABI(abi), uint8(bits), false)
		p.sure[abi] = permMask(t, ABI(abi), uint8(bits), true)
	}
	permSummaries.Store(key, p)
	return p
}

// ForgetSummaries drops what Covers and Overlaps keep of the rules
// between calls (built again when they are next asked), for a caller done
// comparing a large set.
func ForgetSummaries(rules []*Rule) {
	for _, r := range rules {
		r.sum = nil
	}
}

// summary builds the rule's summary on first use. Rules are not compared
// concurrently.
func (r *Rule) summary() *summary {
	if r.sum == nil {
		var a summaryArena
		r.sum = a.summarize(r)
	}
	return r.sum
}

// summaryArena takes the summaries of many rules, and their numeric
// fields and value sets, from shared blocks (see Arena).
type summaryArena struct {
	rules   int // how many more rules it expects
	sums    []summary
	numeric []numericField
	spans   []span
}

func (a *summaryArena) summarize(r *Rule) *summary {
	s := one(&a.sums, a.rules, summary{})
	// One slot per numeric field named: most rules constrain auid twice.
	numeric := 0
	for i := range r.Fields {
		if f := &r.Fields[i]; f.Kind == KindNumeric && !slices.ContainsFunc(r.Fields[:i], func(g Field) bool { return g.Kind == KindNumeric && g.Def == f.Def }) {
			numeric++
		}
	}
	s.numeric = slots(&a.numeric, numeric, 2, a.rules)
	a.rules = max(0, a.rules-1)
	perm, hasPerm := uint32(permAll), false
	for _, f := range r.Fields {
		switch f.Kind {
		case KindPerm:
			perm &= f.Value
			hasPerm = true
		case KindNumeric:
			nf := s.numericOf(f.Def)
			if nf == nil {
				var bufs [2][8]span
				s.numeric = append(s.numeric, numericField{def: f.Def, set: a.keep(r.intervalSet(f.Name(), &bufs))})
				nf = &s.numeric[len(s.numeric)-1]
			}
			if !f.interval() {
				atoms := append(nf.atomList(), f)
				nf.atoms = &atoms
			}
		}
	}
	if hasPerm {
		s.perm = permSummaryOf(r.target, perm)
	}
	return s
}

// keep copies a value set into the arena (fullSet, shared, stays itself).
func (a *summaryArena) keep(set valueSet, constrained bool) valueSet {
	if !constrained {
		return fullSet
	}
	return append(slots(&a.spans, len(set), 2, a.rules), set...)
}

// intervalSet is the values the rule's interval constraints on a field
// allow, and whether there are any. The set so far and the next one take
// turns in the caller's two buffers (on its stack): a field needs no
// allocation unless its != values cut it into more than eight spans.
func (r *Rule) intervalSet(field string, bufs *[2][8]span) (valueSet, bool) {
	set, constrained := fullSet, 0
	for i := range r.Fields {
		f := &r.Fields[i]
		if f.Name() != field || !f.interval() {
			continue
		}
		var one [2]span
		set = set.intersectInto(bufs[constrained%2][:0], setOf(f.Op, f.Value, &one))
		constrained++
	}
	return set, constrained > 0
}

// summarizeAll builds what Covers and Overlaps compare for rules about to
// be compared many times, in blocks.
func summarizeAll(rules []*Rule) {
	a := summaryArena{rules: len(rules)}
	for _, r := range rules {
		if r.sum == nil {
			r.sum = a.summarize(r)
		}
	}
}

// numericOf is the summary of a numeric field, or nil.
func (s *summary) numericOf(def *FieldDef) *numericField {
	for i := range s.numeric {
		if s.numeric[i].def == def {
			return &s.numeric[i]
		}
	}
	return nil
}

// Unsatisfiable reports whether the rule's interval constraints on a field
// exclude every value, so the rule can never match.
func (r *Rule) Unsatisfiable(field string) bool {
	var bufs [2][8]span
	set, constrained := r.intervalSet(field, &bufs)
	return constrained && len(set) == 0
}

// subsetOf reports whether every value of s is in t (both sorted).
func subsetOf(s, t valueSet) bool {
	j := 0
	for _, x := range s {
		for j < len(t) && t[j].hi < x.lo {
			j++
		}
		if j == len(t) || t[j].lo > x.lo || t[j].hi < x.hi {
			return false
		}
	}
	return true
}

// meets reports whether s and t share a value.
func meets(s, t valueSet) bool {
	i, j := 0, 0
	for i < len(s) && j < len(t) {
		if max(s[i].lo, t[j].lo) <= min(s[i].hi, t[j].hi) {
			return true
		}
		if s[i].hi < t[j].hi {
			i++
		} else {
			j++
		}
	}
	return false
}

// matchesNoEvent reports whether no event can match the rule: it applies
// to no ABI, or it is on a list of syscalls and sees none (every name it
// gives is unknown), so the kernel's test of the syscall always fails.
// Nothing covers it and it covers nothing, as nothing overlaps it.
func (r *Rule) matchesNoEvent() bool {
	if r.MatchesNothing() {
		return true
	}
	_, sees := r.WireMask.First()
	return usesSyscalls(r.List) && !sees
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
	if !sameDomain(a, b) || b.matchesNoEvent() {
		return false
	}
	if usesSyscalls(a.List) {
		for abi := range b.ABIs {
			if b.ABIs[abi] && (!a.ABIs[abi] || !a.WireMask.contains(b.WireMask)) {
				return false
			}
		}
	}
	as, bs := a.summary(), b.summary()
	if as.perm != nil && !(bs.perm != nil && bs.perm.bits&^as.perm.bits == 0) && !permCovers(a, b) {
		return false
	}
	for i := range as.numeric {
		need := &as.numeric[i]
		have := bs.numericOf(need.def)
		if have == nil {
			if need.atoms != nil || !subsetOf(fullSet, need.set) {
				return false
			}
			continue
		}
		if !subsetOf(have.set, need.set) {
			return false
		}
		for _, atom := range need.atomList() {
			if !hasSame(have.atomList(), atom) {
				return false
			}
		}
	}
	for _, f := range a.Fields {
		switch f.Kind {
		case kindString:
			if f.Def.Number != fieldKey && !stringImplied(b, f) && !(a.Watch && treeWatchImplied(b, f)) {
				return false
			}
		case KindCompare:
			if !hasSame(b.Fields, f) {
				return false
			}
		}
	}
	return true
}

func (m *Mask) contains(o *Mask) bool {
	if m == o {
		return true // interned: rules naming the same syscalls share one mask
	}
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

func hasSame(fs []Field, want Field) bool {
	for _, f := range fs {
		if f.Name() == want.Name() && f.Op == want.Op && f.Text == want.Text {
			return true
		}
	}
	return false
}

// stringImplied: b's events satisfy a's string constraint need. A dir=D
// constraint is met by events under D (b's dir= or path= below D).
func stringImplied(b *Rule, need Field) bool {
	if hasSame(b.Fields, need) {
		return true
	}
	for _, f := range b.Fields {
		switch {
		case need.Name() == "dir" && need.Op == OpEqual && (f.Name() == "dir" || f.Name() == "path") && f.Op == OpEqual && under(f.Text, need.Text):
			return true
		case need.Op == OpNotEqual && f.Name() == need.Name() && f.Op == OpEqual && f.Text != need.Text:
			return true
		}
	}
	return false
}

// treeWatchImplied: b's events satisfy the path of a watch (-w W). Where
// W is a directory when the rules load, auditctl makes the watch a tree
// rule (-F dir=W), so it sees b's dir= events at or below W; and a dir=
// rule loads only where its directory exists, so wherever b loads as
// written, W is a directory.
func treeWatchImplied(b *Rule, watched Field) bool {
	for _, f := range b.Fields {
		if f.Name() == "dir" && f.Op == OpEqual && under(f.Text, watched.Text) {
			return true
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
		var aSees, bSees Mask
		for abi := range a.ABIs {
			common = common || (a.ABIs[abi] && b.ABIs[abi] && a.sees(ABI(abi), &aSees).intersects(b.sees(ABI(abi), &bSees)))
		}
		if !common {
			return false
		}
	}
	as, bs := a.summary(), b.summary()
	for i := range as.numeric {
		if other := bs.numericOf(as.numeric[i].def); other != nil && !meets(as.numeric[i].set, other.set) {
			return false
		}
	}
	for _, f := range a.Fields {
		if f.Name() != "path" || f.Op != OpEqual {
			continue
		}
		for _, g := range b.Fields {
			if g.Name() == "path" && g.Op == OpEqual && g.Text != f.Text {
				return false
			}
		}
	}
	return true
}

// sees is the syscalls of an ABI the rule can match: its mask, narrowed to
// the perm classes when it has a perm field (then written to scratch,
// which the caller keeps on its stack: verify compares watches pairwise,
// and a mask made per pair was nearly all of its memory).
func (r *Rule) sees(abi ABI, scratch *Mask) *Mask {
	s := r.summary()
	if s.perm == nil {
		return r.WireMask
	}
	for i, w := range r.WireMask {
		scratch[i] = w & s.perm.sees[abi][i]
	}
	return scratch
}

// permCovers: every syscall b can match is one a's perm field matches
// whatever its arguments.
func permCovers(a, b *Rule) bool {
	perm := a.summary().perm
	if perm == nil {
		return true
	}
	sure := perm.sure
	var scratch Mask
	for abi := range b.ABIs {
		if b.ABIs[abi] && sure[abi] != nil && !sure[abi].contains(b.sees(ABI(abi), &scratch)) {
			return false
		}
	}
	return true
}
