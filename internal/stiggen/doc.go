// Command stiggen writes the STIG packs from DISA's XCCDF manuals, kept
// gzipped in manuals/ with their provenance: for every product and
// release, the pack's requirements.toml (each audit requirement with its
// IDs, CCIs, texts and what verify judges), its pack.toml, its rules file
// (the requirements' lines with a few reviewed changes) and, for verify's
// tests, the rules of DISA's own fix texts. Run it from the repository's
// root:
//
//	go run ./internal/stiggen
//
// A test regenerates every file and requires byte equality, so a change
// of content is a change here, reviewed, and never an edit of the output.
// stiggen is a build tool: nothing of the binary imports it.
package main
