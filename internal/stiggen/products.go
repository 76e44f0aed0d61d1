package main

// product is one operating system DISA publishes a STIG for, and the
// releases of it the repository keeps.
type product struct {
	Key   string // rhel9: the product key of profiles and os-release
	Name  string // "Red Hat Enterprise Linux 9": DISA's name of it
	Short string // "RHEL 9"
	// Releases are DISA's releases the repository keeps, oldest first;
	// each is a version of the pack stig-KEY, generated from its data file
	// (data/KEY-RELEASE.toml).
	Releases []release
	// Derived builds a product whose manual is not public from another
	// product's (derive.go); its releases' data files are then those of
	// its control files (data/KEY-RELEASE-controls.toml).
	Derived *derivation
}

// release is one DISA release of a product's STIG.
type release struct {
	Name  string // V2R9, as the manual's version and release-info say
	Patch int    // our revision of the pack for this release
}

// products are every STIG with audit requirements; products.md in the
// shared references says where each comes from.
var products = []*product{
	{Key: "rhel9", Name: "Red Hat Enterprise Linux 9", Short: "RHEL 9", Releases: []release{
		{"V2R5", 0},
		{"V2R6", 0},
		{"V2R7", 0},
		{"V2R8", 0},
		{"V2R9", 0},
	}},
	{Key: "rhel8", Name: "Red Hat Enterprise Linux 8", Short: "RHEL 8", Releases: []release{
		{"V2R8", 0},
	}},
	{Key: "rhel10", Name: "Red Hat Enterprise Linux 10", Short: "RHEL 10", Releases: []release{
		{"V1R2", 0},
	}},
	ubuntu2204,
	{Key: "sles15", Name: "SUSE Linux Enterprise Server 15", Short: "SLES 15", Releases: []release{
		{"V2R7", 0},
	}},
	ubuntu2404,
}

var ubuntu2204 = &product{Key: "ubuntu2204", Name: "Canonical Ubuntu 22.04 LTS", Short: "Ubuntu 22.04", Releases: []release{
	{"V2R8", 0},
}}

var ubuntu2404 = &product{Key: "ubuntu2404", Name: "Canonical Ubuntu 24.04 LTS", Short: "Ubuntu 24.04",
	Releases: []release{{"V1R5", 0}},
	Derived:  &derivation{Base: ubuntu2204},
}

func productByKey(key string) *product {
	for _, p := range products {
		if p.Key == key {
			return p
		}
	}
	return nil
}

func productKeys() []string {
	keys := make([]string, len(products))
	for i, p := range products {
		keys[i] = p.Key
	}
	return keys
}

// readsControls: the generator reads the control files of a derived
// product and of its base.
func readsControls(p *product) bool {
	for _, q := range products {
		if q.Derived != nil && (q == p || q.Derived.Base == p) {
			return true
		}
	}
	return false
}

// dataFiles are the names of every data file the generator reads.
func dataFiles() []string {
	var names []string
	for _, p := range products {
		for _, rel := range p.Releases {
			if p.Derived == nil {
				names = append(names, manualDataName(p.Key, rel.Name))
				continue
			}
			base := p.Derived.Base
			names = append(names, controlsDataName(p.Key, rel.Name), controlsDataName(base.Key, base.latest().Name))
		}
	}
	return names
}

// latest is the newest release the repository keeps.
func (p *product) latest() release { return p.Releases[len(p.Releases)-1] }
