package model

import (
	"encoding/binary"
	"hash/maphash"
	"math/bits"
	"strconv"
	"strings"
)

// List is a kernel filter list, numbered as the kernel numbers them.
type List uint8

// The filter lists.
const (
	ListUser       List = 0
	ListTask       List = 1
	ListExit       List = 4
	ListExclude    List = 5
	ListFilesystem List = 6
	ListIOUring    List = 7
)

func (l List) String() string {
	for n, v := range listNames {
		if v == l {
			return n
		}
	}
	return strconv.Itoa(int(l))
}

// Action is what a matching rule does.
type Action uint8

// The actions.
const (
	Never  Action = 0
	Always Action = 2
)

func (a Action) String() string {
	if a == Never {
		return "never"
	}
	return "always"
}

// Field is one field constraint in kernel order (-F, or -C for KindCompare).
type Field struct {
	// Def is the field; for -C the field on the left of the comparison.
	Def      *FieldDef
	Text     string // the value as written; for -C the field on the right
	Value    uint32 // the number the kernel compares (numeric fields, perm bits, the -C code)
	Op       Op
	Kind     Kind // after Value and Op: the small members share a word
	Resolved bool // Value is known offline
}

// Name is the field's canonical name (auid for loginuid); for -C the
// field on the left.
func (f *Field) Name() string { return f.Def.Name }

// Mask is a syscall bit mask as the kernel keeps it (2048 syscalls).
type Mask [64]uint32

// Set marks syscall n.
func (m *Mask) Set(n int) { m[n/32] |= 1 << (n % 32) }

// Has reports whether syscall n is in the mask.
func (m *Mask) Has(n int) bool { return m[n/32]&(1<<(n%32)) != 0 }

// Numbers are the syscall numbers in the mask, in order.
func (m *Mask) Numbers() []int { return m.appendNumbers(nil) }

func (m *Mask) appendNumbers(out []int) []int {
	for i, word := range m {
		for ; word != 0; word &= word - 1 {
			out = append(out, i*32+bits.TrailingZeros32(word))
		}
	}
	return out
}

// First is the lowest syscall number in the mask.
func (m *Mask) First() (int, bool) {
	for i, word := range m {
		if word != 0 {
			return i*32 + bits.TrailingZeros32(word), true
		}
	}
	return 0, false
}

// MaskOf reads the mask of struct audit_rule_data.
func MaskOf(wire []byte) *Mask {
	m := new(Mask)
	for i := range m {
		m[i] = binary.NativeEndian.Uint32(wire[WireOffMask+4*i:])
	}
	return m
}

// allSyscalls and noSyscalls are shared by many rules: never change them.
var allSyscalls, noSyscalls = func() Mask {
	var m Mask
	for i := range m {
		m[i] = ^uint32(0)
	}
	return m
}(), Mask{}

// unknownSyscall is a syscall name the target's table lacks.
type unknownSyscall struct {
	ABI  ABI
	Name string
}

// Rule is the normalized form of a rule that lint, apply and verify reason
// about: where the kernel evaluates it, what it does, which syscalls of
// which ABI it sees, and its field constraints. Keys are kept apart: they
// do not affect matching.
type Rule struct {
	Item    *Line
	List    List
	Action  Action
	Prepend bool
	Watch   bool     // written as -w
	Fields  []Field  // in kernel order, without keys and without the -w path/perm
	Keys    []string // -k and -F key= values
	// ABIs says which ABIs the rule can match.
	ABIs [numABIs]bool
	// WireMask is the one syscall mask the kernel stores for the rule; it
	// applies to each ABI in ABIs. Rules share the all-syscalls mask, so
	// it is never changed after Normalize.
	WireMask *Mask
	// target is the machine the rule is normalized for; sum is what
	// Covers and Overlaps compare, built on their first use (compile never
	// compares rules).
	target      *Target
	sum         *summary
	HasArch     bool   // an arch field is present
	AllSyscalls bool   // -S all, or no -S on an exit rule
	flaws       *flaws // nil for the most rules, which have none
	idHash      uint64 // see IdentityHash
}

// flaws are what is wrong with a rule, apart from it: few rules have any.
type flaws struct {
	unknown  []unknownSyscall
	problems []Problem
}

// Syscalls are the -S names and numbers as written ("all" included).
func (r *Rule) Syscalls() []string { return r.Item.Rule.Syscalls }

// Unknown are the syscall names the target's table lacks.
func (r *Rule) Unknown() []unknownSyscall {
	if r.flaws == nil {
		return nil
	}
	return r.flaws.unknown
}

// Problems are what the kernel refuses in the rule, whatever the host.
func (r *Rule) Problems() []Problem {
	if r.flaws == nil {
		return nil
	}
	return r.flaws.problems
}

func (r *Rule) flawed() *flaws {
	if r.flaws == nil {
		r.flaws = &flaws{}
	}
	return r.flaws
}

// fieldsFor are the spec's fields with their arch values resolved for t.
// The spec keeps the values of the first target it is normalized for, so
// a rule shares its spec's fields (most rules are normalized for one
// machine only); another target gets a copy.
func (spec *Spec) fieldsFor(t *Target) []Field {
	if spec.archFor == t {
		return spec.Fields
	}
	fields := spec.Fields
	if spec.archFor != nil {
		fields = append([]Field(nil), spec.Fields...)
	} else {
		spec.archFor = t
	}
	for i := range fields {
		if fields[i].Kind == KindArch {
			fields[i].Value, fields[i].Resolved = archConst(t, fields[i].Text)
		}
	}
	return fields
}

// ResetTarget forgets the machine the spec's arch values were resolved
// for, for a copy of a spec with fields of its own.
func (spec *Spec) ResetTarget() { spec.archFor = nil }

// Normalize builds the model of a rule line for a target machine. It
// returns nil for control lines.
func Normalize(it *Line, t *Target) *Rule { return new(Arena).Normalize(it, t) }

// Normalize is Normalize with the rule's memory taken from the arena.
func (a *Arena) Normalize(it *Line, t *Target) *Rule {
	spec := it.Rule
	if spec == nil {
		return nil
	}
	r := a.rule(Rule{Item: it, List: spec.List, Action: spec.Action, Prepend: spec.Prepend, Keys: spec.Keys, target: t})
	if spec.Watch != "" {
		r.Watch = true
		r.Fields = []Field{
			{Def: fieldsByNumber[fieldPath], Op: OpEqual, Kind: kindString, Text: spec.Watch},
			{Def: fieldsByNumber[fieldPerm], Op: OpEqual, Kind: KindPerm, Value: uint32(spec.Perm), Resolved: true, Text: PermText(uint32(spec.Perm))},
		}
	}
	if spec.Watch != "" {
		r.Fields = append(r.Fields, spec.fieldsFor(t)...)
	} else {
		fields := spec.fieldsFor(t)
		r.Fields = fields[:len(fields):len(fields)] // shared, never changed: an append copies
	}
	for _, f := range spec.Fields {
		r.HasArch = r.HasArch || f.Kind == KindArch
	}
	// "-F KEY=x" in another case than "key=" is a field to auditctl, sent
	// where it stands; as the last field it is the key field -k would
	// add, and the kernel cannot tell them apart.
	if n := len(r.Fields); n > 0 && r.Fields[n-1].Def.Number == fieldKey && len(r.Keys) == 0 && r.Fields[n-1].Op == OpEqual {
		r.Keys = strings.Split(r.Fields[n-1].Text, keySep)
		r.Fields = r.Fields[: n-1 : n-1]
	}
	r.normalizeSyscalls(spec, t)
	r.kernelProblems()
	var buf [256]byte // most identities fit: no allocation
	r.idHash = maphash.Bytes(identitySeed, r.appendIdentity(buf[:0]))
	return r
}

// MaskFor is the syscalls the rule sees in an ABI (none when the rule does
// not apply to it).
func (r *Rule) MaskFor(abi ABI) *Mask {
	if r.ABIs[abi] {
		return r.WireMask
	}
	return &noSyscalls
}

// NameTable is the syscall table auditctl looks the rule's -S names up
// in, as the reader resolved them.
func (r *Rule) NameTable() (*Target, ABI) { return nameTable(r.Item.Rule, r.target) }

// nameTable is the table auditctl resolves a spec's -S names with: the
// last arch written before -S (an arch after -S is an error auditctl
// reports), else the native one; a foreign arch's, that machine's.
func nameTable(spec *Spec, t *Target) (*Target, ABI) {
	if foreign, abi, ok := foreignArch(spec, t); ok {
		return foreign, abi
	}
	abi := B64
	for i, f := range spec.Fields {
		if f.Kind != KindArch || spec.FieldsBeforeSyscalls >= 0 && i >= spec.FieldsBeforeSyscalls {
			continue
		}
		if a, ok := t.ArchABI(f.Text); ok {
			abi = a
		}
	}
	return t, abi
}

func (r *Rule) normalizeSyscalls(spec *Spec, t *Target) {
	// Which ABIs can match: every arch field must hold.
	r.ABIs = [numABIs]bool{true, true}
	for _, f := range spec.Fields {
		if f.Kind != KindArch {
			continue
		}
		abi, ok := t.ArchABI(f.Text)
		var match [numABIs]bool
		if ok {
			match[abi] = true
			if f.Op == OpNotEqual {
				match[abi], match[1-abi] = false, true
			}
		}
		for i := range r.ABIs {
			r.ABIs[i] = r.ABIs[i] && match[i]
		}
	}
	// auditctl resolves every name with the table it chose, even next to
	// "all".
	table, abi := nameTable(spec, t)
	var m Mask // on the stack: most rules share an interned copy
	for _, s := range spec.Syscalls {
		if s == "all" {
			continue
		}
		n, ok := table.Syscall(abi, s)
		if r.List == ListIOUring {
			n, ok = uringOp(s)
		}
		if !ok {
			r.flawed().unknown = append(r.flawed().unknown, unknownSyscall{ABI: abi, Name: s})
			continue
		}
		m.Set(n)
	}
	switch {
	case r.List == ListTask:
		// auditctl sends an empty mask for task rules; they see no syscall.
		r.WireMask = &noSyscalls
	case spec.Watch != "":
		// auditctl starts a watch with every syscall; -S only adds bits.
		r.AllSyscalls = true
		r.WireMask = &allSyscalls
	case r.List == ListIOUring && containsAll(spec.Syscalls):
		// "all" on io_uring is every operation the kernel audits.
		r.AllSyscalls = true
		for _, n := range uringOps {
			m.Set(n)
		}
		r.WireMask = t.intern(m)
	case !spec.SyscallsGiven || containsAll(spec.Syscalls):
		r.AllSyscalls = r.List == ListExit || r.List == ListIOUring || containsAll(spec.Syscalls)
		r.WireMask = &allSyscalls
	default:
		r.WireMask = t.intern(m)
	}
}

// foreignArch finds the machine of an arch written before -S that is not
// the target's: auditctl resolves the syscall names with its table.
func foreignArch(spec *Spec, t *Target) (*Target, ABI, bool) {
	for i, f := range spec.Fields {
		if f.Kind != KindArch || (spec.FieldsBeforeSyscalls >= 0 && i >= spec.FieldsBeforeSyscalls) {
			continue
		}
		if _, ok := t.ArchABI(f.Text); ok {
			return nil, 0, false
		}
		c, ok := archConst(t, f.Text)
		if !ok {
			return nil, 0, false
		}
		for _, o := range Targets {
			for abi, v := range o.arch {
				if v == c {
					return o, ABI(abi), true
				}
			}
		}
	}
	return nil, 0, false
}

func containsAll(s []string) bool {
	for _, x := range s {
		if x == "all" {
			return true
		}
	}
	return false
}

// appendIdentity appends what the kernel compares to decide that two
// rules are the same ("Rule exists"): list, action, every field in order
// with its stored value, the key field, and the syscall mask. The prepend
// flag is not part of it: the kernel clears it once a rule is in place, so
// only a new -A rule escapes the comparison (it differs in that flag).
//
// It is a key to compare, not text to show: numbers are written as bytes,
// texts with their length, so no two rules share one by accident and
// nothing is formatted.
func (r *Rule) appendIdentity(b []byte) []byte {
	b = append(b, byte(r.List), byte(r.Action), byte(len(r.Fields)))
	for _, f := range r.Fields {
		b = binary.LittleEndian.AppendUint32(b, f.Def.Number)
		b = append(b, byte(f.Op))
		if f.Resolved {
			b = append(b, 'v')
			b = binary.LittleEndian.AppendUint32(b, f.Value)
			continue
		}
		b = append(b, 't')
		b = binary.AppendUvarint(b, uint64(len(f.Text)))
		b = append(b, f.Text...)
	}
	// The keys are one field to the kernel, joined by keySep.
	joined := max(0, len(r.Keys)-1)
	for _, k := range r.Keys {
		joined += len(k)
	}
	b = binary.AppendUvarint(b, uint64(joined))
	for i, k := range r.Keys {
		if i > 0 {
			b = append(b, keySep...)
		}
		b = append(b, k...)
	}
	if r.WireMask == &allSyscalls {
		return append(b, '*')
	}
	for i, w := range r.WireMask {
		if w != 0 {
			b = append(b, byte(i))
			b = binary.LittleEndian.AppendUint32(b, w)
		}
	}
	return b
}

// Identity is the rule as the kernel compares it: two rules with the same
// identity are one rule to the kernel, and the second gets "Rule exists"
// unless it is added with -A.
func (r *Rule) Identity() string { return string(r.appendIdentity(make([]byte, 0, 128))) }

// identitySeed keys IdentityHash for this process.
var identitySeed = maphash.MakeSeed()

// IdentityHash is a hash of Identity, kept from Normalize on: rules with
// one identity have one hash, so a set of rules is searched for equal ones
// by hash, comparing identities only when hashes meet.
func (r *Rule) IdentityHash() uint64 { return r.idHash }

// SingleABI is the one ABI an exit rule's arch fields leave it (ok false
// for a rule of both, or of none).
func (r *Rule) SingleABI() (ABI, bool) {
	if r.List != ListExit || !r.HasArch || r.ABIs[B64] == r.ABIs[B32] {
		return 0, false
	}
	if r.ABIs[B64] {
		return B64, true
	}
	return B32, true
}

// FieldsNamed returns the constraints on one field.
func (r *Rule) FieldsNamed(name string) []Field {
	// Most rules have at most one field of a name, or several in a row:
	// those are a part of r.Fields, shared, not a copy.
	first, last := -1, -1
	for i, f := range r.Fields {
		if f.Name() != name {
			continue
		}
		if first >= 0 && last != i-1 {
			return r.fieldsNamedApart(name)
		}
		if first < 0 {
			first = i
		}
		last = i
	}
	if first < 0 {
		return nil
	}
	return r.Fields[first : last+1 : last+1]
}

func (r *Rule) fieldsNamedApart(name string) []Field {
	var out []Field
	for _, f := range r.Fields {
		if f.Name() == name {
			out = append(out, f)
		}
	}
	return out
}

// MatchesNothing reports whether no ABI can match (contradictory arches or
// another machine's arch).
func (r *Rule) MatchesNothing() bool {
	if r.List != ListExit && r.List != ListIOUring {
		return false
	}
	return !r.ABIs[B64] && !r.ABIs[B32]
}

// Restrict is the part of the rule that sees one ABI and one syscall
// (syscall < 0: every syscall the rule sees in that ABI). Profiles check
// coverage part by part, since several rules together (one per arch, or
// syscalls split) may cover one requirement.
func (r *Rule) Restrict(abi ABI, syscall int) *Rule {
	c := *r
	c.ABIs = [numABIs]bool{}
	c.ABIs[abi] = r.ABIs[abi]
	if syscall >= 0 {
		m := new(Mask)
		m.Set(syscall)
		c.WireMask = m
		c.AllSyscalls = false
	}
	return &c
}

// EvalOrder is the order the kernel evaluates rules in: within each list,
// rules added with -A first (the last added first), then the others in
// load order.
func EvalOrder(rules []*Rule) []*Rule {
	prepends := 0
	for _, r := range rules {
		if r.Prepend {
			prepends++
		}
	}
	if prepends == 0 {
		return rules // load order, shared: callers never change it
	}
	out := make([]*Rule, len(rules))
	front, back := prepends, prepends
	for _, r := range rules {
		if r.Prepend {
			front--
			out[front] = r
		} else {
			out[back] = r
			back++
		}
	}
	return out
}

// uringOp resolves an io_uring operation name or number.
func uringOp(s string) (int, bool) {
	if n, ok := uringOps[s]; ok {
		return n, true
	}
	n := readC(s, false)
	return int(n.value), n.ok && n.rest == "" && n.value < 2048
}
