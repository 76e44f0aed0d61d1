package lint

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/auditpack/auditpack/compile"
	"github.com/auditpack/auditpack/internal/report"
	"github.com/auditpack/auditpack/packs"
)

// lintFile lints text as the file site/30-site.rules of pack site at
// version 1.minor.0, with fingerprints.
func lintFile(t *testing.T, text string, minor int) []Diagnostic {
	t.Helper()
	f := packs.ParseFile("30-site.rules", "site/30-site.rules", &packs.Pack{Name: "site", Version: packs.Version{Major: 1, Minor: minor}, Order: 30}, []byte(text))
	res, err := Run(compile.Build(&packs.Selection{Files: []*packs.File{f}}), Options{Fingerprints: true})
	if err != nil {
		t.Fatal(err)
	}
	return res.Diagnostics
}

const fingerprinted = `-D
-a always,exit -F arch=b64 -S openat -F auid>=1000 -k open
-a always,exit -F arch=b64 -S unlinkat -F auid>=1000 -k del
-a always,exit -F arch=b64 -S unlinkat -F auid>=1000 -k del
# auditpack:ignore NO-SUCH-CHECK kept for the test
-a always,exit -F arch=b64 -S renameat -F auid>=1000 -k ren
`

// A finding keeps its fingerprint when lines are added above it, when
// its line's blanks change and when its pack's version changes; the same
// rule written twice has two; findings of a new rule are new.
func TestFingerprintsSurviveLineMoves(t *testing.T) {
	before := lintFile(t, fingerprinted, 0)
	if len(before) < 5 {
		t.Fatalf("%d findings, want the b32 gaps, the duplicate and the unknown suppression: %v", len(before), before)
	}
	seen := map[report.Fingerprint]Diagnostic{}
	for _, d := range before {
		if d.Fingerprint == (report.Fingerprint{}) {
			t.Errorf("%s [%s] has no fingerprint", d.Origin, d.Check)
		}
		if other, dup := seen[d.Fingerprint]; dup {
			t.Errorf("%s [%s] and %s [%s] share a fingerprint", d.Origin, d.Check, other.Origin, other.Check)
		}
		seen[d.Fingerprint] = d
	}
	moved := "## controls: X-1\n\n-w /etc/passwd -p wa -k identity\n\n" +
		strings.Replace(fingerprinted, "-S openat -F", "-S openat   -F", 1) +
		"-a always,exit -F arch=b64 -S chmod -F auid>=1000 -k perm\n"
	after := lintFile(t, moved, 1)
	got := map[report.Fingerprint]Diagnostic{}
	for _, d := range after {
		got[d.Fingerprint] = d
	}
	for fp, d := range seen {
		if _, ok := got[fp]; !ok {
			t.Errorf("%s [%s] %q lost its fingerprint when lines moved", d.Origin, d.Check, d.Message)
		}
	}
	newOnes := slices.DeleteFunc(after, func(d Diagnostic) bool { _, old := seen[d.Fingerprint]; return old })
	for _, d := range newOnes {
		if d.Origin.Line != 3 && d.Origin.Line != 11 { // the watch and the chmod rule
			t.Errorf("%s [%s] %q is new, but its line was there before", d.Origin, d.Check, d.Message)
		}
	}
	if len(newOnes) == 0 {
		t.Error("the added chmod rule's findings match old fingerprints")
	}
}

// Findings have no fingerprint unless asked for (computing them costs
// time on a large set).
func TestNoFingerprintsUnlessAsked(t *testing.T) {
	for _, d := range lintText(t, fingerprinted, Options{}).Diagnostics {
		if d.Fingerprint != (report.Fingerprint{}) {
			t.Fatalf("%s [%s] has a fingerprint without Options.Fingerprints", d.Origin, d.Check)
		}
	}
}

func TestAppendCollapsedAndWithoutDigits(t *testing.T) {
	if got := string(appendCollapsed(nil, " \t-a  always,exit\t-S openat  ")); got != "-a always,exit -S openat" {
		t.Errorf("appendCollapsed: %q", got)
	}
	if got := string(appendWithoutDigits(nil, "shadowed by site@1.0.0 30-site.rules:12")); got != "shadowed by site@#.#.# #-site.rules:#" {
		t.Errorf("appendWithoutDigits: %q", got)
	}
}

// With a root, a finding has the same fingerprint in every checkout of
// its project; without one, the path as given counts.
func TestFingerprintRoot(t *testing.T) {
	lintCheckout := func(root string, opts Options) []report.Fingerprint {
		dir := filepath.Join(root, "rules.d")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "30-site.rules"), []byte(fingerprinted), 0o644); err != nil {
			t.Fatal(err)
		}
		opts.Fingerprints = true
		var out []report.Fingerprint
		for _, d := range lintPath(t, dir, opts).Diagnostics {
			out = append(out, d.Fingerprint)
		}
		return out
	}
	a, b := t.TempDir(), t.TempDir()
	if x, y := lintCheckout(a, Options{FingerprintRoot: a}), lintCheckout(b, Options{FingerprintRoot: b}); len(x) == 0 || !slices.Equal(x, y) {
		t.Errorf("two checkouts, each its own root: %v and %v", x, y)
	}
	if x, y := lintCheckout(a, Options{}), lintCheckout(b, Options{}); slices.Equal(x, y) {
		t.Error("two checkouts without a root share fingerprints, though their paths differ")
	}
}
