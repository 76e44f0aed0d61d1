package verify

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// WriteReport prints one line per control: status and evidence (the target
// lines that implement it) or what is missing, then a summary.
func WriteReport(w io.Writer, r *Report) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "CONTROL\tSTATUS\tEVIDENCE")
	for _, c := range r.Results {
		var ev []string
		for _, e := range c.Evidence {
			ev = append(ev, e.String())
		}
		detail := strings.Join(ev, " ")
		if c.Status == Fail {
			detail = strings.Join(c.Missing, "; ")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", c.ID, c.Status, detail)
		for _, n := range c.Notes {
			fmt.Fprintf(tw, "\t\tnote: %s\n", n)
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "%d of %d controls of profile %s pass on %s\n", len(r.Results)-r.Failed(), len(r.Results), r.Profile, r.Target)
	return err
}

type jsonOrigin struct {
	File    string `json:"file"`
	Line    int    `json:"line,omitempty"`
	Setting string `json:"setting,omitempty"`
}

// WriteReportJSON prints the report as one JSON object.
func WriteReportJSON(w io.Writer, r *Report) error {
	type control struct {
		Control  string       `json:"control"`
		Status   string       `json:"status"`
		Evidence []jsonOrigin `json:"evidence"`
		Missing  []string     `json:"missing"`
		Notes    []string     `json:"notes"`
	}
	out := struct {
		Profile  string    `json:"profile"`
		Target   string    `json:"target"`
		Controls []control `json:"controls"`
		Summary  struct {
			Pass int `json:"pass"`
			Fail int `json:"fail"`
		} `json:"summary"`
	}{Profile: r.Profile, Target: r.Target, Controls: []control{}}
	for _, c := range r.Results {
		jc := control{Control: c.ID, Status: c.Status, Evidence: []jsonOrigin{}, Missing: append([]string{}, c.Missing...), Notes: append([]string{}, c.Notes...)}
		for _, e := range c.Evidence {
			jc.Evidence = append(jc.Evidence, jsonOrigin{File: e.Origin.File, Line: e.Origin.Line, Setting: e.Setting})
		}
		out.Controls = append(out.Controls, jc)
	}
	out.Summary.Fail = r.Failed()
	out.Summary.Pass = len(r.Results) - out.Summary.Fail
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}

// WriteControls lists every control of a rule set with the lines that
// implement it.
func WriteControls(w io.Writer, controls []Control) error {
	for _, c := range controls {
		if _, err := fmt.Fprintf(w, "%s\n", c.ID); err != nil {
			return err
		}
		for _, it := range c.Items {
			fmt.Fprintf(w, "    %s  %s\n", it.Origin.Describe(), strings.TrimSpace(it.Text))
		}
	}
	return nil
}

// WriteReportGitHub prints a GitHub Actions annotation per failing control.
func WriteReportGitHub(w io.Writer, r *Report) error {
	for _, c := range r.Results {
		if c.Status != Fail {
			continue
		}
		msg := strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(strings.Join(c.Missing, "\n"))
		if _, err := fmt.Fprintf(w, "::error title=%s not covered::%s\n", c.ID, msg); err != nil {
			return err
		}
	}
	return nil
}
