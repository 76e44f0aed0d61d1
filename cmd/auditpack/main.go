// Command auditpack manages Linux audit rules as versioned rule packs:
// select them with a compliance profile, merge them in augenrules order and
// compile them to audit.rules.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/urfave/cli/v2"
)

// version is the release; tests set it to a fixed word so golden output
// does not change with every release.
var version = "0.1.0"

// now is the time reports are stamped with; tests fix it.
var now = time.Now

// Exit codes of the CLI contract.
const (
	exitOK      = 0
	exitFailed  = 1 // findings, uncovered controls, a failed apply or write
	exitInput   = 2 // usage or input errors
	exitChanges = 3 // apply --dry-run found differences
)

func main() { os.Exit(run(os.Args, os.Stdout, os.Stderr)) }

// exitError carries an exit code through urfave/cli without it printing.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func inputError(err error) error  { return &exitError{code: exitInput, err: err} }
func failedError(err error) error { return &exitError{code: exitFailed, err: err} }

func run(args []string, stdout, stderr io.Writer) int {
	app := newApp(stdout, stderr)
	unknownCommand := false
	app.CommandNotFound = func(_ *cli.Context, name string) {
		unknownCommand = true
		fmt.Fprintf(stderr, "auditpack: unknown command %q; see auditpack --help\n", name)
	}
	ordered, err := flagsFirst(app, args)
	if err != nil {
		fmt.Fprintf(stderr, "auditpack: %v\n", err)
		return exitInput
	}
	err = app.Run(ordered)
	if err == nil && unknownCommand {
		return exitInput
	}
	if err == nil {
		return exitOK
	}
	fmt.Fprintf(stderr, "auditpack: %v\n", err)
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	return exitInput // urfave/cli's own errors are usage errors
}

func usageError(c *cli.Context, err error, _ bool) error {
	return inputError(fmt.Errorf("%w (see auditpack %s --help)", err, c.Command.FullName()))
}

func newApp(stdout, stderr io.Writer) *cli.App {
	app := &cli.App{
		Name:    "auditpack",
		Usage:   "versioned Linux audit rule packs: merge, compile, check",
		Version: version,
		Description: `auditpack merges rule packs selected by a compliance profile in the order
augenrules uses and compiles them to one audit.rules a host can load.

Examples:
   auditpack profiles list
   auditpack compile --profile stig-rhel9 -o /etc/audit/audit.rules
   auditpack compile /etc/audit/rules.d`,
		Writer:                 stdout,
		ErrWriter:              stderr,
		ExitErrHandler:         func(*cli.Context, error) {},
		OnUsageError:           usageError,
		HideHelpCommand:        true,
		UseShortOptionHandling: false,
		Commands: []*cli.Command{packsCommand(), profilesCommand(), lintCommand(), compileCommand(), applyCommand(), restoreCommand(), completeCommand(), verifyCommand(), reportCommand(), fmtCommand(), explainCommand(),
			completionCommand(), manCommand()},
	}
	// A command's arguments are paths and names: "auditpack lint help"
	// lints a file named help; --help prints the help.
	var leaves func([]*cli.Command)
	leaves = func(cmds []*cli.Command) {
		for _, c := range cmds {
			if len(c.Subcommands) == 0 {
				c.HideHelpCommand = true
			}
			leaves(c.Subcommands)
		}
	}
	leaves(app.Commands)
	return app
}
