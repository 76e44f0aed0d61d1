package parallel

import (
	"fmt"
	"sync/atomic"
	"testing"
)

// Every element is visited exactly once, whatever n and however many
// cores share the work.
func TestChunksCoverEachElementOnce(t *testing.T) {
	for _, n := range []int{0, 1, minChunk - 1, minChunk, 2*minChunk + 1, 100_003} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			visits := make([]int, n)
			Chunks(n, func(lo, hi int) {
				for i := lo; i < hi; i++ {
					visits[i]++
				}
			})
			for i, v := range visits {
				if v != 1 {
					t.Fatalf("element %d of %d visited %d times", i, n, v)
				}
			}
		})
	}
}

func TestEachCallsEveryIndexOnce(t *testing.T) {
	for _, n := range []int{0, 1, 2, 3, 1000} {
		calls := make([]atomic.Int32, n)
		Each(n, func(i int) { calls[i].Add(1) })
		for i := range calls {
			if c := calls[i].Load(); c != 1 {
				t.Fatalf("n=%d: index %d called %d times", n, i, c)
			}
		}
	}
}
