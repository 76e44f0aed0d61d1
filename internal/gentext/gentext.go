// Package gentext is what the content generators (stiggen, cisgen) write
// alike: TOML strings and comments wrapped to a width, so that a
// regenerated file equals the committed one byte for byte.
package gentext

import (
	"fmt"
	"strings"
)

// TOMLString is s as a TOML basic string.
func TOMLString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\u%04X`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// Wrap fills s's words into lines of at most width bytes (a longer word
// stands alone), the first line starting with first and the others with
// rest; no line ends with a space.
func Wrap(s string, width int, first, rest string) []string {
	var out []string
	line, words := first, 0
	for _, w := range strings.Fields(s) {
		if words > 0 && len(line)+1+len(w) > width {
			out = append(out, line)
			line, words = rest, 0
		}
		if words > 0 {
			line += " "
		}
		line += w
		words++
	}
	return append(out, strings.TrimRight(line, " "))
}
