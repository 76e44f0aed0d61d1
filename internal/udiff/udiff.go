// Package udiff prints the difference of two texts as diff -u does.
package udiff

import (
	"fmt"
	"strings"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// Unified compares two texts line by line and prints the changes as
// diff -u does, with three lines of context; paint colours a part (ANSI
// code, text) or returns it as it is. Equal texts give "".
func Unified(oldName, newName, a, b string, paint func(code, s string) string) string {
	lines := lineDiff(a, b)
	if !hasChanges(lines) {
		return ""
	}
	var sb strings.Builder
	sb.WriteString(paint("1", "--- "+oldName) + "\n" + paint("1", "+++ "+newName) + "\n")
	writeHunks(&sb, lines, paint)
	return sb.String()
}

// diffLine is one line of a diff: ' ' in both texts, '-' only in the
// first, '+' only in the second.
type diffLine struct {
	op   byte
	text string
}

func lineDiff(a, b string) []diffLine {
	dmp := diffmatchpatch.New()
	dmp.DiffTimeout = 0
	ra, rb, lines := dmp.DiffLinesToRunes(a, b)
	var out []diffLine
	for _, d := range dmp.DiffCharsToLines(dmp.DiffMainRunes(ra, rb, false), lines) {
		op := byte(' ')
		switch d.Type {
		case diffmatchpatch.DiffDelete:
			op = '-'
		case diffmatchpatch.DiffInsert:
			op = '+'
		}
		for _, l := range strings.SplitAfter(d.Text, "\n") {
			if l != "" {
				out = append(out, diffLine{op, strings.TrimSuffix(l, "\n")})
			}
		}
	}
	return out
}

const context = 3

func hasChanges(lines []diffLine) bool {
	for _, l := range lines {
		if l.op != ' ' {
			return true
		}
	}
	return false
}

// writeHunks prints the changed lines with three lines of context each,
// under @@ headers that give the line ranges, as diff -u does.
func writeHunks(b *strings.Builder, lines []diffLine, paint func(string, string) string) {
	oldLine, newLine := make([]int, len(lines)), make([]int, len(lines))
	o, n := 1, 1
	for i, l := range lines {
		oldLine[i], newLine[i] = o, n
		if l.op != '+' {
			o++
		}
		if l.op != '-' {
			n++
		}
	}
	for i := 0; i < len(lines); {
		if lines[i].op == ' ' {
			i++
			continue
		}
		start := max(0, i-context)
		end := i
		for end < len(lines) {
			if lines[end].op != ' ' {
				end++
				continue
			}
			run := end
			for run < len(lines) && lines[run].op == ' ' {
				run++
			}
			if run-end > 2*context || run == len(lines) {
				end = min(len(lines), end+context)
				break
			}
			end = run
		}
		oldCount, newCount := 0, 0
		for _, l := range lines[start:end] {
			if l.op != '+' {
				oldCount++
			}
			if l.op != '-' {
				newCount++
			}
		}
		b.WriteString(paint("36", fmt.Sprintf("@@ -%d,%d +%d,%d @@", oldLine[start], oldCount, newLine[start], newCount)) + "\n")
		for _, l := range lines[start:end] {
			switch l.op {
			case '-':
				b.WriteString(paint("31", "-"+l.text) + "\n")
			case '+':
				b.WriteString(paint("32", "+"+l.text) + "\n")
			default:
				b.WriteString(" " + l.text + "\n")
			}
		}
		i = end
	}
}
