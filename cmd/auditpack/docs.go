package main

import (
	"io"

	"github.com/urfave/cli/v2"
)

func completionCommand() *cli.Command {
	return &cli.Command{
		Name:      "completion",
		Usage:     "print a shell completion script (bash, zsh or fish)",
		UsageText: "auditpack completion bash|zsh|fish\n\nExample:\n   auditpack completion bash > /etc/bash_completion.d/auditpack",
		Before:    argsAtMost(1),
		Action: func(c *cli.Context) error {
			return writeCompletion(c.App.Writer, c.Args().First())
		},
	}
}

func manCommand() *cli.Command {
	return &cli.Command{
		Name:      "man",
		Usage:     "print the manual page (roff, section 8), as docs/auditpack.8 holds it",
		UsageText: "auditpack man > /usr/local/share/man/man8/auditpack.8",
		Before:    argsAtMost(0),
		Action: func(c *cli.Context) error {
			page, err := c.App.ToMan()
			if err != nil {
				return failedError(err)
			}
			_, err = io.WriteString(c.App.Writer, page+manSections())
			return err
		},
	}
}
