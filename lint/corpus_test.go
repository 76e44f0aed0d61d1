package lint

import (
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"github.com/auditpack/auditpack/compile"
	"github.com/auditpack/auditpack/internal/corpus"
	"github.com/auditpack/auditpack/profiles"
)

func lintFiles(t *testing.T, names ...string) *Result {
	t.Helper()
	var paths []string
	for _, n := range names {
		paths = append(paths, filepath.Join(corpus.Dir(t, "audit-userspace-rules"), n))
	}
	sel, err := profiles.Select(profiles.Request{Paths: paths})
	if err != nil {
		t.Fatal(err)
	}
	res, err := Run(compile.Build(sel), Options{})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// found lists "file:line" of the findings of one check.
func found(res *Result, check string) []string {
	var out []string
	for _, d := range res.Diagnostics {
		if d.Check == check {
			out = append(out, filepath.Base(d.Origin.File)+":"+strconv.Itoa(d.Origin.Line))
		}
	}
	return out
}

// Every published file reads without a parse error: the strict parser
// accepts what auditctl accepts.
func TestCorpusParses(t *testing.T) {
	for _, dir := range []string{corpus.Dir(t, "audit-userspace-rules"), corpus.Dir(t, "debian-auditd-3.0.9")} {
		sel, err := profiles.Select(profiles.Request{Paths: []string{dir}})
		if err != nil {
			t.Fatal(err)
		}
		res, err := Run(compile.Build(sel), Options{})
		if err != nil {
			t.Fatal(err)
		}
		for _, pe := range compile.Build(sel).Problems {
			t.Errorf("%s: %s [%s]", pe.Origin, pe.Message, pe.Check)
		}
		if res.InputErrors {
			t.Errorf("%s: lint reports input errors", dir)
		}
	}
}

// What the catalogue says about the upstream files, checked.
func TestCorpusFindings(t *testing.T) {
	cases := []struct {
		files []string
		check string
		want  []string
	}{
		// The 64-bit ptrace rule hides the injection keys on 64-bit.
		{[]string{"42-injection.rules"}, "ORD-KEY-SHADOW", []string{"42-injection.rules:8", "42-injection.rules:10", "42-injection.rules:12"}},
		// 21-no32bit's catch-all takes every later b32 rule's events.
		{[]string{"21-no32bit.rules", "43-module-load.rules"}, "ORD-KEY-SHADOW", []string{"43-module-load.rules:3", "43-module-load.rules:5"}},
		// 10-no-audit's never,task silences every syscall rule after it.
		{[]string{"10-no-audit.rules", "43-module-load.rules"}, "LST-TASK-NEVER-GLOBAL", []string{"10-no-audit.rules:12"}},
		{[]string{"10-base-config.rules", "12-ignore-error.rules"}, "CTRL-ERROR-MASKING", []string{"12-ignore-error.rules:7"}},
		// Two example packs ship the same rules.
		{[]string{"30-ospp-v42.rules", "30-stig.rules"}, "ORD-EXACT-DUPLICATE", []string{"30-stig.rules:154", "30-stig.rules:155", "30-stig.rules:157", "30-stig.rules:158"}},
	}
	for _, c := range cases {
		got := found(lintFiles(t, c.files...), c.check)
		if !slices.Equal(got, c.want) {
			t.Errorf("%v %s: got %v, want %v", c.files, c.check, got, c.want)
		}
	}
}
