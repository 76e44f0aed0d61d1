package report

import (
	"bufio"
	"encoding/xml"
	"io"
	"strconv"

	"github.com/auditpack/auditpack/internal/text"
)

// JUnitCase is one test case of a JUnit report; the CI systems that read
// JUnit show each as passed or failed.
type JUnitCase struct {
	Name     string
	Failures []string // empty: passed
	// Error is why the case could not run at all (JUnit's <error>).
	Error string
}

// errorCase is the one case of a report whose run could not check
// anything: CI systems show it as an error, not as a suite that passed.
func errorCase(err string) []JUnitCase {
	if err == "" {
		return nil
	}
	return []JUnitCase{{Name: "auditpack", Error: err}}
}

// WriteJUnit writes a JUnit XML report of one suite, as encoding/xml
// indents it, element by element: a case's failures are written one by
// one, never joined (a large lint has 200,000 of them).
func WriteJUnit(w io.Writer, suite string, cases []JUnitCase) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	var esc xmlEscaper
	var buf []byte
	escape := func(s string) {
		buf = esc.append(buf[:0], s)
		bw.Write(buf) // a write error stays in bw for Flush
	}
	failed, errored := 0, 0
	for _, c := range cases {
		if len(c.Failures) > 0 {
			failed++
		}
		if c.Error != "" {
			errored++
		}
	}
	bw.WriteString(xml.Header + `<testsuite name="`)
	escape(suite)
	bw.WriteString(`" tests="` + strconv.Itoa(len(cases)) + `" failures="` + strconv.Itoa(failed) + `"`)
	if errored > 0 {
		bw.WriteString(` errors="` + strconv.Itoa(errored) + `"`)
	}
	bw.WriteString(`>`)
	for _, c := range cases {
		bw.WriteString("\n  " + `<testcase classname="`)
		escape(suite)
		bw.WriteString(`" name="`)
		escape(c.Name)
		bw.WriteString(`">`)
		if len(c.Failures) > 0 {
			message := c.Failures[0]
			if len(c.Failures) > 1 {
				message = text.Count(len(c.Failures), "finding")
			}
			bw.WriteString("\n    " + `<failure message="`)
			escape(message)
			bw.WriteString(`">`)
			for i, f := range c.Failures {
				if i > 0 {
					bw.WriteString("&#xA;")
				}
				escape(f)
			}
			bw.WriteString("</failure>\n  ")
		}
		if c.Error != "" {
			bw.WriteString("\n    " + `<error message="`)
			escape(c.Error)
			bw.WriteString(`">`)
			escape(c.Error)
			bw.WriteString("</error>\n  ")
		}
		bw.WriteString("</testcase>")
	}
	if len(cases) > 0 {
		bw.WriteString("\n")
	}
	bw.WriteString("</testsuite>\n")
	return bw.Flush()
}

// WriteJUnitFindings reports lint as one test case per check that ran,
// failed by its findings, or one in error saying why nothing was checked.
func WriteJUnitFindings(w io.Writer, r *Findings, _ string) error {
	cases := errorCase(r.Error)
	byCheck := make(map[string]int, len(r.Checks))
	for _, c := range r.Checks {
		byCheck[c.ID] = len(cases)
		cases = append(cases, JUnitCase{Name: c.ID})
	}
	var line []byte
	for _, d := range r.Diagnostics {
		i, ok := byCheck[d.Check]
		if !ok {
			continue
		}
		line = d.Origin.AppendTo(line[:0])
		line = append(append(append(append(line, ": "...), d.Severity.String()...), ": "...), d.Message...)
		cases[i].Failures = append(cases[i].Failures, string(line))
	}
	return WriteJUnit(w, "auditpack lint", cases)
}
