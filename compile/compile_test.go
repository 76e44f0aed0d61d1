package compile

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/auditpack/auditpack/internal/golden"
	"github.com/auditpack/auditpack/packs"
	"github.com/auditpack/auditpack/packs/model"
	"github.com/auditpack/auditpack/profiles"
)

func compileDir(t *testing.T, dir string) *Compiled {
	t.Helper()
	sel, err := profiles.Select(profiles.Request{Paths: []string{dir}})
	if err != nil {
		t.Fatal(err)
	}
	res := Build(sel)
	if err := res.Renderable(); err != nil {
		t.Fatal(err)
	}
	return res
}

// The mixed fixture holds every merge rule at once: version order (9 before
// 10, 099 after 99, 100 last), the last -D/-b/-f/-e winning and moving,
// indented and trailing-space directives staying in place, -D -k, -r and
// --backlog_wait_time staying in place, ignored .bak and hidden files.
func TestMergeMixed(t *testing.T) {
	res := compileDir(t, "testdata/mixed")
	golden.Check(t, "testdata/mixed.golden", res.Render("test"))
	var names []string
	for _, f := range res.Files {
		names = append(names, f.Name)
	}
	want := []string{"9-early.rules", "10-base.rules", "30-site.rules", "30-site-extra.rules", "99-finalize.rules", "099-zero.rules", "100-late.rules"}
	if !slices.Equal(names, want) {
		t.Errorf("merge order %v, want %v", names, want)
	}
	first, last := res.Items[0], res.Items[len(res.Items)-1]
	if first.Text != "-D" || first.Origin.File != "testdata/mixed/10-base.rules" {
		t.Errorf("first line %q from %v, want -D from 10-base.rules", first.Text, first.Origin)
	}
	if last.Text != "-e 1" || last.Origin.String() != "testdata/mixed/100-late.rules:2" {
		t.Errorf("last line %q from %v, want -e 1 from 100-late.rules:2", last.Text, last.Origin)
	}
}

func TestRenderIsDeterministic(t *testing.T) {
	a := compileDir(t, "testdata/mixed").Render("test")
	b := compileDir(t, "testdata/mixed").Render("test")
	if string(a) != string(b) {
		t.Fatal("two compiles of the same input differ")
	}
}

func selectProfile(t *testing.T, name string) *packs.Selection {
	t.Helper()
	sel, err := profiles.Select(profiles.Request{Profile: name})
	if err != nil {
		t.Fatal(err)
	}
	return sel
}

func TestProfilesGolden(t *testing.T) {
	for _, name := range []string{"stig-rhel9", "pci-dss", "ospp"} {
		res := Build(selectProfile(t, name))
		if err := res.Renderable(); err != nil {
			t.Fatal(err)
		}
		golden.Check(t, filepath.Join("testdata", "profile-"+name+".golden"), res.Render("test"))
	}
}

func TestSettingsOverride(t *testing.T) {
	sel := selectProfile(t, "stig-rhel9")
	sel.Settings = []model.Directive{
		{Option: model.OptFailure, Value: "1"},
		{Option: model.OptBacklogLimit, Value: "320"},
		{Option: model.OptBacklogWaitTime, Value: "1000"},
		{Option: model.OptRateLimit, Value: "50"},
	}
	res := Build(sel)
	if err := res.Renderable(); err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, it := range res.Items {
		if it.IsDirective() {
			texts = append(texts, it.Text)
		}
	}
	want := []string{"-D", "-b 320", "-f 1", "-r 50", "--backlog_wait_time 1000", "--loginuid-immutable", "-e 2"}
	if !slices.Equal(texts, want) {
		t.Errorf("control lines %q, want %q", texts, want)
	}
	for _, it := range res.Items {
		if it.Text == "-b 320" && it.Origin.Pack != "profile stig-rhel9" {
			t.Errorf("an overridden setting names %q as its origin, want the profile", it.Origin.Pack)
		}
	}
}

func TestArchesDropOtherArches(t *testing.T) {
	sel := selectProfile(t, "stig-rhel9")
	sel.Arches = []string{"b64"}
	res := Build(sel)
	if err := res.Renderable(); err != nil {
		t.Fatal(err)
	}
	if res.DroppedForArch == 0 {
		t.Fatal("no b32 rule was dropped")
	}
	for _, it := range res.Items {
		if strings.Contains(it.Text, "arch=b32") {
			t.Errorf("b32 rule kept: %s", it.Origin)
		}
	}
	if !strings.Contains(res.Summary(), "for other arches left out") {
		t.Errorf("summary %q does not mention the dropped rules", res.Summary())
	}
}

func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestMergeRefusesBrokenInput(t *testing.T) {
	cases := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"missing newline before another file", map[string]string{"10-a.rules": "-w /etc/a -p wa", "20-b.rules": "-w /etc/b -p wa\n"},
			`10-a.rules:1: no newline at the end of the file: augenrules would glue this line to the first line of 20-b.rules`},
		{"parse errors, all of them", map[string]string{"10-a.rules": "-a always,exit -S open # x\n-e 7\n"},
			`10-a.rules:1:24: comment after a rule.*\n.*10-a.rules:2:4: -e must be 0, 1 or 2`},
	}
	for _, c := range cases {
		dir := writeFiles(t, c.files)
		sel, err := profiles.Select(profiles.Request{Paths: []string{dir}})
		if err != nil {
			t.Fatal(err)
		}
		err = Build(sel).Renderable()
		var ie *InputError
		if !errors.As(err, &ie) || !regexp.MustCompile(c.want).MatchString(err.Error()) {
			t.Errorf("%s: got %v, want an InputError matching %q", c.name, err, c.want)
		}
	}
	// A missing newline at the end of the last file glues nothing.
	dir := writeFiles(t, map[string]string{"10-a.rules": "-w /etc/a -p wa\n", "20-b.rules": "-w /etc/b -p wa"})
	if res := compileDir(t, dir); len(res.Items) != 2 {
		t.Errorf("got %d items, want 2", len(res.Items))
	}
}

func TestMergeRefusesSameFileNameTwice(t *testing.T) {
	a := writeFiles(t, map[string]string{"30-x.rules": "-w /etc/a -p wa\n"})
	b := writeFiles(t, map[string]string{"30-x.rules": "-w /etc/b -p wa\n"})
	sel, err := profiles.Select(profiles.Request{Paths: []string{a, b}})
	if err != nil {
		t.Fatal(err)
	}
	err = Build(sel).Renderable()
	if err == nil || !strings.Contains(err.Error(), "file name 30-x.rules is also used by") {
		t.Fatalf("got %v, want a file name conflict", err)
	}
}

// The rules of a large set, normalized on every core into shared blocks,
// are the rules each line normalizes to alone.
func TestRulesAsNormalizedAlone(t *testing.T) {
	var b strings.Builder
	for i := range 3 * 2048 {
		fmt.Fprintf(&b, "-a always,exit -F arch=b%d -S openat,open%s -F auid>=%d -F auid!=unset -k k%d\n", 32<<(i%2), strings.Repeat(",creat", i%3), i, i)
		fmt.Fprintf(&b, "-w /etc/f%d -p wa -k w%d\n", i, i)
	}
	path := filepath.Join(t.TempDir(), "big.rules")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	sel, err := profiles.Select(profiles.Request{Paths: []string{path}})
	if err != nil {
		t.Fatal(err)
	}
	c := Build(sel)
	target := c.Targets[0]
	rules := c.Rules(target)
	if len(rules) != 2*3*2048 {
		t.Fatalf("%d rules", len(rules))
	}
	byItem := c.ItemRules(target)
	for i, it := range c.Items {
		if got, want := byItem[i], model.Normalize(it, target); !reflect.DeepEqual(got, want) {
			t.Fatalf("line %d: normalized with the set\n%+v\nalone\n%+v", it.Origin.Line, got, want)
		}
	}
}

// TestTargetFitsRulesOnTheModel: a pack rule is fitted to another machine
// by its model, whatever its spelling: "-Sunlink,openat" keeps openat on
// aarch64 (whose 64-bit ABI has no unlink), and a rule left with no
// syscall is left out.
func TestTargetFitsRulesOnTheModel(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"pack.toml": "name = \"fit\"\nversion = \"1.0.0\"\norder = 30\n",
		"30-fit.rules": "-a always,exit -F arch=b64 -Sunlink,openat -k clustered\n" +
			"-a always,exit -F arch=b64 -S unlink -S openat,chmod -F auid>=1000 -k split\n" +
			"-a always,exit -F arch=b64 -S unlink,chmod -k gone\n",
	})
	sel, err := profiles.Select(profiles.Request{Paths: []string{dir}})
	if err != nil {
		t.Fatal(err)
	}
	arm := model.Targets["aarch64"]
	c := Build(sel, arm)
	var got []string
	for _, r := range c.Rules(arm) {
		if len(r.Unknown()) > 0 {
			t.Errorf("%q keeps syscalls aarch64 lacks: %v", r.Item.Text, r.Unknown())
		}
		var names []string
		for _, n := range r.WireMask.Numbers() {
			names = append(names, arm.SyscallNames(model.B64)[n])
		}
		got = append(got, strings.Join(r.Keys, ",")+":"+strings.Join(names, ","))
	}
	if want := []string{"clustered:openat", "split:openat"}; !slices.Equal(got, want) {
		t.Errorf("fitted rules %v, want %v", got, want)
	}
	if c.DroppedForTarget != 1 {
		t.Errorf("%d rules left out, want 1 (the one with only unlink and chmod)", c.DroppedForTarget)
	}
}
