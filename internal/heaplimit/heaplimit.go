// Package heaplimit keeps the Go heap of one auditpack run within a soft
// limit that grows with its input, so that large rule sets are checked in
// bounded memory: the collector runs as the heap nears the limit, instead
// of whenever it doubles (GOGC's default), which also spares a run the
// collections of a heap growing from nothing (a 100,000-rule compile
// needs none, a 10,000-rule lint a third less CPU). A limit below what a
// run needs never stops it: past the limit the collector takes at most
// half the CPU. The heap of a large input is also backed by huge pages,
// which spares its page faults. docs/performance.md has the measurements.
package heaplimit

import (
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"syscall"
)

const (
	// floor is the least limit: rule sets up to 100,000 lines fit in it
	// (their heap peaks near 120 MB in lint).
	floor = 128 << 20
	// perLine is the heap a line of rules needs in lint at its peak: its
	// model, index and findings (about 1.2 KB whatever the line's width:
	// a rule naming twelve syscalls needs little more than one naming
	// two), with room for the garbage between collections.
	perLine = 1330
	// Before the text is read its lines are not counted: longLine is a
	// line longer than nearly all (inputBytes/longLine lines, fewer than
	// any real text of that size has, set the limit), shortLine one
	// shorter than nearly all (inputBytes/shortLine lines, more than any
	// has, are the heap backed by huge pages, which costs no memory
	// where it is not used).
	longLine, shortLine = 256, 64
)

// Fit raises the limit to fit lines lines of rules text, and leaves the
// collecting to it, unless the user set GOMEMLIMIT or GOGC: the
// collector's settings then stay theirs. Before the text is read, lines
// is 0 and the limit fits the fewest lines inputBytes may hold, and the
// first call backs the heap inputBytes of text will need by huge pages
// (see hugePages) unless GODEBUG has disablethp=1.
func Fit(inputBytes, lines int) {
	if lines == 0 {
		lines = inputBytes / longLine
	}
	if os.Getenv("GOMEMLIMIT") == "" && os.Getenv("GOGC") == "" {
		want := max(floor, int64(perLine)*int64(lines))
		if current := debug.SetMemoryLimit(-1); current == math.MaxInt64 || current < want {
			debug.SetMemoryLimit(want)
		}
		debug.SetGCPercent(-1)
	}
	if !strings.Contains(os.Getenv("GODEBUG"), "disablethp=1") {
		hugePages(perLine * (inputBytes / shortLine))
	}
}

// minHugeHeap is the least heap worth huge pages: the heap of a rules
// text of a megabyte (10,000 rules). Below it a run takes a few
// milliseconds, and huge pages would only round its memory up.
const minHugeHeap = perLine * (1 << 20 / shortLine)

// adviceTaken is set by the first Fit: only it may advise (see hugePages).
var adviceTaken bool

// hugePages asks the kernel to back the next n bytes of heap with huge
// pages. The heap of a large rule set is written once, as it is read,
// and faulting it in 4 KiB at a time was a fifth of a 100,000-rule
// compile's CPU (18,900 faults; 1,400 with huge pages). Go does not ask
// for them (since 1.21.1), and where the host's THP setting is "madvise"
// (Debian's and Ubuntu's default) they come only when asked for; with
// "always" (RHEL's) the heap has them already, with "never" it gets none,
// so only "madvise" asks. The runtime maps the heap as it grows, so the
// space is taken first by a ballast that is never touched, advised, and
// freed: the allocator then hands that space out to what the run
// allocates.
//
// Only the first call of a process advises, before the input is read:
// a ballast made once the heap has been used may take pages the runtime
// clears before handing them out, and then it is touched whole (a 1.2
// GB ballast made after a 12 MB one was: 1.6 s, and 1.2 GB resident).
func hugePages(n int) {
	if adviceTaken {
		return
	}
	adviceTaken = true
	if n < minHugeHeap || thpMode() != "madvise" {
		return
	}
	ballast := make([]byte, n)
	syscall.Madvise(ballast, syscall.MADV_HUGEPAGE) // a refusal leaves 4 KiB pages, as before
	runtime.GC()                                    // frees the ballast's pages to the allocator
}

// thpSetting is where Linux says when it gives huge pages.
var thpSetting = "/sys/kernel/mm/transparent_hugepage/enabled"

// thpMode is the host's setting for transparent huge pages: always,
// madvise or never (the one in brackets), or "" without THP.
func thpMode() string {
	setting, err := os.ReadFile(thpSetting)
	if err != nil {
		return ""
	}
	_, rest, _ := strings.Cut(string(setting), "[")
	mode, _, _ := strings.Cut(rest, "]")
	return mode
}
