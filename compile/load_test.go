package compile

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/auditpack/auditpack/packs/model"
	"github.com/auditpack/auditpack/profiles"
)

// loadOf compiles lines as one rules.d file (asLoaded: as a compiled
// audit.rules that auditctl -R reads as written) and runs the load.
func loadOf(t *testing.T, asLoaded bool, lines ...string) (*Compiled, *Load) {
	t.Helper()
	file := filepath.Join(t.TempDir(), "10-case.rules")
	if err := os.WriteFile(file, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	sel, err := profiles.Select(profiles.Request{Paths: []string{file}, AsLoaded: asLoaded})
	if err != nil {
		t.Fatal(err)
	}
	c := Build(sel)
	return c, c.Simulate(nil)
}

// loadedLines are the line numbers of the items in the kernel at the end.
func loadedLines(c *Compiled, l *Load) []int {
	var out []int
	for i, it := range c.Items {
		if l.Loaded(i) {
			out = append(out, it.Origin.Line)
		}
	}
	slices.Sort(out)
	return out
}

func refusedLines(l *Load) []string {
	var out []string
	for _, r := range l.Refused {
		out = append(out, fmt.Sprintf("%d %s", r.Item.Origin.Line, r.Check))
	}
	return out
}

// TestLoadStopsWhereAuditctlStops: the first refused line ends the load,
// unless -c or -i came before it (also on a line auditctl refuses, "-i 1",
// which sets the mode first); every refused line is listed either way.
func TestLoadStopsWhereAuditctlStops(t *testing.T) {
	body := []string{
		"-w /etc/passwd -p wa -k a",
		"-a always,exit -F arch=b64 -S nosuchcall -k x",
		"-w /etc/shadow -p wa -k b",
		"-a always,exit -F arch=b64 -S openat -F uid=99999999999999999999 -k y",
		"-w /etc/group -p wa -k c",
		"-e 2",
	}
	c, l := loadOf(t, false, append([]string{"-D"}, body...)...)
	if l.Stop == nil || l.Stop.Item.Origin.Line != 3 || l.Stop.Check != model.CheckSyscallUnknown {
		t.Fatalf("stop %+v, want line 3 (an unknown syscall)", l.Stop)
	}
	if got, want := loadedLines(c, l), []int{2}; !slices.Equal(got, want) {
		t.Errorf("loaded lines %v, want %v: nothing after the stop loads, -e 2 included", got, want)
	}
	if got, want := refusedLines(l), []string{"3 ARCH-SYSCALL-UNKNOWN", "5 FLD-BAD-VALUE"}; !slices.Equal(got, want) {
		t.Errorf("refused %v, want %v", got, want)
	}
	for _, mode := range []string{"-i", "-c", "-i 1"} {
		c, l := loadOf(t, false, append([]string{"-D", mode}, body...)...)
		if l.Stop != nil || l.Ignoring == nil || l.Ignoring.Origin.Line != 2 {
			t.Errorf("%s: stop %+v, ignoring %+v; want no stop, ignoring from line 2", mode, l.Stop, l.Ignoring)
		}
		want := []int{3, 5, 7, 8} // the three watches, -e 2 (hoisted last)
		if got := loadedLines(c, l); !slices.Equal(got, want) {
			t.Errorf("%s: loaded lines %v, want %v", mode, got, want)
		}
	}
}

// TestLoadHoistsRefusedLines: augenrules moves the last -b, -f and -e by
// their text, readable or not, so a refused "-b abc" after a good -b is
// what runs first, and stops the load before any rule.
func TestLoadHoistsRefusedLines(t *testing.T) {
	c, l := loadOf(t, false, "-b 8192", "-w /etc/passwd -p wa -k a", "-b abc")
	if l.Stop == nil || l.Stop.Item.Origin.Line != 3 || l.Stop.Index != 0 {
		t.Fatalf("stop %+v, want the hoisted line 3, first", l.Stop)
	}
	if got := loadedLines(c, l); len(got) != 0 {
		t.Errorf("loaded lines %v, want none", got)
	}
	// "-e 3" is hoisted last: everything before it loads.
	c, l = loadOf(t, false, "-e 3", "-w /etc/passwd -p wa -k a")
	if got := loadedLines(c, l); !slices.Equal(got, []int{2}) || l.Stop == nil || l.Stop.Item.Origin.Line != 1 {
		t.Errorf("loaded lines %v, stop %+v; want line 2 loaded, then the stop at -e 3", got, l.Stop)
	}
}

// TestLoadAfterLock: read as auditctl -R reads a compiled file, a -e 2
// in the middle locks the kernel, which refuses every line after it.
func TestLoadAfterLock(t *testing.T) {
	c, l := loadOf(t, true, "-w /etc/passwd -p wa -k a", "-e 2", "-w /etc/shadow -p wa -k b")
	if l.Stop == nil || l.Stop.Item.Origin.Line != 3 || l.Stop.Earlier != 1 || l.Lock == nil {
		t.Fatalf("stop %+v lock %v, want line 3 refused by the lock of line 2", l.Stop, l.Lock)
	}
	if got := loadedLines(c, l); !slices.Equal(got, []int{1, 2}) {
		t.Errorf("loaded lines %v, want 1 and 2", got)
	}
}

// TestLoadDeletes: -d and -W delete a loaded rule of the same identity,
// and stop the load when there is none ("No such file or directory").
func TestLoadDeletes(t *testing.T) {
	c, l := loadOf(t, true,
		"-w /etc/passwd -p wa -k a",
		"-a always,exit -F arch=b64 -S openat -F auid>=1000 -k b",
		"-d always,exit -F arch=b64 -S openat -F auid>=1000 -F key=b",
		"-W /etc/passwd -p wa -k a",
		"-W /etc/passwd -p wa -k a",
		"-w /etc/shadow -p wa -k c")
	if l.Stop == nil || l.Stop.Item.Origin.Line != 5 {
		t.Fatalf("stop %+v, want line 5 (the watch is gone already)", l.Stop)
	}
	if got := loadedLines(c, l); len(got) != 0 {
		t.Errorf("loaded lines %v, want none: both rules were deleted, the last never read", got)
	}
}

// TestLoadFindsDuplicatesWhateverTheHash: rules are compared by identity
// wherever their hashes meet: with every rule's hash the same, the
// duplicates are those found with the real hash.
func TestLoadFindsDuplicatesWhateverTheHash(t *testing.T) {
	c, _ := loadOf(t, false,
		"-a always,exit -F arch=b64 -S openat -k a",
		"-a always,exit -F arch=b64 -S openat -k b",
		"-a always,exit -F arch=b64 -S openat -k a", // duplicate of line 1
		"-A always,exit -F arch=b64 -S openat -k b", // -A: never refused, found first after
		"-a always,exit -F arch=b64 -S openat -k b", // duplicate of line 4
		"-D -k a",
		"-a always,exit -F arch=b64 -S openat -k a", // line 1 deleted: loads
		"-a always,exit -F arch=b64 -S openat -k c",
		"-a always,exit -F arch=b64 -S openat -k c", // duplicate of line 8
	)
	pairs := func(l *Load) []string {
		var out []string
		for _, r := range l.Refused {
			if r.Check == model.CheckExactDuplicate {
				out = append(out, fmt.Sprintf("%d<-%d", c.Items[r.Earlier].Origin.Line, r.Item.Origin.Line))
			}
		}
		return out
	}
	real := pairs(c.Simulate(nil))
	collided := pairs(c.simulate(nil, func(*model.Rule) uint64 { return 0 }))
	want := []string{"1<-3", "4<-5", "8<-9"}
	if !slices.Equal(real, want) || !slices.Equal(collided, want) {
		t.Errorf("duplicates: with the real hash %v, with one hash for all %v, want %v", real, collided, want)
	}
}
