// Package text spells counts in messages for people: "1 rule", "2 rules".
package text

import "strconv"

// Count is n with its noun, made plural by "s" unless n is 1.
func Count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}
