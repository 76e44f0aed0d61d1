package main

import (
	"strings"
	"testing"
)

func TestProgressLine(t *testing.T) {
	var out strings.Builder
	p := newProgressLine(&out)
	p.update(1, 4)
	p.update(2, 4) // within 100 ms of the last draw: not redrawn
	p.update(4, 4) // the last operation is always drawn
	p.end()
	p.end()
	got := out.String()
	if strings.Count(got, "\rapplying: ") != 2 || !strings.Contains(got, "1 of 4 kernel operations") ||
		!strings.Contains(got, "4 of 4 kernel operations, about 0s left") || strings.Count(got, "\n") != 1 {
		t.Errorf("progress drew %q", got)
	}
	var quiet strings.Builder
	newProgressLine(&quiet).end()
	if quiet.Len() != 0 {
		t.Errorf("a line never drawn is ended with %q", quiet.String())
	}
}
