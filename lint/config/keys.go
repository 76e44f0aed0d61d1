package config

import (
	"strings"

	"github.com/BurntSushi/toml"
)

// keyLines finds where each key of a TOML document is written: its full
// dotted name (as toml.Key's String writes it) -> the lines that set it,
// in order (a table of an array of tables has one line per entry). The
// TOML reader keeps no positions for keys it decoded, and an unknown or
// bad key is best reported at its line. Keys inside inline tables and
// values spanning lines other than arrays are not found; their errors
// name the file alone.
func keyLines(doc string) map[string][]int {
	lines := map[string][]int{}
	var table []string
	depth := 0 // of a multi-line array's brackets
	for i, line := range strings.Split(doc, "\n") {
		line = strings.TrimSpace(line)
		if depth > 0 {
			depth += bracketDepth(line)
			continue
		}
		if line == "" || line[0] == '#' {
			continue
		}
		if line[0] == '[' {
			inner := strings.TrimPrefix(line, "[")
			inner = strings.TrimPrefix(inner, "[")
			end := strings.IndexByte(inner, ']')
			if end < 0 {
				continue
			}
			table = splitKey(inner[:end])
			name := toml.Key(table).String()
			lines[name] = append(lines[name], i+1)
			continue
		}
		eq := indexOutsideQuotes(line, '=')
		if eq < 0 {
			continue
		}
		name := toml.Key(append(append([]string(nil), table...), splitKey(line[:eq])...)).String()
		lines[name] = append(lines[name], i+1)
		depth = bracketDepth(line[eq+1:])
	}
	return lines
}

// splitKey splits a dotted key at the dots outside quotes, unquoting its
// parts.
func splitKey(s string) []string {
	var parts []string
	for {
		dot := indexOutsideQuotes(s, '.')
		if dot < 0 {
			return append(parts, unquote(s))
		}
		parts = append(parts, unquote(s[:dot]))
		s = s[dot+1:]
	}
}

func unquote(s string) string {
	s = strings.TrimSpace(s)
	if len(s) >= 2 && (s[0] == '"' || s[0] == '\'') && s[len(s)-1] == s[0] {
		return s[1 : len(s)-1]
	}
	return s
}

// indexOutsideQuotes is the index of the first c in s that is not inside
// a quoted string or a comment, or -1.
func indexOutsideQuotes(s string, c byte) int {
	at := -1
	outsideQuotes(s, func(i int) bool {
		if s[i] == c {
			at = i
			return false
		}
		return true
	})
	return at
}

// bracketDepth is how many more brackets s opens than it closes, outside
// quoted strings and comments.
func bracketDepth(s string) int {
	depth := 0
	outsideQuotes(s, func(i int) bool {
		switch s[i] {
		case '[':
			depth++
		case ']':
			depth--
		}
		return true
	})
	return depth
}

// outsideQuotes calls visit with the index of each byte of s that is
// neither in a quoted string nor in a comment, until visit returns false.
func outsideQuotes(s string, visit func(i int) bool) {
	var quote byte
	for i := 0; i < len(s); i++ {
		switch {
		case quote != 0:
			if s[i] == '\\' && quote == '"' {
				i++
			} else if s[i] == quote {
				quote = 0
			}
		case s[i] == '"' || s[i] == '\'':
			quote = s[i]
		case s[i] == '#':
			return
		case !visit(i):
			return
		}
	}
}
