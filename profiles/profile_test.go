package profiles

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/auditpack/auditpack/packs/model"
)

func TestEmbeddedProfilesResolve(t *testing.T) {
	list, err := List()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range list {
		names = append(names, p.Name)
		sel, err := Select(Request{Profile: p.Name})
		if err != nil {
			t.Fatalf("%s: %v", p.Name, err)
		}
		if len(sel.Packs) != len(p.Packs) || len(sel.Files) == 0 {
			t.Errorf("%s: %d packs and %d files selected", p.Name, len(sel.Packs), len(sel.Files))
		}
	}
	if !slices.Equal(names, []string{"cis-al2023", "cis-debian12", "cis-rhel10", "cis-rhel8", "cis-rhel9", "cis-ubuntu2204", "cis-ubuntu2404", "ospp", "pci-dss", "stig-rhel10", "stig-rhel8", "stig-rhel9", "stig-sles15", "stig-ubuntu2204", "stig-ubuntu2404"}) {
		t.Errorf("profiles %v", names)
	}
	stig, err := Load("stig-rhel9")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(stig.Settings, []model.Directive{{Option: model.OptFailure, Value: "2"}}) {
		t.Errorf("stig settings %v, want -f 2 (RHEL-09-654265)", stig.Settings)
	}
}

func TestParseErrors(t *testing.T) {
	cases := []struct{ toml, want string }{
		{"name = \"x\"\npacks = [\n", `p.toml:2: bad TOML`},
		{"name = \"x\"\npacks = [\"a\"]\nextra = 1\n", `unknown key "extra"`},
		{"packs = [\"a\"]\n", `name is missing`},
		{"name = \"x\"\n", `packs is empty`},
		{"name = \"x\"\npacks = [\"a\"]\narches = [\"arm\"]\n", `arch "arm"`},
		{"name = \"x\"\npacks = [\"a\"]\n[settings]\nfailur = 1\n", `unknown setting "failur"; settings are enabled, failure`},
		{"name = \"x\"\npacks = [\"a\"]\n[settings]\nfailure = 3\n", `settings.failure: -f must be 0, 1 or 2, not "3"`},
		{"name = \"x\"\npacks = [\"a\"]\n[settings]\nbacklog_limit = -1\n", `settings.backlog_limit: -b needs a whole number`},
	}
	for _, c := range cases {
		_, err := Parse([]byte(c.toml), "p.toml")
		if err == nil || !regexp.MustCompile(c.want).MatchString(err.Error()) {
			t.Errorf("%q: got %v, want %q", c.toml, err, c.want)
		}
	}
}

func TestSelect(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "50-local.rules"), []byte("-w /etc/hosts -p wa\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// Without a profile or a path, the host's rules.d is read.
	sel, err := Select(Request{DefaultDir: dir})
	if err != nil || len(sel.Files) != 1 || !slices.Equal(sel.Paths, []string{dir}) {
		t.Fatalf("default dir: %v %+v", err, sel)
	}
	if _, err := Select(Request{DefaultDir: filepath.Join(dir, "missing")}); !errors.Is(err, ErrNothingSelected) || !regexp.MustCompile(`missing is not readable`).MatchString(err.Error()) {
		t.Errorf("missing default dir: %v", err)
	}
	sel, err = Select(Request{Profile: "pci-dss", Paths: []string{dir}})
	if err != nil || len(sel.Packs) != 3 || len(sel.Paths) != 1 {
		t.Fatalf("profile and path: %v %+v", err, sel)
	}
	if _, err := Select(Request{Profile: "nosuch"}); err == nil || !regexp.MustCompile(`unknown profile "nosuch"; known profiles: cis-al2023, .*, ospp, pci-dss, stig-rhel10, stig-rhel8, stig-rhel9, stig-sles15, stig-ubuntu2204, stig-ubuntu2404`).MatchString(err.Error()) {
		t.Errorf("unknown profile: %v", err)
	}
	if _, err := Select(Request{Profile: filepath.Join(dir, "missing.toml")}); err == nil || !regexp.MustCompile(`read profile .*missing.toml: no such file`).MatchString(err.Error()) {
		t.Errorf("missing profile file: %v", err)
	}
	// A pack named by the profile and given again as a path is selected twice.
	packDir := filepath.Join(t.TempDir(), "finalize")
	if err := os.MkdirAll(packDir, 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(packDir, "pack.toml"), []byte("name = \"finalize\"\nversion = \"9.0.0\"\norder = 99\n"), 0o644)
	os.WriteFile(filepath.Join(packDir, "99-x.rules"), []byte("-e 1\n"), 0o644)
	if _, err := Select(Request{Profile: "stig-rhel9", Paths: []string{packDir}}); err == nil || !regexp.MustCompile(`pack finalize is selected twice`).MatchString(err.Error()) {
		t.Errorf("pack twice: %v", err)
	}
}

// A profile may say why it overrides a check's severity; a reason for a
// severity it does not override is an error. cis-rhel8 lowers
// CTRL-ERROR-MASKING for the benchmark's -c, and says so.
func TestSeverityReasons(t *testing.T) {
	p, err := Load("cis-rhel8")
	if err != nil {
		t.Fatal(err)
	}
	if p.Severity["CTRL-ERROR-MASKING"] != "warning" || !strings.Contains(p.SeverityReasons["CTRL-ERROR-MASKING"], "-c (6.3.3.20)") || p.Product != "rhel8" {
		t.Errorf("cis-rhel8: %v %v %q", p.Severity, p.SeverityReasons, p.Product)
	}
	_, err = Parse([]byte("name = \"x\"\npacks = [\"finalize\"]\n[severity_reasons]\n\"CTRL-ERROR-MASKING\" = \"because\"\n"), "x.toml")
	if err == nil || !strings.Contains(err.Error(), "severity_reasons.CTRL-ERROR-MASKING gives a reason for a severity the profile does not override") {
		t.Errorf("a reason without an override: %v", err)
	}
}

// On a host, the setuid programs are asked for once, only for a pack that
// names them, and replace the pack's default list.
func TestHostListFact(t *testing.T) {
	asked := 0
	find := func(name string) (string, string, error) {
		asked++
		return "/opt/x/suid /opt/y/sgid", "2 programs under a fake root", nil
	}
	sel, err := Select(Request{Profile: "cis-rhel9", HostListFact: find})
	if err != nil {
		t.Fatal(err)
	}
	rules := 0
	for _, f := range sel.Files {
		for _, it := range f.Items {
			if strings.Contains(it.Text, "key=privileged") && strings.Contains(it.Text, "/opt/") {
				rules++
			}
		}
	}
	if asked != 1 || rules != 2 || sel.ListOrigins["SETUID_PROGRAMS"] != "2 programs under a fake root" {
		t.Errorf("asked %d times, %d host rules, origins %v", asked, rules, sel.ListOrigins)
	}
	if _, err := Select(Request{Profile: "stig-rhel9", HostListFact: find}); err != nil || asked != 1 {
		t.Errorf("stig-rhel9 names no list fact, yet it was asked for (%d): %v", asked, err)
	}
}

// [facts] are read as a profile writes them: a number, a list of paths,
// or either quoted.
func TestFactsAsWritten(t *testing.T) {
	head := "name = \"site\"\npacks = [\"base-config@^1\"]\n[facts]\n"
	for body, want := range map[string][2]string{
		"UID_MIN = 500":   {"UID_MIN", "500"},
		`UID_MIN = "500"`: {"UID_MIN", "500"},
		`SETUID_PROGRAMS = ["/usr/bin/su", "/usr/bin/sudo"]`: {"SETUID_PROGRAMS", "/usr/bin/su /usr/bin/sudo"},
		`SETUID_PROGRAMS = "/usr/bin/su /usr/bin/sudo"`:      {"SETUID_PROGRAMS", "/usr/bin/su /usr/bin/sudo"},
	} {
		p, err := Parse([]byte(head+body+"\n"), "site.toml")
		if err != nil || p.Facts[want[0]] != want[1] {
			t.Errorf("%s: %v (%v), want %s = %q", body, p, err, want[0], want[1])
		}
	}
	for _, body := range []string{"UID_MIN = 1.5", "UID_MIN = true", "SETUID_PROGRAMS = [1, 2]"} {
		if _, err := Parse([]byte(head+body+"\n"), "site.toml"); err == nil || !strings.Contains(err.Error(), "site.toml:4: bad TOML") {
			t.Errorf("%s: %v, want an error at site.toml:4", body, err)
		}
	}
}
