package live

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/auditpack/auditpack/internal/host"
	"github.com/auditpack/auditpack/internal/report"
	"github.com/auditpack/auditpack/packs/model"
	"github.com/auditpack/auditpack/profiles/verify"
)

// Status is the kernel's audit status as a live run reads it.
type Status struct {
	Enabled      uint32 // 0 off, 1 on, 2 locked (events are recorded either way)
	RateLimit    uint32 // records per second, 0 unlimited
	BacklogLimit uint32
	Backlog      uint32
	Lost         uint32
	// LoginuidImmutable: --loginuid-immutable is in force.
	LoginuidImmutable bool
}

// Kernel is the audit subsystem as a live run uses it: it only reads.
type Kernel interface {
	Status() (Status, error)
	// Listen subscribes to the records of events (the multicast group).
	Listen() (Listener, error)
}

// Listener delivers the kernel's records.
type Listener interface {
	// Mark sends a user message carrying text. The kernel queues records
	// in order, so once its record has arrived, so has every record of
	// the calls made before it.
	Mark(text string) error
	// Until returns the records that arrived since the last call, up to
	// the one of the marker with text; it stops at the deadline, with
	// ErrNoMarker.
	Until(text string, deadline time.Time) ([]Record, error)
	Close() error
}

// ErrNoMarker: the end marker did not arrive in time.
var ErrNoMarker = errors.New("the end marker did not arrive")

// Runner makes a batch's calls in a child process, in a scratch
// directory it prepares.
type Runner interface {
	// Prepare makes the private scratch directory (see Self.Scratch).
	Prepare() (string, error)
	// Run makes the job's calls in one child and reports how each ended.
	Run(ctx context.Context, job *Job) (*ChildReport, error)
	// Close removes the scratch directory.
	Close() error
}

// Job is what one child does: take an identity, then make calls.
type Job struct {
	ABI model.ABI
	Who Identity
	// SetLoginuid: the child writes Who.AUID to its loginuid first.
	SetLoginuid bool
	Scratch     string
	// Interval is the pause before each call, which keeps the run below
	// the kernel's rate limit.
	Interval time.Duration
	Calls    []JobCall
}

// JobCall names one call: a probe of the catalogue and, for a watch, its
// path. The child rebuilds the call from the catalogue.
type JobCall struct {
	ID   int
	Kind string
	Path string
}

// ChildReport is what a child says it did.
type ChildReport struct {
	PID     int
	Results []CallResult
}

// HostSelf is what a plan must know of this process on this host: its
// loginuid, its executable as the kernel names it, whether it makes
// 32-bit calls, which paths exist and which are links, UID_MIN (1000
// where login.defs does not say), and whether the kernel opens an exec's
// file first.
func HostSelf() (Self, error) {
	data, err := os.ReadFile("/proc/self/loginuid")
	if err != nil {
		return Self{}, fmt.Errorf("read the loginuid: %w", err)
	}
	auid, err := strconv.ParseUint(strings.TrimSpace(string(data)), 10, 32)
	if err != nil {
		return Self{}, fmt.Errorf("read the loginuid %q: %w", data, err)
	}
	exe, err := os.Executable()
	if err == nil {
		exe, err = filepath.EvalSymlinks(exe)
	}
	if err != nil {
		return Self{}, fmt.Errorf("find auditpack's executable: %w", err)
	}
	exists := func(path string) bool {
		_, err := os.Lstat(path)
		return err == nil
	}
	uidMin, ok := host.Local{}.UIDMin()
	if !ok {
		uidMin = 1000 // login.defs' default
	}
	return Self{AUID: uint32(auid), UIDMin: uidMin, Exe: exe, Can32: Can32, Exists: exists, LinkTarget: host.Local{}.LinkTarget,
		ExecOpensFirst: releaseAtLeast(host.KernelRelease(), 6, 8)}, nil
}

// releaseAtLeast compares a kernel release ("6.8.0-45-generic") with
// major.minor; a release it cannot read is older.
func releaseAtLeast(release string, major, minor int) bool {
	fields := strings.SplitN(strings.TrimSpace(release), ".", 3)
	if len(fields) < 2 {
		return false
	}
	digits := strings.IndexFunc(fields[1]+"x", func(r rune) bool { return r < '0' || r > '9' })
	m, err1 := strconv.Atoi(fields[0])
	n, err2 := strconv.Atoi(fields[1][:digits])
	if err1 != nil || err2 != nil {
		return false
	}
	return m > major || m == major && n >= minor
}

// Options are what Prove needs besides the controls and the kernel's
// rules.
type Options struct {
	Kernel  Kernel
	Runner  Runner
	Machine *model.Target
	Self    Self // Scratch and LoginuidImmutable are Prove's to fill
	Keys    bool // the profile's verify_keys
	// MaxRate bounds the calls per second (0: 50); a rate limit of the
	// kernel lowers it further.
	MaxRate int
	Now     func() time.Time
	// MarkerWait is how long a child's end marker may take (0: 30 s).
	MarkerWait time.Duration
}

// Prove runs the live proof of a verify report's controls against the
// kernel's rules (target), and adds its evidence to the report: a
// LiveResult per control and the LiveRun. An error means the run could
// not be made, or was interrupted (ctx); the scratch directory is
// removed either way.
func Prove(ctx context.Context, rep *report.Report, controls []*verify.Control, target *verify.Target, opts Options) (err error) {
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	start := now()
	before, err := opts.Kernel.Status()
	if err != nil {
		return fmt.Errorf("read the audit status: %w", err)
	}
	run := &report.LiveRun{LostBefore: before.Lost, LostAfter: before.Lost}
	rep.Live = run
	self := opts.Self
	self.LoginuidImmutable = before.LoginuidImmutable
	if before.Enabled == 0 {
		plan := MakePlan(controls, opts.Machine, self)
		run.Notes = append(run.Notes, "auditing is off (enabled 0): the kernel records no events, so no call was made")
		fill(rep, plan, nil, report.NotProven, "auditing is off (enabled 0): the kernel records no events")
		return nil
	}
	if self.Scratch, err = opts.Runner.Prepare(); err != nil {
		return fmt.Errorf("make the scratch directory: %w", err)
	}
	defer func() {
		if cerr := opts.Runner.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("remove the scratch directory: %w", cerr)
		}
	}()
	plan := MakePlan(controls, opts.Machine, self)
	interval, note := pace(opts.MaxRate, before.RateLimit)
	if note != "" {
		run.Notes = append(run.Notes, note)
	}
	listener, err := opts.Kernel.Listen()
	if err != nil {
		return fmt.Errorf("listen to the kernel's records: %w", err)
	}
	defer listener.Close()
	ev := &Evidence{Results: map[int]CallResult{}, Pids: map[int]bool{}, Incomplete: map[int]string{}, Before: before}
	wait := opts.MarkerWait
	if wait == 0 {
		wait = 30 * time.Second
	}
	for i, b := range plan.Batches {
		job := &Job{ABI: b.ABI, Who: b.Who, SetLoginuid: b.Who.AUID != self.AUID, Scratch: self.Scratch, Interval: interval}
		for _, a := range b.Actions {
			job.Calls = append(job.Calls, JobCall{ID: a.ID, Kind: a.Probe.kind, Path: a.Path})
		}
		child, err := opts.Runner.Run(ctx, job)
		if ctx.Err() != nil {
			return fmt.Errorf("interrupted: %w", ctx.Err())
		}
		if err != nil {
			for _, a := range b.Actions {
				ev.Results[a.ID] = CallResult{ID: a.ID, NotRun: err.Error()}
			}
			continue
		}
		ev.Pids[child.PID] = true
		for _, r := range child.Results {
			ev.Results[r.ID] = r
		}
		marker := fmt.Sprintf("auditpack-live-%d-%d", os.Getpid(), i+1)
		records, err := markAndCollect(listener, marker, now().Add(wait))
		if err != nil {
			for _, a := range b.Actions {
				ev.Incomplete[a.ID] = fmt.Sprintf("the records of the child's calls may not all have arrived: %v (does a user-list never rule drop USER messages?)", err)
			}
		}
		events, _ := groupRecords(records) // an unreadable record proves nothing
		ev.Events = append(ev.Events, events...)
	}
	if ev.After, err = opts.Kernel.Status(); err != nil {
		return fmt.Errorf("read the audit status: %w", err)
	}
	var rules []*model.Rule
	for _, it := range target.Items {
		if r := model.Normalize(it, opts.Machine); r != nil {
			rules = append(rules, r)
		}
	}
	fill(rep, plan, newJudge(plan, ev, model.EvalOrder(rules), opts.Machine, opts.Keys), "", "")
	run.LostAfter = ev.After.Lost
	if ev.After.Lost > before.Lost {
		run.Notes = append(run.Notes, fmt.Sprintf("the kernel lost %d records during the run: calls without a record are NOT PROVEN, not FAIL", ev.After.Lost-before.Lost))
	}
	for _, a := range plan.Actions {
		run.Actions = append(run.Actions, report.LiveAction{ID: a.ID, Kind: a.Probe.kind, Call: a.Call(self.Scratch), ABI: a.ABI.String(), Identity: a.Who.String(),
			Result: resultText(ev.Results[a.ID], a)})
	}
	run.Seconds = now().Sub(start).Seconds()
	return nil
}

func markAndCollect(l Listener, marker string, deadline time.Time) ([]Record, error) {
	if err := l.Mark(marker); err != nil {
		return nil, fmt.Errorf("send the end marker: %w", err)
	}
	return l.Until(marker, deadline)
}

// resultText is how an action ended, for the report.
func resultText(r CallResult, a *Action) string {
	switch {
	case r.ID == 0:
		return "not made"
	case r.NotRun != "":
		return "not made: " + r.NotRun
	case !a.Probe.outcome.met(r.Errno):
		return fmt.Sprintf("%s (planned: %s)", errnoName(r.Errno), a.Probe.outcome)
	}
	return errnoName(r.Errno)
}

// pace is the pause before each call: at most maxRate calls per second
// (50 when 0), and under a kernel rate limit, a tenth of it (a call
// makes up to five records: SYSCALL, CWD, PATH, PROCTITLE, EOE).
func pace(maxRate int, rateLimit uint32) (time.Duration, string) {
	if maxRate <= 0 {
		maxRate = 50
	}
	rate, note := float64(maxRate), ""
	if rateLimit > 0 && float64(rateLimit)/10 < rate {
		rate = max(float64(rateLimit)/10, 0.5)
		note = fmt.Sprintf("the kernel's rate limit is %d records/s: calls were paced at %.1f per second", rateLimit, rate)
	}
	return time.Duration(float64(time.Second) / rate), note
}

// fill writes the verdicts into the report: from the judge, or, without
// one (nothing ran), verdict and reason for every part.
func fill(rep *report.Report, plan *Plan, j *judge, verdict, reason string) {
	verdicts := map[string]*report.LiveResult{}
	for _, cp := range plan.Controls {
		if len(cp.Control.From) > 0 {
			continue
		}
		var parts []report.LivePart
		for _, p := range cp.Parts {
			var lp report.LivePart
			if j != nil {
				lp = j.part(p)
			} else {
				lp = report.LivePart{Line: p.Line.Origin, Rule: strings.TrimSpace(p.Line.Text), ABI: p.ABI.String(), Event: p.Event, Actions: []int{},
					Verdict: verdict, Reason: reason}
				if p.Action == nil {
					lp.Reason = p.Reason
				}
			}
			parts = append(parts, lp)
		}
		verdicts[cp.Control.ID] = control(parts, cp.Nothing)
	}
	for _, cp := range plan.Controls {
		if len(cp.Control.From) > 0 {
			verdicts[cp.Control.ID] = satisfied(cp.Control.From, verdicts)
		}
	}
	for i := range rep.Results {
		rep.Results[i].Live = verdicts[rep.Results[i].ID]
	}
}
