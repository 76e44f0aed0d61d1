package live

import (
	"context"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	libaudit "github.com/elastic/go-libaudit/v2"

	"github.com/auditpack/auditpack/compile"
	"github.com/auditpack/auditpack/internal/host"
	"github.com/auditpack/auditpack/internal/kerneltest"
	"github.com/auditpack/auditpack/internal/report"
	"github.com/auditpack/auditpack/packs/model"
	"github.com/auditpack/auditpack/profiles/verify"
)

// The tests below need root and the real audit subsystem: they skip
// elsewhere (kerneltest.Acquire). They load a profile's rules without the
// lines no test may load (-e 2, -f 2, --loginuid-immutable), with -e 1,
// and restore the kernel's rules and status after.
//
//	sudo go test ./live -run TestLiveKernel -v

// loadKernel loads lines into the kernel, with auditing on, and returns
// the verify target the kernel's own rules make.
func loadKernel(t *testing.T, k *kerneltest.Kernel, p *profile, lines []string) *verify.Target {
	t.Helper()
	absent := map[string]bool{}
	for it := range k.AbsentDirs(p.required.Items) {
		absent[it.Text] = true
	}
	load := []string{"-D", "-b 8192", "-e 1"}
	for _, l := range lines {
		if kerneltest.Forbidden(l) == "" && !absent[l] {
			load = append(load, l)
		}
	}
	if out, code := k.LoadWithAuditctl(strings.Join(load, "\n")); code != 0 {
		t.Fatalf("auditctl -R exited %d: %s", code, out)
	}
	client, err := libaudit.NewAuditClient(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	raw, err := client.GetRules()
	if err != nil {
		t.Fatal(err)
	}
	c, err := compile.FromWire(raw, model.Native())
	if err != nil {
		t.Fatal(err)
	}
	return verify.TargetFromOrdered("kernel", c)
}

// kernelStatus reads the status read-only: the counters through netlink,
// the loginuid lock from auditctl -s.
func kernelStatus() (Status, error) {
	client, err := libaudit.NewAuditClient(nil)
	if err != nil {
		return Status{}, err
	}
	defer client.Close()
	s, err := client.GetStatus()
	if err != nil {
		return Status{}, err
	}
	out, err := exec.Command("auditctl", "-s").Output()
	if err != nil {
		return Status{}, err
	}
	return Status{Enabled: s.Enabled, RateLimit: s.RateLimit, BacklogLimit: s.BacklogLimit, Backlog: s.Backlog, Lost: s.Lost,
		LoginuidImmutable: strings.Contains(string(out), "loginuid_immutable 1")}, nil
}

// proveKernel verifies the profile against the kernel, then proves it live.
func proveKernel(t *testing.T, p *profile, target *verify.Target) *report.Report {
	t.Helper()
	rep, err := verify.Verify(p.name, p.required, target, verify.VerifyOptions{Machine: model.Native(), Keys: p.keys, Only: p.only, Host: host.Local{}})
	if err != nil {
		t.Fatal(err)
	}
	self, err := HostSelf()
	if err != nil {
		t.Fatal(err)
	}
	runner := testRunner()
	runner.Owner, runner.Group = 0, 0 // the children's own: 65534
	start := time.Now()
	err = Prove(context.Background(), rep, p.controls, target, Options{Kernel: NetlinkKernel{ReadStatus: kernelStatus}, Runner: runner,
		Machine: model.Native(), Self: self, Keys: p.keys})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s: %d proven, %d failing, %d not proven; %d calls in %.1f s (%s); lost %d -> %d; notes %q", p.name,
		rep.LiveCount(report.Proven), rep.LiveCount(report.LiveFail), rep.LiveCount(report.NotProven), len(rep.Live.Actions),
		rep.Live.Seconds, time.Since(start).Round(time.Millisecond), rep.Live.LostBefore, rep.Live.LostAfter, rep.Live.Notes)
	return rep
}

// Every control of each profile is PROVEN or says why not, and none
// fails, on a kernel that holds the profile's rules.
func TestLiveKernelProfiles(t *testing.T) {
	for _, name := range []string{"stig-rhel9", "pci-dss", "ospp"} {
		t.Run(name, func(t *testing.T) {
			k := kerneltest.Acquire(t)
			k.ExpediteGracePeriods()
			p := loadProfile(t, name)
			rep := proveKernel(t, p, loadKernel(t, k, p, p.rules))
			reasons := map[string]int{}
			for _, c := range rep.Results {
				if c.Live != nil && c.Live.Verdict == report.NotProven {
					reasons[c.Live.Reason]++
				}
			}
			for r, n := range reasons {
				t.Logf("not proven (%d): %s", n, r)
			}
			for _, c := range rep.Results {
				switch {
				case c.Live == nil:
					t.Errorf("%s has no live verdict", c.ID)
				case c.Live.Verdict == report.LiveFail && !failsForALink(c.Live) && !failsThroughLinks(rep, c.Live):
					t.Errorf("%s fails live: %s", c.ID, c.Live.Reason)
				case c.Live.Verdict == report.LiveFail:
					t.Logf("%s fails live, as it must on this host: %s", c.ID, c.Live.Reason)
				case c.Live.Verdict == report.NotProven && c.Live.Reason == "":
					t.Errorf("%s is not proven, without a reason", c.ID)
				}
				for _, part := range c.Live.Parts {
					if len(part.Actions) > 0 && part.Verdict != report.Proven {
						t.Logf("%s %s %s: its call ran, yet %s: %s", c.ID, part.ABI, part.Event, part.Verdict, part.Reason)
					}
				}
			}
			for _, a := range rep.Live.Actions {
				if strings.Contains(a.Result, "planned") || strings.HasPrefix(a.Result, "not made") {
					t.Logf("call %d %s %s as %s: %s", a.ID, a.ABI, a.Call, a.Identity, a.Result)
				}
			}
		})
	}
}

// kernelBaseline is the stig profile proven on its own rules.
func kernelBaseline(t *testing.T, k *kerneltest.Kernel) (*profile, *report.Report) {
	t.Helper()
	p := loadProfile(t, "stig-rhel9")
	return p, proveKernel(t, p, loadKernel(t, k, p, p.rules))
}

// A never rule planted in front of the STIG's chmod rule fails exactly
// RHEL-09-654015 (and the SRG controls it satisfies), shadowed by it.
func TestLiveKernelShadowed(t *testing.T) {
	k := kerneltest.Acquire(t)
	k.ExpediteGracePeriods()
	p, base := kernelBaseline(t, k)
	rep := proveKernel(t, p, loadKernel(t, k, p, append([]string{plantedNever}, p.rules...)))
	failsAlone(t, base, rep, "RHEL-09-654015", "shadowed by the never rule kernel:1")
}

// An exclude rule dropping the SYSCALL records of loginuid 0 fails
// exactly RHEL-09-654025, whose auid=0 line it hides.
func TestLiveKernelExcluded(t *testing.T) {
	k := kerneltest.Acquire(t)
	k.ExpediteGracePeriods()
	if s, err := kernelStatus(); err == nil && s.LoginuidImmutable {
		if self, _ := HostSelf(); self.AUID != unset && self.AUID != 0 {
			t.Skip("the loginuid is immutable and set: no child can take auid 0, which RHEL-09-654025's line needs")
		}
	}
	p, base := kernelBaseline(t, k)
	rep := proveKernel(t, p, loadKernel(t, k, p, append(slices.Clone(p.rules), plantedExclude)))
	failsAlone(t, base, rep, "RHEL-09-654025", "excluded by kernel:")
}

// A rule for b64 only leaves the 32-bit umount2 unrecorded: the b32 part
// fails, the b64 part is proven.
func TestLiveKernelB64Only(t *testing.T) {
	if !Can32 {
		t.Skip("no 32-bit calls on this machine")
	}
	k := kerneltest.Acquire(t)
	k.ExpediteGracePeriods()
	p := loadProfile(t, "stig-rhel9")
	rep := proveKernel(t, p, loadKernel(t, k, p, b64Only(p.rules)))
	onlyB32(t, verdicts(rep)["RHEL-09-654210"], report.LiveFail, "b32 umount2: no loaded rule records the event")
}

// failsForALink says whether each failing part of a control watches a
// path that is a symbolic link on this host, for an exec: the kernel
// watches the link's inode, and an exec follows the link, so the line
// can record no exec of it. Read from the host here, not from auditpack.
func failsForALink(l *report.LiveResult) bool {
	failing := 0
	for _, part := range l.Parts {
		if part.Verdict != report.LiveFail {
			continue
		}
		failing++
		path := ""
		for _, w := range strings.Fields(part.Rule) {
			if v, ok := strings.CutPrefix(w, "path="); ok {
				path = v
			}
		}
		fi, err := os.Lstat(path)
		if part.Event != "perm=x" || err != nil || fi.Mode()&os.ModeSymlink == 0 {
			return false
		}
	}
	return failing > 0
}

// failsThroughLinks says whether a control fails only through controls
// that fail for a link (an SRG requirement a STIG control satisfies).
func failsThroughLinks(rep *report.Report, l *report.LiveResult) bool {
	failing := 0
	for _, c := range rep.Results {
		if !slices.Contains(l.From, c.ID) || c.Live == nil || c.Live.Verdict != report.LiveFail {
			continue
		}
		if !failsForALink(c.Live) {
			return false
		}
		failing++
	}
	return failing > 0
}
