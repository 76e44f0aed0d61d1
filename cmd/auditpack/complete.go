package main

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/auditpack/auditpack/apply"
	"github.com/auditpack/auditpack/internal/report"
	"github.com/auditpack/auditpack/lint"
	"github.com/auditpack/auditpack/packs"
	"github.com/auditpack/auditpack/packs/model"
	"github.com/auditpack/auditpack/profiles"
)

// completeFiles is the answer that tells a completion script to complete
// file names itself.
const completeFiles = ":files"

// completeCommand answers the shells' completion scripts: given the words
// after "auditpack", the last one being completed (maybe empty), it prints
// the candidates, one per line as "word<TAB>description", or :files.
func completeCommand() *cli.Command {
	return &cli.Command{
		Name:            "__complete",
		Hidden:          true,
		SkipFlagParsing: true,
		Action: func(c *cli.Context) error {
			words := c.Args().Slice()
			if len(words) == 0 {
				words = []string{""}
			}
			for _, cand := range completions(c.App, words) {
				if _, err := fmt.Fprintln(c.App.Writer, cand); err != nil {
					return err
				}
			}
			return nil
		},
	}
}

func completions(app *cli.App, words []string) []string {
	cur, before := words[len(words)-1], words[:len(words)-1]
	var path []*cli.Command
	cmds := app.Commands
	var positional []string
	for i := 0; i < len(before); i++ {
		w := before[i]
		if strings.HasPrefix(w, "-") {
			if f := findFlag(path, w); f != nil && valueFlag(f) && !strings.Contains(w, "=") {
				i++ // its value
			}
			continue
		}
		if len(positional) == 0 {
			if c := findCommand(cmds, w); c != nil {
				path, cmds = append(path, c), c.Subcommands
				continue
			}
		}
		positional = append(positional, w)
	}
	if len(before) > 0 {
		if f := findFlag(path, before[len(before)-1]); f != nil && valueFlag(f) {
			return filter(flagValues(path, f), cur)
		}
	}
	switch {
	case strings.HasPrefix(cur, "-"):
		var out []string
		for _, f := range flagsOf(path) {
			name := f.Names()[0]
			usage := ""
			if d, ok := f.(cli.DocGenerationFlag); ok {
				usage = d.GetUsage()
			}
			out = append(out, "--"+name+"\t"+strings.ReplaceAll(usage, "`", ""))
		}
		return filter(out, cur)
	case len(cmds) > 0 && len(positional) == 0:
		var out []string
		for _, c := range cmds {
			if !c.Hidden && c.Name != "help" {
				out = append(out, c.Name+"\t"+c.Usage)
			}
		}
		return filter(out, cur)
	}
	return filter(positionals(path), cur)
}

func flagsOf(path []*cli.Command) []cli.Flag {
	if len(path) == 0 {
		return nil
	}
	return path[len(path)-1].Flags
}

func findFlag(path []*cli.Command, word string) cli.Flag {
	name := strings.TrimLeft(strings.SplitN(word, "=", 2)[0], "-")
	for _, f := range flagsOf(path) {
		if slices.Contains(f.Names(), name) {
			return f
		}
	}
	return nil
}

// valueFlag says whether a flag takes a value (--format json, not --host).
func valueFlag(f cli.Flag) bool {
	d, ok := f.(cli.DocGenerationFlag)
	return ok && d.TakesValue()
}

// flagValues are what a flag's value may be.
func flagValues(path []*cli.Command, f cli.Flag) []string {
	command := ""
	if len(path) > 0 {
		command = path[len(path)-1].Name
	}
	switch name := f.Names()[0]; name {
	case "profile":
		return profileNames()
	case "format":
		switch command {
		case "lint":
			return slices.Sorted(maps.Keys(report.Formats))
		case "verify":
			return slices.Sorted(maps.Keys(report.VerifyFormats))
		case "report":
			return strings.Split(report.FleetFormatNames(), ", ")
		}
		return []string{"text", "json"}
	case "target":
		return model.TargetNames()
	case "fail-on":
		return []string{"error", "warning", "info"}
	case "progress", "color":
		return []string{"auto", "always", "never"}
	case "disable", "enable":
		return checkIDs()
	case "persist":
		return []string{apply.PersistAuto, completeFiles}
	}
	return []string{completeFiles}
}

// positionals are what a command's arguments may be.
func positionals(path []*cli.Command) []string {
	if len(path) == 0 {
		return nil
	}
	switch strings.Join(commandNames(path), " ") {
	case "explain":
		return checkIDs()
	case "packs show", "packs diff":
		return packRefs()
	case "profiles show":
		return profileNames()
	case "completion":
		return []string{"bash", "zsh", "fish"}
	case "packs list", "profiles list", "man":
		return nil
	}
	return []string{completeFiles}
}

// checkIDs are lint's check IDs with their titles; filter takes the typed
// prefix in any case, as explain and --disable do.
func checkIDs() []string {
	var ids []string
	for _, c := range lint.Checks() {
		ids = append(ids, c.ID+"\t"+c.Title)
	}
	return ids
}

func commandNames(path []*cli.Command) []string {
	names := make([]string, len(path))
	for i, c := range path {
		names[i] = c.Name
	}
	return names
}

func profileNames() []string {
	list, err := profiles.List()
	if err != nil {
		return nil
	}
	var out []string
	for _, p := range list {
		out = append(out, p.Name+"\t"+p.Description)
	}
	return out
}

func packRefs() []string {
	catalog, err := packs.NewCatalog()
	if err != nil {
		return nil
	}
	var out []string
	for _, p := range catalog.Packs() {
		out = append(out, p.Name+"\t"+p.Description, p.ID()+"\t"+p.Standard)
	}
	sort.Strings(out)
	return slices.Compact(out)
}

// filter keeps the candidates that start with prefix (check IDs typed in
// lowercase too); the file answer always stays.
func filter(cands []string, prefix string) []string {
	var out []string
	for _, c := range cands {
		if c == completeFiles || strings.HasPrefix(c, prefix) || strings.HasPrefix(c, strings.ToUpper(prefix)) {
			out = append(out, c)
		}
	}
	return out
}

// The scripts hand the words to "auditpack __complete" and offer its
// candidates; ":files" hands over to the shell's own file completion.
const bashCompletion = `# auditpack completion for bash: source it, or put it in /etc/bash_completion.d/auditpack
_auditpack_complete() {
  local cur="${COMP_WORDS[COMP_CWORD]}" line words=()
  COMPREPLY=()
  while IFS= read -r line; do
    if [ "$line" = ":files" ]; then
      compopt -o default 2>/dev/null
      COMPREPLY+=($(compgen -f -- "$cur"))
    else
      words+=("${line%%$'\t'*}")
    fi
  done < <("${COMP_WORDS[0]}" __complete "${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null)
  COMPREPLY+=("${words[@]}")
}
complete -F _auditpack_complete auditpack
`

const zshCompletion = `#compdef auditpack
# auditpack completion for zsh: put it on $fpath as _auditpack
_auditpack() {
  local -a cands
  local line files=0 ret=1
  for line in "${(@f)$(${words[1]} __complete "${(@)words[2,CURRENT]}" 2>/dev/null)}"; do
    [[ -z $line ]] && continue
    if [[ $line == ":files" ]]; then files=1; continue; fi
    if [[ $line == *$'\t'* ]]; then cands+=("${line%%$'\t'*}:${line#*$'\t'}"); else cands+=("$line"); fi
  done
  (( ${#cands} )) && _describe 'auditpack' cands && ret=0
  (( files )) && _files && ret=0
  return ret
}
compdef _auditpack auditpack
`

const fishCompletion = `# auditpack completion for fish: put it in ~/.config/fish/completions/auditpack.fish
function __auditpack_complete
    set -l words (commandline -opc)[2..-1] (commandline -ct)
    for line in (auditpack __complete $words 2>/dev/null)
        if test "$line" = ":files"
            __fish_complete_path (commandline -ct)
        else
            echo $line
        end
    end
end
complete -c auditpack -f -a '(__auditpack_complete)'
`

// writeCompletion prints the script for a shell.
func writeCompletion(w io.Writer, shell string) error {
	scripts := map[string]string{"bash": bashCompletion, "zsh": zshCompletion, "fish": fishCompletion}
	script, ok := scripts[shell]
	if !ok {
		return inputError(fmt.Errorf("completion takes bash, zsh or fish"))
	}
	_, err := io.WriteString(w, script)
	return err
}
