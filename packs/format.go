package packs

import "strings"

// Format rewrites a rules file the way gofmt rewrites Go: each rule and
// directive in its canonical spelling (model.Line.Canonical), comments and
// blank lines as they are. A file with lines auditctl would reject is not
// formatted.
func Format(name string, data []byte) ([]byte, error) {
	f := ParseFile(name, name, nil, data)
	for _, e := range f.Errors {
		if !e.Loads {
			return nil, e
		}
	}
	lines := strings.SplitAfter(string(data), "\n")
	for i := range f.Items {
		it := &f.Items[i]
		n := it.Origin.Line - 1
		end := ""
		if strings.HasSuffix(lines[n], "\n") {
			end = "\n"
		}
		lines[n] = it.Canonical() + end
	}
	return []byte(strings.Join(lines, "")), nil
}
