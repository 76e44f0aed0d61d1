package baseline

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/auditpack/auditpack/internal/report"
	"github.com/auditpack/auditpack/packs/model"
)

func diag(n byte, file string, line int) report.Diagnostic {
	return report.Diagnostic{Check: "ORD-KEY-SHADOW", Severity: report.Warning, Origin: model.Origin{File: file, Line: line, Pack: "site@1.0.0"},
		Message: "shadowed \"by\" line 1", Fingerprint: report.Fingerprint{n}}
}

// A baseline written from findings hides exactly them when read back,
// and counts its entries that no finding matches any more.
func TestRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "baseline.json")
	written := []report.Diagnostic{diag(2, "b.rules", 1), diag(1, "a.rules", 9), diag(3, "a.rules", 2)}
	if err := Write(path, written); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want := `{
  "version": 1,
  "findings": [
    {"fingerprint":"03000000000000000000000000000000","check":"ORD-KEY-SHADOW","file":"a.rules","line":2,"pack":"site@1.0.0","message":"shadowed \"by\" line 1"},
    {"fingerprint":"01000000000000000000000000000000","check":"ORD-KEY-SHADOW","file":"a.rules","line":9,"pack":"site@1.0.0","message":"shadowed \"by\" line 1"},
    {"fingerprint":"02000000000000000000000000000000","check":"ORD-KEY-SHADOW","file":"b.rules","line":1,"pack":"site@1.0.0","message":"shadowed \"by\" line 1"}
  ]
}
`
	if string(data) != want {
		t.Errorf("baseline file:\n%s\nwant (sorted by file and line, one finding a line):\n%s", data, want)
	}
	b, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	// Finding 1 moved to another line, 2 is fixed, 4 is new.
	now := []report.Diagnostic{diag(1, "a.rules", 14), diag(3, "a.rules", 2), diag(4, "a.rules", 20)}
	kept, hidden := b.Filter(now)
	if len(kept) != 1 || kept[0].Fingerprint != (report.Fingerprint{4}) || hidden != 2 || b.Fixed() != 1 {
		t.Errorf("kept %v, hidden %d, fixed %d; want the new finding, 2 hidden, 1 fixed", kept, hidden, b.Fixed())
	}
}

func TestEmptyRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "baseline.json")
	if err := Write(path, nil); err != nil {
		t.Fatal(err)
	}
	b, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	if kept, hidden := b.Filter([]report.Diagnostic{diag(1, "a.rules", 1)}); len(kept) != 1 || hidden != 0 || b.Fixed() != 0 {
		t.Errorf("an empty baseline hid %d findings", hidden)
	}
}

// Findings without fingerprints cannot be written, and the file stays as
// it was.
func TestWriteNeedsFingerprints(t *testing.T) {
	path := filepath.Join(t.TempDir(), "baseline.json")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	d := diag(1, "a.rules", 1)
	d.Fingerprint = report.Fingerprint{}
	if err := Write(path, []report.Diagnostic{d}); err == nil || !strings.Contains(err.Error(), "no fingerprint") {
		t.Errorf("Write of a finding without fingerprint: %v", err)
	}
	if data, _ := os.ReadFile(path); string(data) != "old" {
		t.Errorf("a failed Write changed the file: %q", data)
	}
}

// Every bad baseline is an error naming the file (and the place, where
// there is one) and saying what to do.
func TestReadErrors(t *testing.T) {
	dir := t.TempDir()
	const entry = `{"fingerprint":"01000000000000000000000000000000","check":"X","file":"a","line":1,"message":"m"}`
	for _, c := range []struct{ text, want string }{
		{"", "it ends before the baseline does"},
		{"{\n  \"version\": 1,\n  \"findings\": [\n    " + entry + ",\n  ]\n}\n", ".json:5:3: not a baseline auditpack wrote: invalid character ']'"},
		{"{\"version\": 2, \"findings\": []}", "baseline version 2; this auditpack reads version 1: write it again with lint --write-baseline"},
		{"{\"findings\": []}", "it has no \"version\""},
		{"{\"version\": 1, \"findings\": [], \"notes\": 1}", "unknown key \"notes\""},
		{"{\"version\": 1, \"findings\": [{\"check\": \"X\"}]}", "finding 1: fingerprint \"\" is not 32 hexadecimal digits"},
		{"{\"version\": 1, \"findings\": [{\"fingerprint\": \"xyz\"}]}", "finding 1: fingerprint \"xyz\" is not 32 hexadecimal digits"},
		{"{\"version\": 1, \"findings\": [" + entry + "]}{}", "more after the baseline's object"},
		{"[]", "found [ where \"{\" belongs"},
		{"{\"version\": \"1\", \"findings\": []}", "cannot unmarshal string"},
	} {
		path := filepath.Join(dir, "baseline.json")
		if err := os.WriteFile(path, []byte(c.text), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := Read(path)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), path) {
			t.Errorf("%q: %v\nwant an error at %s containing %q", c.text, err, path, c.want)
		}
	}
	if _, err := Read(filepath.Join(dir, "missing.json")); err == nil || !strings.Contains(err.Error(), "write one with lint --write-baseline") {
		t.Errorf("a missing baseline: %v", err)
	}
}
