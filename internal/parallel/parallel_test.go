package parallel

import (
	"errors"
	"fmt"
	"runtime"
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

// The pieces are written in order, each once, with each goroutine's
// state its own, on one core or many; a failing write stops the work.
func TestOrderedWritesPiecesInOrder(t *testing.T) {
	for _, procs := range []int{1, 2, 8} {
		t.Run(fmt.Sprint(procs), func(t *testing.T) {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
			const n = 1000
			var out []byte
			err := Ordered(n, func(made *int, i int, buf []byte) []byte {
				*made++ // a race here if two goroutines shared a state
				return fmt.Appendf(buf, "%d,", i)
			}, func(b []byte) error {
				out = append(out, b...)
				return nil
			})
			var want []byte
			for i := range n {
				want = fmt.Appendf(want, "%d,", i)
			}
			if err != nil || string(out) != string(want) {
				t.Fatalf("Ordered wrote %.80q... (%v), want %.80q...", out, err, want)
			}
			failed := errors.New("disk full")
			writes := 0
			err = Ordered(n, func(_ *struct{}, i int, buf []byte) []byte { return append(buf, 'x') }, func([]byte) error {
				writes++
				if writes == 3 {
					return failed
				}
				return nil
			})
			if err != failed || writes != 3 {
				t.Errorf("a write failing at the 3rd piece: error %v after %d writes, want it after 3", err, writes)
			}
		})
	}
}
