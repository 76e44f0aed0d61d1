package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/auditpack/auditpack/internal/atomicfile"
)

// extractors read a fetched file by its extension: a DISA XCCDF manual
// or a ComplianceAsCode control file; records names what is kept.
var extractors = map[string]struct {
	read    func(p *product, release, path string, raw []byte) (dataFile, error)
	records string
}{
	".xml":  {extractManual, "groups that state audit content"},
	".yml":  {extractControls, "controls"},
	".yaml": {extractControls, "controls"},
}

// extract reads a manual or control file the user fetched and writes its
// data file for the product's release; it returns the data file's path
// from the root and what it kept.
func extract(root, key, release, file string) (string, string, error) {
	p := productByKey(key)
	if p == nil {
		return "", "", fmt.Errorf("no product %q: the products are %s", key, strings.Join(productKeys(), ", "))
	}
	x, ok := extractors[filepath.Ext(file)]
	if !ok {
		return "", "", fmt.Errorf("%s: %q is neither a DISA XCCDF manual (.xml) nor a ComplianceAsCode control file (.yml)", file, filepath.Ext(file))
	}
	raw, err := os.ReadFile(file)
	if err != nil {
		return "", "", err
	}
	d, err := x.read(p, release, file, raw)
	if err != nil {
		return "", "", err
	}
	path := filepath.Join(dataDir, d.dataName())
	if err := os.MkdirAll(filepath.Join(root, dataDir), 0o755); err != nil {
		return "", "", err
	}
	if err := atomicfile.WriteFile(filepath.Join(root, path), d.encode(), 0o644); err != nil {
		return "", "", err
	}
	return path, fmt.Sprintf("%d %s", d.records(), x.records), nil
}

// extractManual reads a DISA manual and keeps the Groups the generator
// can use: those whose check text states audit content (auditContent).
// A later change of that rule that selects more Groups needs the manuals
// extracted again; PROVENANCE says where each is.
func extractManual(p *product, release, path string, raw []byte) (dataFile, error) {
	if p.Derived != nil {
		return nil, fmt.Errorf("%s: %s is built from its ComplianceAsCode control file, not from a manual", path, p.Key)
	}
	m, err := readManual(bytes.NewReader(raw), path)
	if err != nil {
		return nil, err
	}
	m.File = filepath.Base(path)
	if !strings.HasPrefix(m.Title, p.Name+" ") {
		return nil, fmt.Errorf("%s: the manual is the %q, not %s's", path, m.Title, p.Name)
	}
	if got := releaseName(m); got != release {
		return nil, fmt.Errorf("%s: the manual is %s (version %q, %q), not %s", path, got, m.Version, m.ReleaseInfo, release)
	}
	m.Product, m.Release, m.SHA256 = p.Key, release, sha256Hex(raw)
	all := m.Rules
	m.Rules = nil
	for _, r := range all {
		if r.Vuln == "" || r.RuleID == "" || r.StigID == "" {
			return nil, fmt.Errorf("%s: Group %q (Rule %q, STIG ID %q) lacks an ID: not a DISA manual as stiggen reads them", path, r.Vuln, r.RuleID, r.StigID)
		}
		if !auditContent(r.Check).empty() {
			m.Rules = append(m.Rules, r)
		}
	}
	if len(m.Rules) == 0 {
		return nil, fmt.Errorf("%s: no Group's check text states audit content", path)
	}
	return m, nil
}

// yamlControls is what stiggen reads of a ComplianceAsCode control file.
type yamlControls struct {
	Policy   string `yaml:"policy"`
	Version  string `yaml:"version"`
	Controls []struct {
		ID     string   `yaml:"id"`
		Title  string   `yaml:"title"`
		Levels []string `yaml:"levels"`
		Rules  []string `yaml:"rules"`
	} `yaml:"controls"`
}

// extractControls reads a ComplianceAsCode control file of a derived
// product or of its base, and keeps every control: which ones a derived
// product uses depends on its base's manual, so a data file that kept
// only those would go stale when the base's changes.
func extractControls(p *product, release, path string, raw []byte) (dataFile, error) {
	if !readsControls(p) {
		return nil, fmt.Errorf("%s: stiggen reads no control file of %s (only of a product built from one and of the product it takes content from)", path, p.Key)
	}
	var y yamlControls
	if err := yaml.Unmarshal(raw, &y); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if !strings.HasPrefix(y.Policy, p.Name+" ") {
		return nil, fmt.Errorf("%s: the control file is the %q, not %s's", path, y.Policy, p.Name)
	}
	if y.Version != release {
		return nil, fmt.Errorf("%s: the control file is %q, not %s", path, y.Version, release)
	}
	c := &controls{Product: p.Key, Release: release, File: filepath.Base(path), SHA256: sha256Hex(raw), Policy: y.Policy}
	for _, yc := range y.Controls {
		if yc.ID == "" {
			return nil, fmt.Errorf("%s: a control without id (titled %q)", path, yc.Title)
		}
		ctl := &control{ID: yc.ID, Title: yc.Title, Rules: yc.Rules}
		if len(yc.Levels) > 0 {
			ctl.Severity = yc.Levels[0]
		}
		c.Controls = append(c.Controls, ctl)
	}
	if len(c.Controls) == 0 {
		return nil, fmt.Errorf("%s: no controls", path)
	}
	return c, nil
}

func sha256Hex(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}
