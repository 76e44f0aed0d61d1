package lint

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/auditpack/auditpack/compile"
	"github.com/auditpack/auditpack/internal/corpus"
	"github.com/auditpack/auditpack/internal/host"
	"github.com/auditpack/auditpack/internal/kerneltest"
	"github.com/auditpack/auditpack/internal/rulegen"
	"github.com/auditpack/auditpack/packs/model"
	"github.com/auditpack/auditpack/profiles"
)

// respellSources are the rule lines of every embedded profile's compiled
// set and of every corpus file: what users load.
func respellSources(t *testing.T) []string {
	t.Helper()
	var lines []string
	names, err := profiles.List()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range names {
		sel, err := profiles.Select(profiles.Request{Profile: p.Name})
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, strings.Split(string(compile.Build(sel).Render("test")), "\n")...)
	}
	files, _ := filepath.Glob(filepath.Join(corpus.Dir(t, ""), "*", "*.rules"))
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, strings.Split(string(data), "\n")...)
	}
	var rules []string
	for _, l := range lines {
		if (strings.HasPrefix(l, "-a ") || strings.HasPrefix(l, "-w ")) && kerneltest.Forbidden(l) == "" {
			rules = append(rules, l)
		}
	}
	return rules
}

// x86Syscall is the number of a syscall on x86_64's b64 or b32 table.
func x86Syscall(abi, name string) (int, bool) {
	a := model.B64
	if abi == "b32" {
		a = model.B32
	}
	return model.Targets["x86_64"].Syscall(a, name)
}

// TestRespellingsAreOneRule respells every rule of every embedded profile
// and of the corpus twice (names in other cases, -C operands swapped,
// arches by name or number, permission letters reordered, -k as -F key=
// or -F KEY=, syscalls split or by number, numbers in hex or octal, unset
// as -1, list and action swapped) and loads each rule followed by its
// respellings into the kernel with auditctl: the kernel refuses every
// respelling of a rule it loaded as the same rule ("Rule exists"), and
// auditpack says so of exactly the lines the kernel refuses, as
// duplicates of that rule.
func TestRespellingsAreOneRuleToTheKernel(t *testing.T) {
	k := acquireRealHost(t)
	sources := respellSources(t)
	respell := rulegen.NewRespeller(20261206, x86Syscall)
	lines := []string{"-D"}
	var original []int // per line: the index of the line it respells, or -1
	original = append(original, -1)
	respellings := 0
	for _, l := range sources {
		at := len(lines)
		lines = append(lines, l)
		original = append(original, -1)
		for range 2 {
			if r := respell.Respell(l); r != l {
				lines = append(lines, r)
				original = append(original, at)
				respellings++
			}
		}
	}
	theirs, err := k.RefusedLines(lines)
	if err != nil {
		t.Fatal(err)
	}
	ours := predictRefusals(t, lines)
	sim := simulateLines(t, lines)
	var v verdicts
	v.compare("respellings", lines, theirs, ours)
	notOne, ofLoaded := 0, 0
	for i, o := range original {
		if o < 0 || theirs[o+1] {
			continue // an original, or the respelling of a line the kernel refused
		}
		ofLoaded++
		if !theirs[i+1] {
			notOne++
			t.Errorf("the kernel took a respelling as another rule:\n  %s\n  %s", lines[o], lines[i])
			continue
		}
		if d := sim[i+1]; d != "ORD-EXACT-DUPLICATE" {
			t.Errorf("auditpack says %q of a respelling, not that the kernel holds it already:\n  %s\n  %s", d, lines[o], lines[i])
		}
	}
	v.check(t, fmt.Sprintf("%d rules and %d respellings", len(sources), respellings))
	t.Logf("%d respellings of rules the kernel loaded: %d one rule with them to the kernel and to auditpack, %d not", ofLoaded, ofLoaded-notOne, notOne)
}

// simulateLines is the check under which auditpack's load refuses each
// line of a file read as auditctl -R reads it, by line number.
func simulateLines(t *testing.T, lines []string) map[int]string {
	t.Helper()
	out := map[int]string{}
	for _, r := range compiledAsLoaded(t, lines).Simulate(host.Local{}).Refused {
		out[r.Item.Origin.Line] = r.Check.String()
	}
	return out
}
