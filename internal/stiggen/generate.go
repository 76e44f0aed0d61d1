package main

import (
	"fmt"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// generated is one release of one product: its manual's data and requirements,
// and the files written from them.
type generated struct {
	product *product
	release release
	manual  *manual
	reqs    []*requirement
	// from says where the content comes from when it is not the
	// product's own manual (Ubuntu 24.04).
	from string
}

func (g *generated) packName() string { return "stig-" + g.product.Key }

// version is DISA's V and R as MAJOR.MINOR, our revision as PATCH.
func (g *generated) version() string {
	v, r, _ := strings.Cut(strings.TrimPrefix(g.release.Name, "V"), "R")
	return v + "." + r + "." + strconv.Itoa(g.release.Patch)
}

func (g *generated) standard() string {
	return "DISA " + g.product.Name + " STIG " + g.release.Name
}

// packDir is the pack's directory for the release, from the repository's
// root.
func (g *generated) packDir() string {
	return filepath.Join("packs", g.packName(), g.release.Name)
}

// fixFileName is where the rules of DISA's fix texts are kept for
// verify's tests.
func (g *generated) fixFileName() string {
	return filepath.Join("profiles", "verify", "testdata", "targets", "disa-"+g.product.Key+"-"+strings.ToLower(g.release.Name)+"-fix.rules")
}

// generateRelease reads a release's data file and selects its audit
// requirements.
func generateRelease(root string, p *product, rel release) (*generated, error) {
	m, err := readManualData(root, p.Key, rel.Name)
	if err != nil {
		return nil, err
	}
	if got := releaseName(m); got != rel.Name {
		return nil, fmt.Errorf("%s is %s, not %s (%q)", filepath.Join(dataDir, manualDataName(p.Key, rel.Name)), got, rel.Name, m.ReleaseInfo)
	}
	g := &generated{product: p, release: rel, manual: m}
	for _, r := range m.Rules {
		req, err := buildRequirement(r)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", m.File, err)
		}
		if req != nil {
			g.reqs = append(g.reqs, req)
		}
	}
	applyReviews(p.Key, g.reqs)
	return g, nil
}

// releaseName is the manual's own release: V (its version) and R (the
// release-info's number).
func releaseName(m *manual) string {
	r := strings.TrimPrefix(m.ReleaseInfo, "Release: ")
	r, _, _ = strings.Cut(r, " ")
	return "V" + m.Version + "R" + r
}

// outputs are every file stiggen writes, by path from the repository's
// root, in a fixed order.
func outputs(root string) (map[string][]byte, error) {
	out := map[string][]byte{}
	for _, p := range products {
		for _, rel := range p.Releases {
			generate := generateRelease
			if p.Derived != nil {
				generate = generateDerived
			}
			g, err := generate(root, p, rel)
			if err != nil {
				return nil, err
			}
			out[filepath.Join(g.packDir(), "pack.toml")] = writePackToml(g)
			out[filepath.Join(g.packDir(), "requirements.toml")] = writeRequirements(g)
			if out[filepath.Join(g.packDir(), "30-"+g.packName()+".rules")], err = writeRules(g); err != nil {
				return nil, err
			}
			out[g.fixFileName()] = writeFixFile(g)
		}
	}
	return out, nil
}

// sortedPaths lists the outputs' paths in order.
func sortedPaths(out map[string][]byte) []string {
	paths := make([]string, 0, len(out))
	for p := range out {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	return paths
}
