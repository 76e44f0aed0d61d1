package packs

import (
	"bytes"
	"cmp"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Facts are the host facts a pack's rules may name as ${NAME}: where the
// standards say "unprivileged users" they mean the host's UID_MIN, which
// is 1000 on RHEL and Debian but not everywhere. auditctl knows no
// variables, so they are resolved when a pack is read; a plain rules file
// is read as written.
type Facts map[string]string

// factUIDMin is the first UID of a user account (login.defs UID_MIN).
const factUIDMin = "UID_MIN"

// factSetuidPrograms is a list-valued fact: the host's setuid and setgid
// programs (find / -xdev -perm /6000), absolute paths separated by
// spaces. A line naming it stands for one line per program (none for an
// empty list): the standards ask for a rule per privileged program. A
// pack gives the list's default for its product in pack.toml's [facts];
// compile --host and apply find the host's.
const factSetuidPrograms = "SETUID_PROGRAMS"

// listFacts are the facts whose value is a list.
var listFacts = []string{factSetuidPrograms}

// isListFact says whether a fact's value is a list of words.
func isListFact(name string) bool { return slices.Contains(listFacts, name) }

// DefaultFacts are the facts of a RHEL or Debian host with its defaults.
func DefaultFacts() Facts { return Facts{factUIDMin: "1000"} }

// Merge returns f with the facts of over replacing its own.
func (f Facts) Merge(over Facts) Facts {
	out := Facts{}
	for k, v := range f {
		out[k] = v
	}
	for k, v := range over {
		out[k] = v
	}
	return out
}

// String lists the facts as NAME=value, sorted; a list fact as its
// number of values, which Selection.ListOrigins names.
func (f Facts) String() string {
	var parts []string
	for k, v := range f {
		if isListFact(k) {
			v = fmt.Sprintf("[%d]", len(strings.Fields(v)))
		}
		parts = append(parts, k+"="+v)
	}
	sort.Strings(parts)
	return strings.Join(parts, " ")
}

// CheckFacts refuses facts auditpack does not know or values that are not
// what the fact is (UID_MIN is a number).
func CheckFacts(f Facts, source string) error {
	for k, v := range f {
		switch {
		case isListFact(k):
			for _, p := range strings.Fields(v) {
				if !strings.HasPrefix(p, "/") {
					return fmt.Errorf("%s: %s: %q is not an absolute path", source, k, p)
				}
			}
		case k != factUIDMin:
			return fmt.Errorf("%s: unknown fact %q; the facts a pack may use are %s, %s", source, k, factUIDMin, factSetuidPrograms)
		default:
			if _, err := strconv.ParseUint(v, 10, 32); err != nil {
				return fmt.Errorf("%s: %s = %q is not a user ID", source, k, v)
			}
		}
	}
	return nil
}

var factRef = regexp.MustCompile(`\$\{([^}]*)\}`)

// copies are the further lines a line naming a list fact stands for: the
// file keeps the line (with the list's first value) so that the lines
// after it keep their numbers, and gets Texts as items of the same line.
type copies struct {
	Line  int
	Texts []string
}

// expand replaces ${NAME} in a pack file's lines with the facts' values; a
// name it does not know is an error at its file:line. A line naming a list
// fact becomes the line with its first value (a blank line for an empty
// list) and copies for the others.
func (f Facts) expand(data []byte, path string) ([]byte, []copies, error) {
	if !bytes.Contains(data, []byte("${")) {
		return data, nil, nil
	}
	var more []copies
	if bytes.Contains(data, []byte("${"+factSetuidPrograms+"}")) {
		lines := bytes.Split(data, []byte("\n"))
		for i, l := range lines {
			if !bytes.Contains(l, []byte("${"+factSetuidPrograms+"}")) {
				continue
			}
			texts := f.expandList(string(l))
			switch len(texts) {
			case 0:
				lines[i] = nil
			default:
				lines[i] = []byte(texts[0])
				if len(texts) > 1 {
					more = append(more, copies{Line: i + 1, Texts: texts[1:]})
				}
			}
		}
		data = bytes.Join(lines, []byte("\n"))
	}
	out, err := f.expandScalars(data, path)
	for _, c := range more {
		for i, t := range c.Texts {
			expanded, terr := f.expandScalars([]byte(t), fmt.Sprintf("%s:%d", path, c.Line))
			err = cmp.Or(err, terr)
			c.Texts[i] = string(expanded)
		}
	}
	return out, more, err
}

// expandList writes a line once per value of the list facts it names
// (none for an empty list); a line naming none is itself.
func (f Facts) expandList(line string) []string {
	for _, name := range listFacts {
		ref := "${" + name + "}"
		if !strings.Contains(line, ref) {
			continue
		}
		var out []string
		for _, v := range strings.Fields(f[name]) {
			out = append(out, f.expandList(strings.ReplaceAll(line, ref, v))...)
		}
		return out
	}
	return []string{line}
}

func (f Facts) expandScalars(data []byte, path string) ([]byte, error) {
	var err error
	line := 1
	out := factRef.ReplaceAllFunc(data, func(ref []byte) []byte {
		name := string(ref[2 : len(ref)-1])
		value, ok := f[name]
		if !ok && err == nil {
			at := bytes.Index(data, ref)
			line += bytes.Count(data[:at], []byte("\n"))
			err = fmt.Errorf("%s:%d: ${%s} is not a host fact auditpack knows; use ${%s}", path, line, name, factUIDMin)
		}
		return []byte(value)
	})
	return out, err
}

// UsesFacts says whether a pack file names a fact.
func UsesFacts(data []byte) bool { return factRef.Match(data) }

// ListFactsHeader says, for a compiled header, where each list fact of
// the selected packs comes from: the host, or the pack's default list for
// its product (offline).
func ListFactsHeader(sel *Selection) []string {
	var h []string
	for _, p := range sel.Packs {
		for _, name := range slices.Sorted(maps.Keys(p.Facts)) {
			if origin, ok := sel.ListOrigins[name]; ok {
				h = append(h, fmt.Sprintf("## facts: %s: %s", name, origin))
				continue
			}
			if _, ok := sel.Facts[name]; ok {
				h = append(h, fmt.Sprintf("## facts: %s: %d values (%s)", name, len(strings.Fields(sel.Facts[name])), sel.FactsOrigin))
				continue
			}
			h = append(h, fmt.Sprintf("## facts: %s: %s's default list for its product (%d programs), not this host's; compile --host finds the host's", name, p.ID(), len(strings.Fields(p.Facts[name]))))
		}
	}
	return h
}
