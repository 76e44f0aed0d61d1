package jsonschema

import (
	"strings"
	"testing"
)

func TestValidate(t *testing.T) {
	schema := []byte(`{"type":"object","additionalProperties":false,"required":["a","b"],
		"properties":{"a":{"type":"integer"},"b":{"type":"array","items":{"type":"string","enum":["x","y"]}},
		"c":{"type":["integer","null"]}}}`)
	for doc, want := range map[string]string{
		`{"a":1,"b":["x"]}`:          "",
		`{"a":1,"b":["x"],"c":null}`: "",
		`{"a":1.5,"b":[]}`:           "$.a: number, want integer",
		`{"b":[]}`:                   `$: "a" is missing`,
		`{"a":1,"b":["z"]}`:          "$.b[0]: z is not one of",
		`{"a":1,"b":[],"d":true}`:    `$: "d" is not in the schema`,
		`{"a":1,"b":"x"}`:            "$.b: string, want array",
		`{"a":1,"b":[],"c":"no"}`:    "$.c: string, want",
	} {
		problems, err := Validate(schema, []byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		got := strings.Join(problems, "; ")
		if (want == "") != (got == "") || !strings.Contains(got, want) {
			t.Errorf("%s: got %q, want %q", doc, got, want)
		}
	}
}
