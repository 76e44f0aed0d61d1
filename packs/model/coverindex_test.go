package model

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// earliestByPairs is EarliestCover as its definition reads: the first
// earlier rule that Covers accepts, every pair compared.
func earliestByPairs(rules []*Rule, j int) int {
	for i := range j {
		if Covers(rules[i], rules[j]) {
			return i
		}
	}
	return -1
}

// checkEarliestCover fails unless the index answers as the comparison of
// all pairs does for every rule.
func checkEarliestCover(t *testing.T, rules []*Rule) {
	t.Helper()
	ix := NewIndex(rules)
	for j := range rules {
		if got, want := ix.EarliestCover(j), earliestByPairs(rules, j); got != want {
			var sb strings.Builder
			for i, r := range rules[:j+1] {
				sb.WriteString("\n" + strings.Repeat(" ", 4) + r.Item.Text)
				if i == want {
					sb.WriteString("   <- covers it first")
				}
			}
			t.Fatalf("rule %d: index says %d, the pairs %d:%s", j, got, want, sb.String())
		}
	}
}

// readRules normalizes the lines Read accepts, for x86_64.
func readRules(lines []string) []*Rule {
	var rules []*Rule
	for _, l := range lines {
		words := strings.Fields(l)
		if len(words) == 0 || strings.HasPrefix(words[0], "#") {
			continue // Read takes a line's words, and a line has some
		}
		st, refusal := Read(words)
		if refusal != nil || st.Rule == nil {
			continue
		}
		rules = append(rules, Normalize(&Line{Text: l, Rule: st.Rule}, x86))
	}
	return rules
}

// coverLine draws a rule line from small pools, so that in a set of a few
// dozen rules many cover, overlap or repeat others: every kind of
// condition Covers weighs (lists, actions, ABIs, syscalls, perm classes,
// ranges and single values, holes, bit tests, strings with = and !=,
// directories above paths, comparisons, contradictions, unknown syscalls).
func coverLine(r *rand.Rand) string {
	pick := func(s ...string) string { return s[r.IntN(len(s))] }
	var b strings.Builder
	switch r.IntN(12) {
	case 0:
		b.WriteString("-w " + pick("/d", "/d/e", "/d/e/f", "/x", "/d/e/") + " -p " + pick("wa", "w", "r", "rwxa", "x", "a"))
	case 1:
		b.WriteString("-a " + pick("never", "always") + ",exclude -F msgtype=" + pick("CWD", "PATH", "SYSCALL"))
	case 2:
		b.WriteString("-a " + pick("never", "always") + ",user -F uid=" + pick("0", "1000"))
	case 3:
		b.WriteString("-a never,task -F uid=" + pick("0", "5"))
	default:
		b.WriteString("-a " + pick("always", "always", "never") + "," + pick("exit", "exit", "exit", "io_uring"))
		switch r.IntN(4) {
		case 0:
		case 1:
			b.WriteString(" -F arch=b64")
		case 2:
			b.WriteString(" -F arch=b32")
		default:
			b.WriteString(" -F arch=b64 -F arch!=b32")
		}
		switch r.IntN(5) {
		case 0:
		case 1:
			b.WriteString(" -S all")
		default:
			syscalls := []string{"openat", "unlinkat", "execve", "mount"}
			b.WriteString(" -S " + syscalls[r.IntN(4)])
			for range r.IntN(3) {
				b.WriteString("," + syscalls[r.IntN(4)])
			}
			if r.IntN(20) == 0 {
				b.WriteString(",nosuchcall")
			}
		}
	}
	for range r.IntN(4) {
		b.WriteString(" " + pick(
			"-F auid>="+pick("500", "1000", "2000"), "-F auid<="+pick("999", "1000", "60000"), "-F auid="+pick("0", "1000"),
			"-F auid!=unset", "-F auid!="+pick("1000", "1500"), "-F uid=0", "-F uid>=1000", "-F uid=1 -F uid=2", "-F euid=0",
			"-F exit=-EACCES", "-F exit=-EPERM", "-F success=0", "-F a0&0x4", "-F a0&0x8",
			"-F exe=/usr/bin/"+pick("a", "b"), "-F exe!=/usr/bin/"+pick("a", "b"),
			"-F dir="+pick("/d", "/d/e", "/d/", "/"), "-F path="+pick("/d/e/f", "/x", "/d/e"),
			"-F subj_type="+pick("a_t", "b_t"), "-C uid!=euid", "-C auid=uid", "-F perm="+pick("wa", "r", "x")))
	}
	if r.IntN(2) == 0 {
		b.WriteString(" -k k" + pick("1", "2"))
	}
	return b.String()
}

// rangedLine draws rules alike but for their ranges on auid and uid
// (with holes): one family and group of many members, searched through
// its bounds tree.
func rangedLine(r *rand.Rand) string {
	var b strings.Builder
	b.WriteString("-a " + []string{"always", "never"}[r.IntN(2)] + ",exit -F arch=b64 -S openat")
	fmt.Fprintf(&b, " -F auid>=%d -F auid<=%d", r.IntN(50), 25+r.IntN(50))
	if r.IntN(3) == 0 {
		fmt.Fprintf(&b, " -F auid!=%d", r.IntN(75))
	}
	if r.IntN(2) == 0 {
		fmt.Fprintf(&b, " -F uid>%d", r.IntN(20))
	}
	return b.String()
}

// maskedLine draws rules alike but for their ABIs and syscalls: one
// family of many groups, found through their syscalls.
func maskedLine(r *rand.Rand) string {
	syscalls := []string{"openat", "unlinkat", "execve", "mount", "rmdir", "mkdir", "chmod", "chown"}
	var picked []string
	for _, s := range syscalls {
		if r.IntN(3) == 0 {
			picked = append(picked, s)
		}
	}
	if len(picked) == 0 {
		picked = []string{"all"}
	}
	arch := []string{"", " -F arch=b64", " -F arch=b32"}[r.IntN(3)]
	return "-a always,exit" + arch + " -S " + strings.Join(picked, ",") + " -F auid>=1000"
}

// TestEarliestCoverMatchesPairs holds the cover index to the comparison
// of all pairs on many small random sets, where covers are frequent: of
// every kind of rule, and of rules that make large groups (bounds trees)
// and families of many groups (filed by syscall).
func TestEarliestCoverMatchesPairs(t *testing.T) {
	for seed := range uint64(600) {
		r := rand.New(rand.NewPCG(seed, 7))
		line := []func(*rand.Rand) string{coverLine, rangedLine, maskedLine}[seed%3]
		lines := make([]string, 5+r.IntN(150))
		for i := range lines {
			lines[i] = line(r)
		}
		checkEarliestCover(t, readRules(lines))
	}
}

// FuzzEarliestCover holds the cover index to the comparison of all pairs
// on any rules file.
func FuzzEarliestCover(f *testing.F) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 8 {
		var lines []string
		for range 12 {
			lines = append(lines, coverLine(r))
		}
		f.Add(strings.Join(lines, "\n"))
	}
	f.Fuzz(func(t *testing.T, text string) {
		lines := strings.Split(text, "\n")
		if len(lines) > 200 {
			return
		}
		checkEarliestCover(t, readRules(lines))
	})
}
