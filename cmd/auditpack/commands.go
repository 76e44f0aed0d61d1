package main

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/auditpack/auditpack/compile"
	"github.com/auditpack/auditpack/packs"
	"github.com/auditpack/auditpack/profiles"
)

var packRootsFlag = &cli.StringSliceFlag{
	Name:  "packs",
	Usage: "also read packs from `DIR` (a directory of packs, or one pack); repeatable",
}

func packsCommand() *cli.Command {
	return &cli.Command{
		Name:         "packs",
		Usage:        "list and inspect rule packs",
		OnUsageError: usageError,
		Subcommands: []*cli.Command{
			{
				Name:         "list",
				Usage:        "list the embedded packs and those under --packs",
				UsageText:    "auditpack packs list [--packs DIR]...",
				Flags:        []cli.Flag{packRootsFlag},
				OnUsageError: usageError,
				Action: func(c *cli.Context) error {
					catalog, err := packs.NewCatalog(c.StringSlice("packs")...)
					if err != nil {
						return inputError(err)
					}
					return packs.WriteList(c.App.Writer, catalog.Packs())
				},
			},
			{
				Name:  "show",
				Usage: "show a pack: its standard, files, rules and controls",
				UsageText: `auditpack packs show NAME[@CONSTRAINT] [--packs DIR]...

Examples:
   auditpack packs show stig
   auditpack packs show base-config@^1`,
				Flags:        []cli.Flag{packRootsFlag},
				OnUsageError: usageError,
				Action: func(c *cli.Context) error {
					if c.NArg() != 1 {
						return inputError(fmt.Errorf("packs show takes one pack name, e.g. auditpack packs show stig"))
					}
					catalog, err := packs.NewCatalog(c.StringSlice("packs")...)
					if err != nil {
						return inputError(err)
					}
					p, err := catalog.Find(c.Args().First())
					if err != nil {
						return inputError(err)
					}
					files, err := p.Open()
					if err != nil {
						return inputError(err)
					}
					return packs.WriteDetails(c.App.Writer, p, files, catalog.Packs())
				},
			},
		},
	}
}

func profilesCommand() *cli.Command {
	return &cli.Command{
		Name:         "profiles",
		Usage:        "list and inspect compliance profiles",
		OnUsageError: usageError,
		Subcommands: []*cli.Command{
			{
				Name:         "list",
				Usage:        "list the embedded profiles",
				UsageText:    "auditpack profiles list",
				OnUsageError: usageError,
				Action: func(c *cli.Context) error {
					list, err := profiles.List()
					if err != nil {
						return failedError(err)
					}
					return profiles.WriteList(c.App.Writer, list)
				},
			},
			{
				Name:  "show",
				Usage: "show a profile: the packs it resolves to, arches and settings",
				UsageText: `auditpack profiles show NAME|FILE.toml [--packs DIR]...

Examples:
   auditpack profiles show stig
   auditpack profiles show ./site.toml --packs ./packs`,
				Flags:        []cli.Flag{packRootsFlag},
				OnUsageError: usageError,
				Action: func(c *cli.Context) error {
					if c.NArg() != 1 {
						return inputError(fmt.Errorf("profiles show takes one profile name, e.g. auditpack profiles show stig"))
					}
					p, err := profiles.Load(c.Args().First())
					if err != nil {
						return inputError(err)
					}
					catalog, err := packs.NewCatalog(c.StringSlice("packs")...)
					if err != nil {
						return inputError(err)
					}
					return profiles.WriteDetails(c.App.Writer, p, catalog)
				},
			},
		},
	}
}

func compileCommand() *cli.Command {
	return &cli.Command{
		Name:  "compile",
		Usage: "merge packs and rule files into one audit.rules",
		UsageText: `auditpack compile [--profile P] [--packs DIR]... [-o FILE] [PATH...]

PATH is a .rules file, a rules.d directory or a pack directory. Files are
merged in the order augenrules uses (GNU version sort of the file names); the
last -D, -b and -f move to the top and the last -e to the end. With neither
PATH nor --profile, /etc/audit/rules.d is compiled.

Examples:
   auditpack compile --profile stig
   auditpack compile --profile pci-dss ./rules.d -o /etc/audit/audit.rules
   auditpack compile /etc/audit/rules.d`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "profile", Usage: "compliance profile `NAME` (auditpack profiles list) or a profile FILE.toml"},
			packRootsFlag,
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write to `FILE` atomically (mode 0640) instead of standard output"},
		},
		OnUsageError: usageError,
		Action: func(c *cli.Context) error {
			sel, err := profiles.Select(profiles.Request{Profile: c.String("profile"), PackRoots: c.StringSlice("packs"), Paths: c.Args().Slice()})
			if err != nil {
				return inputError(err)
			}
			res, err := compile.Merge(sel)
			if err != nil {
				return inputError(err)
			}
			out := res.Render(version)
			if path := c.String("output"); path != "" {
				if err := compile.WriteFileAtomic(path, out, 0o640); err != nil {
					return failedError(err)
				}
				fmt.Fprintf(c.App.ErrWriter, "wrote %s: %s\n", path, res.Summary())
				return nil
			}
			_, err = c.App.Writer.Write(out)
			return err
		},
	}
}
