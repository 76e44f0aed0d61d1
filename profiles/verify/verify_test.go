package verify

import (
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/auditpack/auditpack/compile"
	"github.com/auditpack/auditpack/internal/report"
	"github.com/auditpack/auditpack/packs"
	"github.com/auditpack/auditpack/packs/model"
	"github.com/auditpack/auditpack/profiles"
)

func verifyFile(t *testing.T, profile, packRoot, target string) *Report {
	t.Helper()
	p, err := profiles.Load(profile)
	if err != nil {
		t.Fatal(err)
	}
	req := profiles.Request{Profile: profile}
	if packRoot != "" {
		req.PackRoots = []string{packRoot}
	}
	sel, err := profiles.Select(req)
	if err != nil {
		t.Fatal(err)
	}
	tgt, err := FileTarget(target)
	if err != nil {
		t.Fatal(err)
	}
	return Verify(p.Name, compile.Build(sel), tgt, VerifyOptions{Machine: model.Targets["x86_64"], Keys: p.VerifyKeys})
}

func failing(r *Report) []string {
	var out []string
	for _, c := range r.Results {
		if c.Status == Fail {
			out = append(out, c.ID)
		}
	}
	return out
}

// Rewrites that keep the meaning pass; each real gap fails exactly its
// control.
func TestVerifyByMeaning(t *testing.T) {
	cases := map[string][]string{
		"good":            nil,
		"missing-syscall": {"C-CHMOD"},
		"narrowed":        {"C-CHMOD"},
		"never-first":     {"C-EXEC"},
		"b64-only":        {"C-EXEC"},
		"small-backlog":   {"C-BACKLOG"},
		// A compiled file loads as written: nothing after -e 2 is loaded.
		"lock-early":         {"C-EXEC", "C-CHMOD", "C-SHADOW", "C-LOCK"},
		"lock-before-shadow": {"C-SHADOW", "C-LOCK"},
	}
	for name, want := range cases {
		r := verifyFile(t, "testdata/req.toml", "testdata/req", "testdata/targets/"+name+".rules")
		if got := failing(r); !slices.Equal(got, want) {
			var b strings.Builder
			report.WriteReport(&b, r)
			t.Errorf("%s: failing %v, want %v\n%s", name, got, want, b.String())
		}
		if len(r.Results) != 5 {
			t.Errorf("%s: %d controls, want 5", name, len(r.Results))
		}
	}
}

func TestVerifySuggestsTheMissingRule(t *testing.T) {
	r := verifyFile(t, "testdata/req.toml", "testdata/req", "testdata/targets/missing-syscall.rules")
	for _, c := range r.Results {
		if c.ID == "C-CHMOD" {
			want := "add -a always,exit -F arch=b64 -S fchmodat -F auid>=1000 -F auid!=unset -k perm_mod"
			if len(c.Missing) != 1 || !strings.HasPrefix(c.Missing[0], want) {
				t.Errorf("missing %q, want %q", c.Missing, want)
			}
		}
	}
}

func TestVerifyKeysWhenTheProfileSaysSo(t *testing.T) {
	dir := t.TempDir()
	data, _ := os.ReadFile("testdata/req.toml")
	os.WriteFile(filepath.Join(dir, "keys.toml"), append(data, []byte("verify_keys = true\n")...), 0o644)
	r := verifyFile(t, filepath.Join(dir, "keys.toml"), "testdata/req", "testdata/targets/good.rules")
	if got := failing(r); !slices.Equal(got, []string{"C-EXEC", "C-CHMOD", "C-SHADOW"}) {
		t.Errorf("with verify_keys the renamed keys must fail: %v", got)
	}
}

// A profile verified against its own compiled output passes every
// control: for each embedded profile, and for random rule sets.
func TestVerifyOwnOutputPasses(t *testing.T) {
	for _, name := range []string{"stig", "pci-dss", "ospp"} {
		sel, err := profiles.Select(profiles.Request{Profile: name})
		if err != nil {
			t.Fatal(err)
		}
		o := compile.Build(sel)
		r := Verify(name, o, TargetFromOrdered("compiled", o), VerifyOptions{Machine: model.Targets["x86_64"]})
		if got := failing(r); len(got) > 0 || len(r.Results) == 0 {
			t.Errorf("%s against its own output: failing %v of %d", name, got, len(r.Results))
		}
	}
	rng := rand.New(rand.NewSource(1))
	for i := 0; i < 200; i++ {
		text := randomRules(rng)
		f := packs.ParseFile("r.rules", "r.rules", nil, []byte(text))
		if len(f.Errors) > 0 {
			t.Fatalf("generator wrote %v", f.Errors[0])
		}
		o := compile.Build(&packs.Selection{Files: []*packs.File{f}})
		r := Verify("random", o, TargetFromOrdered("compiled", o), VerifyOptions{Machine: model.Targets["x86_64"]})
		if got := failing(r); len(got) > 0 {
			t.Fatalf("random set %d fails %v against itself:\n%s", i, got, text)
		}
	}
}

// randomRules writes an always-only rule set with control annotations:
// syscall rules with random arches, syscalls and fields, watches, settings.
func randomRules(rng *rand.Rand) string {
	syscalls := []string{"openat", "unlinkat", "chmod", "fchmod", "execve", "mount", "umount2", "renameat", "truncate", "init_module"}
	fields := []string{"-F auid>=1000 -F auid!=unset", "-F uid=0", "-F exit=-EACCES", "-F exe=/usr/bin/x", "-F success=1", "-F euid=0 -C uid!=euid", "-F a0=0x4", ""}
	var b strings.Builder
	for i := 0; i < 5+rng.Intn(20); i++ {
		fmt.Fprintf(&b, "## controls: R-%d\n", rng.Intn(6))
		switch rng.Intn(4) {
		case 0:
			fmt.Fprintf(&b, "-w /etc/f%d -p %s -k w%d\n", rng.Intn(5), []string{"wa", "r", "x", "rwxa"}[rng.Intn(4)], i)
		case 1:
			fmt.Fprintf(&b, "-b %d\n", 64+rng.Intn(10000))
		default:
			var sc []string
			for _, s := range syscalls {
				if rng.Intn(4) == 0 {
					sc = append(sc, s)
				}
			}
			if len(sc) == 0 {
				sc = []string{"openat"}
			}
			arch := []string{"-F arch=b64 ", "-F arch=b32 ", ""}[rng.Intn(3)]
			fmt.Fprintf(&b, "-a always,exit %s-S %s %s -k k%d\n", arch, strings.Join(sc, ","), fields[rng.Intn(len(fields))], i)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// One-change variants of the stig profile's own output fail exactly the
// controls of what changed.
func TestVerifyStigVariants(t *testing.T) {
	sel, err := profiles.Select(profiles.Request{Profile: "stig"})
	if err != nil {
		t.Fatal(err)
	}
	required := compile.Build(sel)
	own := string(required.Render("test"))
	lockSRGs := []string{"RHEL-09-654275", "SRG-OS-000057-GPOS-00027", "SRG-OS-000058-GPOS-00028", "SRG-OS-000059-GPOS-00029"}
	for name, c := range map[string]struct {
		edit func(string) string
		want []string
	}{
		"own output": {func(s string) string { return s }, nil},
		"-f 0":       {func(s string) string { return strings.Replace(s, "\n-f 2\n", "\n-f 0\n", 1) }, []string{"RHEL-09-654265", "SRG-OS-000046-GPOS-00022", "SRG-OS-000047-GPOS-00023"}},
		"-e 2 after the last rule but one": {func(s string) string {
			s = strings.Replace(s, "\n-e 2\n", "\n", 1)
			i := strings.LastIndex(strings.TrimSuffix(s, "\n"), "\n-a ")
			return s[:i] + "\n-e 2" + s[i:]
		}, nil},
	} {
		text := c.edit(own)
		f := packs.ParseFile("audit.rules", "audit.rules", nil, []byte(text))
		target := TargetFromOrdered("audit.rules", compile.Build(&packs.Selection{Files: []*packs.File{f}, AsLoaded: true}))
		got := failing(Verify("stig", required, target, VerifyOptions{Machine: model.Targets["x86_64"]}))
		want := c.want
		if strings.HasPrefix(name, "-e 2") {
			// The lock fails, and with it every control of the rule
			// after it; compare the lock's controls only.
			for _, id := range lockSRGs {
				if !slices.Contains(got, id) {
					t.Errorf("%s: %s passes", name, id)
				}
			}
			if len(got) <= len(lockSRGs) {
				t.Errorf("%s: only %v fail; the rule after -e 2 is refused, so its control must fail too", name, got)
			}
			continue
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: failing %v, want %v", name, got, want)
		}
	}
}

// The kernel command line: not checked in a rules file (never a pass
// without evidence), met or missed on the running kernel.
func TestVerifyKernelCmdline(t *testing.T) {
	p, err := profiles.Load("stig")
	if err != nil {
		t.Fatal(err)
	}
	sel, err := profiles.Select(profiles.Request{Profile: "stig"})
	if err != nil {
		t.Fatal(err)
	}
	required := compile.Build(sel)
	opts := VerifyOptions{Machine: model.Targets["x86_64"], Cmdline: p.Cmdline}
	status := func(r *Report, id string) string {
		for _, c := range r.Results {
			if c.ID == id {
				return c.Status
			}
		}
		return "absent"
	}
	target := TargetFromOrdered("compiled", required)
	r := Verify("stig", required, target, opts)
	if a, b := status(r, "RHEL-09-212055"), status(r, "RHEL-09-653120"); a != NotChecked || b != NotChecked || r.Failed() != 0 {
		t.Errorf("rules file: 212055 %s, 653120 %s, %d failing; want both NOT CHECKED, none failing", a, b, r.Failed())
	}
	target.Cmdline = map[string]string{"audit": "1", "audit_backlog_limit": "4096", "quiet": ""}
	r = Verify("stig", required, target, opts)
	if a, b := status(r, "RHEL-09-212055"), status(r, "RHEL-09-653120"); a != Pass || b != Fail {
		t.Errorf("audit=1 audit_backlog_limit=4096: 212055 %s, 653120 %s; want PASS, FAIL", a, b)
	}
	target.Cmdline["audit_backlog_limit"] = "16384" // more than asked is fine
	if r = Verify("stig", required, target, opts); status(r, "RHEL-09-653120") != Pass || r.Failed() != 0 {
		t.Errorf("audit_backlog_limit=16384: 653120 %s, %d failing", status(r, "RHEL-09-653120"), r.Failed())
	}
}
