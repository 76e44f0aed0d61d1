package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/auditpack/auditpack/internal/atomicfile"
	"github.com/auditpack/auditpack/internal/report"
	"github.com/auditpack/auditpack/packs"
)

func reportCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "report",
		Usage: "merge many hosts' verify results into one report",
		UsageText: `auditpack report RESULT.json... [--format html|json]
auditpack report RESULT.json... --format cklb -o DIR

Each RESULT.json is one host's auditpack verify --format json (with
--kernel or --host, or --host-name: it must name its host, and it has
the time it ran). html is a host x control matrix, the controls that
differ between hosts and those that fail first; json the same as data;
cklb writes one STIG Viewer 3 checklist per host into DIR. Results are
keyed by host and profile: of two results of one host and profile the
newer is kept (the report names the other), so no host's verdicts are
ever mixed with another's.

Exit codes: 0 every control passes on every host, 1 some fail, 2 usage
or input errors.

Examples:
   auditpack report results/*.json > fleet.html
   auditpack report results/*.json --format cklb -o checklists/`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "format", Value: "html", Usage: "output `FORMAT`: " + report.FleetFormatNames()},
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "with --format cklb: the `DIR` to write one checklist per host into"},
		},
		Action: func(c *cli.Context) error {
			format, out := c.String("format"), c.String("output")
			switch {
			case c.NArg() == 0:
				return inputError(errors.New("report needs the hosts' results: auditpack report RESULT.json... (each from auditpack verify --format json)"))
			case format == "cklb" && out == "":
				return inputError(errors.New("--format cklb writes one file per host: give the directory with -o DIR"))
			case format != "cklb" && out != "":
				return inputError(fmt.Errorf("-o goes with --format cklb; --format %s writes to standard output", format))
			case format != "cklb" && report.FleetFormats[format] == nil:
				return inputError(fmt.Errorf("--format %q: use one of %s", format, report.FleetFormatNames()))
			}
			var files []report.FleetFile
			for _, name := range c.Args().Slice() {
				data, err := packs.ReadFile("result", name)
				if err != nil {
					return inputError(err)
				}
				r, err := report.ReadReportJSON(bytes.NewReader(data), name)
				if err != nil {
					return inputError(err)
				}
				files = append(files, report.FleetFile{Name: name, Report: r})
			}
			fleet := report.MergeFleet(files)
			fleet.Generated, fleet.Tool = e.now().UTC().Format(time.RFC3339), "auditpack "+e.version
			if format == "cklb" {
				if err := writeChecklists(e.stderr, out, fleet); err != nil {
					return failedError(err)
				}
			} else if err := report.FleetFormats[format](e.stdout, fleet); err != nil {
				return failedError(err)
			}
			for _, s := range fleet.Superseded {
				fmt.Fprintf(e.stderr, "auditpack: superseded: %s\n", s)
			}
			failing := 0
			for _, h := range fleet.Hosts {
				if h.Fail > 0 {
					failing++
				}
			}
			if failing > 0 {
				return failedError(fmt.Errorf("controls fail on %d of %d hosts", failing, len(fleet.Hosts)))
			}
			return nil
		},
	}
}

// writeChecklists writes each host's CKLB into dir, each file atomically.
func writeChecklists(log io.Writer, dir string, fleet *report.Fleet) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, h := range fleet.Hosts {
		path := filepath.Join(dir, report.FleetCKLBName(h))
		if err := atomicfile.Write(path, 0o644, func(w io.Writer) error { return report.WriteReportCKLB(w, h.Report) }); err != nil {
			return fmt.Errorf("write the checklist of %s: %w", h.Name(), err)
		}
		fmt.Fprintf(log, "wrote %s\n", path)
	}
	return nil
}
