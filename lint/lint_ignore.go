package lint

import (
	"fmt"
	"strings"

	"github.com/auditpack/auditpack/packs"
)

// ignoreCheck reports suppression comments without reason or effect; the
// runner reports through it the suppressions that silence nothing.
var ignoreCheck = register(&Check{
	ID:       "LINT-IGNORE",
	Title:    "suppression comment without reason or effect",
	Severity: Warning,
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
	Run: func(p *Pass) {
		for _, ig := range ignoresOf(p.Ordered.Files) {
			msg := ""
			switch _, unknown := Lookup(ig.Check); {
			case ig.Check == "":
				msg = "auditpack:ignore needs a check ID and a reason: # auditpack:ignore CHECK-ID why it is fine here"
			case strings.Contains(ig.Check, ","):
				msg = fmt.Sprintf("auditpack:ignore %s names several checks, so it silences none; write one comment per check, each on its own line above the rule", ig.Check)
			case unknown != nil:
				msg = fmt.Sprintf("auditpack:ignore %s: no such check, so it silences nothing; see auditpack explain --list for the IDs", ig.Check)
			case ig.Reason == "":
				msg = fmt.Sprintf("auditpack:ignore %s has no reason, so it silences nothing; say why the finding is fine here", ig.Check)
			case ig.Target == 0:
				msg = fmt.Sprintf("auditpack:ignore %s is not directly above a rule line; put it on the line above the rule", ig.Check)
			}
			if msg != "" {
				p.Report(&ig.Origin, nil, msg)
			}
		}
	},
})

func ignoresOf(files []*packs.File) []*packs.Ignore {
	var all []*packs.Ignore
	for _, f := range files {
		for i := range f.Ignores {
			all = append(all, &f.Ignores[i])
		}
	}
	return all
}

// suppress drops the findings a valid suppression comment above their
// line silences, and reports, as LINT-IGNORE, the valid comments that
// silence nothing. A comment for a check that did not run (ran) silences
// nothing and is not reported: the check is disabled, or needs --host.
func suppress(files []*packs.File, found []*finding, ignore *Check, severity Severity, ran map[string]bool) []*finding {
	type key struct {
		file  string
		line  int
		check string
	}
	ignores := map[key]*packs.Ignore{}
	for _, f := range files {
		for i := range f.Ignores {
			ig := &f.Ignores[i]
			if ran[ig.Check] && ig.Reason != "" && ig.Target > 0 {
				ignores[key{f.Path, ig.Target, ig.Check}] = ig
			}
		}
	}
	if len(ignores) == 0 {
		return found
	}
	used := map[*packs.Ignore]bool{}
	kept := found[:0]
	for _, f := range found {
		if ig := ignores[key{f.origin.File, f.origin.Line, f.check.ID}]; ig != nil {
			used[ig] = true
			continue
		}
		kept = append(kept, f)
	}
	for _, ig := range ignoresOf(files) {
		if k := (key{ig.Origin.File, ig.Target, ig.Check}); ran[ignore.ID] && ignores[k] == ig && !used[ig] {
			kept = append(kept, &finding{check: ignore, severity: severity, origin: &ig.Origin,
				message: fmt.Sprintf("auditpack:ignore %s silences nothing on line %d; remove it", ig.Check, ig.Target)})
		}
	}
	return kept
}
