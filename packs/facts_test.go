package packs

import (
	"os"
	"path/filepath"
	"regexp"
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
	}{{nil, "auid>=1000"}, {Facts{FactUIDMin: "500"}, "auid>=500"}} {
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
	if s, err := LoadPath(plain, Facts{FactUIDMin: "500"}); err != nil || !strings.Contains(s.Files[0].Items[0].Text, "${UID_MIN}") {
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
	for name, f := range map[string]Facts{"unknown": {"GID_MIN": "1000"}, "not a number": {FactUIDMin: "five hundred"}} {
		if err := CheckFacts(f, "p.toml: [facts]"); err == nil || !strings.HasPrefix(err.Error(), "p.toml: [facts]: ") {
			t.Errorf("%s: %v", name, err)
		}
	}
}
