package report

import (
	"bytes"
	"encoding/json"
	"math/rand"
	"testing"
)

// randomStrings makes strings of the characters JSON escapes or may
// escape, for comparing hand-written JSON with encoding/json.
func randomStrings(seed int64) (*rand.Rand, func() string) {
	rng := rand.New(rand.NewSource(seed))
	alphabet := []string{"a", "Z", " ", "'", "\uFFFE", "\xed\xa0\x80", "\U0010FFFF", "\"", "\\", "\n", "\r", "\t", "\b", "\f", "\x00", "\x1f", "\x7f", "é", "\u2028", "\u2029", "\xff", "\xe2\x82", "<", ">", "&", "€", "𝄞"}
	return rng, func() string {
		var b bytes.Buffer
		for range rng.Intn(12) {
			b.WriteString(alphabet[rng.Intn(len(alphabet))])
		}
		return b.String()
	}
}

// encodeIndented is v as encoding/json writes it at a depth of prefix,
// without its newline.
func encodeIndented(t *testing.T, v any, prefix string) []byte {
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	enc.SetIndent(prefix, "  ")
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return bytes.TrimSuffix(out.Bytes(), []byte("\n"))
}

// The hand-written JSON is byte for byte what encoding/json writes.
func TestJSONDiagnosticMatchesEncodingJSON(t *testing.T) {
	rng, str := randomStrings(7)
	for i := range 5000 {
		d := jsonDiagnostic{Check: str(), Severity: str(), File: str(), Line: rng.Intn(1 << 20), Pack: str(), Message: str()}
		for range rng.Intn(3) {
			d.Related = append(d.Related, jsonLocation{File: str(), Line: rng.Intn(99), Pack: []string{"", str()}[rng.Intn(2)]})
		}
		if d.Related == nil {
			d.Related = []jsonLocation{}
		}
		want := encodeIndented(t, d, "    ")
		if got := appendJSONDiagnostic(nil, d); !bytes.Equal(got, want) {
			t.Fatalf("case %d:\n%s\nencoding/json:\n%s", i, got, want)
		}
	}
}

// The hand-written SARIF results are byte for byte what encoding/json
// writes in a run's results, with every optional part present or not.
func TestSARIFResultMatchesEncodingJSON(t *testing.T) {
	rng, str := randomStrings(11)
	location := func(id int) sarifLocation {
		l := sarifLocation{ID: id, PhysicalLocation: sarifPhysicalLocation{ArtifactLocation: sarifArtifact{URI: str()}}}
		if rng.Intn(2) == 0 {
			l.PhysicalLocation.ArtifactLocation.URIBaseID = str()
		}
		if rng.Intn(8) > 0 {
			l.PhysicalLocation.Region = &sarifRegion{StartLine: rng.Intn(1 << 20), EndLine: rng.Intn(1 << 20)}
		}
		if rng.Intn(2) == 0 {
			l.Message = &sarifText{str()}
		}
		return l
	}
	for i := range 5000 {
		r := sarifResult{RuleID: str(), RuleIndex: rng.Intn(80), Level: str(), Message: sarifText{str()}}
		for j := range rng.Intn(3) {
			r.Locations = append(r.Locations, location(rng.Intn(2)*j))
		}
		for j := range rng.Intn(3) {
			r.RelatedLocations = append(r.RelatedLocations, location(j+rng.Intn(2)))
		}
		want := encodeIndented(t, r, "        ")
		if got := appendSARIFResult(nil, r); !bytes.Equal(got, want) {
			t.Fatalf("case %d:\n%s\nencoding/json:\n%s", i, got, want)
		}
	}
}
