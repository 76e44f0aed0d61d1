// Package parallel shares work on the elements of a slice among the
// machine's cores: in a range per core (Chunks) or one element at a time
// (Each), or in pieces of output written in order (Ordered).
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

// Ordered makes n pieces of output on every core and writes them in
// order: piece i is render(state, i, buf), appended to an empty buf,
// and is written by write while later pieces are made. Each goroutine
// has its own state, zero at first; at most two pieces per core are held
// at once. The first error from write stops the work and is returned.
func Ordered[S any](n int, render func(state *S, i int, buf []byte) []byte, write func([]byte) error) error {
	workers := min(runtime.GOMAXPROCS(0), n)
	if workers <= 1 {
		var state S
		var buf []byte
		for i := range n {
			buf = render(&state, i, buf[:0])
			if err := write(buf); err != nil {
				return err
			}
		}
		return nil
	}
	// A goroutine takes a buffer before it takes a piece, so the piece
	// written next always has one: the pieces holding the buffers are
	// the next ones in order.
	free := make(chan []byte, 2*workers)
	for range cap(free) {
		free <- nil
	}
	made := make([]chan []byte, n)
	for i := range made {
		made[i] = make(chan []byte, 1)
	}
	stop := make(chan struct{})
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			var state S
			for {
				var buf []byte
				select {
				case buf = <-free:
				case <-stop:
					return
				}
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				made[i] <- render(&state, i, buf[:0])
			}
		})
	}
	var err error
	for i := range n {
		buf := <-made[i]
		if err = write(buf); err != nil {
			break
		}
		free <- buf
	}
	close(stop)
	wg.Wait()
	return err
}
