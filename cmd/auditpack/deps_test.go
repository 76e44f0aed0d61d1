package main

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// The binary links no test code: the testing package (and with it test
// hooks and flags) stays out of what users run.
func TestBinaryLinksNoTesting(t *testing.T) {
	t.Parallel()
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 10 {
		t.Fatalf("go list -deps listed %d packages: %q", len(deps), out)
	}
	if slices.Contains(deps, "testing") {
		t.Error("the auditpack binary links the testing package; go list -deps ./cmd/auditpack shows which import brings it")
	}
}
