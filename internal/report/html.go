package report

import (
	"fmt"
	"html/template"
	"io"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/auditpack/auditpack/packs/model"
)

// The HTML reports are one self-contained file each: styles and the
// filter script inline, nothing fetched, so they open on an air-gapped
// host and travel as a ticket attachment. The tables are in the HTML;
// the script only filters, so the report reads with JavaScript off.
// html/template escapes every string that comes from the rules.

const htmlStyle = `
:root { --pass: #1a7f37; --fail: #cf222e; --unchecked: #9a6700; --muted: #57606a; }
body { font: 14px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 78em; padding: 0 1em; color: #1f2328; }
h1 { font-size: 1.5em; margin-bottom: .2em; } h2 { font-size: 1.2em; margin-top: 1.6em; }
table { border-collapse: collapse; width: 100%; } th, td { text-align: left; vertical-align: top; padding: .35em .5em; border-bottom: 1px solid #d0d7de; }
th { background: #f6f8fa; } code, pre { font: 12px/1.4 ui-monospace, monospace; } pre { white-space: pre-wrap; margin: .2em 0; }
.meta td:first-child { color: var(--muted); width: 12em; }
.PASS, .info { color: var(--pass); } .FAIL, .error { color: var(--fail); } .NOT-CHECKED, .warning { color: var(--unchecked); }
.status { font-weight: 600; white-space: nowrap; } .muted { color: var(--muted); }
.summary span { display: inline-block; margin-right: 1.5em; font-size: 1.1em; }
.filters { margin: 1em 0; display: flex; gap: 1em; flex-wrap: wrap; align-items: center; }
.filters input[type=search] { padding: .3em; min-width: 18em; }
tr:target { outline: 2px solid #0969da; }
.here { background: #fff8c5; } details summary { cursor: pointer; color: var(--muted); }
.CAT-I { color: #cf222e; font-weight: 600; } .CAT-II { color: #bc4c00; } .CAT-III { color: #57606a; }
#by-cat, #by-standard { width: auto; margin-top: .5em; } #by-cat td, #by-standard td { min-width: 6em; }
.block { position: relative; } .block button { position: absolute; right: .3em; top: .3em; font-size: 11px; }
pre.add { background: #f6f8fa; border: 1px solid #d0d7de; padding: .5em 4.5em .5em .5em; white-space: pre; overflow-x: auto; }
#controls { table-layout: fixed; } #controls td { overflow-wrap: anywhere; } #controls pre { white-space: pre-wrap; }
#controls th:nth-child(1) { width: 17%; } #controls th:nth-child(2) { width: 7%; } #controls th:nth-child(3) { width: 9%; } #controls th:nth-child(4) { width: 30%; }
.cci { font-size: 11px; } .sep { border-left: 1px solid #d0d7de; height: 1.2em; }
@media print { .filters, button { display: none; } body { margin: 0; max-width: none; font-size: 11px; } tr { page-break-inside: avoid; } a { color: inherit; text-decoration: none; } pre.add { white-space: pre-wrap; } }
`

// htmlFilter hides rows by status, severity (CAT) or finding-severity
// checkboxes, standard and a search box; rows carry data-status,
// data-cat, data-standard and their text. It also copies a block to the
// clipboard and opens every detail before printing, so the check and fix
// texts are on paper.
const htmlFilter = `
(function () {
  var rows = Array.prototype.slice.call(document.querySelectorAll('tr[data-status]'));
  var boxes = document.querySelectorAll('input[data-filter-status]');
  var cats = document.querySelectorAll('input[data-filter-cat]');
  var standard = document.getElementById('standard');
  var search = document.getElementById('search');
  function apply() {
    var shown = {}, catShown = {};
    boxes.forEach(function (b) { shown[b.getAttribute('data-filter-status')] = b.checked; });
    cats.forEach(function (b) { catShown[b.getAttribute('data-filter-cat')] = b.checked; });
    var want = standard ? standard.value : '';
    var text = search ? search.value.toLowerCase() : '';
    rows.forEach(function (r) {
      var ok = shown[r.getAttribute('data-status')] !== false &&
        catShown[r.getAttribute('data-cat')] !== false &&
        (!want || r.getAttribute('data-standard') === want) &&
        (!text || r.textContent.toLowerCase().indexOf(text) >= 0);
      r.hidden = !ok;
    });
    var count = document.getElementById('shown');
    if (count) { count.textContent = rows.filter(function (r) { return !r.hidden; }).length; }
  }
  boxes.forEach(function (b) { b.addEventListener('change', apply); });
  cats.forEach(function (b) { b.addEventListener('change', apply); });
  if (standard) { standard.addEventListener('change', apply); }
  if (search) { search.addEventListener('input', apply); }
  document.querySelectorAll('button[data-copy]').forEach(function (b) {
    b.addEventListener('click', function () {
      var block = document.getElementById(b.getAttribute('data-copy'));
      if (navigator.clipboard) {
        navigator.clipboard.writeText(block.textContent).then(function () { b.textContent = 'copied'; }, function () { b.textContent = 'select and copy'; });
      }
    });
  });
  window.addEventListener('beforeprint', function () {
    document.querySelectorAll('details').forEach(function (d) { d.setAttribute('data-was-open', d.open); d.open = true; });
  });
  window.addEventListener('afterprint', function () {
    document.querySelectorAll('details').forEach(function (d) { d.open = d.getAttribute('data-was-open') === 'true'; });
  });
  apply();
})();
`

var htmlFuncs = template.FuncMap{
	"css":    func() template.CSS { return template.CSS(htmlStyle) },
	"script": func() template.JS { return template.JS(htmlFilter) },
	"dash":   func(s string) string { return strings.ReplaceAll(s, " ", "-") },
	"join":   strings.Join,
}

// The templates are parsed when first used, not when every run starts:
// parsing both was a tenth of auditpack's start-up.
var verifyHTML = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("verify").Funcs(htmlFuncs).Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<title>auditpack verify: {{.R.Profile}} on {{.R.Target}}</title>
<style>{{css}}</style>{{if .R.Live}}<style>.PROVEN { color: var(--pass); } .NOT-PROVEN { color: var(--unchecked); }</style>{{end}}</head>
<body>
<h1>Audit controls of profile {{.R.Profile}}</h1>{{with .R.Error}}
<p class="error" id="error">Nothing was verified: {{.}}</p>{{end}}
<table class="meta">
<tr><td>host</td><td id="host">{{with .R.Asset.HostName}}<strong>{{.}}</strong>{{else}}<span class="muted">not named (verify --host-name, or --kernel on the host)</span>{{end}}{{with .R.Asset.FQDN}} <code>{{.}}</code>{{end}}</td></tr>
{{with .R.Asset.IPs}}<tr><td>IP addresses</td><td><code>{{join . ", "}}</code></td></tr>{{end}}
{{with .R.Asset.MACs}}<tr><td>MAC addresses</td><td><code>{{join . ", "}}</code></td></tr>{{end}}
{{with .R.Asset.OS}}<tr><td>system</td><td>{{.}}</td></tr>{{end}}
<tr><td>target</td><td><code>{{.R.Target}}</code>{{with .R.Host}} ({{.}}){{end}}</td></tr>
{{range .R.Benchmarks}}<tr><td>benchmark</td><td>{{.Title}} <span class="muted">{{.ID}}, {{.ReleaseInfo}}{{if .ReleaseInfo}}; {{end}}{{.Standard}}, pack <code>{{.Pack}}</code></span></td></tr>
{{end}}<tr><td>packs</td><td>{{range .R.Packs}}<code>{{.}}</code> {{end}}</td></tr>
<tr><td>generated</td><td>{{.R.Generated}} by {{.R.Tool}}</td></tr>
{{with .R.Boot}}<tr><td>boot</td><td>{{.}}</td></tr>{{end}}
</table>
<h2>Summary</h2>
<p class="summary"><span class="PASS" id="count-pass">{{.Pass}} passed</span><span class="FAIL" id="count-fail">{{.Fail}} failed</span><span class="NOT-CHECKED" id="count-not-checked">{{.NotChecked}} not checked</span><span>{{len .R.Results}} controls</span>
{{if .Scored}}<span id="score" title="XCCDF default scoring model ({{.Model}}), as OpenSCAP computes it: each requirement that passes scores 100, each that fails 0, averaged; not checked ones left out">score <strong>{{printf "%.2f" .Score}}</strong> / 100 <span class="muted">(OpenSCAP's default model, {{.Model}}, over {{.Scored}} requirements)</span></span>{{end}}</p>{{if .R.Live}}
<p class="summary"><span class="PROVEN" id="count-proven">{{.R.LiveCount "PROVEN"}} proven live</span><span class="FAIL" id="count-live-fail">{{.R.LiveCount "FAIL"}} failed live</span><span class="NOT-PROVEN" id="count-not-proven">{{.R.LiveCount "NOT PROVEN"}} not proven</span></p>{{end}}
{{if .CATs}}<table id="by-cat"><tr><th>severity</th><th>passed</th><th>failed</th><th>not checked</th></tr>
{{range .CATs}}<tr><td class="{{dash .Name}}">{{.Name}}</td><td class="PASS">{{.Pass}}</td><td class="FAIL">{{.Fail}}</td><td class="NOT-CHECKED">{{.NotChecked}}</td></tr>
{{end}}</table>{{end}}
<table id="by-standard"><tr><th>standard</th><th>passed</th><th>failed</th><th>not checked</th></tr>
{{range .Standards}}<tr><td>{{.Name}}</td><td class="PASS">{{.Pass}}</td><td class="FAIL">{{.Fail}}</td><td class="NOT-CHECKED">{{.NotChecked}}</td></tr>
{{end}}</table>
{{if .R.Settings}}<h2>Settings</h2>
<table id="settings"><tr><th>option</th><th>asked for</th><th>target</th><th>verdict</th></tr>
{{range .R.Settings}}<tr><td><code>{{.Option}}</code></td><td>{{with .Wanted}}<code>{{.}}</code>{{else}}<span class="muted">not asked</span>{{end}}</td><td>{{with .Target}}<code>{{.}}</code>{{else}}<span class="FAIL">unset</span>{{end}}</td>
<td class="status {{if not .Wanted}}muted{{else if .Met}}PASS{{else}}FAIL{{end}}">{{if not .Wanted}}-{{else if .Met}}PASS{{else}}FAIL{{end}}</td></tr>
{{end}}</table>{{end}}
{{if .Add}}<h2>Remediation</h2>
<p>The lines verify found missing, to add to the audit rules (<code>/etc/audit/rules.d/</code>, then <code>augenrules --load</code>), or the same as an Ansible task:</p>
<div class="block"><button type="button" data-copy="add-all">copy</button><pre class="add" id="add-all">{{join .Add "\n"}}</pre></div>
<div class="block"><button type="button" data-copy="ansible-all">copy</button><pre class="add" id="ansible-all">{{.Ansible}}</pre></div>{{end}}
<h2>Controls</h2>
<div class="filters">
<label><input type="checkbox" data-filter-status="PASS" checked> passed</label>
<label><input type="checkbox" data-filter-status="FAIL" checked> failed</label>
<label><input type="checkbox" data-filter-status="NOT-CHECKED" checked> not checked</label>
<span class="sep"></span>
{{range .CATs}}<label><input type="checkbox" data-filter-cat="{{dash .Name}}" checked> {{.Name}}</label>
{{end}}<select id="standard" aria-label="standard"><option value="">every standard</option>{{range .Standards}}<option>{{.Name}}</option>{{end}}</select>
<input type="search" id="search" placeholder="search controls, rules, files, CCIs" aria-label="search">
<span class="muted"><span id="shown">{{len .R.Results}}</span> shown</span>
</div>
<table id="controls"><thead><tr><th>control</th><th>severity</th><th>status</th><th>requirement</th><th>evidence, or what to add</th>{{if .R.Live}}<th>live: the kernel's records</th>{{end}}</tr></thead><tbody>
{{range .Rows}}<tr id="{{.ID}}" data-status="{{dash .Status}}" data-standard="{{.Standard}}" data-cat="{{dash .CAT}}">
<td><a href="#{{.ID}}"><code>{{.ID}}</code></a>{{with .Rule}}{{with .Vuln}}<br><code class="muted">{{.}}</code>{{end}}{{with .RuleID}}<br><code class="muted">{{.}}</code>{{end}}{{with .GroupTitle}}<br><code class="muted">{{.}}</code>{{end}}{{with .CCIs}}<br><span class="muted cci">{{join . " "}}</span>{{end}}{{end}}<br><span class="muted">{{.Standard}}</span></td>
<td class="{{dash .CAT}}">{{.CAT}}</td>
<td class="status {{dash .Status}}">{{.Status}}</td>
<td>{{.Title}}{{with .Rule}}{{if .Check}}<details><summary>check text</summary><pre>{{.Check}}</pre></details>{{end}}{{if .Fix}}<details><summary>fix text{{with .FixID}} ({{.}}){{end}}</summary><pre>{{.Fix}}</pre></details>{{end}}{{if .Discussion}}<details><summary>discussion</summary><pre>{{.Discussion}}</pre></details>{{end}}{{end}}</td>
<td>{{range .Missing}}<pre class="FAIL">{{.}}</pre>{{end}}{{if .Add}}<div class="block"><button type="button" data-copy="add-{{.ID}}">copy</button><pre class="add" id="add-{{.ID}}">{{join .Add "\n"}}</pre></div>{{end}}{{range .EvidenceLines}}<code>{{.}}</code><br>{{end}}{{range .Notes}}<div class="muted">{{.}}</div>{{end}}</td>{{if $.R.Live}}
<td>{{with .Live}}<span class="status {{dash .Verdict}}">{{.Verdict}}</span>{{with .From}} through {{range .}}<a href="#{{.}}">{{.}}</a> {{end}}{{end}}{{with .Reason}}<div class="muted">{{.}}</div>{{end}}
{{range .Parts}}{{range .Records}}<div><code>serial {{.Serial}} {{.Type}}{{range .Keys}} key={{.}}{{end}}{{range .Fields}} {{.Name}}={{.Value}}{{end}}</code></div>{{end}}{{end}}{{end}}</td>{{end}}
</tr>
{{end}}</tbody></table>{{with .R.Live}}
<h2>Live actions</h2>
<p>{{len .Actions}} harmless actions in {{printf "%.1f" .Seconds}} s; the kernel's lost counter {{.LostBefore}} before, {{.LostAfter}} after.</p>
{{range .Notes}}<p class="muted">{{.}}</p>{{end}}
<table id="actions"><thead><tr><th>#</th><th>kind</th><th>call</th><th>as</th><th>result</th></tr></thead><tbody>
{{range .Actions}}<tr id="action-{{.ID}}"><td>{{.ID}}</td><td>{{.Kind}} ({{.ABI}})</td><td><code>{{.Call}}</code></td><td>{{.Identity}}</td><td>{{.Result}}</td></tr>
{{end}}</tbody></table>{{end}}
<script>{{script}}</script>
</body></html>
`))
})

// standardOf names the standard of a control: its requirement's, or by
// its ID.
func standardOf(c ControlResult) string {
	if c.Standard != "" {
		return c.Standard
	}
	for _, s := range []struct{ prefix, name string }{
		{"RHEL-", "DISA STIG"}, {"SRG-", "DISA SRG"}, {"PCI-DSS-", "PCI DSS"}, {"FAU_", "NIAP OSPP"}, {"FMT_", "NIAP OSPP"},
	} {
		if strings.HasPrefix(c.ID, s.prefix) {
			return s.name
		}
	}
	return "other"
}

type statusCount struct {
	Name                   string
	Pass, Fail, NotChecked int
}

func (s *statusCount) add(status string) {
	switch status {
	case Pass:
		s.Pass++
	case Fail:
		s.Fail++
	default:
		s.NotChecked++
	}
}

type verifyRow struct {
	ControlResult
	Standard, CAT string
	EvidenceLines []string
}

// noCAT is the severity column of a control its standard ranks not;
// rollUp that of a control its requirements answer (a STIG's SRG IDs).
const (
	noCAT  = "no severity"
	rollUp = "SRG roll-up"
)

// WriteReportHTML writes verify's report as one self-contained HTML file.
func WriteReportHTML(w io.Writer, r *Report) error {
	counts := map[string]*statusCount{}
	catCounts := map[string]*statusCount{}
	var rows []verifyRow
	var add []string
	for _, c := range r.Results {
		std := standardOf(c)
		if counts[std] == nil {
			counts[std] = &statusCount{Name: std}
		}
		counts[std].add(c.Status)
		row := verifyRow{ControlResult: c, Standard: std, CAT: noCAT}
		switch {
		case c.Rule != nil && catOf(c.Rule.Severity) != "":
			row.CAT = catOf(c.Rule.Severity)
		case c.RollUp:
			row.CAT = rollUp
		}
		if catCounts[row.CAT] == nil {
			catCounts[row.CAT] = &statusCount{Name: row.CAT}
		}
		catCounts[row.CAT].add(c.Status)
		for _, e := range c.Evidence {
			row.EvidenceLines = append(row.EvidenceLines, evidenceLine(e))
		}
		for _, a := range c.Add {
			if !slices.Contains(add, a) {
				add = append(add, a)
			}
		}
		rows = append(rows, row)
	}
	var standards []statusCount
	for _, sc := range counts {
		standards = append(standards, *sc)
	}
	sort.Slice(standards, func(i, j int) bool { return standards[i].Name < standards[j].Name })
	var cats []statusCount
	for _, name := range []string{"CAT I", "CAT II", "CAT III", noCAT, rollUp} {
		if c := catCounts[name]; c != nil {
			cats = append(cats, *c)
		}
	}
	if len(cats) == 1 && (cats[0].Name == noCAT || cats[0].Name == rollUp) {
		cats = nil // a standard without severities: no column to filter by
	}
	score, judged := requirementsScore(r)
	return verifyHTML().Execute(w, map[string]any{"R": r, "Rows": rows, "Standards": standards, "CATs": cats,
		"Pass": r.count(Pass), "Fail": r.count(Fail), "NotChecked": r.count(NotChecked),
		"Score": score, "Scored": judged, "Model": scoringModel, "Add": add, "Ansible": ansibleTask(r.Profile, add)})
}

// ansibleTask writes lines to add to the audit rules as an Ansible task
// that puts them in a rules.d file of their own (augenrules loads it at
// the next boot, or with augenrules --load).
func ansibleTask(profile string, lines []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "- name: Add the audit rules auditpack verify found missing (profile %s)\n", profile)
	b.WriteString("  ansible.builtin.blockinfile:\n")
	b.WriteString("    path: /etc/audit/rules.d/90-auditpack-remediation.rules\n")
	b.WriteString("    create: true\n    owner: root\n    group: root\n    mode: \"0600\"\n")
	b.WriteString("    marker: \"## {mark} auditpack verify remediation\"\n")
	b.WriteString("    block: |\n")
	for _, l := range lines {
		b.WriteString("      " + l + "\n")
	}
	return strings.TrimSuffix(b.String(), "\n")
}

var lintHTML = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("lint").Funcs(htmlFuncs).Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<title>auditpack lint: {{.Errors}} errors, {{.Warnings}} warnings</title>
<style>{{css}}</style></head>
<body>
<h1>Lint findings</h1>{{with .F.Error}}
<p class="error" id="error">Nothing was checked: {{.}}</p>{{end}}
<table class="meta"><tr><td>checked</td><td>{{.F.Rules}} rules in {{.F.Files}} files</td></tr>
<tr><td>generated</td><td>{{.Generated}} by {{.Tool}}</td></tr></table>
<p class="summary"><span class="error" id="count-error">{{.Errors}} errors</span><span class="warning" id="count-warning">{{.Warnings}} warnings</span><span class="info" id="count-info">{{.Infos}} info</span></p>
<div class="filters">
<label><input type="checkbox" data-filter-status="error" checked> errors</label>
<label><input type="checkbox" data-filter-status="warning" checked> warnings</label>
<label><input type="checkbox" data-filter-status="info" checked> info</label>
<input type="search" id="search" placeholder="search findings" aria-label="search">
<span class="muted"><span id="shown">{{.Listed}}</span> shown</span>
</div>
<h2>By file</h2>
{{range .Files}}<h3><code>{{.Name}}</code></h3>
<table><thead><tr><th>line</th><th>severity</th><th>finding</th></tr></thead><tbody>
{{range .Findings}}<tr data-status="{{.Severity}}">
<td><code>{{.Origin.Line}}{{if .Origin.Col}}:{{.Origin.Col}}{{end}}</code></td><td class="status {{.Severity}}">{{.Severity}}</td>
<td>{{.Message}} <a href="#check-{{.Check}}"><code>{{.Check}}</code></a>{{with .Origin.Pack}} <span class="muted">({{.}})</span>{{end}}
{{if .Context}}<pre>{{range .Context}}<span{{if .Here}} class="here"{{end}}>{{printf "%5d" .Line}}  {{.Text}}</span>
{{end}}</pre>{{end}}</td></tr>
{{end}}</tbody></table>
{{with .Unlisted}}<p class="muted">and {{.}} more findings in this file, not listed here: auditpack lint --format text, json or sarif lists them all.</p>
{{end}}{{end}}
<h2>By check</h2>
<table><thead><tr><th>check</th><th>severity</th><th>findings</th><th>why it matters</th></tr></thead><tbody>
{{range .Checks}}<tr id="check-{{.ID}}"><td><code>{{.ID}}</code></td><td class="{{.Severity}}">{{.Severity}}</td><td>{{.Count}}</td>
<td>{{.Title}}<details><summary>auditpack explain {{.ID}}</summary><pre>{{.Doc}}</pre></details></td></tr>
{{end}}</tbody></table>
<script>{{script}}</script>
</body></html>
`))
})

// HTMLFindingsPerFile is the most findings of one file the HTML report
// lists: a page of hundreds of thousands of rows neither renders nor
// filters in a browser. The rest are counted there, and every other
// format lists them all.
const HTMLFindingsPerFile = 1000

// HTMLFile is the file the HTML report lists a finding under: its path,
// or for an embedded pack's file the pack and the file's name.
func HTMLFile(o model.Origin) string {
	if o.Pack != "" && embedded(o) {
		return o.Pack + " " + o.File
	}
	return o.File
}

type lintFile struct {
	Name     string
	Findings []Diagnostic
	Unlisted int // findings past HTMLFindingsPerFile
}

type lintCheck struct {
	Check
	Count int
}

// WriteHTML writes lint's findings as one self-contained HTML file: by
// file, each finding with its line and the rule lines around it, and by
// check, each with its explain text.
func WriteHTML(w io.Writer, r *Findings, toolVersion string) error {
	var files []lintFile
	index := map[string]int{}
	perCheck := map[string]int{}
	listed := 0
	for _, d := range r.Diagnostics {
		name := HTMLFile(d.Origin)
		i, ok := index[name]
		if !ok {
			i = len(files)
			index[name] = i
			files = append(files, lintFile{Name: name})
		}
		if len(files[i].Findings) < HTMLFindingsPerFile {
			files[i].Findings = append(files[i].Findings, d)
			listed++
		} else {
			files[i].Unlisted++
		}
		perCheck[d.Check]++
	}
	var checks []lintCheck
	for _, c := range r.Checks {
		if perCheck[c.ID] > 0 {
			checks = append(checks, lintCheck{Check: c, Count: perCheck[c.ID]})
		}
	}
	return lintHTML().Execute(w, map[string]any{"F": r, "Files": files, "Listed": listed, "Checks": checks, "Tool": "auditpack " + toolVersion, "Generated": r.Generated,
		"Errors": r.Count(Error), "Warnings": r.Count(Warning) - r.Count(Error), "Infos": r.Count(Info) - r.Count(Warning)})
}
