package packs

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/auditpack/auditpack/packs/model"
)

func TestConstraints(t *testing.T) {
	cases := []struct {
		constraint string
		allows     []string
		refuses    []string
	}{
		{"", []string{"0.0.1", "9.9.9"}, []string{"1.0.0-rc.1"}},
		{"*", []string{"1.0.0"}, nil},
		{"2.1.0", []string{"2.1.0"}, []string{"2.1.1", "2.0.9"}},
		{"^2.1", []string{"2.1.0", "2.9.3"}, []string{"2.0.9", "3.0.0"}},
		{"^1", []string{"1.0.0", "1.99.0"}, []string{"0.9.0", "2.0.0"}},
		{"^0.3", []string{"0.3.0", "0.3.9"}, []string{"0.4.0"}},
		{"~1.2", []string{"1.2.0", "1.2.7"}, []string{"1.3.0", "1.1.9"}},
		{"~1", []string{"1.0.0", "1.7.0"}, []string{"2.0.0"}},
		{"1.2", []string{"1.2.3"}, []string{"1.3.0"}},
		{">=1.2.0, <2", []string{"1.2.0", "1.9.9"}, []string{"1.1.9", "2.0.0"}},
		{">1.0.0", []string{"1.0.1"}, []string{"1.0.0"}},
		{"<=1.0.0", []string{"1.0.0", "0.1.0"}, []string{"1.0.1"}},
		{"=3.0.0-rc.1", []string{"3.0.0-rc.1"}, []string{"3.0.0-rc.2", "3.0.0"}},
	}
	for _, c := range cases {
		con, err := parseConstraint(c.constraint)
		if err != nil {
			t.Fatalf("%q: %v", c.constraint, err)
		}
		for _, v := range c.allows {
			if !con.Allows(mustVersion(t, v)) {
				t.Errorf("%q refuses %s", c.constraint, v)
			}
		}
		for _, v := range c.refuses {
			if con.Allows(mustVersion(t, v)) {
				t.Errorf("%q allows %s", c.constraint, v)
			}
		}
	}
	for _, bad := range []string{"^x", ">=1.2.3.4", "1..2", "~", "01.0.0"} {
		if _, err := parseConstraint(bad); err == nil {
			t.Errorf("constraint %q parsed", bad)
		}
	}
}

func mustVersion(t *testing.T, s string) Version {
	t.Helper()
	v, err := parseVersion(s)
	if err != nil {
		t.Fatal(err)
	}
	if v.String() != s {
		t.Fatalf("%s prints as %s", s, v)
	}
	return v
}

func TestEmbeddedPacks(t *testing.T) {
	c, err := NewCatalog()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range c.Packs() {
		names = append(names, p.Name)
		files, err := p.Open(nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			if len(f.Errors) > 0 {
				t.Errorf("%s: %v", p.ID(), f.Errors)
			}
			for _, it := range f.Items {
				if it.Rule != nil && len(it.Controls) == 0 {
					t.Errorf("%s %s: rule without a controls annotation", p.ID(), it.Origin)
				}
			}
		}
		if p.Standard == "" || p.Description == "" {
			t.Errorf("%s: standard or description missing", p.ID())
		}
		if !slices.Contains(p.Ignored, "CHANGELOG.md") {
			t.Errorf("%s: no CHANGELOG.md", p.ID())
		}
	}
	if want := []string{"base-config", "cis-al2023", "cis-debian12", "cis-rhel10", "cis-rhel8", "cis-rhel9", "cis-ubuntu2204", "cis-ubuntu2404", "finalize", "ospp", "pci-dss", "stig-rhel10", "stig-rhel8", "stig-rhel9", "stig-rhel9", "stig-rhel9", "stig-rhel9", "stig-rhel9", "stig-sles15", "stig-ubuntu2204", "stig-ubuntu2404"}; !slices.Equal(names, want) {
		t.Errorf("embedded packs %v, want %v", names, want)
	}
}

// writePack writes a pack directory; files maps names to contents.
func writePack(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

const goodManifest = "name = \"site\"\nversion = \"1.0.0\"\norder = 50\n"

func TestPackManifestErrors(t *testing.T) {
	cases := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"bad toml", map[string]string{"pack.toml": "name = \"x\"\nversion = 1.0.0\n"}, `pack.toml:2: bad TOML`},
		{"unknown key", map[string]string{"pack.toml": goodManifest + "oder = 5\n", "50-a.rules": ""}, `unknown key "oder"`},
		{"no order", map[string]string{"pack.toml": "name = \"site\"\nversion = \"1.0.0\"\n"}, `order is missing`},
		{"bad version", map[string]string{"pack.toml": "name = \"site\"\nversion = \"1.0\"\norder = 50\n"}, `not semver`},
		{"bad name", map[string]string{"pack.toml": "name = \"Site Pack\"\nversion = \"1.0.0\"\norder = 50\n"}, `name "Site Pack"`},
		{"bad arch", map[string]string{"pack.toml": goodManifest + "arches = [\"x86\"]\n"}, `arch "x86"`},
		{"file not starting with order", map[string]string{"pack.toml": goodManifest, "60-a.rules": ""}, `60-a.rules: file name must start with the pack's order 50`},
		{"order prefix of a longer number", map[string]string{"pack.toml": goodManifest, "500-a.rules": ""}, `must start with the pack's order 50`},
		{"no rules", map[string]string{"pack.toml": goodManifest, "README": ""}, `has no \*.rules files`},
	}
	for _, c := range cases {
		dir := filepath.Join(t.TempDir(), "site")
		writePack(t, dir, c.files)
		_, err := LoadPath(dir, nil)
		if err == nil || !regexp.MustCompile(c.want).MatchString(err.Error()) {
			t.Errorf("%s: got %v, want %q", c.name, err, c.want)
		}
	}
}

func TestPackFilesAndIgnored(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "site")
	writePack(t, dir, map[string]string{"pack.toml": goodManifest, "50-b.rules": "-w /b -p wa\n", "50.rules": "-w /a -p wa\n",
		"50-b.rules.bak": "", ".50-c.rules": "", "notes.txt": ""})
	src, err := LoadPath(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(src.Pack.FileNames, []string{"50.rules", "50-b.rules"}) {
		t.Errorf("files %v", src.Pack.FileNames)
	}
	if !slices.Equal(src.Pack.Ignored, []string{".50-c.rules", "50-b.rules.bak", "notes.txt"}) {
		t.Errorf("ignored %v", src.Pack.Ignored)
	}
	if got := src.Files[1].Items[0].Origin.Describe(); got != "site@1.0.0 "+filepath.ToSlash(dir)+"/50-b.rules:1" {
		t.Errorf("origin %q", got)
	}
}

func TestCatalogFind(t *testing.T) {
	root := t.TempDir()
	writePack(t, filepath.Join(root, "a"), map[string]string{"pack.toml": goodManifest, "50-a.rules": "-w /a -p wa\n"})
	writePack(t, filepath.Join(root, "b"), map[string]string{"pack.toml": "name = \"site\"\nversion = \"1.4.0\"\norder = 50\n", "50-a.rules": "-w /a -p wa\n"})
	// A directory of a pack's versions, one directory each, as a
	// standard's releases are kept.
	writePack(t, filepath.Join(root, "site", "1.2.0"), map[string]string{"pack.toml": "name = \"site\"\nversion = \"1.2.0\"\norder = 50\n", "50-a.rules": "-w /a -p wa\n"})
	writePack(t, filepath.Join(root, "site", "0.9.0"), map[string]string{"pack.toml": "name = \"site\"\nversion = \"0.9.0\"\norder = 50\n", "50-a.rules": "-w /a -p wa\n"})
	c, err := NewCatalog(root)
	if err != nil {
		t.Fatal(err)
	}
	for ref, want := range map[string]string{"site": "site@1.4.0", "site@^1": "site@1.4.0", "site@~1.0": "site@1.0.0", "site@1.0.0": "site@1.0.0", "site@~1.2": "site@1.2.0", "site@<1": "site@0.9.0", "stig-rhel9": "stig-rhel9@2.9.0", "stig-rhel9@~2.9": "stig-rhel9@2.9.0", "stig-rhel9@~2.5": "stig-rhel9@2.5.0"} {
		p, err := c.Find(ref)
		if err != nil || p.ID() != want {
			t.Errorf("Find(%q) = %v, %v; want %s", ref, p, err, want)
		}
	}
	if _, err := c.Find("site@^2"); err == nil || !regexp.MustCompile(`no version of pack site satisfies "\^2"; available: 1.4.0, 1.2.0, 1.0.0, 0.9.0`).MatchString(err.Error()) {
		t.Errorf("unsatisfiable: %v", err)
	}
	if _, err := c.Find("nope"); err == nil || !regexp.MustCompile(`unknown pack "nope"; known packs: base-config, cis-al2023, .*, finalize, ospp, pci-dss, site, stig-rhel10, stig-rhel8, stig-rhel9, stig-sles15, stig-ubuntu2204, stig-ubuntu2404`).MatchString(err.Error()) {
		t.Errorf("unknown: %v", err)
	}
	// The same name and version in two roots is ambiguous.
	other := t.TempDir()
	writePack(t, filepath.Join(other, "a"), map[string]string{"pack.toml": goodManifest, "50-a.rules": "-w /z -p wa\n"})
	if _, err := NewCatalog(root, other); err == nil || !regexp.MustCompile(`pack site@1.0.0 is in two places`).MatchString(err.Error()) {
		t.Errorf("duplicate: %v", err)
	}
	if _, err := NewCatalog(t.TempDir()); err == nil || !regexp.MustCompile(`holds no packs`).MatchString(err.Error()) {
		t.Errorf("empty root: %v", err)
	}
	if _, err := NewCatalog(filepath.Join(root, "missing")); err == nil {
		t.Error("a missing root was accepted")
	}
}

func TestLoadPathErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := LoadPath(filepath.Join(dir, "nope.rules"), nil); err == nil || !regexp.MustCompile(`nope.rules: no such file`).MatchString(err.Error()) {
		t.Errorf("missing file: %v", err)
	}
	if _, err := LoadPath(dir, nil); err == nil || !regexp.MustCompile(`no \*.rules files here`).MatchString(err.Error()) {
		t.Errorf("empty dir: %v", err)
	}
	if os.Geteuid() != 0 { // root reads anything
		p := filepath.Join(dir, "10-x.rules")
		if err := os.WriteFile(p, []byte("-D\n"), 0o000); err != nil {
			t.Fatal(err)
		}
		if _, err := LoadPath(p, nil); err == nil || !regexp.MustCompile(`read .*10-x.rules: permission denied`).MatchString(err.Error()) {
			t.Errorf("unreadable: %v", err)
		}
	}
}

// RulesSize counts what augenrules would read: a directory's *.rules
// files (not its other files or subdirectories), a file given, and
// nothing for what cannot be read.
func TestRulesSize(t *testing.T) {
	dir := t.TempDir()
	for name, size := range map[string]int{"10-a.rules": 100, "20-b.rules": 50, "README": 7} {
		if err := os.WriteFile(filepath.Join(dir, name), make([]byte, size), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "sub.rules"), 0o755); err != nil {
		t.Fatal(err)
	}
	if got := RulesSize([]string{dir, filepath.Join(dir, "10-a.rules"), filepath.Join(dir, "missing"), "-"}); got != 250 {
		t.Errorf("RulesSize = %d, want 250 (the directory's two rules files, one of them again, nothing for the rest)", got)
	}
}

// A syscall an embedded pack writes by number (one an older auditctl has
// no name for) is one syscall wherever the pack is compiled: the same name
// on every target and ABI the rule applies to, and the line's
// ARCH-NUMERIC-SYSCALL suppression says which ("452 fchmodat2").
func TestEmbeddedNumericSyscallsNameOneSyscall(t *testing.T) {
	c, err := NewCatalog()
	if err != nil {
		t.Fatal(err)
	}
	numbered := 0
	for _, p := range c.Packs() {
		files, err := p.Open(nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			reasons := map[int]string{}
			for _, ig := range f.Ignores {
				if ig.Check == "ARCH-NUMERIC-SYSCALL" {
					reasons[ig.Target] = ig.Reason
				}
			}
			for i := range f.Items {
				it := &f.Items[i]
				if it.Rule == nil {
					continue
				}
				for _, word := range it.Rule.Syscalls {
					n, err := strconv.Atoi(word)
					if err != nil {
						continue
					}
					numbered++
					names := map[string]bool{}
					for _, name := range model.TargetNames() {
						target := model.Targets[name]
						r := model.Normalize(it, target)
						for _, abi := range []model.ABI{model.B64, model.B32} {
							if r.ABIs[abi] {
								names[target.SyscallNames(abi)[n]] = true
							}
						}
					}
					if len(names) != 1 || names[""] {
						t.Errorf("%s %s: syscall %d is %v across the targets' ABIs, not one syscall", p.ID(), it.Origin, n, slices.Sorted(maps.Keys(names)))
						continue
					}
					for name := range names {
						if want := fmt.Sprintf("%d %s", n, name); !strings.Contains(reasons[it.Origin.Line], want) {
							t.Errorf("%s %s: the suppression above the line does not say %q", p.ID(), it.Origin, want)
						}
					}
				}
			}
		}
	}
	if numbered == 0 {
		t.Error("no embedded pack writes a syscall by number; the ospp pack writes fchmodat2 and its kin so")
	}
}
