package report

import (
	"bytes"
	"encoding/xml"
	"strings"
	"testing"

	"github.com/auditpack/auditpack/internal/text"
)

// junitByEncodingXML is the JUnit report as encoding/xml writes it from
// structs: the oracle WriteJUnit's element-by-element writing must match.
func junitByEncodingXML(t *testing.T, suite string, cases []JUnitCase) []byte {
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
	var out bytes.Buffer
	out.WriteString(xml.Header)
	enc := xml.NewEncoder(&out)
	enc.Indent("", "  ")
	if err := enc.Encode(s); err != nil {
		t.Fatal(err)
	}
	out.WriteString("\n")
	return out.Bytes()
}

// WriteJUnit writes byte for byte what encoding/xml writes, whatever the
// names and failures hold.
func TestJUnitMatchesEncodingXML(t *testing.T) {
	rng, str := randomStrings(13)
	for i := range 2000 {
		suite := str()
		var cases []JUnitCase
		for range rng.Intn(4) {
			c := JUnitCase{Name: str()}
			for range []int{0, 0, 1, 3}[rng.Intn(4)] {
				c.Failures = append(c.Failures, str())
			}
			cases = append(cases, c)
		}
		var got bytes.Buffer
		if err := WriteJUnit(&got, suite, cases); err != nil {
			t.Fatal(err)
		}
		if want := junitByEncodingXML(t, suite, cases); !bytes.Equal(got.Bytes(), want) {
			t.Fatalf("case %d:\n%s\nencoding/xml:\n%s", i, got.Bytes(), want)
		}
	}
}
