package rulegen

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
)

// Respeller writes a rule line again in another spelling that auditctl
// turns into the same kernel rule: names in other cases, the operands of
// -C the other way round, arches by machine name or number, permission
// letters in another order, -k as -F key= (and -F KEY= as the last
// field), syscalls split over several -S or merged, numbers in hex or
// octal, unset as -1 or 4294967295, errno names in lower case, the list
// and action the other way round, more spaces between words. It never
// reorders fields, which the kernel compares in order. Syscall gives the
// native table's number of a syscall name, for -S by number.
type Respeller struct {
	r       *rand.Rand
	Syscall func(abi, name string) (int, bool)
}

// NewRespeller gives the same respellings for the same seed.
func NewRespeller(seed uint64, syscall func(abi, name string) (int, bool)) *Respeller {
	return &Respeller{r: rand.New(rand.NewPCG(seed, seed^0x5851f42d4c957f2d)), Syscall: syscall}
}

func (s *Respeller) chance(percent int) bool { return s.r.IntN(100) < percent }

// archSpellings are the ways to write each ABI of an x86_64 machine.
var archSpellings = map[string][]string{
	"b64": {"b64", "B64", "x86_64", "X86_64", "c000003e", "C000003E", "0xc000003e", "3221225534"},
	"b32": {"b32", "B32", "i386", "i686", "I686", "0x40000003", "1073741827"},
}

// Respell returns line in another spelling, or line itself when it is no
// rule it knows how to respell (a control line, a line with escapes).
func (s *Respeller) Respell(line string) string {
	words := strings.Fields(line)
	if len(words) < 2 || strings.Contains(line, `\`) || (words[0] != "-a" && words[0] != "-w") {
		return line
	}
	abi := "b64"
	var out []string
	var keys []string
	for i := 0; i < len(words); i++ {
		w := words[i]
		if i+1 == len(words) {
			out = append(out, w)
			break
		}
		arg := words[i+1]
		i++
		switch w {
		case "-a":
			if l, a, ok := strings.Cut(arg, ","); ok && s.chance(30) {
				arg = a + "," + l
			}
		case "-p":
			arg = s.letters(arg)
		case "-k":
			keys = append(keys, arg)
			continue
		case "-S":
			out = append(out, s.syscalls(abi, arg)...)
			continue
		case "-C":
			arg = s.compare(arg)
		case "-F":
			name, op, value, ok := cutField(arg)
			if !ok {
				break
			}
			if strings.EqualFold(name, "key") && op == "=" {
				keys = append(keys, value)
				continue
			}
			if strings.EqualFold(name, "arch") {
				abi = strings.ToLower(value)
			}
			arg = s.caseOf(name) + op + s.value(name, value)
		}
		out = append(out, w, arg)
	}
	out = append(out, s.keys(keys)...)
	sep := " "
	if s.chance(10) {
		sep = "  "
	}
	return strings.Join(out, sep)
}

// cutField splits a -F pair at the first operator of auditctl's search.
func cutField(pair string) (name, op, value string, ok bool) {
	for _, o := range []string{"!=", ">=", "<=", "&=", "=", ">", "<", "&"} {
		if i := strings.Index(pair, o); i > 0 {
			return pair[:i], o, pair[i+len(o):], true
		}
	}
	return "", "", "", false
}

// caseOf writes a field name in a case auditctl looks up the same.
func (s *Respeller) caseOf(name string) string {
	switch {
	case s.chance(20):
		return strings.ToUpper(name)
	case s.chance(10):
		return strings.ToUpper(name[:1]) + name[1:]
	}
	return name
}

func (s *Respeller) letters(perm string) string {
	b := []byte(perm)
	s.r.Shuffle(len(b), func(i, j int) { b[i], b[j] = b[j], b[i] })
	if s.chance(30) {
		return strings.ToUpper(string(b))
	}
	return string(b)
}

// compare swaps the operands of a -C comparison, which the kernel keeps
// as one code.
func (s *Respeller) compare(pair string) string {
	op := "="
	if strings.Contains(pair, "!=") {
		op = "!="
	}
	a, b, ok := strings.Cut(pair, op)
	if !ok || !s.chance(60) {
		return pair
	}
	return s.caseOf(b) + op + a
}

// value writes a field's value as another spelling of the same number or
// name.
func (s *Respeller) value(name, v string) string {
	lower := strings.ToLower(name)
	switch {
	case lower == "arch":
		if spellings, ok := archSpellings[strings.ToLower(v)]; ok {
			return spellings[s.r.IntN(len(spellings))]
		}
	case (lower == "auid" || lower == "loginuid") && (v == "unset" || v == "-1" || v == "4294967295"):
		return []string{"unset", "-1", "4294967295", "99999999999999999999"}[s.r.IntN(4)]
	case lower == "exit" && strings.HasPrefix(v, "-E"):
		return strings.ToLower(v)
	case lower == "filetype", lower == "msgtype":
		return strings.ToUpper(v)
	}
	if n, err := strconv.ParseUint(v, 0, 32); err == nil && lower != "perm" && s.chance(40) {
		if s.chance(50) || n == 0 {
			return fmt.Sprintf("0x%x", n)
		}
		// Octal, for fields where the finding it brings is no verdict on
		// the rule: bit masks, devices.
		if strings.HasPrefix(lower, "a") && len(lower) == 2 || lower == "devmajor" || lower == "devminor" {
			return fmt.Sprintf("0%o", n)
		}
		return fmt.Sprintf("0X%X", n)
	}
	if lower == "perm" {
		return s.letters(v)
	}
	return v
}

// syscalls splits or keeps a -S list, with names in other cases and, on
// the native table, numbers.
func (s *Respeller) syscalls(abi, list string) []string {
	names := strings.Split(list, ",")
	for i, n := range names {
		switch {
		case n == "all" || n == "":
		case s.chance(10):
			names[i] = strings.ToUpper(n[:1]) + n[1:]
		case s.chance(10) && s.Syscall != nil:
			if num, ok := s.Syscall(abi, n); ok {
				names[i] = strconv.Itoa(num)
			}
		}
	}
	if len(names) < 2 || !s.chance(50) {
		return []string{"-S", strings.Join(names, ",")}
	}
	cut := 1 + s.r.IntN(len(names)-1)
	return []string{"-S", strings.Join(names[:cut], ","), "-S", strings.Join(names[cut:], ",")}
}

// keys writes the keys as -k, -F key= (joined the same by auditctl), or
// one key as -F KEY= at the end, where a field in another case stands
// where the joined key would.
func (s *Respeller) keys(keys []string) []string {
	var out []string
	for _, k := range keys {
		switch {
		case len(keys) == 1 && s.chance(20):
			out = append(out, "-F", "KEY="+k)
		case s.chance(50):
			out = append(out, "-F", "key="+k)
		default:
			out = append(out, "-k", k)
		}
	}
	return out
}
