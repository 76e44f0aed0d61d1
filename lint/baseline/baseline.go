package baseline

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/auditpack/auditpack/internal/atomicfile"
	"github.com/auditpack/auditpack/internal/report"
)

// Version is the version of the file's layout this package writes and
// reads.
const Version = 1

// Entry is one accepted finding. Only its fingerprint matches it with a
// finding; the rest says to its reader what was accepted, where it was
// when the file was written.
type Entry struct {
	Fingerprint string `json:"fingerprint"`
	Check       string `json:"check"`
	File        string `json:"file"`
	Line        int    `json:"line"`
	Pack        string `json:"pack,omitempty"`
	Message     string `json:"message"`
}

// Baseline is a read baseline: the fingerprints of the findings it
// accepts, each set once a finding matches it.
type Baseline struct {
	matched map[report.Fingerprint]bool
}

// Write replaces path atomically with the baseline of diags, which must
// have their fingerprints, sorted by file, line and check.
func Write(path string, diags []report.Diagnostic) error {
	order := make([]int, len(diags))
	for i := range order {
		order[i] = i
		if diags[i].Fingerprint == (report.Fingerprint{}) {
			return fmt.Errorf("write baseline %s: finding %s [%s] has no fingerprint (lint must run with Options.Fingerprints)", path, diags[i].Origin, diags[i].Check)
		}
	}
	slices.SortFunc(order, func(a, b int) int {
		x, y := &diags[a], &diags[b]
		return cmp.Or(strings.Compare(x.Origin.File, y.Origin.File), cmp.Compare(x.Origin.Line, y.Origin.Line),
			strings.Compare(x.Check, y.Check), bytes.Compare(x.Fingerprint[:], y.Fingerprint[:]))
	})
	return atomicfile.Write(path, 0o644, func(w io.Writer) error {
		fmt.Fprintf(w, "{\n  \"version\": %d,\n  \"findings\": [", Version)
		for n, i := range order {
			d := &diags[i]
			entry, err := json.Marshal(Entry{Fingerprint: d.Fingerprint.String(), Check: d.Check, File: d.Origin.File, Line: d.Origin.Line, Pack: d.Origin.Pack, Message: d.Message})
			if err != nil {
				return err
			}
			sep := ",\n    "
			if n == 0 {
				sep = "\n    "
			}
			io.WriteString(w, sep)
			w.Write(entry) // an error stays in the writer until it is flushed
		}
		if len(order) > 0 {
			io.WriteString(w, "\n  ")
		}
		_, err := io.WriteString(w, "]\n}\n")
		return err
	})
}

// Read reads the baseline at path. It is read as a stream, keeping only
// the fingerprints: a baseline of 200,000 findings is 55 MB of JSON. An
// entry's other fields are not read, so they may be edited freely (a
// key outside "version" and "findings" is an error).
func Read(path string) (*Baseline, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read baseline: %w (write one with lint --write-baseline %s)", err, path)
	}
	defer f.Close()
	if info, err := f.Stat(); err == nil && info.IsDir() {
		return nil, fmt.Errorf("read baseline: %s is a directory; give the file lint --write-baseline wrote", path)
	}
	b := &Baseline{matched: map[report.Fingerprint]bool{}}
	dec := json.NewDecoder(bufio.NewReaderSize(f, 64<<10))
	version, err := b.decode(dec)
	var wrongVersion *versionError
	switch {
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		return nil, fmt.Errorf("%s: not a baseline auditpack wrote: it ends before the baseline does (an empty or cut file; write it again with lint --write-baseline)", path)
	case errors.As(err, &wrongVersion):
		return nil, fmt.Errorf("%s: baseline version %d; this auditpack reads version %d: write it again with lint --write-baseline", path, wrongVersion.version, Version)
	case err != nil:
		return nil, fmt.Errorf("%s: not a baseline auditpack wrote: %s (write it again with lint --write-baseline)", position(path, dec.InputOffset(), err), strings.TrimPrefix(err.Error(), "json: "))
	case version == 0:
		return nil, fmt.Errorf("%s: not a baseline auditpack wrote: it has no \"version\" (write it again with lint --write-baseline)", path)
	}
	return b, nil
}

type versionError struct{ version int }

func (e *versionError) Error() string { return fmt.Sprintf("version %d", e.version) }

// decode reads the document {"version": 1, "findings": [ENTRY...]}, one
// entry at a time, and returns its version.
func (b *Baseline) decode(dec *json.Decoder) (version int, err error) {
	if err := expect(dec, '{'); err != nil {
		return 0, err
	}
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return 0, err
		}
		switch key {
		case "version":
			if err := dec.Decode(&version); err != nil {
				return 0, err
			}
			if version != Version {
				return 0, &versionError{version}
			}
		case "findings":
			if err := b.decodeEntries(dec); err != nil {
				return 0, err
			}
		default:
			return 0, fmt.Errorf("unknown key %q (a baseline has \"version\" and \"findings\")", key)
		}
	}
	if err := expect(dec, '}'); err != nil {
		return 0, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return 0, errors.New("more after the baseline's object")
	}
	return version, nil
}

func (b *Baseline) decodeEntries(dec *json.Decoder) error {
	if err := expect(dec, '['); err != nil {
		return err
	}
	for n := 1; dec.More(); n++ {
		// Only the fingerprint is read: the rest is for people (and
		// decoding it was a tenth of a 200,000-finding run's time).
		var e struct{ Fingerprint string }
		if err := dec.Decode(&e); err != nil {
			return err
		}
		fp, err := report.ParseFingerprint(e.Fingerprint)
		if err != nil {
			return fmt.Errorf("finding %d: %w", n, err)
		}
		b.matched[fp] = false
	}
	return expect(dec, ']')
}

// expect reads the delimiter want.
func expect(dec *json.Decoder, want json.Delim) error {
	tok, err := dec.Token()
	if err == nil && tok != want {
		err = fmt.Errorf("found %v where %q belongs", tok, string(want))
	}
	return err
}

// position is path with the line and column where reading it failed
// with err: for bad JSON, at the offending character (the stream decoder
// knows only where its last value began, so the file is read whole
// again); otherwise where reading stopped, offset, which is the end of
// the entry at fault.
func position(path string, offset int64, err error) string {
	data, rerr := os.ReadFile(path)
	if rerr != nil {
		return path
	}
	var syntax *json.SyntaxError
	if errors.As(err, &syntax) {
		var v any
		if errors.As(json.Unmarshal(data, &v), &syntax) {
			offset = syntax.Offset - 1
		}
	}
	before := data[:min(max(offset, 0), int64(len(data)))]
	line := bytes.Count(before, []byte("\n")) + 1
	col := len(before) - bytes.LastIndexByte(before, '\n')
	return fmt.Sprintf("%s:%d:%d", path, line, col)
}

// Filter keeps the findings the baseline does not accept, in diags'
// array; hidden is how many it accepted.
func (b *Baseline) Filter(diags []report.Diagnostic) (kept []report.Diagnostic, hidden int) {
	kept = diags[:0]
	for _, d := range diags {
		if _, ok := b.matched[d.Fingerprint]; ok {
			b.matched[d.Fingerprint] = true
			hidden++
			continue
		}
		kept = append(kept, d)
	}
	return kept, hidden
}

// Fixed is how many of the baseline's findings no filtered finding
// matched: fixed since it was written.
func (b *Baseline) Fixed() int {
	n := 0
	for _, matched := range b.matched {
		if !matched {
			n++
		}
	}
	return n
}
