// Package jsonschema checks JSON documents against the subset of JSON
// Schema that auditpack's schemas use (type, enum, required, properties,
// additionalProperties, items), so tests can hold the output formats to
// the schemas in docs/schema.
package jsonschema

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
)

// Validate reports every place where doc breaks schema.
func Validate(schema, doc []byte) ([]string, error) {
	var s, d any
	if err := json.Unmarshal(schema, &s); err != nil {
		return nil, fmt.Errorf("schema: %w", err)
	}
	if err := json.Unmarshal(doc, &d); err != nil {
		return nil, fmt.Errorf("document: %w", err)
	}
	var problems []string
	check(s.(map[string]any), d, "$", &problems)
	return problems, nil
}

func typeOf(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case string:
		return "string"
	case float64:
		if x == math.Trunc(x) {
			return "integer"
		}
		return "number"
	case []any:
		return "array"
	}
	return "object"
}

func typeMatches(want any, got string) bool {
	switch w := want.(type) {
	case string:
		return w == got || (w == "number" && got == "integer")
	case []any:
		for _, t := range w {
			if typeMatches(t, got) {
				return true
			}
		}
	}
	return false
}

func check(s map[string]any, v any, at string, problems *[]string) {
	if t, ok := s["type"]; ok && !typeMatches(t, typeOf(v)) {
		*problems = append(*problems, fmt.Sprintf("%s: %s, want %v", at, typeOf(v), t))
		return
	}
	if enum, ok := s["enum"].([]any); ok {
		found := false
		for _, e := range enum {
			found = found || e == v
		}
		if !found {
			*problems = append(*problems, fmt.Sprintf("%s: %v is not one of %v", at, v, enum))
		}
	}
	switch x := v.(type) {
	case map[string]any:
		props, _ := s["properties"].(map[string]any)
		required, _ := s["required"].([]any)
		for _, r := range required {
			if _, ok := x[r.(string)]; !ok {
				*problems = append(*problems, fmt.Sprintf("%s: %q is missing", at, r))
			}
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if ps, ok := props[k].(map[string]any); ok {
				check(ps, x[k], at+"."+k, problems)
				continue
			}
			switch extra := s["additionalProperties"].(type) {
			case bool:
				if !extra {
					*problems = append(*problems, fmt.Sprintf("%s: %q is not in the schema", at, k))
				}
			case map[string]any:
				check(extra, x[k], at+"."+k, problems)
			}
		}
	case []any:
		if items, ok := s["items"].(map[string]any); ok {
			for i, e := range x {
				check(items, e, fmt.Sprintf("%s[%d]", at, i), problems)
			}
		}
	}
}
