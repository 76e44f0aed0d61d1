package model

import (
	"fmt"
	"slices"
	"strings"
)

// Canonical is the line in the spelling auditpack fmt writes: the
// action before the list, the fields in the order written (the kernel
// compares them in order) with -S where it stood, keys last as auditctl -l
// spells them, watch permissions in rwxa order. Directives written with
// spaces around them are kept as written: Debian's augenrules reads them
// differently.
func (l *Line) Canonical() string {
	if l.IsDirective() {
		if l.Text != strings.TrimSpace(l.Text) {
			return l.Text
		}
		d := l.Directive
		switch {
		case d.Key != "":
			return "-D -k " + escape(d.Key)
		case d.Value != "":
			return string(d.Option) + " " + d.Value
		}
		return string(d.Option)
	}
	r := l.Rule
	if r == nil {
		return l.Text
	}
	var b strings.Builder
	if r.Watch != "" {
		b.WriteString("-w " + escape(r.Watch))
		if r.PermGiven {
			b.WriteString(" -p " + PermText(uint32(r.Perm)))
		}
		writeFields(&b, r.Fields)
		// An empty key cannot be a -k word of its own; keys around a
		// separator byte are written as the one joined key they are.
		keys := r.Keys
		if slices.Contains(keys, "") {
			keys = []string{strings.Join(keys, keySep)}
		}
		for _, k := range keys {
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
	for _, k := range r.Keys { // the reader has split keys holding the separator
		b.WriteString(" -F key=" + escape(k))
	}
	return b.String()
}

func writeFields(b *strings.Builder, fields []Field) {
	for _, f := range fields {
		switch {
		case f.Kind == KindCompare:
			fmt.Fprintf(b, " -C %s%s%s", f.Name(), f.Op, f.Text)
		case f.Def != nil && f.Def.Number == fieldKey:
			// A key written as a field in another case (-F KEY=x) is a
			// field where it stands; auditctl moves "-F key=" (exactly so)
			// to the end and joins it with -k. The spelling keeps it a
			// field: the kernel compares the fields in order.
			fmt.Fprintf(b, " -F Key%s%s", f.Op, escape(f.Text))
		default:
			fmt.Fprintf(b, " -F %s%s%s", f.Name(), f.Op, escape(f.Text))
		}
	}
}

// escape writes a value the way auditctl reads it back: a backslash and a
// space are escaped.
func escape(s string) string { return escaper.Replace(s) }

// escaper is built once: building a Replacer was most of fmt's time.
var escaper = strings.NewReplacer(`\`, `\\`, " ", `\ `)
