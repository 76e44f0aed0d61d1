package lint

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/auditpack/auditpack/compile"
	"github.com/auditpack/auditpack/internal/report"
	"github.com/auditpack/auditpack/packs"
	"github.com/auditpack/auditpack/packs/model"
)

// FuzzLint runs every check on two arbitrary rule files merged as
// augenrules would, for every target: no check may fail (a recovered
// panic comes back as an error), every diagnostic points at a line of its
// file, and every output format writes.
func FuzzLint(f *testing.F) {
	examples, _ := filepath.Glob("testdata/*/*.rules")
	single, _ := filepath.Glob("testdata/*.rules")
	examples = append(examples, single...)
	for i, name := range examples {
		first, _ := os.ReadFile(name)
		second, _ := os.ReadFile(examples[len(examples)-1-i])
		f.Add(first, second)
	}
	f.Add([]byte("-a never,exit -S all\n-e 2\n"), []byte("-D\n-a always,exit -F arch=b64 -S openat -k x\n-e 1\n"))
	var targets []*model.Target
	for _, name := range model.TargetNames() {
		t, err := model.LookupTarget(name)
		if err != nil {
			f.Fatal(err)
		}
		targets = append(targets, t)
	}
	f.Fuzz(func(t *testing.T, first, second []byte) {
		sel := &packs.Selection{}
		files := []*packs.File{
			packs.ParseFile("20-second.rules", "20-second.rules", nil, second),
			packs.ParseFile("10-first.rules", "10-first.rules", nil, first),
		}
		if err := sel.AddSource(&packs.Source{Files: files}); err != nil {
			t.Fatal(err)
		}
		lines := map[string]int{
			"10-first.rules":  bytes.Count(first, []byte("\n")) + 1,
			"20-second.rules": bytes.Count(second, []byte("\n")) + 1,
		}
		res, err := Run(compile.Build(sel, targets...), Options{})
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range res.Diagnostics {
			if d.Check == "" || d.Message == "" {
				t.Fatalf("diagnostic without check or message: %+v", d)
			}
			if n, ok := lines[d.Origin.File]; ok && (d.Origin.Line < 1 || d.Origin.Line > n) {
				t.Fatalf("%s points at %s:%d, past the file's %d lines", d.Check, d.Origin.File, d.Origin.Line, n)
			}
		}
		for name, write := range report.Formats {
			var out bytes.Buffer
			if err := write(&out, &res.Findings, "fuzz"); err != nil {
				t.Fatalf("--format %s: %v", name, err)
			}
			if (name == "json" || name == "sarif") && !json.Valid(out.Bytes()) {
				t.Fatalf("--format %s wrote invalid JSON", name)
			}
		}
	})
}
