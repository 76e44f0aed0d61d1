package live

import (
	"bytes"
	"context"
	"os"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/auditpack/auditpack/compile"
	"github.com/auditpack/auditpack/internal/jsonschema"
	"github.com/auditpack/auditpack/internal/report"
	"github.com/auditpack/auditpack/packs"
	"github.com/auditpack/auditpack/packs/model"
	"github.com/auditpack/auditpack/profiles"
	"github.com/auditpack/auditpack/profiles/verify"
)

var x86 = model.Targets["x86_64"]

// profile is a profile's controls, and the kernel target its own rules
// make, with lines changed as edit says (nil: as compiled).
type profile struct {
	name     string
	required *compile.Compiled
	only     []string // the profile's control prefixes
	controls []*verify.Control
	keys     bool
	rules    []string // the compiled rule lines, without settings
}

func loadProfile(t *testing.T, name string) *profile {
	t.Helper()
	p, err := profiles.Load(name)
	if err != nil {
		t.Fatal(err)
	}
	sel, err := profiles.Select(profiles.Request{Profile: name})
	if err != nil {
		t.Fatal(err)
	}
	c := compile.Build(sel)
	controls, err := verify.Controls(c, p.Controls)
	if err != nil {
		t.Fatal(err)
	}
	pr := &profile{name: p.Name, required: c, only: p.Controls, controls: controls, keys: p.VerifyKeys}
	for _, it := range c.Items {
		if it.Rule != nil {
			pr.rules = append(pr.rules, strings.TrimSpace(it.Text))
		}
	}
	return pr
}

// kernelTarget is a kernel holding these rule lines.
func kernelTarget(lines []string) *verify.Target {
	f := packs.ParseFile("kernel", "kernel", nil, []byte(strings.Join(lines, "\n")+"\n"))
	return verify.TargetFromOrdered("kernel", compile.Build(&packs.Selection{Files: []*packs.File{f}, AsLoaded: true}))
}

// testSelf is the auditpack of the tests: run from a service (auid
// unset), on x86_64 with Linux 6.8 or later, every watched path present.
func testSelf() Self {
	return Self{AUID: unset, UIDMin: 1000, Exe: "/usr/bin/auditpack", Can32: true, Scratch: "/tmp/auditpack-live-test",
		ExecOpensFirst: true, Exists: func(string) bool { return true }}
}

// prove runs Prove with the fake kernel holding lines, and returns the
// report, the kernel and the runner.
func prove(t *testing.T, p *profile, lines []string, change func(*fakeKernel, *fakeRunner, *Options)) (*report.Report, *fakeRunner) {
	t.Helper()
	target := kernelTarget(lines)
	var rules []*model.Rule
	for _, it := range target.Items {
		rules = append(rules, model.Normalize(it, x86))
	}
	k := &fakeKernel{machine: x86, eval: model.EvalOrder(rules), status: Status{Enabled: 1, Lost: 7}}
	r := &fakeRunner{k: k}
	opts := Options{Kernel: k, Runner: r, Machine: x86, Self: testSelf(), Keys: p.keys}
	if change != nil {
		change(k, r, &opts)
	}
	rep, err := verify.Verify(p.name, p.required, target, verify.VerifyOptions{Machine: x86, Keys: p.keys, Only: p.only})
	if err != nil {
		t.Fatal(err)
	}
	if err := Prove(context.Background(), rep, p.controls, target, opts); err != nil {
		t.Fatal(err)
	}
	if r.scratch != "" && !r.closed {
		t.Error("the scratch directory was not removed")
	}
	return rep, r
}

// verdicts are the controls' live verdicts with their reasons.
func verdicts(rep *report.Report) map[string]*report.LiveResult {
	out := map[string]*report.LiveResult{}
	for _, c := range rep.Results {
		out[c.ID] = c.Live
	}
	return out
}

// On a kernel that holds exactly the profile's rules, every part with a
// harmless call is proven by a record, and every other part says why not;
// nothing fails.
func TestProveProfiles(t *testing.T) {
	for _, name := range []string{"stig-rhel9", "pci-dss", "ospp"} {
		t.Run(name, func(t *testing.T) {
			p := loadProfile(t, name)
			rep, r := prove(t, p, p.rules, nil)
			counts := map[string]int{}
			for _, c := range rep.Results {
				if c.Live == nil {
					t.Fatalf("%s has no live verdict", c.ID)
				}
				counts[c.Live.Verdict]++
				if c.Live.Verdict != report.Proven && c.Live.Reason == "" {
					t.Errorf("%s is %s without a reason", c.ID, c.Live.Verdict)
				}
				for _, part := range c.Live.Parts {
					switch {
					case part.Verdict == report.LiveFail:
						t.Errorf("%s %s %s fails: %s", c.ID, part.ABI, part.Event, part.Reason)
					case len(part.Actions) > 0 && part.Verdict != report.Proven:
						t.Errorf("%s %s %s: its call ran, yet %s: %s", c.ID, part.ABI, part.Event, part.Verdict, part.Reason)
					case part.Verdict == report.Proven && (len(part.Records) == 0 || part.Records[0].Serial == 0):
						t.Errorf("%s %s %s is proven without a record", c.ID, part.ABI, part.Event)
					}
				}
			}
			if counts[report.Proven] == 0 || len(rep.Live.Actions) == 0 || len(r.jobs) == 0 {
				t.Fatalf("nothing proven: %v", counts)
			}
			t.Logf("%s: %d proven, %d not proven, %d actions in %d children", name, counts[report.Proven], counts[report.NotProven], len(rep.Live.Actions), len(r.jobs))
		})
	}
}

// A never rule in front of a STIG rule fails exactly the control that
// rule implements (and the SRG controls it satisfies), saying which
// rule takes the event.
func TestProveShadowed(t *testing.T) {
	p := loadProfile(t, "stig-rhel9")
	base, _ := prove(t, p, p.rules, nil)
	rep, _ := prove(t, p, append([]string{plantedNever}, p.rules...), nil)
	failsAlone(t, base, rep, "RHEL-09-654015", "b64 chmod: shadowed by the never rule kernel:1 (-a never,exit -F arch=b64 -S chmod -F auid>=1000)")
}

// An exclude rule that drops the SYSCALL records of one loginuid fails
// exactly the control whose calls run with it.
func TestProveExcluded(t *testing.T) {
	p := loadProfile(t, "stig-rhel9")
	base, _ := prove(t, p, p.rules, nil)
	rep, _ := prove(t, p, append(slices.Clone(p.rules), plantedExclude), nil)
	failsAlone(t, base, rep, "RHEL-09-654025", "excluded by kernel:")
	if l := verdicts(rep)["RHEL-09-654025"]; !strings.Contains(l.Reason, plantedExclude) {
		t.Errorf("RHEL-09-654025: %q does not name the exclude rule", l.Reason)
	}
}

// The rules the tests plant: a never rule in front of the STIG's chmod
// rule, an exclude rule for the SYSCALL records of loginuid 0.
const (
	plantedNever   = "-a never,exit -F arch=b64 -S chmod -F auid>=1000"
	plantedExclude = "-a never,exclude -F msgtype=SYSCALL -F auid=0"
)

// failsAlone checks that from base to rep only the control id's own
// verdict changed, to FAIL with a reason containing why, and the
// controls it satisfies changed through it.
func failsAlone(t *testing.T, base, rep *report.Report, id, why string) {
	t.Helper()
	changed := diffVerdicts(base, rep)
	if !slices.Equal(changed.direct, []string{id}) {
		t.Errorf("controls whose own parts changed: %v, want %s only", changed.direct, id)
	}
	if l := verdicts(rep)[id]; l.Verdict != report.LiveFail || !strings.Contains(l.Reason, why) {
		t.Errorf("%s: %s %q", id, l.Verdict, l.Reason)
	}
	for _, other := range changed.through {
		if l := verdicts(rep)[other]; l.Verdict != report.LiveFail || !slices.Contains(l.From, id) {
			t.Errorf("%s changed other than through %s: %+v", other, id, l)
		}
	}
}

// A watch of a symbolic link records no exec of it (the exec follows the
// link to the target's inode): its control fails, saying so, and no other
// control changes.
func TestProveExecOfALink(t *testing.T) {
	p := loadProfile(t, "stig-rhel9")
	base, _ := prove(t, p, p.rules, nil)
	rep, _ := prove(t, p, p.rules, func(k *fakeKernel, _ *fakeRunner, o *Options) {
		k.links = map[string]string{"/usr/sbin/shutdown": "/usr/bin/systemctl"}
		o.Self.LinkTarget = func(path string) (string, bool) {
			target, ok := k.links[path]
			return target, ok
		}
	})
	failsAlone(t, base, rep, "RHEL-09-654200", "/usr/sbin/shutdown is a symbolic link to /usr/bin/systemctl")
}

// A rule for b64 only leaves the b32 call unrecorded.
func TestProveB64Only(t *testing.T) {
	p := loadProfile(t, "stig-rhel9")
	rep, _ := prove(t, p, b64Only(p.rules), nil)
	onlyB32(t, verdicts(rep)["RHEL-09-654210"], report.LiveFail, "b32 umount2: no loaded rule records the event")
}

// b64Only drops the b32 twin of the STIG's umount2 rule.
func b64Only(rules []string) []string {
	return slices.DeleteFunc(slices.Clone(rules), func(l string) bool {
		return strings.Contains(l, "arch=b32") && strings.Contains(l, "-S umount2")
	})
}

// onlyB32 checks a control's verdict and reason, which its b32 part
// causes: its b64 part is proven.
func onlyB32(t *testing.T, l *report.LiveResult, verdict, reason string) {
	t.Helper()
	if l.Verdict != verdict || l.Reason != reason {
		t.Errorf("%s %q, want %s %q", l.Verdict, l.Reason, verdict, reason)
	}
	for _, part := range l.Parts {
		if part.ABI == "b64" && part.Verdict != report.Proven {
			t.Errorf("the b64 part is %s", part.Verdict)
		}
	}
}

type changes struct{ direct, through []string }

// diffVerdicts lists the controls whose verdict or reason differs: those
// with parts of their own, and those satisfied by others.
func diffVerdicts(a, b *report.Report) changes {
	var c changes
	va := verdicts(a)
	for id, l := range verdicts(b) {
		if l.Verdict == va[id].Verdict && l.Reason == va[id].Reason {
			continue
		}
		if len(l.From) > 0 {
			c.through = append(c.through, id)
		} else {
			c.direct = append(c.direct, id)
		}
	}
	slices.Sort(c.direct)
	slices.Sort(c.through)
	return c
}

// A proven part shows the kernel's record: serial, key and the fields
// the line tests, with the call that caused it.
func TestProveShowsRecords(t *testing.T) {
	p := loadProfile(t, "stig-rhel9")
	rep, _ := prove(t, p, p.rules, nil)
	var part *report.LivePart
	for i, pp := range verdicts(rep)["RHEL-09-654245"].Parts {
		if pp.ABI == "b64" && pp.Event == "perm=w" {
			part = &verdicts(rep)["RHEL-09-654245"].Parts[i]
		}
	}
	if part == nil || part.Verdict != report.Proven || len(part.Records) != 1 || len(part.Actions) != 1 {
		t.Fatalf("RHEL-09-654245 b64 perm=w: %+v", part)
	}
	rec := part.Records[0]
	fields := map[string]string{}
	for _, f := range rec.Fields {
		fields[f.Name] = f.Value
	}
	if rec.Serial == 0 || rec.Type != "SYSCALL" || !slices.Equal(rec.Keys, []string{"identity"}) || fields["syscall"] != "openat" ||
		fields["exit"] != "ENOTDIR" || fields["name"] != "/etc/shadow" || fields["arch"] != "x86_64" || fields["auid"] != "unset" {
		t.Errorf("record %+v", rec)
	}
	a := rep.Live.Actions[part.Actions[0]-1]
	if a.Call != `openat(AT_FDCWD, "/etc/shadow", O_WRONLY|O_DIRECTORY|O_NOFOLLOW)` || a.Result != "ENOTDIR" || a.Identity != serviceNobody || a.ABI != "b64" {
		t.Errorf("action %+v", a)
	}
	if rep.Live.LostBefore != 7 || rep.Live.LostAfter != 7 || len(rep.Live.Notes) != 0 {
		t.Errorf("run %+v", rep.Live)
	}
}

// Records lost during the run make the unrecorded calls NOT PROVEN, not
// FAIL.
func TestProveLost(t *testing.T) {
	p := loadProfile(t, "stig-rhel9")
	rep, _ := prove(t, p, p.rules, func(k *fakeKernel, _ *fakeRunner, _ *Options) { k.lose = map[string]bool{"delete_module/EPERM": true} })
	l := verdicts(rep)["RHEL-09-654075"]
	if l.Verdict != report.NotProven || !strings.Contains(l.Reason, "the kernel lost 2 records during the run (lost 7 -> 9)") {
		t.Errorf("RHEL-09-654075: %s %q", l.Verdict, l.Reason)
	}
	if rep.Live.LostAfter != 9 || len(rep.Live.Notes) != 1 {
		t.Errorf("run %+v", rep.Live)
	}
}

// A call that ends otherwise than planned proves nothing either way.
func TestProveCallEndsOtherwise(t *testing.T) {
	p := loadProfile(t, "stig-rhel9")
	rep, _ := prove(t, p, p.rules, func(_ *fakeKernel, r *fakeRunner, _ *Options) {
		r.errnos = map[string]syscall.Errno{"creat/EPERM": syscall.ENOENT}
	})
	var part *report.LivePart
	for i, pp := range verdicts(rep)["RHEL-09-654070"].Parts {
		if pp.ABI == "b64" && pp.Event == "creat" && strings.Contains(pp.Rule, "-EPERM") {
			part = &verdicts(rep)["RHEL-09-654070"].Parts[i]
		}
	}
	if part == nil || part.Verdict != report.NotProven || part.Reason != "the call returned ENOENT, not EPERM as planned, so it was no event of the line" {
		t.Errorf("RHEL-09-654070 b64 creat: %+v", part)
	}
	if !slices.ContainsFunc(rep.Live.Actions, func(a report.LiveAction) bool { return a.Result == "ENOENT (planned: EPERM)" }) {
		t.Error("the report does not show the call's unplanned result")
	}
	// A kernel without modules answers ENOSYS, which the module lines
	// (no exit filter) still record: without their rules, that fails.
	lines := slices.DeleteFunc(slices.Clone(p.rules), func(l string) bool { return strings.Contains(l, "-S delete_module") })
	rep, _ = prove(t, p, lines, func(_ *fakeKernel, r *fakeRunner, _ *Options) {
		r.errnos = map[string]syscall.Errno{"delete_module/EPERM": syscall.ENOSYS}
	})
	if l := verdicts(rep)["RHEL-09-654075"]; l.Verdict != report.LiveFail || !strings.HasSuffix(l.Reason, "delete_module: no loaded rule records the event (and 1 more part not proven)") {
		t.Errorf("RHEL-09-654075 without its rules, ENOSYS: %s %q", l.Verdict, l.Reason)
	}
}

// With verify_keys, a record under another key fails the line.
func TestProveKeys(t *testing.T) {
	p := loadProfile(t, "stig-rhel9")
	p.keys = true
	lines := slices.Clone(p.rules)
	for i, l := range lines {
		if strings.Contains(l, "-S delete_module") {
			lines[i] = strings.Replace(l, "key=module_chng", "key=modules", 1)
		}
	}
	rep, _ := prove(t, p, lines, nil)
	l := verdicts(rep)["RHEL-09-654075"]
	if l.Verdict != report.LiveFail || !strings.Contains(l.Reason, `under key "modules"; the profile asks for key "module_chng"`) {
		t.Errorf("RHEL-09-654075: %s %q", l.Verdict, l.Reason)
	}
}

// With auditing off nothing runs, and every part says so.
func TestProveAuditOff(t *testing.T) {
	p := loadProfile(t, "stig-rhel9")
	rep, r := prove(t, p, p.rules, func(k *fakeKernel, _ *fakeRunner, _ *Options) { k.status.Enabled = 0 })
	if len(r.jobs) != 0 || len(rep.Live.Actions) != 0 {
		t.Fatalf("%d children ran with auditing off", len(r.jobs))
	}
	if l := verdicts(rep)["RHEL-09-654075"]; l.Verdict != report.NotProven || !strings.Contains(l.Reason, "auditing is off (enabled 0)") {
		t.Errorf("RHEL-09-654075: %s %q", l.Verdict, l.Reason)
	}
}

// A child that cannot run (no 32-bit syscalls) leaves its calls NOT
// PROVEN with its error; the other ABI is unaffected.
func TestProveChildFails(t *testing.T) {
	p := loadProfile(t, "stig-rhel9")
	rep, _ := prove(t, p, p.rules, func(_ *fakeKernel, r *fakeRunner, _ *Options) {
		r.fail = map[model.ABI]string{model.B32: "the child ended: signal: segmentation fault"}
	})
	onlyB32(t, verdicts(rep)["RHEL-09-654075"], report.NotProven, "b32 delete_module: the call was not made: the child ended: signal: segmentation fault")
}

// An immutable loginuid that the lines' auid filters exclude: those
// parts are NOT PROVEN, the others still run and are proven.
func TestProveLoginuidImmutable(t *testing.T) {
	p := loadProfile(t, "stig-rhel9")
	rep, r := prove(t, p, p.rules, func(k *fakeKernel, _ *fakeRunner, o *Options) {
		k.status.LoginuidImmutable = true
		o.Self.AUID = 500
	})
	if l := verdicts(rep)["RHEL-09-654075"]; l.Verdict != report.NotProven || !strings.Contains(l.Reason, "the loginuid is immutable") {
		t.Errorf("RHEL-09-654075: %s %q", l.Verdict, l.Reason)
	}
	if l := verdicts(rep)["RHEL-09-654245"]; l.Verdict != report.Proven {
		t.Errorf("RHEL-09-654245 (no auid filter): %s %q", l.Verdict, l.Reason)
	}
	for _, j := range r.jobs {
		if j.SetLoginuid || j.Who.AUID != 500 {
			t.Errorf("a child was to set the loginuid %d", j.Who.AUID)
		}
	}
}

// The calls are paced below the kernel's rate limit.
func TestPace(t *testing.T) {
	for _, c := range []struct {
		max   int
		limit uint32
		want  time.Duration
		note  bool
	}{
		{0, 0, 20 * time.Millisecond, false},
		{10, 0, 100 * time.Millisecond, false},
		{0, 1000, 20 * time.Millisecond, false},
		{0, 100, 100 * time.Millisecond, true},
		{0, 2, 2 * time.Second, true},
	} {
		got, note := pace(c.max, c.limit)
		if got != c.want || (note != "") != c.note {
			t.Errorf("pace(%d, %d) = %s %q, want %s", c.max, c.limit, got, note, c.want)
		}
	}
	p := loadProfile(t, "pci-dss")
	rep, r := prove(t, p, p.rules, func(k *fakeKernel, _ *fakeRunner, _ *Options) { k.status.RateLimit = 100 })
	if r.jobs[0].Interval != 100*time.Millisecond || len(rep.Live.Notes) != 1 {
		t.Errorf("interval %s, notes %q", r.jobs[0].Interval, rep.Live.Notes)
	}
}

// Without the end marker, the child's unrecorded calls are NOT PROVEN.
func TestProveMarkerMissing(t *testing.T) {
	p := loadProfile(t, "pci-dss")
	rep, _ := prove(t, p, p.rules, func(k *fakeKernel, _ *fakeRunner, o *Options) { o.Kernel = lateMarker{k} })
	for _, c := range rep.Results {
		for _, part := range c.Live.Parts {
			if part.Verdict == report.LiveFail || part.Verdict == report.Proven {
				t.Fatalf("%s %s %s: %s without its child's end marker", c.ID, part.ABI, part.Event, part.Verdict)
			}
		}
	}
	if l := verdicts(rep)["PCI-DSS-10.2.1.7"]; !strings.Contains(l.Reason, "the records of the child's calls may not all have arrived") {
		t.Errorf("PCI-DSS-10.2.1.7: %q", l.Reason)
	}
}

// lateMarker is a kernel whose listener never delivers the end marker
// nor the records before it.
type lateMarker struct{ *fakeKernel }

func (k lateMarker) Listen() (Listener, error) { return k, nil }

func (k lateMarker) Until(string, time.Time) ([]Record, error) { return nil, ErrNoMarker }

// An interrupted run stops, with the scratch directory removed.
func TestProveInterrupted(t *testing.T) {
	p := loadProfile(t, "pci-dss")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	k := &fakeKernel{machine: x86, status: Status{Enabled: 1}}
	r := &fakeRunner{k: k}
	rep := &report.Report{}
	err := Prove(ctx, rep, p.controls, kernelTarget(p.rules), Options{Kernel: k, Runner: r, Machine: x86, Self: testSelf()})
	if err == nil || !strings.Contains(err.Error(), "interrupted") || !r.closed || len(r.jobs) != 1 {
		t.Errorf("err %v, scratch removed %v, %d children", err, r.closed, len(r.jobs))
	}
}

// A live run's report follows verify's JSON schema, and the text and
// HTML formats carry it.
func TestProveReportFormats(t *testing.T) {
	p := loadProfile(t, "ospp")
	rep, _ := prove(t, p, p.rules, nil)
	var b bytes.Buffer
	if err := report.WriteReportJSON(&b, rep); err != nil {
		t.Fatal(err)
	}
	schema, err := os.ReadFile("../docs/schema/verify.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	if problems, err := jsonschema.Validate(schema, b.Bytes()); err != nil || len(problems) > 0 {
		t.Fatalf("the JSON of a live run breaks the schema: %v %v", err, problems)
	}
	for format, want := range map[string]string{"text": "live: PROVEN by ", "html": "Live actions"} {
		b.Reset()
		if err := report.VerifyFormats[format](&b, rep); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(b.String(), want) {
			t.Errorf("the %s report lacks %q", format, want)
		}
	}
}
