// Package layout holds the tests of the repository as a whole: the import
// rules of DESIGN.md (data flows one way, files -> packs -> compile -> lint
// | verify | apply, every stage reads rules through packs/model, and the
// report layer knows no stage), and the licence files, which name what the
// binary and the packs are made of.
package layout

import (
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/auditpack/auditpack/"

// rules: a package (or every package below a path ending in "/") must not
// import these packages (same form).
var rules = []struct {
	from   string
	banned []string
	why    string
}{
	{"packs/model", []string{""}, "packs/model holds the kernel's knowledge and imports no auditpack package"},
	{"lint", []string{"apply"}, "lint never imports apply"},
	{"compile", []string{"apply"}, "compile never imports apply"},
	{"profiles/verify", []string{"apply", "live"}, "verify never imports apply or live"},
	{"live", []string{"apply", "lint", "internal/stiggen"}, "live proves with events and changes no rule: it never imports apply"},
	{"packs", []string{"apply", "compile", "lint", "profiles"}, "packs is read by every stage and reads none"},
	{"internal/report", []string{"lint", "profiles/verify", "apply", "live"}, "the report layer imports no check, verify, live or apply code"},
	{"", []string{"cmd/"}, "nothing imports cmd"},
	{"", []string{"internal/stiggen"}, "internal/stiggen is a build tool (go run ./internal/stiggen): nothing of the binary imports it"},
}

func TestImportRules(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}} {{join .Imports " "}}`, module+"...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	checked := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		pkg := strings.TrimPrefix(fields[0], module)
		for _, imp := range fields[1:] {
			if !strings.HasPrefix(imp, module) {
				continue
			}
			imp = strings.TrimPrefix(imp, module)
			for _, r := range rules {
				if !matches(pkg, r.from) {
					continue
				}
				checked++
				for _, b := range r.banned {
					if matches(imp, b) && imp != pkg {
						t.Errorf("%s imports %s: %s", pkg, imp, r.why)
					}
				}
			}
		}
	}
	if checked == 0 {
		t.Fatal("no import was checked")
	}
}

// matches: "" is every package, "x/" x and everything below it, "x" only x.
func matches(pkg, pattern string) bool {
	switch {
	case pattern == "":
		return true
	case strings.HasSuffix(pattern, "/"):
		p := strings.TrimSuffix(pattern, "/")
		return pkg == p || strings.HasPrefix(pkg, pattern)
	}
	return pkg == pattern
}
