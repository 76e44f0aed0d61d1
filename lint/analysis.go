package lint

import (
	"fmt"
	"slices"

	"github.com/auditpack/auditpack/compile"
	"github.com/auditpack/auditpack/internal/parallel"
	"github.com/auditpack/auditpack/packs/model"
)

// Analysis is work several checks share: done once per rule set, before
// the checks that name it in their Requires run, as staticcheck's
// analyzers declare the analyses they build on. Its result is read-only
// from then on, so the checks read it from any goroutine.
type Analysis struct {
	Name     string
	Requires []*Analysis
	Run      func(*RuleSet) any
}

// loadAnalysis is what auditctl -R makes of the set on the host it is for
// (offline without --host): the lines it refuses, where it stops.
var loadAnalysis = &Analysis{Name: "load", Run: func(rs *RuleSet) any {
	var host model.Host
	if rs.host != nil {
		host = rs.host
	}
	return rs.Ordered.Simulate(host)
}}

// problemsAnalysis is what the model refuses in the set, by check ID:
// lines auditctl refuses or misreads (read from the files), what the
// kernel refuses in a rule, and with --host what it refuses on this host.
// Thirty checks report from it; the rules are gone through once.
var problemsAnalysis = &Analysis{Name: "model problems", Run: func(rs *RuleSet) any {
	byCheck := map[model.Check][]*model.Problem{}
	for _, pe := range rs.Ordered.Problems {
		byCheck[pe.Check] = append(byCheck[pe.Check], pe)
	}
	add := func(problems []model.Problem) {
		for i := range problems {
			byCheck[problems[i].Check] = append(byCheck[problems[i].Check], &problems[i])
		}
	}
	for _, r := range rs.Rules {
		add(r.Problems())
		if rs.host != nil {
			add(r.HostProblems(rs.host))
		}
	}
	return byCheck
}}

// orderAnalysis is the first-match analysis: the rules the kernel refuses
// as loaded already, and for each rule that loads the earliest in
// evaluation order that takes all of its events.
var orderAnalysis = &Analysis{Name: "order", Requires: []*Analysis{loadAnalysis}, Run: func(rs *RuleSet) any { return rs.order() }}

// What the checks require, by kind.
var (
	fromModel = []*Analysis{problemsAnalysis}
	fromLoad  = []*Analysis{loadAnalysis}
	fromOrder = []*Analysis{orderAnalysis}
)

// result is an analysis's result; a check that reads one must name it in
// its Requires (or one it requires), else the run stops naming both.
func (rs *RuleSet) result(a *Analysis) any {
	r, ok := rs.results[a]
	if !ok {
		panic(fmt.Sprintf("the check does not require the %s analysis it reads", a.Name))
	}
	return r
}

func (rs *RuleSet) loading() *compile.Load { return rs.result(loadAnalysis).(*compile.Load) }
func (rs *RuleSet) modelProblems() map[model.Check][]*model.Problem {
	return rs.result(problemsAnalysis).(map[model.Check][]*model.Problem)
}
func (rs *RuleSet) shadows() []shadow { return rs.result(orderAnalysis).([]shadow) }

// analyse runs the analyses the checks require, each once, those that
// need none of the others' first, each round's on every core.
func (rs *RuleSet) analyse(checks []*Check) {
	var needed []*Analysis
	var add func(a *Analysis)
	add = func(a *Analysis) {
		if slices.Contains(needed, a) {
			return
		}
		for _, r := range a.Requires {
			add(r)
		}
		needed = append(needed, a)
	}
	for _, c := range checks {
		for _, a := range c.Requires {
			add(a)
		}
	}
	rs.results = map[*Analysis]any{}
	for len(needed) > 0 {
		var ready, later []*Analysis
		for _, a := range needed {
			if slices.ContainsFunc(a.Requires, func(r *Analysis) bool { _, done := rs.results[r]; return !done }) {
				later = append(later, a)
			} else {
				ready = append(ready, a)
			}
		}
		out := make([]any, len(ready))
		parallel.Each(len(ready), func(i int) { out[i] = ready[i].Run(rs) })
		for i, a := range ready {
			rs.results[a] = out[i]
		}
		needed = later
	}
}
