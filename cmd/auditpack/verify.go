package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/auditpack/auditpack/apply"
	"github.com/auditpack/auditpack/compile"
	"github.com/auditpack/auditpack/internal/host"
	"github.com/auditpack/auditpack/internal/report"
	"github.com/auditpack/auditpack/internal/text"
	"github.com/auditpack/auditpack/packs/model"
	"github.com/auditpack/auditpack/profiles"
	"github.com/auditpack/auditpack/profiles/verify"
)

func verifyCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "verify",
		Usage: "check, control by control, that a rule set records what a profile asks for",
		UsageText: `auditpack verify --profile P (--rules FILE [--host] | --kernel [--live]) [--packs DIR]... [--format ` + formatChoice(report.VerifyFormats) + `]
                 [--host-name NAME] [--host-fqdn NAME] [--host-ip IP]... [--host-mac MAC]...
auditpack verify --boot [--format text|json]

A control passes when the target's rules match every event it asks for,
by meaning (not text): rules split by arch or syscall, fields in another
order, -k or -F key=, watches or -F path= all count, and an earlier never
rule that takes the events first fails it. Where a pack states the
standard's own requirement (the STIG's check texts), the control is judged
by it, not by the pack's rules, which may record more.
--kernel reads the running kernel's rules (read-only, root) and this
host's facts: the kernel command line and the modes of the audit files.
A rules file alone cannot show those: they are NOT CHECKED, unless --host
says the file is this host's.
--live (with --kernel) proves each control with a harmless real call per
requirement line and the kernel's own record of it: PROVEN, FAIL (with what
the rules show: shadowed, excluded) or NOT PROVEN (with why); it changes no
rule or setting and acts only in a private scratch directory; auditpack
explain --live lists every call.

--boot compares what this host's boot-time loader (augenrules from
auditd.service or audit-rules.service, or auditctl -R) loads at the next
boot with the kernel now, without a profile: exit 3 when the files on disk
and the running rules differ (drift); a locked kernel (enabled 2) whose
files changed is "reboot pending", exit 0.

--format cklb and ckl write STIG Viewer 3 and 2 checklists, hdf MITRE's
Heimdall Data Format, xccdf XCCDF 1.2 results (as oscap writes them): one
STIG (benchmark) per pack that states requirements, each requirement with
DISA's Vuln ID, Rule ID, severity, CCIs and texts, the evidence lines or
the lines to add. The host is read with --kernel and --host; for a rules
file alone, --host-name and the like name it. auditpack report merges
many hosts' --format json results.

Exit codes: 0 every control passes (--boot: no drift), 1 some fail (or the
kernel or the boot files could not be read), 2 usage or input errors, 3
--boot found drift.

Examples:
   auditpack verify --profile stig-rhel9 --rules /etc/audit/audit.rules
   auditpack verify --profile stig --kernel   # the STIG of this host's product
   auditpack verify --profile pci-dss --kernel --format json`,
		Flags: []cli.Flag{
			profileFlag(), packRootsFlag(),
			&cli.StringFlag{Name: "rules", Usage: "the rules `FILE` (or rules.d) to check"},
			&cli.BoolFlag{Name: "kernel", Usage: "check the running kernel's rules and this host's facts"}, liveFlag,
			&cli.BoolFlag{Name: "host", Usage: "with --rules: the file is this host's; check its kernel command line and file modes too"},
			&cli.BoolFlag{Name: "boot", Usage: "compare what the next boot loads with the running kernel (no profile)"},
			&cli.StringFlag{Name: "target", Usage: "with --rules: the machine (`ARCH`: x86_64, aarch64, ppc64le, s390x) the file is for; default this one"},
			&cli.StringFlag{Name: "format", Value: "text", Usage: "output `FORMAT`: " + report.FormatNames(report.VerifyFormats)},
			&cli.StringFlag{Name: "host-name", Usage: "the `NAME` of the host the target is, for the checklists (default: this host's, with --kernel or --host)"},
			&cli.StringSliceFlag{Name: "host-ip", Usage: "an `IP` address of that host (repeatable)"},
			&cli.StringSliceFlag{Name: "host-mac", Usage: "a `MAC` address of that host (repeatable)"},
			&cli.StringFlag{Name: "host-fqdn", Usage: "the fully qualified domain `NAME` of that host"},
		},
		Before: argsAtMost(0),
		Action: func(c *cli.Context) error {
			format := c.String("format")
			if c.Bool("boot") {
				return verifyBoot(c, e)
			}
			if report.VerifyFormats[format] == nil {
				return inputError(fmt.Errorf("--format %q: use one of %s", format, report.FormatNames(report.VerifyFormats)))
			}
			result, err := runVerify(c, e)
			if err != nil {
				return err // run writes the --format's document of it
			}
			if werr := report.VerifyFormats[format](c.App.Writer, result); werr != nil {
				return failedError(werr)
			}
			switch {
			case result.Failed() > 0:
				return failedError(fmt.Errorf("%s failing", text.Count(result.Failed(), "control")))
			}
			return nil
		},
	}
}

// runVerify checks the profile's controls against the rules file or the
// kernel.
func runVerify(c *cli.Context, e *env) (*verify.Report, error) {
	switch {
	case c.String("profile") == "":
		return nil, inputError(errors.New("verify needs --profile"))
	case (c.String("rules") == "") == !c.Bool("kernel"):
		return nil, inputError(errors.New("verify needs exactly one of --rules FILE and --kernel"))
	case c.Bool("host") && c.Bool("kernel"):
		return nil, inputError(errors.New("--host goes with --rules FILE; --kernel checks this host's facts already"))
	case c.Bool("live") && !c.Bool("kernel"):
		return nil, inputError(errors.New("--live goes with --kernel: it proves the running kernel's rules with events"))
	}
	onThisHost := c.Bool("host") || c.Bool("kernel")
	root := ""
	if onThisHost {
		root = e.hostRoot
	}
	p, err := profiles.LoadFor(c.String("profile"), root)
	if err != nil {
		return nil, inputError(err)
	}
	sel, err := selectSources(c, e, nil, onThisHost)
	if err != nil {
		return nil, err
	}
	required := compile.Build(sel)
	controls, err := verify.Controls(required, p.Controls)
	if err != nil {
		return nil, inputError(err)
	}
	if len(controls) == 0 {
		return nil, inputError(fmt.Errorf("profile %s has no controls: its packs state no requirements (requirements.toml) and tag no rule with \"## controls:\", so there is nothing to verify; tag the rules, or use lint and apply --dry-run for this rule set", p.Name))
	}
	machine := model.Native()
	if name := c.String("target"); name != "" {
		if c.Bool("kernel") {
			return nil, inputError(errors.New("--target goes with --rules FILE; --kernel checks this machine"))
		}
		if machine, err = model.LookupTarget(name); err != nil {
			return nil, inputError(err)
		}
	}
	var target *verify.Target
	opts := verify.VerifyOptions{Machine: machine, Keys: p.VerifyKeys, Only: p.Controls}
	if p.UsrMerged() {
		opts.Host = verify.UsrMerged{} // a rules file of the product, not of this host (--host replaces it)
	}
	if path := c.String("rules"); path != "" {
		var onHost model.Host
		if c.Bool("host") {
			onHost, opts.Host = host.Local{}, host.Local{}
		}
		if target, err = verify.FileTarget(path, machine, onHost); err != nil {
			return nil, inputError(err)
		}
		if c.Bool("host") {
			if err := target.OnHost(); err != nil {
				return nil, failedError(err)
			}
		}
	} else if target, err = kernelTarget(e); err != nil {
		return nil, err
	} else {
		opts.Host = host.Local{}
	}
	if onThisHost {
		target.HostRoot = e.hostRoot // auditd.conf and the audit files are read under it
	}
	rep, err := verify.Verify(p.Name, required, target, opts)
	if err != nil {
		return nil, inputError(err)
	}
	rep.Generated, rep.Tool = e.now().Format(time.RFC3339), "auditpack "+e.version
	rep.Asset = targetAsset(c, e, onThisHost)
	if c.Bool("kernel") {
		rep.Host = host.Local{}.Describe()
		if loader, err := apply.DetectLoader(e.hostRoot); err == nil {
			rep.Boot = loader.String()
		} else {
			rep.Boot = err.Error()
		}
	}
	if c.Bool("live") {
		if err := proveLive(c, e, rep, controls, target, p.VerifyKeys); err != nil {
			return nil, err
		}
	}
	return rep, nil
}

// kernelTarget reads the running kernel's rules and settings.
func kernelTarget(e *env) (*verify.Target, error) {
	k, err := e.openKernel()
	if err != nil {
		return nil, failedError(err)
	}
	defer k.Close()
	t, err := apply.VerifyTarget(k, model.Native())
	if err != nil {
		return nil, failedError(err)
	}
	// A requirement that the boot files load the running rules (CIS) is
	// judged as verify --boot judges them.
	t.Boot = &verify.BootComparison{}
	if state, err := apply.CheckBoot(k, e.hostRoot, model.Native()); err != nil {
		t.Boot.Err = err.Error()
	} else {
		t.Boot.Loader, t.Boot.Same, t.Boot.RebootPending = state.Loader.String(), !state.Result.Changed(), state.RebootPending
	}
	return t, nil
}

// verifyBoot answers verify --boot: the next boot against the kernel now.
func verifyBoot(c *cli.Context, e *env) error {
	format := c.String("format")
	switch {
	case format != "text" && format != "json":
		return inputError(fmt.Errorf("--format %q: verify --boot writes text or json", format))
	case c.String("profile") != "" || c.String("rules") != "" || c.Bool("kernel") || c.Bool("host"):
		return inputError(errors.New("--boot compares the host's boot files with its kernel; it takes no --profile, --rules, --kernel or --host"))
	}
	state, err := bootState(e)
	if err != nil {
		return failedError(err) // run writes the --format's document of it
	}
	b := &report.Boot{Loader: state.Loader.String(), Kernel: state.Result.Report(), Status: report.BootSame}
	switch {
	case state.RebootPending:
		b.Status = report.BootRebootPending
	case state.Drift():
		b.Status = report.BootDrift
	}
	write := report.WriteBootText
	if format == "json" {
		write = report.WriteBootJSON
	}
	if werr := write(c.App.Writer, b); werr != nil {
		return failedError(werr)
	}
	switch {
	case b.Status == report.BootDrift:
		return &exitError{code: exitChanges, err: errors.New("the next boot loads something else than the kernel holds")}
	}
	return nil
}

func bootState(e *env) (*apply.BootState, error) {
	k, err := e.openKernel()
	if err != nil {
		return nil, err
	}
	defer k.Close()
	return apply.CheckBoot(k, e.hostRoot, model.Native())
}

// targetAsset is the host the target is: this host's identity where the
// target is this host (--kernel, --host), with what --host-name and the
// like say over it.
func targetAsset(c *cli.Context, e *env, onThisHost bool) report.Asset {
	var a report.Asset
	if onThisHost {
		id := host.Identify(e.hostRoot)
		a = report.Asset{HostName: id.HostName, FQDN: id.FQDN, IPs: id.IPs, MACs: id.MACs, OS: id.OS}
	}
	if v := c.String("host-name"); v != "" {
		a.HostName = v
	}
	if v := c.String("host-fqdn"); v != "" {
		a.FQDN = v
	}
	if v := c.StringSlice("host-ip"); len(v) > 0 {
		a.IPs = v
	}
	if v := c.StringSlice("host-mac"); len(v) > 0 {
		a.MACs = v
	}
	return a
}
