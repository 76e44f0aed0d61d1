package testenv

import (
	"os"
	"os/exec"
	"testing"
)

// InCI reports whether the tests run in CI (CI=true), where no test may
// skip for want of something CI installs.
func InCI() bool { return os.Getenv("CI") == "true" }

// SkipOrFail skips t, saying why, or fails it in CI.
func SkipOrFail(t testing.TB, why string) {
	t.Helper()
	if InCI() {
		t.Fatalf("CI must run this test, but %s", why)
	}
	t.Skip(why)
}

// Tool returns the path of the program name on PATH, or skips t (fails it
// in CI); install says how to get the program.
func Tool(t testing.TB, name, install string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		SkipOrFail(t, name+" is not installed ("+install+")")
	}
	return path
}

// Root skips t (fails it in CI) unless it runs as root; what says what
// needs root.
func Root(t testing.TB, what string) {
	t.Helper()
	if os.Geteuid() != 0 {
		SkipOrFail(t, what+" needs root")
	}
}
