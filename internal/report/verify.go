package report

import (
	"bufio"
	"fmt"
	"io"
	"slices"
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
	// Add are the rule and control lines that close the gaps, for a
	// copyable block (Missing says each with the requirement it is for).
	Add []string
	// Rule is what the standard's manual says of the control (a STIG's
	// IDs, severity, CCIs and texts); nil where no pack states it.
	Rule *Rule
	// RollUp: the control is judged by the requirements that satisfy it
	// (a STIG's SRG IDs); the checklist formats leave it out.
	RollUp bool

	// Live is verify --live's evidence; nil without --live.
	Live *LiveResult
}

// Evidence is a target line, or a setting, that implements a control.
type Evidence struct {
	Origin  model.Origin
	Setting string // "-e 2" for a setting; empty for a rule line
	Text    string // the rule line as the target has it
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
	// Asset is the host the target is (its name, addresses, system), as
	// read on it (--kernel, --host) or given with --host-name and the like.
	Asset Asset
	// Benchmarks are the documents the packs' requirements come from, in
	// the packs' order; Rule.Benchmark names one.
	Benchmarks []Benchmark
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
	Met            bool // the target's value meets the one asked for
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
		if c.failing() {
			n++
		}
	}
	return n
}

// failing says whether a control fails, by its rules or live.
func (c *ControlResult) failing() bool {
	return c.Status == Fail || c.Live != nil && c.Live.Verdict == LiveFail
}

// failures are what makes a control fail: what its rules miss, and why
// the kernel recorded nothing live.
func (c *ControlResult) failures() []string {
	if c.Live == nil || c.Live.Verdict != LiveFail {
		return c.Missing
	}
	return append(slices.Clip(c.Missing), "live: "+c.Live.Reason)
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
	Text    string `json:"text,omitempty"`
}

// jsonReport is verify's JSON: what the fleet report reads back too, so a
// result file carries everything the assessor formats write.
type jsonReport struct {
	Profile    string           `json:"profile"`
	Target     string           `json:"target"`
	Generated  string           `json:"generated,omitempty"`
	Tool       string           `json:"tool,omitempty"`
	Host       *jsonAsset       `json:"host,omitempty"`
	Packs      []string         `json:"packs,omitempty"`
	Benchmarks []jsonBenchmark  `json:"benchmarks,omitempty"`
	Controls   []jsonControl    `json:"controls"`
	Settings   []jsonSettingRow `json:"settings,omitempty"`
	Summary    struct {
		Pass       int `json:"pass"`
		Fail       int `json:"fail"`
		NotChecked int `json:"not_checked"`
	} `json:"summary"`
	Boot  string       `json:"boot,omitempty"`
	Live  *jsonLiveRun `json:"live,omitempty"`
	Error string       `json:"error,omitempty"`
}

type jsonControl struct {
	Control  string       `json:"control"`
	Title    string       `json:"title,omitempty"`
	Standard string       `json:"standard,omitempty"`
	Status   string       `json:"status"`
	Evidence []jsonOrigin `json:"evidence"`
	Missing  []string     `json:"missing"`
	Notes    []string     `json:"notes"`
	Add      []string     `json:"add,omitempty"`
	RollUp   bool         `json:"roll_up,omitempty"`
	Rule     *jsonRule    `json:"rule,omitempty"`
	Live     *jsonLive    `json:"live,omitempty"`
}

type jsonRule struct {
	Benchmark  string   `json:"benchmark"`
	Severity   string   `json:"severity,omitempty"`
	Vuln       string   `json:"vuln,omitempty"`
	RuleID     string   `json:"rule_id,omitempty"`
	GroupTitle string   `json:"group_title,omitempty"`
	Weight     string   `json:"weight,omitempty"`
	CCIs       []string `json:"ccis,omitempty"`
	FixID      string   `json:"fix_id,omitempty"`
	Discussion string   `json:"discussion,omitempty"`
	Check      string   `json:"check,omitempty"`
	Fix        string   `json:"fix,omitempty"`
}

type jsonBenchmark struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	Version     string `json:"version,omitempty"`
	ReleaseInfo string `json:"release_info,omitempty"`
	Standard    string `json:"standard,omitempty"`
	Pack        string `json:"pack"`
}

type jsonAsset struct {
	HostName string   `json:"host_name,omitempty"`
	FQDN     string   `json:"fqdn,omitempty"`
	IPs      []string `json:"ip,omitempty"`
	MACs     []string `json:"mac,omitempty"`
	OS       string   `json:"os,omitempty"`
}

type jsonSettingRow struct {
	Option string `json:"option"`
	Wanted string `json:"wanted"`
	Target string `json:"target"`
	Met    bool   `json:"met"`
}

// WriteReportJSON prints the report as one JSON object.
func WriteReportJSON(w io.Writer, r *Report) error {
	out := jsonReport{Profile: r.Profile, Target: r.Target, Generated: r.Generated, Tool: r.Tool, Packs: r.Packs, Boot: r.Boot, Controls: []jsonControl{}, Live: jsonLiveRunOf(r), Error: r.Error}
	if !r.Asset.empty() {
		asset := jsonAsset(r.Asset)
		out.Host = &asset
	}
	for _, b := range r.Benchmarks {
		out.Benchmarks = append(out.Benchmarks, jsonBenchmark(b))
	}
	for _, s := range r.Settings {
		out.Settings = append(out.Settings, jsonSettingRow(s))
	}
	for _, c := range r.Results {
		jc := jsonControl{Control: c.ID, Title: c.Title, Standard: c.Standard, Status: c.Status, Evidence: []jsonOrigin{}, Missing: append([]string{}, c.Missing...), Notes: append([]string{}, c.Notes...),
			Add: c.Add, RollUp: c.RollUp, Live: jsonLiveOf(c.Live)}
		for _, e := range c.Evidence {
			jc.Evidence = append(jc.Evidence, jsonOrigin{File: e.Origin.File, Line: e.Origin.Line, Setting: e.Setting, Text: e.Text})
		}
		if c.Rule != nil {
			rule := jsonRule(*c.Rule)
			jc.Rule = &rule
		}
		out.Controls = append(out.Controls, jc)
	}
	out.Summary.Fail, out.Summary.Pass, out.Summary.NotChecked = r.count(Fail), r.count(Pass), r.count(NotChecked)
	return writeIndentedJSON(w, out)
}

// WriteReportGitHub prints a GitHub Actions annotation per failing control
// (or for why nothing could be verified).
func WriteReportGitHub(w io.Writer, r *Report) error {
	bw := bufio.NewWriter(w)
	writeGitHubError(bw, r.Error)
	for _, c := range r.Results {
		if !c.failing() {
			continue
		}
		title := c.ID + " not covered"
		if c.Status != Fail {
			title = c.ID + " fails live"
		}
		fmt.Fprintf(bw, "::error title=%s::%s\n", ghProperty(title), ghData(strings.Join(c.failures(), "\n")))
	}
	return bw.Flush()
}

// WriteReportJUnit reports verify as one test case per control, or one
// in error saying why nothing could be verified.
func WriteReportJUnit(w io.Writer, r *Report) error {
	cases := errorCase(r.Error)
	for _, c := range r.Results {
		cases = append(cases, JUnitCase{Name: c.ID, Failures: c.failures()})
	}
	return WriteJUnit(w, "auditpack verify "+r.Profile, cases)
}

// VerifyFormats are verify's output formats, by --format name.
var VerifyFormats = map[string]func(io.Writer, *Report) error{
	"text": WriteReport, "json": WriteReportJSON, "github": WriteReportGitHub, "junit": WriteReportJUnit, "html": WriteReportHTML,
	"cklb": WriteReportCKLB, "ckl": WriteReportCKL, "hdf": WriteReportHDF, "xccdf": WriteReportXCCDF,
}
