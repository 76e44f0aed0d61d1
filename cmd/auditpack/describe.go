package main

import (
	"bufio"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/auditpack/auditpack/internal/text"
	"github.com/auditpack/auditpack/packs"
	"github.com/auditpack/auditpack/profiles"
	"github.com/auditpack/auditpack/profiles/verify"
)

// Listings of packs and profiles for people: packs list|show|diff and
// profiles list|show.

// writePackList prints one line per pack: name, version, order, what it implements.
func writePackList(w io.Writer, list []*packs.Pack) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tVERSION\tRELEASE\tORDER\tSTANDARD")
	for _, p := range list {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\n", p.Name, p.Version, orDash(p.Release), p.Order, p.Standard)
	}
	return tw.Flush()
}

// writePackDetails prints a pack's manifest, its files with their rule and
// control counts, and the other versions the catalog has.
func writePackDetails(w io.Writer, p *packs.Pack, files []*packs.File, all []*packs.Pack) error {
	var others []string
	for _, q := range all {
		if q.Name == p.Name && q != p {
			others = append(others, q.Version.String())
		}
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "pack:\t%s\n", p.ID())
	fmt.Fprintf(tw, "description:\t%s\n", p.Description)
	fmt.Fprintf(tw, "standard:\t%s\n", p.Standard)
	if p.Release != "" {
		fmt.Fprintf(tw, "release:\t%s\n", p.Release)
	}
	fmt.Fprintf(tw, "order:\t%d\n", p.Order)
	fmt.Fprintf(tw, "arches:\t%s\n", strings.Join(p.Arches, " "))
	fmt.Fprintf(tw, "from:\t%s\n", p.Dir)
	if len(others) > 0 {
		fmt.Fprintf(tw, "other versions:\t%s\n", strings.Join(others, " "))
	}
	r, err := p.Requirements()
	if err != nil {
		return err
	}
	if r != nil {
		fmt.Fprintf(tw, "requirements:\t%s as %s words them (%s; profiles show --controls lists them)\n", text.Count(len(r.List), "control"), r.Describe(), packs.RequirementsName)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w, "files:")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, f := range files {
		rules, directives := 0, 0
		controls := map[string]bool{}
		for i := range f.Items {
			if f.Items[i].IsDirective() {
				directives++
			} else {
				rules++
			}
			for _, c := range f.Items[i].Controls {
				controls[c] = true
			}
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", f.Name, text.Count(rules, "rule"), text.Count(directives, "directive"), text.Count(len(controls), "control"))
	}
	return tw.Flush()
}

// writeRequirementChanges lists what differs between two versions of a
// pack's requirements; it reports whether anything does. Nothing is
// written unless both versions state requirements.
func writeRequirementChanges(w io.Writer, old, new *packs.Requirements) (bool, error) {
	if old == nil || new == nil {
		return false, nil
	}
	changes := packs.DiffRequirements(old, new)
	if len(changes) == 0 {
		return false, nil
	}
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "requirements: %s -> %s (%d -> %d)\n", old.Describe(), new.Describe(), len(old.List), len(new.List))
	for _, c := range changes {
		fmt.Fprintf(bw, "  %-8s %s  %s\n", c.Kind, c.ID, c.Title)
		for _, l := range c.Lines {
			fmt.Fprintf(bw, "             %s\n", l)
		}
	}
	return true, bw.Flush()
}

// packListing is a pack's rules as text for comparing two versions: each file
// under a header, each line with the controls it implements.
func packListing(files []*packs.File) string {
	var b strings.Builder
	for _, f := range files {
		fmt.Fprintf(&b, "## %s\n", f.Name)
		for _, it := range f.Items {
			b.WriteString(strings.TrimSpace(it.Text))
			if len(it.Controls) > 0 {
				b.WriteString("    # controls: " + strings.Join(it.Controls, " "))
			}
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// writeProfileList prints one line per profile: its name, the product it
// is for, the releases of the standard its packs resolve to, its packs
// and description; then the family names that mean the host's product.
func writeProfileList(w io.Writer, list []*profiles.Profile, catalog *packs.Catalog) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tPRODUCT\tRELEASE\tPACKS\tDESCRIPTION")
	for _, p := range list {
		var releases []string
		for _, ref := range p.Packs {
			if pack, err := catalog.Find(ref); err == nil && pack.Release != "" {
				releases = append(releases, pack.Release)
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", p.Name, orDash(p.Product), orDash(strings.Join(releases, " ")), strings.Join(p.Packs, " "), p.Description)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	families := profiles.Families(list)
	names := make([]string, 0, len(families))
	for f := range families {
		names = append(names, f)
	}
	sort.Strings(names)
	for _, f := range names {
		fmt.Fprintf(w, "%s: the %s profile of the host's product (%s), read from /etc/os-release where auditpack runs on the host (apply, --host, verify --kernel)\n", f, f, strings.Join(families[f], ", "))
	}
	return nil
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// writeProfileDetails prints a profile and the pack version each reference
// resolves to in the catalog; unknown are the references none does.
func writeProfileDetails(w io.Writer, p *profiles.Profile, catalog *packs.Catalog) (unknown []string, err error) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "profile:\t%s\n", p.Name)
	fmt.Fprintf(tw, "description:\t%s\n", p.Description)
	if p.Product != "" {
		fmt.Fprintf(tw, "product:\t%s\n", p.Product)
	}
	fmt.Fprintf(tw, "from:\t%s\n", p.Source)
	fmt.Fprintf(tw, "arches:\t%s\n", strings.Join(p.Arches, " "))
	if err := tw.Flush(); err != nil {
		return nil, err
	}
	fmt.Fprintln(w, "packs:")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, ref := range p.Packs {
		pack, err := catalog.Find(ref)
		if err != nil {
			unknown = append(unknown, ref)
			fmt.Fprintf(tw, "  %s\t-> not available: %v\n", ref, err)
			continue
		}
		fmt.Fprintf(tw, "  %s\t-> %s\t%s\n", ref, pack.ID(), pack.Standard)
	}
	if err := tw.Flush(); err != nil {
		return nil, err
	}
	if len(p.Settings) > 0 {
		fmt.Fprintln(w, "settings (override the packs):")
		for _, d := range p.Settings {
			fmt.Fprintf(w, "  %s %s\n", d.Option, d.Value)
		}
	}
	if len(p.Facts) > 0 {
		fmt.Fprintf(w, "host facts (unless --host reads the host's): %s\n", p.Facts)
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
			if reason := p.SeverityReasons[id]; reason != "" {
				fmt.Fprintf(w, "    because %s\n", reason)
			}
		}
	}
	return unknown, nil
}

// writeControls lists every control of a rule set: the requirement in
// its standard's words where a pack states it, and the lines that
// implement it.
func writeControls(w io.Writer, controls []*verify.Control) error {
	bw := bufio.NewWriter(w)
	for _, c := range controls {
		fmt.Fprintf(bw, "%s\n", c.ID)
		if r := c.Requirement; r != nil {
			about := c.Standard
			if r.Severity != "" {
				about += ", " + r.Severity
			}
			fmt.Fprintf(bw, "  %s (%s)\n", r.Title, about)
			if len(r.Satisfies) > 0 {
				fmt.Fprintf(bw, "  satisfies: %s\n", strings.Join(r.Satisfies, " "))
			}
			if len(r.Levels) > 0 {
				fmt.Fprintf(bw, "  levels: %s\n", strings.Join(r.Levels, ", "))
			}
			fmt.Fprintln(bw, "  requires:")
			for _, it := range r.Lines {
				fmt.Fprintf(bw, "    %s\n", strings.TrimSpace(it.Text))
			}
			for _, p := range r.Cmdline {
				fmt.Fprintf(bw, "    %s on the kernel command line\n", p)
			}
			for _, it := range r.Forbidden {
				fmt.Fprintf(bw, "    not loaded: %s\n", strings.TrimSpace(it.Text))
			}
			for _, a := range r.Auditd {
				fmt.Fprintf(bw, "    auditd.conf: %s\n", a)
			}
			for _, a := range r.Paths {
				fmt.Fprintf(bw, "    %s\n", a)
			}
			if r.Boot {
				fmt.Fprintln(bw, "    the rules the host loads at boot are the running ones (verify --kernel, as verify --boot)")
			}
			if r.OutsideRules != "" {
				fmt.Fprintf(bw, "    outside audit rules: %s\n", r.OutsideRules)
			}
			if r.Note != "" {
				fmt.Fprintf(bw, "  note: %s\n", r.Note)
			}
		}
		if len(c.From) > 0 {
			fmt.Fprintf(bw, "  satisfied by: %s\n", strings.Join(c.From, " "))
			continue
		}
		if c.Requirement != nil && len(c.Items) > 0 {
			fmt.Fprintln(bw, "  implemented by:")
		}
		for _, it := range c.Items {
			fmt.Fprintf(bw, "    %s  %s\n", it.Origin.Describe(), strings.TrimSpace(it.Text))
		}
	}
	return bw.Flush()
}
