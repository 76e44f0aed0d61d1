package report

import (
	"bytes"
	"encoding/json"
	"math/rand"
	"testing"
)

// The hand-written JSON is byte for byte what encoding/json writes.
func TestJSONDiagnosticMatchesEncodingJSON(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	alphabet := []string{"a", "Z", " ", "\"", "\\", "\n", "\r", "\t", "\b", "\f", "\x00", "\x1f", "\x7f", "é", "\u2028", "\u2029", "\xff", "\xe2\x82", "<", ">", "&", "€", "𝄞"}
	str := func() string {
		var b bytes.Buffer
		for range rng.Intn(12) {
			b.WriteString(alphabet[rng.Intn(len(alphabet))])
		}
		return b.String()
	}
	for i := range 5000 {
		d := jsonDiagnostic{Check: str(), Severity: str(), File: str(), Line: rng.Intn(1 << 20), Pack: str(), Message: str()}
		for range rng.Intn(3) {
			d.Related = append(d.Related, jsonLocation{File: str(), Line: rng.Intn(99), Pack: []string{"", str()}[rng.Intn(2)]})
		}
		if d.Related == nil {
			d.Related = []jsonLocation{}
		}
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		enc.SetIndent("    ", "  ")
		if err := enc.Encode(d); err != nil {
			t.Fatal(err)
		}
		got := appendJSONDiagnostic(nil, d)
		if !bytes.Equal(got, bytes.TrimSuffix(want.Bytes(), []byte("\n"))) {
			t.Fatalf("case %d:\n%s\nencoding/json:\n%s", i, got, want.Bytes())
		}
	}
}
