package packs

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

func TestPackFactsResolve(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "site")
	writePack(t, dir, map[string]string{"pack.toml": goodManifest,
		"50-a.rules": "## users\n-a always,exit -F arch=b64 -S chmod -F auid>=${UID_MIN} -F auid!=unset -k a\n"})
	for _, c := range []struct {
		facts Facts
		want  string
	}{{nil, "auid>=1000"}, {Facts{factUIDMin: "500"}, "auid>=500"}} {
		src, err := LoadPath(dir, c.facts)
		if err != nil {
			t.Fatal(err)
		}
		it := src.Files[0].Items[0]
		if !strings.Contains(it.Text, c.want) || it.Origin.Line != 2 || len(src.Files[0].Errors) > 0 {
			t.Errorf("facts %v: %q at line %d, errors %v", c.facts, it.Text, it.Origin.Line, src.Files[0].Errors)
		}
	}
	if !src(t, dir).Files[0].UsesFacts {
		t.Error("the pack names ${UID_MIN} and says it uses no fact")
	}
	// A plain file is read as auditctl reads it: no variables.
	plain := filepath.Join(t.TempDir(), "a.rules")
	os.WriteFile(plain, []byte("-a always,exit -F arch=b64 -S chmod -F auid>=${UID_MIN}\n"), 0o644)
	if s, err := LoadPath(plain, Facts{factUIDMin: "500"}); err != nil || !strings.Contains(s.Files[0].Items[0].Text, "${UID_MIN}") {
		t.Errorf("a plain file's ${UID_MIN} is resolved (%v); auditctl reads it as a user name", err)
	}
}

func src(t *testing.T, dir string) *Source {
	t.Helper()
	s, err := LoadPath(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestPackFactsErrors(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "site")
	writePack(t, dir, map[string]string{"pack.toml": goodManifest, "50-a.rules": "-D\n\n-a always,exit -S all -F auid>=${SYS_UID_MAX}\n"})
	if _, err := LoadPath(dir, nil); err == nil || !regexp.MustCompile(`50-a.rules:3: \$\{SYS_UID_MAX\} is not a host fact`).MatchString(err.Error()) {
		t.Errorf("unknown fact: %v", err)
	}
	for name, f := range map[string]Facts{"unknown": {"GID_MIN": "1000"}, "not a number": {factUIDMin: "five hundred"}} {
		if err := CheckFacts(f, "p.toml: [facts]"); err == nil || !strings.HasPrefix(err.Error(), "p.toml: [facts]: ") {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// A line naming a list fact stands for one line per value, all with the
// line's own origin and controls; an empty list makes none; the lines
// after it keep their numbers.
func TestListFactLines(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "pack.toml"), []byte("name = \"x\"\nversion = \"1.0.0\"\norder = 30\n[facts]\nSETUID_PROGRAMS = [\"/usr/bin/su\", \"/usr/bin/sudo\"]\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "30-x.rules"), []byte("## controls: C-PRIV\n-a always,exit -F path=${SETUID_PROGRAMS} -F perm=x -F auid>=${UID_MIN} -k priv\n\n-w /etc/passwd -p wa\n"), 0o644)
	p, err := readPack(os.DirFS(dir), ".", dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		facts Facts
		want  []string
	}{
		{nil, []string{"2 -a always,exit -F path=/usr/bin/su -F perm=x -F auid>=1000 -k priv", "2 -a always,exit -F path=/usr/bin/sudo -F perm=x -F auid>=1000 -k priv", "4 -w /etc/passwd -p wa"}},
		{Facts{factUIDMin: "500", factSetuidPrograms: "/bin/a"}, []string{"2 -a always,exit -F path=/bin/a -F perm=x -F auid>=500 -k priv", "4 -w /etc/passwd -p wa"}},
		{Facts{factUIDMin: "1000", factSetuidPrograms: ""}, []string{"4 -w /etc/passwd -p wa"}},
	} {
		files, err := p.Open(c.facts)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, it := range files[0].Items {
			got = append(got, fmt.Sprintf("%d %s", it.Origin.Line, it.Text))
			if strings.Contains(it.Text, "priv") && !slices.Equal(it.Controls, []string{"C-PRIV"}) {
				t.Errorf("%q has controls %v", it.Text, it.Controls)
			}
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("facts %v:\n%s\nwant\n%s", c.facts, strings.Join(got, "\n"), strings.Join(c.want, "\n"))
		}
	}
	if err := CheckFacts(Facts{factSetuidPrograms: "usr/bin/su"}, "x"); err == nil {
		t.Error("a relative program path is accepted")
	}
	os.WriteFile(filepath.Join(dir, "pack.toml"), []byte("name = \"x\"\nversion = \"1.0.0\"\norder = 30\n[facts]\nUID_MIN = [\"500\"]\n"), 0o644)
	if _, err := readPack(os.DirFS(dir), ".", dir); err == nil || !strings.Contains(err.Error(), "list facts only") {
		t.Errorf("a pack's scalar fact: %v", err)
	}
}
