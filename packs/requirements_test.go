package packs

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/auditpack/auditpack/packs/model"
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
	if len(two.Cmdline) != 2 || two.Cmdline[1].String() != "audit_backlog_limit>=8192" || len(two.Paths) != 1 || two.Paths[0].Mode != 0o640 || !two.Paths[0].HasMode || two.OutsideRules == "" {
		t.Errorf("cmdline %v, paths %+v", two.Cmdline, two.Paths)
	}
	if !two.Cmdline[1].Met("16384") || two.Cmdline[1].Met("4096") || two.Cmdline[0].Met("0") || !two.Cmdline[0].Met("1") {
		t.Error("cmdline values are compared wrongly")
	}
	if slices.Contains(src.Pack.Ignored, RequirementsName) {
		t.Error("requirements.toml is listed as a file augenrules ignores")
	}
}

// A STIG's requirement: its manual's identifiers and texts, the fix
// text's other lines, forbidden rules, auditd.conf settings and file
// attributes.
func TestRequirementsReadSTIGFields(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "site")
	writePack(t, dir, map[string]string{"pack.toml": goodManifest, "50-a.rules": "-w /etc/x -p wa\n", RequirementsName: `standard = "DISA X STIG"
release = "V1R2"

[benchmark]
id = "X_STIG"
title = "X Security Technical Implementation Guide"
version = "1"
release_info = "Release: 2 Benchmark Date: 01 Jul 2026"
manual = "x-manual.xml"

[[requirement]]
id = "X-01-000010"
vuln = "V-1"
rule_id = "SV-1r2_rule"
group_title = "SRG-OS-000004-GPOS-00004"
severity = "medium"
weight = "10.0"
ccis = ["CCI-000018"]
lines = ["-w /etc/x -p wa -k x"]
fix_lines = ["-w /etc/y -p wa -k x"]
fix_fails = true
fix_note = "the fix text writes /etc/y"
forbidden = ["-a task,never"]
auditd = ["disk_full_action = SYSLOG|HALT", "freq = 1..100", "space_left >= 25%", "action_mail_acct = *"]
paths = [
  { path = "${log_dir}", mode = "0700", group_mode = "0750", owner = "root", group = "root|${log_group}" },
]
fix_id = "F-1r2_fix"
check = """
$ sudo auditctl -l | grep /etc/x"""
`})
	src, err := LoadPath(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	reqs, _ := src.Pack.Requirements()
	if reqs.Benchmark.ReleaseInfo != "Release: 2 Benchmark Date: 01 Jul 2026" || reqs.Benchmark.Manual != "x-manual.xml" {
		t.Errorf("benchmark %+v", reqs.Benchmark)
	}
	r := reqs.List[0]
	if r.Vuln != "V-1" || r.RuleID != "SV-1r2_rule" || r.GroupTitle != "SRG-OS-000004-GPOS-00004" || r.Weight != "10.0" || r.FixID != "F-1r2_fix" ||
		!slices.Equal(r.CCIs, []string{"CCI-000018"}) || r.Check != "$ sudo auditctl -l | grep /etc/x" {
		t.Errorf("identifiers and texts %+v", r)
	}
	if len(r.FixLines) != 1 || !r.FixFails || r.FixNote == "" || len(r.Forbidden) != 1 || r.Forbidden[0].Rule == nil {
		t.Errorf("fix lines %v, forbidden %v", r.FixLines, r.Forbidden)
	}
	var settings []string
	for _, a := range r.Auditd {
		settings = append(settings, a.String())
	}
	if !slices.Equal(settings, []string{"disk_full_action = SYSLOG|HALT", "freq = 1..100", "space_left >= 25%", "action_mail_acct = *"}) {
		t.Errorf("auditd %v", settings)
	}
	if p := r.Paths[0]; p.Path != "${log_dir}" || p.Mode != 0o700 || p.GroupMode != 0o750 || !slices.Equal(p.Groups, []string{"root", "${log_group}"}) {
		t.Errorf("paths %+v", r.Paths)
	}
}

// What an auditd.conf value meets: auditd compares words without case;
// a share of the volume in megabytes is unknown, not failed.
func TestAuditdSettingJudge(t *testing.T) {
	for _, c := range []struct {
		setting, have string
		met, known    bool
	}{
		{"disk_full_action = SYSLOG|SINGLE|HALT", "halt", true, true},
		{"disk_full_action = SYSLOG|SINGLE|HALT", "SUSPEND", false, true},
		{"freq = 1..100", "50", true, true},
		{"freq = 1..100", "0", false, true},
		{"freq >= 100", "100", true, true},
		{"space_left >= 25%", "30%", true, true},
		{"space_left >= 25%", "10%", false, true},
		{"space_left >= 25%", "75", false, false},
		{"action_mail_acct = *", "isso", true, true},
		{"action_mail_acct = *", "", false, true},
	} {
		s, err := parseAuditdSetting(c.setting)
		if err != nil {
			t.Fatal(err)
		}
		if met, known := s.Judge(c.have); met != c.met || known != c.known {
			t.Errorf("%s with %q: met %v known %v", c.setting, c.have, met, known)
		}
	}
	for _, bad := range []string{"freq", "freq = 9..1", "space_left >= x%", "Freq = 1"} {
		if _, err := parseAuditdSetting(bad); err == nil {
			t.Errorf("%q read", bad)
		}
	}
}

func TestRequirementsErrors(t *testing.T) {
	for name, c := range map[string]struct{ body, want string }{
		"not a rule":        {"[[requirement]]\nid = \"A\"\nlines = [\n  \"-a always,exit -F\",\n]\n", `requirements.toml:4: requirement A: .* is not one line auditctl loads`},
		"two lines in one":  {"[[requirement]]\nid = \"A\"\nlines = [\"-w /a -p wa\\n-w /b\"]\n", `requirement A: .* not one line`},
		"asks nothing":      {"[[requirement]]\nid = \"A\"\ntitle = \"t\"\n", `requirements.toml:2: requirement A asks for nothing`},
		"repeated id":       {"[[requirement]]\nid = \"A\"\ncmdline = [\"audit=1\"]\n[[requirement]]\nid = \"A\"\ncmdline = [\"audit=1\"]\n", `an id of its own`},
		"bad cmdline":       {"[[requirement]]\nid = \"A\"\ncmdline = [\"audit\"]\n", `cmdline "audit" must be name=value`},
		"bad mode":          {"[[requirement]]\nid = \"A\"\nfile_mode = \"rw\"\nfiles = [\"/x\"]\n", `file_mode "rw" must be octal`},
		"mode no files":     {"[[requirement]]\nid = \"A\"\nfile_mode = \"0600\"\n", `with the files it applies to`},
		"unknown key":       {"[[requirement]]\nid = \"A\"\nrule = [\"-e 2\"]\n", `unknown key "requirement.rule"`},
		"bad auditd":        {"[[requirement]]\nid = \"A\"\nauditd = [\"freq 100\"]\n", `requirement A: auditd "freq 100" must be`},
		"bad path ref":      {"[[requirement]]\nid = \"A\"\npaths = [{ path = \"${log_home}\", mode = \"0600\" }]\n", `\$\{log_home\} is none of`},
		"path asks nothing": {"[[requirement]]\nid = \"A\"\npaths = [{ path = \"/x\" }]\n", `give its mode, owner or group`},
		"bad forbidden":     {"[[requirement]]\nid = \"A\"\nforbidden = [\"-a task\"]\n", `is not one line auditctl loads`},
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
			needsRules := len(r.Lines) > 0 && !slices.ContainsFunc(r.Lines, func(it *model.Line) bool {
				return it.Directive.Option == model.OptFailure || it.Directive.Option == model.OptEnabled // the profile and finalize set these
			})
			if needsRules && !implemented[r.ID] {
				t.Errorf("no rule of %s implements %s", p.ID(), r.ID)
			}
		}
	}
	stigs, _ := filepath.Glob("stig-*/*/requirements.toml")
	if checked != 9+len(stigs) || len(stigs) < 10 {
		t.Errorf("%d packs state requirements; pci-dss, ospp, the seven CIS packs and every STIG release (%d) do", checked, len(stigs))
	}
	if data, _ := os.ReadFile("stig-rhel9/V2R9/requirements.toml"); !strings.Contains(string(data), `release  = "V2R9"`) {
		t.Error("the stig requirements do not name the manual's release")
	}
}
