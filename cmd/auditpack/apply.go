package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/auditpack/auditpack/apply"
	"github.com/auditpack/auditpack/compile"
	"github.com/auditpack/auditpack/internal/heaplimit"
	"github.com/auditpack/auditpack/internal/host"
	"github.com/auditpack/auditpack/internal/report"
	"github.com/auditpack/auditpack/lint"
	"github.com/auditpack/auditpack/packs"
	"github.com/auditpack/auditpack/packs/model"
	"github.com/auditpack/auditpack/profiles"
)

func applyCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "apply",
		Usage: "load a rule set into the running kernel: only the difference, all or nothing",
		UsageText: `auditpack apply [--profile P] [--packs DIR]... [--dry-run] [--persist auto|FILE] [--format text|json] [--owned-keys PREFIX] [PATH...]

Reads the kernel's rules and settings, shows the difference (kernel left,
compiled right), and unless --dry-run changes only what differs: new rules
are added before old ones are deleted, and any failure restores the previous
rules and settings. Lines the kernel would refuse (a missing directory, a
duplicate, an unknown syscall) stop it before anything changes. -e 2 is set
last. Needs root.

--persist auto writes where this host's boot-time loader reads, so that
the next boot loads what is applied: for augenrules (auditd.service or
audit 4's audit-rules.service), /etc/audit/rules.d/auditpack.rules, with
the other rules.d files that would change the result moved to a backup
directory (auditpack restore DIR puts them back), checked first by running
the host's own augenrules on the new layout in a private mount namespace.

Exit codes: 0 done (or, with --dry-run, no difference), 1 refused or failed,
2 usage or input errors, 3 --dry-run found differences.

Examples:
   auditpack apply --profile stig --dry-run   # the STIG of this host's product
   auditpack apply --profile pci-dss --persist auto
   auditpack apply --dry-run --format json /etc/audit/rules.d`,
		Flags: []cli.Flag{
			profileFlag(), packRootsFlag(),
			&cli.BoolFlag{Name: "dry-run", Usage: "show the difference, change nothing"},
			&cli.StringFlag{Name: "persist", Usage: "also write the compiled rules for the next boot: `auto` where this host's loader reads them, or FILE (atomically, mode 0600, the old one kept as FILE.prev)"},
			&cli.StringFlag{Name: "format", Value: "text", Usage: "output `FORMAT`: text or json"},
			&cli.StringFlag{Name: "progress", Value: "auto", Usage: "show kernel operations done and time left on standard error: `WHEN` auto (on a terminal, not with --format json), always or never"},
			&cli.StringFlag{Name: "owned-keys", Usage: "change only kernel rules with a key starting with `PREFIX`; other agents' rules stay untouched"},
		},
		Action: func(c *cli.Context) error {
			format := c.String("format")
			if format != "text" && format != "json" {
				return inputError(fmt.Errorf("--format %q: use text or json", format))
			}
			res, err := runApply(c, e)
			switch {
			case format == "json" && res != nil: // what it refused, with why (run writes the rest)
				rep := res.Report()
				if err != nil {
					rep.Error = err.Error()
				}
				if werr := report.WriteApplyJSON(c.App.Writer, rep); werr != nil {
					return failedError(werr)
				}
			case format == "text" && res != nil && res.Plan != nil:
				if werr := report.WriteApplyText(c.App.Writer, res.Report(), isTerminal(c.App.Writer)); werr != nil {
					return failedError(werr)
				}
			}
			switch {
			case err != nil:
				return err
			case c.Bool("dry-run") && res.Changed():
				return &exitError{code: exitChanges, err: errors.New("the kernel differs from the compiled rule set")}
			}
			return nil
		},
	}
}

// runApply selects, checks and applies; the preflight's findings go to
// standard error for people, the result to the caller for the report.
func runApply(c *cli.Context, e *env) (*apply.Result, error) {
	sel, err := selectSources(c, e, c.Args().Slice(), true)
	if err != nil {
		return nil, err
	}
	if persist := c.String("persist"); persist != apply.PersistAuto {
		if err := checkOutput(sel, "--persist", persist); err != nil {
			return nil, err
		}
	}
	opts := apply.Options{DryRun: c.Bool("dry-run"), Persist: c.String("persist"), Generator: e.version, OwnedKeys: c.String("owned-keys"),
		Root: e.hostRoot, LockPath: filepath.Join(e.hostRoot, apply.DefaultLockPath)}
	switch when := c.String("progress"); {
	case when == "always" || when == "auto" && c.String("format") != "json" && isTerminal(c.App.ErrWriter):
		line := newProgressLine(c.App.ErrWriter)
		defer line.end()
		opts.Progress = line.update
	case when != "auto" && when != "never":
		return nil, inputError(fmt.Errorf("--progress %q: use auto, always or never", when))
	}
	res, err := apply.Run(e.openKernel, compile.Build(sel, model.Native()), host.Local{}, opts)
	if res.Preflight != nil && len(res.Preflight.Diagnostics) > 0 {
		if werr := report.WriteText(c.App.ErrWriter, &res.Preflight.Findings, e.version); werr != nil {
			return res, failedError(werr)
		}
	}
	if res.Unfinished != "" {
		fmt.Fprintf(c.App.ErrWriter, "auditpack: warning: %s\n", res.Unfinished)
	}
	for _, w := range res.Warnings {
		fmt.Fprintf(c.App.ErrWriter, "auditpack: warning: %s\n", w)
	}
	if err != nil {
		return res, failedError(err)
	}
	return res, nil
}

// checkOutput refuses, before anything is written, an output that is a
// directory or one of the inputs, or a rules file inside one: it would
// overwrite a source, or be read back by the next run.
func checkOutput(sel *packs.Selection, flag, path string) error {
	if path == "" {
		return nil
	}
	if info, err := os.Stat(path); err == nil && info.IsDir() {
		return inputError(fmt.Errorf("%s %s is a directory; give the path of a file, e.g. %s", flag, path, filepath.Join(path, "audit.rules")))
	}
	if in, ok := sel.Reads(path); ok {
		return inputError(fmt.Errorf("%s %s would overwrite or be read with %s, an input of this run: write the compiled rules outside the inputs", flag, path, in))
	}
	return nil
}

// selectSources resolves --profile, --packs and the paths; a profile is
// checked whole (its [severity] IDs too) by every command that reads it.
func selectSources(c *cli.Context, e *env, paths []string, onHost bool) (*packs.Selection, error) {
	req := profiles.Request{Profile: c.String("profile"), PackRoots: c.StringSlice("packs"), Paths: paths, Stdin: e.stdin}
	if onHost {
		req.HostRoot = e.hostRoot
		var err error
		if req.HostFacts, req.HostFactsOrigin, err = (host.Local{}).Facts(); err != nil {
			return nil, inputError(err)
		}
		req.HostListFact = host.Local{}.ListFact
	}
	// The heap's limit is set before the files are read (reading a large
	// set is most of the collecting), and raised to fit their lines once
	// they are read.
	heaplimit.Fit(packs.RulesSize(paths), 0)
	sel, err := profiles.Select(req)
	switch {
	case errors.Is(err, profiles.ErrRootsWithoutProfile):
		return nil, inputError(errors.New("--packs adds pack roots for a --profile to choose from, and no --profile is given: name a profile, or give the pack directory itself as a PATH"))
	case errors.Is(err, profiles.ErrNothingSelected):
		return nil, inputError(fmt.Errorf("no --profile or PATH given%s", strings.TrimPrefix(err.Error(), profiles.ErrNothingSelected.Error())))
	case err != nil:
		return nil, inputError(err)
	}
	size, lines := 0, 0
	for _, f := range sel.Files {
		size, lines = size+f.Size, lines+f.Lines
	}
	heaplimit.Fit(size, lines)
	if _, err := lint.SeverityOverrides(sel.Profile, sel.Severity); err != nil {
		return nil, inputError(err)
	}
	return sel, nil
}

func restoreCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "restore",
		Usage: "put back the rules.d files apply --persist auto moved aside",
		UsageText: `auditpack restore BACKUP_DIR

Moves the files apply --persist auto moved out of rules.d (into the backup
directory its output names) back, removes rules.d/auditpack.rules and lets
augenrules regenerate audit.rules. The kernel is not touched: load the
restored set with auditpack apply /etc/audit/rules.d, or at the next boot.

Example:
   auditpack restore /etc/audit/auditpack-backup/20261201T170000Z`,
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return inputError(errors.New("restore takes the backup directory apply --persist auto named"))
			}
			loader, err := apply.DetectLoader(e.hostRoot)
			if err != nil {
				return failedError(err)
			}
			if loader.Augenrules == "" {
				return inputError(fmt.Errorf("this host loads %s with auditctl -R; apply --persist auto moved no files here", loader.RulesFile))
			}
			restored, err := apply.RestoreBoot(loader, c.Args().First())
			if len(restored) > 0 {
				fmt.Fprintf(c.App.Writer, "restored to %s: %s\n", loader.RulesDir, strings.Join(restored, " "))
			}
			if err != nil {
				return failedError(err)
			}
			_, err = fmt.Fprintf(c.App.Writer, "removed %s; %s regenerated %s\n", filepath.Join(loader.RulesDir, apply.OwnedRulesFile), loader.Augenrules, loader.RulesFile)
			return err
		},
	}
}
