package heaplimit

import (
	"math"
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
