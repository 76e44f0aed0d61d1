package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"unsafe"
)

// writeRules writes text as dir/rules.d/30-site.rules.
func writeRules(t *testing.T, dir, text string) string {
	t.Helper()
	rulesd := filepath.Join(dir, "rules.d")
	if err := os.MkdirAll(rulesd, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(rulesd, "30-site.rules"), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return rulesd
}

const siteRules = `-D
-a always,exit -F arch=b64 -S openat -F auid>=1000 -F auid!=unset -k open
-a always,exit -F arch=b64 -S unlinkat -F auid>=1000 -F auid!=unset -k del
-w /etc/passwd -p wa -k identity
-w /etc/passwd -p wa -k passwd
`

// gitlabFingerprints are the fingerprints lint --format gitlab gives the
// rules under dir, run from dir.
func gitlabFingerprints(t *testing.T, dir string, args ...string) []string {
	t.Helper()
	e := testEnv(t)
	e.workDir = dir
	got := runIn(e, append([]string{"lint", "--format", "gitlab"}, append(args, filepath.Join(dir, "rules.d"))...)...)
	var issues []struct{ Fingerprint string }
	if err := json.Unmarshal([]byte(got.stdout), &issues); err != nil {
		t.Fatalf("%v: %s %s", err, got.stdout, got.stderr)
	}
	var out []string
	for _, is := range issues {
		out = append(out, is.Fingerprint)
	}
	return out
}

// A baseline written by one run hides its findings in the next, however
// lines move; a finding fixed since is counted, a new one reported; its
// fingerprints are GitLab's.
func TestLintBaselineRoundTrip(t *testing.T) {
	dir := t.TempDir()
	rulesd := writeRules(t, dir, siteRules)
	base := filepath.Join(dir, "auditpack-baseline.json")
	e := testEnv(t)
	e.workDir = dir
	if got := runIn(e, "lint", "--write-baseline", base, rulesd); got.code != 0 || !strings.Contains(got.stderr, "wrote baseline "+base+": 3 findings") {
		t.Fatalf("--write-baseline: exit %d\n%s%s", got.code, got.stdout, got.stderr)
	}
	var written struct {
		Version  int
		Findings []struct{ Fingerprint string }
	}
	data, _ := os.ReadFile(base)
	if err := json.Unmarshal(data, &written); err != nil || written.Version != 1 || len(written.Findings) != 3 {
		t.Fatalf("baseline %s (%v)", data, err)
	}
	var inBaseline []string
	for _, f := range written.Findings {
		inBaseline = append(inBaseline, f.Fingerprint)
	}
	if fps := gitlabFingerprints(t, dir); !slices.Equal(slices.Sorted(slices.Values(fps)), slices.Sorted(slices.Values(inBaseline))) {
		t.Errorf("GitLab's fingerprints %v, the baseline's %v", fps, inBaseline)
	}
	if got := runIn(e, "lint", "--baseline", base, "--fail-on", "info", rulesd); got.code != 0 || !strings.Contains(got.stdout, "0 errors, 0 warnings, 0 info") || !strings.Contains(got.stderr, "hides 3 findings\n") {
		t.Errorf("--baseline on the same rules: exit %d\n%s%s", got.code, got.stdout, got.stderr)
	}
	// Lines move, the duplicate watch goes, a chmod rule comes.
	moved := "## site\n\n" + strings.Replace(siteRules, "-w /etc/passwd -p wa -k passwd\n", "", 1) + "-a always,exit -F arch=b64 -S chmod -F auid>=1000 -F auid!=unset -k perm\n"
	writeRules(t, dir, moved)
	got := runIn(e, "lint", "--baseline", base, "--fail-on", "warning", "--format", "json", rulesd)
	var report struct {
		Diagnostics []struct {
			Check string
			Line  int
		}
		Settings struct{ Baselined, Fixed int }
	}
	if err := json.Unmarshal([]byte(got.stdout), &report); err != nil {
		t.Fatal(err)
	}
	if got.code != 1 || len(report.Diagnostics) != 1 || report.Diagnostics[0].Line != 7 || report.Settings.Baselined != 2 || report.Settings.Fixed != 1 {
		t.Errorf("after moving lines: exit %d, %+v; want only the chmod rule's finding (line 7), 2 hidden, 1 fixed\n%s", got.code, report, got.stderr)
	}
}

// Bad input writes no baseline and exits 2: inputs that are no rules,
// a bad configuration; an unreadable baseline exits 2 too.
func TestLintBaselineBadInput(t *testing.T) {
	dir := t.TempDir()
	rulesd := writeRules(t, dir, siteRules)
	if err := os.WriteFile(filepath.Join(rulesd, "40-binary.rules"), []byte("\x00\x01\x02"), 0o644); err != nil {
		t.Fatal(err)
	}
	base := filepath.Join(dir, "auditpack-baseline.json")
	e := testEnv(t)
	e.workDir = dir
	if got := runIn(e, "lint", "--write-baseline", base, rulesd); got.code != exitInput || !strings.Contains(got.stderr, "not written") {
		t.Errorf("--write-baseline over a binary file: exit %d\n%s", got.code, got.stderr)
	}
	badConfig := filepath.Join(dir, "bad.toml")
	if err := os.WriteFile(badConfig, []byte("[lint]\nfail-on = \"loud\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := runIn(e, "lint", "--config", badConfig, "--write-baseline", base, filepath.Join(rulesd, "30-site.rules")); got.code != exitInput || !strings.Contains(got.stderr, "bad.toml:2: fail-on") {
		t.Errorf("--write-baseline with a bad configuration: exit %d\n%s", got.code, got.stderr)
	}
	if _, err := os.Stat(base); !os.IsNotExist(err) {
		t.Errorf("a baseline was written from bad input: %v", err)
	}
	if got := runIn(e, "lint", "--baseline", dir, rulesd); got.code != exitInput || !strings.Contains(got.stderr, "read baseline") {
		t.Errorf("--baseline of a directory: exit %d\n%s", got.code, got.stderr)
	}
}

// The configuration's baseline applies unless the command line names
// one, and --write-baseline writes it anew; --disable and --enable
// settle what runs.
func TestLintConfigBaselineAndChecks(t *testing.T) {
	dir := t.TempDir()
	rulesd := writeRules(t, dir, siteRules)
	config := "[lint]\nbaseline = \"auditpack-baseline.json\"\ndisable = [\"ORD-KEY-ONLY-DUPLICATE\"]\n"
	if err := os.WriteFile(filepath.Join(dir, ".auditpack.toml"), []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	e := testEnv(t)
	e.workDir = rulesd // the file is found above
	if got := runIn(e, "lint", rulesd); got.code != exitInput || !strings.Contains(got.stderr, "auditpack-baseline.json") {
		t.Fatalf("the configuration's missing baseline: exit %d\n%s", got.code, got.stderr)
	}
	if got := runIn(e, "lint", "--write-baseline", filepath.Join(dir, "auditpack-baseline.json"), rulesd); got.code != 0 || !strings.Contains(got.stderr, ": 2 findings") {
		t.Fatalf("--write-baseline: exit %d\n%s", got.code, got.stderr)
	}
	if got := runIn(e, "lint", "--fail-on", "info", rulesd); got.code != 0 || !strings.Contains(got.stderr, "hides 2 findings") {
		t.Errorf("the configuration's baseline: exit %d\n%s", got.code, got.stderr)
	}
	// Re-enabled, the duplicate's finding is new to the baseline.
	got := runIn(e, "lint", "--enable", "ord-key-only-duplicate", "--fail-on", "info", rulesd)
	if got.code != 1 || !strings.Contains(got.stdout, "[ORD-KEY-ONLY-DUPLICATE]") || strings.Contains(got.stderr, "not run") {
		t.Errorf("--enable: exit %d\n%s%s", got.code, got.stdout, got.stderr)
	}
	if got := runIn(e, "lint", "--enable", "ORD-KEY-SHADOW", "--disable", "ORD-KEY-SHADOW", rulesd); got.code != exitInput || !strings.Contains(got.stderr, "both name ORD-KEY-SHADOW") {
		t.Errorf("--enable and --disable of one check: exit %d\n%s", got.code, got.stderr)
	}
}

// openPTY opens a pseudo-terminal and returns its two ends.
func openPTY(t *testing.T) (master, tty *os.File) {
	t.Helper()
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	t.Cleanup(func() { master.Close() })
	var unlock int32
	var n uint32
	if _, _, errno := syscall.Syscall(syscall.SYS_IOCTL, master.Fd(), syscall.TIOCSPTLCK, uintptr(unsafe.Pointer(&unlock))); errno != 0 {
		t.Fatal(errno)
	}
	if _, _, errno := syscall.Syscall(syscall.SYS_IOCTL, master.Fd(), syscall.TIOCGPTN, uintptr(unsafe.Pointer(&n))); errno != 0 {
		t.Fatal(errno)
	}
	tty, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tty.Close() })
	return master, tty
}

// --color auto colours on a terminal unless NO_COLOR is set and not
// empty; always and never override both; a buffer or /dev/null is no
// terminal.
func TestLintColor(t *testing.T) {
	demo := []string{filepath.Join(repoRoot, "testdata/inputs/lint-demo/site"), filepath.Join(repoRoot, "testdata/inputs/lint-demo/stig")}
	onTerminal := func(noColor string, args ...string) string {
		master, tty := openPTY(t)
		e := testEnv(t)
		e.getenv = func(name string) string {
			if name == "NO_COLOR" {
				return noColor
			}
			return ""
		}
		var stderr bytes.Buffer
		e.stdout, e.stderr = tty, &stderr
		read := make(chan []byte)
		go func() {
			var out bytes.Buffer
			io.Copy(&out, master) // ends with an error once the terminal is closed
			read <- out.Bytes()
		}()
		run(t.Context(), e, append(append([]string{"auditpack", "lint"}, args...), demo...))
		tty.Close()
		return string(<-read)
	}
	for _, c := range []struct {
		noColor string
		args    []string
		want    bool
	}{
		{"", nil, true},
		{"1", nil, false},
		{"", []string{"--color", "never"}, false},
		{"1", []string{"--color", "always"}, true},
	} {
		if out := onTerminal(c.noColor, c.args...); strings.Contains(out, "\x1b[1;31merror\x1b[0m") != c.want || !strings.Contains(out, "ORD-NEVER-SHADOWS-ALWAYS") {
			t.Errorf("on a terminal, NO_COLOR=%q %v: colour %v, want %v:\n%q", c.noColor, c.args, !c.want, c.want, out)
		}
	}
	if got := runIn(testEnv(t), append([]string{"lint"}, demo...)...); strings.Contains(got.stdout, "\x1b") {
		t.Errorf("--color auto into a buffer colours: %q", got.stdout)
	}
	null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer null.Close()
	if isTerminal(null) {
		t.Error("/dev/null is taken for a terminal")
	}
}

// The configuration's profile and pack roots are lint's when the command
// line names none, and the command line's when it does.
func TestLintConfigProfileAndPacks(t *testing.T) {
	dir := t.TempDir()
	site, sitePacks := filepath.Join(repoRoot, "testdata/inputs/site.toml"), filepath.Join(repoRoot, "testdata/inputs/site-packs")
	config := fmt.Sprintf("[lint]\nprofile = %q\npacks = [%q]\n", site, sitePacks)
	if err := os.WriteFile(filepath.Join(dir, ".auditpack.toml"), []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	// summary is what a run checked: its exit code and JSON summary.
	summary := func(e *env, args ...string) string {
		got := runIn(e, append([]string{"lint", "--format", "json"}, args...)...)
		var doc struct{ Summary map[string]int }
		if err := json.Unmarshal([]byte(got.stdout), &doc); err != nil {
			t.Fatalf("lint %v: %v\n%s", args, err, got.stderr)
		}
		return fmt.Sprint(got.code, doc.Summary)
	}
	configured := testEnv(t)
	configured.workDir = dir
	for _, c := range []struct{ configuredArgs, plainArgs []string }{
		{nil, []string{"--profile", site, "--packs", sitePacks}},
		{[]string{"--profile", "pci-dss"}, []string{"--profile", "pci-dss"}},
	} {
		if got, want := summary(configured, c.configuredArgs...), summary(testEnv(t), c.plainArgs...); got != want {
			t.Errorf("lint %v with the configuration checked %s; lint %v %s", c.configuredArgs, got, c.plainArgs, want)
		}
	}
	if a, b := summary(testEnv(t), "--profile", site, "--packs", sitePacks), summary(testEnv(t), "--profile", "pci-dss"); a == b {
		t.Fatalf("the two profiles check the same (%s): the test tells nothing", a)
	}
}
