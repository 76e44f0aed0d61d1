// Package rulegen writes large generated rules.d directories for
// benchmarks, shaped like real compliance packs: watches, privileged-command
// rules, per-program and per-user syscall rules, and general syscall rules
// that repeat (as merged packs do), with comments, blank lines and control
// lines for augenrules to move.
package rulegen

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var (
	syscalls = []string{"openat", "unlinkat", "renameat", "fchmodat", "fchownat", "mkdirat", "truncate", "ftruncate",
		"setxattr", "removexattr", "init_module", "delete_module", "mount", "umount2", "execve", "chmod", "chown",
		"rename", "rmdir", "creat", "open_by_handle_at", "linkat", "symlinkat", "mknodat", "settimeofday"}
	errnos = []string{"EACCES", "EPERM", "ENOENT", "EEXIST", "EINVAL", "EBUSY", "EROFS", "ENOSPC"}
)

// WriteRulesDir writes files *.rules into dir with rules rule lines in all.
func WriteRulesDir(tb testing.TB, dir string, files, rules int) {
	tb.Helper()
	per := rules / files
	for f := 0; f < files; f++ {
		var sb strings.Builder
		fmt.Fprintf(&sb, "## generated pack %d\n-D\n-b %d\n\n", f, 8192+f)
		for i := 0; i < per; i++ {
			n := f*per + i
			arch := []string{"b64", "b32"}[n%2]
			switch n % 10 {
			case 0, 1, 2:
				fmt.Fprintf(&sb, "## controls: C-%d\n-w /etc/app%d/app.conf -p wa -k k%d\n", n, n, n)
			case 3, 4, 5:
				fmt.Fprintf(&sb, "-a always,exit -S all -F path=/usr/bin/tool%d -F perm=x -F auid>=1000 -F auid!=unset -F key=k%d\n", n, n)
			case 6, 7:
				fmt.Fprintf(&sb, "-a always,exit -F arch=%s -S %s -F exe=/usr/lib/app%d/bin -F exit=-EACCES -k k%d\n", arch, syscalls[n%len(syscalls)], n, n)
			case 8:
				fmt.Fprintf(&sb, "-a always,exit -F arch=%s -S %s -F uid=%d -k k%d\n\n", arch, syscalls[n%len(syscalls)], 1000+n, n)
			default:
				fmt.Fprintf(&sb, "-a always,exit -F arch=%s -S %s -F exit=-%s -F auid>=1000 -F auid!=unset -k k%d\n", arch, syscalls[(n/10)%len(syscalls)], errnos[(n/250)%len(errnos)], n)
			}
		}
		sb.WriteString("-e 1\n")
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%02d-gen.rules", f)), []byte(sb.String()), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
}

// WriteThresholdRules writes one rules.d file of n rules that all watch the
// same events, each from its own auid>=N threshold and with its own key:
// every rule overlaps every other, the worst case for the analysis of rule
// against rule (about 110 bytes a rule, as real syscall rules are).
func WriteThresholdRules(tb testing.TB, dir string, n int) {
	tb.Helper()
	var sb strings.Builder
	sb.WriteString("-D\n-b 8192\n-f 1\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&sb, "-a always,exit -F arch=b64 -S openat,openat2 -F exit=-EACCES -F auid>=%d -F auid!=unset -F key=key-%08d\n", 1000+i, i)
	}
	if err := os.WriteFile(filepath.Join(dir, "30-thresholds.rules"), []byte(sb.String()), 0o644); err != nil {
		tb.Fatal(err)
	}
}
