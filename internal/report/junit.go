package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/auditpack/auditpack/internal/text"
)

// JUnitCase is one test case of a JUnit report; the CI systems that read
// JUnit show each as passed or failed.
type JUnitCase struct {
	Name     string
	Failures []string // empty: passed
}

// WriteJUnit writes a JUnit XML report of one suite.
func WriteJUnit(w io.Writer, suite string, cases []JUnitCase) error {
	type failure struct {
		Message string `xml:"message,attr"`
		Text    string `xml:",chardata"`
	}
	type testcase struct {
		Classname string   `xml:"classname,attr"`
		Name      string   `xml:"name,attr"`
		Failure   *failure `xml:"failure,omitempty"`
	}
	type testsuite struct {
		XMLName  xml.Name   `xml:"testsuite"`
		Name     string     `xml:"name,attr"`
		Tests    int        `xml:"tests,attr"`
		Failures int        `xml:"failures,attr"`
		Cases    []testcase `xml:"testcase"`
	}
	s := testsuite{Name: suite, Tests: len(cases)}
	for _, c := range cases {
		tc := testcase{Classname: suite, Name: c.Name}
		if len(c.Failures) > 0 {
			s.Failures++
			tc.Failure = &failure{Message: text.Count(len(c.Failures), "finding"), Text: strings.Join(c.Failures, "\n")}
			if len(c.Failures) == 1 {
				tc.Failure.Message = c.Failures[0]
			}
		}
		s.Cases = append(s.Cases, tc)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(s); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// WriteJUnitFindings reports lint as one test case per check that ran,
// failed by its findings.
func WriteJUnitFindings(w io.Writer, r *Findings, _ string) error {
	var cases []JUnitCase
	for _, c := range r.Checks {
		jc := JUnitCase{Name: c.ID}
		for _, d := range r.Diagnostics {
			if d.Check == c.ID {
				jc.Failures = append(jc.Failures, fmt.Sprintf("%s: %s: %s", d.Origin, d.Severity, d.Message))
			}
		}
		cases = append(cases, jc)
	}
	return WriteJUnit(w, "auditpack lint", cases)
}
