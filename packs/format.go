package packs

import (
	"fmt"
	"strings"

	"github.com/elastic/go-libaudit/v2/rule"
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
	if len(f.Errors) > 0 {
		return nil, f.Errors[0]
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
	switch r := it.Rule.(type) {
	case *rule.FileWatchRule:
		s := "-w " + escape(r.Path)
		if len(r.Permissions) > 0 {
			s += " -p " + permLetters(r.Permissions)
		}
		return s + keyWords(r.Keys)
	case *rule.SyscallRule:
		if strings.HasPrefix(strings.TrimSpace(it.Text), "-w") {
			return watchWithFields(it.Text)
		}
		return syscallCanonical(it, r)
	}
	return it.Text
}

// watchWithFields keeps the form of a watch written with -F (auditctl
// turns it into a syscall rule) and only respaces it, splitting exactly as
// auditctl does: on spaces, never on tabs or form feeds inside a word.
func watchWithFields(text string) string {
	ws := words(text, nil)
	for i, w := range ws {
		ws[i] = escape(w)
	}
	return strings.Join(ws, " ")
}

func syscallCanonical(it *Item, r *rule.SyscallRule) string {
	var b strings.Builder
	option := "-a"
	if r.Type == rule.PrependSyscallRuleType {
		option = "-A"
	}
	fmt.Fprintf(&b, "%s %s,%s", option, r.Action, r.List)
	syscalls := ""
	if len(r.Syscalls) > 0 {
		var seen []string
		for _, s := range r.Syscalls {
			if !contains(seen, s) {
				seen = append(seen, s)
			}
		}
		syscalls = " -S " + escape(strings.Join(seen, ","))
	}
	var fieldKeys []string
	for i, f := range r.Filters {
		if i == it.FiltersBeforeSyscalls {
			b.WriteString(syscalls)
			syscalls = ""
		}
		switch {
		case f.Type == rule.InterFieldFilterType:
			fmt.Fprintf(&b, " -C %s%s%s", f.LHS, f.Comparator, f.RHS)
		case f.LHS == "key":
			fieldKeys = append(fieldKeys, f.RHS)
		default:
			fmt.Fprintf(&b, " -F %s%s%s", f.LHS, f.Comparator, escape(f.RHS))
		}
	}
	b.WriteString(syscalls)
	for _, k := range append(fieldKeys, r.Keys...) {
		b.WriteString(" -F key=" + escape(k))
	}
	return b.String()
}

// keyWords spells a watch's keys as -k, the way auditctl -l lists watches.
func keyWords(keys []string) string {
	var b strings.Builder
	for _, k := range keys {
		b.WriteString(" -k " + escape(k))
	}
	return b.String()
}

func permLetters(perms []rule.AccessType) string {
	var b strings.Builder
	for _, c := range []struct {
		t rule.AccessType
		l byte
	}{{rule.ReadAccessType, 'r'}, {rule.WriteAccessType, 'w'}, {rule.ExecuteAccessType, 'x'}, {rule.AttributeChangeAccessType, 'a'}} {
		for _, p := range perms {
			if p == c.t {
				b.WriteByte(c.l)
				break
			}
		}
	}
	return b.String()
}

// escape writes a value the way auditctl reads it back: a backslash and a
// space are escaped.
func escape(s string) string {
	return strings.NewReplacer(`\`, `\\`, " ", `\ `).Replace(s)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
