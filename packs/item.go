package packs

import "github.com/auditpack/auditpack/packs/model"

// The line types are the model's: packs reads files into them.
type (
	// Origin is where an item was written.
	Origin = model.Origin
	// Option is a control option of auditctl.
	Option = model.Option
	// Directive is a parsed control line.
	Directive = model.Directive
	// Item is one meaningful line of a rules file: a control directive or a rule.
	Item = model.Line
)

// The control options a rules file may carry.
const (
	OptDeleteAll         = model.OptDeleteAll
	OptBacklogLimit      = model.OptBacklogLimit
	OptFailure           = model.OptFailure
	OptEnabled           = model.OptEnabled
	OptRateLimit         = model.OptRateLimit
	OptBacklogWaitTime   = model.OptBacklogWaitTime
	OptLoginuidImmutable = model.OptLoginuidImmutable
	OptContinueOnError   = model.OptContinueOnError
	OptIgnoreErrors      = model.OptIgnoreErrors
)
