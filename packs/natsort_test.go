package packs

import (
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The order the lint reference measured with ls -1v and sort -V.
func TestVersionLessKnownOrder(t *testing.T) {
	want := []string{"1.5", "1.10", "9-z", "10-a", "30-STIG", "30-stig", "30-stig-extra", "30-stig_b", "99-finalize", "099-x", "100-a", "a"}
	got := slices.Clone(want)
	rand.New(rand.NewSource(1)).Shuffle(len(got), func(i, j int) { got[i], got[j] = got[j], got[i] })
	slices.SortFunc(got, cmpVersion)
	if !slices.Equal(got, want) {
		t.Errorf("sorted %v, want %v", got, want)
	}
	// The suffix is cut before comparing: the base file sorts first.
	if !VersionLess("30-ospp-v42.rules", "30-ospp-v42-1-create-failed.rules") {
		t.Error("30-ospp-v42.rules must sort before 30-ospp-v42-1-create-failed.rules, as in ls -v")
	}
}

func cmpVersion(a, b string) int {
	switch {
	case VersionLess(a, b):
		return -1
	case VersionLess(b, a):
		return 1
	}
	return 0
}

// TestVersionLessMatchesLs compares with GNU ls -1v, which augenrules
// calls, on names built from the pieces that decide order: digits with and
// without leading zeros, case, '-', '_', '.', '~' and suffixes.
func TestVersionLessMatchesLs(t *testing.T) {
	if _, err := exec.LookPath("ls"); err != nil {
		t.Skip("no ls here")
	}
	pieces := []string{"0", "00", "1", "01", "9", "10", "099", "99", "100", "a", "A", "b", "-", "_", ".", "~", "rules", ".rules", ".bak", "stig", "STIG", "-1", ".1", "x.y", "1.10", "1.5"}
	r := rand.New(rand.NewSource(42))
	names := map[string]bool{}
	for len(names) < 600 {
		n := 1 + r.Intn(4)
		var b strings.Builder
		for i := 0; i < n; i++ {
			b.WriteString(pieces[r.Intn(len(pieces))])
		}
		name := b.String()
		if name == "." || name == ".." || strings.HasPrefix(name, ".") || strings.Contains(name, "/") {
			continue
		}
		names[name] = true
	}
	dir := t.TempDir()
	for n := range names {
		if err := os.WriteFile(filepath.Join(dir, n), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command("ls", "-1v", dir)
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	got := slices.Sorted(func(yield func(string) bool) {
		for n := range names {
			if !yield(n) {
				return
			}
		}
	})
	slices.SortFunc(got, cmpVersion)
	if !slices.Equal(got, want) {
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("first difference at %d: got %q, ls -1v has %q\ngot  %q\nwant %q", i, got[i], want[i], got[max(0, i-3):min(len(got), i+3)], want[max(0, i-3):min(len(want), i+3)])
			}
		}
	}
}
