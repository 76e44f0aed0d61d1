package packs

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

func TestRequirementsRead(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "site")
	writePack(t, dir, map[string]string{"pack.toml": goodManifest, "50-a.rules": "-w /etc/x -p wa\n", RequirementsName: `standard = "Site policy"
release = "3"

[[requirement]]
id = "SITE-1"
title = "Writes to /etc/x are recorded."
satisfies = ["ORG-9"]
lines = [
  "-w /etc/x -p wa -k x",
  "-f 2",
]

[[requirement]]
id = "SITE-2"
cmdline = ["audit=1", "audit_backlog_limit>=8192"]
outside_rules = "auditd records its own start"
file_mode = "0640"
files = ["/etc/audit/*.rules"]
`})
	src, err := LoadPath(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	reqs, err := src.Pack.Requirements()
	if err != nil || reqs == nil || reqs.Describe() != "Site policy 3" || len(reqs.List) != 2 {
		t.Fatalf("requirements %+v (%v)", reqs, err)
	}
	one, two := reqs.List[0], reqs.List[1]
	if len(one.Lines) != 2 || one.Lines[0].Rule == nil || !one.Lines[1].IsDirective() || one.Lines[0].Origin.Line != 9 || one.Lines[1].Origin.Line != 10 {
		t.Errorf("lines %+v", one.Lines)
	}
	if !slices.Equal(one.Satisfies, []string{"ORG-9"}) || one.Lines[0].Origin.Pack != "site@1.0.0" {
		t.Errorf("satisfies %v, origin %+v", one.Satisfies, one.Lines[0].Origin)
	}
	if len(two.Cmdline) != 2 || two.Cmdline[1].String() != "audit_backlog_limit>=8192" || two.FileMode != 0o640 || two.OutsideRules == "" {
		t.Errorf("cmdline %v, mode %o", two.Cmdline, two.FileMode)
	}
	if !two.Cmdline[1].Met("16384") || two.Cmdline[1].Met("4096") || two.Cmdline[0].Met("0") || !two.Cmdline[0].Met("1") {
		t.Error("cmdline values are compared wrongly")
	}
	if slices.Contains(src.Pack.Ignored, RequirementsName) {
		t.Error("requirements.toml is listed as a file augenrules ignores")
	}
}

func TestRequirementsErrors(t *testing.T) {
	for name, c := range map[string]struct{ body, want string }{
		"not a rule":       {"[[requirement]]\nid = \"A\"\nlines = [\n  \"-a always,exit -F\",\n]\n", `requirements.toml:4: requirement A: .* is not one line auditctl loads`},
		"two lines in one": {"[[requirement]]\nid = \"A\"\nlines = [\"-w /a -p wa\\n-w /b\"]\n", `requirement A: .* not one line`},
		"asks nothing":     {"[[requirement]]\nid = \"A\"\ntitle = \"t\"\n", `requirements.toml:2: requirement A asks for nothing`},
		"repeated id":      {"[[requirement]]\nid = \"A\"\ncmdline = [\"audit=1\"]\n[[requirement]]\nid = \"A\"\ncmdline = [\"audit=1\"]\n", `an id of its own`},
		"bad cmdline":      {"[[requirement]]\nid = \"A\"\ncmdline = [\"audit\"]\n", `cmdline "audit" must be name=value`},
		"bad mode":         {"[[requirement]]\nid = \"A\"\nfile_mode = \"rw\"\nfiles = [\"/x\"]\n", `file_mode "rw" must be octal`},
		"mode no files":    {"[[requirement]]\nid = \"A\"\nfile_mode = \"0600\"\n", `with the files it applies to`},
		"unknown key":      {"[[requirement]]\nid = \"A\"\nrule = [\"-e 2\"]\n", `unknown key "requirement.rule"`},
	} {
		dir := filepath.Join(t.TempDir(), "site")
		writePack(t, dir, map[string]string{"pack.toml": goodManifest, "50-a.rules": "", RequirementsName: c.body})
		_, err := LoadPath(dir, nil)
		if err == nil || !regexp.MustCompile(c.want).MatchString(err.Error()) {
			t.Errorf("%s: got %v, want %q", name, err, c.want)
		}
	}
}

// Every embedded pack's requirements read; a pack's rules are annotated
// with the requirements they meet and those requirements' further
// controls, nothing else, and every requirement its rules can meet has
// rules that say so.
func TestTagsMatchRequirements(t *testing.T) {
	cat, err := NewCatalog()
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, p := range cat.Packs() {
		// The embedded packs' requirements are read when first asked
		// for, not when the catalog is: this is where a broken one fails.
		reqs, err := p.Requirements()
		if err != nil {
			t.Errorf("%s: %v", p.ID(), err)
		}
		if reqs == nil {
			continue
		}
		checked++
		files, err := p.Open(nil)
		if err != nil {
			t.Fatal(err)
		}
		byID := map[string]*Requirement{}
		for _, r := range reqs.List {
			byID[r.ID] = r
		}
		implemented := map[string]bool{}
		for _, f := range files {
			for _, it := range f.Items {
				var allowed []string
				for _, id := range it.Controls {
					if r := byID[id]; r != nil {
						implemented[id] = true
						allowed = append(append(allowed, id), r.Satisfies...)
					}
				}
				for _, id := range it.Controls {
					if !slices.Contains(allowed, id) {
						t.Errorf("%s %s: %s is not a requirement of the line's block nor one it satisfies", p.ID(), it.Origin, id)
					}
				}
			}
		}
		for _, r := range reqs.List {
			needsRules := len(r.Lines) > 0 && !slices.ContainsFunc(r.Lines, func(it *Item) bool {
				return it.Directive.Option == OptFailure || it.Directive.Option == OptEnabled // the profile and finalize set these
			})
			if needsRules && !implemented[r.ID] {
				t.Errorf("no rule of %s implements %s", p.ID(), r.ID)
			}
		}
	}
	if checked != 10 {
		t.Errorf("%d packs state requirements; stig, pci-dss, ospp and the seven CIS packs do", checked)
	}
	if data, _ := os.ReadFile("stig/requirements.toml"); !strings.Contains(string(data), `release  = "V2R9"`) {
		t.Error("the stig requirements do not name the manual's release")
	}
}
