package lint

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/auditpack/auditpack/packs"
	"github.com/auditpack/auditpack/packs/model"
)

// Checks of the control lines (-D, -b, -f, -e, -r, --backlog_wait_time,
// -c, -i) across the merged packs.

// occurrences returns the lines that set option, in file order (before
// augenrules moves any).
func occurrences(p *Pass, option packs.Option) []*packs.Item {
	var out []*packs.Item
	for _, it := range p.Concatenated {
		if it.Directive.Option == option {
			out = append(out, it)
		}
	}
	return out
}

func hasSetting(p *Pass, option packs.Option) bool {
	for _, d := range p.Selection.Settings {
		if d.Option == option {
			return true
		}
	}
	return false
}

var _ = register(&Check{
	ID:       "CTRL-ENABLE-CONFLICT",
	Title:    "several -e with different values",
	Severity: Error,
	Doc: `augenrules keeps only the last -e of all files and drops the others without a word. A pack
that sorts after finalize and says -e 1 silently undoes finalize's -e 2: the host is not
locked, and nothing reports it.

Bad:
    99-finalize.rules:  -e 2
    100-local.rules:    -e 1

Good: one -e, in the pack that sorts last (finalize), or set "enabled" in the profile.`,
	Run: func(p *Pass) {
		if hasSetting(p, packs.OptEnabled) {
			return
		}
		es := occurrences(p, packs.OptEnabled)
		if len(es) < 2 {
			return
		}
		last := es[len(es)-1]
		for _, it := range es[:len(es)-1] {
			if it.Directive.Value == last.Directive.Value {
				continue
			}
			consequence := ""
			if it.Directive.Value == "2" {
				consequence = ": the configuration is not locked"
			}
			p.Reportf(it.Origin, []packs.Origin{last.Origin}, "-e %s is dropped: augenrules keeps only the last -e, %s at %s%s; keep one -e",
				it.Directive.Value, last.Text, last.Origin.Describe(), consequence)
		}
	},
})

var _ = register(&Check{
	ID:       "CTRL-IMMUTABLE-NOT-LAST",
	Title:    "-e 2 is followed by more lines",
	Severity: Error,
	Doc: `Once -e 2 has run, the kernel refuses every change until reboot: auditctl fails on the next
line and nothing after -e 2 is loaded. augenrules moves an -e written at the start of a line
to the end, but not an indented one (Debian's mawk), and a hand-written audit.rules is loaded
as it is.

Bad:
    -e 2
    -w /etc/passwd -p wa -k identity

Good:
    -w /etc/passwd -p wa -k identity
    -e 2`,
	Run: func(p *Pass) {
		items := p.Ordered.Items
		for i, it := range items {
			if it.Directive.Option == packs.OptEnabled && it.Directive.Value == "2" && i < len(items)-1 {
				p.Reportf(it.Origin, []packs.Origin{items[i+1].Origin}, "-e 2 is followed by %d more lines (first %s): after -e 2 the kernel refuses every change, so they never load; make -e 2 the last line",
					len(items)-1-i, items[i+1].Origin.Describe())
			}
		}
	},
})

var _ = register(&Check{
	ID:       "CTRL-IMMUTABLE-UNREACHABLE",
	Title:    "-e 2 is never reached",
	Severity: Error,
	Reads:    func(c *Check) bool { return c.FailsLoad },
	Doc: `auditctl stops at the first line it cannot load, so the final -e 2 never runs: the host
is neither complete nor locked, and "auditctl -l" still exits 0. -c and -i make auditctl go on
past errors, which hides them instead.

Bad:
    -a always,exit -F arch=b64 -S umount -k mounts     (no umount in x86_64's 64-bit ABI)
    -e 2

Good: fix every line auditpack reports as failing to load; leave out -c and -i.`,
	Run: func(p *Pass) {
		items := p.Ordered.Items
		if len(items) == 0 {
			return
		}
		last := items[len(items)-1]
		if last.Directive.Option != packs.OptEnabled || last.Directive.Value != "2" {
			return
		}
		failing := p.Findings()
		if len(failing) > 0 {
			first := failing[0]
			for _, d := range failing {
				if d.Origin.File < first.Origin.File || (d.Origin.File == first.Origin.File && d.Origin.Line < first.Origin.Line) {
					first = d
				}
			}
			p.Reportf(last.Origin, []packs.Origin{first.Origin}, "%d lines fail to load before this -e 2 (first %s [%s]): auditctl stops there, so the configuration is never locked",
				len(failing), first.Origin.Describe(), first.Check)
		}
		for _, it := range p.Directives {
			if it.Directive.Option == packs.OptContinueOnError || it.Directive.Option == packs.OptIgnoreErrors {
				p.Reportf(last.Origin, []packs.Origin{it.Origin}, "%s at %s lets auditctl go on past failing lines: whether this -e 2 locks a complete rule set is unknown; remove %s",
					it.Directive.Option, it.Origin.Describe(), it.Directive.Option)
			}
		}
	},
})

var _ = register(&Check{
	ID:       "CTRL-DIRECTIVE-CONFLICT",
	Title:    "one setting given different values",
	Severity: Warning,
	Doc: `-b, -f, -r and --backlog_wait_time given with different values in several packs: the last
one wins without a word (augenrules moves the last -b and -f to the top; -r and
--backlog_wait_time run in order). Decide once, in one pack or in the profile's [settings].

Bad:
    10-base-config.rules:  -b 8192
    30-vendor.rules:       -b 320       (the effective backlog limit is 320)

Good: one -b, or "backlog_limit = 8192" in the profile's [settings].`,
	Run: func(p *Pass) {
		for _, option := range []packs.Option{packs.OptBacklogLimit, packs.OptFailure, packs.OptRateLimit, packs.OptBacklogWaitTime} {
			if hasSetting(p, option) {
				continue
			}
			occ := occurrences(p, option)
			if len(occ) < 2 {
				continue
			}
			last := occ[len(occ)-1]
			for _, it := range occ[:len(occ)-1] {
				if it.Directive.Value != last.Directive.Value {
					p.Reportf(it.Origin, []packs.Origin{last.Origin}, "%s %s is overridden by %s at %s (the last one wins): set it once",
						option, it.Directive.Value, last.Directive.Value, last.Origin.Describe())
				}
			}
		}
	},
})

var _ = register(&Check{
	ID:        "CTRL-DELETE-ALL-MISPLACED",
	Title:     "-D that deletes rules loaded before it",
	Severity:  Error,
	FailsLoad: false,
	Doc: `-D deletes the loaded rules when its line runs. augenrules moves the last plain "-D" to the
top, but not "-D " with trailing spaces, an indented -D (Debian's mawk) or "-D -k KEY", which
run where they stand and delete what earlier packs loaded. "-D -k KEY" deletes every rule whose
key merely contains KEY, including other tools' rules.

Bad:
    30-stig.rules:   -w /etc/passwd -p wa -k identity
    40-local.rules:  -D -k id          (deletes the identity watch)

Good: one plain -D, in the first pack (base-config).`,
	Run: func(p *Pass) {
		for i, it := range p.Ordered.Items {
			if it.Directive.Option != packs.OptDeleteAll || (i == 0 && it.Directive.Key == "") {
				continue
			}
			var deleted []string
			for _, prev := range p.Ordered.Items[:i] {
				if prev.IsDirective() {
					continue
				}
				if it.Directive.Key == "" || keyContains(p.RuleOf(prev), it.Directive.Key) {
					deleted = append(deleted, prev.Origin.Describe())
				}
			}
			switch {
			case it.Directive.Key != "" && len(deleted) > 0:
				p.Reportf(it.Origin, nil, "-D -k %s deletes the %d rules loaded before it whose key contains %q (first %s): remove it", it.Directive.Key, len(deleted), it.Directive.Key, deleted[0])
			case it.Directive.Key != "":
				p.Reportf(it.Origin, nil, "-D -k %s deletes every loaded rule whose key contains %q, other tools' rules too: remove it, the leading -D already starts from empty", it.Directive.Key, it.Directive.Key)
			default:
				p.Reportf(it.Origin, nil, "%q is not moved to the top by augenrules and deletes the %d rules loaded before it: write a plain -D in the first pack only", it.Text, len(deleted))
			}
		}
	},
})

// keyContains reports whether a rule carries a key containing k, as
// "-D -k" matches keys (a substring test).
func keyContains(r *model.Rule, k string) bool {
	for _, key := range r.Keys {
		if strings.Contains(key, k) {
			return true
		}
	}
	return false
}

var _ = register(&Check{
	ID:       "CTRL-MISSING-DELETE-ALL",
	Title:    "rule set does not start with -D",
	Severity: Warning,
	Doc: `auditctl -R only adds. Without a leading -D, reloading the same file fails at the first rule
that is already loaded ("Rule exists") and the rest is never loaded; -A rules pile up.

Bad: a rule set whose first line is a rule.

Good:
    -D
    -b 8192
    ...`,
	Run: func(p *Pass) {
		items := p.Ordered.Items
		if len(p.Rules) == 0 || (len(items) > 0 && items[0].Directive.Option == packs.OptDeleteAll && items[0].Directive.Key == "") {
			return
		}
		p.Reportf(items[0].Origin, nil, "the rule set does not start with -D: a reload fails on the first rule already loaded (\"Rule exists\"); add the base-config pack or a -D line")
	},
})

var _ = register(&Check{
	ID:       "CTRL-ERROR-MASKING",
	Title:    "-c or -i hides load errors",
	Severity: Warning,
	Doc: `-c (continue) and -i (ignore errors) make auditctl go on past lines it cannot load, from
their line to the end of the whole merged file, not just their pack. With -i the load even
exits 0, so nobody learns that rules are missing.

Bad:
    -i

Good: leave them out and fix the lines auditpack reports.`,
	Run: func(p *Pass) {
		for _, it := range p.Directives {
			switch it.Directive.Option {
			case packs.OptIgnoreErrors:
				p.Reportf(it.Origin, nil, "-i makes auditctl skip every failing line after it, in every later pack, and exit 0: remove it and fix the failing lines")
			case packs.OptContinueOnError:
				p.Reportf(it.Origin, nil, "-c makes auditctl go on past every failing line after it, in every later pack: remove it and fix the failing lines")
			}
		}
	},
})

var _ = register(&Check{
	ID:       "CTRL-WHITESPACE-DIRECTIVE",
	Title:    "-e, -D, -b or -f with spaces around it",
	Severity: Warning,
	Doc: `augenrules finds the -e, -D, -b and -f lines to move with awk regular expressions using \s,
which Debian's awk (mawk) does not understand: an indented "-f 2" or a "-D " with a trailing
space stays where it is and runs there, while gawk would move it. The result depends on the
host's awk.

Bad:
    "  -f 2"
    "-D "

Good:
    "-f 2"
    "-D"`,
	Run: func(p *Pass) {
		for _, it := range p.Concatenated {
			switch it.Directive.Option {
			case packs.OptEnabled, packs.OptDeleteAll, packs.OptBacklogLimit, packs.OptFailure:
			default:
				continue
			}
			if it.Text != strings.TrimSpace(it.Text) {
				p.Reportf(it.Origin, nil, "%q has spaces around it: Debian's augenrules (mawk) leaves it where it is instead of moving it; write %q", it.Text, strings.TrimSpace(it.Text))
			}
		}
	},
})

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
		failure := lastDirective(p, packs.OptFailure)
		if failure == nil || failure.Directive.Value != "2" {
			return
		}
		var reasons []string
		if r := lastDirective(p, packs.OptRateLimit); r != nil && r.Directive.Value != "0" {
			reasons = append(reasons, fmt.Sprintf("a rate limit of %s/s at %s", r.Directive.Value, r.Origin.Describe()))
		}
		if b := lastDirective(p, packs.OptBacklogLimit); b == nil {
			reasons = append(reasons, "no -b (the kernel's default backlog is 64 records)")
		} else if n, _ := strconv.Atoi(b.Directive.Value); n < smallBacklog {
			reasons = append(reasons, fmt.Sprintf("a backlog of only %d records at %s", n, b.Origin.Describe()))
		}
		if w := lastDirective(p, packs.OptBacklogWaitTime); w != nil && w.Directive.Value == "0" {
			reasons = append(reasons, fmt.Sprintf("no backlog wait time at %s", w.Origin.Describe()))
		}
		if noisy := noisyRules(p); len(noisy) > 0 {
			reasons = append(reasons, fmt.Sprintf("%d noisy rules (first %s)", len(noisy), noisy[0].Item.Origin.Describe()))
		}
		if len(reasons) > 0 {
			p.Reportf(failure.Origin, nil, "-f 2 panics the kernel when auditing fails, and this set makes that likely: %s", strings.Join(reasons, "; "))
		}
	},
})

// lastDirective is the line that sets option last in load order.
func lastDirective(p *Pass, option packs.Option) *packs.Item {
	var last *packs.Item
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
		if hasSetting(p, packs.OptEnabled) {
			return
		}
		if e := lastDirective(p, packs.OptEnabled); e != nil && e.Directive.Value == "0" {
			p.Reportf(e.Origin, nil, "-e 0 is the last -e: the rules load but the kernel records nothing until auditctl -e 1; write -e 1 (or -e 2 in the finalize pack)")
		}
	},
})

// The kernel takes a backlog wait time of at most ten minutes, counted in
// jiffies: 10*60*HZ. Without the host's HZ, the largest common one (1000).
const (
	backlogWaitMinutes = 10
	largestHZ          = 1000
)

var _ = register(&Check{
	ID:        "CTRL-BACKLOG-WAIT-RANGE",
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
		hz, where := largestHZ, "at HZ=1000, the largest"
		if p.host != nil {
			if h, ok := p.host.HZ(); ok {
				hz, where = h, fmt.Sprintf("at this host's HZ=%d", h)
			}
		}
		limit := backlogWaitMinutes * 60 * hz
		for _, it := range occurrences(p, packs.OptBacklogWaitTime) {
			if v, err := strconv.ParseUint(it.Directive.Value, 10, 32); err == nil && v > uint64(limit) {
				p.Reportf(it.Origin, nil, "--backlog_wait_time %d is more than the kernel accepts, %d jiffies (ten minutes %s): auditctl stops with \"Error sending backlog limit request (Invalid argument)\"; the value counts jiffies, not ms (default %d)", v, limit, where, 60*hz)
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
		if hasSetting(p, packs.OptBacklogLimit) || len(p.Rules) == 0 {
			return
		}
		if failure := lastDirective(p, packs.OptFailure); failure != nil && failure.Directive.Value == "2" {
			return // CTRL-PANIC-RISK says it with the stakes of -f 2
		}
		if b := lastDirective(p, packs.OptBacklogLimit); b != nil {
			if n, err := strconv.Atoi(b.Directive.Value); err == nil && n < smallBacklog {
				p.Reportf(b.Origin, nil, "-b %d is a small queue for auditd: a burst of events overflows it and records are lost; write -b %d or more", n, smallBacklog)
			}
		}
	},
})
