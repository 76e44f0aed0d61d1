package main

import (
	"fmt"
	"io"
	"time"
)

// progressLine shows a long apply's progress on one terminal line:
// operations done of all, and the time left estimated from the pace so
// far (deletes wait an RCU grace period, ~12 ms on some kernels, so a
// large replace can take half a minute). It redraws at most every 100 ms.
type progressLine struct {
	w             io.Writer
	start, drawn  time.Time
	shown, closed bool
}

func newProgressLine(w io.Writer) *progressLine { return &progressLine{w: w, start: time.Now()} }

func (p *progressLine) update(done, total int) {
	now := time.Now()
	if done < total && now.Sub(p.drawn) < 100*time.Millisecond {
		return
	}
	p.drawn, p.shown = now, true
	elapsed := now.Sub(p.start)
	left := time.Duration(float64(elapsed) / float64(done) * float64(total-done)).Round(time.Second)
	fmt.Fprintf(p.w, "\rapplying: %d of %d kernel operations, about %v left   ", done, total, left)
}

// end finishes the line, if one was drawn.
func (p *progressLine) end() {
	if p.shown && !p.closed {
		p.closed = true
		fmt.Fprintln(p.w)
	}
}
