package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/auditpack/auditpack/internal/parallel"
	"github.com/auditpack/auditpack/internal/text"
	"github.com/auditpack/auditpack/packs/model"
)

// Formats are lint's output formats, by --format name.
var Formats = map[string]func(io.Writer, *Findings, string) error{
	"text":   WriteText,
	"json":   WriteJSON,
	"sarif":  WriteSARIF,
	"github": WriteGitHub,
	"html":   WriteHTML,
	"junit":  WriteJUnitFindings,
	// The CI systems' own formats: GitLab's code quality report and the
	// checkstyle XML Jenkins' warnings-ng reads.
	"gitlab":     WriteGitLab,
	"checkstyle": WriteCheckstyle,
}

// FormatNames lists the names of a format table for help texts, sorted.
func FormatNames[F any](formats map[string]F) string {
	names := make([]string, 0, len(formats))
	for n := range formats {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// WriteText prints "file:line: severity: message [ID]" lines, then a
// summary line.
func WriteText(w io.Writer, r *Findings, _ string) error { return writeText(w, r, false) }

// WriteTextColor is WriteText for a terminal: each severity and check ID
// in colour (ANSI SGR), the rest as WriteText writes it.
func WriteTextColor(w io.Writer, r *Findings, _ string) error { return writeText(w, r, true) }

// textColors are the SGR codes of each severity, and of a check ID
// (faint: the message is what to read first).
var textColors = map[Severity]string{Error: "\x1b[1;31m", Warning: "\x1b[1;33m", Info: "\x1b[1;36m"}

const (
	checkColor = "\x1b[2m"
	resetColor = "\x1b[0m"
)

func writeText(w io.Writer, r *Findings, color bool) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	paint := func(b []byte, code, s string) []byte {
		if !color {
			return append(b, s...)
		}
		return append(append(append(b, code...), s...), resetColor...)
	}
	writeDiagnostics(bw, r.Diagnostics, func(_ *struct{}, d *Diagnostic, _ bool, line []byte) []byte {
		line = d.Origin.AppendTo(line)
		line = append(paint(append(line, ": "...), textColors[d.Severity], d.Severity.String()), ": "...)
		line = append(append(line, d.Message...), " ["...)
		line = append(paint(line, checkColor, d.Check), ']')
		if d.Origin.Pack != "" {
			line = append(append(append(line, " ("...), d.Origin.Pack...), ')')
		}
		return append(line, '\n')
	})
	fmt.Fprintf(bw, "%s, %s, %d info in %s of %s\n", text.Count(r.Count(Error), "error"), text.Count(r.Count(Warning)-r.Count(Error), "warning"),
		r.Count(Info)-r.Count(Warning), text.Count(r.Rules, "rule"), text.Count(r.Files, "file"))
	return bw.Flush()
}

type jsonLocation struct {
	File string `json:"file"`
	Line int    `json:"line"`
	Pack string `json:"pack,omitempty"`
}

type jsonDiagnostic struct {
	Check    string         `json:"check"`
	Severity string         `json:"severity"`
	File     string         `json:"file"`
	Line     int            `json:"line"`
	Col      int            `json:"col,omitempty"`
	Pack     string         `json:"pack"`
	Message  string         `json:"message"`
	Related  []jsonLocation `json:"related"`
}

func jsonDiagnostics(ds []Diagnostic) []jsonDiagnostic {
	out := make([]jsonDiagnostic, 0, len(ds))
	for _, d := range ds {
		out = append(out, jsonDiagnosticOf(d, make([]jsonLocation, 0, len(d.Related))))
	}
	return out
}

// jsonDiagnosticOf is d as JSON shows it; its related lines are appended
// to related (non-nil: JSON shows none as []), which a writer of many
// reuses.
func jsonDiagnosticOf(d Diagnostic, related []jsonLocation) jsonDiagnostic {
	jd := jsonDiagnostic{Check: d.Check, Severity: d.Severity.String(), File: d.Origin.File, Line: d.Origin.Line, Col: d.Origin.Col,
		Pack: d.Origin.Pack, Message: d.Message, Related: related[:0]}
	for _, o := range d.Related {
		jd.Related = append(jd.Related, jsonLocation{File: o.File, Line: o.Line, Pack: o.Pack})
	}
	return jd
}

type jsonSummary struct {
	Errors   int `json:"errors"`
	Warnings int `json:"warnings"`
	Info     int `json:"info"`
	Files    int `json:"files"`
	Rules    int `json:"rules"`
}

type jsonLintSettings struct {
	Config    string   `json:"config,omitempty"`
	Disabled  []string `json:"disabled,omitempty"`
	Ignored   *int     `json:"ignored,omitempty"`
	Baseline  string   `json:"baseline,omitempty"`
	Baselined *int     `json:"baselined,omitempty"`
	Fixed     *int     `json:"fixed,omitempty"`
}

func jsonLintSettingsOf(s *Settings) jsonLintSettings {
	return jsonLintSettings{Config: s.Config, Disabled: s.Disabled, Ignored: s.Ignored, Baseline: s.Baseline, Baselined: s.Baselined, Fixed: s.Fixed}
}

// WriteJSON prints one object: {"diagnostics":[...],"summary":{...}},
// indented. Diagnostics are encoded one at a time as they are written, so
// 200,000 of them never sit in memory twice.
func WriteJSON(w io.Writer, r *Findings, _ string) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	var one bytes.Buffer
	enc := json.NewEncoder(&one)
	enc.SetEscapeHTML(false)
	// encode writes v indented as a member at depth, without its newline.
	encode := func(v any, depth string) error {
		one.Reset()
		enc.SetIndent(depth, "  ")
		if err := enc.Encode(v); err != nil {
			return err
		}
		_, err := bw.Write(bytes.TrimSuffix(one.Bytes(), []byte("\n")))
		return err
	}
	if len(r.Diagnostics) == 0 {
		bw.WriteString("{\n  \"diagnostics\": [],\n")
	} else {
		bw.WriteString("{\n  \"diagnostics\": [\n")
		writeDiagnostics(bw, r.Diagnostics, func(related *[]jsonLocation, d *Diagnostic, last bool, b []byte) []byte {
			jd := jsonDiagnosticOf(*d, *related)
			*related = jd.Related
			b = appendJSONDiagnostic(append(b, "    "...), jd)
			if !last {
				b = append(b, ',')
			}
			return append(b, '\n')
		})
		bw.WriteString("  ],\n")
	}
	bw.WriteString("  \"summary\": ")
	summary := jsonSummary{Errors: r.Count(Error), Warnings: r.Count(Warning) - r.Count(Error),
		Info: r.Count(Info) - r.Count(Warning), Files: r.Files, Rules: r.Rules}
	if err := encode(summary, "  "); err != nil {
		return err
	}
	if r.Settings != nil {
		bw.WriteString(",\n  \"settings\": ")
		if err := encode(jsonLintSettingsOf(r.Settings), "  "); err != nil {
			return err
		}
	}
	if r.Error != "" {
		bw.WriteString(",\n  \"error\": ")
		if err := encode(r.Error, "  "); err != nil {
			return err
		}
	}
	bw.WriteString("\n}\n")
	return bw.Flush()
}

// diagnosticsPerPiece is how many findings one core renders at a time.
const diagnosticsPerPiece = 1024

// writeDiagnostics writes what render appends for each finding, in order,
// rendered on every core (a large lint's output is hundreds of megabytes
// of text); last is set for the last finding. Each core has its own
// state for render. An error writing to w is w's to keep (a bufio.Writer
// reports it at Flush).
func writeDiagnostics[S any](w io.Writer, ds []Diagnostic, render func(state *S, d *Diagnostic, last bool, b []byte) []byte) {
	writeEach(w, len(ds), func(state *S, i int, b []byte) []byte { return render(state, &ds[i], i == len(ds)-1, b) })
}

// writeEach is writeDiagnostics for n findings by index, for a format
// whose output for one finding depends on the one before (checkstyle's
// elements group a file's findings).
func writeEach[S any](w io.Writer, n int, render func(state *S, i int, b []byte) []byte) {
	pieces := (n + diagnosticsPerPiece - 1) / diagnosticsPerPiece
	parallel.Ordered(pieces, func(state *S, piece int, b []byte) []byte {
		for i := piece * diagnosticsPerPiece; i < min(n, (piece+1)*diagnosticsPerPiece); i++ {
			b = render(state, i, b)
		}
		return b
	}, func(b []byte) error {
		_, err := w.Write(b)
		return err
	})
}

// WriteGitHub prints GitHub Actions workflow commands, which the runner
// turns into annotations on the files (and, for a run that could not
// check the rules, on the workflow run).
func WriteGitHub(w io.Writer, r *Findings, _ string) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	writeGitHubError(bw, r.Error)
	writeDiagnostics(bw, r.Diagnostics, func(_ *struct{}, d *Diagnostic, _ bool, b []byte) []byte {
		msg := d.Message
		if d.Origin.Pack != "" {
			msg += " (" + d.Origin.Pack + ")"
		}
		b = append(append(append(b, "::"...), ghLevels[d.Severity]...), " file="...)
		b = append(b, ghProperty(d.Origin.File)...)
		b = strconv.AppendInt(append(b, ",line="...), int64(max(d.Origin.Line, 1)), 10)
		b = append(append(b, ",title="...), ghProperty(d.Check)...)
		b = append(append(b, "::"...), ghData(msg)...)
		return append(b, '\n')
	})
	return bw.Flush()
}

var ghLevels = map[Severity]string{Error: "error", Warning: "warning", Info: "notice"}

// sarif* are the parts of SARIF 2.1.0 auditpack writes.
type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool        sarifTool         `json:"tool"`
	Invocations []sarifInvocation `json:"invocations,omitempty"`
	Results     []sarifResult     `json:"results"`
}

// sarifInvocation says a run could not check anything, and why: a log
// with no results and no reason would read as a clean run (and an empty
// file breaks GitHub's upload step).
type sarifInvocation struct {
	ExecutionSuccessful        bool                `json:"executionSuccessful"`
	ToolExecutionNotifications []sarifNotification `json:"toolExecutionNotifications"`
}

type sarifNotification struct {
	Level   string    `json:"level"`
	Message sarifText `json:"message"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifRule struct {
	ID                   string      `json:"id"`
	Name                 string      `json:"name"`
	HelpURI              string      `json:"helpUri"`
	ShortDescription     sarifText   `json:"shortDescription"`
	FullDescription      sarifText   `json:"fullDescription"`
	Help                 sarifText   `json:"help"`
	DefaultConfiguration sarifConfig `json:"defaultConfiguration"`
}

type sarifConfig struct {
	Level string `json:"level"`
}

type sarifResult struct {
	RuleID           string          `json:"ruleId"`
	RuleIndex        int             `json:"ruleIndex"`
	Level            string          `json:"level"`
	Message          sarifText       `json:"message"`
	Locations        []sarifLocation `json:"locations"`
	RelatedLocations []sarifLocation `json:"relatedLocations,omitempty"`
}

type sarifLocation struct {
	ID               int                   `json:"id,omitempty"`
	PhysicalLocation sarifPhysicalLocation `json:"physicalLocation"`
	Message          *sarifText            `json:"message,omitempty"`
}

type sarifPhysicalLocation struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           *sarifRegion  `json:"region"`
}

type sarifArtifact struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
	EndLine     int `json:"endLine"`
}

var sarifLevels = map[Severity]string{Error: "error", Warning: "warning", Info: "note"}

// checksDocURL is where each check's doc is published (docs/checks.md).
const checksDocURL = "https://github.com/auditpack/auditpack/blob/main/docs/checks.md"

// WriteSARIF prints a SARIF 2.1.0 log with one reporting descriptor per
// check that ran.
func WriteSARIF(w io.Writer, r *Findings, toolVersion string) error {
	run := sarifRun{Tool: sarifTool{Driver: sarifDriver{Name: "auditpack", Version: toolVersion,
		InformationURI: "https://github.com/auditpack/auditpack", Rules: []sarifRule{}}}, Results: []sarifResult{}}
	if r.Error != "" {
		run.Invocations = []sarifInvocation{{ToolExecutionNotifications: []sarifNotification{{Level: "error", Message: sarifText{r.Error}}}}}
	}
	index := map[string]int{}
	for _, c := range r.Checks {
		index[c.ID] = len(run.Tool.Driver.Rules)
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRule{ID: c.ID, Name: c.Title, HelpURI: checksDocURL + "#" + strings.ToLower(c.ID),
			ShortDescription: sarifText{c.Title}, FullDescription: sarifText{strings.TrimSpace(c.Doc)},
			Help:                 sarifText{"auditpack explain " + c.ID},
			DefaultConfiguration: sarifConfig{Level: sarifLevels[c.Severity]}})
	}
	// The log is encoded with no results, and the results are written
	// into its empty list one at a time, as JSON's diagnostics are: by
	// reflection, 200,000 results took five seconds and half a gigabyte.
	var doc bytes.Buffer
	enc := json.NewEncoder(&doc)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(sarifLog{Schema: "https://json.schemastore.org/sarif-2.1.0.json", Version: "2.1.0", Runs: []sarifRun{run}}); err != nil {
		return err
	}
	if len(r.Diagnostics) == 0 {
		_, err := w.Write(doc.Bytes())
		return err
	}
	// Strings in the log cannot hold this text: their quotes are escaped.
	const noResults = `"results": []`
	at := bytes.LastIndex(doc.Bytes(), []byte(noResults))
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.Write(doc.Bytes()[:at+len(noResults)-1])
	writeDiagnostics(bw, r.Diagnostics, func(results *sarifResults, d *Diagnostic, last bool, b []byte) []byte {
		b = appendSARIFResult(append(b, "\n        "...), results.of(*d, index[d.Check]))
		if !last {
			b = append(b, ',')
		}
		return b
	})
	bw.WriteString("\n      ]")
	bw.Write(doc.Bytes()[at+len(noResults):])
	return bw.Flush()
}

// sarifResults makes the results of a log's findings one at a time,
// each in the memory of the one before, with each file's URI made once:
// a large log's results would otherwise be most of its garbage.
type sarifResults struct {
	result    sarifResult
	regions   []sarifRegion
	texts     []sarifText
	text      []byte
	related   []sarifLocation
	artifacts map[model.Origin]sarifArtifact // by file and pack, line 0
}

// of is a finding as a SARIF result, valid until the next call;
// ruleIndex is its check's place among the log's rules.
func (s *sarifResults) of(d Diagnostic, ruleIndex int) sarifResult {
	primary, related := sarifPlaces(d)
	s.regions, s.texts = s.regions[:0], s.texts[:0]
	res := &s.result
	*res = sarifResult{RuleID: d.Check, RuleIndex: ruleIndex, Level: sarifLevels[d.Severity], Message: sarifText{d.Message},
		Locations: append(res.Locations[:0], s.location(primary, 0))}
	s.related = s.related[:0]
	for i, o := range related {
		loc := s.location(o, i+1)
		s.text = o.AppendDescription(append(s.text[:0], "related: "...))
		s.texts = append(s.texts, sarifText{string(s.text)})
		loc.Message = &s.texts[len(s.texts)-1]
		s.related = append(s.related, loc)
	}
	if len(s.related) > 0 { // else omitted
		res.RelatedLocations = s.related
	}
	return *res
}

func (s *sarifResults) location(o model.Origin, id int) sarifLocation {
	// A finding about a whole file (line 0) points at its first line.
	line := max(o.Line, 1)
	file := model.Origin{File: o.File, Pack: o.Pack}
	artifact, ok := s.artifacts[file]
	if !ok {
		if s.artifacts == nil {
			s.artifacts = map[model.Origin]sarifArtifact{}
		}
		artifact = sarifArtifactOf(o)
		s.artifacts[file] = artifact
	}
	col := o.Col
	if o.Line == 0 {
		col = 0
	}
	s.regions = append(s.regions, sarifRegion{StartLine: line, StartColumn: col, EndLine: line})
	return sarifLocation{ID: id, PhysicalLocation: sarifPhysicalLocation{ArtifactLocation: artifact, Region: &s.regions[len(s.regions)-1]}}
}

// sarifPlaces puts a finding on the user's own file when one of its
// places is: a finding an embedded pack's line has because of the user's
// rule is shown where a pull request can change something, with the
// pack's line as related.
func sarifPlaces(d Diagnostic) (model.Origin, []model.Origin) {
	if !embedded(d.Origin) {
		return d.Origin, d.Related
	}
	for i, o := range d.Related {
		if !embedded(o) {
			related := append([]model.Origin{d.Origin}, d.Related[:i]...)
			return o, append(related, d.Related[i+1:]...)
		}
	}
	return d.Origin, d.Related
}

// embedded says whether a place is in a pack that ships in the binary
// (its file is named without a directory).
func embedded(o model.Origin) bool { return o.Pack != "" && !strings.Contains(o.File, "/") }

// sarifArtifactOf is a place as a SARIF URI: a relative path
// percent-encoded against the checkout (%SRCROOT%), an absolute one as a
// file: URI, and an embedded pack's file by pack, so that it is not
// mistaken for a file of the repository.
func sarifArtifactOf(o model.Origin) sarifArtifact {
	if embedded(o) {
		return sarifArtifact{URI: "auditpack:" + url.PathEscape(o.Pack) + "/" + url.PathEscape(o.File)}
	}
	p := filepath.ToSlash(o.File)
	if path.IsAbs(p) {
		return sarifArtifact{URI: (&url.URL{Scheme: "file", Path: path.Clean(p)}).String()}
	}
	segments := strings.Split(strings.TrimPrefix(path.Clean(p), "./"), "/")
	for i, s := range segments {
		segments[i] = url.PathEscape(s)
	}
	return sarifArtifact{URI: strings.Join(segments, "/"), URIBaseID: "%SRCROOT%"}
}
