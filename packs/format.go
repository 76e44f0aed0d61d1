package packs

import (
	"fmt"
	"slices"
	"strings"

	"github.com/auditpack/auditpack/packs/model"
)

// Format rewrites a rules file in canonical spelling, the way gofmt does
// for Go: one space between words, the action before the list (-a
// always,exit), the fields in the order written (it is part of what the
// kernel compares) with -S where it stood, keys last, spelled as auditctl
// -l spells them (-F key= on rules, -k on watches), watch permissions in
// rwxa order. Comments, blank lines and directives written
// with spaces around them (which Debian's augenrules treats differently;
// lint reports them) are kept as they are. A file with lines auditctl
// would reject is not formatted.
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
		lines[n] = canonical(it) + end
	}
	return []byte(strings.Join(lines, "")), nil
}

// canonical is an item's text in canonical spelling.
func canonical(it *Item) string {
	if it.IsDirective() {
		if it.Text != strings.TrimSpace(it.Text) {
			return it.Text
		}
		d := it.Directive
		switch {
		case d.Key != "":
			return "-D -k " + escape(d.Key)
		case d.Value != "":
			return string(d.Option) + " " + d.Value
		}
		return string(d.Option)
	}
	r := it.Rule
	if r == nil {
		return it.Text
	}
	var b strings.Builder
	if r.Watch != "" {
		b.WriteString("-w " + escape(r.Watch))
		if r.PermGiven {
			b.WriteString(" -p " + model.PermText(uint32(r.Perm)))
		}
		writeFields(&b, r.Fields)
		for _, k := range r.Keys {
			b.WriteString(" -k " + escape(k))
		}
		return b.String()
	}
	option := "-a"
	if r.Prepend {
		option = "-A"
	}
	fmt.Fprintf(&b, "%s %s,%s", option, r.Action, r.List)
	syscalls := ""
	if r.SyscallsGiven {
		var seen []string
		for _, s := range r.Syscalls {
			if !slices.Contains(seen, s) {
				seen = append(seen, s)
			}
		}
		list := strings.Join(seen, ",")
		if list == "" {
			list = "," // -S with only commas: a rule that sees no syscall
		}
		syscalls = " -S " + escape(list)
	}
	at := r.FieldsBeforeSyscalls
	if at < 0 {
		at = len(r.Fields)
	}
	writeFields(&b, r.Fields[:at])
	b.WriteString(syscalls)
	writeFields(&b, r.Fields[at:])
	for _, k := range r.Keys {
		b.WriteString(" -F key=" + escape(k))
	}
	return b.String()
}

func writeFields(b *strings.Builder, fields []model.Field) {
	for _, f := range fields {
		if f.Kind == model.KindCompare {
			fmt.Fprintf(b, " -C %s%s%s", f.Name, f.Op, f.Text)
		} else {
			fmt.Fprintf(b, " -F %s%s%s", f.Name, f.Op, escape(f.Text))
		}
	}
}

// escape writes a value the way auditctl reads it back: a backslash and a
// space are escaped.
func escape(s string) string {
	return strings.NewReplacer(`\`, `\\`, " ", `\ `).Replace(s)
}
