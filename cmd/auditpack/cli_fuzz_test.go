package main

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzCLI runs the CLI on a fuzzed rules file with fuzzed arguments drawn
// from the options every command takes: whatever the input, the CLI
// answers with an exit code of its contract (0-3), never a panic. apply
// only ever dry-runs, against an in-memory kernel; outputs go to the
// test's directory.
func FuzzCLI(f *testing.F) {
	for _, seed := range []struct {
		args string
		data string
	}{
		{"\x00\x10", "-D\n-b 8192\n-w /etc/passwd -p wa -k identity\n"},
		{"\x03\x01\x02", "-a always,exit -F arch=b64 -S openat -F exit=-EACCES -k access\n"},
		{"\x06\x0b", "-e 2\n-a never,exit -S all\n"},
		{"\x09\x0c\x0d", "\ufeff-D\n-a always,exit -F arch=b64 -S stime -k time"},
		{"\x07\x05", "-w /etc/shadow -k x -p rwxa\n-a always,exclude -F msgtype=CWD\n"},
	} {
		f.Add([]byte(seed.args), []byte(seed.data))
	}
	e := testEnv(f)
	f.Fuzz(func(t *testing.T, picks, data []byte) {
		dir := t.TempDir()
		rules := filepath.Join(dir, "10-fuzz.rules")
		if err := os.WriteFile(rules, data, 0o644); err != nil {
			t.Fatal(err)
		}
		commands := [][]string{{"lint"}, {"compile"}, {"fmt"}, {"apply"}, {"verify", "--profile", "stig-rhel9", "--rules", rules}, {"packs", "show"}, {"profiles", "show"}}
		// An option that names a file to write comes with its value, a
		// path in the test's directory.
		words := [][]string{{"--format", "json"}, {"--format", "text"}, {"--format", "sarif"}, {"--format", "github"},
			{"--format", "junit"}, {"--fail-on", "warning"}, {"--fail-on", "info"}, {"--target", "x86_64,aarch64"},
			{"--force"}, {"--host"}, {"--profile", "stig-rhel9"}, {"--profile", "pci-dss"}, {"--check"}, {"-w"}, {"--each-dir"},
			{rules}, {dir}, {"-o", filepath.Join(dir, "out.rules")}, {"--"}, {"-"}, {""}, {"--controls"}, {"stig@^2"},
			{"--owned-keys", "ap_"}, {"--packs", dir}, {"--format"}, {"--profile"}}
		args := []string{"auditpack"}
		if len(picks) > 0 {
			args = append(args, commands[int(picks[0])%len(commands)]...)
			picks = picks[1:]
		}
		for _, p := range picks {
			args = append(args, words[int(p)%len(words)]...)
		}
		if len(args) > 1 && args[1] == "apply" {
			args = append(args, "--dry-run") // never a load, even into the fake
		}
		if got := runIn(e, args[1:]...); got.code < 0 || got.code > 3 {
			t.Fatalf("%q: exit %d, outside the CLI's contract (0-3)\n%s", args, got.code, got.stderr)
		}
	})
}
