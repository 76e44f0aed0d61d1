package report

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"io"
	"strconv"
	"strings"
)

// checkstyleVersion is the version of checkstyle's XML format written:
// the one most tools write (the format has not changed since).
const checkstyleVersion = "4.3"

// WriteCheckstyle prints checkstyle's XML report, as Jenkins' warnings-ng
// reads it: a <file> element per file with an <error> element per
// finding. warnings-ng takes an issue's type from the source attribute's
// last dot-separated part and its category from the part before, so the
// source is auditpack.FAMILY.CHECK-ID (auditpack.ORD.ORD-KEY-SHADOW). A
// finding is shown on the user's own file when one of its places is one
// (as in SARIF), so a file's findings may come in more than one <file>
// element, which checkstyle's schema allows. A run that could not check
// the rules is one error saying why, in the file "." with the source
// auditpack.run. Elements are written one at a time, on every core, as
// the other formats' findings are.
func WriteCheckstyle(w io.Writer, r *Findings, _ string) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.WriteString(xml.Header + `<checkstyle version="` + checkstyleVersion + `">` + "\n")
	if r.Error != "" {
		var esc xmlEscaper
		b := appendCheckstyleError([]byte(`  <file name=".">`+"\n"), &esc, 0, 0, Error, "auditpack could not check the rules: "+r.Error, "", "run", "")
		bw.Write(append(b, "  </file>\n"...))
	}
	ds := r.Diagnostics
	fileOf := func(i int) string {
		place, _ := sarifPlaces(ds[i])
		return gitlabPath(place)
	}
	writeEach(bw, len(ds), func(esc *xmlEscaper, i int, b []byte) []byte {
		d := &ds[i]
		place, _ := sarifPlaces(*d)
		file := gitlabPath(place)
		if i == 0 || fileOf(i-1) != file {
			b = esc.append(append(b, `  <file name="`...), file)
			b = append(b, "\">\n"...)
		}
		family, _, _ := strings.Cut(d.Check, "-")
		b = appendCheckstyleError(b, esc, place.Line, place.Col, d.Severity, d.Message, d.Origin.Pack, family, d.Check)
		if i == len(ds)-1 || fileOf(i+1) != file {
			b = append(b, "  </file>\n"...)
		}
		return b
	})
	bw.WriteString("</checkstyle>\n")
	return bw.Flush()
}

// appendCheckstyleError appends one <error> element: its message with
// the pack it comes from, if any, and its source auditpack.FAMILY.CHECK
// (check IDs need no escaping; auditpack.FAMILY without a check). Line
// and column 0 (a whole file, a whole line) are left out, as the schema's
// positive integers cannot say them.
func appendCheckstyleError(b []byte, esc *xmlEscaper, line, col int, severity Severity, message, pack, family, check string) []byte {
	b = append(b, "    <error"...)
	if line > 0 {
		b = strconv.AppendInt(append(b, ` line="`...), int64(line), 10)
		b = append(b, '"')
		if col > 0 {
			b = strconv.AppendInt(append(b, ` column="`...), int64(col), 10)
			b = append(b, '"')
		}
	}
	b = append(append(append(b, ` severity="`...), severity.String()...), `" message="`...)
	b = esc.append(b, message)
	if pack != "" {
		b = append(esc.append(append(b, " ("...), pack), ')')
	}
	b = append(append(b, `" source="auditpack.`...), family...)
	if check != "" {
		b = append(append(b, '.'), check...)
	}
	return append(b, "\"/>\n"...)
}

// xmlEscaper escapes text for XML attribute values as encoding/xml does
// (characters XML cannot hold become U+FFFD), in memory it keeps: a
// report escapes hundreds of thousands of strings.
type xmlEscaper struct {
	in  []byte
	out bytes.Buffer
}

// append appends s escaped to b.
func (e *xmlEscaper) append(b []byte, s string) []byte {
	e.in = append(e.in[:0], s...)
	e.out.Reset()
	_ = xml.EscapeText(&e.out, e.in) // a bytes.Buffer does not fail
	return append(b, e.out.Bytes()...)
}
