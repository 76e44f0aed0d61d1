package packs_test

import (
	"bytes"
	"os"
	"testing"

	"github.com/auditpack/auditpack/apply"
	"github.com/auditpack/auditpack/internal/corpus"
	"github.com/auditpack/auditpack/packs"
	"github.com/auditpack/auditpack/packs/model"
)

func TestFormatCanonical(t *testing.T) {
	cases := map[string]string{
		"-a exit,always  -F arch=b64 -S open -S openat -F key=x\n":                      "-a always,exit -F arch=b64 -S open,openat -F key=x\n",
		"-w /etc/passwd  -k id -p aw\n":                                                 "-w /etc/passwd -p wa -k id\n",
		"-S openat -a always,exit -F uid=0\n":                                           "-a always,exit -S openat -F uid=0\n",
		"-A never,exit -F arch=b32 -S all -F exe=/a\\ b -F auid!=unset\n":               "-A never,exit -F arch=b32 -S all -F exe=/a\\ b -F auid!=unset\n",
		"-b   8192\n## comment  kept\n\n  -f 2\n-D  -k old\n":                           "-b 8192\n## comment  kept\n\n  -f 2\n-D -k old\n",
		"-a always,exit -F arch=b64 -S execve -C uid!=euid -F euid=0 -F key=a -F key=b": "-a always,exit -F arch=b64 -S execve -C uid!=euid -F euid=0 -F key=a -F key=b\n",
		// A byte order mark goes, a missing final newline is added.
		"\ufeff-D\n-b 8192": "-D\n-b 8192\n",
		"\ufeff## x\n":      "## x\n",
		"":                  "",
	}
	for in, want := range cases {
		got, err := packs.Format("t.rules", []byte(in))
		if err != nil {
			t.Fatalf("%q: %v", in, err)
		}
		if string(got) != want {
			t.Errorf("Format(%q)\n got %q\nwant %q", in, got, want)
		}
	}
	if _, err := packs.Format("t.rules", []byte("-a always,exit -S open # c\n")); err == nil {
		t.Error("a file with a rejected line was formatted")
	}
}

// Formatting never changes what the kernel gets: every rule keeps its
// kernel identity and go-libaudit wire data, every directive its value;
// and formatting twice changes nothing more.
func TestFormatKeepsMeaning(t *testing.T) {
	files := corpus.RuleFiles(t, "*/*.rules", "*/*/*.rules", "../lint/testdata/*.rules", "../compile/testdata/*/*.rules")
	x86 := model.Targets["x86_64"]
	checked := 0
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		before := packs.ParseFile("f", path, nil, data)
		if len(before.Errors) > 0 {
			continue // such files are not formatted
		}
		out, err := packs.Format(path, data)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		again, err := packs.Format(path, out)
		if err != nil || !bytes.Equal(again, out) {
			t.Errorf("%s: formatting is not idempotent (%v)", path, err)
		}
		after := packs.ParseFile("f", path, nil, out)
		if len(after.Errors) > 0 || len(after.Items) != len(before.Items) {
			t.Fatalf("%s: formatted file parses to %d items (%v), original %d", path, len(after.Items), after.Errors, len(before.Items))
		}
		for i := range before.Items {
			a, b := &before.Items[i], &after.Items[i]
			if a.Directive != b.Directive {
				t.Errorf("%s:%d: directive %+v became %+v", path, a.Origin.Line, a.Directive, b.Directive)
			}
			if a.Rule == nil {
				continue
			}
			if ia, ib := model.Normalize(a, x86).Identity(), model.Normalize(b, x86).Identity(); ia != ib {
				t.Errorf("%s:%d: %q became %q, another rule to the kernel", path, a.Origin.Line, a.Text, b.Text)
			}
			// apply.Build sends what auditctl sends (-F key= joined with
			// -k); go-libaudit's own Build keeps each -F key= apart.
			wa, errA := apply.Build(a, model.Normalize(a, x86), x86)
			wb, errB := apply.Build(b, model.Normalize(b, x86), x86)
			if (errA == nil) != (errB == nil) || errA == nil && (!bytes.Equal(wa.Wire, wb.Wire) || wa.Prepend != wb.Prepend) {
				t.Errorf("%s:%d: wire data differs after formatting %q", path, a.Origin.Line, a.Text)
			}
			checked++
		}
	}
	if min := corpus.AtLeast(t, 500, 300); checked < min {
		t.Errorf("only %d rules checked, want %d", checked, min)
	}
	t.Logf("%d rules keep their kernel identity and wire data", checked)
}
