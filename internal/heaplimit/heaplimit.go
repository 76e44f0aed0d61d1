// Package heaplimit keeps the Go heap of one auditpack run within a soft
// limit that grows with its input, so that large rule sets are checked in
// bounded memory: the collector runs as the heap nears the limit, instead
// of whenever it doubles (GOGC's default), which also spares a run the
// collections of a heap growing from nothing (a 100,000-rule compile
// needs none). A limit below what a run needs never stops it: past the
// limit the collector takes at most half the CPU.
package heaplimit

import (
	"math"
	"os"
	"runtime/debug"
)

const (
	// floor is the least limit: rule sets up to 100,000 rules fit in it
	// with room to spare (the heap of their model and findings peaks
	// near 110 MB).
	floor = 128 << 20
	// perInputByte is the heap a byte of rules text needs in lint: its
	// model, index and findings peak near 11 bytes per byte.
	perInputByte = 12
)

// Fit raises the limit to fit inputBytes of rules text and leaves the
// collecting to it, unless the user set GOMEMLIMIT or GOGC: the
// collector's settings then stay theirs.
func Fit(inputBytes int) {
	if os.Getenv("GOMEMLIMIT") != "" || os.Getenv("GOGC") != "" {
		return
	}
	want := max(floor, perInputByte*int64(inputBytes))
	if current := debug.SetMemoryLimit(-1); current == math.MaxInt64 || current < want {
		debug.SetMemoryLimit(want)
	}
	debug.SetGCPercent(-1)
}
