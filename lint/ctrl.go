package lint

import (
	"strings"

	"github.com/auditpack/auditpack/compile"
	"github.com/auditpack/auditpack/packs/model"

	"github.com/auditpack/auditpack/internal/text"
)

// Checks of the control lines (-D, -b, -f, -e, -r, --backlog_wait_time,
// -c, -i) across the merged packs.

// occurrences returns the lines that set option, in file order (before
// augenrules moves any).
func occurrences(p *Pass, option model.Option) []*model.Line {
	var out []*model.Line
	for _, it := range p.Concatenated {
		if it.Directive.Option == option {
			out = append(out, it)
		}
	}
	return out
}

func hasSetting(p *Pass, option model.Option) bool {
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
		if hasSetting(p, model.OptEnabled) {
			return
		}
		es := occurrences(p, model.OptEnabled)
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
			p.Reportf(&it.Origin, &last.Origin, "-e %s is dropped: augenrules keeps only the last -e, %s at %s%s; keep one -e",
				it.Directive.Value, last.Text, last.Origin.Describe(), consequence)
		}
	},
})

var _ = register(&Check{
	Model:    model.CheckAfterLock,
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
			if it.Directive.Option == model.OptEnabled && it.Directive.Value == "2" && i < len(items)-1 {
				p.Reportf(&it.Origin, &items[i+1].Origin, "-e 2 is followed by %d more lines (first %s): after -e 2 the kernel refuses every change, so they never load; make -e 2 the last line",
					len(items)-1-i, items[i+1].Origin.Describe())
			}
		}
	},
})

var _ = register(&Check{
	ID:       "CTRL-IMMUTABLE-UNREACHABLE",
	Title:    "-e 2 is never reached",
	Severity: Error,
	Requires: fromLoad,
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
		if last.Directive.Option != model.OptEnabled || last.Directive.Value != "2" || last.Refused != nil {
			return
		}
		load := p.loading()
		if load.Lock != nil && load.Lock != last {
			return // an earlier -e 2 locks it (CTRL-IMMUTABLE-NOT-LAST)
		}
		var refused []compile.Refusal
		for _, r := range load.Refused {
			if r.Index < len(items)-1 {
				refused = append(refused, r)
			}
		}
		if stop := load.Stop; stop != nil {
			p.Reportf(&last.Origin, &stop.Item.Origin, "%s failing to load before this -e 2 (first %s [%s]): auditctl stops there, so the configuration is never locked",
				text.Count(len(refused), "line"), stop.Item.Origin.Describe(), stop.Check)
		}
		for _, it := range p.Directives {
			if o := it.Directive.Option; o != model.OptContinueOnError && o != model.OptIgnoreErrors {
				continue
			}
			if len(refused) > 0 && load.Ignoring == it {
				first := refused[0]
				p.Reportf(&last.Origin, &it.Origin, "%s at %s lets auditctl go on past the %s it refuses (first %s [%s]): this -e 2 locks an incomplete rule set; fix them and remove %s",
					it.Directive.Option, it.Origin.Describe(), text.Count(len(refused), "line"), first.Item.Origin.Describe(), first.Check, it.Directive.Option)
				continue
			}
			p.Reportf(&last.Origin, &it.Origin, "%s at %s lets auditctl go on past failing lines: whether this -e 2 locks a complete rule set is unknown; remove %s",
				it.Directive.Option, it.Origin.Describe(), it.Directive.Option)
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
		for _, option := range []model.Option{model.OptBacklogLimit, model.OptFailure, model.OptRateLimit, model.OptBacklogWaitTime} {
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
					p.Reportf(&it.Origin, &last.Origin, "%s %s is overridden by %s at %s (the last one wins): set it once",
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
		items := p.Ordered.Items
		rulesBefore := 0 // rule lines before the line
		var keys *model.KeyIndex
		var deleted []int
		for i, it := range items {
			if p.RuleAt(i) != nil {
				rulesBefore++
				continue
			}
			if it.Directive.Option != model.OptDeleteAll || (i == 0 && it.Directive.Key == "") {
				continue
			}
			if it.Directive.Key == "" {
				p.Reportf(&it.Origin, nil, "%q is not moved to the top by augenrules and deletes the %s loaded before it: write a plain -D in the first pack only", it.Text, text.Count(rulesBefore, "rule"))
				continue
			}
			if keys == nil {
				keys = model.NewKeyIndex(p.itemRules)
			}
			if deleted = keys.Containing(deleted, it.Directive.Key, i); len(deleted) > 0 {
				p.Reportf(&it.Origin, nil, "-D -k %s deletes the %s loaded before it whose key contains %q (first %s): remove it", it.Directive.Key, text.Count(len(deleted), "rule"), it.Directive.Key, items[deleted[0]].Origin.Describe())
			} else {
				p.Reportf(&it.Origin, nil, "-D -k %s deletes every loaded rule whose key contains %q, other tools' rules too: remove it, the leading -D already starts from empty", it.Directive.Key, it.Directive.Key)
			}
		}
	},
})

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
		if len(p.Rules) == 0 || (len(items) > 0 && items[0].Directive.Option == model.OptDeleteAll && items[0].Directive.Key == "") {
			return
		}
		p.Reportf(&items[0].Origin, nil, "the rule set does not start with -D: a reload fails on the first rule already loaded (\"Rule exists\"); add the base-config pack or a -D line")
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
			case model.OptIgnoreErrors:
				p.Reportf(&it.Origin, nil, "-i makes auditctl skip every failing line after it, in every later pack, and exit 0: remove it and fix the failing lines")
			case model.OptContinueOnError:
				p.Reportf(&it.Origin, nil, "-c makes auditctl go on past every failing line after it, in every later pack: remove it and fix the failing lines")
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
			case model.OptEnabled, model.OptDeleteAll, model.OptBacklogLimit, model.OptFailure:
			default:
				continue
			}
			if it.Text != strings.TrimSpace(it.Text) {
				p.Reportf(&it.Origin, nil, "%q has spaces around it: Debian's augenrules (mawk) leaves it where it is instead of moving it; write %q", it.Text, strings.TrimSpace(it.Text))
			}
		}
	},
})
