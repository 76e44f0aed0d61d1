package verify

import (
	"errors"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/auditpack/auditpack/compile"
	"github.com/auditpack/auditpack/internal/corpus"
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
	return mustVerify(t, p.Name, compile.Build(sel), tgt, VerifyOptions{Machine: model.Targets["x86_64"], Keys: p.VerifyKeys})
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
	i := slices.IndexFunc(r.Results, func(c ControlResult) bool { return c.ID == "C-CHMOD" })
	if i < 0 {
		t.Fatalf("control C-CHMOD is not in the report: %+v", r.Results)
	}
	want := "add -a always,exit -F arch=b64 -S fchmodat -F auid>=1000 -F auid!=unset -k perm_mod"
	if c := r.Results[i]; len(c.Missing) != 1 || !strings.HasPrefix(c.Missing[0], want) {
		t.Errorf("missing %q, want %q", c.Missing, want)
	}
}

func TestVerifyKeysWhenTheProfileSaysSo(t *testing.T) {
	dir := t.TempDir()
	data, err := os.ReadFile("testdata/req.toml")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "keys.toml"), append(data, []byte("verify_keys = true\n")...), 0o644); err != nil {
		t.Fatal(err)
	}
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
		r := mustVerify(t, name, o, TargetFromOrdered("compiled", o), VerifyOptions{Machine: model.Targets["x86_64"]})
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
		r := mustVerify(t, "random", o, TargetFromOrdered("compiled", o), VerifyOptions{Machine: model.Targets["x86_64"]})
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
		got := failing(mustVerify(t, "stig", required, target, VerifyOptions{Machine: model.Targets["x86_64"]}))
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
	sel, err := profiles.Select(profiles.Request{Profile: "stig"})
	if err != nil {
		t.Fatal(err)
	}
	required := compile.Build(sel)
	opts := VerifyOptions{Machine: model.Targets["x86_64"]}
	status := func(r *Report, id string) string {
		for _, c := range r.Results {
			if c.ID == id {
				return c.Status
			}
		}
		return "absent"
	}
	target := TargetFromOrdered("compiled", required)
	r := mustVerify(t, "stig", required, target, opts)
	if a, b := status(r, "RHEL-09-212055"), status(r, "RHEL-09-653120"); a != NotChecked || b != NotChecked || r.Failed() != 0 {
		t.Errorf("rules file: 212055 %s, 653120 %s, %d failing; want both NOT CHECKED, none failing", a, b, r.Failed())
	}
	target.Cmdline = map[string]string{"audit": "1", "audit_backlog_limit": "4096", "quiet": ""}
	r = mustVerify(t, "stig", required, target, opts)
	if a, b := status(r, "RHEL-09-212055"), status(r, "RHEL-09-653120"); a != Pass || b != Fail {
		t.Errorf("audit=1 audit_backlog_limit=4096: 212055 %s, 653120 %s; want PASS, FAIL", a, b)
	}
	target.Cmdline["audit_backlog_limit"] = "16384" // more than asked is fine
	if r = mustVerify(t, "stig", required, target, opts); status(r, "RHEL-09-653120") != Pass || r.Failed() != 0 {
		t.Errorf("audit_backlog_limit=16384: 653120 %s, %d failing", status(r, "RHEL-09-653120"), r.Failed())
	}
}

const disaFixTexts = "testdata/targets/disa-rhel9-v2r9-fix.rules"

func stigRequired(t *testing.T) (*compile.Compiled, VerifyOptions) {
	t.Helper()
	p, err := profiles.Load("stig")
	if err != nil {
		t.Fatal(err)
	}
	sel, err := profiles.Select(profiles.Request{Profile: "stig"})
	if err != nil {
		t.Fatal(err)
	}
	return compile.Build(sel), VerifyOptions{Machine: model.Targets["x86_64"], Only: p.Controls}
}

func loadedTarget(text string) *Target {
	f := packs.ParseFile("audit.rules", "audit.rules", nil, []byte(text))
	return TargetFromOrdered("audit.rules", compile.Build(&packs.Selection{Files: []*packs.File{f}, AsLoaded: true}))
}

// A host configured line for line from DISA's V2R9 fix texts meets every
// STIG requirement its rules can show; the kernel command line and file
// modes are not in a rules file, so they are not checked, never passed.
func TestVerifyDISAFixTextsPass(t *testing.T) {
	required, opts := stigRequired(t)
	data, err := os.ReadFile(disaFixTexts)
	if err != nil {
		t.Fatal(err)
	}
	r := mustVerify(t, "stig", required, loadedTarget(string(data)), opts)
	stigIDs, notChecked := 0, map[string]bool{}
	for _, c := range r.Results {
		if strings.HasPrefix(c.ID, "RHEL-09-") {
			stigIDs++
		}
		if c.Status == NotChecked {
			notChecked[c.ID] = true
		}
		if !strings.HasPrefix(c.ID, "RHEL-09-") && !strings.HasPrefix(c.ID, "SRG-OS-") {
			t.Errorf("%s is not the STIG's; the stig profile answers for RHEL-09 and SRG controls", c.ID)
		}
	}
	if got := failing(r); len(got) > 0 {
		t.Errorf("DISA's own fix texts fail %v", got)
	}
	if stigIDs != 57 {
		t.Errorf("%d RHEL-09 controls verified; V2R9 has 57 audit requirements (54 rules, cmdline, file modes)", stigIDs)
	}
	for _, id := range []string{"RHEL-09-212055", "RHEL-09-653120", "RHEL-09-653110"} {
		if !notChecked[id] {
			t.Errorf("%s is judged from a rules file, which cannot show it", id)
		}
	}
}

// One change to DISA's file fails exactly the requirement it breaks, and
// the SRG controls that requirement satisfies.
func TestVerifyDISAVariantsFailTheirControl(t *testing.T) {
	required, opts := stigRequired(t)
	data, err := os.ReadFile(disaFixTexts)
	if err != nil {
		t.Fatal(err)
	}
	disa := string(data)
	satisfies := map[string][]string{}
	for _, c := range mustControls(t, required, opts.Only) {
		if c.Requirement != nil {
			satisfies[c.ID] = c.Requirement.Satisfies
		}
	}
	for name, c := range map[string]struct {
		edit func(string) string
		want string
	}{
		"-f 0":                    {func(s string) string { return strings.Replace(s, "\n-f 2\n", "\n-f 0\n", 1) }, "RHEL-09-654265"},
		"no --loginuid-immutable": {func(s string) string { return strings.Replace(s, "\n--loginuid-immutable\n", "\n", 1) }, "RHEL-09-654270"},
		"rmdir dropped": {func(s string) string {
			return strings.ReplaceAll(s, "-S rename,unlink,rmdir,renameat,unlinkat", "-S rename,unlink,renameat,unlinkat")
		}, "RHEL-09-654065"},
		"path changed": {func(s string) string {
			return strings.ReplaceAll(s, "-F path=/etc/passwd ", "-F path=/etc/passwd- ")
		}, "RHEL-09-654240"},
		"b32 faillock dropped": {func(s string) string {
			return strings.Replace(s, "-a always,exit -F arch=b32 -F path=/var/log/faillock -F perm=wa -F auid>=1000 -F auid!=unset -k logins\n", "", 1)
		}, "RHEL-09-654250"},
	} {
		text := c.edit(disa)
		if text == disa {
			t.Fatalf("%s: the edit changed nothing", name)
		}
		for _, id := range failing(mustVerify(t, "stig", required, loadedTarget(text), opts)) {
			if id != c.want && !slices.Contains(satisfies[c.want], id) {
				t.Errorf("%s: %s fails; only %s and its SRGs may", name, id, c.want)
			}
		}
		if got := failing(mustVerify(t, "stig", required, loadedTarget(text), opts)); !slices.Contains(got, c.want) {
			t.Errorf("%s: %s passes (failing %v)", name, c.want, got)
		}
	}
	// -e 2 moved up: the lock is not last, and everything after it is
	// refused by the locked kernel.
	early := strings.Replace(disa, "\n-e 2\n", "\n", 1)
	i := strings.Index(early, "\n## RHEL-09-654250\n")
	early = early[:i] + "\n-e 2" + early[i:]
	got := failing(mustVerify(t, "stig", required, loadedTarget(early), opts))
	for _, id := range []string{"RHEL-09-654275", "RHEL-09-654250", "RHEL-09-654255", "RHEL-09-654265", "RHEL-09-654270"} {
		if !slices.Contains(got, id) {
			t.Errorf("-e 2 before RHEL-09-654250: %s passes, though the locked kernel refuses its lines", id)
		}
	}
	if slices.Contains(got, "RHEL-09-654245") {
		t.Errorf("-e 2 before RHEL-09-654250: RHEL-09-654245, loaded before it, fails")
	}
}

// File modes are the host's: checked under a host root, not checked for a
// rules file alone.
func TestVerifyFileModes(t *testing.T) {
	required, opts := stigRequired(t)
	status := func(target *Target) (string, []string) {
		for _, c := range mustVerify(t, "stig", required, target, opts).Results {
			if c.ID == "RHEL-09-653110" {
				return c.Status, c.Missing
			}
		}
		t.Fatal("RHEL-09-653110 is not verified")
		return "", nil
	}
	root := t.TempDir()
	target := TargetFromOrdered("compiled", required)
	if s, _ := status(target); s != NotChecked {
		t.Errorf("rules file alone: %s, want NOT CHECKED", s)
	}
	target.HostRoot = root
	if s, _ := status(target); s != NotChecked {
		t.Errorf("a host without audit files: %s, want NOT CHECKED", s)
	}
	if err := os.MkdirAll(filepath.Join(root, "etc/audit/rules.d"), 0o750); err != nil {
		t.Fatal(err)
	}
	for name, mode := range map[string]os.FileMode{"etc/audit/rules.d/10-a.rules": 0o600, "etc/audit/audit.rules": 0o400, "etc/audit/auditd.conf": 0o640} {
		// Chmod as well: the umask may narrow WriteFile's mode.
		if err := errors.Join(os.WriteFile(filepath.Join(root, name), nil, mode), os.Chmod(filepath.Join(root, name), mode)); err != nil {
			t.Fatal(err)
		}
	}
	if s, missing := status(target); s != Fail || len(missing) != 1 || !strings.Contains(missing[0], "chmod 0600 /etc/audit/auditd.conf") {
		t.Errorf("auditd.conf 0640: %s %v, want FAIL naming it", s, missing)
	}
	if err := os.Chmod(filepath.Join(root, "etc/audit/auditd.conf"), 0o600); err != nil {
		t.Fatal(err)
	}
	if s, missing := status(target); s != Pass {
		t.Errorf("every file 0600 or stricter: %s %v", s, missing)
	}
}

// The audit userspace's own recipes, judged by the standards' requirements
// rather than by our packs' rules, fail only their real gaps.
func TestVerifyUpstreamRecipes(t *testing.T) {
	upstream := corpus.Dir(t, "audit-userspace-rules")
	for name, c := range map[string]struct {
		files []string
		want  []string
	}{
		// rmdir and renameat2 are deletions the example leaves out.
		"ospp": {[]string{"10-base-config.rules", "11-loginuid.rules", "30-ospp-v42*.rules", "43-module-load.rules"},
			[]string{"FAU_GEN.1.1.c-unsuccessful-delete", "FAU_GEN.1.1.c-successful-delete", "FAU_GEN.1.1.c"}},
		// The example reads system-level objects as database-only.
		"pci-dss": {[]string{"10-base-config.rules", "30-pci-dss-v31.rules"}, []string{"PCI-DSS-10.2.1.7"}},
	} {
		dir := t.TempDir()
		for _, pattern := range c.files {
			matches, err := filepath.Glob(filepath.Join(upstream, pattern))
			if err != nil || len(matches) == 0 {
				t.Fatalf("%s recipe: no %s in %s (%v)", name, pattern, upstream, err)
			}
			for _, m := range matches {
				data, err := os.ReadFile(m)
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(dir, filepath.Base(m)), data, 0o600); err != nil {
					t.Fatal(err)
				}
			}
		}
		if err := os.WriteFile(filepath.Join(dir, "99-finalize.rules"), []byte("-e 2\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		p, err := profiles.Load(name)
		if err != nil {
			t.Fatal(err)
		}
		sel, err := profiles.Select(profiles.Request{Profile: name})
		if err != nil {
			t.Fatal(err)
		}
		target, err := FileTarget(dir)
		if err != nil {
			t.Fatal(err)
		}
		r := mustVerify(t, name, compile.Build(sel), target, VerifyOptions{Machine: model.Targets["x86_64"], Only: p.Controls})
		if got := failing(r); !slices.Equal(got, c.want) {
			t.Errorf("%s recipe: failing %v, want %v", name, got, c.want)
		}
	}
}

// mustVerify is Verify for rule sets whose packs' requirements read.
func mustVerify(t testing.TB, profile string, required *compile.Compiled, target *Target, opts VerifyOptions) *Report {
	t.Helper()
	r, err := Verify(profile, required, target, opts)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// mustControls is Controls for rule sets whose packs' requirements read.
func mustControls(t testing.TB, required *compile.Compiled, only []string) []*Control {
	t.Helper()
	controls, err := Controls(required, only)
	if err != nil {
		t.Fatal(err)
	}
	return controls
}
