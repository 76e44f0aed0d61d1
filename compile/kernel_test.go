package compile

import (
	"regexp"
	"strings"
	"testing"

	"github.com/auditpack/auditpack/internal/kerneltest"
)

var statusLine = regexp.MustCompile(`^(enabled|failure|pid|rate_limit|backlog_limit|lost|backlog|backlog_wait_time|backlog_wait_time_actual|loginuid_immutable) `)

// TestProfilesLoadIntoKernel: auditctl -R accepts every line of each
// embedded profile's output on this machine, and the kernel then holds one
// rule per rule line. The lines that must never reach a test machine
// (-e 2, -f 2, --loginuid-immutable) are left out.
func TestProfilesLoadIntoKernel(t *testing.T) {
	for _, name := range []string{"stig-rhel9", "pci-dss", "ospp"} {
		t.Run(name, func(t *testing.T) {
			k := kerneltest.Acquire(t)
			res := Build(selectProfile(t, name))
			if err := res.Renderable(); err != nil {
				t.Fatal(err)
			}
			absent := map[string]bool{} // the pack targets RHEL paths
			for it := range k.AbsentDirs(res.Items) {
				absent[it.Text] = true
			}
			var load []string
			var left []string
			rules := 0
			for _, l := range strings.Split(string(res.Render("test")), "\n") {
				if why := kerneltest.Forbidden(l); why != "" || absent[l] {
					left = append(left, l)
					continue
				}
				if strings.HasPrefix(l, "-a") || strings.HasPrefix(l, "-w") || strings.HasPrefix(l, "-A") {
					rules++
				}
				load = append(load, l)
			}
			t.Logf("left out: %q", left)
			out, code := k.LoadWithAuditctl(strings.Join(load, "\n"))
			// auditctl prints the status after each control line; anything
			// else it says is a complaint.
			for _, l := range strings.Split(out, "\n") {
				if l != "" && l != "No rules" && !statusLine.MatchString(l) {
					t.Errorf("auditctl -R: %s", l)
				}
			}
			if code != 0 {
				t.Fatalf("auditctl -R exited %d", code)
			}
			if listed := k.List(); len(listed) != rules {
				t.Errorf("the kernel holds %d rules after loading %d rule lines", len(listed), rules)
			}
		})
	}
}
