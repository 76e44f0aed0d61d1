package packs

import (
	"fmt"
	"strconv"
	"strings"
)

// Version is a semantic version (major.minor.patch[-pre]) of a pack.
type Version struct {
	Major, Minor, Patch int
	Pre                 string
}

// parseVersion reads "1.2.3" or "1.2.3-rc.1".
func parseVersion(s string) (Version, error) {
	var v Version
	core, pre, _ := strings.Cut(s, "-")
	v.Pre = pre
	parts := strings.Split(core, ".")
	if len(parts) != 3 {
		return v, fmt.Errorf("version %q is not semver MAJOR.MINOR.PATCH, e.g. 1.0.0", s)
	}
	for i, dst := range []*int{&v.Major, &v.Minor, &v.Patch} {
		n, err := strconv.Atoi(parts[i])
		if err != nil || n < 0 || (len(parts[i]) > 1 && parts[i][0] == '0') {
			return v, fmt.Errorf("version %q is not semver MAJOR.MINOR.PATCH, e.g. 1.0.0", s)
		}
		*dst = n
	}
	return v, nil
}

func (v Version) String() string {
	s := fmt.Sprintf("%d.%d.%d", v.Major, v.Minor, v.Patch)
	if v.Pre != "" {
		s += "-" + v.Pre
	}
	return s
}

// Compare orders versions; a pre-release sorts before its release.
func (v Version) Compare(o Version) int {
	for _, d := range [3]int{v.Major - o.Major, v.Minor - o.Minor, v.Patch - o.Patch} {
		if d != 0 {
			return d
		}
	}
	switch {
	case v.Pre == o.Pre:
		return 0
	case v.Pre == "":
		return 1
	case o.Pre == "":
		return -1
	}
	return strings.Compare(v.Pre, o.Pre)
}

// Constraint selects pack versions: "" or "*" (any), "1.2.3" (exactly),
// "^1.2" (same major, at least 1.2.0), "~1.2" (same minor), or comparisons
// ">=1.0.0", "<2.0.0", joined with commas.
type Constraint struct {
	text  string
	terms []term
}

type term struct {
	op string // "=", ">=", ">", "<=", "<"
	v  Version
}

// parseConstraint parses a version constraint.
func parseConstraint(s string) (Constraint, error) {
	c := Constraint{text: strings.TrimSpace(s)}
	if c.text == "" || c.text == "*" {
		return c, nil
	}
	for _, part := range strings.Split(c.text, ",") {
		terms, err := parseTerm(strings.TrimSpace(part))
		if err != nil {
			return c, fmt.Errorf("version constraint %q: %w", s, err)
		}
		c.terms = append(c.terms, terms...)
	}
	return c, nil
}

func parseTerm(s string) ([]term, error) {
	for _, op := range []string{">=", "<=", ">", "<", "=", "^", "~"} {
		rest, ok := strings.CutPrefix(s, op)
		if !ok {
			continue
		}
		v, given, err := partialVersion(strings.TrimSpace(rest))
		if err != nil {
			return nil, err
		}
		switch op {
		case "^":
			upper := Version{Major: v.Major + 1}
			if v.Major == 0 && given > 1 {
				upper = Version{Minor: v.Minor + 1}
			}
			return []term{{">=", v}, {"<", upper}}, nil
		case "~":
			if given == 1 {
				return []term{{">=", v}, {"<", Version{Major: v.Major + 1}}}, nil
			}
			return []term{{">=", v}, {"<", Version{Major: v.Major, Minor: v.Minor + 1}}}, nil
		}
		return []term{{op, v}}, nil
	}
	v, given, err := partialVersion(s)
	if err != nil {
		return nil, err
	}
	if given == 3 {
		return []term{{"=", v}}, nil
	}
	// "1" or "1.2" alone means any version with that prefix.
	return parseTerm("~" + s)
}

// partialVersion reads "1", "1.2" or "1.2.3[-pre]" and says how many
// numbers were given.
func partialVersion(s string) (Version, int, error) {
	if s == "" {
		return Version{}, 0, fmt.Errorf("a version is missing; write e.g. ^2, ~2.1, >=2.0.0 or 2.1.0")
	}
	n := strings.Count(strings.SplitN(s, "-", 2)[0], ".") + 1
	full := s
	for i := n; i < 3; i++ {
		full += ".0"
	}
	if n > 3 {
		n = 4 // let parseVersion report it
	}
	v, err := parseVersion(full)
	if err != nil && full != s {
		// The error names what was written, not the padded form.
		return v, n, fmt.Errorf("%q is not a version (MAJOR, MAJOR.MINOR or MAJOR.MINOR.PATCH, numbers only); write e.g. ^2, ~2.1 or 2.1.0", s)
	}
	return v, n, err
}

// Allows reports whether v satisfies the constraint. Pre-releases are only
// chosen when a term names a pre-release of the same version, as in npm.
func (c Constraint) Allows(v Version) bool {
	preAllowed := v.Pre == ""
	for _, t := range c.terms {
		d := v.Compare(t.v)
		ok := false
		switch t.op {
		case "=":
			ok = d == 0
		case ">=":
			ok = d >= 0
		case ">":
			ok = d > 0
		case "<=":
			ok = d <= 0
		case "<":
			ok = d < 0
		}
		if !ok {
			return false
		}
		if t.v.Pre != "" && t.v.Major == v.Major && t.v.Minor == v.Minor && t.v.Patch == v.Patch {
			preAllowed = true
		}
	}
	return preAllowed
}

func (c Constraint) String() string {
	if c.text == "" {
		return "*"
	}
	return c.text
}
