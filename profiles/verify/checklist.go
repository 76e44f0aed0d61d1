package verify

import (
	"github.com/auditpack/auditpack/internal/report"
	"github.com/auditpack/auditpack/packs"
)

// benchmarkOf names the document a pack's requirements come from, as the
// assessor formats name it: a DISA manual's benchmark, or for a standard
// that has none here (CIS, PCI DSS, OSPP), the pack and its standard.
func benchmarkOf(p *packs.Pack, reqs *packs.Requirements) report.Benchmark {
	b := report.Benchmark{ID: reqs.Benchmark.ID, Title: reqs.Benchmark.Title, Version: reqs.Benchmark.Version,
		ReleaseInfo: reqs.Benchmark.ReleaseInfo, Standard: reqs.Describe(), Pack: p.ID()}
	if b.ID == "" {
		b.ID, b.Title, b.Version = p.Name, reqs.Describe(), reqs.Release
	}
	return b
}

// ruleOf is what the standard's manual says of a control.
func ruleOf(c *Control) *report.Rule {
	r := c.Requirement
	return &report.Rule{Benchmark: c.Benchmark.ID, Severity: r.Severity, Vuln: r.Vuln, RuleID: r.RuleID, GroupTitle: r.GroupTitle,
		Weight: r.Weight, CCIs: r.CCIs, FixID: r.FixID, Discussion: r.Discussion, Check: r.Check, Fix: r.Fix}
}
