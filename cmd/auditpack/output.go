package main

import (
	"io"
	"slices"
	"strings"
	"time"

	"github.com/auditpack/auditpack/internal/report"
)

// stdoutWriter is standard output as one run writes it: it counts what
// was written and keeps the first error, which decides the exit code
// whatever the command (see run). Nothing is written after an error.
type stdoutWriter struct {
	w       io.Writer
	written int64
	err     error
}

func (s *stdoutWriter) Write(p []byte) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	n, err := s.w.Write(p)
	s.written += int64(n)
	s.err = err
	return n, err
}

// errorDocument returns the writer of the document a command's --format
// promises on standard output, carrying an error: JSON, SARIF, JUnit,
// HTML or GitHub annotations, for lint, verify, verify --boot and apply;
// nil for text and for commands that promise none. words are the
// command line after the program's name, as typed: a usage error may
// have stopped it before any option was read.
func errorDocument(e *env, words []string) func(io.Writer, error) error {
	command, options := commandWords(words)
	format, _ := optionValue(options, "format")
	generated := e.now().Format(time.RFC3339)
	switch {
	case format == "" || format == "text":
		return nil
	case command == "lint" && report.Formats[format] != nil:
		return func(w io.Writer, err error) error {
			return report.Formats[format](w, &report.Findings{Error: err.Error(), Generated: generated}, e.version)
		}
	case command == "verify" && hasOption(options, "boot"):
		if format != "json" {
			return nil
		}
		return func(w io.Writer, err error) error { return report.WriteBootJSON(w, &report.Boot{Error: err.Error()}) }
	case command == "verify" && report.VerifyFormats[format] != nil:
		profile, _ := optionValue(options, "profile")
		rules, _ := optionValue(options, "rules")
		return func(w io.Writer, err error) error {
			return report.VerifyFormats[format](w, &report.Report{Profile: profile, Target: rules, Error: err.Error(), Generated: generated, Tool: "auditpack " + e.version})
		}
	case command == "apply" && format == "json":
		return func(w io.Writer, err error) error { return report.WriteApplyJSON(w, &report.Apply{Error: err.Error()}) }
	}
	return nil
}

// commandWords splits a command line into its first word and the
// options after it, up to "--".
func commandWords(words []string) (string, []string) {
	if len(words) == 0 {
		return "", nil
	}
	rest := words[1:]
	if i := slices.Index(rest, "--"); i >= 0 {
		rest = rest[:i]
	}
	return words[0], rest
}

// optionValue is the value of the last --name VALUE, --name=VALUE (or
// with one dash) among words.
func optionValue(words []string, name string) (value string, ok bool) {
	for i, w := range words {
		flag, v, hasValue := strings.Cut(strings.TrimLeft(w, "-"), "=")
		if !strings.HasPrefix(w, "-") || flag != name {
			continue
		}
		switch {
		case hasValue:
			value, ok = v, true
		case i+1 < len(words):
			value, ok = words[i+1], true
		}
	}
	return value, ok
}

// hasOption says whether words set the boolean option --name.
func hasOption(words []string, name string) bool {
	for _, w := range words {
		flag, v, hasValue := strings.Cut(strings.TrimLeft(w, "-"), "=")
		if strings.HasPrefix(w, "-") && flag == name && (!hasValue || v == "true") {
			return true
		}
	}
	return false
}
