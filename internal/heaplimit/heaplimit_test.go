package heaplimit

import (
	"math"
	"runtime/debug"
	"testing"
)

func TestFitGrowsWithInputAndNeverShrinks(t *testing.T) {
	t.Setenv("GOMEMLIMIT", "")
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(math.MaxInt64))
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
	}
}

func TestFitLeavesTheUsersLimit(t *testing.T) {
	t.Setenv("GOMEMLIMIT", "1GiB")
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(math.MaxInt64))
	Fit(100 << 20)
	if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
		t.Errorf("with GOMEMLIMIT set, Fit changed the limit to %d", got)
	}
}
