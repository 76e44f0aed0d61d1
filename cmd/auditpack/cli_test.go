package main

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/auditpack/auditpack/apply"
	"github.com/auditpack/auditpack/compile"
	"github.com/auditpack/auditpack/internal/corpus"
	"github.com/auditpack/auditpack/internal/golden"
	"github.com/auditpack/auditpack/internal/jsonschema"
	"github.com/auditpack/auditpack/internal/scratch"
	"github.com/auditpack/auditpack/packs"
	"github.com/auditpack/auditpack/packs/model"
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
	// A rules.d with a FIFO among its files (git cannot hold one).
	fifoDir := t.TempDir()
	if err := os.WriteFile(filepath.Join(fifoDir, "10-base.rules"), []byte("-D\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(fifoDir, "20-x.rules"), 0o644); err != nil {
		t.Fatal(err)
	}
	placeholders := strings.NewReplacer("$LONG_LINE_FILE", longLine, "$FIFO_DIR", fifoDir)
	shown := strings.NewReplacer(longLine, "$LONG_LINE_FILE", fifoDir, "$FIFO_DIR")
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
			if strings.Contains(string(raw), "../shared/") {
				corpus.Dir(t, "")
			}
			args := append([]string{"auditpack"}, strings.Fields(string(raw))...)
			for i, a := range args {
				args[i] = placeholders.Replace(a)
			}
			openKernel = caseKernel(t, dir)
			in, _ := os.ReadFile(filepath.Join(dir, "stdin")) // what "-" reads; empty without the file
			stdin = bytes.NewReader(in)
			hostRoot = scratch.Copy(t, filepath.Join(root, "testdata/hosts/debian12"))
			now = func() time.Time { return time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC) }
			var stdout, stderr bytes.Buffer
			code := run(args, &stdout, &stderr)
			golden.Check(t, filepath.Join(dir, "stdout.golden"), stdout.Bytes())
			checkSchema(t, args, stdout.Bytes())
			golden.Check(t, filepath.Join(dir, "stderr.golden"), []byte(shown.Replace(stderr.String())))
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

// caseKernel is the kernel a case's apply sees: an in-memory one loaded
// with the case's kernel.rules (locked with kernel.locked, loginuid
// immutable with kernel.loginuid-immutable), or none when
// the case has kernel.unavailable (as for a user who is not root).
func caseKernel(t *testing.T, dir string) func() (apply.Kernel, error) {
	exists := func(name string) bool { _, err := os.Stat(filepath.Join(dir, name)); return err == nil }
	if exists("kernel.unavailable") {
		return func() (apply.Kernel, error) {
			return nil, errors.New("open the audit netlink socket (root is needed): operation not permitted")
		}
	}
	k := apply.NewMemoryKernel(apply.Status{Enabled: 1, Failure: 1, BacklogLimit: 64, BacklogWaitTime: 15000})
	if data, err := os.ReadFile(filepath.Join(dir, "kernel.rules")); err == nil {
		f := packs.ParseFile("kernel.rules", "kernel.rules", nil, data)
		d, err := apply.Prepare(compile.Build(&packs.Selection{Files: []*packs.File{f}}), model.Native())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := apply.Apply(k, d, model.Native(), apply.Options{LockPath: filepath.Join(t.TempDir(), "lock")}); err != nil {
			t.Fatal(err)
		}
	}
	if exists("kernel.loginuid-immutable") {
		if err := k.Set(apply.Setting{Name: "loginuid_immutable", Value: 1}); err != nil {
			t.Fatal(err)
		}
	}
	if exists("kernel.locked") {
		if err := k.Set(apply.Setting{Name: "enabled", Value: 2}); err != nil {
			t.Fatal(err)
		}
	}
	return func() (apply.Kernel, error) { return k, nil }
}

// schemaDir is resolved before any test changes the directory.
var schemaDir, _ = filepath.Abs("../../docs/schema")

// checkSchema holds every --format json output to its schema in docs/schema.
func checkSchema(t *testing.T, args []string, out []byte) {
	t.Helper()
	if !strings.Contains(strings.Join(args, " "), "--format json") || len(out) == 0 {
		return
	}
	name := args[1]
	if slices.Contains(args, "--boot") {
		name += "-boot"
	}
	schema, err := os.ReadFile(filepath.Join(schemaDir, name+".schema.json"))
	if err != nil {
		t.Fatalf("no schema for %s --format json: %v", name, err)
	}
	problems, err := jsonschema.Validate(schema, out)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("output breaks docs/schema/%s.schema.json: %s", name, p)
	}
}

// docs/auditpack.8 is the man page generated from the CLI definition; it
// must not go stale.
func TestManPageCurrent(t *testing.T) {
	version = "test"
	var out, errOut bytes.Buffer
	if code := run([]string{"auditpack", "man"}, &out, &errOut); code != 0 {
		t.Fatalf("man: %d %s", code, errOut.String())
	}
	golden.Check(t, "../../docs/auditpack.8", out.Bytes())
}

// compile -o writes the file while its checks run: a refused set leaves
// the old file whole and no temporary file beside it, a set that passes
// replaces it.
func TestCompileOutputOnlyWhenNotRefused(t *testing.T) {
	version = "test"
	t.Chdir("../..")
	out := filepath.Join(t.TempDir(), "audit.rules")
	if err := os.WriteFile(out, []byte("old\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, input := range [][]string{{"testdata/inputs/lint-demo/site", "testdata/inputs/lint-demo/stig"}, {"testdata/inputs/bad-rule"}} {
		var stderr bytes.Buffer
		code := run(append([]string{"auditpack", "compile", "-o", out}, input...), io.Discard, &stderr)
		if code == 0 || !strings.Contains(stderr.String(), "refused") {
			t.Errorf("compile %s: exit %d, stderr %q; want a refusal", input, code, stderr.String())
		}
		if data, _ := os.ReadFile(out); string(data) != "old\n" {
			t.Errorf("compile %s, refused, replaced the output: %.60q", input, data)
		}
		if entries, _ := os.ReadDir(filepath.Dir(out)); len(entries) != 1 {
			t.Errorf("compile %s, refused, left files beside the output: %v", input, entries)
		}
	}
	var stderr bytes.Buffer
	if code := run([]string{"auditpack", "compile", "--profile", "stig-rhel9", "-o", out}, io.Discard, &stderr); code != 0 {
		t.Fatalf("compile --profile stig: exit %d: %s", code, stderr.String())
	}
	if data, _ := os.ReadFile(out); !bytes.HasPrefix(data, []byte(packs.GeneratedHeader)) {
		t.Errorf("compile --profile stig -o left %.60q, want the compiled rules", data)
	}
}
