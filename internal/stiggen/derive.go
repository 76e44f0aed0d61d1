package main

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// A product whose manual is not public in ComplianceAsCode (Ubuntu 24.04)
// is built from what is: ComplianceAsCode's control file of its STIG
// (IDs, titles, severities and the ComplianceAsCode rules each maps to),
// and the requirement of another product's manual that the same rules
// implement (Ubuntu 22.04's), whose check text's content it takes. Every
// such requirement says so in its note; the pack's CHANGELOG too.

// derivation names the files a derived product is built from.
type derivation struct {
	Controls     string   // its ComplianceAsCode control file (under manuals/, gzipped)
	Base         *product // the product whose manual gives the content
	BaseControls string   // the base's control file
}

// controlFile is what stiggen reads of a ComplianceAsCode control file.
type controlFile struct {
	Policy   string `yaml:"policy"`
	Version  string `yaml:"version"`
	Controls []struct {
		ID     string   `yaml:"id"`
		Title  string   `yaml:"title"`
		Levels []string `yaml:"levels"`
		Rules  []string `yaml:"rules"`
	} `yaml:"controls"`
}

func readControls(root, name string) (*controlFile, error) {
	data, err := readGzipped(root, name)
	if err != nil {
		return nil, err
	}
	var c controlFile
	if err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&c); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return &c, nil
}

// generateDerived builds a derived product's release.
func generateDerived(root string, p *product, rel release) (*generated, error) {
	d := p.Derived
	own, err := readControls(root, d.Controls)
	if err != nil {
		return nil, err
	}
	if own.Version != rel.Name {
		return nil, fmt.Errorf("%s is %s, not %s", d.Controls, own.Version, rel.Name)
	}
	baseControls, err := readControls(root, d.BaseControls)
	if err != nil {
		return nil, err
	}
	baseRel := d.Base.Releases[len(d.Base.Releases)-1]
	base, err := generateRelease(root, d.Base, baseRel)
	if err != nil {
		return nil, err
	}
	if baseControls.Version != baseRel.Name {
		return nil, fmt.Errorf("%s is %s, and the %s manual %s", d.BaseControls, baseControls.Version, d.Base.Short, baseRel.Name)
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
		File: d.Controls, Title: own.Policy, Version: major,
		ReleaseInfo: "Release: " + minor + " (ComplianceAsCode controls/" + strings.TrimSuffix(d.Controls, ".gz") + ")",
	}, from: fmt.Sprintf("ComplianceAsCode's controls/%s (IDs, titles and severities of DISA's %s STIG %s, whose manual ComplianceAsCode does not have) "+
		"with the content of the %s STIG %s requirement implemented by the same ComplianceAsCode rules (%s)", d.Controls, p.Short, rel.Name, d.Base.Short, baseRel.Name, baseRel.Manual)}
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
		req := &requirement{manualRule: &manualRule{StigID: c.ID, Title: strings.Join(strings.Fields(c.Title), " ")}}
		if len(c.Levels) > 0 {
			req.Severity = c.Levels[0]
		}
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
