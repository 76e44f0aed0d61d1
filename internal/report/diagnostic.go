// Package report writes what auditpack found for people and machines:
// one diagnostic type for lint, verify's control results and apply's
// changes, and every output format (text, json, sarif, github, gitlab,
// checkstyle, junit, html; for verify also the formats an assessor files: STIG Viewer
// checklists, Heimdall, XCCDF results; and the fleet report over many
// hosts' results), with one escaping per format. It imports no check, verify or apply code:
// those hand it their results.
package report

import (
	"encoding/hex"
	"fmt"

	"github.com/auditpack/auditpack/packs/model"
)

// Severity ranks a finding. The zero value is invalid, so every check must
// choose one.
type Severity uint8

// Severities, lowest first.
const (
	_ Severity = iota
	Info
	Warning
	Error
)

func (s Severity) String() string {
	switch s {
	case Info:
		return "info"
	case Warning:
		return "warning"
	case Error:
		return "error"
	}
	return fmt.Sprintf("severity(%d)", uint8(s))
}

// ParseSeverity reads "error", "warning" or "info".
func ParseSeverity(s string) (Severity, error) {
	switch s {
	case "error":
		return Error, nil
	case "warning":
		return Warning, nil
	case "info":
		return Info, nil
	}
	return 0, fmt.Errorf("severity %q is not error, warning or info", s)
}

// Diagnostic is one finding. It has no JSON tags: each output format owns
// its wire struct.
type Diagnostic struct {
	Check    string // stable ID from the catalogue, e.g. "ORD-NEVER-SHADOWS-ALWAYS"
	Severity Severity
	Origin   model.Origin // file, line and pack of the offending line
	Message  string       // what is wrong and how to fix it
	Related  []model.Origin
	// Context is the offending line with the rule lines around it in its
	// file, for the formats that show them (HTML); empty otherwise.
	Context []ContextLine
	// Fingerprint names the finding across runs however its line moves
	// (lint's Options.Fingerprints), for baselines and GitLab's report;
	// zero unless asked for.
	Fingerprint Fingerprint
}

// Fingerprint is a finding's name across runs: 128 bits of a hash of
// what stays when its line moves. An array, not a string: a large lint
// has 200,000 findings, and strings would be as many objects to collect.
type Fingerprint [16]byte

// String is the fingerprint in hexadecimal, as the formats write it.
func (f Fingerprint) String() string { return hex.EncodeToString(f[:]) }

// ParseFingerprint reads a fingerprint's hexadecimal form.
func ParseFingerprint(s string) (Fingerprint, error) {
	var f Fingerprint
	if n, err := hex.Decode(f[:], []byte(s)); err != nil || n != len(f) || len(s) != 2*len(f) {
		return Fingerprint{}, fmt.Errorf("fingerprint %q is not %d hexadecimal digits", s, 2*len(f))
	}
	return f, nil
}

// ContextLine is a line of a rules file shown with a finding.
type ContextLine struct {
	Line int
	Text string
	Here bool // the finding's own line
}

// Check describes a lint check for the formats that list the checks (SARIF
// rules, JUnit cases).
type Check struct {
	ID, Title, Doc string
	Severity       Severity
}

// Findings is what a lint run found.
type Findings struct {
	Diagnostics []Diagnostic // sorted by file, line, check
	Checks      []Check      // every check that ran
	Files       int
	Rules       int
	// Generated is when the findings were made (RFC 3339), for the HTML
	// report; empty otherwise.
	Generated string
	// Error is why the run could not check the rules (a usage or input
	// error), for the formats that must say so in band (JSON).
	Error string
	// Settings are what a team's configuration and baseline changed in
	// the run; nil when it had neither.
	Settings *Settings
}

// Settings say what shaped a lint run besides its checks' defaults, for
// the formats that report it (JSON).
type Settings struct {
	Config   string   // the configuration file read; empty for none
	Disabled []string // the checks that did not run, sorted
	// Ignored are the findings the configuration's [[lint.ignore]]
	// tables hid; nil when it has none.
	Ignored *int
	// Baseline is the baseline file applied, Baselined the findings it
	// hid and Fixed its entries no finding matched; nil without one.
	Baseline         string
	Baselined, Fixed *int
}

// Count returns how many diagnostics are at or above a severity.
func (f *Findings) Count(atLeast Severity) int {
	n := 0
	for _, d := range f.Diagnostics {
		if d.Severity >= atLeast {
			n++
		}
	}
	return n
}
