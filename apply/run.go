package apply

import (
	"os"
	"os/signal"
	"syscall"

	"github.com/auditpack/auditpack/compile"
	"github.com/auditpack/auditpack/lint"
)

// Run applies a compiled rule set to the kernel opened by open, for the
// machine c was built for first (c.Targets[0]): the preflight, whose
// findings are in Result.Preflight even when it refuses (a *RefusedError);
// the kernel form; then Apply. The kernel is opened only once the rule set
// is known to load, so a refused set is reported without root. While the
// kernel changes, SIGINT, SIGTERM and SIGHUP stop the apply between two
// kernel operations and restore the previous rules, settings and
// persisted file (an *InterruptedError): the kernel ends exactly old or
// exactly new.
func Run(open func() (Kernel, error), c *compile.Compiled, h lint.Host, opts Options) (*Result, error) {
	res := &Result{}
	checked, err := Preflight(c, h)
	res.Preflight = checked
	if err != nil {
		return res, err
	}
	if err := c.Renderable(); err != nil {
		return res, err
	}
	target := c.Targets[0]
	d, err := Prepare(c, target)
	if err != nil {
		return res, err
	}
	k, err := open()
	if err != nil {
		return res, err
	}
	defer k.Close()
	if opts.Persist != "" {
		opts.Rendered = c.Render(opts.Generator)
	}
	if !opts.DryRun && opts.Interrupt == nil {
		// From here on a signal must not kill the process half way: Apply
		// stops before its next kernel operation and restores.
		sig := make(chan os.Signal, 1)
		signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
		defer signal.Stop(sig)
		opts.Interrupt = sig
	}
	applied, err := Apply(k, d, target, opts)
	applied.Preflight = checked
	return applied, err
}
