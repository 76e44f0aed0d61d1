package rulegen

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// Host names the paths and accounts of the machine the generated lines are
// loaded on, so that a case can name things that exist and things that do
// not.
type Host struct {
	File, Dir, Missing, MissingParent string // absolute paths
	Executable                        string
	User, Group                       string // names that resolve
}

// Cases writes n small rule files (2 to 5 lines each) from auditctl's
// grammar, valid and odd alike: every list and action order, every field
// with valid, boundary and wrong values, every operator, field orders,
// watches with and without -p, -S and -F, keys of every length, control
// lines, and lines that repeat or nearly repeat an earlier one. The same
// seed gives the same cases. No case holds -e 2, -f 2 or
// --loginuid-immutable, which would change the machine until reboot.
func Cases(seed uint64, n int, h Host) [][]string {
	g := &grammar{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), h: h}
	cases := make([][]string, n)
	for i := range cases {
		lines := 2 + g.r.IntN(4)
		for j := 0; j < lines; j++ {
			cases[i] = append(cases[i], g.line(cases[i]))
		}
	}
	return cases
}

type grammar struct {
	r *rand.Rand
	h Host
}

func (g *grammar) pick(s ...string) string { return s[g.r.IntN(len(s))] }

func (g *grammar) chance(percent int) bool { return g.r.IntN(100) < percent }

func (g *grammar) line(earlier []string) string {
	switch n := g.r.IntN(100); {
	case n < 1:
		// A byte order mark, as Windows editors write one.
		return "\ufeff" + g.line(earlier)
	case n < 3:
		return g.oddWhitespace(g.line(earlier))
	case n < 5:
		return g.modeOrDelete(earlier)
	case n < 8 && len(earlier) > 0:
		return g.nearRepeat(earlier[g.r.IntN(len(earlier))])
	case n < 16:
		return g.control()
	case n < 32:
		return g.watch()
	default:
		return g.rule()
	}
}

// nearRepeat returns an earlier line again, or with a change the kernel
// may or may not see: another spelling of the same value, another key.
func (g *grammar) nearRepeat(l string) string {
	switch g.r.IntN(5) {
	case 0:
		return strings.Replace(l, "auid!=unset", g.pick("auid!=-1", "auid!=4294967295", "loginuid!=unset"), 1)
	case 1:
		return strings.Replace(l, "-k ", "-F key=", 1)
	case 2:
		return l + " -k other"
	case 3:
		return strings.Replace(l, "-a ", "-A ", 1)
	}
	return l
}

// oddWhitespace puts a tab or a carriage return where auditctl reads it
// as a character of a word, or ends the line with a backslash as if it
// went on on the next.
func (g *grammar) oddWhitespace(l string) string {
	switch g.r.IntN(5) {
	case 0:
		return l + "\r"
	case 1:
		return "\t" + l
	case 2:
		return strings.Replace(l, " ", "\t", 1)
	case 3:
		return l + "\t"
	}
	return l + " \\"
}

// modeOrDelete is -c or -i with or without a stray word, a continuation
// of a line before it, or a delete of a rule that may be loaded (-d, -W).
func (g *grammar) modeOrDelete(earlier []string) string {
	switch g.r.IntN(6) {
	case 0:
		return g.pick("-i 1", "-c 1", "-i -k x", "-c", "-i")
	case 1:
		return g.pick("\t -k perm_mod", " -k perm_mod", "\t-F key=x")
	case 2, 3:
		if len(earlier) > 0 {
			l := earlier[g.r.IntN(len(earlier))]
			if strings.HasPrefix(l, "-a ") {
				return "-d " + strings.TrimPrefix(l, "-a ")
			}
			if strings.HasPrefix(l, "-w ") {
				return "-W " + strings.TrimPrefix(l, "-w ")
			}
		}
	}
	return g.pick("-d always,exit -F arch=b64 -S openat -k absent", "-W "+g.h.Missing+" -p wa", "-W relative/path", "-W "+g.h.File)
}

func (g *grammar) control() string {
	switch g.r.IntN(9) {
	case 0:
		return g.pick("-D", "-D -k gen", "-D -k")
	case 1:
		return "-b " + g.pick("8192", "320", "0", "0x100", "010", "abc", "99999999999", "-1")
	case 2:
		return "-r " + g.pick("0", "100", "x", "4294967296")
	case 3:
		return "--backlog_wait_time " + g.pick("60000", "0", "600000", "600001", "abc", "1") // 10*60*HZ
	case 4:
		return "-e " + g.pick("0", "1", "3", "x")
	case 5:
		return "-f " + g.pick("0", "1", "3", "x")
	case 6:
		return g.pick("--backlog_wait_time=15000", "-s", "-l", "-v", "-R /tmp/x.rules")
	case 7:
		return g.pick("-b", "-e", "--backlog_wait_time", "-D -D")
	}
	return g.pick("-b 8192 -f 1", "-x", "--no-such-option", "- b 10", "foo")
}

func (g *grammar) path() string {
	if g.chance(70) {
		return g.pick(g.h.File, g.h.Dir, g.h.Dir+"/", g.h.Missing, "/etc/*.conf", "/tmp/"+strings.Repeat("p", 255))
	}
	return g.pick(g.h.MissingParent, "relative/path", "/", g.h.Dir+"//", g.h.File+"/..", "/"+strings.Repeat("d", 256))
}

func (g *grammar) watch() string {
	var b strings.Builder
	b.WriteString("-w " + g.path())
	if g.chance(80) {
		b.WriteString(" -p " + g.pick("wa", "r", "rwxa", "x", "w", "rwxax", "q", "WA", ""))
	}
	if g.chance(15) {
		b.WriteString(" " + g.pick("-S openat", "-F uid=0", "-F auid>=1000", "-F perm=r", "-p r", "-w "+g.h.File, "-a always,exit", "-F arch=b64"))
	}
	if g.chance(70) {
		b.WriteString(" " + g.key())
	}
	return strings.TrimSpace(b.String())
}

func (g *grammar) key() string {
	k := g.pick("gen", "gen-key", "identity", "a,b", strings.Repeat("k", 255), "k\x01x")
	if g.chance(10) {
		k = g.pick(strings.Repeat("k", 256), strings.Repeat("k", 257), "")
	}
	if g.chance(25) {
		return "-F key=" + k
	}
	return "-k " + k
}

var (
	lists   = []string{"exit", "exit", "exit", "exit", "exit", "exit", "exit", "exit", "exit", "task", "user", "exclude", "filesystem", "io_uring", "entry"}
	actions = []string{"always", "always", "always", "always", "always", "never", "never", "never", "possible"}
)

func (g *grammar) rule() string {
	var parts []string
	list, action := g.pick(lists...), g.pick(actions...)
	head := action + "," + list
	if g.chance(10) {
		head = list + "," + action
	}
	if g.chance(3) {
		head = g.pick("always", "exit,exit", "always,exit,never", "always,", ",exit")
	}
	opt := "-a"
	if g.chance(10) {
		opt = "-A"
	}
	parts = append(parts, opt+" "+head)
	if list == "exit" && g.chance(75) {
		parts = append(parts, "-F arch="+g.pick("b64", "b64", "b32", "x86_64", "i386", "aarch64", "0xc000003e", "foo"))
	}
	if (list == "exit" || list == "io_uring") && g.chance(85) || g.chance(5) {
		parts = append(parts, "-S "+g.syscalls())
	}
	for i := g.r.IntN(4); i > 0; i-- {
		parts = append(parts, g.field(list))
	}
	if g.chance(8) {
		parts = append(parts, "-C "+g.pick("uid!=euid", "auid=obj_uid", "gid=egid", "uid=gid", "uid<euid", "foo=uid", "loginuid!=uid", "euid=", "sgid!=fsgid"))
	}
	if g.chance(60) {
		parts = append(parts, g.key())
	}
	if g.chance(10) {
		// Field order matters to auditctl: arch after -S, key before -S.
		i, j := g.r.IntN(len(parts)), g.r.IntN(len(parts))
		parts[i], parts[j] = parts[j], parts[i]
	}
	return strings.Join(parts, " ")
}

func (g *grammar) syscalls() string {
	names := []string{"openat", "open", "unlinkat", "rename", "renameat2", "execve", "all", "59", "chmod,fchmod",
		"socketcall", "stime", "nosuchcall", "init_module,delete_module", "fchmodat2", "file_setattr", "mount,umount2", ",openat", "openat,", "9999"}
	s := g.pick(names...)
	if g.chance(15) {
		s += "," + g.pick(names...)
	}
	if g.chance(10) {
		s += " -S " + g.pick(names...)
	}
	return s
}

var operators = []string{"=", "=", "=", "!=", ">=", "<=", ">", "<", "&", "&="}

func (g *grammar) field(list string) string {
	name, valid, odd := g.fieldValues(list)
	op := "="
	if g.chance(15) {
		op = g.pick(operators...)
	}
	value := g.pick(valid...)
	if g.chance(15) {
		value = g.pick(odd...)
	}
	return "-F " + name + op + value
}

// fieldValues returns a field name, values auditctl and the kernel take,
// and values that are wrong or odd for it.
func (g *grammar) fieldValues(list string) (name string, valid, odd []string) {
	switch list {
	case "user", "exclude":
		if g.chance(50) {
			return "msgtype", []string{"USER_LOGIN", "1100", "CWD", "AVC"}, []string{"NO_SUCH_TYPE", "0", "-1"}
		}
	case "filesystem":
		if g.chance(70) {
			return "fstype", []string{"debugfs", "tracefs", "0x64626720"}, []string{"nofs", "1"}
		}
	}
	ids := []string{"0", "1000", "4294967294", "0x10", g.h.User}
	oddIDs := []string{"4294967295", "-1", "unset", "4294967296", "-5", "010", "abc", "nosuchuser",
		"99999999999999999999", "-99999999999999999999", "18446744073709551615", "9223372036854775808", "01000", "5abc", "0x", "08", "UNSET"}
	switch g.r.IntN(22) {
	case 0:
		return g.pick("uid", "euid", "suid", "fsuid", "obj_uid"), ids, oddIDs
	case 1:
		return g.pick("auid", "loginuid"), append(ids, "unset", "-1", "4294967295"), oddIDs
	case 2:
		return g.pick("gid", "egid", "sgid", "fsgid", "obj_gid"), []string{"0", "1000", g.h.Group}, []string{"-1", "unset", "4294967295", "nosuchgroup", "4294967296"}
	case 3:
		return g.pick("pid", "ppid"), []string{"1", "0x10", "1234"}, []string{"-5", "abc", "4294967296"}
	case 4:
		return "pers", []string{"0", "0x0008"}, []string{"-1", "abc"}
	case 5:
		return g.pick("exit", "EXIT", "Exit"), []string{"-EACCES", "-13", "0", "-EPERM", "-eacces"}, []string{"EACCES", "13", "-EWHATEVER", "abc", "99999999999999999999", "-99999999999999999999", "-13abc"}
	case 6:
		return "success", []string{"0", "1"}, []string{"2", "yes", "-1"}
	case 7:
		return "msgtype", []string{"USER_LOGIN", "1100"}, []string{"NO_SUCH_TYPE"}
	case 8:
		return "filetype", []string{"file", "dir", "link", "socket", "block", "character", "fifo", "FILE", "Dir"}, []string{"blob", "0"}
	case 9:
		return "fstype", []string{"debugfs"}, []string{"nofs"}
	case 10:
		return "sessionid", []string{"1", "unset", "4294967295"}, []string{"-1", "abc"}
	case 11:
		return g.pick("a0", "a1", "a2", "A3"), []string{"0", "0x7C020000", "1", "-1", "-0x10", "0100"}, []string{"0x100000000", "4294967296", "abc", "99999999999999999999", "-99999999999999999999", "9223372036854775808"}
	case 12:
		return g.pick("devmajor", "devminor", "inode"), []string{"8", "0", "1234"}, []string{"-1", "abc"}
	case 13:
		return g.pick("path", "dir"), []string{g.h.File, g.h.Dir, g.h.Missing}, []string{g.path()}
	case 14:
		return "exe", []string{g.h.Executable, g.h.Missing}, []string{"/usr/bin/", "relative", g.h.Dir, g.h.MissingParent}
	case 15:
		return "perm", []string{"r", "wa", "rwxa", "x", "A"}, []string{"rwxax", "z"}
	case 16:
		return "key", []string{"gen", "gen-key"}, []string{strings.Repeat("k", 257)}
	case 17:
		return "arch", []string{"b64", "b32", "x86_64", "X86_64", "I686", "c000003e", "B32"}, []string{"aarch64", "ppc", "0x40000003", "foo", "40000003", "99999999999999999999", "1c000003e"}
	case 18:
		return g.pick("subj_user", "subj_role", "subj_type", "subj_sen", "subj_clr", "obj_user", "obj_role", "obj_type", "obj_lev_low", "obj_lev_high"),
			[]string{"unconfined_u", "chronyd_t", "s0", "system_r"}, []string{"x"}
	case 19:
		return "saddr_fam", []string{"2", "10"}, []string{"100", "x"}
	case 20:
		return g.pick("field_compare", "uringop", "colour", "Uid", "loginuid_set"), []string{"1"}, []string{"0", "x"}
	}
	return fmt.Sprintf("a%d", g.r.IntN(4)), []string{"1"}, []string{"x"}
}
