package apply

import "github.com/auditpack/auditpack/internal/report"

// Report is what apply found and did, for the report layer to write.
func (r *Result) Report() *report.Apply {
	a := &report.Apply{Unfinished: r.Unfinished, Settings: r.Settings, Locked: r.Locked, Applied: r.Applied, Gap: r.Gap, Persisted: r.Persisted, FilesChange: r.FilesChange, Boot: r.Boot}
	if r.Preflight != nil {
		a.Refused = r.Preflight.Diagnostics
	}
	if r.Plan == nil { // stopped before the kernel was read
		return a
	}
	a.Moved, a.Kept = r.Plan.Moved, r.Plan.Kept
	for _, x := range r.Plan.Old {
		a.Old = append(a.Old, x.Text)
	}
	for _, x := range r.Plan.New {
		a.New = append(a.New, x.Text)
	}
	deleted, added := map[string]bool{}, map[string]bool{}
	for _, op := range r.Plan.Ops {
		if op.Delete {
			a.Deletes++
			deleted[op.Rule.Key()] = true
		} else {
			a.Adds++
			added[op.Rule.Key()] = true
		}
	}
	for _, op := range r.Plan.Ops {
		switch {
		case op.Delete && !added[op.Rule.Key()]:
			a.Removed = append(a.Removed, op.Rule.Text)
		case !op.Delete && !deleted[op.Rule.Key()]:
			a.Added = append(a.Added, op.Rule.Text)
		}
	}
	return a
}

// Summary says in one line what differs and what was done.
func (r *Result) Summary() string { return report.ApplySummary(r.Report()) }
