package testenv

import (
	"fmt"
	"os"
	"runtime"
	"testing"
)

// recorder is a testing.TB that notes how a helper ended the test and
// then ends only the goroutine the helper runs on, as testing does.
type recorder struct {
	testing.TB
	skipped, failed string
}

func (r *recorder) Helper() {}

func (r *recorder) Skip(args ...any) {
	r.skipped = fmt.Sprint(args...)
	runtime.Goexit()
}

func (r *recorder) Fatalf(format string, args ...any) {
	r.failed = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

// outcome runs helper as a test body and returns how it ended.
func outcome(t *testing.T, helper func(testing.TB)) *recorder {
	r := &recorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		helper(r)
	}()
	<-done
	return r
}

func TestSkipOrFail(t *testing.T) {
	skip := func(tb testing.TB) { SkipOrFail(tb, "chromium is not installed") }
	t.Setenv("CI", "")
	if r := outcome(t, skip); r.failed != "" || r.skipped != "chromium is not installed" {
		t.Errorf("outside CI: skipped %q, failed %q; want a skip naming the reason", r.skipped, r.failed)
	}
	t.Setenv("CI", "true")
	if r := outcome(t, skip); r.skipped != "" || r.failed != "CI must run this test, but chromium is not installed" {
		t.Errorf("CI=true: skipped %q, failed %q; want a failure naming the reason", r.skipped, r.failed)
	}
}

func TestTool(t *testing.T) {
	t.Setenv("CI", "true")
	var path string
	if r := outcome(t, func(tb testing.TB) { path = Tool(tb, "sh", "apt-get install -y dash") }); path == "" || r.failed != "" || r.skipped != "" {
		t.Errorf("Tool(sh) = %q, failed %q, skipped %q", path, r.failed, r.skipped)
	}
	r := outcome(t, func(tb testing.TB) { Tool(tb, "no-such-tool-anywhere", "apt-get install -y no-such-tool") })
	if want := "CI must run this test, but no-such-tool-anywhere is not installed (apt-get install -y no-such-tool)"; r.failed != want {
		t.Errorf("a missing tool in CI: %q, want %q", r.failed, want)
	}
}

func TestRoot(t *testing.T) {
	t.Setenv("CI", "")
	r := outcome(t, func(tb testing.TB) { Root(tb, "binding a file over /etc/login.defs") })
	switch {
	case os.Geteuid() == 0 && (r.skipped != "" || r.failed != ""):
		t.Errorf("as root: skipped %q, failed %q", r.skipped, r.failed)
	case os.Geteuid() != 0 && r.skipped != "binding a file over /etc/login.defs needs root":
		t.Errorf("not root: skipped %q, want the reason", r.skipped)
	}
}
