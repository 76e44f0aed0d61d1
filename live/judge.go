package live

import (
	"fmt"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/auditpack/auditpack/internal/report"
	"github.com/auditpack/auditpack/internal/text"
	"github.com/auditpack/auditpack/packs/model"
)

// CallResult is how a child's call ended.
type CallResult struct {
	ID    int
	Errno syscall.Errno
	// Args are a0..a3 as the child passed them (pointers and
	// descriptors included).
	Args [4]uint64
	// NotRun says why the call was not made; empty when it was.
	NotRun string
}

// Evidence is what a run collected: how each call ended, the kernel's
// events, and the kernel's counters around it.
type Evidence struct {
	Results map[int]CallResult // by action ID
	// Pids are the children's process IDs: only their events count.
	Pids   map[int]bool
	Events []*recorded
	// Incomplete says, per action ID, why its child's records may not
	// all have arrived (its end marker did not).
	Incomplete map[int]string
	Before     Status
	After      Status
}

// judge decides each part, then each control, from the evidence: a part
// is proven by an event of one of the children that its line matches;
// without one, it fails when its call ran as planned and no record was
// lost, and what auditpack can see of the kernel's rules says why.
type judge struct {
	plan    *Plan
	ev      *Evidence
	eval    []*model.Rule // the kernel's rules in evaluation order
	machine *model.Target
	keys    bool // the profile's verify_keys: a record must carry the line's key
	events  []childEvent
}

type childEvent struct {
	rec *recorded
	ev  model.Event
}

func newJudge(plan *Plan, ev *Evidence, eval []*model.Rule, machine *model.Target, keys bool) *judge {
	j := &judge{plan: plan, ev: ev, eval: eval, machine: machine, keys: keys}
	for _, r := range ev.Events {
		if !ev.Pids[r.pid()] {
			continue
		}
		if e, ok := r.event(machine); ok {
			j.events = append(j.events, childEvent{r, e})
		}
	}
	return j
}

// part decides one part.
func (j *judge) part(p *Part) report.LivePart {
	lp := report.LivePart{Line: p.Line.Origin, Rule: strings.TrimSpace(p.Line.Text), ABI: p.ABI.String(), Event: p.Event, Actions: []int{}}
	if p.Action == nil {
		lp.Verdict, lp.Reason = report.NotProven, p.Reason
		return lp
	}
	lp.Actions = append(lp.Actions, p.Action.ID)
	var wrongKey []string
	for _, ce := range j.events {
		if !matches(p, &ce.ev) {
			continue
		}
		if classes, _ := j.machine.PermClasses(&ce.ev); p.class != 0 && classes&p.class == 0 {
			continue // an event of the line's other perm class
		}
		if j.keys && len(p.Rule.Keys) > 0 && !slices.ContainsFunc(p.Rule.Keys, func(k string) bool { return slices.Contains(ce.rec.keys, k) }) {
			wrongKey = append(wrongKey, fmt.Sprintf("serial %d under key %q", ce.rec.Serial, strings.Join(ce.rec.keys, ",")))
			continue
		}
		lp.Records = append(lp.Records, liveRecord(ce.rec, p.Rule))
	}
	if len(lp.Records) > 0 {
		lp.Verdict = report.Proven
		return lp
	}
	lp.Verdict, lp.Reason = j.unrecorded(p, wrongKey)
	return lp
}

// unrecorded says why a part's event has no record: NOT PROVEN when
// auditpack cannot tell whether the kernel would have recorded it, FAIL
// with what it sees of the kernel's rules when it can.
func (j *judge) unrecorded(p *Part, wrongKey []string) (string, string) {
	a := p.Action
	res, ok := j.ev.Results[a.ID]
	// The call as it ended: an unplanned result (ENOSYS where the kernel
	// lacks the syscall) may still be an event of the line.
	ev := a.Event
	ev.Args, ev.Success, ev.Exit = res.Args, res.Errno == 0, -int64(res.Errno)
	switch {
	case !ok:
		return report.NotProven, "the call was not made (the run stopped before it)"
	case res.NotRun != "":
		return report.NotProven, "the call was not made: " + res.NotRun
	case !a.Probe.outcome.met(res.Errno) && !matches(p, &ev):
		return report.NotProven, fmt.Sprintf("the call returned %s, not %s as planned, so it was no event of the line", errnoName(res.Errno), a.Probe.outcome)
	case len(wrongKey) > 0:
		return report.LiveFail, fmt.Sprintf("recorded as %s; the profile asks for key %q", strings.Join(wrongKey, ", "), strings.Join(p.Rule.Keys, ","))
	case j.ev.Incomplete[a.ID] != "":
		return report.NotProven, j.ev.Incomplete[a.ID]
	case j.ev.After.Lost > j.ev.Before.Lost:
		return report.NotProven, fmt.Sprintf("the kernel lost %d records during the run (lost %d -> %d), so a missing record proves nothing",
			j.ev.After.Lost-j.ev.Before.Lost, j.ev.Before.Lost, j.ev.After.Lost)
	}
	if a.Follows != "" {
		return report.LiveFail, fmt.Sprintf("no record arrived: %s is a symbolic link to %s, and the kernel watches the link's own inode while an exec follows the link to the target's, so this line records no exec of it; watch %s too", a.Path, a.Follows, a.Follows)
	}
	d := model.Decide(j.eval, model.ListExit, &ev)
	switch {
	case d.Rule != nil && d.Rule.Action == model.Never:
		return report.LiveFail, "shadowed by the never rule " + ruleText(d.Rule) + ", which takes the event first"
	case d.Rule != nil:
		if x := model.Decide(j.eval, model.ListExclude, &ev); x.Rule != nil {
			return report.LiveFail, "excluded by " + ruleText(x.Rule) + ", which drops its SYSCALL record"
		}
		return report.LiveFail, "no record arrived, though " + ruleText(d.Rule) + " should record the event" + j.limits()
	case len(d.Maybe) > 0:
		return report.LiveFail, fmt.Sprintf("no loaded rule surely records the event (%s may: it tests %s)", ruleText(d.Maybe[0].Rule), d.Maybe[0].Field)
	}
	return report.LiveFail, "no loaded rule records the event"
}

// matches says whether the part's line surely matches an event.
func matches(p *Part, ev *model.Event) bool {
	m, _ := p.Rule.Match(ev)
	return m == model.Matches
}

// limits names the kernel settings that drop records without a trace
// auditpack saw, for a record that did not arrive.
func (j *judge) limits() string {
	var out []string
	if s := j.ev.After; s.RateLimit > 0 {
		out = append(out, fmt.Sprintf("rate limit %d/s", s.RateLimit))
	}
	if s := j.ev.After; s.BacklogLimit > 0 && s.Backlog*10 >= s.BacklogLimit*9 {
		out = append(out, fmt.Sprintf("backlog %d of %d", s.Backlog, s.BacklogLimit))
	}
	if len(out) == 0 {
		return ""
	}
	return " (" + strings.Join(out, ", ") + ")"
}

func ruleText(r *model.Rule) string {
	return r.Item.Origin.Describe() + " (" + strings.TrimSpace(r.Item.Text) + ")"
}

// liveRecord is an event as the report shows it.
func liveRecord(r *recorded, rule *model.Rule) report.LiveRecord {
	lr := report.LiveRecord{Serial: r.Serial, Time: r.Time.UTC().Format(time.RFC3339Nano), Type: "SYSCALL", Keys: slices.Clone(r.keys)}
	for _, f := range r.evidenceFields(rule) {
		lr.Fields = append(lr.Fields, report.LiveField{Name: f[0], Value: f[1]})
	}
	return lr
}

// control decides a control from its parts: FAIL when one fails,
// PROVEN when all are, else NOT PROVEN; the reason is the first part's
// that is not proven.
func control(parts []report.LivePart, nothing string) *report.LiveResult {
	l := &report.LiveResult{Verdict: report.Proven, Parts: parts}
	if len(parts) == 0 {
		l.Verdict, l.Reason = report.NotProven, nothing
		return l
	}
	var first *report.LivePart
	others := 0
	for i := range parts {
		p := &parts[i]
		switch {
		case p.Verdict == report.Proven:
			continue
		case p.Verdict == report.LiveFail && l.Verdict != report.LiveFail:
			l.Verdict, first = report.LiveFail, p
		case l.Verdict == report.Proven:
			l.Verdict, first = report.NotProven, p
		}
		others++
	}
	if first != nil {
		l.Reason = partName(first) + ": " + first.Reason
		if others > 1 {
			l.Reason += fmt.Sprintf(" (and %s not proven)", text.Count(others-1, "more part"))
		}
	}
	return l
}

// partName is how a reason names its part: "b64 chmod", "b32 perm=w".
func partName(p *report.LivePart) string {
	if p.Event == "" {
		return p.ABI
	}
	return p.ABI + " " + p.Event
}

// satisfied decides a control that other requirements satisfy: it takes
// the worst verdict of those that have events to cause (a requirement of
// settings alone has none, and verify judges it).
func satisfied(from []string, verdicts map[string]*report.LiveResult) *report.LiveResult {
	l := &report.LiveResult{Verdict: report.Proven}
	for _, id := range from {
		v := verdicts[id]
		if v == nil || len(v.Parts) == 0 {
			continue // a requirement the profile does not answer for, or of settings
		}
		l.From = append(l.From, id)
		switch {
		case v.Verdict == report.LiveFail && l.Verdict != report.LiveFail:
			l.Verdict, l.Reason = report.LiveFail, id+" fails live"
		case v.Verdict == report.NotProven && l.Verdict == report.Proven:
			l.Verdict, l.Reason = report.NotProven, id+" is not proven"
		}
	}
	if len(l.From) == 0 {
		l.Verdict, l.Reason = report.NotProven, "no audit rule line to prove: the requirements that satisfy it ask for settings, the kernel command line, file modes or what no rule records, which verify judges"
	}
	return l
}
