package main

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"

	"github.com/auditpack/auditpack/internal/report"
)

// Every example of the manual names a command auditpack has and options
// that command takes.
func TestManExamplesAreCommands(t *testing.T) {
	t.Parallel()
	app := newApp(testEnv(t))
	for _, x := range manExamples {
		line, _, _ := strings.Cut(x.line, " >") // a redirection is the shell's
		words := strings.Fields(line)
		if words[0] != "auditpack" {
			t.Errorf("%q does not run auditpack", x.line)
			continue
		}
		var cmd *cli.Command
		cmds := app.Commands
		for _, w := range words[1:] {
			if c := findCommand(cmds, w); c != nil {
				cmd, cmds = c, c.Subcommands
				continue
			}
			name, isOption := strings.CutPrefix(w, "--")
			if !isOption || cmd == nil {
				continue
			}
			if !slices.ContainsFunc(cmd.Flags, func(f cli.Flag) bool { return slices.Contains(f.Names(), name) }) {
				t.Errorf("%q: %s takes no --%s", x.line, cmd.Name, name)
			}
		}
		if cmd == nil {
			t.Errorf("%q names no command", x.line)
		}
	}
}

// The manual and --help never suggest compiling into the audit.rules
// augenrules regenerates at boot, and every --format a synopsis lists is
// its command's own, all of them.
func TestHelpAgreesWithTheCode(t *testing.T) {
	t.Parallel()
	page := runIn(testEnv(t), "man").stdout
	if strings.Contains(page, `\-o /etc/audit/audit.rules`) || strings.Contains(page, "-o /etc/audit/audit.rules") {
		t.Error("the manual suggests compile -o /etc/audit/audit.rules, which augenrules overwrites at boot")
	}
	synopsis := map[string]string{"lint": formatChoice(report.Formats), "verify": formatChoice(report.VerifyFormats)}
	for command, formats := range synopsis {
		help := runIn(testEnv(t), command, "--help").stdout
		if !strings.Contains(help, "[--format "+formats+"]") {
			t.Errorf("%s --help does not list its formats %s:\n%s", command, formats, help)
		}
	}
	lintHelp := runIn(testEnv(t), "lint", "--help").stdout
	unreadable := runIn(testEnv(t), "lint", filepath.Join(repoRoot, "testdata/inputs/bad-rule"))
	if unreadable.code != exitFailed || !strings.Contains(lintHelp, "1 findings at or above it\n   (a line auditctl cannot read is an error finding") {
		t.Errorf("lint of a line auditctl cannot read exits %d; lint --help says:\n%s", unreadable.code, lintHelp)
	}
}
