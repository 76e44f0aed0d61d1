package lint

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/auditpack/auditpack/internal/report"
	"github.com/auditpack/auditpack/packs/model"
)

// Severity and Diagnostic are the report layer's, which writes them.
type (
	Severity   = report.Severity
	Diagnostic = report.Diagnostic
)

// Severities, lowest first.
const (
	Info    = report.Info
	Warning = report.Warning
	Error   = report.Error
)

// ParseSeverity reads "error", "warning" or "info".
func ParseSeverity(s string) (Severity, error) { return report.ParseSeverity(s) }

// Check is one lint check.
type Check struct {
	ID string // e.g. "ORD-NEVER-SHADOWS-ALWAYS"
	// Model is the check the model (or the reader, or the load) files its
	// problems under, for a check that reports them: its ID is the
	// model's.
	Model    model.Check
	Title    string   // at most 60 characters
	Doc      string   // a paragraph on why, then a bad and a good example
	Severity Severity // default; a profile may override it
	Host     bool     // reads this host's file system; runs only with --host
	// FailsLoad says a finding means auditctl stops loading at that line
	// (without -c), and the kernel would refuse the rule too: apply refuses
	// the set.
	FailsLoad bool
	// FailsBoot says only this host's auditctl refuses the line (its
	// tables are older than the kernel): apply loads it, but augenrules
	// --load at boot stops there.
	FailsBoot bool
	// Pairwise says the check compares rules with each other (which rule
	// takes another's events first): the full analysis, which lint runs
	// and compile's refusal does not.
	Pairwise bool
	// Requires are the analyses the check reads (the load, the order
	// analysis, what the model refused): made once, before it runs.
	Requires []*Analysis
	Run      func(*Pass)
}

var registry []*Check

// register adds a check; each check's file calls it once. A check of the
// model's problems without a Run reports them (reportModel).
func register(c *Check) *Check {
	if c.Model != (model.Check{}) {
		c.ID = c.Model.String()
	}
	if c.Model != (model.Check{}) && c.Run == nil {
		// Most checks of the model's only report what it found.
		c.Requires, c.Run = fromModel, reportModel
	}
	registry = append(registry, c)
	return c
}

// Checks returns every check, by ID.
func Checks() []*Check {
	out := append([]*Check(nil), registry...)
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Lookup returns the check with this ID.
func Lookup(id string) (*Check, error) {
	for _, c := range registry {
		if c.ID == id {
			return c, nil
		}
	}
	var near []string
	for _, c := range Checks() {
		if strings.HasPrefix(c.ID, strings.SplitN(id, "-", 2)[0]+"-") {
			near = append(near, c.ID)
		}
	}
	if len(near) == 0 {
		return nil, fmt.Errorf("unknown check %q; auditpack explain --list shows them all", id)
	}
	return nil, fmt.Errorf("unknown check %q; checks of that group: %s (auditpack explain --list shows them all)", id, strings.Join(near, ", "))
}

// Explain is the text `auditpack explain ID` prints.
func (c *Check) Explain() string {
	return fmt.Sprintf("%s: %s\nseverity: %s\n\n%s\n", c.ID, c.Title, c.Severity, strings.TrimSpace(c.Doc))
}

// Pass is what a check sees: the analysed rule set, and a way to report.
type Pass struct {
	*RuleSet
	check  *Check
	report func(finding)
}

// finding is a diagnostic as a run keeps it until the end: a large set has
// hundreds of thousands, so it points at its lines instead of holding
// copies (a third of a Diagnostic's size).
type finding struct {
	origin, related *model.Origin // related is nil when no other line is involved
	message         string
	check           *Check
	severity        Severity
}

// diagnostic is the finding as the report layer takes it; related points
// into a slice the caller gives, of length one.
func (f *finding) diagnostic(related []model.Origin) Diagnostic {
	d := Diagnostic{Check: f.check.ID, Severity: f.severity, Origin: *f.origin, Message: f.message}
	if f.related != nil {
		related[0] = *f.related
		d.Related = related[:1:1]
	}
	return d
}

// Reportf reports a finding at o; related is the other line involved, if
// any. Both point at lines that outlive the run (an item's origin).
func (p *Pass) Reportf(o, related *model.Origin, format string, args ...any) {
	p.Report(o, related, fmt.Sprintf(format, args...))
}

// Report is Reportf with the message made: a check that says one thing of
// many lines makes it once.
func (p *Pass) Report(o, related *model.Origin, message string) {
	p.report(finding{origin: o, related: related, message: message, check: p.check, severity: p.check.Severity})
}

// WriteCatalogue writes every check's ID, severity, title and doc as
// Markdown: docs/checks.md is this output, and a test keeps it current.
func WriteCatalogue(w io.Writer) error {
	var b strings.Builder
	b.WriteString("# auditpack lint checks\n\nGenerated from the checks' own docs (`go test ./lint -run TestCatalogueDoc -update`);\n`auditpack explain ID` prints the same text.\n\n| check | severity | title |\n|---|---|---|\n")
	for _, c := range Checks() {
		fmt.Fprintf(&b, "| [%s](#%s) | %s | %s |\n", c.ID, strings.ToLower(c.ID), c.Severity, c.Title)
	}
	for _, c := range Checks() {
		fmt.Fprintf(&b, "\n## %s\n\n%s — severity %s\n\n```\n%s\n```\n", c.ID, c.Title, c.Severity, strings.TrimSpace(c.Doc))
	}
	_, err := io.WriteString(w, b.String())
	return err
}
