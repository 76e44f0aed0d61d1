package report

import (
	"fmt"
	"html/template"
	"io"
	"slices"
	"sort"
	"strings"
	"sync"
)

// The fleet report: many hosts' verify results (verify --format json, one
// per host) in one, as a host x control matrix. A result is keyed by its
// host and profile, never by file: two results of one host and profile
// keep the newer, and no two hosts' verdicts are ever merged into one.

// Fleet is the merged results.
type Fleet struct {
	Hosts    []FleetHost
	Controls []FleetControl // drift first, then failures, then the rest
	// Superseded are results of a host and profile that a newer result of
	// the same host and profile replaced.
	Superseded []string
	Generated  string // RFC 3339
	Tool       string
}

// FleetHost is one host's result.
type FleetHost struct {
	File                   string
	Report                 *Report
	Pass, Fail, NotChecked int
	Score                  float64
	Scored                 int // requirements that passed or failed; 0: no score
}

// Name is the host's name, as its result gives it.
func (h FleetHost) Name() string { return h.Report.Asset.HostName }

// FleetControl is one control across the hosts: Status[i] is Hosts[i]'s
// ("" where that host's profile has no such control).
type FleetControl struct {
	ID, Title, Severity, Vuln string
	Status                    []string
	Drift                     bool // the hosts that have it disagree
	Failing                   int  // hosts where it fails
}

// FleetFile is one host's result as read from its file.
type FleetFile struct {
	Name   string
	Report *Report
}

// MergeFleet merges hosts' results. Each must name its host and its time
// (ReadReportJSON refuses those that do not).
func MergeFleet(files []FleetFile) *Fleet {
	f := &Fleet{}
	type key struct{ host, profile string }
	index := map[key]int{}
	for _, file := range files {
		r := file.Report
		k := key{r.Asset.HostName, r.Profile}
		h := FleetHost{File: file.Name, Report: r, Pass: r.count(Pass), Fail: r.count(Fail), NotChecked: r.count(NotChecked)}
		h.Score, h.Scored = requirementsScore(r)
		i, seen := index[k]
		switch {
		case !seen:
			index[k] = len(f.Hosts)
			f.Hosts = append(f.Hosts, h)
		case r.Generated > f.Hosts[i].Report.Generated: // RFC 3339 in UTC sorts by time
			f.Superseded = append(f.Superseded, fmt.Sprintf("%s (%s, %s): %s replaces it", f.Hosts[i].File, k.host, f.Hosts[i].Report.Generated, file.Name))
			f.Hosts[i] = h
		default:
			f.Superseded = append(f.Superseded, fmt.Sprintf("%s (%s, %s): %s replaces it", file.Name, k.host, r.Generated, f.Hosts[i].File))
		}
	}
	sort.SliceStable(f.Hosts, func(i, j int) bool {
		a, b := f.Hosts[i].Report, f.Hosts[j].Report
		return a.Asset.HostName < b.Asset.HostName || a.Asset.HostName == b.Asset.HostName && a.Profile < b.Profile
	})
	controls := map[string]*FleetControl{}
	var order []string
	for i, h := range f.Hosts {
		for _, c := range h.Report.Results {
			fc := controls[c.ID]
			if fc == nil {
				fc = &FleetControl{ID: c.ID, Title: c.Title, Status: make([]string, len(f.Hosts))}
				if c.Rule != nil {
					fc.Severity, fc.Vuln = c.Rule.Severity, c.Rule.Vuln
				}
				controls[c.ID] = fc
				order = append(order, c.ID)
			}
			fc.Status[i] = c.Status
		}
	}
	for _, id := range order {
		fc := controls[id]
		var statuses []string
		for _, s := range fc.Status {
			if s != "" && !slices.Contains(statuses, s) {
				statuses = append(statuses, s)
			}
			if s == Fail {
				fc.Failing++
			}
		}
		fc.Drift = len(statuses) > 1
		f.Controls = append(f.Controls, *fc)
	}
	rank := func(c FleetControl) int {
		switch {
		case c.Drift:
			return 0
		case c.Failing > 0:
			return 1
		case slices.Contains(c.Status, NotChecked):
			return 2
		}
		return 3
	}
	sort.SliceStable(f.Controls, func(i, j int) bool { return rank(f.Controls[i]) < rank(f.Controls[j]) })
	return f
}

// WriteFleetJSON writes the fleet report as one JSON object
// (docs/schema/report.schema.json).
func WriteFleetJSON(w io.Writer, f *Fleet) error {
	type host struct {
		File      string     `json:"file"`
		Host      *jsonAsset `json:"host"`
		Profile   string     `json:"profile"`
		Target    string     `json:"target"`
		Generated string     `json:"generated"`
		Summary   struct {
			Pass       int `json:"pass"`
			Fail       int `json:"fail"`
			NotChecked int `json:"not_checked"`
		} `json:"summary"`
		Score *float64 `json:"score,omitempty"`
	}
	type result struct {
		Host   string `json:"host"`
		Status string `json:"status"`
	}
	type control struct {
		Control  string   `json:"control"`
		Title    string   `json:"title,omitempty"`
		Severity string   `json:"severity,omitempty"`
		Vuln     string   `json:"vuln,omitempty"`
		Drift    bool     `json:"drift"`
		Failing  int      `json:"failing"`
		Results  []result `json:"results"`
	}
	out := struct {
		Generated    string    `json:"generated"`
		Tool         string    `json:"tool"`
		ScoringModel string    `json:"scoring_model"`
		Hosts        []host    `json:"hosts"`
		Controls     []control `json:"controls"`
		Superseded   []string  `json:"superseded"`
	}{Generated: f.Generated, Tool: f.Tool, ScoringModel: scoringModel, Hosts: []host{}, Controls: []control{}, Superseded: append([]string{}, f.Superseded...)}
	for _, h := range f.Hosts {
		asset := jsonAsset(h.Report.Asset)
		jh := host{File: h.File, Host: &asset, Profile: h.Report.Profile,
			Target: h.Report.Target, Generated: h.Report.Generated}
		jh.Summary.Pass, jh.Summary.Fail, jh.Summary.NotChecked = h.Pass, h.Fail, h.NotChecked
		if h.Scored > 0 {
			score := h.Score
			jh.Score = &score
		}
		out.Hosts = append(out.Hosts, jh)
	}
	for _, c := range f.Controls {
		jc := control{Control: c.ID, Title: c.Title, Severity: c.Severity, Vuln: c.Vuln, Drift: c.Drift, Failing: c.Failing, Results: []result{}}
		for i, s := range c.Status {
			if s != "" {
				jc.Results = append(jc.Results, result{Host: f.Hosts[i].Name(), Status: s})
			}
		}
		out.Controls = append(out.Controls, jc)
	}
	return writeIndentedJSON(w, out)
}

// FleetCKLBName is the file a host's checklist is written to.
func FleetCKLBName(h FleetHost) string {
	name := h.Report.Asset.HostName + "_" + h.Report.Profile
	return notNCName.ReplaceAllString(name, "_") + ".cklb"
}

var fleetHTML = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("fleet").Funcs(htmlFuncs).Funcs(template.FuncMap{
		"cat": func(s string) string {
			if c := catOf(s); c != "" {
				return c
			}
			return "-"
		},
		"short": func(s string) string {
			switch s {
			case NotChecked:
				return "NC"
			case "":
				return ""
			}
			return s
		},
	}).Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<title>auditpack report: {{len .F.Hosts}} hosts</title>
<style>{{css}}
.matrix td.cell { text-align: center; font-weight: 600; white-space: nowrap; } .matrix th.host { writing-mode: sideways-lr; white-space: nowrap; vertical-align: bottom; }
td.cell.PASS { background: #dafbe1; } td.cell.FAIL { background: #ffebe9; } td.cell.NOT-CHECKED { background: #fff8c5; }
tr.drift td:first-child { border-left: 4px solid #bc4c00; }
</style></head>
<body>
<h1>Audit controls of {{len .F.Hosts}} hosts</h1>
<table class="meta"><tr><td>generated</td><td>{{.F.Generated}} by {{.F.Tool}}</td></tr>
<tr><td>drift</td><td id="drift-count">{{.Drift}} controls differ between hosts</td></tr>
<tr><td>failing</td><td id="failing-count">{{.Failing}} controls fail on at least one host</td></tr>
{{range .F.Superseded}}<tr><td>superseded</td><td>{{.}}</td></tr>{{end}}
</table>
<h2>Hosts</h2>
<table id="hosts"><tr><th>host</th><th>profile</th><th>addresses</th><th>system</th><th>verified</th><th>passed</th><th>failed</th><th>not checked</th><th>score</th></tr>
{{range .F.Hosts}}<tr data-host="{{.Name}}"><td><strong>{{.Name}}</strong>{{with .Report.Asset.FQDN}}<br><code class="muted">{{.}}</code>{{end}}</td><td>{{.Report.Profile}}</td>
<td><code>{{join .Report.Asset.IPs ", "}}</code>{{with .Report.Asset.MACs}}<br><code class="muted">{{join . ", "}}</code>{{end}}</td><td>{{.Report.Asset.OS}}</td>
<td>{{.Report.Generated}}<br><span class="muted">{{.File}}</span></td><td class="PASS">{{.Pass}}</td><td class="FAIL">{{.Fail}}</td><td class="NOT-CHECKED">{{.NotChecked}}</td>
<td>{{if .Scored}}{{printf "%.2f" .Score}}{{else}}-{{end}}</td></tr>
{{end}}</table>
<p class="muted">Score: XCCDF's default model ({{.Model}}), as OpenSCAP computes it, over each host's requirements that passed or failed.</p>
<h2>Controls by host</h2>
<div class="filters">
<label><input type="checkbox" data-filter-status="drift" checked> differ between hosts</label>
<label><input type="checkbox" data-filter-status="fail" checked> fail everywhere they are checked</label>
<label><input type="checkbox" data-filter-status="same" checked> the same everywhere</label>
<input type="search" id="search" placeholder="search controls" aria-label="search">
<span class="muted"><span id="shown">{{len .F.Controls}}</span> shown</span>
</div>
<table id="matrix" class="matrix"><thead><tr><th>control</th><th>severity</th>{{range .F.Hosts}}<th class="host" title="{{.Report.Profile}}">{{.Name}}</th>{{end}}</tr></thead><tbody>
{{range .F.Controls}}<tr id="{{.ID}}" class="{{if .Drift}}drift{{end}}" data-status="{{if .Drift}}drift{{else if .Failing}}fail{{else}}same{{end}}" data-cat="">
<td><a href="#{{.ID}}"><code>{{.ID}}</code></a>{{with .Vuln}} <code class="muted">{{.}}</code>{{end}}<br><span class="muted">{{.Title}}</span></td><td>{{cat .Severity}}</td>
{{range .Status}}<td class="cell {{dash .}}">{{short .}}</td>{{end}}</tr>
{{end}}</tbody></table>
<script>{{script}}</script>
</body></html>
`))
})

// WriteFleetHTML writes the fleet report as one self-contained HTML file.
func WriteFleetHTML(w io.Writer, f *Fleet) error {
	drift, failing := 0, 0
	for _, c := range f.Controls {
		if c.Drift {
			drift++
		}
		if c.Failing > 0 {
			failing++
		}
	}
	return fleetHTML().Execute(w, map[string]any{"F": f, "Drift": drift, "Failing": failing, "Model": scoringModel})
}

// FleetFormats are the fleet report's formats written to one stream.
var FleetFormats = map[string]func(io.Writer, *Fleet) error{"html": WriteFleetHTML, "json": WriteFleetJSON}

// FleetFormatNames names every format of the fleet report, cklb (one
// file per host) among them.
func FleetFormatNames() string {
	names := strings.Split(FormatNames(FleetFormats), ", ")
	names = append(names, "cklb")
	sort.Strings(names)
	return strings.Join(names, ", ")
}
