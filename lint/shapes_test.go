package lint

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/auditpack/auditpack/compile"
	"github.com/auditpack/auditpack/internal/rulegen"
	"github.com/auditpack/auditpack/packs/model"
	"github.com/auditpack/auditpack/profiles"
)

// TestShapesMatchPairs lints many small sets of every adversarial shape
// (rulegen.Shapes, which the benchmarks lint at 100,000 rules) and holds
// what the indexes find to plain readings of the checks' definitions,
// each comparing every rule with every line before it: the order
// analysis (the first earlier rule that covers a rule), the exact
// duplicates (rules loaded and deleted as auditctl runs the lines),
// ARCH-COVERAGE-GAP (the syscalls no twin of the other ABI sees) and
// CTRL-DELETE-ALL-MISPLACED (the rules a -D -k deletes). A speed-up that
// changes a verdict fails here.
func TestShapesMatchPairs(t *testing.T) {
	for _, shape := range rulegen.Shapes {
		checked := 0
		for seed := range uint64(40) {
			n := 8 + 4*int(seed)
			file := filepath.Join(t.TempDir(), "30-"+shape.Name+".rules")
			if err := os.WriteFile(file, []byte(shape.Text(n, seed)), 0o600); err != nil {
				t.Fatal(err)
			}
			sel, err := profiles.Select(profiles.Request{Paths: []string{file}})
			if err != nil {
				t.Fatal(err)
			}
			c := compile.Build(sel)
			rs := newRuleSet(c, Options{})
			rs.analyse([]*Check{{Requires: fromOrder}})
			where := fmt.Sprintf("%s, %d rules, seed %d", shape.Name, n, seed)
			duplicates := duplicatesByPairs(rs)
			if got, want := shadowLines(rs.duplicates()), shadowLines(duplicates); !slices.Equal(got, want) {
				t.Errorf("%s: exact duplicates %v, by pairs %v", where, got, want)
			}
			if got, want := shadowLines(rs.shadows()), shadowLines(shadowsByPairs(rs, duplicates)); !slices.Equal(got, want) {
				t.Errorf("%s: shadows %v, by pairs %v", where, got, want)
			}
			res, err := Run(c, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if got, want := findingsOf(res, "ARCH-COVERAGE-GAP", gapPattern), gapsByPairs(rs); !slices.Equal(got, want) {
				t.Errorf("%s: ARCH-COVERAGE-GAP %v, by pairs %v", where, got, want)
			}
			if got, want := findingsOf(res, "CTRL-DELETE-ALL-MISPLACED", deletedPattern), deletedByPairs(rs); !slices.Equal(got, want) {
				t.Errorf("%s: CTRL-DELETE-ALL-MISPLACED %v, by pairs %v", where, got, want)
			}
			checked += len(rs.Rules)
		}
		if checked == 0 {
			t.Errorf("%s: no rule checked", shape.Name)
		}
	}
}

// shadowLines are the shadows as "line<-line check".
func shadowLines(found []shadow) []string {
	out := []string{}
	for _, s := range found {
		out = append(out, fmt.Sprintf("%d<-%d %s", s.a.Item.Origin.Line, s.b.Item.Origin.Line, s.check))
	}
	return out
}

// refusedOtherwise are the rules the load refuses for another reason
// than a duplicate (none in most sets of the shapes): the readings below
// take them as given, as the checks do, and never load them.
func refusedOtherwise(rs *RuleSet) map[*model.Rule]bool {
	out := map[*model.Rule]bool{}
	for _, ref := range rs.loading().Refused {
		if r := rs.RuleAt(ref.Index); r != nil && ref.Check != model.CheckExactDuplicate {
			out[r] = true
		}
	}
	return out
}

// duplicatesByPairs runs the lines as auditctl does with a list of the
// rules loaded: a -D takes out those with its key (all without one), a
// rule one of them has already is a duplicate, unless added with -A.
func duplicatesByPairs(rs *RuleSet) []shadow {
	var out []shadow
	var loaded []int
	other := refusedOtherwise(rs)
	for i, it := range rs.Ordered.Items {
		if d := it.Directive; d.Option == model.OptDeleteAll {
			loaded = slices.DeleteFunc(loaded, func(j int) bool { return d.Key == "" || keyContains(rs.RuleAt(j), d.Key) })
			continue
		}
		r := rs.RuleAt(i)
		if r == nil || other[r] {
			continue
		}
		duplicate := false
		for _, j := range slices.Backward(loaded) {
			if !r.Prepend && rs.RuleAt(j).Identity() == r.Identity() {
				out = append(out, shadow{rs.RuleAt(j), r, "ORD-EXACT-DUPLICATE"})
				duplicate = true
				break
			}
		}
		if !duplicate {
			loaded = append(loaded, i)
		}
	}
	return out
}

// shadowsByPairs is the order analysis by its definition: for each rule
// that loads, the first earlier rule in evaluation order that loads and
// covers it.
func shadowsByPairs(rs *RuleSet, duplicates []shadow) []shadow {
	refused := refusedOtherwise(rs)
	for _, d := range duplicates {
		refused[d.b] = true
	}
	eval := slices.DeleteFunc(slices.Clone(rs.Eval), func(r *model.Rule) bool { return refused[r] })
	var out []shadow
	for j, b := range eval {
		if b.MatchesNothing() {
			continue
		}
		for _, a := range eval[:j] {
			if model.Covers(a, b) {
				out = append(out, shadow{a, b, classify(a, b)})
				break
			}
		}
	}
	return out
}

var (
	gapPattern     = regexp.MustCompile(`covers (\S+): `)
	deletedPattern = regexp.MustCompile(`deletes the (\d+ rules?) loaded before it whose key contains "[^"]*" \(first ([^)]*)\)|deletes (every) loaded rule|deletes the (\d+ rules?) loaded before it:`)
)

// findingsOf are a check's findings as "line: what pattern's groups say".
func findingsOf(res *Result, check string, pattern *regexp.Regexp) []string {
	out := []string{}
	for _, d := range res.Diagnostics {
		if d.Check != check {
			continue
		}
		m := pattern.FindStringSubmatch(d.Message)
		if m == nil {
			out = append(out, fmt.Sprintf("%d: unexpected message %q", d.Origin.Line, d.Message))
			continue
		}
		out = append(out, fmt.Sprintf("%d: %s", d.Origin.Line, strings.Join(slices.DeleteFunc(m[1:], func(s string) bool { return s == "" }), " ")))
	}
	return out
}

// gapsByPairs is ARCH-COVERAGE-GAP by its definition: for each rule of
// one ABI naming syscalls, those of its syscalls (named on both ABIs)
// that no rule of the other ABI with the same fields but arch sees.
func gapsByPairs(rs *RuleSet) []string {
	out := []string{}
	t := rs.Targets[0]
	for _, r := range rs.Rules {
		abi, ok := r.SingleABI()
		if !ok || !namedSyscalls(r) {
			continue
		}
		other := 1 - abi
		var missing []string
		for _, s := range r.Syscalls() {
			if !t.HasSyscall(abi, s) || !t.HasSyscall(other, s) {
				continue
			}
			n, _ := t.Syscall(other, s)
			if !slices.ContainsFunc(rs.Rules, func(c *model.Rule) bool {
				cabi, ok := c.SingleABI()
				return ok && cabi == other && sameButArch(r, c) && c.MaskFor(other).Has(n)
			}) {
				missing = append(missing, s)
			}
		}
		if len(missing) > 0 {
			out = append(out, fmt.Sprintf("%d: %s", r.Item.Origin.Line, strings.Join(missing, ",")))
		}
	}
	return out
}

// deletedByPairs is what CTRL-DELETE-ALL-MISPLACED counts by its
// definition: for each -D after the first line, the rules before it (with
// a key that contains its key, for -D -k) and the first of them.
func deletedByPairs(rs *RuleSet) []string {
	out := []string{}
	for i, it := range rs.Ordered.Items {
		d := it.Directive
		if d.Option != model.OptDeleteAll || (i == 0 && d.Key == "") {
			continue
		}
		var deleted []*model.Line
		for j, prev := range rs.Ordered.Items[:i] {
			if r := rs.RuleAt(j); r != nil && (d.Key == "" || keyContains(r, d.Key)) {
				deleted = append(deleted, prev)
			}
		}
		switch {
		case d.Key == "":
			out = append(out, fmt.Sprintf("%d: %s", it.Origin.Line, countRules(len(deleted))))
		case len(deleted) == 0:
			out = append(out, fmt.Sprintf("%d: every", it.Origin.Line))
		default:
			out = append(out, fmt.Sprintf("%d: %s %s", it.Origin.Line, countRules(len(deleted)), deleted[0].Origin.Describe()))
		}
	}
	return out
}

func countRules(n int) string {
	if n == 1 {
		return "1 rule"
	}
	return fmt.Sprintf("%d rules", n)
}

// keyContains says whether one of the rule's keys holds k, as -D -k
// matches the rules it deletes (a substring test): the plain reading the
// key index is held to.
func keyContains(r *model.Rule, k string) bool {
	return slices.ContainsFunc(r.Keys, func(key string) bool { return strings.Contains(key, k) })
}
