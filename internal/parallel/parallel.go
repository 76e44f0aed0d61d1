// Package parallel shares work on the elements of a slice among the
// machine's cores: in a range per core (Chunks) or one element at a time
// (Each).
package parallel

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// minChunk is the fewest elements worth a goroutine: below it, starting
// one costs more than the work it takes over.
const minChunk = 2048

// Chunks calls each on consecutive ranges [lo, hi) that together cover
// [0, n), one range per core at most, concurrently, and returns when all
// are done. Small n runs in the caller's goroutine. each must not write
// to anything another range reads.
func Chunks(n int, each func(lo, hi int)) {
	parts := min(runtime.GOMAXPROCS(0), n/minChunk)
	if parts <= 1 {
		each(0, n)
		return
	}
	var wg sync.WaitGroup
	for p := range parts {
		lo, hi := n*p/parts, n*(p+1)/parts
		if p == parts-1 {
			each(lo, hi) // the caller takes the last range
			break
		}
		wg.Go(func() { each(lo, hi) })
	}
	wg.Wait()
}

// Each calls do(i) for every i in [0, n), concurrently, each call taken by
// the first core that comes free: for work whose parts differ much in
// cost. It returns when all are done; do must not write to anything
// another call reads.
func Each(n int, do func(i int)) {
	var next atomic.Int32
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), n) {
		wg.Go(func() {
			for i := int(next.Add(1)) - 1; i < n; i = int(next.Add(1)) - 1 {
				do(i)
			}
		})
	}
	wg.Wait()
}
