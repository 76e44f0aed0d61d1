package gentext

import (
	"slices"
	"strings"
	"testing"
)

func TestWrap(t *testing.T) {
	long := strings.Repeat("x", 30)
	for _, c := range []struct {
		s, first, rest string
		width          int
		want           []string
	}{
		{"", "## ", "## ", 20, []string{"##"}},
		{"a b c", "## ", "## ", 20, []string{"## a b c"}},
		{"aaaa bbbb cccc dddd", "## ", "## ", 12, []string{"## aaaa bbbb", "## cccc dddd"}},
		{"aaaa bbbb cccc", "- ", "  ", 9, []string{"- aaaa", "  bbbb", "  cccc"}},
		{long + " b", "# ", "# ", 10, []string{"# " + long, "# b"}},
	} {
		if got := Wrap(c.s, c.width, c.first, c.rest); !slices.Equal(got, c.want) {
			t.Errorf("Wrap(%q, %d, %q, %q) = %q, want %q", c.s, c.width, c.first, c.rest, got, c.want)
		}
	}
}

func TestTOMLString(t *testing.T) {
	for s, want := range map[string]string{
		`plain`:            `"plain"`,
		`say "hi" \ there`: `"say \"hi\" \\ there"`,
		"tab\tand\nline":   `"tab\tand\nline"`,
		"bell\a del\x7f":   `"bell\u0007 del\u007F"`,
		"ünïcode":          `"ünïcode"`,
	} {
		if got := TOMLString(s); got != want {
			t.Errorf("TOMLString(%q) = %s, want %s", s, got, want)
		}
	}
}
