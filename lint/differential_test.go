package lint

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/auditpack/auditpack/internal/kerneltest"
	"github.com/auditpack/auditpack/internal/rulegen"
)

// keptDivergences are the lines auditpack judges differently from auditctl
// on purpose, each with its reason. A line auditctl loads but auditpack
// refuses is reported as a lint error that is not a load failure.
var keptDivergences = []struct {
	line   *regexp.Regexp
	reason string
}{
	{regexp.MustCompile(`^-S .* -a [a-z_]+,possible`), "-S before -a list,possible: auditctl checks the -S names before it reads the obsolete action and drops the line; auditpack reads the dropped line (SYN-IGNORED-LINE) without resolving its names. Nothing loads either way"},
	{regexp.MustCompile(`^-w / `), "a tree watch on / re-added right after -D: the kernel prunes the old tree asynchronously, so whether the new one is refused depends on timing, not on the line"},
	{regexp.MustCompile(`^-a always,task -F subj_role=chronyd_t -F exe=\S+/missing$`), "the same rule twice with -D between them: auditpack reads a file as augenrules assembles it (the -D moves to the top, so the second is a duplicate); auditctl -R runs the -D in place. Reading a loaded file in place is issue 16"},
}

// TestLoadVerdictsMatchAuditctl loads thousands of generated cases with the
// real auditctl -c -R (each case followed by -D) and compares the lines it
// refuses with the lines auditpack says this host refuses.
func TestLoadVerdictsMatchAuditctl(t *testing.T) {
	k := kerneltest.Acquire(t)
	k.ExpediteGracePeriods()
	// This test asks the real host, not the stand-ins of the table tests.
	hostLoaderTable, hostLoaderVersion, hostRunsSELinux = realHostLoaderTable, realHostLoaderVersion, realHostRunsSELinux
	t.Cleanup(func() {
		hostLoaderTable, hostLoaderVersion, hostRunsSELinux = fakeLoaderTable, fakeLoaderVersion, fakeRunsSELinux
	})
	host := differentialHost(t)
	cases := rulegen.Cases(20261201, 5000, host)
	const batch = 250
	var agree, loadedButRefused, refusedButLoaded, kept, lines int
	var report []string
	for start := 0; start < len(cases); start += batch {
		var file []string
		type span struct{ first, n int }
		var spans []span
		for _, c := range cases[start:min(start+batch, len(cases))] {
			spans = append(spans, span{len(file) + 1, len(c)})
			file = append(file, c...)
			file = append(file, "-D")
		}
		refused, _ := k.RefusedLines(file)
		for i, c := range cases[start:min(start+batch, len(cases))] {
			predicted := predictRefusals(t, c)
			for j, l := range c {
				lines++
				real, ours := refused[spans[i].first+j], predicted[j+1]
				switch {
				case real == ours:
					agree++
					continue
				case keptDivergence(l) != "":
					kept++
					continue
				case ours:
					loadedButRefused++
				default:
					refusedButLoaded++
				}
				report = append(report, fmt.Sprintf("auditctl refused=%v auditpack refused=%v: %q (case %d line %d)\n    case: %q", real, ours, l, start+i, j+1, c))
			}
		}
	}
	sort.Strings(report)
	t.Logf("%d cases, %d lines: %d agree, %d kept divergences; auditpack refuses %d lines auditctl loads, loads %d lines auditctl refuses",
		len(cases), lines, agree, kept, loadedButRefused, refusedButLoaded)
	for _, r := range report {
		t.Error(r)
	}
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

// predictRefusals is what auditpack says auditctl refuses of a file loaded
// as written: its unreadable lines and its findings that fail the load.
func predictRefusals(t *testing.T, lines []string) map[int]bool {
	res := lintText(t, strings.Join(lines, "\n")+"\n", Options{Host: true})
	refused := map[int]bool{}
	for _, d := range res.Diagnostics {
		if c, _ := Lookup(d.Check); c != nil && c.FailsLoad {
			refused[d.Origin.Line] = true
		}
	}
	return refused
}
