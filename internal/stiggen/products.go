package main

// product is one operating system DISA publishes a STIG for, and the
// releases of it the repository keeps.
type product struct {
	Key   string // rhel9: the product key of profiles and os-release
	Name  string // "Red Hat Enterprise Linux 9": DISA's name of it
	Short string // "RHEL 9"
	// Releases are the manuals, oldest first; each is a version of the
	// pack stig-KEY.
	Releases []release
	// Derived builds a product whose manual is not public from another
	// product's (derive.go); Releases then name its control files.
	Derived *derivation
}

// release is one DISA release of a product's STIG.
type release struct {
	Name   string // V2R9, as the manual's version and release-info say
	Manual string // the manual's file name under manuals/ (without .gz)
	Patch  int    // our revision of the pack for this release
}

// products are every STIG with audit requirements; products.md in the
// shared references says where each comes from.
var products = []*product{
	{Key: "rhel9", Name: "Red Hat Enterprise Linux 9", Short: "RHEL 9", Releases: []release{
		{"V2R5", "disa-stig-rhel9-v2r5-xccdf-manual.xml", 0},
		{"V2R6", "disa-stig-rhel9-v2r6-xccdf-manual.xml", 0},
		{"V2R7", "disa-stig-rhel9-v2r7-xccdf-manual.xml", 0},
		{"V2R8", "disa-stig-rhel9-v2r8-xccdf-manual.xml", 0},
		{"V2R9", "disa-stig-rhel9-v2r9-xccdf-manual.xml", 0},
	}},
	{Key: "rhel8", Name: "Red Hat Enterprise Linux 8", Short: "RHEL 8", Releases: []release{
		{"V2R8", "disa-stig-rhel8-v2r8-xccdf-manual.xml", 0},
	}},
	{Key: "rhel10", Name: "Red Hat Enterprise Linux 10", Short: "RHEL 10", Releases: []release{
		{"V1R2", "disa-stig-rhel10-v1r2-xccdf-manual.xml", 0},
	}},
	ubuntu2204,
	{Key: "sles15", Name: "SUSE Linux Enterprise Server 15", Short: "SLES 15", Releases: []release{
		{"V2R7", "disa-stig-sle15-v2r7-xccdf-manual.xml", 0},
	}},
	ubuntu2404,
}

var ubuntu2204 = &product{Key: "ubuntu2204", Name: "Canonical Ubuntu 22.04 LTS", Short: "Ubuntu 22.04", Releases: []release{
	{"V2R8", "disa-stig-ubuntu2204-v2r8-xccdf-manual.xml", 0},
}}

var ubuntu2404 = &product{Key: "ubuntu2404", Name: "Canonical Ubuntu 24.04 LTS", Short: "Ubuntu 24.04",
	Releases: []release{{"V1R5", "stig_ubuntu2404.yml", 0}},
	Derived:  &derivation{Controls: "stig_ubuntu2404.yml", Base: ubuntu2204, BaseControls: "stig_ubuntu2204.yml"},
}
