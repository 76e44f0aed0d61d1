package compile

import (
	"math/rand"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/auditpack/auditpack/internal/augen"
	"github.com/auditpack/auditpack/internal/augen/augentest"
	"github.com/auditpack/auditpack/internal/corpus"
	"github.com/auditpack/auditpack/internal/golden"
)

// sameAsAugenrules compiles the *.rules files of dir with auditpack and
// with the real augenrules and compares the lines auditctl acts on.
func sameAsAugenrules(t *testing.T, dir string) {
	t.Helper()
	want := augen.RuleLines(augentest.Run(t, dir))
	got := augen.RuleLines(string(compileDir(t, dir).Render("test")))
	if !slices.Equal(got, want) {
		t.Errorf("%s: auditpack and augenrules differ (- augenrules, + auditpack):\n%s", dir, golden.LineDiff(strings.Join(want, "\n")+"\n", strings.Join(got, "\n")+"\n"))
	}
}

func TestSameAsAugenrulesOnFixtures(t *testing.T) {
	augentest.Skip(t)
	for _, dir := range []string{"testdata/mixed", "testdata/minimal"} {
		sameAsAugenrules(t, dir)
	}
}

// A profile's packs copied into one rules.d compile to what augenrules
// makes of them (profile settings aside, which augenrules has no notion of).
func TestSameAsAugenrulesOnProfilePacks(t *testing.T) {
	augentest.Skip(t)
	for _, name := range []string{"stig-rhel9", "pci-dss", "ospp"} {
		sel := selectProfile(t, name)
		dir := t.TempDir()
		for _, p := range sel.Packs {
			for _, n := range p.FileNames {
				data, err := p.ReadFile(n)
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(dir, n), data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
		}
		sameAsAugenrules(t, dir)
	}
}

func corpusDirs(t *testing.T) []string {
	t.Helper()
	return []string{corpus.Dir(t, "audit-userspace-rules"), corpus.Dir(t, "debian-auditd-3.0.9")}
}

// subset copies the named files (or, with nil, all *.rules) of dir into a
// new rules.d.
func subset(t *testing.T, dir string, names []string) string {
	t.Helper()
	out := t.TempDir()
	if names == nil {
		all, _ := filepath.Glob(filepath.Join(dir, "*.rules"))
		for _, p := range all {
			names = append(names, filepath.Base(p))
		}
	}
	for _, n := range names {
		data, err := os.ReadFile(filepath.Join(dir, n))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(out, n), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// The corpus: each published directory whole, the recipes its README
// gives, and random combinations of its files.
func TestSameAsAugenrulesOnCorpus(t *testing.T) {
	augentest.Skip(t)
	recipes := [][]string{
		{"10-base-config.rules", "30-stig.rules", "31-privileged.rules", "99-finalize.rules"},
		{"10-base-config.rules", "11-loginuid.rules", "30-pci-dss-v31.rules", "99-finalize.rules"},
		{"10-base-config.rules", "11-loginuid.rules", "30-ospp-v42.rules", "30-ospp-v42-1-create-failed.rules", "30-ospp-v42-3-access-failed.rules", "43-module-load.rules", "99-finalize.rules"},
		{"10-no-audit.rules", "12-cont-fail.rules", "12-ignore-error.rules", "20-dont-audit.rules", "21-no32bit.rules", "99-finalize.rules"},
	}
	r := rand.New(rand.NewSource(7))
	for _, dir := range corpusDirs(t) {
		sameAsAugenrules(t, subset(t, dir, nil))
		for _, recipe := range recipes {
			sameAsAugenrules(t, subset(t, dir, recipe))
		}
		all, _ := filepath.Glob(filepath.Join(dir, "*.rules"))
		for i := 0; i < 5; i++ {
			var names []string
			for _, p := range all {
				if r.Intn(3) == 0 {
					names = append(names, filepath.Base(p))
				}
			}
			if len(names) > 0 {
				sameAsAugenrules(t, subset(t, dir, names))
			}
		}
	}
}
