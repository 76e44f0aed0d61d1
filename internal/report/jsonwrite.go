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
	member := func(b []byte, name string) []byte {
		b = append(b, ",\n      \""...)
		b = append(b, name...)
		return append(b, "\": "...)
	}
	b = append(b, "{\n      \"check\": "...)
	b = appendJSONString(b, d.Check)
	b = appendJSONString(member(b, "severity"), d.Severity)
	b = appendJSONString(member(b, "file"), d.File)
	b = strconv.AppendInt(member(b, "line"), int64(d.Line), 10)
	b = appendJSONString(member(b, "pack"), d.Pack)
	b = appendJSONString(member(b, "message"), d.Message)
	b = member(b, "related")
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
			b = append(b, ",\n          \"line\": "...)
			b = strconv.AppendInt(b, int64(l.Line), 10)
			if l.Pack != "" {
				b = append(b, ",\n          \"pack\": "...)
				b = appendJSONString(b, l.Pack)
			}
			b = append(b, "\n        }"...)
		}
		b = append(b, "\n      ]"...)
	}
	return append(b, "\n    }"...)
}
