package report

import (
	"strconv"
	"unicode/utf8"
)

// appendJSONString appends s as encoding/json writes a string with
// SetEscapeHTML(false): quotes, backslashes and control characters
// escaped, U+2028 and U+2029 escaped, invalid UTF-8 as U+FFFD. The lint
// JSON writes hundreds of thousands of strings; reflection would be most
// of its time.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// appendJSONDiagnostic appends one diagnostic as an element of the
// "diagnostics" array, indented as encoding/json indents it there.
func appendJSONDiagnostic(b []byte, d jsonDiagnostic) []byte {
	const member, relatedMember = 6, 10 // the diagnostic's members, a related place's
	b = append(b, "{\n      \"check\": "...)
	b = appendJSONString(b, d.Check)
	b = appendJSONString(appendJSONMember(b, member, "severity"), d.Severity)
	b = appendJSONString(appendJSONMember(b, member, "file"), d.File)
	b = strconv.AppendInt(appendJSONMember(b, member, "line"), int64(d.Line), 10)
	if d.Col != 0 {
		b = strconv.AppendInt(appendJSONMember(b, member, "col"), int64(d.Col), 10)
	}
	b = appendJSONString(appendJSONMember(b, member, "pack"), d.Pack)
	b = appendJSONString(appendJSONMember(b, member, "message"), d.Message)
	b = appendJSONMember(b, member, "related")
	if len(d.Related) == 0 {
		b = append(b, "[]"...)
	} else {
		b = append(b, '[')
		for i, l := range d.Related {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, "\n        {\n          \"file\": "...)
			b = appendJSONString(b, l.File)
			b = strconv.AppendInt(appendJSONMember(b, relatedMember, "line"), int64(l.Line), 10)
			if l.Pack != "" {
				b = appendJSONString(appendJSONMember(b, relatedMember, "pack"), l.Pack)
			}
			b = append(b, "\n        }"...)
		}
		b = append(b, "\n      ]"...)
	}
	return append(b, "\n    }"...)
}

// indents are the spaces encoding/json indents with, up to nine levels.
const indents = "                  "

// appendJSONMember appends a member's name after the value before it,
// at a depth of indent.
func appendJSONMember(b []byte, indent int, name string) []byte {
	b = append(append(b, ",\n"...), indents[:indent]...)
	return append(appendJSONString(b, name), ": "...)
}

// appendSARIFResult appends a result as an element of a run's "results",
// as encoding/json indents it there (the result's braces at depth 4).
func appendSARIFResult(b []byte, r sarifResult) []byte {
	const member = 10 // the result's members, depth 5
	b = append(append(b, "{\n"...), indents[:member]...)
	b = append(appendJSONString(b, "ruleId"), ": "...)
	b = appendJSONString(b, r.RuleID)
	b = strconv.AppendInt(appendJSONMember(b, member, "ruleIndex"), int64(r.RuleIndex), 10)
	b = appendJSONString(appendJSONMember(b, member, "level"), r.Level)
	b = appendSARIFText(appendJSONMember(b, member, "message"), member, r.Message)
	b = appendSARIFLocations(appendJSONMember(b, member, "locations"), member, r.Locations)
	if len(r.RelatedLocations) > 0 {
		b = appendSARIFLocations(appendJSONMember(b, member, "relatedLocations"), member, r.RelatedLocations)
	}
	return append(append(append(b, '\n'), indents[:member-2]...), '}')
}

// appendSARIFText appends {"text": ...} as the value of a member at a
// depth of indent.
func appendSARIFText(b []byte, indent int, t sarifText) []byte {
	b = append(append(b, "{\n"...), indents[:indent+2]...)
	b = appendJSONString(append(appendJSONString(b, "text"), ": "...), t.Text)
	return append(append(append(b, '\n'), indents[:indent]...), '}')
}

// appendSARIFLocations appends a list of locations as the value of a
// member at a depth of indent.
func appendSARIFLocations(b []byte, indent int, locs []sarifLocation) []byte {
	switch {
	case locs == nil:
		return append(b, "null"...)
	case len(locs) == 0:
		return append(b, "[]"...)
	}
	b = append(b, '[')
	for i, l := range locs {
		if i > 0 {
			b = append(b, ',')
		}
		in := indent + 4 // the location's members
		b = append(append(append(b, '\n'), indents[:indent+2]...), "{\n"...)
		b = append(b, indents[:in]...)
		if l.ID != 0 {
			b = strconv.AppendInt(append(appendJSONString(b, "id"), ": "...), int64(l.ID), 10)
			b = appendJSONMember(b, in, "physicalLocation")
		} else {
			b = append(appendJSONString(b, "physicalLocation"), ": "...)
		}
		b = appendSARIFPhysical(b, in, l.PhysicalLocation)
		if l.Message != nil {
			b = appendSARIFText(appendJSONMember(b, in, "message"), in, *l.Message)
		}
		b = append(append(append(b, '\n'), indents[:indent+2]...), '}')
	}
	return append(append(append(b, '\n'), indents[:indent]...), ']')
}

// appendSARIFPhysical appends a physical location as the value of a
// member at a depth of indent.
func appendSARIFPhysical(b []byte, indent int, p sarifPhysicalLocation) []byte {
	in := indent + 2
	b = append(append(b, "{\n"...), indents[:in]...)
	b = append(appendJSONString(b, "artifactLocation"), ": {\n"...)
	b = append(b, indents[:in+2]...)
	b = appendJSONString(append(appendJSONString(b, "uri"), ": "...), p.ArtifactLocation.URI)
	if p.ArtifactLocation.URIBaseID != "" {
		b = appendJSONString(appendJSONMember(b, in+2, "uriBaseId"), p.ArtifactLocation.URIBaseID)
	}
	b = append(append(append(b, '\n'), indents[:in]...), '}')
	b = appendJSONMember(b, in, "region")
	if p.Region == nil {
		b = append(b, "null"...)
	} else {
		b = append(append(b, "{\n"...), indents[:in+2]...)
		b = strconv.AppendInt(append(appendJSONString(b, "startLine"), ": "...), int64(p.Region.StartLine), 10)
		if p.Region.StartColumn != 0 {
			b = strconv.AppendInt(appendJSONMember(b, in+2, "startColumn"), int64(p.Region.StartColumn), 10)
		}
		b = strconv.AppendInt(appendJSONMember(b, in+2, "endLine"), int64(p.Region.EndLine), 10)
		b = append(append(append(b, '\n'), indents[:in]...), '}')
	}
	return append(append(append(b, '\n'), indents[:indent]...), '}')
}
