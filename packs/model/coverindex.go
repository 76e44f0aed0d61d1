package model

import (
	"cmp"
	"hash/maphash"
	"math"
	"slices"
	"strings"
)

// coverIndex answers EarliestCover for every rule of a set in time near
// linear in the set, whatever its shape. Covers(a, b) holds only if b
// offers what a requires (for each of a's string, comparison and numeric
// constraints: b has the same string, a path under a's dir=, a value set
// on a's numeric field...), so rules are grouped in three levels, each
// kept in the order of its first rule in evaluation order:
//
//   - families: rules of one list with the same requirements, filed under
//     the requirement the fewest rules offer. A rule looks only at the
//     families filed under what it offers, and searches those whose every
//     requirement it meets.
//   - groups: a family's rules with one syscall mask and set of ABIs; a
//     rule searches the groups whose mask holds its own. Of rules written
//     alike but for their keys only the first is kept: the others cover
//     nothing it does not cover first.
//   - members: a group's rules, over which a tree holds the bounds of their
//     value ranges (auid>=N) per field, so that the rules whose ranges
//     cannot hold the rule's are passed over a subtree at a time.
//
// Every level only narrows the candidates: the answer is the first
// candidate Covers accepts, the rule a comparison of all pairs finds
// (TestEarliestCoverMatchesPairs, FuzzEarliestCover).
type coverIndex struct {
	rules    []*Rule
	families []family
	groups   []group
	// required holds the families' requirements, a run per family.
	required []requirement
	// buckets file families by a feature of a requirement mixed with
	// their list (0: the families that require nothing): bucket k holds
	// filed[bucketStart[k]:bucketStart[k+1]], in the order of their first
	// rule.
	buckets     map[feature]int32
	bucketStart []int32
	filed       []int32
	filedUnder  bloom // the buckets' features
	// members are the groups' rules (eval positions), a run per group,
	// ascending; trees are the groups' bounds trees, a run per group
	// with one.
	members []int32
	trees   []uint32
	// visited is the query that last searched each family.
	visited []uint32
	query   uint32
	// ranges are the families' ranged fields, a run per family;
	// bySyscall the filings of the families with many groups.
	ranges    []*FieldDef
	bySyscall map[int32]*syscallFiling
	// Scratch of one query.
	offers    []feature
	low, high []uint32
}

// feature is a hash of something a rule offers (a field as written, a
// directory it is under, a value set on a numeric field) or requires.
type feature uint64

// requirement is met by a rule offering any of its features (0: none).
type requirement [3]feature

// family is rules of one list with the same requirements. It holds no
// pointer: a set may have as many families as rules.
type family struct {
	list           List
	first          int32 // eval position of its first rule
	required, nreq int32 // its run of coverIndex.required
	groups, ngroup int32 // its groups are groups[groups:groups+ngroup]
	sameHash       int32 // the family met before it with its hash, or -1
	// ranges, nrange are its run of coverIndex.ranges: the numeric fields
	// its rules hold to ranges of values, the dimensions of its groups'
	// bounds.
	ranges, nrange int32
}

// syscallFiling files the groups of a family with many by ABI and syscall
// (full masks apart, in full).
type syscallFiling struct {
	bySyscall map[int32][]int32
	full      []int32
}

// group is a family's rules with one mask and set of ABIs.
type group struct {
	family        int32
	abis          [numABIs]bool
	mask          *Mask
	target        *Target
	members, size int32 // its run of coverIndex.members
	sameHash      int32 // while building: the group met before it with its hash, or -1
	// tree is its run of coverIndex.trees, leaves its leaf count (tree
	// -1: none, the members are few and tried in turn). A node holds
	// 2 values per dimension: the lowest low and the highest high of its
	// members' ranges.
	tree, leaves int32
}

// Features, by kind.
const (
	featField    = 1 + iota // a field as written: field, operator, text
	featAnyEq               // some field of a number with =
	featUnder               // a path or directory at or under a directory (text)
	featPoint               // a numeric field held to one value
	featEmpty               // a numeric field held to no value at all
	featRanged              // a numeric field held to fewer than every value
	featDirUnder            // a dir= at or under a directory (text)
)

var featureSeed = maphash.MakeSeed()

// mix is a 64-bit finalizer (splitmix64's), to combine small numbers into
// a hash without hashing bytes.
func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	return x ^ x>>31
}

func hashFeature(kind uint64, field *FieldDef, op Op, text string, value uint32) feature {
	h := mix(kind<<56 ^ uint64(op)<<48 ^ uint64(value))
	if field != nil {
		h = mix(h ^ uint64(field.Number+1)<<32)
	}
	if text != "" {
		h = mix(h ^ maphash.String(featureSeed, text))
	}
	return feature(h | 1) // never 0, which files the families that require nothing
}

// isPoint reports whether a value set is one value.
func isPoint(s valueSet) bool { return len(s) == 1 && s[0].lo == s[0].hi }

// appendRequirements appends, sorted and once each, what a rule requires
// of the rules it covers: one requirement for each condition of Covers
// that names a field.
func appendRequirements(out []requirement, a *Rule) []requirement {
	for i := range a.Fields {
		f := &a.Fields[i]
		var q requirement
		switch {
		case f.Kind == kindString && f.Def.Number == fieldKey:
			continue // keys do not match events
		case f.Kind == kindString && f.Op == OpEqual && f.Name() == "dir":
			q = requirement{hashFeature(featUnder, nil, 0, strings.TrimRight(f.Text, "/"), 0)}
		case f.Kind == kindString && f.Op == OpNotEqual:
			q = requirement{hashFeature(featField, f.Def, f.Op, f.Text, 0), hashFeature(featAnyEq, f.Def, 0, "", 0)}
		case f.Kind == kindString || f.Kind == KindCompare || (f.Kind == KindNumeric && !f.interval()):
			q = requirement{hashFeature(featField, f.Def, f.Op, f.Text, 0)}
		default:
			continue
		}
		if a.Watch && f.Kind == kindString && q[1] == 0 {
			// a watch on a directory is a tree rule: a dir= under it is
			// met (treeWatchImplied)
			q[1] = hashFeature(featDirUnder, nil, 0, strings.TrimRight(f.Text, "/"), 0)
		} else if a.Watch && f.Kind == kindString {
			q[2] = hashFeature(featDirUnder, nil, 0, strings.TrimRight(f.Text, "/"), 0)
		}
		out = append(out, q)
	}
	for _, nf := range a.summary().numeric {
		switch {
		case isPoint(nf.set):
			out = append(out, requirement{hashFeature(featPoint, nf.def, 0, "", uint32(nf.set[0].lo)), hashFeature(featEmpty, nf.def, 0, "", 0)})
		case !slices.Equal(nf.set, fullSet):
			out = append(out, requirement{hashFeature(featRanged, nf.def, 0, "", 0)})
		}
	}
	slices.SortFunc(out, func(x, y requirement) int {
		return cmp.Or(cmp.Compare(x[0], y[0]), cmp.Compare(x[1], y[1]), cmp.Compare(x[2], y[2]))
	})
	return slices.Compact(out)
}

// appendOffers appends what a rule offers: every requirement of a rule
// that covers it is among them.
func appendOffers(out []feature, b *Rule) []feature {
	for i := range b.Fields {
		f := &b.Fields[i]
		out = append(out, hashFeature(featField, f.Def, f.Op, f.Text, 0))
		if f.Op != OpEqual {
			continue
		}
		out = append(out, hashFeature(featAnyEq, f.Def, 0, "", 0))
		if f.Name() == "dir" || f.Name() == "path" {
			// under(f.Text, D) holds for D the path itself, each
			// directory above it and "" (the root); a dir= meets a tree
			// watch on any of them too.
			kinds := []uint64{featUnder}
			if f.Name() == "dir" {
				kinds = append(kinds, featDirUnder)
			}
			p := strings.TrimRight(f.Text, "/")
			for _, kind := range kinds {
				out = append(out, hashFeature(kind, nil, 0, p, 0))
				for i := len(p) - 1; i >= 0; i-- {
					if p[i] == '/' {
						out = append(out, hashFeature(kind, nil, 0, p[:i], 0))
					}
				}
				if p != "" && p[0] != '/' {
					out = append(out, hashFeature(kind, nil, 0, "", 0))
				}
			}
		}
	}
	for _, nf := range b.summary().numeric {
		switch {
		case len(nf.set) == 0:
			out = append(out, hashFeature(featEmpty, nf.def, 0, "", 0), hashFeature(featRanged, nf.def, 0, "", 0))
		case isPoint(nf.set):
			out = append(out, hashFeature(featPoint, nf.def, 0, "", uint32(nf.set[0].lo)), hashFeature(featRanged, nf.def, 0, "", 0))
		case !slices.Equal(nf.set, fullSet):
			out = append(out, hashFeature(featRanged, nf.def, 0, "", 0))
		}
	}
	return out
}

// bloom is a Bloom filter of features with one hash: most features looked
// up in a map hold nothing, and most of those lookups end at a bit.
type bloom []uint64

// newBloom has 16 bits per feature (a feature not added is found in about
// one in 16 lookups).
func newBloom(features int) bloom {
	bits := 64
	for bits < 16*features {
		bits *= 2
	}
	return make(bloom, bits/64)
}

func (b bloom) bit(f feature) uint64 { return uint64(f>>17) & (uint64(len(b))*64 - 1) }
func (b bloom) add(f feature)        { i := b.bit(f); b[i/64] |= 1 << (i % 64) }
func (b bloom) has(f feature) bool   { i := b.bit(f); return b[i/64]&(1<<(i%64)) != 0 }

// bucketOf is the bucket of a feature on a list.
func bucketOf(list List, f feature) feature { return f ^ feature(list)<<56 }

// rangeOf is the least and greatest value a rule allows on a numeric
// field. An empty set's is (MaxUint32, 0), which every range holds.
func rangeOf(r *Rule, def *FieldDef) (lo, hi uint32) {
	nf := r.summary().numericOf(def)
	switch {
	case nf == nil:
		return 0, math.MaxUint32
	case len(nf.set) == 0:
		return math.MaxUint32, 0
	}
	return uint32(nf.set[0].lo), uint32(nf.set[len(nf.set)-1].hi)
}

// groupsBySyscall is how many groups a family has before they are filed
// by syscall rather than tried in turn.
const groupsBySyscall = 32

// membersInTree is how many members a group has before a tree of their
// bounds is built rather than trying them in turn.
const membersInTree = 8

// alikeScan is how many members of a group a rule is compared with, as
// written, before the group's members are found by hash instead.
const alikeScan = 8

// builder files rules into families, groups and members, in eval order.
// Most rules are filed with the family and group of the rule before
// them, or make a new one: the maps that find the others are asked only
// when neither holds.
type builder struct {
	ix       *coverIndex
	families map[uint64]int32 // by hash of list and requirements, chained by family.sameHash
	groups   map[uint64]int32 // the groups of families with several, chained by group.sameHash
	alike    map[uint64]int32 // a large group's members by hash of their fields
	// Per family while building: its last group met and its number of
	// groups; per group: its last member, and per member the one before.
	lastGroup, groupCount []int32
	lastMember, previous  []int32
	groupOf               []int32 // per rule, its group (-1: none)
}

func newCoverIndex(rules []*Rule) *coverIndex {
	ix := &coverIndex{rules: rules}
	b := &builder{ix: ix, families: map[uint64]int32{}, groups: map[uint64]int32{}, alike: map[uint64]int32{},
		previous: make([]int32, len(rules)), groupOf: make([]int32, len(rules))}
	var reqs []requirement
	fam := int32(-1)
	for i, r := range rules {
		b.groupOf[i] = -1
		if r.matchesNoEvent() {
			continue // covers nothing
		}
		reqs = appendRequirements(reqs[:0], r)
		if fam < 0 || !ix.sameFamily(fam, r.List, reqs) {
			fam = b.family(int32(i), r.List, reqs)
		}
		g := b.group(fam, r)
		if !b.alikeMember(g, r) {
			b.addMember(g, int32(i))
		}
	}
	ix.layOut(b.groupOf)
	ix.file()
	ix.visited = make([]uint32, len(ix.families))
	return ix
}

// family is the family of a rule at position i with these requirements,
// made if it is the first.
func (b *builder) family(i int32, list List, reqs []requirement) int32 {
	ix := b.ix
	h := familyHash(list, reqs)
	head, ok := b.families[h]
	for f := head; ok && f >= 0; f = ix.families[f].sameHash {
		if ix.sameFamily(f, list, reqs) {
			return f
		}
	}
	f := int32(len(ix.families))
	ix.families = append(ix.families, family{list: list, first: i, required: int32(len(ix.required)), nreq: int32(len(reqs)), sameHash: -1})
	if ok {
		ix.families[f].sameHash = head
	}
	b.families[h] = f
	ix.required = append(ix.required, reqs...)
	b.lastGroup, b.groupCount = append(b.lastGroup, -1), append(b.groupCount, 0)
	return f
}

// group is the group of rule r, of family fam, made if it is the first.
func (b *builder) group(fam int32, r *Rule) int32 {
	ix := b.ix
	if last := b.lastGroup[fam]; last >= 0 && ix.groups[last].holds(fam, r) {
		return last
	}
	if b.groupCount[fam] > 1 {
		head, ok := b.groups[groupHash(fam, r.ABIs, r.WireMask)]
		for g := head; ok && g >= 0; g = ix.groups[g].sameHash {
			if ix.groups[g].holds(fam, r) {
				b.lastGroup[fam] = g
				return g
			}
		}
	}
	g := int32(len(ix.groups))
	ix.groups = append(ix.groups, group{family: fam, abis: r.ABIs, mask: r.WireMask, target: r.target, sameHash: -1, tree: -1})
	b.lastMember = append(b.lastMember, -1)
	if b.groupCount[fam] == 1 {
		b.fileGroup(b.lastGroup[fam]) // its only group so far, filed now it has another
	}
	if b.groupCount[fam] >= 1 {
		b.fileGroup(g)
	}
	b.groupCount[fam]++
	b.lastGroup[fam] = g
	return g
}

// fileGroup puts a group in the map of groups by hash.
func (b *builder) fileGroup(g int32) {
	gr := &b.ix.groups[g]
	h := groupHash(gr.family, gr.abis, gr.mask)
	if head, ok := b.groups[h]; ok {
		gr.sameHash = head
	}
	b.groups[h] = g
}

// alikeMember reports whether rule r is written as a member of group g
// already is but for its keys: it covers nothing that member does not
// cover first. A small group's members are compared in turn, a large
// group's found by hash.
func (b *builder) alikeMember(g int32, r *Rule) bool {
	ix := b.ix
	if ix.groups[g].size <= alikeScan {
		for m := b.lastMember[g]; m >= 0; m = b.previous[m] {
			if slices.Equal(ix.rules[m].Fields, r.Fields) {
				return true
			}
		}
		return false
	}
	first, ok := b.alike[mix(uint64(g)^fieldsHash(r.Fields))]
	return ok && b.groupOf[first] == g && slices.Equal(ix.rules[first].Fields, r.Fields)
}

// addMember makes rule i a member of group g; once the group is large,
// its members are filed by hash of their fields.
func (b *builder) addMember(g, i int32) {
	gr := &b.ix.groups[g]
	b.groupOf[i], b.previous[i], b.lastMember[g] = g, b.lastMember[g], i
	gr.size++
	switch {
	case gr.size == alikeScan+1:
		for m := i; m >= 0; m = b.previous[m] {
			b.alike[mix(uint64(g)^fieldsHash(b.ix.rules[m].Fields))] = m
		}
	case gr.size > alikeScan+1:
		h := mix(uint64(g) ^ fieldsHash(b.ix.rules[i].Fields))
		if _, ok := b.alike[h]; !ok {
			b.alike[h] = i
		}
	}
}

func groupHash(fam int32, abis [numABIs]bool, mask *Mask) uint64 {
	return mix(uint64(fam)<<2 ^ b2u(abis[B64])<<1 ^ b2u(abis[B32]) ^ maskHash(mask))
}

func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

// maskHash is a hash of where a mask is: rules naming the same syscalls
// share one.
func maskHash(m *Mask) uint64 { return maphash.Comparable(featureSeed, m) }

// holds reports whether rule r, of family fam, belongs to the group.
func (gr *group) holds(fam int32, r *Rule) bool {
	return gr.family == fam && gr.abis == r.ABIs && gr.mask == r.WireMask && gr.target == r.target
}

func familyHash(list List, reqs []requirement) uint64 {
	h := mix(uint64(list) + 1)
	for _, q := range reqs {
		for _, f := range q {
			h = mix(h ^ uint64(f))
		}
	}
	return h
}

// fieldsHash is a hash of fields as written.
func fieldsHash(fields []Field) uint64 {
	h := uint64(len(fields))
	for i := range fields {
		f := &fields[i]
		h = mix(h ^ uint64(f.Def.Number)<<40 ^ uint64(f.Op)<<32 ^ uint64(f.Value))
		if f.Text != "" {
			h = mix(h ^ maphash.String(featureSeed, f.Text))
		}
	}
	return h
}

func (ix *coverIndex) sameFamily(f int32, list List, reqs []requirement) bool {
	fam := &ix.families[f]
	return fam.list == list && slices.Equal(ix.required[fam.required:fam.required+fam.nreq], reqs)
}

// layOut numbers the groups family by family (each family's in the order
// met), puts their members (groupOf: each rule's group, or -1) in one run
// each, and builds their trees.
func (ix *coverIndex) layOut(groupOf []int32) {
	// A family's groups, in the order met, through a chain of the next
	// group of its family.
	lastOf, firstOf := make([]int32, len(ix.families)), make([]int32, len(ix.families))
	for f := range lastOf {
		lastOf[f], firstOf[f] = -1, -1
	}
	nextInFamily := make([]int32, len(ix.groups))
	for g := range ix.groups {
		f := ix.groups[g].family
		nextInFamily[g] = -1
		if lastOf[f] >= 0 {
			nextInFamily[lastOf[f]] = int32(g)
		} else {
			firstOf[f] = int32(g)
		}
		lastOf[f] = int32(g)
	}
	// The groups in their new order, each with the start of its run.
	renumbered := make([]int32, len(ix.groups))
	groups := make([]group, 0, len(ix.groups))
	members := int32(0)
	for f := range ix.families {
		fam := &ix.families[f]
		fam.groups = int32(len(groups))
		for g := firstOf[f]; g >= 0; g = nextInFamily[g] {
			gr := ix.groups[g]
			gr.members, members = members, members+gr.size
			renumbered[g] = int32(len(groups))
			groups = append(groups, gr)
		}
		fam.ngroup = int32(len(groups)) - fam.groups
		fam.ranges = int32(len(ix.ranges))
		ix.ranges = appendRangedFields(ix.ranges, ix.rules[fam.first])
		fam.nrange = int32(len(ix.ranges)) - fam.ranges
	}
	ix.groups = groups
	ix.members = make([]int32, members)
	filled := make([]int32, len(groups))
	for i, g := range groupOf {
		if g >= 0 {
			g = renumbered[g]
			ix.members[ix.groups[g].members+filled[g]] = int32(i)
			filled[g]++
		}
	}
	for g := range ix.groups {
		ix.buildTree(int32(g))
	}
	for f := range ix.families {
		if fam := &ix.families[f]; fam.ngroup > groupsBySyscall && usesSyscalls(fam.list) {
			if ix.bySyscall == nil {
				ix.bySyscall = map[int32]*syscallFiling{}
			}
			ix.bySyscall[int32(f)] = ix.fileGroups(fam)
		}
	}
}

// appendRangedFields appends the numeric fields a rule holds to a range
// (not one value, not every value).
func appendRangedFields(out []*FieldDef, r *Rule) []*FieldDef {
	for _, nf := range r.summary().numeric {
		if !isPoint(nf.set) && !slices.Equal(nf.set, fullSet) {
			out = append(out, nf.def)
		}
	}
	return out
}

// rangesOf are a family's ranged fields.
func (ix *coverIndex) rangesOf(fam *family) []*FieldDef {
	return ix.ranges[fam.ranges : fam.ranges+fam.nrange]
}

// buildTree builds the bounds tree of a group with many members and
// ranged fields: a complete binary tree over the members in order, its
// leaves their ranges.
func (ix *coverIndex) buildTree(g int32) {
	gr := &ix.groups[g]
	dims := int(ix.families[gr.family].nrange)
	if dims == 0 || gr.size <= membersInTree {
		return
	}
	leaves := 1
	for leaves < int(gr.size) {
		leaves *= 2
	}
	width := 2 * dims
	gr.tree, gr.leaves = int32(len(ix.trees)), int32(leaves)
	ix.trees = slices.Grow(ix.trees, 2*leaves*width)[:len(ix.trees)+2*leaves*width]
	tree := ix.trees[gr.tree:]
	for leaf := range leaves {
		node := tree[(leaves+leaf)*width:]
		for d, def := range ix.rangesOf(&ix.families[gr.family]) {
			node[2*d], node[2*d+1] = math.MaxUint32, 0 // no member: holds nothing
			if leaf < int(gr.size) {
				node[2*d], node[2*d+1] = rangeOf(ix.rules[ix.members[gr.members+int32(leaf)]], def)
			}
		}
	}
	for node := leaves - 1; node >= 1; node-- {
		n, l, r := tree[node*width:], tree[2*node*width:], tree[(2*node+1)*width:]
		for d := range dims {
			n[2*d], n[2*d+1] = min(l[2*d], r[2*d]), max(l[2*d+1], r[2*d+1])
		}
	}
}

// fileGroups files a family's groups by ABI and syscall.
func (ix *coverIndex) fileGroups(fam *family) *syscallFiling {
	filing := &syscallFiling{bySyscall: map[int32][]int32{}}
	var buf [16]int
	for g := fam.groups; g < fam.groups+fam.ngroup; g++ {
		gr := &ix.groups[g]
		if *gr.mask == allSyscalls {
			filing.full = append(filing.full, g)
			continue
		}
		for _, n := range gr.mask.appendNumbers(buf[:0]) {
			for abi := range gr.abis {
				if gr.abis[abi] {
					k := int32(abi)<<16 | int32(n)
					filing.bySyscall[k] = append(filing.bySyscall[k], g)
				}
			}
		}
	}
	return filing
}

// file files each family under its requirement the fewest rules offer
// (under each feature of a requirement with several).
func (ix *coverIndex) file() {
	// How many rules offer each feature that a family with a choice (of
	// two requirements or more) requires.
	offered := map[feature]int32{}
	for f := range ix.families {
		if fam := &ix.families[f]; fam.nreq > 1 {
			for _, q := range ix.required[fam.required : fam.required+fam.nreq] {
				for _, o := range q {
					if o != 0 {
						offered[o] = 0
					}
				}
			}
		}
	}
	if len(offered) > 0 {
		counted := newBloom(len(offered))
		for f := range offered {
			counted.add(f)
		}
		var offers []feature
		for _, r := range ix.rules {
			offers = appendOffers(offers[:0], r)
			for _, o := range offers {
				if counted.has(o) {
					if n, ok := offered[o]; ok {
						offered[o] = n + 1
					}
				}
			}
		}
	}
	// Each family's buckets (the features of its rarest requirement, or
	// the bucket of the families that require nothing), then the buckets
	// laid out.
	filing := make([]requirement, len(ix.families))
	ix.buckets = map[feature]int32{}
	var count []int32
	for f := range ix.families {
		fam := &ix.families[f]
		var rarest requirement // none: the bucket of feature 0
		fewest := int32(math.MaxInt32)
		for _, q := range ix.required[fam.required : fam.required+fam.nreq] {
			n := int32(0)
			for _, o := range q {
				n += offered[o]
			}
			if n < fewest {
				rarest, fewest = q, n
			}
		}
		for i, o := range rarest {
			if i > 0 && o == 0 {
				break
			}
			k := bucketOf(fam.list, o)
			b, ok := ix.buckets[k]
			if !ok {
				b = int32(len(count))
				ix.buckets[k] = b
				count = append(count, 0)
			}
			count[b]++
			filing[f][i] = k
		}
	}
	ix.filedUnder = newBloom(len(ix.buckets))
	for k := range ix.buckets {
		ix.filedUnder.add(k)
	}
	ix.bucketStart = make([]int32, len(count)+1)
	for b, n := range count {
		ix.bucketStart[b+1] = ix.bucketStart[b] + n
	}
	ix.filed = make([]int32, ix.bucketStart[len(count)])
	next := slices.Clone(ix.bucketStart[:len(count)])
	for f := range ix.families {
		for i, k := range filing[f] {
			if i > 0 && k == 0 {
				break
			}
			b := ix.buckets[k]
			ix.filed[next[b]] = int32(f)
			next[b]++
		}
	}
}

// earliest is the first rule before position j that covers rule j, or -1.
func (ix *coverIndex) earliest(j int) int {
	b := ix.rules[j]
	if b.matchesNoEvent() {
		return -1
	}
	ix.query++
	ix.offers = appendOffers(ix.offers[:0], b)
	best := int32(j) // the answer is before it
	search := func(k feature) {
		if !ix.filedUnder.has(k) {
			return
		}
		at, ok := ix.buckets[k]
		if !ok {
			return
		}
		for _, f := range ix.filed[ix.bucketStart[at]:ix.bucketStart[at+1]] {
			fam := &ix.families[f]
			if fam.first >= best {
				return // the bucket's later families too
			}
			if ix.visited[f] == ix.query || fam.list != b.List || !ix.offersAll(fam) {
				continue
			}
			ix.visited[f] = ix.query
			best = ix.searchFamily(f, b, best)
		}
	}
	search(bucketOf(b.List, 0))
	for _, o := range ix.offers {
		search(bucketOf(b.List, o))
	}
	if best == int32(j) {
		return -1
	}
	return int(best)
}

// offersAll reports whether the rule queried offers all of a family's
// requirements.
func (ix *coverIndex) offersAll(fam *family) bool {
	for _, q := range ix.required[fam.required : fam.required+fam.nreq] {
		if !slices.ContainsFunc(q[:], func(o feature) bool { return o != 0 && slices.Contains(ix.offers, o) }) {
			return false
		}
	}
	return true
}

// searchFamily returns the first rule before best of the family's groups
// that covers b, or best.
func (ix *coverIndex) searchFamily(f int32, b *Rule, best int32) int32 {
	fam := &ix.families[f]
	ix.low, ix.high = ix.low[:0], ix.high[:0]
	for _, def := range ix.rangesOf(fam) {
		lo, hi := rangeOf(b, def)
		ix.low, ix.high = append(ix.low, lo), append(ix.high, hi)
	}
	// try searches a group and reports whether the groups met after it
	// (which start later) may still hold an earlier cover.
	try := func(g int32) bool {
		gr := &ix.groups[g]
		if ix.members[gr.members] >= best {
			return false
		}
		if !groupSees(gr, b) {
			return true
		}
		if gr.tree < 0 {
			for _, m := range ix.members[gr.members : gr.members+gr.size] {
				if m >= best {
					break
				}
				if Covers(ix.rules[m], b) {
					best = m
					break
				}
			}
		} else if m := ix.searchTree(gr, 1, 0, gr.leaves, best, b); m >= 0 {
			best = m
		}
		return true
	}
	tryAll := func(groups []int32) {
		for _, g := range groups {
			if !try(g) {
				return
			}
		}
	}
	filing := ix.bySyscall[f]
	if filing == nil || !usesSyscalls(b.List) {
		for g := fam.groups; g < fam.groups+fam.ngroup; g++ {
			if !try(g) {
				break
			}
		}
		return best
	}
	tryAll(filing.full)
	if *b.WireMask == allSyscalls {
		return best // only full masks hold it
	}
	// Every group that sees b sees each of b's syscalls: try those filed
	// under the one with the fewest.
	var shortest []int32
	found := false
	var buf [16]int
	for abi := range b.ABIs {
		if !b.ABIs[abi] {
			continue
		}
		for _, n := range b.WireMask.appendNumbers(buf[:0]) {
			if l := filing.bySyscall[int32(abi)<<16|int32(n)]; !found || len(l) < len(shortest) {
				shortest, found = l, true
			}
		}
	}
	if !found { // no syscall: b matches no event and is never asked about
		return best
	}
	tryAll(shortest)
	return best
}

// groupSees reports whether a group's rules see every ABI and syscall b
// sees, as Covers requires.
func groupSees(gr *group, b *Rule) bool {
	if !usesSyscalls(b.List) {
		return true
	}
	for abi := range b.ABIs {
		if b.ABIs[abi] && (!gr.abis[abi] || !gr.mask.contains(b.WireMask)) {
			return false
		}
	}
	return true
}

// searchTree returns the first member under node (leaves [lo, hi)) before
// best that covers b, or -1, passing over the subtrees whose bounds do not
// hold b's ranges (ix.low, ix.high).
func (ix *coverIndex) searchTree(gr *group, node, lo, hi int32, best int32, b *Rule) int32 {
	if lo >= gr.size || ix.members[gr.members+lo] >= best {
		return -1
	}
	width := int32(2 * len(ix.low))
	bounds := ix.trees[gr.tree+node*width:]
	for d := range ix.low {
		if bounds[2*d] > ix.low[d] || bounds[2*d+1] < ix.high[d] {
			return -1
		}
	}
	if hi-lo == 1 {
		if m := ix.members[gr.members+lo]; Covers(ix.rules[m], b) {
			return m
		}
		return -1
	}
	mid := (lo + hi) / 2
	if m := ix.searchTree(gr, 2*node, lo, mid, best, b); m >= 0 {
		return m
	}
	return ix.searchTree(gr, 2*node+1, mid, hi, best, b)
}
