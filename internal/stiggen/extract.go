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

// extract reads a manual or control file the user fetched and writes its
// data file for the product's release; it returns the data file's path
// from the root and what it kept.
func extract(root, key, release, file string) (string, string, error) {
	p := productByKey(key)
	if p == nil {
		return "", "", fmt.Errorf("no product %q: the products are %s", key, strings.Join(productKeys(), ", "))
	}
	raw, err := os.ReadFile(file)
	if err != nil {
		return "", "", err
	}
	var name, kept string
	var data []byte
	switch ext := filepath.Ext(file); ext {
	case ".xml":
		m, err := extractManual(p, release, filepath.Base(file), raw)
		if err != nil {
			return "", "", err
		}
		m.SHA256 = sha256Hex(raw)
		name, data = manualDataName(key, release), encodeManual(m)
		kept = fmt.Sprintf("%d groups that state audit content", len(m.Rules))
	case ".yml", ".yaml":
		c, err := extractControls(p, release, filepath.Base(file), raw)
		if err != nil {
			return "", "", err
		}
		c.SHA256 = sha256Hex(raw)
		name, data = controlsDataName(key, release), encodeControls(c)
		kept = fmt.Sprintf("%d controls", len(c.Controls))
	default:
		return "", "", fmt.Errorf("%s: %q is neither a DISA XCCDF manual (.xml) nor a ComplianceAsCode control file (.yml)", file, ext)
	}
	path := filepath.Join(dataDir, name)
	if err := os.MkdirAll(filepath.Join(root, dataDir), 0o755); err != nil {
		return "", "", err
	}
	if err := atomicfile.WriteFile(filepath.Join(root, path), data, 0o644); err != nil {
		return "", "", err
	}
	return path, kept, nil
}

// extractManual reads a DISA manual and keeps the Groups the generator
// can use: those whose check text states audit content (auditContent).
// A later change of that rule that selects more Groups needs the manuals
// extracted again; PROVENANCE says where each is.
func extractManual(p *product, release, name string, raw []byte) (*manual, error) {
	if p.Derived != nil {
		return nil, fmt.Errorf("%s: %s is built from its ComplianceAsCode control file, not from a manual", name, p.Key)
	}
	m, err := readManual(bytes.NewReader(raw), name)
	if err != nil {
		return nil, err
	}
	if !strings.HasPrefix(m.Title, p.Name+" ") {
		return nil, fmt.Errorf("%s: the manual is the %q, not %s's", name, m.Title, p.Name)
	}
	if got := releaseName(m); got != release {
		return nil, fmt.Errorf("%s: the manual is %s (version %q, %q), not %s", name, got, m.Version, m.ReleaseInfo, release)
	}
	m.Product, m.Release = p.Key, release
	all := m.Rules
	m.Rules = nil
	for _, r := range all {
		if r.Vuln == "" || r.RuleID == "" || r.StigID == "" {
			return nil, fmt.Errorf("%s: a Group (%q) without its id, Rule id or STIG ID (the Rule's version)", name, r.Vuln+r.StigID)
		}
		if !auditContent(r.Check).empty() {
			m.Rules = append(m.Rules, r)
		}
	}
	if len(m.Rules) == 0 {
		return nil, fmt.Errorf("%s: no Group's check text states audit content", name)
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
func extractControls(p *product, release, name string, raw []byte) (*controls, error) {
	if !readsControls(p) {
		return nil, fmt.Errorf("%s: stiggen reads no control file of %s (only of a product built from one and of the product it takes content from)", name, p.Key)
	}
	var y yamlControls
	if err := yaml.Unmarshal(raw, &y); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if !strings.HasPrefix(y.Policy, p.Name+" ") {
		return nil, fmt.Errorf("%s: the control file is the %q, not %s's", name, y.Policy, p.Name)
	}
	if y.Version != release {
		return nil, fmt.Errorf("%s: the control file is %q, not %s", name, y.Version, release)
	}
	c := &controls{Product: p.Key, Release: release, File: name, Policy: y.Policy}
	for _, yc := range y.Controls {
		if yc.ID == "" {
			return nil, fmt.Errorf("%s: a control without id (titled %q)", name, yc.Title)
		}
		ctl := &control{ID: yc.ID, Title: yc.Title, Rules: yc.Rules}
		if len(yc.Levels) > 0 {
			ctl.Severity = yc.Levels[0]
		}
		c.Controls = append(c.Controls, ctl)
	}
	if len(c.Controls) == 0 {
		return nil, fmt.Errorf("%s: no controls", name)
	}
	return c, nil
}

func sha256Hex(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}
