package main

import (
	"fmt"
	"io"

	"github.com/urfave/cli/v2"
)

// Shell completion scripts call "auditpack ... --generate-bash-completion",
// which urfave/cli answers with the words that may follow.
const bashCompletion = `# auditpack completion for bash: source it, or put it in /etc/bash_completion.d/auditpack
_auditpack_complete() {
  local cur opts
  COMPREPLY=()
  cur="${COMP_WORDS[COMP_CWORD]}"
  opts=$("${COMP_WORDS[@]:0:$COMP_CWORD}" --generate-bash-completion 2>/dev/null)
  COMPREPLY=($(compgen -W "${opts}" -- "${cur}"))
  return 0
}
complete -o bashdefault -o default -F _auditpack_complete auditpack
`

const zshCompletion = `#compdef auditpack
# auditpack completion for zsh: put it on $fpath as _auditpack
_auditpack() {
  local -a opts
  opts=("${(@f)$(${words[@]:0:#words[@]-1} --generate-bash-completion 2>/dev/null)}")
  _describe 'auditpack' opts
}
compdef _auditpack auditpack
`

func completionCommand() *cli.Command {
	return &cli.Command{
		Name:      "completion",
		Usage:     "print a shell completion script (bash, zsh or fish)",
		UsageText: "auditpack completion bash|zsh|fish\n\nExample:\n   auditpack completion bash > /etc/bash_completion.d/auditpack",
		Action: func(c *cli.Context) error {
			var script string
			switch c.Args().First() {
			case "bash":
				script = bashCompletion
			case "zsh":
				script = zshCompletion
			case "fish":
				s, err := c.App.ToFishCompletion()
				if err != nil {
					return failedError(err)
				}
				script = s
			default:
				return inputError(fmt.Errorf("completion takes bash, zsh or fish"))
			}
			_, err := io.WriteString(c.App.Writer, script)
			return err
		},
	}
}

func manCommand() *cli.Command {
	return &cli.Command{
		Name:      "man",
		Usage:     "print the manual page (roff, section 8), as docs/auditpack.8 holds it",
		UsageText: "auditpack man > /usr/local/share/man/man8/auditpack.8",
		Action: func(c *cli.Context) error {
			page, err := c.App.ToMan()
			if err != nil {
				return failedError(err)
			}
			_, err = io.WriteString(c.App.Writer, page)
			return err
		},
	}
}
