package main

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/auditpack/auditpack/apply"
	"github.com/auditpack/auditpack/compile"
	"github.com/auditpack/auditpack/internal/corpus"
	"github.com/auditpack/auditpack/internal/kerneltest"
	"github.com/auditpack/auditpack/lint"
	"github.com/auditpack/auditpack/profiles"
)

// TestRealWorldFiles reads the seven projects' rule files the way a user
// would: lint reads every one (exit 0 or 1, never 2), and apply --dry-run
// names exactly the lines this host's auditctl refuses when augenrules
// loads the file (the assembled file through auditctl -c -R). Lines no test
// may load are commented out first.
func TestRealWorldFiles(t *testing.T) {
	kt := kerneltest.Acquire(t)
	kt.ExpediteGracePeriods()
	files, _ := filepath.Glob(filepath.Join(corpus.Dir(t, "real-world"), "*.rules"))
	if len(files) < 7 {
		t.Fatalf("%d real-world files, want 7", len(files))
	}
	named := regexp.MustCompile(`^(\S+?):(\d+)(?::\d+)?: (?:error|warning|info): .*\[([A-Z0-9-]+)\]$`)
	for _, src := range files {
		t.Run(filepath.Base(src), func(t *testing.T) {
			data, err := os.ReadFile(src)
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(string(data), "\n")
			for i, l := range lines {
				if why := kerneltest.Forbidden(l); why != "" {
					lines[i] = "# not loaded by tests: " + why
				}
			}
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "50-site.rules"), []byte(strings.Join(lines, "\n")), 0o600); err != nil {
				t.Fatal(err)
			}

			if got := runIn(testEnv(t), "lint", dir); got.code != 0 && got.code != 1 {
				t.Errorf("lint exit %d, want 0 or 1: %s", got.code, got.stderr)
			}

			e := testEnv(t)
			e.openKernel = apply.Open // the real kernel, dry-run only
			dryRun := runIn(e, "apply", "--dry-run", dir)
			var ours []int
			for _, l := range strings.Split(dryRun.stderr, "\n") {
				m := named.FindStringSubmatch(l)
				if m == nil {
					continue
				}
				if c, _ := lint.Lookup(m[3]); c != nil && (c.FailsLoad || c.FailsBoot) {
					n, _ := strconv.Atoi(m[2])
					ours = append(ours, n)
				}
			}

			sel, err := profiles.Select(profiles.Request{Paths: []string{dir}})
			if err != nil {
				t.Fatal(err)
			}
			items := compile.Build(sel).Items
			var assembled []string
			for _, it := range items {
				assembled = append(assembled, it.Text)
			}
			refused, err := kt.RefusedLines(assembled)
			if err != nil {
				t.Fatal(err)
			}
			var theirs []int
			for i := range refused {
				theirs = append(theirs, items[i-1].Origin.Line)
			}
			sort.Ints(ours)
			sort.Ints(theirs)
			if !slices.Equal(ours, theirs) {
				t.Errorf("apply --dry-run names lines %v, auditctl refuses lines %v\n%s", ours, theirs, dryRun.stderr)
			}
			t.Logf("%d lines refused by auditctl, named by apply: %v", len(theirs), ours)
		})
	}
}
