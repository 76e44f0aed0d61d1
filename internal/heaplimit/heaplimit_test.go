package heaplimit

import (
	"math"
	"os"
	"path/filepath"
	"runtime/debug"
	"testing"
)

func TestFitGrowsWithInputAndNeverShrinks(t *testing.T) {
	t.Setenv("GOMEMLIMIT", "")
	t.Setenv("GOGC", "")
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(math.MaxInt64))
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	for _, c := range []struct {
		input int
		want  int64
	}{
		{0, floor},
		{1 << 20, floor},
		{100 << 20, perInputByte * 100 << 20},
		{1 << 20, perInputByte * 100 << 20}, // a smaller set later keeps the larger limit
	} {
		Fit(c.input)
		if got := debug.SetMemoryLimit(-1); got != c.want {
			t.Errorf("after Fit(%d): limit %d, want %d", c.input, got, c.want)
		}
		if percent := debug.SetGCPercent(-1); percent != -1 {
			t.Errorf("after Fit(%d): GOGC %d, want off (the limit collects)", c.input, percent)
		}
	}
}

func TestFitLeavesTheUsersSettings(t *testing.T) {
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(math.MaxInt64))
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	for _, env := range []string{"GOMEMLIMIT", "GOGC"} {
		t.Run(env, func(t *testing.T) {
			t.Setenv("GOMEMLIMIT", "")
			t.Setenv("GOGC", "")
			t.Setenv(env, "1000")
			Fit(100 << 20)
			if limit, percent := debug.SetMemoryLimit(-1), debug.SetGCPercent(100); limit != math.MaxInt64 || percent != 100 {
				t.Errorf("with %s set, Fit set the limit to %d and GOGC to %d", env, limit, percent)
			}
		})
	}
}

func TestSizeOfFilesAndDirectories(t *testing.T) {
	dir := t.TempDir()
	for name, size := range map[string]int{"10-a.rules": 100, "20-b.rules": 50} {
		if err := os.WriteFile(filepath.Join(dir, name), make([]byte, size), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	if got := SizeOf([]string{dir, filepath.Join(dir, "10-a.rules"), filepath.Join(dir, "missing"), "-"}); got != 250 {
		t.Errorf("SizeOf = %d, want 250 (the directory's two files, one file again, nothing for the rest)", got)
	}
}
