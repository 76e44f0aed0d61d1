package lint

import (
	"fmt"

	"github.com/auditpack/auditpack/packs"
)

var _ = register(&Check{
	ID:       "LINT-IGNORE",
	Title:    "suppression comment without reason or effect",
	Severity: Warning,
	Stage:    StageSuppress,
	Doc: `A "# auditpack:ignore CHECK-ID reason" comment on the line above a rule silences that
check for that rule. The reason is required, so the next reader knows why the finding is
fine; a comment without one silences nothing. A comment that silences nothing (the check no
longer fires there, or no rule line follows) is reported, so stale suppressions do not pile up.

Bad:
    # auditpack:ignore ORD-KEY-SHADOW
    -a always,exit -F arch=b64 -S openat -k late

Good:
    # auditpack:ignore ORD-KEY-SHADOW the earlier rule's key is the one our SIEM uses
    -a always,exit -F arch=b64 -S openat -k late`,
	Run: func(p *Pass) { *p.all = applyIgnores(p, *p.all) },
})

// applyIgnores drops the findings a suppression comment above their line
// silences, and reports the comments without a reason or effect.
func applyIgnores(p *Pass, diags []Diagnostic) []Diagnostic {
	type key struct {
		file  string
		line  int
		check string
	}
	ignores := map[key]*packs.Ignore{}
	used := map[*packs.Ignore]bool{}
	var all []*packs.Ignore
	for _, f := range p.Ordered.Files {
		for i := range f.Ignores {
			ig := &f.Ignores[i]
			all = append(all, ig)
			if ig.Reason != "" && ig.Target > 0 {
				ignores[key{f.Path, ig.Target, ig.Check}] = ig
			}
		}
	}
	kept := diags[:0]
	for _, d := range diags {
		if ig := ignores[key{d.Origin.File, d.Origin.Line, d.Check}]; ig != nil {
			used[ig] = true
			continue
		}
		kept = append(kept, d)
	}
	for _, ig := range all {
		msg := ""
		switch {
		case ig.Check == "":
			msg = "auditpack:ignore needs a check ID and a reason: # auditpack:ignore CHECK-ID why it is fine here"
		case ig.Reason == "":
			msg = fmt.Sprintf("auditpack:ignore %s has no reason, so it silences nothing; say why the finding is fine here", ig.Check)
		case ig.Target == 0:
			msg = fmt.Sprintf("auditpack:ignore %s is not directly above a rule line; put it on the line above the rule", ig.Check)
		case !used[ig]:
			msg = fmt.Sprintf("auditpack:ignore %s silences nothing on line %d; remove it", ig.Check, ig.Target)
		}
		if msg != "" {
			kept = append(kept, Diagnostic{Check: p.check.ID, Severity: p.check.Severity, Origin: ig.Origin, Message: msg})
		}
	}
	return kept
}
