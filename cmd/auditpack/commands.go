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
	"github.com/auditpack/auditpack/internal/report"
	"github.com/auditpack/auditpack/internal/text"
	"github.com/auditpack/auditpack/internal/udiff"
	"github.com/auditpack/auditpack/lint"
	"github.com/auditpack/auditpack/lint/config"
	"github.com/auditpack/auditpack/packs"
	"github.com/auditpack/auditpack/packs/model"
	"github.com/auditpack/auditpack/profiles"
	"github.com/auditpack/auditpack/profiles/verify"
)

// The flags several commands take are made for each command: urfave/cli
// writes to a flag as it parses, and apps may run at once (the tests').

func packRootsFlag() cli.Flag {
	return &cli.StringSliceFlag{Name: "packs", Usage: "also read packs from `DIR` (a directory of packs, or one pack); repeatable"}
}

func packsCommand() *cli.Command {
	return &cli.Command{
		Name:  "packs",
		Usage: "list and inspect rule packs",
		Subcommands: []*cli.Command{
			{
				Name:      "list",
				Usage:     "list the embedded packs and those under --packs",
				UsageText: "auditpack packs list [--packs DIR]...",
				Flags:     []cli.Flag{packRootsFlag()},
				Before:    argsAtMost(0),
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
   auditpack packs show stig-rhel9
   auditpack packs show base-config@^1`,
				Flags: []cli.Flag{packRootsFlag()},
				Action: func(c *cli.Context) error {
					if c.NArg() != 1 {
						return inputError(fmt.Errorf("packs show takes one pack name, e.g. auditpack packs show stig-rhel9"))
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
					if err := writePackDetails(c.App.Writer, p, files, catalog.Packs()); err != nil {
						return err
					}
					return notRulesText(p, files)
				},
			},
			{
				Name:  "diff",
				Usage: "show what changed between two versions of a pack: its requirements, rules and the controls they implement",
				UsageText: `auditpack packs diff NAME@VERSION NAME@VERSION [--packs DIR]...

Where both state requirements (a STIG's releases), the requirements
added, removed and changed in what verify judges come first.

Exit codes: 0 the same requirements, rules and controls, 1 they differ (as
diff and fmt --check), 2 usage or input errors.

Examples:
   auditpack packs diff stig-rhel9@~2.8 stig-rhel9@~2.9
   auditpack packs diff site@1.2.0 site@2.0.0 --packs ./v1 --packs ./v2`,
				Flags: []cli.Flag{packRootsFlag()},
				Action: func(c *cli.Context) error {
					if c.NArg() != 2 {
						return inputError(fmt.Errorf("packs diff takes two packs, e.g. auditpack packs diff stig-rhel9@~2.8 stig-rhel9@~2.9"))
					}
					catalog, err := packs.NewCatalog(c.StringSlice("packs")...)
					if err != nil {
						return inputError(err)
					}
					var listings [2]string
					var ids [2]string
					var reqs [2]*packs.Requirements
					for i, ref := range c.Args().Slice() {
						p, err := catalog.Find(ref)
						if err != nil {
							return inputError(err)
						}
						files, err := p.Open(nil)
						if err != nil {
							return inputError(err)
						}
						if err := notRulesText(p, files); err != nil {
							return err
						}
						if reqs[i], err = p.Requirements(); err != nil {
							return inputError(err)
						}
						listings[i], ids[i] = packListing(files), p.ID()
					}
					changed, err := writeRequirementChanges(c.App.Writer, reqs[0], reqs[1])
					if err != nil {
						return failedError(err)
					}
					diff := udiff.Unified(ids[0], ids[1], listings[0], listings[1], func(_, s string) string { return s })
					if diff == "" && !changed {
						_, err = fmt.Fprintf(c.App.Writer, "%s and %s have the same requirements, rules and controls\n", ids[0], ids[1])
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

// notRulesText refuses a pack holding a file that is no rules text
// (binary data, another encoding than UTF-8), as lint does (exit 2):
// listed, such a file would show as "0 rules".
func notRulesText(p *packs.Pack, files []*packs.File) error {
	var bad []string
	for _, f := range files {
		for _, e := range f.Errors {
			if e.Check == model.CheckNotText {
				bad = append(bad, e.Error())
				break
			}
		}
	}
	if len(bad) == 0 {
		return nil
	}
	return inputError(fmt.Errorf("pack %s: not rules text, so its rules cannot be read:\n%s", p.ID(), strings.Join(bad, "\n")))
}

func profilesCommand() *cli.Command {
	return &cli.Command{
		Name:  "profiles",
		Usage: "list and inspect compliance profiles",
		Subcommands: []*cli.Command{
			{
				Name:      "list",
				Usage:     "list the embedded profiles",
				UsageText: "auditpack profiles list",
				Before:    argsAtMost(0),
				Action: func(c *cli.Context) error {
					list, err := profiles.List()
					if err != nil {
						return failedError(err)
					}
					catalog, err := packs.NewCatalog()
					if err != nil {
						return failedError(err)
					}
					return writeProfileList(c.App.Writer, list, catalog)
				},
			},
			{
				Name:  "show",
				Usage: "show a profile: the packs it resolves to, arches and settings",
				UsageText: `auditpack profiles show NAME|FILE.toml [--packs DIR]... [--controls]

Examples:
   auditpack profiles show stig-rhel9
   auditpack profiles show stig-rhel9 --controls
   auditpack profiles show ./site.toml --packs ./packs`,
				Flags: []cli.Flag{packRootsFlag(), &cli.BoolFlag{Name: "controls", Usage: "list every control with the rules that implement it"}},
				Action: func(c *cli.Context) error {
					if c.NArg() != 1 {
						return inputError(fmt.Errorf("profiles show takes one profile name, e.g. auditpack profiles show stig-rhel9"))
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
					unknown, err := writeProfileDetails(c.App.Writer, p, catalog)
					if err != nil {
						return err
					}
					if len(unknown) > 0 {
						return inputError(fmt.Errorf("profile %s names %s no pack root holds: %s", p.Name, text.Count(len(unknown), "pack"), strings.Join(unknown, ", ")))
					}
					return nil
				},
			},
		},
	}
}

func profileFlag() cli.Flag {
	return &cli.StringFlag{Name: "profile", Usage: "compliance profile `NAME` (auditpack profiles list) or a profile FILE.toml"}
}

func lintCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "lint",
		Usage: "check a merged rule set the way the kernel will evaluate it",
		UsageText: `auditpack lint [--profile P] [--packs DIR]... [--format ` + formatChoice(report.Formats) + `] [--fail-on S] [--target ARCH,...] [--host]
               [--disable ID,...] [--enable ID,...] [--baseline FILE | --write-baseline FILE] [--color WHEN]
               [--config FILE | --no-config] [PATH...]

Settings a team shares go in ` + config.Name + `, which lint reads from the
working directory or the nearest directory above it (or --config FILE):
checks to disable, severities, fail-on, target, profile, packs, baseline
and the findings to ignore by path or pack; the options above override it.
docs/lint-configuration.md describes it.

Exit codes: 0 no finding at or above --fail-on, 1 findings at or above it
(a line auditctl cannot read is an error finding, and the rest of the set
is still checked), 2 usage or input errors (a file that cannot be read or
is not text, a bad configuration or baseline file).

Examples:
   auditpack lint --profile stig-rhel9
   auditpack lint --format sarif ./rules.d > auditpack.sarif
   auditpack lint --target x86_64,aarch64 --fail-on warning ./rules.d
   auditpack lint --write-baseline auditpack-baseline.json ./rules.d
   auditpack lint --baseline auditpack-baseline.json --format gitlab ./rules.d > gl-code-quality-report.json
   auditpack explain ORD-NEVER-SHADOWS-ALWAYS`,
		Flags: append([]cli.Flag{profileFlag(), packRootsFlag()}, lintFlags()...),
		Action: func(c *cli.Context) error {
			res, settings, err := runLint(c, e)
			if err != nil {
				return err // run writes the --format's document of it
			}
			if err := settings.apply(res, c.App.ErrWriter, e.workDir); err != nil {
				return err
			}
			res.Generated = e.now().Format(time.RFC3339)
			if werr := settings.writer(c.String("format"))(c.App.Writer, &res.Findings, e.version); werr != nil {
				return failedError(werr)
			}
			failOn := settings.failOn
			switch {
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
func runLint(c *cli.Context, e *env) (*lint.Result, *lintSettings, error) {
	settings, err := readLintSettings(c, e)
	if err != nil {
		return nil, nil, inputError(err)
	}
	sets := [][]string{c.Args().Slice()}
	if c.Bool("each-dir") {
		if sets = ruleSets(c.Args().Slice()); len(sets) == 0 {
			return nil, nil, inputError(errors.New("--each-dir lints the directories of the PATHs given; give at least one"))
		}
	}
	res := &lint.Result{}
	for _, paths := range sets {
		sel, err := selectSources(c, e, paths, c.Bool("host"))
		if err != nil {
			return nil, nil, err
		}
		one, err := lint.Run(compile.Build(sel, settings.targets...), settings.opts)
		if err != nil {
			return nil, nil, failedError(err)
		}
		res.Add(one)
	}
	return res, settings, nil
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

func explainCommand() *cli.Command {
	return &cli.Command{
		Name:      "explain",
		Usage:     "explain a lint check: why it matters, a bad and a good example",
		UsageText: "auditpack explain CHECK-ID | --list [PREFIX] | --live\n\nCheck IDs are read in any case; --list ORD lists the checks whose ID starts with ORD.",
		Flags: []cli.Flag{&cli.BoolFlag{Name: "list", Usage: "list every check (or those whose ID starts with PREFIX) with its severity and title"},
			&cli.BoolFlag{Name: "live", Usage: "say what verify --live does and list every call it makes"}},
		Before: argsAtMost(1),
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

func compileCommand(e *env) *cli.Command {
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

On a host whose boot runs augenrules (auditd.service, audit-rules.service),
/etc/audit/audit.rules is regenerated from /etc/audit/rules.d at boot: write
a file in rules.d (alone there, or it is merged with the others), or let
auditpack apply --persist auto write it and move the others aside.

Examples:
   auditpack compile --profile stig-rhel9
   auditpack compile --profile pci-dss ./rules.d -o pci-dss.rules
   auditpack compile /etc/audit/rules.d`,
		Flags: []cli.Flag{
			profileFlag(),
			packRootsFlag(),
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write to `FILE` atomically (mode 0600) instead of standard output (- or /dev/stdout: standard output; a pipe or device is written as it is)"},
			&cli.BoolFlag{Name: "force", Usage: "compile even when lint finds errors"},
			&cli.BoolFlag{Name: "host", Usage: "resolve the packs' host facts (UID_MIN) from this host's /etc/login.defs"},
			&cli.StringFlag{Name: "target", Value: "x86_64", Usage: "the machine (`ARCH`: x86_64, aarch64, ppc64le, s390x) the set is for; pack rules leave out the syscalls its ABIs lack"},
		},
		Action: func(c *cli.Context) error {
			sel, err := selectSources(c, e, c.Args().Slice(), c.Bool("host"))
			if err != nil {
				return err
			}
			output := c.String("output")
			if err := checkOutput(sel, "-o", output); err != nil {
				return err
			}
			target, err := model.LookupTarget(c.String("target"))
			if err != nil {
				return inputError(fmt.Errorf("--target: %w", err))
			}
			res := compile.Build(sel, target)
			refuse := func() error { return nil }
			if !c.Bool("force") {
				refuse = func() error { return refusal(c.App.ErrWriter, res, e.version) }
			}
			unrenderable := res.Renderable()
			stream, closeStream, err := outputStream(c.App.Writer, output)
			if err != nil {
				return err
			}
			if output != "" && stream == nil && unrenderable == nil {
				if err := writeWhileChecking(output, res, e.version, refuse); err != nil {
					return err
				}
				fmt.Fprintf(c.App.ErrWriter, "wrote %s: %s\n", output, res.Summary())
				return nil
			}
			// Refusal first: its findings list every line auditctl cannot read.
			if err := refuse(); err != nil {
				return err
			}
			if unrenderable != nil {
				return inputError(fmt.Errorf("even with --force, this rule set is not compiled: files that are no rules text or clash by name cannot be merged, and lines auditctl cannot read would stop it at load (augenrules would copy them):\n%w", unrenderable))
			}
			if stream == nil {
				return res.WriteRules(c.App.Writer, e.version)
			}
			if err := errors.Join(res.WriteRules(stream, e.version), closeStream()); err != nil {
				return failedError(fmt.Errorf("-o %s: %w", output, err))
			}
			return nil
		},
	}
}

// outputStream is what -o names when it is no file to replace: "-" and
// /dev/stdout are standard output (stdout, of this run), and what is a
// pipe or a device (/dev/null, /dev/stderr, a named pipe) is opened and
// written as it is, with nothing to replace atomically; close is to be
// called once written. It is nil for no -o and for a file (or a path
// to create).
func outputStream(stdout io.Writer, path string) (w io.Writer, close func() error, err error) {
	none := func() error { return nil }
	if path == "-" || path == "/dev/stdout" {
		return stdout, none, nil
	}
	info, err := os.Stat(path)
	if path == "" || err != nil || info.Mode().IsRegular() || info.IsDir() {
		return nil, none, nil
	}
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return nil, none, failedError(fmt.Errorf("-o %s: %w", path, err))
	}
	return f, f.Close, nil
}

// writeWhileChecking writes res (stamped with version) to path atomically
// while check runs, and replaces path only if check passes: a large set's
// writing and syncing then cost no time of their own. check's error comes
// first.
func writeWhileChecking(path string, res *compile.Compiled, version string, check func() error) error {
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
func refusal(w io.Writer, res *compile.Compiled, version string) error {
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
