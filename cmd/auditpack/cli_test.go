package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
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

// TestCLI runs each case of testdata/cli (see cliCase) in process and in
// parallel, from the repository root, each in an env of its own: the
// exit code and the standard output and error must be the case's.
func TestCLI(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	cases, err := filepath.Glob(filepath.Join(root, "testdata/cli/*.txtar"))
	if err != nil || len(cases) == 0 {
		t.Fatalf("no cases in testdata/cli (%v)", err)
	}
	// A case in the former layout (a directory of args, exitcode and
	// golden files) would never run: write it as one .txtar.
	if all, _ := filepath.Glob(filepath.Join(root, "testdata/cli/*")); len(all) != len(cases) {
		t.Errorf("testdata/cli holds entries that are no .txtar case (%d of %d)", len(all)-len(cases), len(all))
	}
	t.Chdir(root) // before the cases run, which never change it
	for _, path := range cases {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".txtar"), func(t *testing.T) {
			t.Parallel()
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			c, err := parseCase(data)
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			if strings.Contains(strings.Join(c.args, " "), "../shared/") {
				corpus.Dir(t, "")
			}
			work := t.TempDir()
			c.setUp(t, work)
			args := make([]string, len(c.args))
			for i, a := range c.args {
				args[i] = strings.ReplaceAll(a, "$WORK", work)
			}
			e := testEnv(t)
			if c.workDir != "" {
				e.workDir = c.workDir
			}
			e.openKernel = caseKernel(t, c)
			if in, ok := c.file("stdin"); ok {
				e.stdin = bytes.NewReader(in)
			}
			got := runIn(e, args...)
			stdout := []byte(strings.ReplaceAll(got.stdout, work, "$WORK"))
			stderr := []byte(strings.ReplaceAll(got.stderr, work, "$WORK"))
			for name, out := range map[string][]byte{"standard output": stdout, "standard error": stderr} {
				if len(out) > 0 && out[len(out)-1] != '\n' {
					t.Errorf("%s does not end in a newline: %.80q", name, out[max(0, len(out)-80):])
				}
			}
			golden.Check(t, path, c.format(stdout, stderr, got.code))
			checkSchema(t, append([]string{"auditpack"}, args...), stdout)
		})
	}
}

// testEnv is an env for one test: no standard input, a fixed clock and
// version, an empty in-memory kernel and a scratch copy of a Debian 12
// host (testdata/hosts/debian12).
func testEnv(t testing.TB) *env {
	t.Helper()
	kernel := apply.NewMemoryKernel(apply.Status{Enabled: 1, Failure: 1, BacklogLimit: 64})
	return &env{
		stdin:      bytes.NewReader(nil),
		stdout:     io.Discard,
		stderr:     io.Discard,
		now:        func() time.Time { return time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC) },
		version:    "test",
		openKernel: func() (apply.Kernel, error) { return kernel, nil },
		hostRoot:   scratch.Copy(t, filepath.Join(repoRoot, "testdata/hosts/debian12")),
		workDir:    repoRoot,
		getenv:     func(string) string { return "" },
	}
}

// repoRoot is resolved before any test changes the directory.
var repoRoot, _ = filepath.Abs("../..")

// cliRun is what one run of the CLI printed, and its exit code.
type cliRun struct {
	stdout, stderr string
	code           int
}

// runIn runs auditpack with args in e, with buffers for its standard
// output and error.
func runIn(e *env, args ...string) cliRun {
	var stdout, stderr bytes.Buffer
	e.stdout, e.stderr = &stdout, &stderr
	code := run(context.Background(), e, append([]string{"auditpack"}, args...))
	return cliRun{stdout.String(), stderr.String(), code}
}

// caseKernel is the kernel a case's apply sees: an in-memory one loaded
// with the case's kernel.rules (locked with kernel.locked, loginuid
// immutable with kernel.loginuid-immutable), or none when the case has
// kernel.unavailable (as for a user who is not root).
func caseKernel(t *testing.T, c *cliCase) func() (apply.Kernel, error) {
	if _, ok := c.file("kernel.unavailable"); ok {
		return func() (apply.Kernel, error) {
			return nil, errors.New("open the audit netlink socket (root is needed): operation not permitted")
		}
	}
	k := apply.NewMemoryKernel(apply.Status{Enabled: 1, Failure: 1, BacklogLimit: 64, BacklogWaitTime: 15000})
	if data, ok := c.file("kernel.rules"); ok {
		f := packs.ParseFile("kernel.rules", "kernel.rules", nil, data)
		d, err := apply.Prepare(compile.Build(&packs.Selection{Files: []*packs.File{f}}), model.Native())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := apply.Apply(k, d, model.Native(), apply.Options{LockPath: filepath.Join(t.TempDir(), "lock")}); err != nil {
			t.Fatal(err)
		}
	}
	if _, ok := c.file("kernel.loginuid-immutable"); ok {
		if err := k.Set(apply.Setting{Name: model.SettingLoginuidImmutable, Value: 1}); err != nil {
			t.Fatal(err)
		}
	}
	if _, ok := c.file("kernel.locked"); ok {
		if err := k.Set(apply.Setting{Name: model.SettingEnabled, Value: 2}); err != nil {
			t.Fatal(err)
		}
	}
	return func() (apply.Kernel, error) { return k, nil }
}

// checkSchema holds every --format json output to its schema in docs/schema,
// and every lint --format gitlab output to docs/schema/lint-gitlab.schema.json
// and, issue by issue, to GitLab's own schema.
func checkSchema(t *testing.T, args []string, out []byte) {
	t.Helper()
	line := strings.Join(args, " ")
	if len(out) == 0 {
		return
	}
	if strings.Contains(line, "--format gitlab") {
		validate(t, "docs/schema/lint-gitlab.schema.json", out)
		var issues []json.RawMessage
		if err := json.Unmarshal(out, &issues); err != nil {
			t.Fatal(err)
		}
		for _, issue := range issues {
			validate(t, "internal/report/testdata/published/gitlab-codeclimate.json", issue)
		}
		return
	}
	if !strings.Contains(line, "--format json") {
		return
	}
	name := args[1]
	if slices.Contains(args, "--boot") {
		name += "-boot"
	}
	validate(t, filepath.Join("docs/schema", name+".schema.json"), out)
}

// validate holds a document to the schema at path in the repository.
func validate(t *testing.T, path string, doc []byte) {
	t.Helper()
	schema, err := os.ReadFile(filepath.Join(repoRoot, path))
	if err != nil {
		t.Fatalf("no schema %s: %v", path, err)
	}
	problems, err := jsonschema.Validate(schema, doc)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("output breaks %s: %s", path, p)
	}
}

// docs/auditpack.8 is the man page generated from the CLI definition; it
// must not go stale.
func TestManPageCurrent(t *testing.T) {
	t.Parallel()
	got := runIn(testEnv(t), "man")
	if got.code != 0 {
		t.Fatalf("man: %d %s", got.code, got.stderr)
	}
	golden.Check(t, "../../docs/auditpack.8", []byte(got.stdout))
}

// compile -o writes the file while its checks run: a refused set leaves
// the old file whole and no temporary file beside it, a set that passes
// replaces it.
func TestCompileOutputOnlyWhenNotRefused(t *testing.T) {
	t.Parallel()
	out := filepath.Join(t.TempDir(), "audit.rules")
	if err := os.WriteFile(out, []byte("old\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	demo := filepath.Join(repoRoot, "testdata/inputs/lint-demo")
	for _, input := range [][]string{{filepath.Join(demo, "site"), filepath.Join(demo, "stig")}, {filepath.Join(repoRoot, "testdata/inputs/bad-rule")}} {
		got := runIn(testEnv(t), append([]string{"compile", "-o", out}, input...)...)
		if got.code == 0 || !strings.Contains(got.stderr, "refused") {
			t.Errorf("compile %s: exit %d, stderr %q; want a refusal", input, got.code, got.stderr)
		}
		if data, _ := os.ReadFile(out); string(data) != "old\n" {
			t.Errorf("compile %s, refused, replaced the output: %.60q", input, data)
		}
		if entries, _ := os.ReadDir(filepath.Dir(out)); len(entries) != 1 {
			t.Errorf("compile %s, refused, left files beside the output: %v", input, entries)
		}
	}
	if got := runIn(testEnv(t), "compile", "--profile", "stig-rhel9", "-o", out); got.code != 0 {
		t.Fatalf("compile --profile stig-rhel9: exit %d: %s", got.code, got.stderr)
	}
	if data, _ := os.ReadFile(out); !bytes.HasPrefix(data, []byte(packs.GeneratedHeader)) {
		t.Errorf("compile --profile stig-rhel9 -o left %.60q, want the compiled rules", data)
	}
}
