package lint

import (
	"slices"
	"strings"

	"github.com/auditpack/auditpack/packs/model"
)

// Checks of first-match order: duplicates (the load's) and rules that an
// earlier rule takes every event from (one analysis, done once per run).

// shadow is a rule b whose every event the earlier rule a matches first.
type shadow struct {
	a, b  *model.Rule
	check string
}

// order finds, through the index rather than by comparing all pairs, the
// earliest rule in evaluation order that takes all of each rule's events:
// the rules an earlier rule takes every event from.
func (rs *RuleSet) order() []shadow {
	var out []shadow
	// A rule auditctl refuses (a duplicate among them) never reaches the
	// kernel: it takes no events and loses none.
	refused := map[*model.Rule]bool{}
	for _, ref := range rs.loading().Refused {
		if r := rs.RuleAt(ref.Index); r != nil {
			refused[r] = true
		}
	}
	eval := rs.Eval
	if len(refused) > 0 {
		eval = slices.DeleteFunc(slices.Clone(eval), func(r *model.Rule) bool { return refused[r] })
	}
	ix := model.NewIndex(eval)
	for j, b := range eval {
		if b.MatchesNothing() {
			continue
		}
		if i := ix.EarliestCover(j); i >= 0 {
			a := eval[i]
			out = append(out, shadow{a, b, classify(a, b)})
		}
	}
	// The comparisons are done (their outcome is kept): what they kept of
	// each rule goes, instead of staying as long as the rules.
	model.ForgetSummaries(rs.Eval)
	return out
}

// duplicates are the rules the load refuses as loaded already ("Rule
// exists"), each with the rule it repeats: compile refuses a set with
// one, so they need no comparison of rule with rule.
func (rs *RuleSet) duplicates() []shadow {
	var out []shadow
	for _, ref := range rs.loading().Refused {
		if r := rs.RuleAt(ref.Index); r != nil && ref.Check == model.CheckExactDuplicate {
			out = append(out, shadow{rs.RuleAt(ref.Earlier), r, "ORD-EXACT-DUPLICATE"})
		}
	}
	return out
}

func classify(a, b *model.Rule) string {
	sameKeys := strings.Join(a.Keys, "\x01") == strings.Join(b.Keys, "\x01")
	switch {
	case a.List == model.ListExclude:
		return "ORD-REDUNDANT-SUBSET" // any match drops the record
	case a.Action == model.Never && b.Action == model.Always:
		return "ORD-NEVER-SHADOWS-ALWAYS"
	case a.Action == model.Always && b.Action == model.Never:
		return "ORD-INEFFECTIVE-NEVER"
	case model.Covers(b, a) && sameKeys:
		return "ORD-SEMANTIC-DUPLICATE"
	case model.Covers(b, a):
		return "ORD-KEY-ONLY-DUPLICATE"
	case a.Action == model.Always && !sameKeys:
		return "ORD-KEY-SHADOW"
	}
	return "ORD-REDUNDANT-SUBSET"
}

func reportShadows(p *Pass, found []shadow, message func(m *shadowMessage, s shadow)) {
	var m shadowMessage
	for _, s := range found {
		if s.check == p.check.ID {
			m.b = m.b[:0]
			message(&m, s)
			p.Report(&s.b.Item.Origin, &s.a.Item.Origin, string(m.b))
		}
	}
}

// shadowMessage builds a finding's message in a buffer the findings of a
// check share: a set of many overlapping rules has one for most rules.
type shadowMessage struct{ b []byte }

func (m *shadowMessage) text(s string) *shadowMessage {
	m.b = append(m.b, s...)
	return m
}

// line names where a rule is, with its pack.
func (m *shadowMessage) line(r *model.Rule) *shadowMessage {
	m.b = r.Item.Origin.AppendDescription(m.b)
	return m
}

// keys names a rule's keys.
func (m *shadowMessage) keys(r *model.Rule) *shadowMessage {
	if len(r.Keys) == 0 {
		return m.text("no key")
	}
	m.text("key ")
	for i, k := range r.Keys {
		if i > 0 {
			m.text(",")
		}
		m.text(k)
	}
	return m
}

var _ = register(&Check{
	Model:     model.CheckExactDuplicate,
	Title:     "rule the kernel already has",
	Severity:  Error,
	Requires:  fromLoad,
	FailsLoad: true,
	Doc: `The kernel compares a new rule with the loaded ones field by field; an identical rule is
refused ("Rule exists") and auditctl -R stops there. Spellings do not matter: auid!=unset is
auid!=-1, "-S a,b" is "-S b -S a", a watch "-w P -p wa -k K" is the rule
"-a always,exit -F path=P -F perm=wa -F key=K". Common when two compliance packs ask for the
same watch.

Bad:
    30-stig.rules:     -w /etc/passwd -p wa -k identity
    30-pci-dss.rules:  -a always,exit -F path=/etc/passwd -F perm=wa -F key=identity

Good: keep one of them.`,
	Run: func(p *Pass) {
		reportShadows(p, p.duplicates(), func(m *shadowMessage, s shadow) {
			m.text("the kernel already has this rule from ").line(s.a).text(": auditctl stops with \"Rule exists\"; remove one")
		})
	},
})

var _ = register(&Check{
	ID:       "ORD-SEMANTIC-DUPLICATE",
	Title:    "rule that matches exactly what an earlier one does",
	Severity: Warning,
	Requires: fromOrder,
	Pairwise: true,
	Doc: `The rule matches the same events with the same key as an earlier rule, written differently
(fields in another order, or added with -A). The kernel accepts both, and the later one never
matches anything.

Bad:
    -a always,exit -F arch=b64 -S openat -F uid=0 -F auid=1000 -k k
    -a always,exit -F arch=b64 -S openat -F auid=1000 -F uid=0 -k k

Good: keep one of them.`,
	Run: func(p *Pass) {
		reportShadows(p, p.shadows(), func(m *shadowMessage, s shadow) {
			m.text("matches exactly what ").line(s.a).text(" matches, with the same key: it never fires; remove it")
		})
	},
})

var _ = register(&Check{
	ID:       "ORD-KEY-ONLY-DUPLICATE",
	Title:    "same rule again with another key",
	Severity: Warning,
	Requires: fromOrder,
	Pairwise: true,
	Doc: `Two packs ask for the same events under different keys (STIG's "identity" and another
standard's key). Only the first rule ever matches, so only its key is logged and searches for
the second key find nothing. One rule can carry both keys: "-k identity -k pci-10.2.1.5".

Bad:
    -w /etc/passwd -p wa -k identity
    -w /etc/passwd -p wa -k pci-10.2.1.5

Good:
    -w /etc/passwd -p wa -k identity -k pci-10.2.1.5`,
	Run: func(p *Pass) {
		reportShadows(p, p.shadows(), func(m *shadowMessage, s shadow) {
			m.text("matches the same events as ").line(s.a).text(", but only that rule's ").keys(s.a).text(" is ever logged, never ").keys(s.b).text(": give one rule both keys")
		})
	},
})

var _ = register(&Check{
	ID:       "ORD-NEVER-SHADOWS-ALWAYS",
	Title:    "never rule swallows a later always rule",
	Severity: Error,
	Requires: fromOrder,
	Pairwise: true,
	Doc: `Rules are first-match: an earlier never rule that matches every event of a later always
rule makes it dead, silently. Watches and syscall rules share one order. A site's exclusion
pack that sorts before a compliance pack can switch off a required rule this way.

Bad:
    20-site.rules:  -a never,exit -F arch=b64 -S all -F auid=1001
    30-stig.rules:  -a always,exit -F arch=b64 -S openat -F auid=1001 -k access

Good: narrow the never rule, or move the always rule before it.`,
	Run: func(p *Pass) {
		reportShadows(p, p.shadows(), func(m *shadowMessage, s shadow) {
			m.text("shadowed by the never rule ").line(s.a).text(", which matches all of its events first: it never records; narrow the never rule or order this rule first")
		})
	},
})

var _ = register(&Check{
	ID:       "ORD-KEY-SHADOW",
	Title:    "always rule whose events an earlier rule logs",
	Severity: Warning,
	Requires: fromOrder,
	Pairwise: true,
	Doc: `An earlier always rule matches every event of this one, so its events are recorded under
the earlier rule's key and this rule's key never appears. Put the more specific rule first.
The audit userspace's 42-injection.rules has this: its ptrace rule comes before the
code-injection rules, whose keys are never logged on 64-bit.

Bad:
    -a always,exit -F arch=b64 -S ptrace -k tracing
    -a always,exit -F arch=b64 -S ptrace -F a0=0x4 -k code-injection

Good:
    -a always,exit -F arch=b64 -S ptrace -F a0=0x4 -k code-injection
    -a always,exit -F arch=b64 -S ptrace -k tracing`,
	Run: func(p *Pass) {
		reportShadows(p, p.shadows(), func(m *shadowMessage, s shadow) {
			m.text("shadowed by ").line(s.a).text(": its events are logged with ").keys(s.a).text(", never with ").keys(s.b).text("; order the specific rule first")
		})
	},
})

var _ = register(&Check{
	ID:       "ORD-INEFFECTIVE-NEVER",
	Title:    "never rule after an always rule that covers it",
	Severity: Warning,
	Requires: fromOrder,
	Pairwise: true,
	Doc: `The exclusion comes too late: an earlier always rule already matches every event it was
meant to suppress, and first match wins. Exclusions belong in a pack that sorts early (the
audit userspace reserves 20-*.rules for them).

Bad:
    30-stig.rules:      -a always,exit -F arch=b64 -S openat -k access
    40-noise.rules:     -a never,exit -F arch=b64 -S openat -F exe=/usr/sbin/chronyd

Good: the never rule in 20-noise.rules, before the STIG pack.`,
	Run: func(p *Pass) {
		reportShadows(p, p.shadows(), func(m *shadowMessage, s shadow) {
			m.text("suppresses nothing: ").line(s.a).text(" records all of its events first; move the never rule before it")
		})
	},
})

var _ = register(&Check{
	ID:       "ORD-REDUNDANT-SUBSET",
	Title:    "rule fully covered by an earlier one",
	Severity: Info,
	Requires: fromOrder,
	Pairwise: true,
	Doc: `An earlier rule with the same action and key (or, on the exclude list, any earlier rule)
matches every event of this one, so this one never matches. It costs evaluation time and
misleads readers.

Bad:
    -a always,exit -F arch=b64 -S openat,unlinkat -k files
    -a always,exit -F arch=b64 -S openat -k files

Good: keep the broader rule only.`,
	Run: func(p *Pass) {
		reportShadows(p, p.shadows(), func(m *shadowMessage, s shadow) {
			m.text("never matches: ").line(s.a).text(" covers all of its events with the same effect; remove it")
		})
	},
})

var _ = register(&Check{
	ID:       "ORD-UNCONDITIONAL-RULE",
	Title:    "rule on every syscall without any condition",
	Severity: Error,
	Doc: `"-a never,exit -S all" without fields suppresses everything: every exit rule and watch
after it is dead. "-a always,exit -S all" without fields records every syscall of every
process: the log floods, and with -f 2 the machine may panic. -F arch=b64 is no condition on
a 64-bit machine; -F arch=b32 is (only 32-bit programs), a deliberate way to see the 32-bit
ABI in use.

Bad:
    -a never,exit -F arch=b64 -S all
    -a always,exit -S all

Good:
    -a never,exit -F arch=b64 -S all -F exe=/usr/sbin/chronyd
    -a always,exit -F arch=b32 -S all -k 32bit_abi`,
	Run: func(p *Pass) {
		for _, r := range p.Rules {
			if r.List != model.ListExit || !r.AllSyscalls || r.Watch {
				continue
			}
			conditions := 0
			for _, f := range r.Fields {
				if f.Kind != model.KindArch {
					conditions++
				}
			}
			if conditions > 0 || !r.ABIs[model.B64] {
				continue // other fields, or only the 32-bit ABI of a 64-bit machine
			}
			if r.Action == model.Never {
				p.Reportf(&r.Item.Origin, nil, "never on every syscall without a condition: every later syscall rule and watch is dead; add a condition (exe=, uid=, ...)")
			} else {
				p.Reportf(&r.Item.Origin, nil, "always on every syscall without a condition records every syscall of every process: add a condition or name the syscalls")
			}
		}
	},
})

var _ = register(&Check{
	ID:       "ORD-PREPEND-USED",
	Title:    "-A puts a rule before all others",
	Severity: Warning,
	Doc: `-A inserts a rule at the head of its list, so the evaluation order differs from the order of
the packs, the kernel's duplicate check does not see it (each reload adds it again), and
auditctl 4.0.4 to 4.1.0 even runs -A as a delete. Order rules by pack and file instead.

Bad:
    -A always,exit -F arch=b64 -S openat -k first

Good: put the rule in a pack that sorts early, with -a.`,
	Run: func(p *Pass) {
		for _, r := range p.Rules {
			if r.Prepend {
				p.Reportf(&r.Item.Origin, nil, "-A puts this rule before every rule of the %s list, whatever the pack order, and escapes the kernel's duplicate check; use -a in a pack that sorts early", r.List)
			}
		}
	},
})
