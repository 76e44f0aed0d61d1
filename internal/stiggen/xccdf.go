package main

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"
)

// manual is what stiggen keeps of a DISA XCCDF manual: the benchmark and
// the Groups that state audit content, with the texts an assessor's
// formats carry. The toml keys are those of its data file.
type manual struct {
	Product     string        `toml:"product"` // rhel9: the product key it was extracted for
	Release     string        `toml:"release"` // V2R9
	File        string        `toml:"file"`    // the manual's file name, as DISA and ComplianceAsCode name it
	SHA256      string        `toml:"sha256"`  // of the manual as fetched
	ID          string        `toml:"id"`      // RHEL_9_STIG
	Title       string        `toml:"title"`
	Version     string        `toml:"version"`      // the benchmark's version: DISA's V
	ReleaseInfo string        `toml:"release_info"` // "Release: 9 Benchmark Date: 01 Jul 2026"
	Rules       []*manualRule `toml:"group"`
}

// manualRule is one Group of the manual with its Rule.
type manualRule struct {
	Vuln       string   `toml:"vuln"`        // V-258176 (the Group's id)
	GroupTitle string   `toml:"group_title"` // SRG-OS-000326-GPOS-00126
	RuleID     string   `toml:"rule_id"`     // SV-258176r1155595_rule
	Severity   string   `toml:"severity"`    // high, medium, low (CAT I, II, III)
	Weight     string   `toml:"weight"`
	StigID     string   `toml:"id"` // RHEL-09-654010 (the Rule's version)
	Title      string   `toml:"title"`
	Discussion string   `toml:"discussion"` // VulnDiscussion
	CCIs       []string `toml:"ccis"`
	Check      string   `toml:"check"`
	Fix        string   `toml:"fix"`
	FixID      string   `toml:"fix_id"`
}

type xmlBenchmark struct {
	ID        string `xml:"id,attr"`
	Title     string `xml:"title"`
	Version   string `xml:"version"`
	PlainText []struct {
		ID   string `xml:"id,attr"`
		Text string `xml:",chardata"`
	} `xml:"plain-text"`
	Groups []struct {
		ID    string `xml:"id,attr"`
		Title string `xml:"title"`
		Rule  struct {
			ID          string `xml:"id,attr"`
			Severity    string `xml:"severity,attr"`
			Weight      string `xml:"weight,attr"`
			Version     string `xml:"version"`
			Title       string `xml:"title"`
			Description string `xml:"description"`
			Idents      []struct {
				System string `xml:"system,attr"`
				Value  string `xml:",chardata"`
			} `xml:"ident"`
			Fixtext struct {
				Fixref string `xml:"fixref,attr"`
				Text   string `xml:",chardata"`
			} `xml:"fixtext"`
			Check struct {
				Content string `xml:"check-content"`
			} `xml:"check"`
		} `xml:"Rule"`
	} `xml:"Group"`
}

// readManual decodes an XCCDF 1.1 manual as DISA publishes it.
func readManual(r io.Reader, file string) (*manual, error) {
	var b xmlBenchmark
	if err := xml.NewDecoder(r).Decode(&b); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	m := &manual{File: file, ID: b.ID, Title: strings.TrimSpace(b.Title), Version: strings.TrimSpace(b.Version)}
	for _, p := range b.PlainText {
		if p.ID == "release-info" {
			m.ReleaseInfo = strings.TrimSpace(p.Text)
		}
	}
	for _, g := range b.Groups {
		r := g.Rule
		mr := &manualRule{
			Vuln: g.ID, GroupTitle: strings.TrimSpace(g.Title), RuleID: r.ID, Severity: r.Severity, Weight: r.Weight,
			StigID: strings.TrimSpace(r.Version), Title: clean(r.Title), Discussion: between(r.Description, "<VulnDiscussion>", "</VulnDiscussion>"),
			Check: clean(r.Check.Content), Fix: clean(r.Fixtext.Text), FixID: r.Fixtext.Fixref,
		}
		for _, id := range r.Idents {
			if strings.HasSuffix(id.System, "/cci") {
				mr.CCIs = append(mr.CCIs, strings.TrimSpace(id.Value))
			}
		}
		m.Rules = append(m.Rules, mr)
	}
	if m.ID == "" || len(m.Rules) == 0 {
		return nil, fmt.Errorf("%s: no XCCDF benchmark with rules", file)
	}
	return m, nil
}

// between is the text between two markers (the manual keeps the rule's
// discussion as escaped markup inside its description).
func between(s, open, close string) string {
	_, rest, ok := strings.Cut(s, open)
	if !ok {
		return ""
	}
	inner, _, _ := strings.Cut(rest, close)
	return clean(inner)
}

// clean drops carriage returns (some releases have CRLF lines) and the
// whitespace around a text, keeping its lines as DISA wrote them.
func clean(s string) string {
	return strings.TrimSpace(strings.ReplaceAll(s, "\r", ""))
}
