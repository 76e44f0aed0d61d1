package main

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/auditpack/auditpack/internal/host"
	"github.com/auditpack/auditpack/internal/report"
	"github.com/auditpack/auditpack/internal/text"
	"github.com/auditpack/auditpack/lint"
	"github.com/auditpack/auditpack/lint/baseline"
	"github.com/auditpack/auditpack/lint/config"
	"github.com/auditpack/auditpack/packs/model"
)

// lintFlags are lint's options besides those of the rule set's sources:
// what to check for, how to report it, and a team's settings.
func lintFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "format", Value: "text", Usage: "output `FORMAT`: " + report.FormatNames(report.Formats)},
		&cli.StringFlag{Name: "fail-on", Value: "error", Usage: "exit 1 on findings of this `SEVERITY` or higher: error, warning, info; given, it overrides the configuration's fail-on"},
		&cli.StringFlag{Name: "target", Usage: "check syscalls for these machines, `ARCH,...` (x86_64, aarch64, ppc64le, s390x); default the configuration's, or x86_64"},
		&cli.BoolFlag{Name: "host", Usage: "also run the checks that read this host (paths that must exist, UID_MIN) and resolve the packs' host facts from it"},
		&cli.BoolFlag{Name: "each-dir", Usage: "check the directory of each PATH as a rule set of its own, as its host will load it (for hooks that pass the changed files of several rules.d)"},
		&cli.StringFlag{Name: "config", Usage: "read the lint settings from `FILE` instead of the " + config.Name + " found in the working directory or the nearest one above it"},
		&cli.BoolFlag{Name: "no-config", Usage: "read no " + config.Name},
		&cli.StringSliceFlag{Name: "disable", Usage: "do not run these checks, `ID,...`; repeatable"},
		&cli.StringSliceFlag{Name: "enable", Usage: "run these checks the configuration disables, `ID,...`; repeatable"},
		&cli.StringFlag{Name: "baseline", Usage: "report only the findings `FILE` (written by --write-baseline) does not list; default the configuration's baseline"},
		&cli.StringFlag{Name: "write-baseline", Usage: "write the findings to `FILE` as the baseline to report only new ones against, then report as --baseline FILE does"},
		&cli.StringFlag{Name: "color", Value: "auto", Usage: "colour the text format's severities and check IDs: `WHEN` auto (standard output is a terminal and NO_COLOR is unset or empty), always or never"},
	}
}

// lintSettings shape one lint run: a team's configuration file, which
// the command line's options override.
type lintSettings struct {
	opts    lint.Options
	targets []*model.Target
	failOn  lint.Severity
	// config is the configuration read; nil for none.
	config *config.Config
	// baseline is the baseline to read once the rules are checked (its
	// map of fingerprints would share the heap with the run's model),
	// writeBaseline the one to write then.
	baseline, writeBaseline string
	color                   bool
}

// readLintSettings reads the options and the configuration file they
// name (or the one found), the options taking precedence: --fail-on,
// --target, --profile and --packs over the file's, --disable adding to
// what it disables and --enable taking from it. It sets --profile and
// --packs from the file when the command line does not give them.
func readLintSettings(c *cli.Context, e *env) (*lintSettings, error) {
	s := &lintSettings{}
	if _, ok := report.Formats[c.String("format")]; !ok {
		return nil, fmt.Errorf("--format %q: use one of %s", c.String("format"), report.FormatNames(report.Formats))
	}
	var err error
	if s.config, err = readConfig(c, e); err != nil {
		return nil, err
	}
	cfg := s.config
	if cfg == nil {
		cfg = &config.Config{}
	}
	s.failOn = cfg.FailOn
	if c.IsSet("fail-on") || s.failOn == 0 {
		if s.failOn, err = lint.ParseSeverity(c.String("fail-on")); err != nil {
			return nil, fmt.Errorf("--fail-on: %w", err)
		}
	}
	targets, flag := cfg.Targets, ""
	if t := c.String("target"); t != "" {
		targets, flag = strings.Split(t, ","), "--target: "
	}
	for _, name := range targets {
		target, err := model.LookupTarget(strings.TrimSpace(name))
		if err != nil {
			return nil, fmt.Errorf("%s%w", flag, err)
		}
		if !slices.Contains(s.targets, target) { // one machine named twice is checked once
			s.targets = append(s.targets, target)
		}
	}
	if !c.IsSet("profile") && cfg.Profile != "" {
		c.Set("profile", cfg.Profile)
	}
	if !c.IsSet("packs") {
		for _, root := range cfg.Packs {
			c.Set("packs", root)
		}
	}
	if s.opts.Disabled, err = disabledChecks(cfg.Disable, c.StringSlice("disable"), c.StringSlice("enable")); err != nil {
		return nil, err
	}
	s.opts.Severity = cfg.Severity
	read, write := c.String("baseline"), c.String("write-baseline")
	switch {
	case read != "" && write != "":
		return nil, errors.New("--baseline and --write-baseline: give one (--write-baseline writes the baseline, then reports against it)")
	case read == "" && write == "":
		read = cfg.Baseline
	}
	s.baseline, s.writeBaseline = read, write
	if s.color, err = colorWanted(c.String("color"), e); err != nil {
		return nil, err
	}
	if c.Bool("host") {
		s.opts.Host = host.Local{}
	}
	s.opts.Context = c.String("format") == "html"
	s.opts.Fingerprints = s.baseline != "" || s.writeBaseline != "" || c.String("format") == "gitlab"
	// The project's root: the configuration's directory, or where lint
	// runs (a repository's root, in CI).
	s.opts.FingerprintRoot = e.workDir
	if s.config != nil {
		s.opts.FingerprintRoot = s.config.Dir
	}
	return s, nil
}

// readConfig reads --config FILE, or the configuration file found from
// the working directory up; nil for --no-config and for none found.
func readConfig(c *cli.Context, e *env) (*config.Config, error) {
	path := c.String("config")
	switch {
	case c.Bool("no-config") && path != "":
		return nil, errors.New("--config and --no-config: give one")
	case c.Bool("no-config"):
		return nil, nil
	case path == "":
		var err error
		if path, err = config.Find(e.workDir); err != nil || path == "" {
			return nil, err
		}
	}
	return config.Load(path, e.workDir)
}

// disabledChecks are the checks the configuration disables, with those
// --disable adds and without those --enable re-enables.
func disabledChecks(configured, disable, enable []string) (map[string]bool, error) {
	disable, err := config.CheckIDs(disable)
	if err != nil {
		return nil, fmt.Errorf("--disable: %w", err)
	}
	if err := config.Disableable(disable); err != nil {
		return nil, fmt.Errorf("--disable: %w", err)
	}
	if enable, err = config.CheckIDs(enable); err != nil {
		return nil, fmt.Errorf("--enable: %w", err)
	}
	disabled := map[string]bool{}
	for _, id := range configured {
		if !slices.Contains(enable, id) {
			disabled[id] = true
		}
	}
	for _, id := range disable {
		if slices.Contains(enable, id) {
			return nil, fmt.Errorf("--disable and --enable both name %s: give it to one", id)
		}
		disabled[id] = true
	}
	return disabled, nil
}

// colorWanted reads --color: auto colours standard output when it is a
// terminal, unless NO_COLOR is set and not empty (no-color.org) or TERM
// is dumb; always and never override both.
func colorWanted(when string, e *env) (bool, error) {
	switch when {
	case "always":
		return true, nil
	case "never":
		return false, nil
	case "auto":
		return e.getenv("NO_COLOR") == "" && e.getenv("TERM") != "dumb" && isTerminal(e.stdout), nil
	}
	return false, fmt.Errorf("--color %q: use auto, always or never", when)
}

// apply applies the configuration's [[lint.ignore]] and the baseline to
// a run's findings (writing the baseline first, for --write-baseline),
// says on w what they did, and notes it in res for the formats that
// report it.
func (s *lintSettings) apply(res *lint.Result, w io.Writer, workDir string) error {
	if s.config == nil && s.baseline == "" && s.writeBaseline == "" && len(s.opts.Disabled) == 0 {
		return nil
	}
	settings := &report.Settings{Disabled: slices.Sorted(maps.Keys(s.opts.Disabled))}
	res.Settings = settings
	if s.config != nil {
		settings.Config = s.config.Path
		note := ""
		if len(s.config.Ignores) > 0 {
			ignored := 0
			res.Diagnostics = slices.DeleteFunc(res.Diagnostics, func(d lint.Diagnostic) bool {
				hit := s.config.Ignored(&d, workDir)
				if hit {
					ignored++
				}
				return hit
			})
			settings.Ignored = &ignored
			note = "; its [[lint.ignore]] hid " + text.Count(ignored, "finding")
		}
		fmt.Fprintf(w, "auditpack: lint settings from %s%s\n", s.config.Path, note)
	}
	if len(settings.Disabled) > 0 {
		fmt.Fprintf(w, "auditpack: not run (disabled): %s\n", strings.Join(settings.Disabled, ", "))
	}
	var hidden, fixed int
	switch {
	case s.writeBaseline != "" && res.InputErrors:
		// The run exits 2; a baseline of what could not be read would hide it.
		fmt.Fprintf(w, "auditpack: baseline %s not written: some inputs cannot be checked\n", s.writeBaseline)
		return nil
	case s.writeBaseline != "":
		if err := baseline.Write(s.writeBaseline, res.Diagnostics); err != nil {
			return failedError(err)
		}
		fmt.Fprintf(w, "auditpack: wrote baseline %s: %s\n", s.writeBaseline, text.Count(len(res.Diagnostics), "finding"))
		settings.Baseline, hidden = s.writeBaseline, len(res.Diagnostics)
		res.Diagnostics = res.Diagnostics[:0] // each is in the baseline now
	case s.baseline != "":
		b, err := baseline.Read(s.baseline)
		if err != nil {
			return inputError(err)
		}
		res.Diagnostics, hidden = b.Filter(res.Diagnostics)
		settings.Baseline, fixed = s.baseline, b.Fixed()
		note := ""
		if fixed > 0 {
			verb := "are"
			if fixed == 1 {
				verb = "is"
			}
			note = fmt.Sprintf("; %s it lists %s gone (fixed): rewrite it with --write-baseline %s", text.Count(fixed, "finding"), verb, s.baseline)
		}
		fmt.Fprintf(w, "auditpack: baseline %s hides %s%s\n", s.baseline, text.Count(hidden, "finding"), note)
	default:
		return nil
	}
	settings.Baselined, settings.Fixed = &hidden, &fixed
	return nil
}

// writer is the writer of the run's --format, in colour for a text
// report when asked.
func (s *lintSettings) writer(format string) func(io.Writer, *report.Findings, string) error {
	if format == "text" && s.color {
		return report.WriteTextColor
	}
	return report.Formats[format]
}
