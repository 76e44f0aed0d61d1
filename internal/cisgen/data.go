package main

import (
	"encoding/json"
	"fmt"
	"os"
)

// cacData is cac/cac.json: what was read from a ComplianceAsCode
// checkout, with the commit and each file's sha256.
type cacData struct {
	Source   string       `json:"source"`
	Commit   string       `json:"commit"`
	License  string       `json:"license"`
	Products []cacProduct `json:"products"`
}

type cacProduct struct {
	Product           string                 `json:"product"`
	ControlFile       string                 `json:"control_file"`
	SHA256            string                 `json:"sha256"`
	PolicyID          string                 `json:"policy_id"`
	BenchmarkVersion  string                 `json:"benchmark_version"`
	Levels            []string               `json:"levels"`
	AuditWatchesStyle string                 `json:"audit_watches_style"`
	Families          []string               `json:"families"`
	Controls          []cacControl           `json:"controls"`
	Rules             map[string]cacRule     `json:"rules"`
	Variables         map[string]cacVariable `json:"variables"`
	PrivilegedRules   []cacPrivilegedRule    `json:"privileged_rules"`
}

type cacControl struct {
	ID           string   `json:"id"`
	Levels       []string `json:"levels"`
	Status       string   `json:"status"`
	Rules        []string `json:"rules"`
	RelatedRules []string `json:"related_rules"`
}

type cacRule struct {
	File        string          `json:"file"`
	SHA256      string          `json:"sha256"`
	Platforms   []string        `json:"platforms"`
	Template    string          `json:"template"`
	Vars        map[string]any  `json:"vars"`
	Remediation *cacRemediation `json:"remediation"`
}

type cacRemediation struct {
	File     string `json:"file"`
	SHA256   string `json:"sha256"`
	Platform string `json:"platform"`
}

type cacVariable struct {
	Choice string `json:"choice"`
	Value  string `json:"value"`
	File   string `json:"file"`
	SHA256 string `json:"sha256"`
}

type cacPrivilegedRule struct {
	Rule   string `json:"rule"`
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
}

func readData(path string) (*cacData, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var d cacData
	if err := json.Unmarshal(raw, &d); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &d, nil
}

// str is a template variable as a string ("" when absent).
func (r cacRule) str(name string) string {
	s, _ := r.Vars[name].(string)
	return s
}

// list is a template variable that is a list of strings.
func (r cacRule) list(name string) []string {
	raw, _ := r.Vars[name].([]any)
	out := make([]string, 0, len(raw))
	for _, v := range raw {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
}
