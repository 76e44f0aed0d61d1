// Package heaplimit keeps the Go heap of one auditpack run within a soft
// limit that grows with its input, so that large rule sets are checked in
// bounded memory: the collector works harder near the limit instead of
// letting the heap reach twice what is live (GOGC's default). A limit
// below what a run needs never stops it: past the limit the collector
// takes at most half the CPU.
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

// Fit raises the limit to fit inputBytes of rules text, unless the user
// set GOMEMLIMIT, which stays theirs.
func Fit(inputBytes int) {
	if os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	want := max(floor, perInputByte*int64(inputBytes))
	if current := debug.SetMemoryLimit(-1); current == math.MaxInt64 || current < want {
		debug.SetMemoryLimit(want)
	}
}
