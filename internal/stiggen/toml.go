package main

import (
	"fmt"
	"strings"

	"github.com/auditpack/auditpack/internal/gentext"
)

// The TOML stiggen writes: requirements.toml and pack.toml, in a fixed
// layout so that a regenerated file equals the committed one byte for
// byte.

// tomlText is a long text as a TOML multi-line literal string, which
// keeps DISA's backslashes and quotes as they are; a text a literal
// string cannot hold is a basic string.
func tomlText(s string) string {
	if strings.Contains(s, "'''") || strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 && r != '\n' && r != '\t' || r == 0x7f }) {
		return gentext.TOMLString(s)
	}
	return "'''\n" + s + "'''"
}

// tomlList is a TOML array of strings: on one line when short, else one
// element a line.
func tomlList(items []string) string {
	q := make([]string, len(items))
	for i, s := range items {
		q[i] = gentext.TOMLString(s)
	}
	one := "[" + strings.Join(q, ", ") + "]"
	if len(one) <= 100 || len(items) == 1 {
		return one
	}
	return "[\n  " + strings.Join(q, ",\n  ") + ",\n]"
}

// tomlTable writes key = value lines, aligned, skipping empty values.
type tomlTable struct {
	b    *strings.Builder
	keys [][2]string
}

func (t *tomlTable) str(key, value string) {
	if value != "" {
		t.keys = append(t.keys, [2]string{key, gentext.TOMLString(value)})
	}
}

func (t *tomlTable) list(key string, values []string) {
	if len(values) > 0 {
		t.keys = append(t.keys, [2]string{key, tomlList(values)})
	}
}

func (t *tomlTable) raw(key, value string) {
	t.keys = append(t.keys, [2]string{key, value})
}

func (t *tomlTable) flush() {
	width := 0
	for _, kv := range t.keys {
		width = max(width, len(kv[0]))
	}
	for _, kv := range t.keys {
		fmt.Fprintf(t.b, "%-*s = %s\n", width, kv[0], kv[1])
	}
	t.keys = nil
}
