package report

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/auditpack/auditpack/internal/text"
	"github.com/auditpack/auditpack/packs/model"
)

// Verify's report: a result per control of a profile.

// Status of a control.
const (
	Pass = "PASS"
	Fail = "FAIL"
	// NotChecked: the target holds no evidence either way (the kernel
	// command line of a rules file); never a pass without evidence.
	NotChecked = "NOT CHECKED"
)

// ControlResult is the verdict on one control with its evidence.
type ControlResult struct {
	ID       string
	Title    string // the requirement in its standard's words, when a pack states it
	Standard string // that standard and its release
	Status   string
	Evidence []Evidence // what in the target implements it
	Missing  []string   // what to add to the target, each with the requirement it comes from
	Notes    []string   // partial exclusions and the like, which do not fail it

	// Live is verify --live's evidence; nil without --live.
	Live *LiveResult
}

// Evidence is a target line, or a setting, that implements a control.
type Evidence struct {
	Origin  model.Origin
	Setting string // "-e 2" for a setting; empty for a rule line
}

func (e Evidence) String() string {
	if e.Setting != "" {
		return e.Setting
	}
	return e.Origin.String()
}

// Report is verify's answer for a whole profile.
type Report struct {
	Profile string
	Target  string
	// Boot is how the host loads its rules at boot, when the target is
	// its kernel: what a reboot would replace the checked rules with.
	Boot    string
	Results []ControlResult
	// For the report an auditor reads (HTML): the packs verified against,
	// the settings compared, who wrote it and when, and the host.
	Packs     []string
	Settings  []SettingRow
	Generated string // RFC 3339
	Tool      string // "auditpack 0.1.0"
	Host      string // hostname and kernel release, for a kernel target
	// Error is why nothing could be verified (a usage or input error), for
	// the formats that must say so in band (JSON).
	Error string
	// Live is what verify --live ran; nil without --live.
	Live *LiveRun
}

// SettingRow is a control setting as the profile asks for it and as the
// target has it ("" for unset).
type SettingRow struct {
	Option         string
	Wanted, Target string
}

func (r *Report) count(status string) int {
	n := 0
	for _, c := range r.Results {
		if c.Status == status {
			n++
		}
	}
	return n
}

// Failed counts the controls that fail: by the target's rules, or, with
// --live, by the kernel's records.
func (r *Report) Failed() int {
	n := 0
	for _, c := range r.Results {
		if c.Status == Fail || c.Live != nil && c.Live.Verdict == LiveFail {
			n++
		}
	}
	return n
}

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
		switch c.Status {
		case Fail:
			detail = strings.Join(c.Missing, "; ")
		case NotChecked:
			detail = strings.Join(c.Notes, "; ")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", c.ID, c.Status, detail)
		for _, n := range c.Notes {
			if c.Status == NotChecked {
				break // the notes are its detail
			}
			fmt.Fprintf(tw, "\t\tnote: %s\n", n)
		}
		if c.Live != nil {
			fmt.Fprintf(tw, "\t\t%s\n", liveLine(c.Live))
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	unchecked := ""
	if n := r.count(NotChecked); n > 0 {
		unchecked = fmt.Sprintf(" (%d not checked)", n)
	}
	if _, err := fmt.Fprintf(w, "%d of %s of profile %s pass on %s%s\n", r.count(Pass), text.Count(len(r.Results), "control"), r.Profile, r.Target, unchecked); err != nil {
		return err
	}
	if r.Boot != "" {
		if _, err := fmt.Fprintf(w, "boot: %s (auditpack verify --boot compares it with the kernel)\n", r.Boot); err != nil {
			return err
		}
	}
	if r.Live != nil {
		return writeLiveText(w, r)
	}
	return nil
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
		Title    string       `json:"title,omitempty"`
		Standard string       `json:"standard,omitempty"`
		Status   string       `json:"status"`
		Evidence []jsonOrigin `json:"evidence"`
		Missing  []string     `json:"missing"`
		Notes    []string     `json:"notes"`
		Live     *jsonLive    `json:"live,omitempty"`
	}
	out := struct {
		Profile  string    `json:"profile"`
		Target   string    `json:"target"`
		Controls []control `json:"controls"`
		Summary  struct {
			Pass       int `json:"pass"`
			Fail       int `json:"fail"`
			NotChecked int `json:"not_checked"`
		} `json:"summary"`
		Boot  string       `json:"boot,omitempty"`
		Live  *jsonLiveRun `json:"live,omitempty"`
		Error string       `json:"error,omitempty"`
	}{Profile: r.Profile, Target: r.Target, Boot: r.Boot, Controls: []control{}, Live: jsonLiveRunOf(r), Error: r.Error}
	for _, c := range r.Results {
		jc := control{Control: c.ID, Title: c.Title, Standard: c.Standard, Status: c.Status, Evidence: []jsonOrigin{}, Missing: append([]string{}, c.Missing...), Notes: append([]string{}, c.Notes...),
			Live: jsonLiveOf(c.Live)}
		for _, e := range c.Evidence {
			jc.Evidence = append(jc.Evidence, jsonOrigin{File: e.Origin.File, Line: e.Origin.Line, Setting: e.Setting})
		}
		out.Controls = append(out.Controls, jc)
	}
	out.Summary.Fail, out.Summary.Pass, out.Summary.NotChecked = r.count(Fail), r.count(Pass), r.count(NotChecked)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}

// WriteReportGitHub prints a GitHub Actions annotation per failing control
// (or for why nothing could be verified).
func WriteReportGitHub(w io.Writer, r *Report) error {
	bw := bufio.NewWriter(w)
	writeGitHubError(bw, r.Error)
	for _, c := range r.Results {
		if c.Status != Fail {
			continue
		}
		fmt.Fprintf(bw, "::error title=%s::%s\n", ghProperty(c.ID+" not covered"), ghData(strings.Join(c.Missing, "\n")))
	}
	return bw.Flush()
}

// WriteReportJUnit reports verify as one test case per control, or one
// in error saying why nothing could be verified.
func WriteReportJUnit(w io.Writer, r *Report) error {
	cases := errorCase(r.Error)
	for _, c := range r.Results {
		cases = append(cases, JUnitCase{Name: c.ID, Failures: c.Missing})
	}
	return WriteJUnit(w, "auditpack verify "+r.Profile, cases)
}

// VerifyFormats are verify's output formats, by --format name.
var VerifyFormats = map[string]func(io.Writer, *Report) error{
	"text": WriteReport, "json": WriteReportJSON, "github": WriteReportGitHub, "junit": WriteReportJUnit, "html": WriteReportHTML,
}
