package packs

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/elastic/go-libaudit/v2/rule"
	"github.com/elastic/go-libaudit/v2/rule/flags"

	"github.com/auditpack/auditpack/internal/corpus"
)

func parseOne(t *testing.T, line string) (*Item, *ParseError) {
	t.Helper()
	f := ParseFile("t.rules", "t.rules", nil, []byte(line+"\n"))
	if len(f.Errors) > 0 {
		return nil, f.Errors[0]
	}
	if len(f.Items) != 1 {
		t.Fatalf("%q: %d items, want 1", line, len(f.Items))
	}
	return &f.Items[0], nil
}

func vf(lhs, op, rhs string) rule.FilterSpec {
	return rule.FilterSpec{Type: rule.ValueFilterType, LHS: lhs, Comparator: op, RHS: rhs}
}

func TestParseRules(t *testing.T) {
	cases := []struct {
		line string
		want rule.Rule
	}{
		{"-a always,exit -F arch=b64 -S openat,open -F auid>=1000 -F auid!=unset -k access",
			&rule.SyscallRule{Type: rule.AppendSyscallRuleType, List: "exit", Action: "always",
				Filters:  []rule.FilterSpec{vf("arch", "=", "b64"), vf("auid", ">=", "1000"), vf("auid", "!=", "unset")},
				Syscalls: []string{"openat", "open"}, Keys: []string{"access"}}},
		{"-A exit,never -F arch=b32 -S all -F exe=/usr/bin/true",
			&rule.SyscallRule{Type: rule.PrependSyscallRuleType, List: "exit", Action: "never",
				Filters: []rule.FilterSpec{vf("arch", "=", "b32"), vf("exe", "=", "/usr/bin/true")}, Syscalls: []string{"all"}}},
		{"-a always,exit -F arch=b64 -S execve -C uid!=euid -F euid=0 -F key=execpriv",
			&rule.SyscallRule{Type: rule.AppendSyscallRuleType, List: "exit", Action: "always",
				Filters: []rule.FilterSpec{vf("arch", "=", "b64"), {Type: rule.InterFieldFilterType, LHS: "uid", Comparator: "!=", RHS: "euid"},
					vf("euid", "=", "0"), vf("key", "=", "execpriv")}, Syscalls: []string{"execve"}}},
		// Keys are not split at commas (go-libaudit's flags.Parse splits them).
		{"-w /etc/passwd -p wa -k a,b",
			&rule.FileWatchRule{Type: rule.FileWatchRuleType, Path: "/etc/passwd",
				Permissions: []rule.AccessType{rule.WriteAccessType, rule.AttributeChangeAccessType}, Keys: []string{"a,b"}}},
		// "\ " is a space inside a word, as in auditctl.
		{`-w /srv/my\ data -p r`,
			&rule.FileWatchRule{Type: rule.FileWatchRuleType, Path: "/srv/my data", Permissions: []rule.AccessType{rule.ReadAccessType}}},
		// A watch with fields becomes an exit rule on the path, as auditctl makes it.
		{"-w /etc/hosts -p wa -F auid>=1000 -k h",
			&rule.SyscallRule{Type: rule.AppendSyscallRuleType, List: "exit", Action: "always",
				Filters: []rule.FilterSpec{vf("path", "=", "/etc/hosts"), vf("perm", "=", "wa"), vf("auid", ">=", "1000")}, Keys: []string{"h"}}},
		{"   -a never,exclude -F msgtype=CWD",
			&rule.SyscallRule{Type: rule.AppendSyscallRuleType, List: "exclude", Action: "never", Filters: []rule.FilterSpec{vf("msgtype", "=", "CWD")}}},
		{"-a never,filesystem -F fstype=tracefs",
			&rule.SyscallRule{Type: rule.AppendSyscallRuleType, List: "filesystem", Action: "never", Filters: []rule.FilterSpec{vf("fstype", "=", "tracefs")}}},
		{"-a task,never", &rule.SyscallRule{Type: rule.AppendSyscallRuleType, List: "task", Action: "never"}},
		{"-aalways,exit -Farch=b64 -Sopenat", &rule.SyscallRule{Type: rule.AppendSyscallRuleType, List: "exit", Action: "always",
			Filters: []rule.FilterSpec{vf("arch", "=", "b64")}, Syscalls: []string{"openat"}}},
	}
	for _, c := range cases {
		it, perr := parseOne(t, c.line)
		if perr != nil {
			t.Errorf("%q: %v", c.line, perr)
			continue
		}
		if it.Text != c.line {
			t.Errorf("%q: Text = %q", c.line, it.Text)
		}
		if !reflect.DeepEqual(it.Rule, c.want) {
			t.Errorf("%q:\n got %#v\nwant %#v", c.line, it.Rule, c.want)
		}
	}
}

func TestParseDirectives(t *testing.T) {
	cases := []struct {
		line string
		want Directive
	}{
		{"-D", Directive{Option: OptDeleteAll}},
		{"-D -k old", Directive{Option: OptDeleteAll, Key: "old"}},
		{"-b 8192", Directive{Option: OptBacklogLimit, Value: "8192"}},
		{"-b8192", Directive{Option: OptBacklogLimit, Value: "8192"}},
		{"-f 2", Directive{Option: OptFailure, Value: "2"}},
		{"-e 0", Directive{Option: OptEnabled, Value: "0"}},
		{"-r 0", Directive{Option: OptRateLimit, Value: "0"}},
		{"--backlog_wait_time 60000", Directive{Option: OptBacklogWaitTime, Value: "60000"}},
		{"--backlog_wait_time=60000", Directive{Option: OptBacklogWaitTime, Value: "60000"}},
		{"--loginuid-immutable", Directive{Option: OptLoginuidImmutable}},
		{"-c", Directive{Option: OptContinueOnError}},
		{"-i", Directive{Option: OptIgnoreErrors}},
	}
	for _, c := range cases {
		it, perr := parseOne(t, c.line)
		if perr != nil {
			t.Errorf("%q: %v", c.line, perr)
			continue
		}
		if it.Directive != c.want || it.Rule != nil || !it.IsDirective() {
			t.Errorf("%q: got %+v rule %v, want %+v", c.line, it.Directive, it.Rule, c.want)
		}
	}
}

// Every line here is one auditctl rejects or silently changes; the parser
// must name the catalogue check and say what to do.
func TestParseErrors(t *testing.T) {
	cases := []struct{ line, check, msg string }{
		{"-a always,exit -F arch=b64 -S unlinkat -k del # delete", CheckInlineComment, `comment after a rule`},
		{"-a always,exit -F arch=b64 -S openat stray", CheckParseError, `unexpected word "stray"`},
		{"-a always,exit -F arch=b64 -S openat -k x\r", CheckCRLF, `carriage return.*dos2unix`},
		{"-a\talways,exit", CheckTab, `tab at column 3`},
		{"-a always,exit -F ++uid=0", CheckParseError, `write field, operator, value`},
		{"-a always,exit -F uid", CheckParseError, `no operator after "uid"`},
		{"-a always,exit -F UID=0", CheckParseError, `write field, operator, value`},
		{"-a always,exit -F colour=red", CheckParseError, `unknown field "colour"`},
		{"-a always,exit,now", CheckParseError, `one comma`},
		{"-a entry,always", CheckParseError, `entry list was removed`},
		{"-a possible,exit", CheckParseError, `possible action was removed`},
		{"-a always,always", CheckParseError, `"always" is not a list`},
		{"-a always,exit -a always,exit", CheckParseError, `two`},
		{"-a always,exit -S", CheckParseError, `-S needs a value`},
		{"-a always,exit -S open,,close", CheckParseError, `empty syscall name`},
		{"-F arch=b64 -a always,exit -S openat", CheckParseError, `-F before -a`},
		{"-S openat -a always,exit", CheckParseError, `-S before -a`},
		{"-a always,exit -F arch=b64 -k x -S openat", CheckKey, `-k before any -S`},
		{"-a always,user -F uid=0 -k x", CheckKey, `-k before`},
		{"-a always,exit -C auid>obj_uid", CheckParseError, `-C compares with = or !=`},
		{"-a always,exit -C uid!=pid", CheckParseError, `"pid" cannot be compared`},
		{"-w /etc/hosts -a always,exit", CheckWatchForm, `-a after -w`},
		{"-a always,exit -w /etc/hosts", CheckWatchForm, `-w in a -a/-A rule`},
		{"-w /etc/hosts -S open", CheckWatchForm, `-S in a watch`},
		{"-a always,exit -F arch=b64 -S all -p wa", CheckWatchForm, `-p needs a -w`},
		{"-w /etc/hosts -p wz", CheckWatchForm, `"z" is not one of`},
		{"-w /etc/hosts -p rwxaw", CheckWatchForm, `at most four`},
		{"-w /etc/hosts -p ww", CheckWatchForm, `repeated`},
		{"-w /a -w /b", CheckWatchForm, `two`},
		{"-k lonely", CheckKey, `-k before`},
		{"-e 3", CheckInvalidValue, `-e must be 0, 1 or 2, not "3"`},
		{"-f 02", CheckInvalidValue, `-f must be 0, 1 or 2`},
		{"-b 010", CheckInvalidValue, `octal`},
		{"-b 8192x", CheckInvalidValue, `whole number`},
		{"-b 4294967296", CheckInvalidValue, `whole number`},
		{"-r abc", CheckInvalidValue, `whole number`},
		{"--backlog_wait_time", CheckParseError, `needs a value`},
		{"--loginuid-immutable=1", CheckParseError, `takes no value`},
		{"--colour", CheckParseError, `unknown option "--colour"`},
		{"-b 8192 -f 1", CheckParseError, `cannot share a line`},
		{"-D -k a -k b", CheckParseError, `cannot share a line`},
		{"-a always,exit -S all -f 1", CheckParseError, `cannot be part of a rule`},
		{"-Dc", CheckParseError, `unknown option "-Dc"`},
		{"-R other.rules", CheckStatefulOption, `command, not configuration`},
		{"-l", CheckStatefulOption, `command, not configuration`},
		{"--reset-lost", CheckStatefulOption, `one-off command`},
		{"-F arch=b64", CheckParseError, `-F before -a or -w`},
		{"-k", CheckParseError, `option -k needs a value`},
		{"-a always,exit -S all -p", CheckParseError, `option -p needs a value`},
		{strings.Repeat("x", MaxLineLen+1), CheckLineTooLong, `at most 6143`},
		{"-w /etc/\xff", CheckNotText, `not valid UTF-8`},
	}
	for _, c := range cases {
		_, perr := parseOne(t, c.line)
		if perr == nil {
			t.Errorf("%q: parsed, want %s", c.line, c.check)
			continue
		}
		if perr.Check != c.check || !regexp.MustCompile(c.msg).MatchString(perr.Message) {
			t.Errorf("%q: got %s %q, want %s matching %q", c.line, perr.Check, perr.Message, c.check, c.msg)
		}
		if perr.Origin.Line != 1 || perr.Origin.File != "t.rules" {
			t.Errorf("%q: origin %v, want t.rules:1", c.line, perr.Origin)
		}
	}
}

func TestParseFileStructure(t *testing.T) {
	src := "## header\n\n## controls: A-1 B-2\n## controls: C-3\n-w /etc/a -p wa\n-w /etc/b -p wa\n\n-w /etc/c -p wa\n    # indented comment\n-e 1"
	f := ParseFile("10-x.rules", "dir/10-x.rules", nil, []byte(src))
	if len(f.Errors) != 0 {
		t.Fatalf("errors: %v", f.Errors)
	}
	if !f.MissingFinalNewline || f.Lines != 10 {
		t.Errorf("MissingFinalNewline=%v Lines=%d, want true 10", f.MissingFinalNewline, f.Lines)
	}
	if len(f.Items) != 4 {
		t.Fatalf("%d items, want 4", len(f.Items))
	}
	wantLines := []int{5, 6, 8, 10}
	wantControls := [][]string{{"A-1", "B-2", "C-3"}, {"A-1", "B-2", "C-3"}, nil, nil}
	for i, it := range f.Items {
		if it.Origin.Line != wantLines[i] || it.Origin.File != "dir/10-x.rules" {
			t.Errorf("item %d origin %v, want line %d", i, it.Origin, wantLines[i])
		}
		if !reflect.DeepEqual(it.Controls, wantControls[i]) {
			t.Errorf("item %d controls %v, want %v", i, it.Controls, wantControls[i])
		}
	}
}

func TestParseBinaryFile(t *testing.T) {
	f := ParseFile("x.rules", "x.rules", nil, []byte("-D\n-b 1\x00\x01\x02"))
	if len(f.Errors) != 1 || f.Errors[0].Check != CheckNotText || f.Errors[0].Origin.Line != 2 || len(f.Items) != 0 {
		t.Fatalf("got items %d errors %v, want one SYN-NOT-TEXT at line 2", len(f.Items), f.Errors)
	}
}

// TestParseMatchesGoLibaudit checks that for every line both parsers
// accept, the rule structs build to the same kernel wire format: the strict
// parser reads rules exactly as go-libaudit (and auditctl) would.
func TestParseMatchesGoLibaudit(t *testing.T) {
	var files []string
	for _, pattern := range []string{"*/*.rules", "../../shared/corpus/*/*.rules", "../testdata/*/*.rules"} {
		m, _ := filepath.Glob(pattern)
		files = append(files, m...)
	}
	compared := 0
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		f := ParseFile(filepath.Base(path), path, nil, data)
		for _, it := range f.Items {
			if it.Rule == nil {
				continue
			}
			theirs, err := flags.Parse(it.Text)
			if err != nil {
				continue // go-libaudit cannot read it (e.g. the filesystem list)
			}
			wantWire, err1 := rule.Build(theirs)
			gotWire, err2 := rule.Build(it.Rule)
			if (err1 == nil) != (err2 == nil) {
				t.Errorf("%s: build errors differ: go-libaudit %v, ours %v", it.Origin, err1, err2)
				continue
			}
			if err1 == nil && !bytes.Equal(wantWire, gotWire) {
				t.Errorf("%s: wire format differs from go-libaudit's for %q", it.Origin, it.Text)
			}
			compared++
		}
	}
	if compared < 200 {
		t.Errorf("compared only %d rules; the packs alone have more", compared)
	}
	t.Logf("%d rules built to the same wire format as go-libaudit's parser", compared)
}

func TestCorpusHasNoParseErrors(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(corpus.Dir(t, ""), "*/*.rules"))
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		f := ParseFile(filepath.Base(path), path, nil, data)
		for _, e := range f.Errors {
			t.Errorf("%v [%s]", e, e.Check)
		}
	}
}
