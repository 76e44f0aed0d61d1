package main

import (
	"fmt"
	"slices"
	"strings"
)

// A product whose manual is not public in ComplianceAsCode (Ubuntu 24.04)
// is built from what is: ComplianceAsCode's control file of its STIG
// (IDs, titles, severities and the ComplianceAsCode rules each maps to),
// and the requirement of another product's manual that the same rules
// implement (Ubuntu 22.04's), whose check text's content it takes. Every
// such requirement says so in its note; the pack's CHANGELOG too.

// derivation names the product a derived product takes its content from.
type derivation struct {
	Base *product // the product whose manual gives the content
}

// generateDerived builds a derived product's release from its control
// file's data, the base's newest release and the base's control file of
// that release.
func generateDerived(root string, p *product, rel release) (*generated, error) {
	d := p.Derived
	own, err := readControlsData(root, p.Key, rel.Name)
	if err != nil {
		return nil, err
	}
	baseRel := d.Base.latest()
	baseControls, err := readControlsData(root, d.Base.Key, baseRel.Name)
	if err != nil {
		return nil, err
	}
	base, err := generateRelease(root, d.Base, baseRel)
	if err != nil {
		return nil, err
	}
	baseReqs := map[string]*requirement{}
	for _, r := range base.reqs {
		baseReqs[r.StigID] = r
	}
	byRule := map[string][]string{} // ComplianceAsCode rule -> the base's STIG IDs
	for _, c := range baseControls.Controls {
		for _, rule := range c.Rules {
			byRule[rule] = append(byRule[rule], c.ID)
		}
	}
	major, minor, _ := strings.Cut(strings.TrimPrefix(rel.Name, "V"), "R")
	g := &generated{product: p, release: rel, manual: &manual{
		File: own.File, Title: own.Policy, Version: major,
		ReleaseInfo: "Release: " + minor + " (ComplianceAsCode controls/" + own.File + ")",
	}, from: fmt.Sprintf("ComplianceAsCode's controls/%s (IDs, titles and severities of DISA's %s STIG %s, whose manual ComplianceAsCode does not have) "+
		"with the content of the %s STIG %s requirement implemented by the same ComplianceAsCode rules (%s)", own.File, p.Short, rel.Name, d.Base.Short, baseRel.Name, base.manual.File)}
	for _, c := range own.Controls {
		var from *requirement
		for _, rule := range c.Rules {
			for _, id := range byRule[rule] {
				if r := baseReqs[id]; r != nil && (from == nil || from == r) {
					from = r
				}
			}
		}
		if _, reviewed := reviews[p.Key][c.ID]; from == nil && !reviewed {
			continue
		}
		req := &requirement{manualRule: &manualRule{StigID: c.ID, Title: strings.Join(strings.Fields(c.Title), " "), Severity: c.Severity}}
		if from != nil {
			req.content, req.Satisfies, req.fixFile = from.content, from.Satisfies, from.fixFile
			req.Notes = append(req.Notes, fmt.Sprintf("Content of %s (DISA's %s STIG %s), which ComplianceAsCode implements with the same rules (%s); "+
				"its SRG IDs are that requirement's.", from.StigID, d.Base.Short, baseRel.Name, strings.Join(slices.Clone(c.Rules), ", ")))
		}
		g.reqs = append(g.reqs, req)
	}
	applyReviews(p.Key, g.reqs)
	return g, nil
}
