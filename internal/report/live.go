package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/auditpack/auditpack/internal/text"
	"github.com/auditpack/auditpack/packs/model"
)

// The live evidence of verify --live: for each requirement line of a
// control whose rules the kernel holds, auditpack ran a harmless action
// that the line asks to be recorded and read back the kernel's own
// records of it. A control's verify status (PASS, FAIL, NOT CHECKED)
// judges the rules by their meaning; its live verdict says what the
// kernel did with real events. Text, JSON, HTML, GitHub and JUnit carry
// both; the assessor formats (CKLB, CKL, HDF, XCCDF) the verify status
// alone. Live is nil where --live did not run.

// Live verdicts.
const (
	// Proven: a record of the kernel shows each part's event recorded.
	Proven = "PROVEN"
	// LiveFail (FAIL): an action ran as planned and the kernel recorded
	// nothing for it; the reason says what auditpack can see.
	LiveFail = Fail
	// NotProven: no harmless action can cause the event, the action did
	// not end as planned, or records were lost; the reason says which.
	NotProven = "NOT PROVEN"
)

// LiveResult is a control's live verdict: Proven when every part is,
// LiveFail when one part fails, else NotProven.
type LiveResult struct {
	Verdict string
	Reason  string // why it fails or is not proven (the first part's reason, and how many more)
	// From are the requirements that satisfy the control (a STIG's SRG
	// IDs), for a control with no lines of its own: its verdict is theirs.
	From  []string
	Parts []LivePart
}

// LivePart is one part of a requirement line: its events of one ABI and
// one syscall, or of one perm class of a watch, and what showed them
// recorded.
type LivePart struct {
	Line    model.Origin // the requirement line
	Rule    string       // the line's text
	ABI     string       // b64 or b32
	Event   string       // the syscall ("chmod"), the perm class of a watch ("perm=w"), or empty for every syscall
	Verdict string
	Reason  string
	Actions []int        // the LiveRun.Actions that were to cause its event
	Records []LiveRecord // the kernel's records of those events
}

// LiveRecord is one event the kernel recorded, as its records state it.
type LiveRecord struct {
	Serial uint32
	Time   string // the kernel's timestamp, RFC 3339 with milliseconds
	Type   string // the record that carries the rule's key: SYSCALL
	Keys   []string
	// Fields are the fields the requirement line tests, as the records
	// state them (arch, syscall, success, exit, auid, uid, name, ...).
	Fields []LiveField
}

// LiveField is one field of a record.
type LiveField struct{ Name, Value string }

// LiveRun is what verify --live did: the actions, in the order they ran,
// and the kernel's counters around them.
type LiveRun struct {
	Actions []LiveAction
	Seconds float64 // how long the run took
	// LostBefore and LostAfter are the kernel's lost counter before the
	// first action and after the last record arrived.
	LostBefore, LostAfter uint32
	Notes                 []string // what limits the run's evidence (rate limit, lost records, ...)
}

// LiveAction is one harmless action: what it is, what it did exactly,
// as whom, and how it ended.
type LiveAction struct {
	ID       int
	Kind     string // its kind, as auditpack explain --live lists them
	Call     string // the call as made: "openat(AT_FDCWD, \"/etc/shadow\", O_WRONLY|O_DIRECTORY|O_NOFOLLOW)"
	ABI      string
	Identity string // "auid=1000 uid=65534 euid=65534 gid=65534 egid=65534"
	Result   string // what the call returned ("ENOTDIR", "success"), or why it did not run
}

// LiveCount counts the controls with a live verdict.
func (r *Report) LiveCount(verdict string) int {
	n := 0
	for _, c := range r.Results {
		if c.Live != nil && c.Live.Verdict == verdict {
			n++
		}
	}
	return n
}

// liveLine is a control's live verdict in one line of text.
func liveLine(l *LiveResult) string {
	var serials []string
	for _, p := range l.Parts {
		for _, rec := range p.Records {
			serials = append(serials, fmt.Sprint(rec.Serial))
		}
	}
	switch {
	case l.Verdict == Proven && len(l.From) > 0:
		return "live: PROVEN through " + strings.Join(l.From, ", ")
	case l.Verdict == Proven:
		return fmt.Sprintf("live: PROVEN by %s (serial %s)", text.Count(len(serials), "record"), strings.Join(firstN(serials, 8), ", "))
	}
	return "live: " + l.Verdict + ": " + l.Reason
}

func firstN(s []string, n int) []string {
	if len(s) <= n {
		return s
	}
	return append(s[:n:n], fmt.Sprintf("and %d more", len(s)-n))
}

// writeLiveText writes the run's summary and the actions that ran.
func writeLiveText(w io.Writer, r *Report) error {
	run := r.Live
	fmt.Fprintf(w, "live: %d proven, %d failing, %d not proven; %s in %.1f s; lost %d -> %d\n",
		r.LiveCount(Proven), r.LiveCount(LiveFail), r.LiveCount(NotProven), text.Count(len(run.Actions), "action"), run.Seconds, run.LostBefore, run.LostAfter)
	for _, n := range run.Notes {
		fmt.Fprintf(w, "live: note: %s\n", n)
	}
	for _, a := range run.Actions {
		if _, err := fmt.Fprintf(w, "action %d [%s %s] %s as %s: %s\n", a.ID, a.Kind, a.ABI, a.Call, a.Identity, a.Result); err != nil {
			return err
		}
	}
	return nil
}

// Live parts in JSON.
type jsonLive struct {
	Verdict string     `json:"verdict"`
	Reason  string     `json:"reason,omitempty"`
	From    []string   `json:"from,omitempty"`
	Parts   []jsonPart `json:"parts"`
}

type jsonPart struct {
	File    string       `json:"file"`
	Line    int          `json:"line,omitempty"`
	Rule    string       `json:"rule"`
	ABI     string       `json:"abi"`
	Event   string       `json:"event,omitempty"`
	Verdict string       `json:"verdict"`
	Reason  string       `json:"reason,omitempty"`
	Actions []int        `json:"actions"`
	Records []jsonRecord `json:"records"`
}

type jsonRecord struct {
	Serial uint32            `json:"serial"`
	Time   string            `json:"time"`
	Type   string            `json:"type"`
	Keys   []string          `json:"keys"`
	Fields map[string]string `json:"fields"`
}

type jsonLiveRun struct {
	Summary struct {
		Proven    int `json:"proven"`
		Fail      int `json:"fail"`
		NotProven int `json:"not_proven"`
	} `json:"summary"`
	Seconds    float64      `json:"seconds"`
	LostBefore uint32       `json:"lost_before"`
	LostAfter  uint32       `json:"lost_after"`
	Notes      []string     `json:"notes"`
	Actions    []jsonAction `json:"actions"`
}

type jsonAction struct {
	ID       int    `json:"id"`
	Kind     string `json:"kind"`
	Call     string `json:"call"`
	ABI      string `json:"abi"`
	Identity string `json:"identity"`
	Result   string `json:"result"`
}

func jsonLiveOf(l *LiveResult) *jsonLive {
	if l == nil {
		return nil
	}
	out := &jsonLive{Verdict: l.Verdict, Reason: l.Reason, From: l.From, Parts: []jsonPart{}}
	for _, p := range l.Parts {
		jp := jsonPart{File: p.Line.File, Line: p.Line.Line, Rule: p.Rule, ABI: p.ABI, Event: p.Event, Verdict: p.Verdict, Reason: p.Reason,
			Actions: append([]int{}, p.Actions...), Records: []jsonRecord{}}
		for _, rec := range p.Records {
			jr := jsonRecord{Serial: rec.Serial, Time: rec.Time, Type: rec.Type, Keys: append([]string{}, rec.Keys...), Fields: map[string]string{}}
			for _, f := range rec.Fields {
				jr.Fields[f.Name] = f.Value
			}
			jp.Records = append(jp.Records, jr)
		}
		out.Parts = append(out.Parts, jp)
	}
	return out
}

func jsonLiveRunOf(r *Report) *jsonLiveRun {
	if r.Live == nil {
		return nil
	}
	out := &jsonLiveRun{Seconds: r.Live.Seconds, LostBefore: r.Live.LostBefore, LostAfter: r.Live.LostAfter,
		Notes: append([]string{}, r.Live.Notes...), Actions: []jsonAction{}}
	out.Summary.Proven, out.Summary.Fail, out.Summary.NotProven = r.LiveCount(Proven), r.LiveCount(LiveFail), r.LiveCount(NotProven)
	for _, a := range r.Live.Actions {
		out.Actions = append(out.Actions, jsonAction(a))
	}
	return out
}
