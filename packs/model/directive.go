package model

import (
	"fmt"
)

// Option is a control option of auditctl, spelled as in a rules file.
type Option string

// The control options a rules file may carry. Each is executed by auditctl
// in place, except that augenrules moves the last -D, -b, -f to the top and
// the last -e to the end.
const (
	OptDeleteAll         Option = "-D"
	OptBacklogLimit      Option = "-b"
	OptFailure           Option = "-f"
	OptEnabled           Option = "-e"
	OptRateLimit         Option = "-r"
	OptBacklogWaitTime   Option = "--backlog_wait_time"
	OptLoginuidImmutable Option = "--loginuid-immutable"
	OptContinueOnError   Option = "-c"
	OptIgnoreErrors      Option = "-i"
)

// Directive is a parsed control line.
type Directive struct {
	Option Option
	Value  string // the argument; empty for options without one
	Key    string // the -k of "-D -k KEY", which deletes by key substring
}

// Problem says what auditctl makes of a control option's value: a
// refusal, a misreading (Loads set), or nil when it reads what is written.
func (d Directive) Problem() *Problem {
	switch d.Option {
	case OptEnabled, OptFailure:
		if d.Value != "0" && d.Value != "1" && d.Value != "2" {
			return refuse(CheckInvalidValue, "%s must be 0, 1 or 2, not %q", d.Option, d.Value)
		}
	case OptBacklogLimit, OptRateLimit, OptBacklogWaitTime:
		if _, misread, ok := d.number(); !ok {
			return refuse(CheckInvalidValue, "%s needs a whole number from 0 to 4294967295, not %q", d.Option, d.Value)
		} else if misread != "" {
			return &Problem{Check: CheckValueMisread, Loads: true, Message: misread}
		}
	}
	return nil
}

// The kernel takes a backlog wait time of at most ten minutes, counted in
// jiffies: 10*60*HZ. Without the host's HZ, the largest common one.
const (
	backlogWaitMinutes = 10
	largestHZ          = 1000
)

// BacklogWaitLimit is the largest --backlog_wait_time the kernel takes at
// hz (0: unknown, the largest common HZ).
func BacklogWaitLimit(hz int) uint32 {
	if hz <= 0 {
		hz = largestHZ
	}
	return uint32(backlogWaitMinutes * 60 * hz)
}

// KernelProblem says what the kernel refuses of a control line that
// auditctl reads, at the loading host's HZ (0: unknown).
func (d Directive) KernelProblem(hz int) *Problem {
	if d.Option != OptBacklogWaitTime {
		return nil
	}
	v, _, ok := d.number()
	if !ok || v <= BacklogWaitLimit(hz) {
		return nil
	}
	where := fmt.Sprintf("at this host's HZ=%d", hz)
	if hz <= 0 {
		where = fmt.Sprintf("at HZ=%d, the largest", largestHZ)
	}
	return refuse(CheckBacklogWaitRange, "--backlog_wait_time %d is more than the kernel accepts, %d jiffies (ten minutes %s): auditctl stops with \"Error sending backlog limit request (Invalid argument)\"; the value counts jiffies, not ms (default %d)",
		v, BacklogWaitLimit(hz), where, BacklogWaitLimit(hz)/backlogWaitMinutes)
}

// number reads a -b, -r or --backlog_wait_time value as auditctl does
// (strtoul with base 0 after an isdigit test, refused when errno is set,
// then cut to 32 bits). misread says how the kernel gets something else
// than what is written.
func (d Directive) number() (v uint32, misread string, ok bool) {
	if d.Value == "" || d.Value[0] < '0' || d.Value[0] > '9' {
		return 0, "", false
	}
	n := readC(d.Value, false)
	if n.saturated {
		return 0, "", false
	}
	return n.u32(), n.misread(string(d.Option), d.Value, false), true
}
