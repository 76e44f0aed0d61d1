package apply

import (
	"fmt"

	"github.com/auditpack/auditpack/compile"
	"github.com/auditpack/auditpack/internal/text"
	"github.com/auditpack/auditpack/lint"
)

// Preflight reads a compiled rule set as the loader and the kernel would
// and keeps only what decides a load: the lines they would refuse (errors,
// first) and the lines only this host's older auditctl refuses (warnings:
// apply loads them, the next boot's augenrules --load does not). The error
// is a *RefusedError when any line would be refused; nothing may change
// then.
func Preflight(c *compile.Compiled, h lint.Host) (*lint.Result, error) {
	res, err := lint.Run(c, lint.Options{Host: h})
	if err != nil {
		return nil, err
	}
	var refused, bootOnly []lint.Diagnostic
	for _, d := range res.Diagnostics {
		switch check, _ := lint.Lookup(d.Check); {
		case check == nil:
		case check.FailsLoad:
			refused = append(refused, d)
		case check.FailsBoot:
			d.Severity = lint.Warning
			bootOnly = append(bootOnly, d)
		}
	}
	res.Diagnostics = append(refused, bootOnly...)
	if len(refused) > 0 {
		return res, &RefusedError{Lines: len(refused)}
	}
	return res, nil
}

// RefusedError says the kernel or auditctl would refuse lines of the rule
// set; the preflight's findings name them.
type RefusedError struct{ Lines int }

func (e *RefusedError) Error() string {
	return fmt.Sprintf("the kernel would refuse %s; nothing was changed", text.Count(e.Lines, "line"))
}
