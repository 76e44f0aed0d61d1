package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/auditpack/auditpack/packs"
)

// The data files of data/: what stiggen extract kept of each manual and
// control file, in a TOML layout of our own, one record a line or text, so
// that a new release is reviewed as a diff. The generator reads only these.

// dataDir holds the data files, from the repository's root.
var dataDir = filepath.Join("internal", "stiggen", "data")

// manualDataName is the data file of a product's release from its DISA
// manual; controlsDataName that of a ComplianceAsCode control file.
func manualDataName(key, release string) string   { return key + "-" + release + ".toml" }
func controlsDataName(key, release string) string { return key + "-" + release + "-controls.toml" }

// controls is what stiggen keeps of a ComplianceAsCode control file of a
// STIG: every control with its ID, title, first level (DISA's severity)
// and the ComplianceAsCode rules that implement it.
type controls struct {
	Product  string     `toml:"product"`
	Release  string     `toml:"release"`
	File     string     `toml:"file"`   // the control file's name: stig_ubuntu2404.yml
	SHA256   string     `toml:"sha256"` // of the control file as fetched
	Policy   string     `toml:"policy"`
	Controls []*control `toml:"control"`
}

type control struct {
	ID       string   `toml:"id"`
	Title    string   `toml:"title"`
	Severity string   `toml:"severity"`
	Rules    []string `toml:"rules"`
}

// dataTable starts a data file: the comment that says what it holds,
// then what it was extracted from.
func dataTable(b *strings.Builder, holds string, d dataFile) tomlTable {
	b.WriteString(comment("#", holds+" Written by go run ./internal/stiggen extract from the file named below, "+
		"fetched from where PROVENANCE in this directory says; extract it again rather than edit it."))
	t := tomlTable{b: b}
	product, release, file, sum := d.source()
	t.str("product", product)
	t.str("release", release)
	t.str("file", file)
	t.str("sha256", sum)
	return t
}

// encodeManual writes a manual's data file.
func encodeManual(m *manual) []byte {
	var b strings.Builder
	t := dataTable(&b, "The Groups of DISA's XCCDF manual whose check text states audit content, with what stiggen "+
		"reads of each. DISA's texts are a US Government public release.", m)
	t.str("id", m.ID)
	t.str("title", m.Title)
	t.str("version", m.Version)
	t.str("release_info", m.ReleaseInfo)
	t.flush()
	for _, r := range m.Rules {
		b.WriteString("\n[[group]]\n")
		t.ruleIDs(r)
		t.ruleTexts(r)
		t.flush()
	}
	return withDigest(b.String())
}

// encodeControls writes a control file's data file.
func encodeControls(c *controls) []byte {
	var b strings.Builder
	t := dataTable(&b, "The controls of ComplianceAsCode's control file of a STIG, with what stiggen reads of each: "+
		"ComplianceAsCode's data, BSD-3-Clause (its notice is in the repository's NOTICE); the STIG IDs and titles are DISA's.", c)
	t.str("policy", c.Policy)
	t.flush()
	for _, ctl := range c.Controls {
		b.WriteString("\n[[control]]\n")
		t.str("id", ctl.ID)
		t.str("title", ctl.Title)
		t.str("severity", ctl.Severity)
		t.list("rules", ctl.Rules)
		t.flush()
	}
	return withDigest(b.String())
}

// digestPrefix starts a data file's last line, the sha256 of the lines
// above it: extract writes it and every read checks it, so that a data
// file edited by hand is refused rather than generated from.
const digestPrefix = "# sha256 of the lines above, written by stiggen extract: "

func withDigest(body string) []byte {
	return []byte(body + "\n" + digestPrefix + sha256Hex([]byte(body)) + "\n")
}

// checkDigest checks a data file's last line against the lines above it.
func checkDigest(path string, data []byte) error {
	text := string(data)
	i := strings.LastIndex(strings.TrimSuffix(text, "\n"), "\n")
	body, last := text[:max(i, 0)], text[i+1:]
	if i < 0 || last != digestPrefix+sha256Hex([]byte(body))+"\n" {
		return fmt.Errorf("%s:%d: the file was changed after stiggen extract wrote it (its last line is not the sha256 of the lines above): "+
			"extract it again from the file PROVENANCE names; a reading of DISA's text the generator should differ on is a review or correction in stiggen",
			path, strings.Count(text[:max(i, 0)], "\n")+2)
	}
	return nil
}

// dataFile is a manual's or a control file's data.
type dataFile interface {
	source() (key, release, file, sum string)
	dataName() string
	records() int
	encode() []byte
}

func (m *manual) source() (string, string, string, string) {
	return m.Product, m.Release, m.File, m.SHA256
}
func (m *manual) dataName() string { return manualDataName(m.Product, m.Release) }
func (m *manual) records() int     { return len(m.Rules) }
func (m *manual) encode() []byte   { return encodeManual(m) }

func (c *controls) source() (string, string, string, string) {
	return c.Product, c.Release, c.File, c.SHA256
}
func (c *controls) dataName() string { return controlsDataName(c.Product, c.Release) }
func (c *controls) records() int     { return len(c.Controls) }
func (c *controls) encode() []byte   { return encodeControls(c) }

// readManualData reads a release's data file from its DISA manual.
func readManualData(root, key, release string) (*manual, error) {
	m := &manual{}
	if err := readData(root, manualDataName(key, release), key, release, m); err != nil {
		return nil, err
	}
	return m, nil
}

// readControlsData reads a release's data file from its control file.
func readControlsData(root, key, release string) (*controls, error) {
	c := &controls{}
	if err := readData(root, controlsDataName(key, release), key, release, c); err != nil {
		return nil, err
	}
	return c, nil
}

// readData decodes a data file, refusing one changed by hand, keys
// stiggen does not read, and one that is not the product's release.
func readData(root, name, key, release string, v dataFile) error {
	path := filepath.Join(dataDir, name)
	data, err := os.ReadFile(filepath.Join(root, path))
	if err != nil {
		return fmt.Errorf("%w (write it with go run ./internal/stiggen extract)", err)
	}
	if err := checkDigest(path, data); err != nil {
		return err
	}
	if err := packs.DecodeTOML(data, path, v, "a data file has the keys stiggen extract writes"); err != nil {
		return err
	}
	gotKey, gotRelease, file, sum := v.source()
	switch {
	case gotKey != key || gotRelease != release:
		return fmt.Errorf("%s: says product %q release %q, its name %s %s: extract it again", path, gotKey, gotRelease, key, release)
	case file == "" || len(sum) != 64:
		return fmt.Errorf("%s: no file name or sha256 of the file it was extracted from: extract it again", path)
	case v.records() == 0:
		return fmt.Errorf("%s: no record: extract it again", path)
	}
	return nil
}
