// Package report writes what auditpack found for people and machines:
// one diagnostic type for lint, verify's control results and apply's
// changes, and every output format (text, json, sarif, github, junit,
// html; for verify also the formats an assessor files: STIG Viewer
// checklists, Heimdall, XCCDF results; and the fleet report over many
// hosts' results), with one escaping per format. It imports no check, verify or apply code:
// those hand it their results.
package report

import (
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
