// Package parallel splits work on the elements of a slice among the
// machine's cores.
package parallel

import (
	"runtime"
	"sync"
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
