// Command cisgen writes the CIS packs (packs/cis-PRODUCT/vVERSION) and
// their profiles (profiles/cis-PRODUCT.toml) from ComplianceAsCode data
// kept in cac/cac.json: each product's CIS control file's audit-rule
// section and the rules it names, with their templates and variables.
//
// The rule lines are rendered here, per product, the way CaC's audit
// templates and remediations render them (audit_rules_watch,
// audit_rules_dac_modification, ...), with the first login UID written
// ${UID_MIN} and the setuid/setgid programs ${SETUID_PROGRAMS}, host facts
// that compile --host and apply find on the host. CIS's own text (titles,
// descriptions, audit and remediation prose) is CC BY-NC-SA and is not
// used: the titles are ours. cac.json holds what was read from a CaC
// checkout (the control files' audit sections, the rules' templates and
// variables) and names the commit and every file's sha256; CaC's notice
// (BSD-3-Clause) is in the repository's NOTICE.
//
//	go run ./internal/cisgen          # rewrite the packs and profiles
//
// TestGenerated regenerates every file and requires byte equality.
package main
