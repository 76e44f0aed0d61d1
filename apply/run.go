package apply

import (
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/auditpack/auditpack/compile"
	"github.com/auditpack/auditpack/lint"
	"github.com/auditpack/auditpack/packs/model"
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
	boot, warnings, err := planBoot(&opts, target)
	if err != nil {
		return res, err
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
	applied.Preflight, applied.Boot, applied.Warnings = checked, boot, warnings
	return applied, err
}

// planBoot finds the host's boot-time loader and, for --persist auto,
// lays out and checks what to write for it. It returns what to say about
// the boot; a host whose loader cannot be told is an error only for
// --persist auto.
func planBoot(opts *Options, t *model.Target) (boot string, warnings []string, err error) {
	root := opts.Root
	if root == "" {
		root = "/"
	}
	loader, err := DetectLoader(root)
	if err != nil {
		if opts.Persist == PersistAuto {
			return "", nil, err
		}
		return err.Error(), nil, nil
	}
	switch {
	case opts.Persist == PersistAuto:
		plan, err := PlanBoot(loader, opts.Rendered, t, time.Now())
		if err != nil {
			return "", nil, err
		}
		opts.boot = plan
		return plan.Describe(), nil, nil
	case opts.Persist != "" && loader.Augenrules != "" && filepath.Clean(opts.Persist) == loader.RulesFile:
		warnings = append(warnings, fmt.Sprintf("--persist %s: %s regenerates this file from %s at boot, so the next boot loads rules.d, not what is applied; use --persist auto", opts.Persist, loader.Augenrules, loader.RulesDir))
	}
	return loader.String(), warnings, nil
}
