package model

import (
	"fmt"
	"strings"

	"github.com/elastic/go-libaudit/v2/auparse"
)

func (r *reader) perm(letters string) *Problem {
	if !r.listSet {
		return refuse(CheckWatchForm, "-p needs a -w (or -a) before it")
	}
	bits, ref := permBits(letters)
	if ref != nil {
		return ref
	}
	if r.fieldCount < 1 {
		return refuse(CheckWatchForm, "-p before any field: auditctl puts the permissions after a path; write -F path=... first")
	}
	r.permAdded = true
	if len(r.permField) == 0 {
		if r.fieldCount >= maxFields-1 {
			return refuse(CheckFieldCount, "too many fields to add the permissions: auditctl sends at most %d fields in a rule; split the rule", maxFields-1)
		}
		r.permField = append(r.permField, len(r.spec.Fields))
		r.spec.Fields = append(r.spec.Fields, Field{Def: fieldsByNumber[fieldPerm], Op: OpEqual, Kind: KindPerm})
		r.fieldCount++
	}
	for _, i := range r.permField {
		if i < 0 {
			r.spec.Perm, r.spec.PermGiven = bits, true
			continue
		}
		f := &r.spec.Fields[i]
		f.Value, f.Resolved, f.Text = uint32(bits), true, PermText(uint32(bits))
	}
	return nil
}

func permBits(s string) (uint8, *Problem) {
	if len(s) > 4 {
		return 0, refuse(CheckWatchForm, "permissions %q are too long: at most four letters from r, w, x, a", s)
	}
	var bits uint8
	for i := 0; i < len(s); i++ {
		switch s[i] | 0x20 {
		case 'r':
			bits |= PermRead
		case 'w':
			bits |= PermWrite
		case 'x':
			bits |= PermExec
		case 'a':
			bits |= PermAttr
		default:
			return 0, refuse(CheckWatchForm, "permission %q is not one of r, w, x, a", string(s[i]))
		}
	}
	return bits, nil
}

// splitPair finds the operator as libaudit does: the first operator of
// its search order that occurs anywhere in the text.
func splitPair(pair string, ops []struct {
	text string
	op   Op
}) (name string, op Op, value string, found bool) {
	for _, o := range ops {
		if i := strings.Index(pair, o.text); i >= 0 {
			return pair[:i], o.op, pair[i+len(o.text):], true
		}
	}
	return "", 0, "", false
}

// splitField is splitPair with auditctl's full operator search. Most
// pairs hold one operator and no operator character after it; for them
// the first operator character decides, in one scan.
func splitField(pair string) (name string, op Op, value string, found bool) {
	i := 0
	for i < len(pair) && !isOperatorChar[pair[i]] {
		i++
	}
	if i == len(pair) {
		return "", 0, "", false
	}
	n := 1
	if i+1 < len(pair) && pair[i+1] == '=' {
		n = 2
	}
	if o, ok := parseOp(pair[i : i+n]); ok {
		rest := pair[i+n:]
		j := 0
		for j < len(rest) && !isOperatorChar[rest[j]] {
			j++
		}
		if j == len(rest) {
			return pair[:i], o, rest, true
		}
	}
	return splitPair(pair, operatorSearch)
}

// isOperatorChar holds the characters operators are made of.
var isOperatorChar = [256]bool{'!': true, '<': true, '>': true, '=': true, '&': true}

func (r *reader) field(pair string) *Problem {
	if r.fieldCount >= maxFields-1 {
		return refuse(CheckFieldCount, "the rule has %d fields (arch, -F and the key): auditctl sends at most %d and stops with \"Too many fields in rule\"; split the rule", r.fieldCount+1, maxFields-1)
	}
	name, op, value, found := splitField(pair)
	switch {
	case !found:
		return refuse(CheckParseError, "-F %s: no operator; write field, operator, value, e.g. auid>=1000", pair)
	case name == "":
		return refuse(CheckParseError, "-F %s: the field name is missing", pair)
	case value == "":
		return refuse(CheckParseError, "-F %s: the value is missing", pair)
	}
	def, ok := lookupField(name)
	if !ok {
		return refuse(CheckParseError, "-F %s: unknown field %q; auditctl knows %s", pair, name, knownFields)
	}
	f := Field{Def: def, Op: op, Kind: def.Kind, Text: value}
	if r.exclude && !def.UserFilter {
		return refuse(CheckNotForList, "-F %s on the exclude list: it takes only msgtype, pid, uid, gid, auid, exe and the subj_ fields", pair)
	}
	if def.ExitOnly && r.list != ListExit && r.list != ListIOUring {
		return refuse(CheckNotForList, "-F %s on the %s list: %s needs a syscall and works only on the exit list", pair, r.list, def.Name)
	}
	if (def.ClientEq && !op.isEq()) || (def.ClientEqOnly && op != OpEqual) {
		want := "= or !="
		if def.ClientEqOnly {
			want = "="
		}
		return refuse(CheckBadOperator, "-F %s: %s compares only with %s", pair, def.Name, want)
	}
	if ref := r.fieldValue(&f, pair); ref != nil {
		return ref
	}
	switch def.Number {
	case fieldPath, fieldDir, fieldPerm:
		r.permAdded = true
	case fieldExe:
		r.exeAdded = true
	case fieldFSType:
		r.fsAdded = true
	}
	if def.Number == fieldPerm {
		r.permField = append(r.permField, len(r.spec.Fields))
	}
	r.spec.Fields = append(r.spec.Fields, f)
	r.fieldCount++
	return nil
}

// fieldValue turns the value's text into what auditctl sends, with its
// checks, by the field's kind of value. Names the loading host resolves
// (users, groups) stay unresolved offline: auditctl asks the host, and
// HostProblems says when it does not know the name.
func (r *reader) fieldValue(f *Field, pair string) *Problem {
	text := f.Text
	v := &valueText{
		def: f.Def, op: f.Op, pair: pair, text: text,
		digit:    text[0] >= '0' && text[0] <= '9',
		negative: len(text) >= 2 && text[0] == '-' && text[1] >= '0' && text[1] <= '9',
	}
	ref := r.readValue(v)
	f.Value, f.Resolved = v.value, v.resolved
	return ref
}

// readValue reads a value by its kind. A switch, not a table of methods:
// a call through a function value would move every line's reader to the
// heap.
func (r *reader) readValue(v *valueText) *Problem {
	switch v.def.Value {
	case ValUID:
		return r.uidValue(v)
	case ValGID:
		return r.gidValue(v)
	case ValErrno:
		return r.errnoValue(v)
	case ValMsgType:
		return r.msgTypeValue(v)
	case ValString:
		return r.stringValue(v)
	case ValArch:
		return r.archValue(v)
	case ValPerm:
		return r.permValue(v)
	case ValFileType:
		return r.fileTypeValue(v)
	case ValFSType:
		return r.fsTypeValue(v)
	case ValArg:
		return r.argValue(v)
	case ValSession:
		return r.sessionValue(v)
	case ValSaddrFam:
		return r.saddrFamValue(v)
	case ValNumber:
		return r.numberValue(v)
	}
	return nil // ValCompare: -C reads its fields in compare
}

// valueText is a field's value on its way to the number auditctl sends.
// It holds no pointer to the Field: what the messages take of it leaks,
// and the field would follow it to the heap.
type valueText struct {
	def        *FieldDef
	op         Op
	pair, text string
	// digit: the text starts with a digit; negative: with a minus and a digit.
	digit, negative bool
	value           uint32 // what auditctl sends, once resolved
	resolved        bool
}

func (v *valueText) set(n uint32) { v.value, v.resolved = n, true }

// number reads the value as strtoul (signed: strtol) does; auditctl keeps
// the low 32 bits.
func (r *reader) number(v *valueText, signed bool) *Problem {
	n := readC(v.text, signed)
	v.set(n.u32())
	// Bit masks (open flags on a0-a3) are written in octal on purpose; an
	// ID or a count in octal is a mistake.
	n.octal = n.octal && !v.def.BitOps
	if why := n.misread("-F", v.pair, signed); why != "" {
		r.noteMisread(CheckTruncated, "%s", why)
	}
	return nil
}

// unsetOrNumber reads the IDs that may be "unset" (all bits set).
func (r *reader) unsetOrNumber(v *valueText) (read bool) {
	switch {
	case v.digit || v.negative:
		r.number(v, v.negative)
	case v.text == "unset":
		v.set(1<<32 - 1)
	default:
		return false
	}
	return true
}

func (r *reader) uidValue(v *valueText) *Problem {
	r.unsetOrNumber(v) // else a user name
	return nil
}

func (r *reader) gidValue(v *valueText) *Problem {
	if v.digit {
		return r.number(v, true)
	}
	return nil // a group name
}

func (r *reader) errnoValue(v *valueText) *Problem {
	if v.digit || v.negative {
		return r.number(v, true)
	}
	// errno names are looked up in any case, as auditctl's table does.
	name, minus := strings.CutPrefix(v.text, "-")
	n, ok := auparse.AuditErrnoToNum[strings.ToUpper(name)]
	if !ok || n == 0 {
		return refuse(CheckBadValue, "-F %s: %q is not an errno name or number; write e.g. exit=-EACCES", v.pair, v.text)
	}
	if minus {
		v.set(uint32(-int32(n)))
		return nil
	}
	v.set(uint32(n))
	r.noteMisread(CheckPositiveErrno, "exit=%s means the syscall returned +%d, not that it failed with %s; write exit=-%s", v.text, n, v.text, v.text)
	return nil
}

func (r *reader) msgTypeValue(v *valueText) *Problem {
	if r.list != ListExclude && r.list != ListUser {
		return refuse(CheckNotForList, "-F %s on the %s list: msgtype works only on the user and exclude lists", v.pair, r.list)
	}
	if v.digit {
		return r.number(v, true)
	}
	t, ok := RecordType(v.text)
	if !ok {
		return refuse(CheckMsgType, "-F %s: message type %q is unknown", v.pair, v.text)
	}
	v.set(t)
	return nil
}

func (r *reader) stringValue(v *valueText) *Problem {
	key := v.def.Number == fieldKey
	if len(v.text) > pathMax || (key && len(v.text) > maxKeyLen) {
		return refuse(CheckBadValue, "-F %s: the value is %d bytes, more than auditctl sends", v.pair[:min(len(v.pair), 40)]+"...", len(v.text))
	}
	if key && !(r.syscallAdded || r.permAdded || r.exeAdded || r.fsAdded) {
		return refuse(CheckKey, "a key needs a -S, a watch or a path, dir, perm or exe field before it")
	}
	return nil
}

func (r *reader) archValue(v *valueText) *Problem {
	if r.syscallAdded {
		return refuse(CheckArchAfterSyscall, "-F %s after -S (or -w): auditctl chose the syscall table already and rejects the line; put -F arch= before -S", v.pair)
	}
	if _, ok := archConst(Targets["x86_64"], v.text); !ok { // b64 and b32 name an ABI of any machine
		return refuse(CheckBadValue, "-F %s: unknown arch; write b64 or b32", v.pair)
	}
	return nil
}

func (r *reader) permValue(v *valueText) *Problem {
	bits, ref := permBits(v.text)
	if ref != nil {
		return refuse(CheckBadValue, "-F %s: %s", v.pair, ref.Message)
	}
	v.set(uint32(bits))
	return nil
}

func (r *reader) fileTypeValue(v *valueText) *Problem {
	n, ok := fileTypes[strings.ToLower(v.text)]
	if !ok {
		return refuse(CheckBadValue, "-F %s: file type %q is unknown; use file, dir, link, socket, block, character or fifo", v.pair, v.text)
	}
	v.set(n)
	return nil
}

func (r *reader) fsTypeValue(v *valueText) *Problem {
	if r.list != ListFilesystem {
		return refuse(CheckNotForList, "-F %s on the %s list: fstype works only on the filesystem list", v.pair, r.list)
	}
	if v.digit {
		return r.number(v, false)
	}
	n, ok := fsTypes[strings.ToLower(v.text)]
	if !ok {
		return refuse(CheckBadValue, "-F %s: file system %q is unknown to auditctl; write its magic number", v.pair, v.text)
	}
	v.set(n)
	return nil
}

func (r *reader) argValue(v *valueText) *Problem {
	if !v.digit && !v.negative {
		return refuse(CheckBadValue, "-F %s is not a number; syscall arguments compare as numbers (strings are pointers)", v.pair)
	}
	return r.number(v, v.negative)
}

func (r *reader) sessionValue(v *valueText) *Problem {
	if r.list != ListExclude && r.list != ListUser && r.list != ListExit {
		return refuse(CheckNotForList, "-F %s on the %s list: sessionid works on the exit, user and exclude lists", v.pair, r.list)
	}
	if !r.unsetOrNumber(v) {
		v.set(0)
		r.noteMisread(CheckTruncated, "-F %s: auditctl reads a value that is not a number as 0", v.pair)
	}
	return nil
}

func (r *reader) saddrFamValue(v *valueText) *Problem {
	// auditctl calls strtoul without looking at the text first and
	// compares what it keeps, the low 32 bits.
	if n := readC(v.text, false); n.u32() >= afMax {
		return refuse(CheckBadValue, "-F %s: address family %d is beyond the last one (%d)", v.pair, n.u32(), afMax-1)
	}
	return r.number(v, false)
}

func (r *reader) numberValue(v *valueText) *Problem {
	if v.def.Number == fieldInode && !v.op.isEq() {
		return refuse(CheckBadOperator, "-F %s: inode compares only with = or !=", v.pair)
	}
	if !v.digit {
		return refuse(CheckBadValue, "-F %s: %s needs a number", v.pair, v.def.Name)
	}
	return r.number(v, v.def.Number != fieldInode)
}

// knownFields lists the field names for messages, in the table's order.
var knownFields = func() string {
	var names []string
	for _, f := range Fields {
		if f.Number != fieldCompare {
			names = append(names, f.Name)
		}
	}
	return strings.Join(names, ", ")
}()

func (r *reader) noteMisread(check Check, format string, args ...any) {
	if r.misread == nil {
		r.misread = &Problem{Check: check, Loads: true, Message: fmt.Sprintf(format, args...), At: r.word}
	}
}

func (r *reader) compare(pair string) *Problem {
	if r.fieldCount >= maxFields-1 {
		return refuse(CheckFieldCount, "more than %d fields: split the rule", maxFields-1)
	}
	name, op, value, found := splitPair(pair, operatorSearch[:1:1])
	if !found {
		if name, op, value, found = splitPair(pair, []struct {
			text string
			op   Op
		}{{"=", OpEqual}}); !found {
			return refuse(CheckBadOperator, "-C %s: -C compares with = or != only", pair)
		}
	}
	a, okA := lookupField(name)
	b, okB := lookupField(value)
	switch {
	case name == "" || value == "":
		return refuse(CheckParseError, "-C %s: write two fields, e.g. -C uid!=euid", pair)
	case !okA || !okB:
		return refuse(CheckParseError, "-C %s: unknown field", pair)
	case !r.listSet || r.list != ListExit:
		return refuse(CheckNotForList, "-C %s: field comparisons work only on the exit list", pair)
	}
	code, ok := compareCodes[[2]uint32{a.Number, b.Number}]
	if !ok {
		return refuse(CheckParseError, "-C %s: %s and %s cannot be compared; compare user IDs with user IDs, group IDs with group IDs", pair, a.Name, b.Name)
	}
	// The kernel keeps the comparison's code alone: uid!=euid and
	// euid!=uid are one rule, written as auditctl -l writes it.
	ops := compareOperands[code]
	r.spec.Fields = append(r.spec.Fields, Field{Def: fieldsByNumber[ops[0]], Op: op, Kind: KindCompare, Text: fieldsByNumber[ops[1]].Name, Value: code, Resolved: true})
	r.fieldCount++
	return nil
}
