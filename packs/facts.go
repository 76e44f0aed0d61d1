package packs

import (
	"bytes"
	"fmt"
	"regexp"
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

// FactUIDMin is the first UID of a user account (login.defs UID_MIN).
const FactUIDMin = "UID_MIN"

// DefaultFacts are the facts of a RHEL or Debian host with its defaults.
func DefaultFacts() Facts { return Facts{FactUIDMin: "1000"} }

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

// String lists the facts as NAME=value, sorted.
func (f Facts) String() string {
	var parts []string
	for k, v := range f {
		parts = append(parts, k+"="+v)
	}
	sort.Strings(parts)
	return strings.Join(parts, " ")
}

// CheckFacts refuses facts auditpack does not know or values that are not
// what the fact is (UID_MIN is a number).
func CheckFacts(f Facts, source string) error {
	for k, v := range f {
		if k != FactUIDMin {
			return fmt.Errorf("%s: unknown fact %q; the facts a pack may use are %s", source, k, FactUIDMin)
		}
		if _, err := strconv.ParseUint(v, 10, 32); err != nil {
			return fmt.Errorf("%s: %s = %q is not a user ID", source, k, v)
		}
	}
	return nil
}

var factRef = regexp.MustCompile(`\$\{([^}]*)\}`)

// expand replaces ${NAME} in a pack file's lines with the facts' values; a
// name it does not know is an error at its file:line.
func (f Facts) expand(data []byte, path string) ([]byte, error) {
	if !bytes.Contains(data, []byte("${")) {
		return data, nil
	}
	var err error
	line := 1
	out := factRef.ReplaceAllFunc(data, func(ref []byte) []byte {
		name := string(ref[2 : len(ref)-1])
		value, ok := f[name]
		if !ok && err == nil {
			at := bytes.Index(data, ref)
			line += bytes.Count(data[:at], []byte("\n"))
			err = fmt.Errorf("%s:%d: ${%s} is not a host fact auditpack knows; use ${%s}", path, line, name, FactUIDMin)
		}
		return []byte(value)
	})
	return out, err
}

// UsesFacts says whether a pack file names a fact.
func UsesFacts(data []byte) bool { return factRef.Match(data) }
