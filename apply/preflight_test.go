package apply

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/auditpack/auditpack/compile"
	"github.com/auditpack/auditpack/internal/host"
	"github.com/auditpack/auditpack/packs"
)

// loader309 is this machine with auditctl 3.0.9, whatever is installed.
type loader309 struct{ host.Local }

func (loader309) LoaderVersion() (string, bool) { return "3.0.9", true }

func TestPreflightKeepsOnlyWhatDecidesALoad(t *testing.T) {
	text := strings.Join([]string{
		"-a always,exit -F arch=b64 -S openat -F exit=-EACCES -k access", // loads
		"-a always,exit -F arch=b64 -S no_such_call -k bad",              // refused by auditctl
		"-a always,io_uring -S openat -k uring",                          // auditctl 3.0.9 has no io_uring list
		"-a always,exit -F arch=b64 -S chmod",                            // loads; only a style finding (no key)
	}, "\n") + "\n"
	file := packs.ParseFile("t.rules", "t.rules", nil, []byte(text))
	res, err := Preflight(compile.Build(&packs.Selection{Files: []*packs.File{file}}), loader309{})
	var refused *RefusedError
	if !errors.As(err, &refused) || refused.Lines != 1 {
		t.Fatalf("err = %v, want the one refused line", err)
	}
	var got []string
	for _, d := range res.Diagnostics {
		got = append(got, fmt.Sprintf("%d:%s:%s", d.Origin.Line, d.Severity, d.Check))
	}
	want := []string{"2:error:ARCH-SYSCALL-UNKNOWN", "3:warning:LST-LIST-TOO-NEW-FOR-LOADER"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("preflight kept %q, want %q: the refused line first, then the boot-only one as a warning, no style findings", got, want)
	}
}

func TestRunOpensTheKernelOnlyForALoadableSet(t *testing.T) {
	opened := 0
	k := NewMemoryKernel(Status{Enabled: 1})
	open := func() (Kernel, error) { opened++; return k, nil }
	persistTo := t.TempDir() + "/audit.rules"
	opts := Options{Persist: persistTo, Generator: "test", LockPath: t.TempDir() + "/lock"}

	res, err := Run(open, compiled(t, rA, "-a always,exit -F arch=b64 -S no_such_call -k bad"), loader309{}, opts)
	var refused *RefusedError
	if !errors.As(err, &refused) || opened != 0 || res.Preflight == nil || len(res.Preflight.Diagnostics) != 1 {
		t.Fatalf("refused set: err %v, kernel opened %d times, preflight %+v; want a RefusedError naming the line, kernel untouched", err, opened, res.Preflight)
	}
	if _, err := os.Stat(persistTo); err == nil {
		t.Fatal("a refused set was persisted")
	}

	res, err = Run(open, compiled(t, rA, rB), loader309{}, opts)
	if err != nil || opened != 1 || !res.Applied {
		t.Fatalf("loadable set: err %v, opened %d, applied %v", err, opened, res.Applied)
	}
	if got := texts(t, k); len(got) != 2 {
		t.Errorf("kernel holds %q, want the two rules", got)
	}
	data, err := os.ReadFile(persistTo)
	if err != nil || !strings.Contains(string(data), rA) || !strings.Contains(string(data), "test") {
		t.Errorf("persisted %q (%v): want the rendered set with its generator", data, err)
	}
}

// compiled builds rule lines for x86_64.
func compiled(t *testing.T, lines ...string) *compile.Compiled {
	t.Helper()
	file := packs.ParseFile("t.rules", "t.rules", nil, []byte(strings.Join(lines, "\n")+"\n"))
	return compile.Build(&packs.Selection{Files: []*packs.File{file}}, x86)
}
