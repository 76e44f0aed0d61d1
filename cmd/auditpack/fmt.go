package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"

	"github.com/urfave/cli/v2"

	"github.com/auditpack/auditpack/internal/atomicfile"
	"github.com/auditpack/auditpack/internal/text"
	"github.com/auditpack/auditpack/internal/udiff"
	"github.com/auditpack/auditpack/packs"
)

func fmtCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "fmt",
		Usage: "rewrite rules files in canonical spelling, without changing what they mean",
		UsageText: `auditpack fmt [-w | --check] PATH...

PATH is a .rules file or a directory of them, or - for standard input.
Without -w or --check the formatted files are printed. The kernel gets exactly the same rules before
and after; comments and blank lines stay.

Exit codes: 0 done (or, with --check, nothing to change), 1 --check found
files to change (or -w could not write one), 2 usage or input errors.

Examples:
   auditpack fmt --check rules.d
   auditpack fmt -w rules.d/30-site.rules`,
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "write", Aliases: []string{"w"}, Usage: "rewrite the files that change, each replaced whole (mode, owner and group kept; other hard links keep the old text)"},
			&cli.BoolFlag{Name: "check", Usage: "print a diff of the files that would change and exit 1"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() == 0 {
				return inputError(fmt.Errorf("fmt takes the files or directories to format"))
			}
			var files []string
			for _, p := range c.Args().Slice() {
				if p == packs.StdinPath {
					if c.Bool("write") {
						return inputError(errors.New("fmt -w rewrites files; standard input (-) has none: drop -w to print it formatted"))
					}
					files = append(files, p)
					continue
				}
				names, err := packs.RulesFiles(p)
				if err != nil {
					return inputError(err)
				}
				files = append(files, names...)
			}
			// Every file is read first: an unreadable one stops fmt before
			// anything is printed or written.
			contents := make([][]byte, len(files))
			for i, path := range files {
				var err error
				if path == packs.StdinPath {
					contents[i], err = packs.ReadStdinData(e.stdin)
				} else {
					contents[i], err = packs.ReadFile("", path)
				}
				if err != nil {
					return inputError(err)
				}
			}
			changed := 0
			for i, path := range files {
				data := contents[i]
				out, err := packs.Format(path, data)
				if err != nil {
					return inputError(err)
				}
				switch {
				case c.Bool("check"):
					if !bytes.Equal(out, data) {
						changed++
						fmt.Fprint(c.App.Writer, udiff.Unified(path, path+" (formatted)", string(data), string(out), func(_, s string) string { return s }))
					}
				case c.Bool("write"):
					if bytes.Equal(out, data) {
						continue
					}
					info, err := os.Stat(path)
					if err != nil {
						return failedError(err)
					}
					if err := atomicfile.Replace(path, out); err != nil {
						return failedError(err)
					}
					if n := atomicfile.OtherLinks(info); n > 0 {
						fmt.Fprintf(c.App.ErrWriter, "formatted %s as a new file (replaced whole, so that a crash leaves the old file or the new one); the old text stays under its %s\n", path, text.Count(n, "other hard link"))
						continue
					}
					fmt.Fprintf(c.App.ErrWriter, "formatted %s\n", path)
				default:
					if _, err := c.App.Writer.Write(out); err != nil {
						return failedError(err)
					}
				}
			}
			if changed > 0 {
				return failedError(fmt.Errorf("%s not formatted; run auditpack fmt -w", text.Count(changed, "file")))
			}
			return nil
		},
	}
}
