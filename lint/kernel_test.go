package lint

import (
	"os"
	"strings"
	"testing"

	"github.com/auditpack/auditpack/internal/kerneltest"
	"github.com/auditpack/auditpack/profiles"
)

// TestDuplicatesMatchKernel loads the order checks' testdata into the real
// kernel (with -c, so auditctl goes on after an error): the kernel answers
// "Rule exists" once for every ORD-EXACT-DUPLICATE finding, and accepts the
// semantic and key-only duplicates.
func TestDuplicatesMatchKernel(t *testing.T) {
	k := kerneltest.Acquire(t)
	for _, name := range []string{"ORD-EXACT-DUPLICATE", "ORD-SEMANTIC-DUPLICATE", "ORD-KEY-ONLY-DUPLICATE", "ORD-KEY-SHADOW", "ORD-REDUNDANT-SUBSET"} {
		path := "testdata/" + name + ".rules"
		sel, err := profiles.Select(profiles.Request{Paths: []string{path}})
		if err != nil {
			t.Fatal(err)
		}
		res, err := Run(sel, Options{})
		if err != nil {
			t.Fatal(err)
		}
		want := len(found(res, "ORD-EXACT-DUPLICATE"))
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		out, _ := k.LoadWithAuditctl("-c\n" + string(data))
		if got := strings.Count(out, "Rule exists"); got != want {
			t.Errorf("%s: the kernel refused %d rules as existing, lint found %d exact duplicates:\n%s", path, got, want, out)
		}
	}
}

// TestRefusalsMatchAuditctl loads every rule line of the field checks'
// testdata on its own through auditctl: the real loader refuses exactly the
// lines lint reports with a check that says the load fails.
func TestRefusalsMatchAuditctl(t *testing.T) {
	k := kerneltest.Acquire(t)
	for _, name := range []string{"FLD-SINGLETON-REPEATED", "SYN-FIELD-COUNT"} {
		path := "testdata/" + name + ".rules"
		sel, err := profiles.Select(profiles.Request{Paths: []string{path}})
		if err != nil {
			t.Fatal(err)
		}
		res, err := Run(sel, Options{})
		if err != nil {
			t.Fatal(err)
		}
		refused := map[int]bool{}
		for _, d := range res.Diagnostics {
			if c, _ := Lookup(d.Check); c.FailsLoad {
				refused[d.Origin.Line] = true
			}
		}
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(data), "\n") {
			if !strings.HasPrefix(line, "-a ") {
				continue
			}
			out, code := k.LoadWithAuditctl("-D\n" + line + "\n")
			if (code != 0) != refused[i+1] {
				t.Errorf("%s:%d: auditctl exit %d (%s), lint says the load fails: %v", path, i+1, code, strings.TrimSpace(out), refused[i+1])
			}
		}
	}
}
