package main

import (
	"fmt"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"
)

// flagsFirst moves the options of a command in front of its arguments.
// urfave/cli v2 stops reading options at the first argument, so without
// this "auditpack compile rules.d -o audit.rules" would take "-o" for a
// path. Everything after "--" stays an argument. An option given an empty
// value is an error: "--profile $P" with P unset must not fall back to
// what no option means (the host's rules.d).
func flagsFirst(app *cli.App, args []string) ([]string, error) {
	if len(args) < 2 {
		return args, nil
	}
	out := []string{args[0]}
	rest := args[1:]
	cmds := app.Commands
	var cmd *cli.Command
	for len(rest) > 0 {
		c := findCommand(cmds, rest[0])
		if c == nil {
			break
		}
		cmd, cmds = c, c.Subcommands
		out = append(out, rest[0])
		rest = rest[1:]
	}
	if cmd == nil || cmd.SkipFlagParsing {
		return args, nil // __complete reads its words as they are
	}
	var flags, positional []string
	for i := 0; i < len(rest); i++ {
		a := rest[i]
		if a == "--" {
			positional = append(positional, rest[i:]...)
			break
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			positional = append(positional, a)
			continue
		}
		flags = append(flags, a)
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !takesValue(cmd, name) {
			continue
		}
		if !hasValue && i+1 < len(rest) {
			i++
			value, hasValue = rest[i], true
			flags = append(flags, value)
		}
		if hasValue && value == "" {
			return nil, fmt.Errorf("%s is given an empty value (an unset variable?): give a value or leave the option out (see auditpack %s --help)", strings.SplitN(a, "=", 2)[0], strings.Join(out[1:], " "))
		}
	}
	out = append(out, flags...)
	return append(out, positional...), nil
}

func findCommand(cmds []*cli.Command, name string) *cli.Command {
	for _, c := range cmds {
		if c.HasName(name) {
			return c
		}
	}
	return nil
}

func takesValue(cmd *cli.Command, name string) bool {
	for _, f := range cmd.Flags {
		if slices.Contains(f.Names(), name) {
			return valueFlag(f)
		}
	}
	return false
}
