// Command auditpack manages Linux audit rules as versioned rule packs:
// select them with a compliance profile, merge them in augenrules order and
// compile them to audit.rules.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/auditpack/auditpack/apply"
	"github.com/auditpack/auditpack/internal/text"
)

// version is the release, stamped by the build (-X main.version=1.2.3).
var version = "0.1.0"

// env is what one run of auditpack takes from its process: its streams,
// clock and version, the kernel apply talks to and the host's file system.
// main gives the process's own; tests give theirs, so runs share nothing
// and the CLI's tests run in parallel.
type env struct {
	stdin          io.Reader // what the PATH "-" reads
	stdout, stderr io.Writer
	now            func() time.Time // stamps reports
	version        string
	openKernel     func() (apply.Kernel, error)
	// hostRoot is the host's file system for apply, restore and verify:
	// its boot-time loader, and apply's lock and journal under
	// /run/auditpack. "/" on a host; tests give a scratch copy.
	hostRoot string
	// workDir is where lint looks for its configuration file first, and
	// what the paths of its findings are relative to.
	workDir string
	getenv  func(string) string
}

// Exit codes of the CLI contract.
const (
	exitOK      = 0
	exitFailed  = 1 // findings, uncovered controls, a failed apply or write
	exitInput   = 2 // usage or input errors
	exitChanges = 3 // apply --dry-run found differences
)

func main() {
	wd, err := os.Getwd()
	if err != nil {
		wd = "." // a removed working directory: lint finds no configuration above it
	}
	os.Exit(run(context.Background(), &env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, now: time.Now,
		version: version, openKernel: apply.Open, hostRoot: "/", workDir: wd, getenv: os.Getenv}, os.Args))
}

// exitError carries an exit code through urfave/cli without it printing.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func inputError(err error) error  { return &exitError{code: exitInput, err: err} }
func failedError(err error) error { return &exitError{code: exitFailed, err: err} }

// run runs auditpack with args (the program's name first) in e and
// returns its exit code. Two rules hold for every command: a --format
// that promises one document on standard output (lint, verify, apply;
// not text) gets one when the command stops before writing it, carrying
// the error (errorDocument); and standard output that cannot be written
// (a full disk) exits 1, unless the command failed on its input (2).
func run(ctx context.Context, e *env, args []string) int {
	out := &stdoutWriter{w: e.stdout}
	own := *e
	own.stdout = out
	app := newApp(&own)
	unknownCommand := false
	app.CommandNotFound = func(c *cli.Context, name string) {
		unknownCommand = true
		fmt.Fprintf(e.stderr, "auditpack: unknown command %q; see %s --help\n", name, commandPath(c))
	}
	ordered, err := flagsFirst(app, args)
	if err == nil {
		err = app.RunContext(ctx, ordered)
	} else {
		err = inputError(err)
	}
	code := exitOK
	switch {
	case err != nil:
		code = exitInput // urfave/cli's own errors are usage errors
		var ee *exitError
		if errors.As(err, &ee) {
			code = ee.code
		}
		if out.written == 0 {
			if write := errorDocument(&own, args[1:]); write != nil {
				write(out, err) // an error here is out's, below
			}
		}
		fmt.Fprintf(e.stderr, "auditpack: %v\n", err)
	case unknownCommand:
		code = exitInput
	}
	if out.err != nil {
		wrote := errors.Is(err, out.err) // the command failed on the write itself
		if !wrote {
			fmt.Fprintf(e.stderr, "auditpack: write standard output: %v\n", out.err)
		}
		if code != exitInput || wrote {
			code = exitFailed
		}
	}
	return code
}

// urfave/cli adds its package-level help and version flags to every app
// and command, and a BoolFlag writes to itself as a flag set is made of
// it: apps running at once (the CLI's tests) would race on them. Each
// flag set gets a copy of these instead.
func init() {
	cli.HelpFlag = sharedBoolFlag{cli.HelpFlag.(*cli.BoolFlag)}
	cli.VersionFlag = sharedBoolFlag{cli.VersionFlag.(*cli.BoolFlag)}
}

// sharedBoolFlag is a BoolFlag that apps running at once may share: it is
// never written to.
type sharedBoolFlag struct{ *cli.BoolFlag }

// Apply adds a copy of the flag to set.
func (f sharedBoolFlag) Apply(set *flag.FlagSet) error {
	own := *f.BoolFlag
	return own.Apply(set)
}

// GetDefaultText is empty, as for urfave/cli's own help and version
// flags (DisableDefaultText, which it reads from a *cli.BoolFlag only).
func (sharedBoolFlag) GetDefaultText() string { return "" }

// usageError is every command's answer to options it cannot read: exit
// 2 with a pointer to its help (urfave/cli would print the help to
// standard output, into a JSON report or a completion script).
func usageError(c *cli.Context, err error, _ bool) error {
	return inputError(fmt.Errorf("%w (see %s --help)", err, commandPath(c)))
}

// commandPath is the command c runs, as typed: "auditpack packs list".
func commandPath(c *cli.Context) string {
	var names []string
	for _, ctx := range c.Lineage() {
		if ctx.Command != nil {
			names = append([]string{ctx.Command.Name}, names...)
		}
	}
	return strings.Join(names, " ")
}

// argsAtMost refuses more than max arguments: one too many is a mistake
// to report (verify --rules a.rules b.rules would check only a.rules),
// never one to ignore.
func argsAtMost(max int) cli.BeforeFunc {
	return func(c *cli.Context) error {
		if c.NArg() <= max {
			return nil
		}
		takes := "no arguments, only options"
		if max > 0 {
			takes = "at most " + text.Count(max, "argument")
		}
		path := commandPath(c)
		return inputError(fmt.Errorf("%s takes %s: %q is one too many (see %s --help)", strings.TrimPrefix(path, c.App.Name+" "), takes, c.Args().Get(max), path))
	}
}

func newApp(e *env) *cli.App {
	app := &cli.App{
		Name:    "auditpack",
		Usage:   "versioned Linux audit rule packs: merge, compile, check",
		Version: e.version,
		Description: `auditpack merges rule packs selected by a compliance profile in the order
augenrules uses and compiles them to one audit.rules a host can load.

Examples:
   auditpack profiles list
   auditpack lint /etc/audit/rules.d
   auditpack compile --profile stig-rhel9 > stig-rhel9.rules
   auditpack apply --profile stig --persist auto   # the STIG of this host's product

` + exitStatusHelp(),
		Writer:                 e.stdout,
		ErrWriter:              e.stderr,
		ExitErrHandler:         func(*cli.Context, error) {},
		OnUsageError:           usageError,
		HideHelpCommand:        true,
		UseShortOptionHandling: false,
		Commands: []*cli.Command{packsCommand(), profilesCommand(), lintCommand(e), compileCommand(e), applyCommand(e), restoreCommand(e), completeCommand(), verifyCommand(e), reportCommand(e), fmtCommand(e), explainCommand(),
			completionCommand(), manCommand(), liveChildCommand(e)},
	}
	// A command's arguments are paths and names: "auditpack lint help"
	// lints a file named help; --help prints the help. (urfave/cli's help
	// command is also one value shared by every app, which it writes to.)
	var everyCommand func([]*cli.Command)
	everyCommand = func(cmds []*cli.Command) {
		for _, c := range cmds {
			c.HideHelpCommand = true
			c.OnUsageError = usageError
			everyCommand(c.Subcommands)
		}
	}
	everyCommand(app.Commands)
	return app
}
