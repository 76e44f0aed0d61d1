// Command stiggen writes the STIG packs from data extracted from DISA's
// XCCDF manuals: for every product and release, the pack's
// requirements.toml (each audit requirement with its IDs, CCIs, texts and
// what verify judges), its pack.toml, its rules file (the requirements'
// lines with a few reviewed changes) and, for verify's tests, the rules of
// DISA's own fix texts. It has two steps, run from the repository's root:
//
//	go run ./internal/stiggen extract -product rhel9 -release V2R9 disa-stig-rhel9-v2r9-xccdf-manual.xml
//	go run ./internal/stiggen
//
// extract reads a manual (or, for Ubuntu 24.04, whose manual is not
// public, a ComplianceAsCode control file, controls/stig_*.yml) that the
// user fetched, and writes our own data file, data/KEY-RELEASE.toml
// (data/KEY-RELEASE-controls.toml for a control file): the benchmark, the
// file's name and sha256, and every field the generator reads of each
// Group whose check text states audit content. The fetched file is not
// kept; data/PROVENANCE says where each came from (repository, path,
// commit, date, sha256) and under which terms. The data file's last line
// is the sha256 of the lines above it: a data file changed by hand is
// refused. Generating (no argument) reads only the data files.
//
// A new DISA release becomes a pack version this way:
//
//  1. fetch the manual (ComplianceAsCode/content keeps them as
//     shared/references/disa-stig-PRODUCT-vVrR-xccdf-manual.xml);
//  2. go run ./internal/stiggen extract -product KEY -release VxRy FILE;
//  3. add the release to the product in products.go and its entry
//     (data, from, commit, sha256, terms) to data/PROVENANCE;
//  4. go run ./internal/stiggen, and review git diff: the data file shows
//     what DISA changed, the pack's files what that changes in the pack
//     (a line auditctl cannot load is an error naming a correction to add
//     in requirement.go; a reading of DISA's text goes in reviews.go);
//  5. write the release's CHANGELOG.md and commit the data file,
//     PROVENANCE and the generated files; never the fetched file.
//
// Tests regenerate every file from the data and require byte equality,
// require every data file to be what extract writes of its records, and
// check PROVENANCE against the data files; a change of content is a change
// here, reviewed, and never an edit of the output or of the data. A change
// of the rule that selects the audit requirements (content.go) that
// selects more Groups needs the manuals fetched and extracted again.
// stiggen is a build tool: nothing of the binary imports it, and
// gopkg.in/yaml.v3, which only extract uses (control files are YAML), is
// not linked into auditpack.
package main
