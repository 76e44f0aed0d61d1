package packs

import (
	"strings"

	"github.com/auditpack/auditpack/packs/model"
)

// Format rewrites a rules file the way gofmt rewrites Go: each rule and
// directive in its canonical spelling (model.Line.Canonical), comments and
// blank lines as they are. It also removes what breaks a file only where
// it sits: a byte order mark, which auditctl reads as part of the first
// word, and a missing final newline, which glues the last line to the
// next file's first when augenrules concatenates them. A file with other
// lines auditctl would reject is not formatted.
func Format(name string, data []byte) ([]byte, error) {
	text := strings.TrimPrefix(string(data), model.ByteOrderMark)
	if text != "" && !strings.HasSuffix(text, "\n") {
		text += "\n"
	}
	f := ParseFile(name, name, nil, []byte(text))
	for _, e := range f.Errors {
		if !e.Loads {
			return nil, e
		}
	}
	lines := strings.SplitAfter(text, "\n")
	for i := range f.Items {
		it := &f.Items[i]
		// A value ending in a carriage return would end the canonical
		// line with one, which reads as a Windows line ending: such a
		// line stays as written.
		if c := it.Canonical(); !strings.HasSuffix(c, "\r") {
			lines[it.Origin.Line-1] = c + "\n"
		}
	}
	return []byte(strings.Join(lines, "")), nil
}
