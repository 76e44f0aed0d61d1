package lint

import (
	"crypto/sha256"
	"io"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/auditpack/auditpack/internal/report"
	"github.com/auditpack/auditpack/packs"
)

// addFingerprints gives each finding a fingerprint made of what stays when
// lines move: its check, its pack's name (not its version), its file, the
// text of its line with blanks collapsed, and the how-many-th finding of
// that check on that text in that file it is (the same rule written twice
// has two). Line numbers are left out, so a baseline survives lines added
// above; a finding on no rule line (a whole file, a comment) takes its
// message instead, with digits left out for the same reason. diags are in
// report order, which numbers the repeats. A file under root is named
// relative to it; an embedded pack's file by its name.
func addFingerprints(files []*packs.File, diags []Diagnostic, root string) {
	byPath := make(map[string]*packs.File, len(files))
	names := make(map[string]string, len(files))
	for _, f := range files {
		byPath[f.Path] = f
		names[f.Path] = fingerprintName(f, root)
	}
	seen := map[report.Fingerprint]int{}
	h := sha256.New()
	var buf []byte
	for i := range diags {
		d := &diags[i]
		h.Reset()
		pack, _, _ := strings.Cut(d.Origin.Pack, "@")
		name, ok := names[d.Origin.File]
		if !ok { // a place outside the set's files
			name = filepath.ToSlash(filepath.Clean(d.Origin.File))
		}
		for _, part := range []string{d.Check, pack, name} {
			io.WriteString(h, part)
			h.Write([]byte{0})
		}
		if text, ok := lineText(byPath[d.Origin.File], d.Origin.Line); ok {
			buf = appendCollapsed(buf[:0], text)
		} else {
			buf = appendWithoutDigits(buf[:0], d.Message)
		}
		h.Write(buf)
		var sum [sha256.Size]byte
		h.Sum(sum[:0])
		base := report.Fingerprint(sum[:16])
		n := seen[base]
		seen[base] = n + 1
		// The first finding of a kind keeps its base; a repeat is told
		// apart by its number.
		d.Fingerprint = base
		if n > 0 {
			sum = sha256.Sum256(strconv.AppendInt(base[:], int64(n), 10))
			d.Fingerprint = report.Fingerprint(sum[:16])
		}
	}
}

// fingerprintName is how a fingerprint names f: relative to root when f
// is under it, as given otherwise, slash-separated and clean.
func fingerprintName(f *packs.File, root string) string {
	name := filepath.Clean(f.Path)
	if root != "" && (f.Pack == nil || !f.Pack.Embedded()) {
		if abs, err := filepath.Abs(name); err == nil {
			if rel, err := filepath.Rel(root, abs); err == nil && rel != ".." && !strings.HasPrefix(rel, "../") {
				name = rel
			}
		}
	}
	return filepath.ToSlash(name)
}

// appendCollapsed appends s's words, one space between each: blanks are
// how a line is laid out, not what it says.
func appendCollapsed(b []byte, s string) []byte {
	start := len(b)
	blank := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case ' ', '\t', '\r', '\v', '\f':
			blank = true
		default:
			if blank && len(b) > start {
				b = append(b, ' ')
			}
			blank = false
			b = append(b, c)
		}
	}
	return b
}

// lineText is the text of the rule or control line at line of f.
func lineText(f *packs.File, line int) (string, bool) {
	at, found := itemAt(f, line)
	if !found {
		return "", false
	}
	return f.Items[at].Text, true
}

// itemAt is the index in f's items of the rule or control line at line
// (the first, for a line that stands for several).
func itemAt(f *packs.File, line int) (int, bool) {
	if f == nil || line == 0 {
		return 0, false
	}
	return sort.Find(len(f.Items), func(j int) int { return line - f.Items[j].Origin.Line })
}

// appendWithoutDigits appends s with each run of digits as one "#": the
// line numbers a message names change when lines move.
func appendWithoutDigits(b []byte, s string) []byte {
	inDigits := false
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= '0' && c <= '9' {
			if !inDigits {
				b = append(b, '#')
			}
			inDigits = true
			continue
		}
		inDigits = false
		b = append(b, s[i])
	}
	return b
}
