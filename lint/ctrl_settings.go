package lint

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/auditpack/auditpack/packs/model"
)

// Checks of the control settings' values: failure mode, enabled, backlog.

var _ = register(&Check{
	ID:       "CTRL-PANIC-RISK",
	Title:    "-f 2 with settings that make a panic likely",
	Severity: Warning,
	Doc: `With -f 2 the kernel panics when auditing fails: when the rate limit (-r) is exceeded, when
the backlog is full, or when records are lost. A rate limit, a small backlog, no backlog wait
time or noisy rules turn an ordinary burst of events into a crash.

Bad:
    -f 2
    -r 100
    -b 320

Good:
    -f 2
    -b 8192
    --backlog_wait_time 60000`,
	Run: func(p *Pass) {
		failure := lastDirective(p, model.OptFailure)
		if failure == nil || failure.Directive.Value != "2" {
			return
		}
		var reasons []string
		if r := lastDirective(p, model.OptRateLimit); r != nil && r.Directive.Value != "0" {
			reasons = append(reasons, fmt.Sprintf("a rate limit of %s/s at %s", r.Directive.Value, r.Origin.Describe()))
		}
		if b := lastDirective(p, model.OptBacklogLimit); b == nil {
			reasons = append(reasons, "no -b (the kernel's default backlog is 64 records)")
		} else if n, _ := strconv.Atoi(b.Directive.Value); n < smallBacklog {
			reasons = append(reasons, fmt.Sprintf("a backlog of only %d records at %s", n, b.Origin.Describe()))
		}
		if w := lastDirective(p, model.OptBacklogWaitTime); w != nil && w.Directive.Value == "0" {
			reasons = append(reasons, fmt.Sprintf("no backlog wait time at %s", w.Origin.Describe()))
		}
		if noisy := noisyRules(p); len(noisy) > 0 {
			reasons = append(reasons, fmt.Sprintf("%d noisy rules (first %s)", len(noisy), noisy[0].Item.Origin.Describe()))
		}
		if len(reasons) > 0 {
			p.Reportf(&failure.Origin, nil, "-f 2 panics the kernel when auditing fails, and this set makes that likely: %s", strings.Join(reasons, "; "))
		}
	},
})

// lastDirective is the line that sets option last in load order.
func lastDirective(p *Pass, option model.Option) *model.Line {
	var last *model.Line
	for _, it := range p.Directives {
		if it.Directive.Option == option {
			last = it
		}
	}
	return last
}

var _ = register(&Check{
	ID:       "CTRL-AUDIT-DISABLED",
	Title:    "rules loaded with auditing switched off",
	Severity: Warning,
	Doc: `-e 0 switches auditing off: the rules load, and the kernel records nothing until someone
runs auditctl -e 1. It is meant for maintenance by hand; as the last -e of a rule set it
leaves a host that looks configured and audits nothing.

Bad:
    -e 0

Good:
    -e 1`,
	Run: func(p *Pass) {
		if hasSetting(p, model.OptEnabled) {
			return
		}
		if e := lastDirective(p, model.OptEnabled); e != nil && e.Directive.Value == "0" {
			p.Reportf(&e.Origin, nil, "-e 0 is the last -e: the rules load but the kernel records nothing until auditctl -e 1; write -e 1 (or -e 2 in the finalize pack)")
		}
	},
})

var _ = register(&Check{
	Model:     model.CheckBacklogWaitRange,
	Title:     "--backlog_wait_time beyond the kernel's ten minutes",
	Severity:  Error,
	FailsLoad: true,
	Doc: `--backlog_wait_time is counted in jiffies, not milliseconds, and the kernel refuses more
than ten minutes: 10 × 60 × HZ, that is 600000 at HZ=1000 (RHEL), 150000 at HZ=250 (Debian),
60000 at HZ=100. auditctl then stops with the misleading "Error sending backlog limit request
(Invalid argument)". The default is one minute (60 × HZ). Without --host the check assumes
HZ=1000; with --host it reads the running kernel's HZ.

Bad (any kernel):
    --backlog_wait_time 600001

Good:
    --backlog_wait_time 60000`,
	Run: func(p *Pass) {
		hz := 0
		if p.host != nil {
			hz, _ = p.host.HZ()
		}
		for _, it := range occurrences(p, model.OptBacklogWaitTime) {
			if ref := it.Directive.KernelProblem(hz); ref != nil {
				p.Reportf(&it.Origin, nil, "%s", ref.Message)
			}
		}
	},
})

// smallBacklog is the backlog below which a burst of events overflows it:
// upstream's base configuration asks for 8192 ("to survive stress events").
const smallBacklog = 8192

var _ = register(&Check{
	ID:       "CTRL-BACKLOG-SMALL",
	Title:    "backlog too small for bursts",
	Severity: Warning,
	Doc: `-b sets how many records the kernel queues for auditd. A burst (a package update, a build,
a login storm) fills a small queue: records are lost, and processes wait (backlog_wait_time)
or, with -f 2, the kernel panics. Upstream's base configuration uses 8192; the kernel
default is 64.

Bad:
    -b 320

Good:
    -b 8192`,
	Run: func(p *Pass) {
		if hasSetting(p, model.OptBacklogLimit) || len(p.Rules) == 0 {
			return
		}
		if failure := lastDirective(p, model.OptFailure); failure != nil && failure.Directive.Value == "2" {
			return // CTRL-PANIC-RISK says it with the stakes of -f 2
		}
		if b := lastDirective(p, model.OptBacklogLimit); b != nil {
			if n, err := strconv.Atoi(b.Directive.Value); err == nil && n < smallBacklog {
				p.Reportf(&b.Origin, nil, "-b %d is a small queue for auditd: a burst of events overflows it and records are lost; write -b %d or more", n, smallBacklog)
			}
		}
	},
})
