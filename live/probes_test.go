package live

import (
	"bytes"
	"slices"
	"strings"
	"syscall"
	"testing"
)

// The catalogue is the children's whole vocabulary: each probe is named
// once, exists on x86_64, says why it is harmless, and stays in the
// scratch directory unless it is a real-path probe the kernel refuses.
func TestProbeCatalogue(t *testing.T) {
	seen := map[string]bool{}
	for _, p := range probes {
		switch {
		case seen[p.kind]:
			t.Errorf("%s twice", p.kind)
		case p.why == "":
			t.Errorf("%s does not say why it is harmless", p.kind)
		case len(p.args) > 6:
			t.Errorf("%s has %d arguments", p.kind, len(p.args))
		case !x86.HasSyscall(0, p.syscall) && !x86.HasSyscall(1, p.syscall):
			t.Errorf("%s: x86_64 has no syscall %s", p.kind, p.syscall)
		case strings.Contains(p.call("", "", 0), "?"):
			t.Errorf("%s: %s", p.kind, p.call("", "", 0))
		case p.exec && p.syscall != "execve":
			t.Errorf("%s: only the refused exec may run as root", p.kind)
		case p.syscall == "execve" && !p.exec && !slices.Contains(p.args, unmappedArgv):
			t.Errorf("%s: an exec other than the refused one of the scratch file needs an argument list the kernel cannot read", p.kind)
		case p.real && (p.class == 0 || p.outcome.exact() && p.outcome.errno == 0):
			t.Errorf("%s: a real-path probe tests a perm class and never plans success", p.kind)
		}
		seen[p.kind] = true
		uniques := 0
		for _, a := range p.args {
			switch a.kind {
			case argPath:
				if strings.HasPrefix(a.s, "/") || slices.Contains(strings.Split(a.s, "/"), "..") {
					t.Errorf("%s: scratch path %q leaves the box", p.kind, a.s)
				}
			case argReal:
				if !p.real {
					t.Errorf("%s takes a real path but is no real-path probe", p.kind)
				}
			case argUnique:
				uniques++
			}
		}
		if p.setup != setupNone && p.setup != setupOwnXattr && uniques == 0 {
			t.Errorf("%s has a setup but no name to make", p.kind)
		}
		if got := probeByKind(p.kind); got != p {
			t.Errorf("probeByKind(%q) = %v", p.kind, got)
		}
	}
}

func TestOutcome(t *testing.T) {
	for _, c := range []struct {
		o     outcome
		errno syscall.Errno
		met   bool
		text  string
	}{
		{fails(syscall.EPERM), syscall.EPERM, true, "EPERM"},
		{fails(syscall.EPERM), syscall.EACCES, false, "EPERM"},
		{succeeds, 0, true, "success"},
		{succeeds, syscall.EPERM, false, "success"},
		{outcome{fails: true}, syscall.ENOTDIR, true, "an error"},
		{outcome{fails: true}, 0, false, "an error"},
		{outcome{either: true}, 0, true, "any result"},
	} {
		if c.o.met(c.errno) != c.met || c.o.String() != c.text {
			t.Errorf("%+v on %v: met %v %q", c.o, c.errno, c.o.met(c.errno), c.o.String())
		}
	}
}

// explain --live lists every kind of call with the call itself.
func TestExplainListsEveryProbe(t *testing.T) {
	var b bytes.Buffer
	if err := Explain(&b); err != nil {
		t.Fatal(err)
	}
	for _, p := range probes {
		if !strings.Contains(b.String(), "\n"+p.kind+"\n    "+p.call("", "", 0)+"\n") {
			t.Errorf("explain --live does not list %s as %s", p.kind, p.call("", "", 0))
		}
	}
	for _, want := range []string{"uid and gid 65534", "no_new_privs", "mode 0700", "lost counter", "No installed program is ever"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("explain --live does not say %q", want)
		}
	}
}
