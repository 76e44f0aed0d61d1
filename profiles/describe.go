package profiles

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/auditpack/auditpack/packs"
)

// WriteList prints one line per profile: its name, packs and description.
func WriteList(w io.Writer, list []*Profile) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tPACKS\tDESCRIPTION")
	for _, p := range list {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", p.Name, strings.Join(p.Packs, " "), p.Description)
	}
	return tw.Flush()
}

// WriteDetails prints a profile and the pack version each reference
// resolves to in the catalog.
func WriteDetails(w io.Writer, p *Profile, catalog *packs.Catalog) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "profile:\t%s\n", p.Name)
	fmt.Fprintf(tw, "description:\t%s\n", p.Description)
	fmt.Fprintf(tw, "from:\t%s\n", p.Source)
	fmt.Fprintf(tw, "arches:\t%s\n", strings.Join(p.Arches, " "))
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w, "packs:")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, ref := range p.Packs {
		pack, err := catalog.Find(ref)
		if err != nil {
			fmt.Fprintf(tw, "  %s\t-> not available: %v\n", ref, err)
			continue
		}
		fmt.Fprintf(tw, "  %s\t-> %s\t%s\n", ref, pack.ID(), pack.Standard)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(p.Settings) > 0 {
		fmt.Fprintln(w, "settings (override the packs):")
		for _, d := range p.Settings {
			fmt.Fprintf(w, "  %s %s\n", d.Option, d.Value)
		}
	}
	if len(p.Severity) > 0 {
		fmt.Fprintln(w, "lint severity:")
		ids := make([]string, 0, len(p.Severity))
		for id := range p.Severity {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		for _, id := range ids {
			fmt.Fprintf(w, "  %s = %s\n", id, p.Severity[id])
		}
	}
	return nil
}
