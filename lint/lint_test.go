package lint

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/auditpack/auditpack/compile"
	"github.com/auditpack/auditpack/internal/golden"
	"github.com/auditpack/auditpack/internal/report"
	"github.com/auditpack/auditpack/packs"
	"github.com/auditpack/auditpack/packs/model"
	"github.com/auditpack/auditpack/profiles"
)

// testdataPath is a check's testdata: testdata/ID.rules, or a directory
// testdata/ID/ (its *.rules merged as one rules.d, or, when it holds
// directories, each of them as one PATH).
func testdataPath(id string) (string, bool) {
	for _, p := range []string{filepath.Join("testdata", id+".rules"), filepath.Join("testdata", id)} {
		if _, err := os.Stat(p); err == nil {
			return p, true
		}
	}
	return "", false
}

func TestRegistry(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range Checks() {
		switch {
		case seen[c.ID]:
			t.Errorf("%s registered twice", c.ID)
		case c.Title == "" || len(c.Title) > 60:
			t.Errorf("%s: title %q must be 1 to 60 characters", c.ID, c.Title)
		case c.Severity == 0:
			t.Errorf("%s: no severity", c.ID)
		case c.Run == nil:
			t.Errorf("%s: no Run", c.ID)
		case !strings.Contains(c.Doc, "Bad") || !strings.Contains(c.Doc, "Good"):
			t.Errorf("%s: the doc needs a Bad and a Good example", c.ID)
		}
		seen[c.ID] = true
		if _, ok := testdataPath(c.ID); !ok {
			t.Errorf("%s: no testdata/%s.rules", c.ID, c.ID)
		}
	}
	entries, err := os.ReadDir("testdata")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		id := strings.TrimSuffix(e.Name(), ".rules")
		if !seen[id] {
			t.Errorf("testdata/%s belongs to no registered check", e.Name())
		}
	}
}

// want is a "# want ID \"regexp\"" marker: the check must report a
// message matching regexp on the next line that is not a marker
// ("# want-file" means the whole file, line 0).
type want struct {
	file  string
	line  int
	check string
	re    *regexp.Regexp
	hit   bool
}

var wantLine = regexp.MustCompile(`^\s*# want(-file)? ([A-Z0-9-]+) "(.*)"\s*$`)

func readWants(t *testing.T, path string) (wants []*want, targets []*model.Target) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var pending []*want
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		text := sc.Text()
		if rest, ok := strings.CutPrefix(text, "# targets: "); ok {
			for _, name := range strings.Split(rest, ",") {
				target, err := model.LookupTarget(strings.TrimSpace(name))
				if err != nil {
					t.Fatal(err)
				}
				targets = append(targets, target)
			}
			continue
		}
		if m := wantLine.FindStringSubmatch(text); m != nil {
			w := &want{file: path, check: m[2], re: regexp.MustCompile(m[3])}
			if m[1] != "" {
				wants = append(wants, w)
			} else {
				pending = append(pending, w)
			}
			continue
		}
		for _, w := range pending {
			w.line = line
		}
		wants = append(wants, pending...)
		pending = nil
	}
	if len(pending) > 0 {
		t.Fatalf("%s: a want marker at the end of the file has no line to apply to", path)
	}
	return wants, targets
}

// TestChecks runs every check on every check's testdata, as
// go/analysis's analysistest does: each want must be met by exactly one
// finding, and no check may report anything nobody wanted there.
// Every check the model, the reader of files or the load files a problem
// under is registered once, as the check that reports it: a problem is
// never filed under a name nothing explains or reports.
func TestModelChecksRegistered(t *testing.T) {
	for _, m := range model.Checks() {
		var found []*Check
		for _, c := range Checks() {
			if c.Model == m {
				found = append(found, c)
			}
		}
		if len(found) != 1 || found[0].ID != m.String() {
			t.Errorf("model check %s: %d lint checks report it", m, len(found))
		}
	}
	if n := len(model.Checks()); n < 38 {
		t.Errorf("the model files problems under %d checks; it has more", n)
	}
}

func TestChecks(t *testing.T) {
	for _, c := range Checks() {
		t.Run(c.ID, func(t *testing.T) {
			root, ok := testdataPath(c.ID)
			if !ok {
				t.Skip("no testdata (TestRegistry reports it)")
			}
			var paths, files []string
			if info, _ := os.Stat(root); info.IsDir() {
				entries, _ := os.ReadDir(root)
				for _, e := range entries {
					if e.IsDir() {
						paths = append(paths, filepath.Join(root, e.Name()))
					}
				}
				if len(paths) == 0 {
					paths = []string{root}
				}
				_ = filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
					if err == nil && !d.IsDir() && strings.HasSuffix(p, ".rules") {
						files = append(files, p)
					}
					return nil
				})
			} else {
				paths, files = []string{root}, []string{root}
			}
			var wants []*want
			var targets []*model.Target
			for _, f := range files {
				w, ts := readWants(t, f)
				wants, targets = append(wants, w...), append(targets, ts...)
			}
			mine := 0
			for _, w := range wants {
				if w.check == c.ID {
					mine++
				}
			}
			if mine == 0 {
				t.Fatalf("testdata has no want for %s: add a bad example", c.ID)
			}
			sel, err := profiles.Select(profiles.Request{Paths: paths})
			if err != nil {
				t.Fatal(err)
			}
			res, err := Run(compile.Build(sel, targets...), Options{Host: fakeHost{}})
			if err != nil {
				t.Fatal(err)
			}
			checkRefusalRun(t, sel, targets, res)
			for _, d := range res.Diagnostics {
				var match *want
				for _, w := range wants {
					if !w.hit && w.check == d.Check && w.file == d.Origin.File && w.line == d.Origin.Line && w.re.MatchString(d.Message) {
						match = w
						break
					}
				}
				if match == nil {
					t.Errorf("unexpected: %s: %s [%s]", d.Origin, d.Message, d.Check)
					continue
				}
				match.hit = true
			}
			for _, w := range wants {
				if !w.hit {
					t.Errorf("%s:%d: no %s finding matching %q", w.file, w.line, w.check, w.re)
				}
			}
		})
	}
}

// docs/checks.md is generated from the checks; it must not go stale.
func TestCatalogueDoc(t *testing.T) {
	var b strings.Builder
	if err := WriteCatalogue(&b); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "../docs/checks.md", []byte(b.String()))
}

// checkRefusalRun: compile's refusal run finds exactly the full run's
// errors of the checks that do not compare rule with rule.
func checkRefusalRun(t *testing.T, sel *packs.Selection, targets []*model.Target, full *Result) {
	t.Helper()
	refusal, err := Run(compile.Build(sel, targets...), Options{Host: fakeHost{}, Refusal: true})
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, d := range full.Diagnostics {
		if c, _ := Lookup(d.Check); d.Severity >= Error && !c.Pairwise {
			want = append(want, d.Origin.String()+" "+d.Check)
		}
	}
	var got []string
	for _, d := range refusal.Diagnostics {
		got = append(got, d.Origin.String()+" "+d.Check)
	}
	if !slices.Equal(got, want) {
		t.Errorf("compile's refusal run finds\n%s\nthe full run's errors are\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// Every embedded profile (every product's) compiles, for every machine the model knows, to
// a set without errors: pack rules leave out the syscalls an ABI lacks.
// A user's own file is checked as written.
func TestEmbeddedProfilesFitEveryTarget(t *testing.T) {
	all, err := profiles.List()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range all {
		name := p.Name
		sel, err := profiles.Select(profiles.Request{Profile: name})
		if err != nil {
			t.Fatal(err)
		}
		for _, machine := range model.TargetNames() {
			c := compile.Build(sel, model.Targets[machine])
			res, err := Run(c, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if n := res.Count(Error); n > 0 {
				t.Errorf("profile %s on %s: %d errors, first %s", name, machine, n, res.Diagnostics[slices.IndexFunc(res.Diagnostics, func(d Diagnostic) bool { return d.Severity == Error })].Message)
			}
			if out := string(c.Render("test")); machine == "aarch64" && name == "stig-rhel9" &&
				(!strings.Contains(out, "-F arch=b64 -S fchmod,fchmodat -F auid>=1000") || strings.Contains(out, "-F arch=b32 -S fchmod,fchmodat -F auid>=1000")) {
				t.Errorf("stig-rhel9 on aarch64: the b64 chmod rule keeps chmod, or the b32 one (arm has chmod) lost it:\n%s", out)
			}
		}
	}
	f := packs.ParseFile("30-site.rules", "30-site.rules", nil, []byte("-a always,exit -F arch=b64 -S unlink,unlinkat -k del\n"))
	res, err := Run(compile.Build(&packs.Selection{Files: []*packs.File{f}}, model.Targets["aarch64"]), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(found(res, "ARCH-SYSCALL-UNKNOWN")) != 1 {
		t.Errorf("a user's -S unlink on aarch64 is not reported: %v", res.Diagnostics)
	}
}

// Twins are confirmed field by field wherever their hashes meet: with
// every rule's hash the same, ARCH-COVERAGE-GAP finds what it finds with
// the real hash, near-twins (another exit value) included.
func TestCoverageGapsSurviveHashCollisions(t *testing.T) {
	check, err := Lookup("ARCH-COVERAGE-GAP")
	if err != nil {
		t.Fatal(err)
	}
	sel, err := profiles.Select(profiles.Request{Paths: []string{"testdata/ARCH-COVERAGE-GAP.rules"}})
	if err != nil {
		t.Fatal(err)
	}
	rs := newRuleSet(compile.Build(sel), Options{})
	gaps := func(hash func(*model.Rule) uint64) []string {
		var out []string
		coverageGaps(&Pass{RuleSet: rs, check: check, report: func(f finding) {
			out = append(out, fmt.Sprintf("%d %s", f.origin.Line, f.message))
		}}, hash)
		return out
	}
	real, collided := gaps(twinHash), gaps(func(*model.Rule) uint64 { return 0 })
	if len(real) != 3 || !slices.Equal(real, collided) {
		t.Errorf("with the real hash:\n%s\nwith one hash for all:\n%s", strings.Join(real, "\n"), strings.Join(collided, "\n"))
	}
}

// Context (for the HTML report) goes to the findings of a file the
// report lists, its first report.HTMLFindingsPerFile, with the line and
// its neighbours.
func TestContextForTheListedFindings(t *testing.T) {
	var rules strings.Builder
	n := report.HTMLFindingsPerFile + 200
	for i := range n {
		fmt.Fprintf(&rules, "-a always,exit -F arch=b64 -S openat -F auid=%d -k k%d\n", 1000+i, i)
	}
	diags := lintText(t, rules.String(), Options{Context: true}).Diagnostics
	if len(diags) < n {
		t.Fatalf("%d findings, want at least one per rule (%d: no b32 twin)", len(diags), n)
	}
	for i, d := range diags {
		if listed := i < report.HTMLFindingsPerFile; listed != (len(d.Context) > 0) {
			t.Fatalf("finding %d of the file (%s %s) has %d context lines; want them for the first %d only", i+1, d.Origin, d.Check, len(d.Context), report.HTMLFindingsPerFile)
		}
		if len(d.Context) == 0 {
			continue
		}
		here := slices.IndexFunc(d.Context, func(c report.ContextLine) bool { return c.Here })
		if here < 0 || d.Context[here].Line != d.Origin.Line || !strings.HasSuffix(d.Context[here].Text, fmt.Sprintf("-k k%d", d.Origin.Line-1)) {
			t.Fatalf("finding at line %d has context %+v, want its own line marked", d.Origin.Line, d.Context)
		}
	}
}

// Compile's refusal run compares no rule with another: no check it runs
// requires the order analysis, whose index costs more than the rest of a
// compile (a 100k-rule compile ran it and took twice augenrules' time).
func TestRefusalRunComparesNoRules(t *testing.T) {
	opts := &Options{Refusal: true}
	var requiresOrder func(as []*Analysis) bool
	requiresOrder = func(as []*Analysis) bool {
		return slices.ContainsFunc(as, func(a *Analysis) bool { return a == orderAnalysis || requiresOrder(a.Requires) })
	}
	runs := 0
	for _, c := range Checks() {
		if opts.skips(c, c.Severity) {
			continue
		}
		runs++
		if requiresOrder(c.Requires) {
			t.Errorf("%s runs in compile's refusal run and requires the order analysis", c.ID)
		}
	}
	if runs == 0 {
		t.Fatal("the refusal run runs no check")
	}
}
