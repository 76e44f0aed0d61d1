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
	"strings"

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
func WriteText(w io.Writer, r *Findings, _ string) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	var line []byte
	for _, d := range r.Diagnostics {
		line = d.Origin.AppendTo(line[:0])
		line = append(append(append(line, ": "...), d.Severity.String()...), ": "...)
		line = append(append(append(line, d.Message...), " ["...), d.Check...)
		line = append(line, ']')
		if d.Origin.Pack != "" {
			line = append(append(append(line, " ("...), d.Origin.Pack...), ')')
		}
		bw.Write(append(line, '\n'))
	}
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
	jd := jsonDiagnostic{Check: d.Check, Severity: d.Severity.String(), File: d.Origin.File, Line: d.Origin.Line,
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
		var line []byte
		var related []jsonLocation
		for i, d := range r.Diagnostics {
			jd := jsonDiagnosticOf(d, related)
			related = jd.Related
			line = appendJSONDiagnostic(append(line[:0], "    "...), jd)
			if i < len(r.Diagnostics)-1 {
				line = append(line, ',')
			}
			bw.Write(append(line, '\n'))
		}
		bw.WriteString("  ],\n")
	}
	bw.WriteString("  \"summary\": ")
	summary := jsonSummary{Errors: r.Count(Error), Warnings: r.Count(Warning) - r.Count(Error),
		Info: r.Count(Info) - r.Count(Warning), Files: r.Files, Rules: r.Rules}
	if err := encode(summary, "  "); err != nil {
		return err
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

// WriteGitHub prints GitHub Actions workflow commands, which the runner
// turns into annotations on the files.
func WriteGitHub(w io.Writer, r *Findings, _ string) error {
	for _, d := range r.Diagnostics {
		level := map[Severity]string{Error: "error", Warning: "warning", Info: "notice"}[d.Severity]
		msg := d.Message
		if d.Origin.Pack != "" {
			msg += " (" + d.Origin.Pack + ")"
		}
		if _, err := fmt.Fprintf(w, "::%s file=%s,line=%d,title=%s::%s\n", level, ghProperty(d.Origin.File), max(d.Origin.Line, 1), ghProperty(d.Check), ghData(msg)); err != nil {
			return err
		}
	}
	return nil
}

// sarif* are the parts of SARIF 2.1.0 auditpack writes.
type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool    sarifTool     `json:"tool"`
	Results []sarifResult `json:"results"`
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
	StartLine int `json:"startLine"`
	EndLine   int `json:"endLine"`
}

var sarifLevels = map[Severity]string{Error: "error", Warning: "warning", Info: "note"}

// checksDocURL is where each check's doc is published (docs/checks.md).
const checksDocURL = "https://github.com/auditpack/auditpack/blob/main/docs/checks.md"

// WriteSARIF prints a SARIF 2.1.0 log with one reporting descriptor per
// check that ran.
func WriteSARIF(w io.Writer, r *Findings, toolVersion string) error {
	run := sarifRun{Tool: sarifTool{Driver: sarifDriver{Name: "auditpack", Version: toolVersion,
		InformationURI: "https://github.com/auditpack/auditpack"}}, Results: []sarifResult{}}
	index := map[string]int{}
	for _, c := range r.Checks {
		index[c.ID] = len(run.Tool.Driver.Rules)
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRule{ID: c.ID, Name: c.Title, HelpURI: checksDocURL + "#" + strings.ToLower(c.ID),
			ShortDescription: sarifText{c.Title}, FullDescription: sarifText{strings.TrimSpace(c.Doc)},
			Help:                 sarifText{"auditpack explain " + c.ID},
			DefaultConfiguration: sarifConfig{Level: sarifLevels[c.Severity]}})
	}
	for _, d := range r.Diagnostics {
		primary, related := sarifPlaces(d)
		res := sarifResult{RuleID: d.Check, RuleIndex: index[d.Check], Level: sarifLevels[d.Severity],
			Message: sarifText{d.Message}, Locations: []sarifLocation{sarifLoc(primary, 0)}}
		for i, o := range related {
			loc := sarifLoc(o, i+1)
			loc.Message = &sarifText{"related: " + o.Describe()}
			res.RelatedLocations = append(res.RelatedLocations, loc)
		}
		run.Results = append(run.Results, res)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(sarifLog{Schema: "https://json.schemastore.org/sarif-2.1.0.json", Version: "2.1.0", Runs: []sarifRun{run}})
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

func sarifLoc(o model.Origin, id int) sarifLocation {
	// A finding about a whole file (line 0) points at its first line.
	line := max(o.Line, 1)
	return sarifLocation{ID: id, PhysicalLocation: sarifPhysicalLocation{
		ArtifactLocation: sarifArtifactOf(o), Region: &sarifRegion{StartLine: line, EndLine: line}}}
}

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
