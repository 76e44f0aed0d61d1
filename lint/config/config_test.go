package config

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/auditpack/auditpack/internal/report"
	"github.com/auditpack/auditpack/packs/model"
)

// write writes text to dir/name, making dir.
func write(t *testing.T, dir, name, text string) string {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const full = `# the team's lint settings
[lint]
fail-on = "warning"
target = ["x86_64", "aarch64"]
profile = "stig-rhel9"
packs = ["packs", "/opt/packs"]
baseline = "auditpack-baseline.json"
disable = ["arch-coverage-gap", "PERF-NOISY-SYSCALLS"]

[lint.severity]
"ORD-KEY-SHADOW" = "error"

[[lint.ignore]]
path = "rules.d/90-vendor-*.rules"
checks = ["ORD-KEY-SHADOW"]
reason = "the vendor's file, replaced next release"

[[lint.ignore]]
pack = "stig-rhel9"
checks = ["ORD-KEY-ONLY-DUPLICATE"]
reason = "the STIG's keys are the ones our SIEM reads"
`

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	p := write(t, dir, Name, full)
	c, err := Load(p, "/elsewhere")
	if err != nil {
		t.Fatal(err)
	}
	switch {
	case c.FailOn != report.Warning:
		t.Errorf("fail-on %s", c.FailOn)
	case !slices.Equal(c.Targets, []string{"x86_64", "aarch64"}):
		t.Errorf("targets %v", c.Targets)
	case c.Profile != "stig-rhel9":
		t.Errorf("profile %q", c.Profile)
	case !slices.Equal(c.Packs, []string{filepath.Join(dir, "packs"), "/opt/packs"}):
		t.Errorf("packs %v, want them joined to the file's directory", c.Packs)
	case c.Baseline != filepath.Join(dir, "auditpack-baseline.json"):
		t.Errorf("baseline %q", c.Baseline)
	case !slices.Equal(c.Disable, []string{"ARCH-COVERAGE-GAP", "PERF-NOISY-SYSCALLS"}):
		t.Errorf("disable %v, want the IDs in upper case", c.Disable)
	case c.Severity["ORD-KEY-SHADOW"] != report.Error:
		t.Errorf("severity %v", c.Severity)
	case len(c.Ignores) != 2 || c.Ignores[0].Line != 13 || c.Ignores[1].Line != 18 || c.Ignores[1].Pack != "stig-rhel9":
		t.Errorf("ignores %+v, want two, at lines 13 and 18", c.Ignores)
	}
}

// A file given relative to the working directory keeps its name in
// messages; its directory, the project's root, is made absolute.
func TestLoadRelative(t *testing.T) {
	root := t.TempDir()
	write(t, filepath.Join(root, "repo"), Name, "[lint]\nbaseline = \"b.json\"\n")
	t.Chdir(root) // Load reads the file from the process's directory, as lint runs
	c, err := Load(filepath.Join("repo", Name), root)
	if err != nil {
		t.Fatal(err)
	}
	if c.Path != filepath.Join("repo", Name) || c.Dir != filepath.Join(root, "repo") || c.Baseline != filepath.Join("repo", "b.json") {
		t.Errorf("path %q, dir %q, baseline %q", c.Path, c.Dir, c.Baseline)
	}
}

// Every mistake is an error at the file's line that says what to do.
func TestLoadErrors(t *testing.T) {
	for _, c := range []struct{ text, want string }{
		{"[lint]\nfail-on = \"warning\"\nfail_on = \"error\"\n", ":3: unknown key \"lint.fail_on\"; the keys are"},
		{"[lint]\n\n[lint.severity]\nORD-KEY-SHADOW = \"error\"\n[compile]\nforce = true\n", ":5: unknown key \"compile\""},
		{"[lint]\ndisable = [\n  \"ORD-KEY-SHADOW\",\n]\ncolour = \"never\"\n", ":5: unknown key \"lint.colour\""},
		{"[lint]\ndisable = [\"NO-SUCH-CHECK\"]\n", `:2: disable: unknown check "NO-SUCH-CHECK"`},
		{"[lint]\ndisable = [\"ORD-NO-SUCH\"]\n", "auditpack explain --list"},
		{"[lint]\ndisable = [\"SYN-NOT-TEXT\"]\n", ":2: disable: SYN-NOT-TEXT cannot be disabled"},
		{"[lint.severity]\nNO-SUCH-CHECK = \"error\"\n", `:2: unknown check "NO-SUCH-CHECK"`},
		{"[lint.severity]\nORD-KEY-SHADOW = \"fatal\"\n", `:2: severity of ORD-KEY-SHADOW: severity "fatal" is not error, warning or info`},
		{"[lint]\nfail-on = \"high\"\n", `:2: fail-on: severity "high"`},
		{"[lint]\ntarget = [\"sparc\"]\n", `:2: target: unknown target "sparc"`},
		{"[lint]\nfail-on = \"warning\n", ":2: bad TOML"},
		{"[lint]\ndisable = \"ORD-KEY-SHADOW\"\n", "bad TOML"},
		{"[[lint.ignore]]\npath = \"a\"\nchecks = [\"ORD-KEY-SHADOW\"]\nreason = \"x\"\n\n[[lint.ignore]]\npath = \"b\"\nreason = \"y\"\n", ":6: [[lint.ignore]]: give the checks"},
		{"[[lint.ignore]]\nchecks = [\"ORD-KEY-SHADOW\"]\nreason = \"x\"\n", ":1: [[lint.ignore]]: give the path"},
		{"[[lint.ignore]]\npath = \"a\"\nchecks = [\"ORD-KEY-SHADOW\"]\n", ":1: [[lint.ignore]]: give the reason"},
		{"[[lint.ignore]]\npath = \"[\"\nchecks = [\"ORD-KEY-SHADOW\"]\nreason = \"x\"\n", ":1: [[lint.ignore]]: path \"[\": syntax error in pattern"},
	} {
		p := write(t, t.TempDir(), Name, c.text)
		_, err := Load(p, "/elsewhere")
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), p) {
			t.Errorf("%q: %v\nwant an error at %s containing %q", c.text, err, p, c.want)
		}
	}
}

// The file is found in the working directory or the nearest directory
// above it, and not below it.
func TestFind(t *testing.T) {
	root := t.TempDir()
	deep := filepath.Join(root, "repo", "rules", "site")
	if err := os.MkdirAll(deep, 0o755); err != nil {
		t.Fatal(err)
	}
	if got, err := Find(deep); err != nil || got != "" && strings.HasPrefix(got, root) {
		t.Fatalf("Find with no file: %q, %v", got, err)
	}
	top := write(t, filepath.Join(root, "repo"), Name, "[lint]\n")
	write(t, filepath.Join(deep, "below"), Name, "[lint]\n") // below the start: never read
	for _, start := range []string{deep, filepath.Join(root, "repo", "rules"), filepath.Join(root, "repo")} {
		if got, err := Find(start); err != nil || got != top {
			t.Errorf("Find(%s) = %q, %v; want %s", start, got, err, top)
		}
	}
	nearer := write(t, filepath.Join(root, "repo", "rules"), Name, "[lint]\n")
	if got, _ := Find(deep); got != nearer {
		t.Errorf("Find(%s) = %q; want the nearest, %s", deep, got, nearer)
	}
}

func TestIgnored(t *testing.T) {
	dir := t.TempDir()
	c, err := Load(write(t, dir, Name, full), "/elsewhere")
	if err != nil {
		t.Fatal(err)
	}
	diag := func(check, file, pack string) *report.Diagnostic {
		return &report.Diagnostic{Check: check, Origin: model.Origin{File: file, Pack: pack, Line: 3}}
	}
	for _, x := range []struct {
		d       *report.Diagnostic
		workDir string
		want    bool
	}{
		{diag("ORD-KEY-SHADOW", "rules.d/90-vendor-a.rules", ""), dir, true},
		{diag("ORD-KEY-SHADOW", filepath.Join(dir, "rules.d/90-vendor-a.rules"), ""), "/elsewhere", true},
		{diag("ORD-KEY-SHADOW", "../rules.d/90-vendor-a.rules", ""), filepath.Join(dir, "packs"), true},
		{diag("ORD-KEY-SHADOW", "rules.d/30-site.rules", ""), dir, false},
		{diag("ARCH-COVERAGE-GAP", "rules.d/90-vendor-a.rules", ""), dir, false},
		{diag("ORD-KEY-SHADOW", "rules.d/90-vendor-a.rules", ""), filepath.Dir(dir), false},
		{diag("ORD-KEY-ONLY-DUPLICATE", "30-stig.rules", "stig-rhel9@2.9.0"), dir, true},
		{diag("ORD-KEY-ONLY-DUPLICATE", "30-stig.rules", "stig-rhel8@1.0.0"), dir, false},
	} {
		if got := c.Ignored(x.d, x.workDir); got != x.want {
			t.Errorf("%s %s (%s) from %s: ignored %v, want %v", x.d.Check, x.d.Origin.File, x.d.Origin.Pack, x.workDir, got, x.want)
		}
	}
	dirIgnore := Config{Dir: dir, Ignores: []Ignore{{Path: "legacy", Checks: []string{"ORD-KEY-SHADOW"}}}}
	if !dirIgnore.Ignored(diag("ORD-KEY-SHADOW", "legacy/sub/10-old.rules", ""), dir) {
		t.Error("an ignore of a directory does not cover a file under it")
	}
	if dirIgnore.Ignored(diag("ORD-KEY-SHADOW", "legacy-new/10.rules", ""), dir) {
		t.Error("an ignore of legacy covers legacy-new")
	}
}

func TestKeyLines(t *testing.T) {
	doc := "a = 1 # x = 2\n[lint]\n\"quoted.key\" = 'v=w'\nlist = [\n  \"x = y\",\n]\nafter = 3\n[[lint.ignore]]\npath = \"p\"\n[[lint.ignore]]\npath = \"q\"\n"
	want := map[string][]int{"a": {1}, "lint": {2}, `lint."quoted.key"`: {3}, "lint.list": {4}, "lint.after": {7},
		"lint.ignore": {8, 10}, "lint.ignore.path": {9, 11}}
	got := keyLines(doc)
	for k, lines := range want {
		if !slices.Equal(got[k], lines) {
			t.Errorf("%s at %v, want %v", k, got[k], lines)
		}
	}
	if len(got) != len(want) {
		t.Errorf("keys %v, want %v", got, want)
	}
}
