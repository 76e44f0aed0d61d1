package model

import (
	"math"
	"slices"
	"strings"
	"testing"
)

var x86 = Targets["x86_64"]

func norm(t *testing.T, line string) *Rule {
	t.Helper()
	st, refusal := Read(strings.Fields(line))
	if refusal != nil {
		t.Fatalf("%q: %v", line, refusal)
	}
	r := Normalize(&Line{Text: line, Rule: st.Rule}, x86)
	if r == nil {
		t.Fatalf("%q is not a rule", line)
	}
	return r
}

// The kernel's own equality, as checked with auditctl on this machine
// ("Rule exists" or not; reference Part 4, facts 1, 2, 4).
func TestIdentity(t *testing.T) {
	same := [][2]string{
		{"-a always,exit -F arch=b64 -S openat -F auid!=unset -k k", "-a always,exit -F arch=b64 -S openat -F auid!=-1 -k k"},
		{"-a always,exit -F arch=b64 -S openat -F auid!=4294967295", "-a always,exit -F arch=b64 -S openat -F auid!=-1"},
		{"-a always,exit -F arch=b64 -S openat,open -k k", "-a always,exit -F arch=b64 -S open -S openat -k k"},
		{"-a exit,always -F arch=b64 -S openat", "-a always,exit -F arch=b64 -S openat"},
		{"-w /etc/passwd -p wa -k identity", "-a always,exit -F path=/etc/passwd -F perm=wa -F key=identity"},
		{"-w /etc/passwd/ -p wa", "-w /etc/passwd -p wa"},
		{"-a always,exit -F arch=b64 -S 257", "-a always,exit -F arch=b64 -S openat"},
		{"-a always,exit -F arch=b64 -S openat -F key=k -F uid=0", "-a always,exit -F arch=b64 -S openat -F uid=0 -k k"},
		{"-a always,exit -F arch=b64 -S openat -F exit=-EACCES", "-a always,exit -F arch=b64 -S openat -F exit=-13"},
		{"-a always,exit -F arch=b64 -S openat -F loginuid=0", "-a always,exit -F arch=b64 -S openat -F auid=0"},
		{"-a always,exit -F arch=x86_64 -S openat", "-a always,exit -F arch=b64 -S openat"},
		// Names in any case, arch numbers in hex without 0x, -C either way
		// round and -F KEY= last: as auditctl 3.0.9 loads them here.
		{"-a always,exit -F arch=X86_64 -S Openat", "-a always,exit -F arch=b64 -S openat"},
		{"-a always,exit -F arch=c000003e -S openat", "-a always,exit -F arch=b64 -S openat"},
		{"-a always,exit -F arch=C000003E -S openat", "-a always,exit -F arch=b64 -S openat"},
		{"-a always,exit -F arch=I686 -S openat", "-a always,exit -F arch=b32 -S openat"},
		{"-a always,exit -F ARCH=b64 -S openat -F Exit=-eperm", "-a always,exit -F arch=b64 -S openat -F exit=-EPERM"},
		{"-a always,exit -F arch=b64 -S all -F filetype=FILE -F path=/etc/passwd", "-a always,exit -F arch=b64 -S all -F filetype=file -F path=/etc/passwd"},
		{"-a always,filesystem -F fstype=DEBUGFS", "-a always,filesystem -F fstype=debugfs"},
		{"-a always,exit -F arch=b64 -S openat -C euid!=uid", "-a always,exit -F arch=b64 -S openat -C uid!=euid"},
		{"-a always,exit -F arch=b64 -S openat -C obj_uid=auid", "-a always,exit -F arch=b64 -S openat -C auid=obj_uid"},
		{"-a always,exit -F arch=b64 -S openat -F KEY=z", "-a always,exit -F arch=b64 -S openat -F key=z"},
		{"-a always,exit -F arch=b64 -S openat -F uid=0 -F Key=z", "-a always,exit -F arch=b64 -S openat -F uid=0 -k z"},
		// Numbers as strtoul and strtol read them, kept to 32 bits.
		{"-a always,exit -F arch=b64 -S openat -F auid!=99999999999999999999", "-a always,exit -F arch=b64 -S openat -F auid!=-1"},
		{"-a always,exit -F arch=b64 -S openat -F auid>=01000", "-a always,exit -F arch=b64 -S openat -F auid>=512"},
		{"-a always,exit -F arch=b64 -S openat -F auid>=0x3e8", "-a always,exit -F arch=b64 -S openat -F auid>=1000"},
		{"-a always,exit -F arch=b64 -S openat -F uid=5abc", "-a always,exit -F arch=b64 -S openat -F uid=5"},
		{"-a always,exit -F arch=b64 -S openat -F auid=-4294967297", "-a always,exit -F arch=b64 -S openat -F auid=-1"},
		{"-a always,exit -F arch=b64 -S openat -F exit=99999999999999999999", "-a always,exit -F arch=b64 -S openat -F exit=-EPERM"},
		{"-a always,exit -F arch=b64 -S openat -F exit=-99999999999999999999", "-a always,exit -F arch=b64 -S openat -F exit=0"},
		{"-a always,exit -F arch=b64 -S openat -F a0=-99999999999999999999", "-a always,exit -F arch=b64 -S openat -F a0=0"},
		{"-a always,exit -F arch=b64 -S openat -F pid=99999999999999999999", "-a always,exit -F arch=b64 -S openat -F pid=4294967295"},
		{"-a always,exit -F arch=b64 -S openat -F inode=99999999999999999999", "-a always,exit -F arch=b64 -S openat -F inode=4294967295"},
		{"-a always,exit -F arch=b64 -S 0257", "-a always,exit -F arch=b64 -S init_module"},
		{"-a always,exit -F arch=b64 -S 0x101", "-a always,exit -F arch=b64 -S openat"},
		{"-a always,exit -F arch=b64 -S 257abc", "-a always,exit -F arch=b64 -S openat"},
		// Once in place an -A rule is like any other; only a new one escapes
		// the comparison (TestIdentityMatchesKernel).
		{"-A always,exit -F arch=b64 -S openat", "-a always,exit -F arch=b64 -S openat"},
	}
	for _, p := range same {
		if a, b := norm(t, p[0]), norm(t, p[1]); a.Identity() != b.Identity() {
			t.Errorf("the kernel treats these as one rule:\n%s\n%s\n%q\n%q", p[0], p[1], a.Identity(), b.Identity())
		}
	}
	different := [][2]string{
		{"-a always,exit -F arch=b64 -S openat -k k1", "-a always,exit -F arch=b64 -S openat -k k2"},
		{"-a always,exit -F arch=b64 -S openat -F uid=0 -F auid=1000", "-a always,exit -F arch=b64 -S openat -F auid=1000 -F uid=0"},
		{"-a always,exit -F arch=b64 -S openat", "-a never,exit -F arch=b64 -S openat"},
		{"-a always,exit -F arch=b64 -S openat", "-a always,exit -F arch=b32 -S openat"},
		{"-w /etc/passwd -p wa", "-w /etc/passwd -p w"},
		// A key field before another field is sent where it stands.
		{"-a always,exit -F arch=b64 -S openat -F KEY=z -F uid=0", "-a always,exit -F arch=b64 -S openat -F uid=0 -k z"},
	}
	for _, p := range different {
		if a, b := norm(t, p[0]), norm(t, p[1]); a.Identity() == b.Identity() {
			t.Errorf("the kernel keeps these apart:\n%s\n%s", p[0], p[1])
		}
	}
	if a, b := norm(t, different[0][0]), norm(t, different[0][1]); !Covers(a, b) || !Covers(b, a) {
		t.Error("rules differing only in key must match the same events")
	}
}

func TestCovers(t *testing.T) {
	cases := []struct {
		a, b   string
		covers bool
	}{
		{"-a never,exit -F arch=b64 -S openat -F auid=1001", "-a always,exit -F arch=b64 -S openat -F auid=1001 -k x", true},
		{"-a never,exit -F arch=b64 -S all", "-a always,exit -F arch=b64 -S openat,unlinkat -F auid>=1000", true},
		{"-a always,exit -F arch=b64 -S openat,unlinkat", "-a always,exit -F arch=b64 -S openat", true},
		{"-a always,exit -F arch=b64 -S openat", "-a always,exit -F arch=b64 -S openat,unlinkat", false},
		{"-a always,exit -F arch=b64 -S openat -F auid>=500", "-a always,exit -F arch=b64 -S openat -F auid>=1000", true},
		{"-a always,exit -F arch=b64 -S openat -F auid>=1000", "-a always,exit -F arch=b64 -S openat -F auid>=500", false},
		{"-a always,exit -F arch=b64 -S openat -F auid>=1000", "-a always,exit -F arch=b64 -S openat -F auid>=2000 -F auid!=unset", true},
		{"-a always,exit -F arch=b64 -S openat -F auid!=unset", "-a always,exit -F arch=b64 -S openat -F auid>=1000 -F auid<=60000", true},
		{"-a always,exit -F arch=b64 -S openat -F uid=0", "-a always,exit -F arch=b64 -S openat", false},
		{"-a always,exit -F arch=b64 -S openat", "-a always,exit -F arch=b32 -S openat", false},
		{"-a always,exit -S all", "-a always,exit -F arch=b32 -S openat", true},
		{"-a always,exit -F arch=b64 -S all", "-w /etc/passwd -p wa", false},
		{"-a always,exit -S all -F perm=wa", "-w /etc/passwd -p w", true},
		{"-a always,exit -S all -F perm=w", "-w /etc/passwd -p wa", false},
		{"-a always,exit -S all -F dir=/etc", "-w /etc/passwd -p wa", true},
		{"-a always,exit -S all -F dir=/etc", "-a always,exit -S all -F dir=/etc/ssh", true},
		{"-a always,exit -S all -F dir=/etc/ssh", "-a always,exit -S all -F dir=/etc", false},
		{"-a always,exit -S all -F dir=/et", "-w /etc/passwd -p wa", false},
		// A watch of a directory is a tree rule: it meets dir= at or below it.
		{"-w /etc/selinux -p wa", "-a always,exit -F arch=b64 -F dir=/etc/selinux/ -F perm=wa -F auid>=1000 -F auid!=unset", true},
		{"-w /etc/selinux -p wa", "-a always,exit -F arch=b32 -F dir=/etc/selinux/targeted -F perm=w", true},
		{"-w /etc/selinux -p wa", "-a always,exit -F arch=b64 -F dir=/etc -F perm=wa", false},
		{"-w /etc/selinux -p w", "-a always,exit -F arch=b64 -F dir=/etc/selinux -F perm=wa", false},
		{"-a always,exit -S all -F path=/etc/selinux -F perm=wa", "-a always,exit -F arch=b64 -F dir=/etc/selinux -F perm=wa", false},
		{"-a never,exit -F arch=b64 -S openat -F exe=/usr/bin/touch", "-w /etc/passwd -p wa", false},
		{"-a always,exit -F arch=b64 -S openat -F a2&0100", "-a always,exit -F arch=b64 -S openat -F a2&0100 -F exit=-EACCES", true},
		{"-a always,exit -F arch=b64 -S openat -F a2&0100", "-a always,exit -F arch=b64 -S openat -F a2&01003", false},
		{"-a always,exit -F arch=b64 -S execve -C uid!=euid", "-a always,exit -F arch=b64 -S execve -C uid!=euid -F euid=0", true},
		{"-a always,exit -F arch=b64 -S openat -F exe!=/bin/a", "-a always,exit -F arch=b64 -S openat -F exe=/bin/b", true},
		{"-a never,user -F uid=0", "-a never,user -F uid=0 -F msgtype=USER", true},
		{"-a never,user -F uid=0", "-a never,exclude -F uid=0", false},
		{"-a never,exit -F arch=b64 -F arch=b32 -S all", "-a always,exit -F arch=b64 -S openat", false},
		{"-a always,exit -F arch=b64 -S openat", "-a always,exit -F arch=b64 -F arch=b32 -S openat", false},
	}
	for _, c := range cases {
		if got := Covers(norm(t, c.a), norm(t, c.b)); got != c.covers {
			t.Errorf("Covers(%q, %q) = %v, want %v", c.a, c.b, got, c.covers)
		}
	}
}

func TestOverlaps(t *testing.T) {
	cases := []struct {
		a, b    string
		overlap bool
	}{
		{"-a always,exit -F arch=b64 -S openat -F auid>=1000", "-a always,exit -F arch=b64 -S openat -F auid<500", false},
		{"-a always,exit -F arch=b64 -S openat -F auid>=1000", "-a always,exit -F arch=b64 -S openat -F auid<2000", true},
		{"-a always,exit -F arch=b64 -S openat", "-a always,exit -F arch=b64 -S unlinkat", false},
		{"-a always,exit -F arch=b64 -S openat", "-a always,exit -F arch=b32 -S openat", false},
		{"-a never,exit -F arch=b64 -S openat -F exe=/usr/bin/touch", "-w /etc/passwd -p wa", true},
		{"-w /etc/passwd -p wa", "-w /etc/shadow -p wa", false},
		// An O_RDWR open is a read and a write (TestPermClassesMatchEvents).
		{"-w /etc/passwd -p r", "-w /etc/passwd -p w", true},
		// perm=x sees execve and execveat only.
		{"-a always,exit -S all -F path=/usr/bin/chcon -F perm=x", "-a always,exit -F arch=b64 -S delete_module", false},
		{"-a always,exit -S all -F path=/usr/bin/chcon -F perm=x", "-a always,exit -F arch=b64 -S execve", true},
		{"-w /etc/passwd -p wa", "-a always,exit -F arch=b64 -S delete_module", false},
		{"-a always,exit -F arch=b64 -S openat", "-a always,user -F uid=0", false},
	}
	for _, c := range cases {
		if got := Overlaps(norm(t, c.a), norm(t, c.b)); got != c.overlap {
			t.Errorf("Overlaps(%q, %q) = %v, want %v", c.a, c.b, got, c.overlap)
		}
	}
}

func TestSyscallTables(t *testing.T) {
	for _, c := range []struct {
		target, name string
		abi          ABI
		known        bool
	}{
		{"x86_64", "openat", B64, true}, {"x86_64", "stime", B64, false}, {"x86_64", "stime", B32, true},
		{"x86_64", "umount", B64, false}, {"x86_64", "umount", B32, true}, {"x86_64", "socketcall", B64, false},
		{"x86_64", "madvise", B32, true}, {"x86_64", "file_setattr", B64, true}, {"x86_64", "fchmodat2", B32, true},
		{"aarch64", "open", B64, false}, {"aarch64", "openat", B64, true}, {"aarch64", "chmod", B64, false},
		{"aarch64", "unlink", B64, false}, {"aarch64", "mkdir", B64, false}, {"aarch64", "file_setattr", B64, true},
		{"ppc64le", "open", B64, true}, {"s390x", "open", B64, true}, {"x86_64", "mmap2", B64, false}, {"x86_64", "mmap2", B32, true},
	} {
		if got := Targets[c.target].HasSyscall(c.abi, c.name); got != c.known {
			t.Errorf("%s %s %s known = %v, want %v", c.target, c.abi, c.name, got, c.known)
		}
	}
	if n, _ := x86.Syscall(B64, "file_setattr"); n != 469 {
		t.Errorf("file_setattr = %d, want 469", n)
	}
}

func TestValueProblems(t *testing.T) {
	for line, want := range map[string]string{
		"-a always,exit -F arch=b64 -S openat -F exit=EACCES":                "FLD-EXIT-POSITIVE-ERRNO",
		"-a always,exit -F arch=b64 -S openat -F a0=0x100000000":             "FLD-ARG-TRUNCATION",
		"-a always,exclude -F msgtype=NOPE":                                  "LST-MSGTYPE-UNKNOWN",
		"-a always,exit -F arch=b64 -S openat -F exit=-ENOTANERRNO":          "FLD-BAD-VALUE",
		"-a always,exit -F arch=b64 -S openat -F auid>=01000":                "FLD-ARG-TRUNCATION",
		"-a always,exit -F arch=b64 -S openat -F uid=5abc":                   "FLD-ARG-TRUNCATION",
		"-a always,exit -F arch=b64 -S openat -F auid!=99999999999999999999": "FLD-ARG-TRUNCATION",
		"-a always,exit -F arch=b64 -S 0257":                                 "FLD-ARG-TRUNCATION",
		"-a always,exit -F arch=foo -S openat":                               "FLD-BAD-VALUE",
		"-a always,exit -F arch=99999999999999999999 -S openat":              "FLD-BAD-VALUE",
	} {
		st, refusal := Read(strings.Fields(line))
		got := st.Note
		if refusal != nil {
			got = refusal
		}
		if got == nil || got.Check.String() != want {
			t.Errorf("%q: %v, want %s", line, got, want)
		}
	}
	// An open flag written in octal is meant so.
	if st, refusal := Read(strings.Fields("-a always,exit -F arch=b64 -S openat -F a2&0100")); refusal != nil || st.Note != nil {
		t.Errorf("a2&0100: %v %v, want it read as written", refusal, st.Note)
	}
	// A uid past 64 bits is -1, which the kernel refuses for every ID but
	// auid (auditctl: "Invalid argument").
	if r := norm(t, "-a always,exit -F arch=b64 -S openat -F uid=99999999999999999999"); len(r.Problems()) != 1 || r.Problems()[0].Check != CheckBadValue {
		t.Errorf("uid=99999999999999999999: problems %v, want the kernel's refusal of uid -1", r.Problems())
	}
}

// FuzzSplitField holds the one-scan operator split to auditctl's search
// (the first operator of its search order found anywhere in the pair).
func FuzzSplitField(f *testing.F) {
	for _, s := range []string{"auid>=1000", "a=b!=c", "a<>b", "path=/a&b", "x!y", "=", "a&=1", "k=v=w", "arch!=b64", "exit=-EACCES"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, pair string) {
		n1, o1, v1, ok1 := splitField(pair)
		n2, o2, v2, ok2 := splitPair(pair, operatorSearch)
		if n1 != n2 || o1 != o2 || v1 != v2 || ok1 != ok2 {
			t.Fatalf("%q: one scan %q %v %q %v, auditctl's search %q %v %q %v", pair, n1, o1, v1, ok1, n2, o2, v2, ok2)
		}
	})
}

// FuzzUnsatisfiable holds Unsatisfiable, which intersects the interval
// sets Covers compares, to a reading of its own: the ordering and =
// constraints bound one range, the != values punch holes in it, and the
// rule never matches when the range is empty or all holes.
func FuzzUnsatisfiable(f *testing.F) {
	f.Add([]byte{0, 5, 5, 1, 5, 5})
	f.Add([]byte{4, 0, 0, 2, 0, 2, 1, 0, 0, 1, 0, 1})
	f.Add([]byte{2, 0, 0, 3, 255, 255})
	ops := []Op{OpEqual, OpNotEqual, OpLess, OpLessEq, OpGreater, OpGreaterEq}
	f.Fuzz(func(t *testing.T, spec []byte) {
		var fields []Field
		for i := 0; i+2 < len(spec) && len(fields) < 12; i += 3 {
			// Values near 0 and near the top, where the edges are.
			v := uint32(spec[i+1])<<8 | uint32(spec[i+2])
			if spec[i+1] >= 128 {
				v = math.MaxUint32 - (v & 0x7fff)
			}
			// Other fields between the uid ones: only uid's count.
			fields = append(fields, Field{Def: fieldsByName["uid"], Op: ops[int(spec[i])%len(ops)], Kind: KindNumeric, Value: v, Resolved: true},
				Field{Def: fieldsByName["gid"], Op: OpEqual, Kind: KindNumeric, Value: uint32(i), Resolved: true})
		}
		r := &Rule{Fields: fields}
		if got, want := r.Unsatisfiable("uid"), emptyByRange(fields, "uid"); got != want {
			t.Fatalf("%v: Unsatisfiable %v, range and holes say %v", fields, got, want)
		}
	})
}

// emptyByRange is FuzzUnsatisfiable's reading: one range, holes in it.
func emptyByRange(fields []Field, field string) bool {
	lo, hi := uint64(0), uint64(math.MaxUint32)
	var excluded []uint32
	for i := range fields {
		f := &fields[i]
		if f.Name() != field || !f.interval() {
			continue
		}
		x := uint64(f.Value)
		switch f.Op {
		case OpEqual:
			lo, hi = max(lo, x), min(hi, x)
		case OpNotEqual:
			excluded = append(excluded, f.Value)
		case OpLess:
			if x == 0 {
				return true
			}
			hi = min(hi, x-1)
		case OpLessEq:
			hi = min(hi, x)
		case OpGreater:
			if x == math.MaxUint32 {
				return true
			}
			lo = max(lo, x+1)
		case OpGreaterEq:
			lo = max(lo, x)
		}
	}
	if lo > hi {
		return true
	}
	slices.Sort(excluded)
	holes := uint64(0)
	for i, x := range excluded {
		if (i == 0 || x != excluded[i-1]) && uint64(x) >= lo && uint64(x) <= hi {
			holes++
		}
	}
	return holes == hi-lo+1
}

// Every field name and alias is found as written, in any case, and a
// name that is none is not.
func TestLookupFieldEveryName(t *testing.T) {
	for name, def := range fieldsByName {
		for _, spelling := range []string{name, strings.ToUpper(name), strings.ToUpper(name[:1]) + name[1:]} {
			if got, ok := lookupField(spelling); !ok || got != def {
				t.Errorf("lookupField(%q) = %v, %v; want the %s field", spelling, got, ok, def.Name)
			}
		}
		if _, ok := fieldsByName[name+"x"]; !ok {
			if got, ok := lookupField(name + "x"); ok {
				t.Errorf("lookupField(%q) found %s", name+"x", got.Name)
			}
		}
	}
	for _, none := range []string{"", "colour", "é", "_uid"} {
		if got, ok := lookupField(none); ok {
			t.Errorf("lookupField(%q) found %s", none, got.Name)
		}
	}
}

// Rules read by one arena that name the same syscalls with the same -S
// argument share one list; other rules, and a list the line refuses, do
// not.
func TestArenaSharesSyscallLists(t *testing.T) {
	a := &Arena{Lines: 10}
	read := func(line string) *Spec {
		t.Helper()
		st, refusal := a.Read(strings.Fields(line))
		if refusal != nil {
			t.Fatalf("%q: %v", line, refusal)
		}
		return st.Rule
	}
	first := read("-a always,exit -F arch=b64 -S openat,unlinkat -k a")
	same := read("-a always,exit -F arch=b32 -S openat,unlinkat -F auid>=1000 -k b")
	if &first.Syscalls[0] != &same.Syscalls[0] || !slices.Equal(same.Syscalls, []string{"openat", "unlinkat"}) || !same.SyscallsGiven || same.FieldsBeforeSyscalls != 1 {
		t.Errorf("the second rule's list %v (shared: %v), given %v, fields before -S %d", same.Syscalls, &first.Syscalls[0] == &same.Syscalls[0], same.SyscallsGiven, same.FieldsBeforeSyscalls)
	}
	for _, line := range []string{"-a always,exit -S openat -S unlinkat", "-a always,exit -S unlinkat,openat"} {
		if other := read(line); &other.Syscalls[0] == &first.Syscalls[0] {
			t.Errorf("%q shares the list of -S openat,unlinkat", line)
		}
	}
	if _, refusal := a.Read(strings.Fields("-a never,exclude -S openat,unlinkat")); refusal == nil {
		t.Error("-S on the exclude list is refused even when its list was read before")
	}
	if _, refusal := a.Read(strings.Fields("-a always,exit -S mount,umount2 -x")); refusal == nil {
		t.Fatal("a line with -x is refused")
	}
	if after := read("-a always,exit -S mount,umount2"); cap(after.Syscalls) != 2 || after.Syscalls[1] != "umount2" {
		t.Errorf("the list after a refused line with the same -S: %v", after.Syscalls)
	}
}

// NameTable is the table the reader resolved the -S names with: the last
// arch before -S whatever its operator, the native one without, another
// machine's for its arch; the loader asks the host's auditctl the same.
func TestNameTable(t *testing.T) {
	for line, want := range map[string]string{
		"-a always,exit -S openat":                                "x86_64",
		"-a always,exit -F arch=b32 -S open":                      "i386",
		"-a always,exit -F arch!=b32 -S open":                     "i386",
		"-a always,exit -F arch=b32 -F arch=b64 -S openat":        "x86_64",
		"-a always,exit -F arch=aarch64 -S openat":                "aarch64",
		"-a always,exit -F arch=b64 -S openat -F auid>=1000 -k x": "x86_64",
	} {
		table, abi := norm(t, line).NameTable()
		if got := table.TableName(abi); got != want {
			t.Errorf("%s: table %s, want %s", line, got, want)
		}
	}
}
