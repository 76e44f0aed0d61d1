package packs

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/auditpack/auditpack/packs/model"
)

// FuzzParseFile: any input parses without panicking, every item is the
// line its origin names, a line becomes one item, one error, or an item
// with one error that auditctl loads through, and what parses formats
// idempotently.
func FuzzParseFile(f *testing.F) {
	seeds, _ := filepath.Glob("*/*.rules")
	for _, s := range seeds {
		data, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("-a always,exit -F arch=b64 -S openat -k x # c\n-w /a\\ b -p wa\n\t-e 2\r\n-D -k k\n--backlog_wait_time=1"))
	f.Fuzz(func(t *testing.T, data []byte) {
		file := ParseFile("f.rules", "f.rules", nil, data)
		lines := strings.Split(string(data), "\n")
		seen, refused := map[int]bool{}, map[int]bool{}
		for _, it := range file.Items {
			n := it.Origin.Line
			if n < 1 || n > len(lines) || lines[n-1] != it.Text {
				t.Fatalf("item %q claims line %d", it.Text, n)
			}
			if seen[n] {
				t.Fatalf("line %d gave two results", n)
			}
			seen[n] = true
			// A refused line may still be -c or -i, which set their mode.
			kinds := 0
			for _, is := range []bool{it.Rule != nil, it.Delete != nil, it.Refused != nil, it.Refused == nil && it.Directive.Option != ""} {
				if is {
					kinds++
				}
			}
			if kinds != 1 {
				t.Fatalf("line %d: an item is one of a rule, a delete, a directive or a refused line", n)
			}
			refused[n] = it.Refused != nil
		}
		for _, e := range file.Errors {
			if e.Check == (model.Check{}) || e.Message == "" {
				t.Fatalf("error without check or message: %+v", e)
			}
			if e.Check != model.CheckNotText && seen[e.Origin.Line] && !e.Loads && !refused[e.Origin.Line] {
				t.Fatalf("line %d is both an item and an error that fails the load", e.Origin.Line)
			}
			if refused[e.Origin.Line] && e.Loads {
				t.Fatalf("line %d is refused, but its error says it loads", e.Origin.Line)
			}
			seen[e.Origin.Line] = true
		}
		if len(file.Errors) > 0 {
			return
		}
		// A file that parses formats, to a file with the same items, and
		// formatting again changes nothing.
		out, err := Format("f.rules", data)
		if err != nil {
			t.Fatalf("Format: %v", err)
		}
		again, err := Format("f.rules", out)
		if err != nil || string(again) != string(out) {
			t.Fatalf("Format is not idempotent on %q: %q then %q (%v)", data, out, again, err)
		}
		if n := len(ParseFile("f.rules", "f.rules", nil, out).Items); n != len(file.Items) {
			t.Fatalf("formatted file has %d items, the original %d", n, len(file.Items))
		}
	})
}
