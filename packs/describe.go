package packs

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// WriteList prints one line per pack: name, version, order, what it implements.
func WriteList(w io.Writer, list []*Pack) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tVERSION\tORDER\tSTANDARD")
	for _, p := range list {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\n", p.Name, p.Version, p.Order, p.Standard)
	}
	return tw.Flush()
}

// WriteDetails prints a pack's manifest, its files with their rule and
// control counts, and the other versions the catalog has.
func WriteDetails(w io.Writer, p *Pack, files []*File, all []*Pack) error {
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
	fmt.Fprintf(tw, "order:\t%d\n", p.Order)
	fmt.Fprintf(tw, "arches:\t%s\n", strings.Join(p.Arches, " "))
	fmt.Fprintf(tw, "from:\t%s\n", p.Dir)
	if len(others) > 0 {
		fmt.Fprintf(tw, "other versions:\t%s\n", strings.Join(others, " "))
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
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", f.Name, plural(rules, "rule"), plural(directives, "directive"), plural(len(controls), "control"))
	}
	return tw.Flush()
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// Listing is a pack's rules as text for comparing two versions: each file
// under a header, each line with the controls it implements.
func Listing(files []*File) string {
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
