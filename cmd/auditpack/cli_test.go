package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/auditpack/auditpack/internal/golden"
)

// TestCLI runs each case of testdata/cli in process: args (one line, split
// at spaces, run from the repository root), the exit code it must give, and
// golden standard output and error.
func TestCLI(t *testing.T) {
	version = "test"
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	longLine := filepath.Join(t.TempDir(), "long.rules")
	if err := os.WriteFile(longLine, append(bytes.Repeat([]byte("x"), 10<<20), '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
	cases, err := filepath.Glob(filepath.Join(root, "testdata/cli/*"))
	if err != nil || len(cases) == 0 {
		t.Fatalf("no cases in testdata/cli (%v)", err)
	}
	t.Chdir(root)
	for _, dir := range cases {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join(dir, "args"))
			if err != nil {
				t.Fatal(err)
			}
			args := append([]string{"auditpack"}, strings.Fields(string(raw))...)
			for i, a := range args {
				args[i] = strings.ReplaceAll(a, "$LONG_LINE_FILE", longLine)
			}
			var stdout, stderr bytes.Buffer
			code := run(args, &stdout, &stderr)
			golden.Check(t, filepath.Join(dir, "stdout.golden"), stdout.Bytes())
			golden.Check(t, filepath.Join(dir, "stderr.golden"), bytes.ReplaceAll(stderr.Bytes(), []byte(longLine), []byte("$LONG_LINE_FILE")))
			wantRaw, err := os.ReadFile(filepath.Join(dir, "exitcode"))
			if err != nil {
				t.Fatal(err)
			}
			want, err := strconv.Atoi(strings.TrimSpace(string(wantRaw)))
			if err != nil {
				t.Fatal(err)
			}
			if code != want {
				t.Errorf("exit code %d, want %d; stderr: %s", code, want, stderr.String())
			}
		})
	}
}
