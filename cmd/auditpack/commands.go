package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/auditpack/auditpack/compile"
	"github.com/auditpack/auditpack/internal/atomicfile"
	"github.com/auditpack/auditpack/internal/host"
	"github.com/auditpack/auditpack/internal/report"
	"github.com/auditpack/auditpack/internal/text"
	"github.com/auditpack/auditpack/internal/udiff"
	"github.com/auditpack/auditpack/lint"
	"github.com/auditpack/auditpack/packs"
	"github.com/auditpack/auditpack/packs/model"
	"github.com/auditpack/auditpack/profiles"
	"github.com/auditpack/auditpack/profiles/verify"
)

var packRootsFlag = &cli.StringSliceFlag{
	Name:  "packs",
	Usage: "also read packs from `DIR` (a directory of packs, or one pack); repeatable",
}

func packsCommand() *cli.Command {
	return &cli.Command{
		Name:         "packs",
		Usage:        "list and inspect rule packs",
		OnUsageError: usageError,
		Subcommands: []*cli.Command{
			{
				Name:         "list",
				Usage:        "list the embedded packs and those under --packs",
				UsageText:    "auditpack packs list [--packs DIR]...",
				Flags:        []cli.Flag{packRootsFlag},
				OnUsageError: usageError,
				Action: func(c *cli.Context) error {
					catalog, err := packs.NewCatalog(c.StringSlice("packs")...)
					if err != nil {
						return inputError(err)
					}
					return writePackList(c.App.Writer, catalog.Packs())
				},
			},
			{
				Name:  "show",
				Usage: "show a pack: its standard, files, rules and controls",
				UsageText: `auditpack packs show NAME[@CONSTRAINT] [--packs DIR]...

Examples:
   auditpack packs show stig
   auditpack packs show base-config@^1`,
				Flags:        []cli.Flag{packRootsFlag},
				OnUsageError: usageError,
				Action: func(c *cli.Context) error {
					if c.NArg() != 1 {
						return inputError(fmt.Errorf("packs show takes one pack name, e.g. auditpack packs show stig"))
					}
					catalog, err := packs.NewCatalog(c.StringSlice("packs")...)
					if err != nil {
						return inputError(err)
					}
					p, err := catalog.Find(c.Args().First())
					if err != nil {
						return inputError(err)
					}
					files, err := p.Open(nil)
					if err != nil {
						return inputError(err)
					}
					return writePackDetails(c.App.Writer, p, files, catalog.Packs())
				},
			},
			{
				Name:  "diff",
				Usage: "show what changed between two versions of a pack: rules and the controls they implement",
				UsageText: `auditpack packs diff NAME@VERSION NAME@VERSION [--packs DIR]...

Exit codes: 0 the same rules and controls, 1 they differ (as diff and
fmt --check), 2 usage or input errors.

Examples:
   auditpack packs diff site@1.2.0 site@2.0.0 --packs ./v1 --packs ./v2`,
				Flags:        []cli.Flag{packRootsFlag},
				OnUsageError: usageError,
				Action: func(c *cli.Context) error {
					if c.NArg() != 2 {
						return inputError(fmt.Errorf("packs diff takes two packs, e.g. auditpack packs diff stig@2.0.0 stig@2.1.0"))
					}
					catalog, err := packs.NewCatalog(c.StringSlice("packs")...)
					if err != nil {
						return inputError(err)
					}
					var listings [2]string
					var ids [2]string
					for i, ref := range c.Args().Slice() {
						p, err := catalog.Find(ref)
						if err != nil {
							return inputError(err)
						}
						files, err := p.Open(nil)
						if err != nil {
							return inputError(err)
						}
						listings[i], ids[i] = packListing(files), p.ID()
					}
					diff := udiff.Unified(ids[0], ids[1], listings[0], listings[1], func(_, s string) string { return s })
					if diff == "" {
						_, err = fmt.Fprintf(c.App.Writer, "%s and %s have the same rules and controls\n", ids[0], ids[1])
						return err
					}
					if _, err := io.WriteString(c.App.Writer, diff); err != nil {
						return failedError(err)
					}
					return &exitError{code: exitFailed, err: fmt.Errorf("%s and %s differ", ids[0], ids[1])}
				},
			},
		},
	}
}

func profilesCommand() *cli.Command {
	return &cli.Command{
		Name:         "profiles",
		Usage:        "list and inspect compliance profiles",
		OnUsageError: usageError,
		Subcommands: []*cli.Command{
			{
				Name:         "list",
				Usage:        "list the embedded profiles",
				UsageText:    "auditpack profiles list",
				OnUsageError: usageError,
				Action: func(c *cli.Context) error {
					list, err := profiles.List()
					if err != nil {
						return failedError(err)
					}
					return writeProfileList(c.App.Writer, list)
				},
			},
			{
				Name:  "show",
				Usage: "show a profile: the packs it resolves to, arches and settings",
				UsageText: `auditpack profiles show NAME|FILE.toml [--packs DIR]... [--controls]

Examples:
   auditpack profiles show stig
   auditpack profiles show stig --controls
   auditpack profiles show ./site.toml --packs ./packs`,
				Flags:        []cli.Flag{packRootsFlag, &cli.BoolFlag{Name: "controls", Usage: "list every control with the rules that implement it"}},
				OnUsageError: usageError,
				Action: func(c *cli.Context) error {
					if c.NArg() != 1 {
						return inputError(fmt.Errorf("profiles show takes one profile name, e.g. auditpack profiles show stig"))
					}
					p, err := profiles.Load(c.Args().First())
					if err != nil {
						return inputError(err)
					}
					if _, err := lint.SeverityOverrides(p.Name, p.Severity); err != nil {
						return inputError(err)
					}
					if c.Bool("controls") {
						sel, err := profiles.Select(profiles.Request{Profile: c.Args().First(), PackRoots: c.StringSlice("packs")})
						if err != nil {
							return inputError(err)
						}
						controls, err := verify.Controls(compile.Build(sel), p.Controls)
						if err != nil {
							return inputError(err)
						}
						return writeControls(c.App.Writer, controls)
					}
					catalog, err := packs.NewCatalog(c.StringSlice("packs")...)
					if err != nil {
						return inputError(err)
					}
					return writeProfileDetails(c.App.Writer, p, catalog)
				},
			},
		},
	}
}

var profileFlag = &cli.StringFlag{Name: "profile", Usage: "compliance profile `NAME` (auditpack profiles list) or a profile FILE.toml"}

func lintCommand() *cli.Command {
	return &cli.Command{
		Name:  "lint",
		Usage: "check a merged rule set the way the kernel will evaluate it",
		UsageText: `auditpack lint [--profile P] [--packs DIR]... [--format F] [--fail-on S] [--target ARCH,...] [--host] [PATH...]

Exit codes: 0 no finding at or above --fail-on, 1 findings at or above it,
2 usage or input errors (including lines auditctl cannot read at all).

Examples:
   auditpack lint --profile stig
   auditpack lint --format sarif ./rules.d > auditpack.sarif
   auditpack lint --target x86_64,aarch64 --fail-on warning ./rules.d
   auditpack explain ORD-NEVER-SHADOWS-ALWAYS`,
		Flags: []cli.Flag{
			profileFlag, packRootsFlag,
			&cli.StringFlag{Name: "format", Value: "text", Usage: "output `FORMAT`: " + report.FormatNames(report.Formats)},
			&cli.StringFlag{Name: "fail-on", Value: "error", Usage: "exit 1 on findings of this `SEVERITY` or higher: error, warning, info"},
			&cli.StringFlag{Name: "target", Usage: "check syscalls for these machines, `ARCH,...` (x86_64, aarch64, ppc64le, s390x); default x86_64"},
			&cli.BoolFlag{Name: "host", Usage: "also run the checks that read this host (paths that must exist, UID_MIN) and resolve the packs' host facts from it"},
			&cli.BoolFlag{Name: "each-dir", Usage: "check the directory of each PATH as a rule set of its own, as its host will load it (for hooks that pass the changed files of several rules.d)"},
		},
		OnUsageError: usageError,
		Action: func(c *cli.Context) error {
			res, failOn, err := runLint(c)
			if err != nil && c.String("format") != "json" {
				return err
			}
			if err != nil { // the JSON contract: one object on every outcome
				res = &lint.Result{}
				res.Error = err.Error()
			}
			res.Generated = now().Format(time.RFC3339)
			if werr := report.Formats[c.String("format")](c.App.Writer, &res.Findings, version); werr != nil {
				return failedError(werr)
			}
			switch {
			case err != nil:
				return err
			case res.InputErrors:
				return &exitError{code: exitInput, err: fmt.Errorf("some inputs are not rules files or cannot be merged (see the SYN-NOT-TEXT and PACK-FILE-CONFLICT findings)")}
			case res.Count(failOn) > 0:
				return &exitError{code: exitFailed, err: fmt.Errorf("%s at or above %s", text.Count(res.Count(failOn), "finding"), failOn)}
			}
			return nil
		},
	}
}

// runLint checks the rule sets the command names: one, or with --each-dir
// one per directory.
func runLint(c *cli.Context) (*lint.Result, lint.Severity, error) {
	opts, targets, failOn, err := lintOptions(c)
	if err != nil {
		return nil, 0, inputError(err)
	}
	sets := [][]string{c.Args().Slice()}
	if c.Bool("each-dir") {
		if sets = ruleSets(c.Args().Slice()); len(sets) == 0 {
			return nil, 0, inputError(errors.New("--each-dir lints the directories of the PATHs given; give at least one"))
		}
	}
	res := &lint.Result{}
	for _, paths := range sets {
		sel, err := selectSources(c, paths, c.Bool("host"))
		if err != nil {
			return nil, 0, err
		}
		one, err := lint.Run(compile.Build(sel, targets...), opts)
		if err != nil {
			return nil, 0, failedError(err)
		}
		res.Add(one)
	}
	return res, failOn, nil
}

// ruleSets groups paths into the rule sets hosts load: each directory
// given, and the directory of each file given, once.
func ruleSets(paths []string) [][]string {
	var sets [][]string
	seen := map[string]bool{}
	for _, p := range paths {
		dir := p // a path that cannot be read stays as given, for its error
		if info, err := os.Stat(p); err == nil && !info.IsDir() {
			dir = filepath.Dir(p)
		}
		if dir = filepath.Clean(dir); !seen[dir] {
			seen[dir] = true
			sets = append(sets, []string{dir})
		}
	}
	return sets
}

func lintOptions(c *cli.Context) (opts lint.Options, targets []*model.Target, failOn lint.Severity, err error) {
	if failOn, err = lint.ParseSeverity(c.String("fail-on")); err != nil {
		return opts, nil, 0, fmt.Errorf("--fail-on: %w", err)
	}
	if _, ok := report.Formats[c.String("format")]; !ok {
		return opts, nil, 0, fmt.Errorf("--format %q: use one of %s", c.String("format"), report.FormatNames(report.Formats))
	}
	if t := c.String("target"); t != "" {
		for _, name := range strings.Split(t, ",") {
			target, err := model.LookupTarget(strings.TrimSpace(name))
			if err != nil {
				return opts, nil, 0, fmt.Errorf("--target: %w", err)
			}
			targets = append(targets, target)
		}
	}
	if c.Bool("host") {
		opts.Host = host.Local{}
	}
	opts.Context = c.String("format") == "html"
	return opts, targets, failOn, nil
}

func explainCommand() *cli.Command {
	return &cli.Command{
		Name:      "explain",
		Usage:     "explain a lint check: why it matters, a bad and a good example",
		UsageText: "auditpack explain CHECK-ID | --list [PREFIX] | --live\n\nCheck IDs are read in any case; --list ORD lists the checks whose ID starts with ORD.",
		Flags: []cli.Flag{&cli.BoolFlag{Name: "list", Usage: "list every check (or those whose ID starts with PREFIX) with its severity and title"},
			&cli.BoolFlag{Name: "live", Usage: "say what verify --live does and list every call it makes"}},
		OnUsageError: usageError,
		Action: func(c *cli.Context) error {
			if c.Bool("live") {
				return explainLive(c)
			}
			if c.Bool("list") {
				if c.NArg() > 1 {
					return inputError(fmt.Errorf("explain --list takes at most one ID prefix, e.g. auditpack explain --list ORD"))
				}
				prefix := strings.ToUpper(c.Args().First())
				listed := 0
				for _, ch := range lint.Checks() {
					if strings.HasPrefix(ch.ID, prefix) {
						fmt.Fprintf(c.App.Writer, "%-32s %-8s %s\n", ch.ID, ch.Severity, ch.Title)
						listed++
					}
				}
				if listed == 0 {
					return inputError(fmt.Errorf("no check ID starts with %q; auditpack explain --list lists them all", prefix))
				}
				return nil
			}
			if c.NArg() != 1 {
				return inputError(fmt.Errorf("explain takes one check ID, e.g. auditpack explain ORD-KEY-SHADOW (or --list)"))
			}
			ch, err := lint.Lookup(strings.ToUpper(c.Args().First()))
			if err != nil {
				return inputError(err)
			}
			_, err = fmt.Fprint(c.App.Writer, ch.Explain())
			return err
		},
	}
}

func compileCommand() *cli.Command {
	return &cli.Command{
		Name:  "compile",
		Usage: "merge packs and rule files into one audit.rules",
		UsageText: `auditpack compile [--profile P] [--packs DIR]... [-o FILE] [--force] [--host] [--target ARCH] [PATH...]

PATH is a .rules file, a rules.d directory or a pack directory. Files are
merged in the order augenrules uses (GNU version sort of the file names); the
last -D, -b and -f move to the top and the last -e to the end. With neither
PATH nor --profile, /etc/audit/rules.d is compiled. A rule set with error
findings of lint's per-line, directive and settings checks (a line auditctl
or the kernel would refuse, a misplaced -D or -e 2, conflicting settings) is
refused (exit 1) unless --force; comparing rule with rule (a never rule that
swallows a later one) is lint's, in time linear in the rules here.

Examples:
   auditpack compile --profile stig
   auditpack compile --profile pci-dss ./rules.d -o /etc/audit/audit.rules
   auditpack compile /etc/audit/rules.d`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "profile", Usage: "compliance profile `NAME` (auditpack profiles list) or a profile FILE.toml"},
			packRootsFlag,
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write to `FILE` atomically (mode 0600) instead of standard output"},
			&cli.BoolFlag{Name: "force", Usage: "compile even when lint finds errors"},
			&cli.BoolFlag{Name: "host", Usage: "resolve the packs' host facts (UID_MIN) from this host's /etc/login.defs"},
			&cli.StringFlag{Name: "target", Value: "x86_64", Usage: "the machine (`ARCH`: x86_64, aarch64, ppc64le, s390x) the set is for; pack rules leave out the syscalls its ABIs lack"},
		},
		OnUsageError: usageError,
		Action: func(c *cli.Context) error {
			sel, err := selectSources(c, c.Args().Slice(), c.Bool("host"))
			if err != nil {
				return err
			}
			if err := checkOutput(sel, "-o", c.String("output")); err != nil {
				return err
			}
			target, err := model.LookupTarget(c.String("target"))
			if err != nil {
				return inputError(fmt.Errorf("--target: %w", err))
			}
			res := compile.Build(sel, target)
			refuse := func() error { return nil }
			if !c.Bool("force") {
				refuse = func() error { return refusal(c.App.ErrWriter, res) }
			}
			unrenderable := res.Renderable()
			if path := c.String("output"); path != "" && unrenderable == nil {
				if err := writeWhileChecking(path, res, refuse); err != nil {
					return err
				}
				fmt.Fprintf(c.App.ErrWriter, "wrote %s: %s\n", path, res.Summary())
				return nil
			}
			// Refusal first: its findings list every line auditctl cannot read.
			if err := refuse(); err != nil {
				return err
			}
			if unrenderable != nil {
				return inputError(fmt.Errorf("even with --force, this rule set is not compiled: files that are no rules text or clash by name cannot be merged, and lines auditctl cannot read would stop it at load (augenrules would copy them):\n%w", unrenderable))
			}
			return res.WriteRules(c.App.Writer, version)
		},
	}
}

// writeWhileChecking writes res to path atomically while check runs, and
// replaces path only if check passes: a large set's writing and syncing
// then cost no time of their own. check's error comes first.
func writeWhileChecking(path string, res *compile.Compiled, check func() error) error {
	verdict := make(chan error, 1)
	go func() { verdict <- check() }()
	checked := sync.OnceValue(func() error { return <-verdict })
	written := atomicfile.WriteIf(path, compile.RulesFileMode, func(w io.Writer) error { return res.WriteRules(w, version) }, checked)
	if err := checked(); err != nil {
		return err
	}
	if written != nil {
		return failedError(written)
	}
	return nil
}

// refusal runs what decides whether compile refuses a set (lint's
// per-line, directive and settings checks): a line auditctl cannot read
// is an error finding like any other, and every one is listed on w. The
// analysis of rule against rule is lint's.
func refusal(w io.Writer, res *compile.Compiled) error {
	findings, err := lint.Run(res, lint.Options{Refusal: true})
	if err != nil {
		return failedError(err)
	}
	n := findings.Count(lint.Error)
	if n == 0 {
		return nil
	}
	code := exitFailed
	if findings.InputErrors {
		code = exitInput
	}
	findings.Diagnostics = slices.DeleteFunc(findings.Diagnostics, func(d lint.Diagnostic) bool { return d.Severity < lint.Error })
	if err := report.WriteText(w, &findings.Findings, version); err != nil {
		return failedError(err)
	}
	return &exitError{code: code, err: fmt.Errorf("refused: %s that stop the load or misplace its directives; fix them, or compile anyway with --force (auditpack lint also compares rule with rule)", text.Count(n, "error"))}
}
