package lint

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/auditpack/auditpack/compile"
	"github.com/auditpack/auditpack/internal/corpus"
	"github.com/auditpack/auditpack/internal/host"
	"github.com/auditpack/auditpack/internal/kerneltest"
	"github.com/auditpack/auditpack/internal/rulegen"
	"github.com/auditpack/auditpack/profiles"
)

// keptDivergences are the lines auditpack judges differently from auditctl
// on purpose or for a reason outside the line, each with that reason.
var keptDivergences = []struct {
	line   *regexp.Regexp
	reason string
}{
	{regexp.MustCompile(`^-S .* -a [a-z_]+,possible`), "-S before -a list,possible: auditctl checks the -S names before it reads the obsolete action and drops the line; auditpack reads the dropped line (SYN-IGNORED-LINE) without resolving its names. Nothing loads either way"},
	{regexp.MustCompile(`^-w / `), "a tree watch on / re-added right after -D: the kernel prunes the old tree asynchronously, so whether the new one is refused depends on timing, not on the line"},
}

// verdicts compares, line by line, what auditctl refused with what
// auditpack says it refuses.
type verdicts struct {
	lines, refused, agree, kept, oursOnly, theirsOnly int
	report                                            []string
}

func (v *verdicts) compare(where string, lines []string, theirs, ours map[int]bool) {
	for i, l := range lines {
		v.lines++
		real, predicted := theirs[i+1], ours[i+1]
		if real {
			v.refused++
		}
		switch {
		case real == predicted:
			v.agree++
			continue
		case keptDivergence(l) != "":
			v.kept++
			continue
		case predicted:
			v.oursOnly++
		default:
			v.theirsOnly++
		}
		v.report = append(v.report, fmt.Sprintf("auditctl refused=%v auditpack refused=%v: %q (%s line %d)\n    in %q", real, predicted, l, where, i+1, lines))
	}
}

func (v *verdicts) check(t *testing.T, what string) {
	sort.Strings(v.report)
	t.Logf("%s: %d lines, %d refused by auditctl: %d agree, %d kept divergences; auditpack refuses %d lines auditctl loads, loads %d lines auditctl refuses",
		what, v.lines, v.refused, v.agree, v.kept, v.oursOnly, v.theirsOnly)
	for _, r := range v.report {
		t.Error(r)
	}
}

// TestLoadVerdictsMatchAuditctl loads thousands of generated cases with the
// real auditctl -c -R (each case followed by -D) and compares the lines it
// refuses with the lines auditpack says this host refuses.
func TestLoadVerdictsMatchAuditctl(t *testing.T) {
	k := acquireRealHost(t)
	host := differentialHost(t)
	// AUDITPACK_DIFF_SEED tries other cases than CI's fixed ones.
	seed := uint64(20261201)
	if s, err := strconv.ParseUint(os.Getenv("AUDITPACK_DIFF_SEED"), 10, 64); err == nil {
		seed = s
	}
	cases := rulegen.Cases(seed, 5000, host)
	const batch = 250
	var v verdicts
	for start := 0; start < len(cases); start += batch {
		group := cases[start:min(start+batch, len(cases))]
		var file []string
		first := make([]int, len(group))
		for i, c := range group {
			first[i] = len(file)
			file = append(file, c...)
			file = append(file, "-D")
		}
		refused, err := k.RefusedLines(file)
		if err != nil {
			t.Fatal(err)
		}
		for i, c := range group {
			theirs := map[int]bool{}
			for j := range c {
				theirs[j+1] = refused[first[i]+j+1]
			}
			v.compare(fmt.Sprintf("case %d", start+i), c, theirs, predictRefusals(t, c))
		}
	}
	v.check(t, fmt.Sprintf("%d generated cases", len(cases)))
}

// TestCorpusVerdictsMatchAuditctl loads every published rule file with the
// real auditctl -c -R, line after line as auditctl continues, and compares
// the refused lines with auditpack's. Lines no test may load (-e 2, -f 2,
// --loginuid-immutable) become comments in both copies.
func TestCorpusVerdictsMatchAuditctl(t *testing.T) {
	k := acquireRealHost(t)
	files, _ := filepath.Glob(filepath.Join(corpus.Dir(t, ""), "*", "*.rules"))
	var v verdicts
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
		for i, l := range lines {
			if why := kerneltest.Forbidden(l); why != "" {
				lines[i] = "# not loaded by tests: " + why
			}
		}
		lines = append(lines, "-D")
		refused, err := k.RefusedLines(lines)
		if err != nil {
			t.Fatal(err)
		}
		v.compare(filepath.Base(filepath.Dir(path))+"/"+filepath.Base(path), lines, refused, predictRefusals(t, lines))
	}
	if v.lines < 1500 {
		t.Errorf("compared only %d lines of the corpus", v.lines)
	}
	v.check(t, fmt.Sprintf("%d corpus files", len(files)))
}

// acquireRealHost holds the kernel for a test that compares with this
// host's auditctl, with grace periods expedited.
func acquireRealHost(t *testing.T) *kerneltest.Kernel {
	k := kerneltest.Acquire(t)
	k.ExpediteGracePeriods()
	return k
}

func keptDivergence(line string) string {
	for _, d := range keptDivergences {
		if d.line.MatchString(line) {
			return d.reason
		}
	}
	return ""
}

// differentialHost makes the paths the generated cases name.
func differentialHost(t *testing.T) rulegen.Host {
	dir, err := os.MkdirTemp("/tmp", "auditpack-diff-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	return rulegen.Host{File: file, Dir: dir, Missing: filepath.Join(dir, "missing"), MissingParent: filepath.Join(dir, "no", "missing"),
		Executable: kerneltest.Executable(t, "true"), User: "daemon", Group: "daemon"}
}

// predictRefusals is what auditpack says this host's auditctl refuses of a
// file loaded as written: its findings that fail the load, in the kernel
// or only in this host's older auditctl.
func predictRefusals(t *testing.T, lines []string) map[int]bool {
	t.Helper()
	c := compiledAsLoaded(t, lines)
	refused := map[int]bool{}
	for _, r := range c.Simulate(host.Local{}).Refused {
		refused[r.Item.Origin.Line] = true
	}
	// What only this host's older auditctl refuses is lint's to say.
	res, err := Run(c, Options{Host: host.Local{}})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range res.Diagnostics {
		if c, _ := Lookup(d.Check); c != nil && c.FailsBoot {
			refused[d.Origin.Line] = true
		}
	}
	return refused
}

// compiledAsLoaded is a file of these lines compiled as auditctl -R reads
// it: line after line, nothing moved.
func compiledAsLoaded(t *testing.T, lines []string) *compile.Compiled {
	t.Helper()
	file := filepath.Join(t.TempDir(), "case.rules")
	if err := os.WriteFile(file, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	sel, err := profiles.Select(profiles.Request{Paths: []string{file}, AsLoaded: true})
	if err != nil {
		t.Fatal(err)
	}
	return compile.Build(sel)
}
