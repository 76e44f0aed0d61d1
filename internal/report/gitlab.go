package report

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"path"
	"path/filepath"
	"strconv"

	"github.com/auditpack/auditpack/packs/model"
)

// gitlabSeverities are GitLab's code quality severities for lint's (its
// scale is info, minor, major, critical, blocker; ESLint's GitLab
// formatter maps errors and warnings the same way).
var gitlabSeverities = map[Severity]string{Error: "major", Warning: "minor", Info: "info"}

// WriteGitLab prints a GitLab code quality report: a JSON array of
// issues in the subset of the Code Climate format GitLab reads
// (description, check_name, fingerprint, severity, location.path and
// location.lines.begin). GitLab keeps one issue per fingerprint and
// compares them between the merge request and its target branch, so each
// finding needs one that no other finding has and that moving lines does
// not change: lint's (lint.Options.Fingerprints). A run that could not
// check the rules is one blocker issue saying why, on the path ".".
// Issues are written one at a time, as JSON's diagnostics are.
func WriteGitLab(w io.Writer, r *Findings, _ string) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	if r.Error != "" {
		// One fingerprint for every run that fails: GitLab then shows a
		// failure once, as resolved when a run checks the rules again.
		var fingerprint Fingerprint
		sum := sha256.Sum256([]byte("auditpack could not check the rules"))
		copy(fingerprint[:], sum[:])
		bw.Write(appendGitLabIssue([]byte("[\n"), "auditpack could not check the rules: "+r.Error, "auditpack", fingerprint, "blocker", ".", 1))
		bw.WriteString("\n]\n")
		return bw.Flush()
	}
	if len(r.Diagnostics) == 0 {
		bw.WriteString("[]\n")
		return bw.Flush()
	}
	bw.WriteString("[\n")
	writeDiagnostics(bw, r.Diagnostics, func(_ *struct{}, d *Diagnostic, last bool, b []byte) []byte {
		place, _ := sarifPlaces(*d)
		description := d.Message
		if d.Origin.Pack != "" {
			description += " (" + d.Origin.Pack + ")"
		}
		b = appendGitLabIssue(b, description, d.Check, d.Fingerprint, gitlabSeverities[d.Severity], gitlabPath(place), max(place.Line, 1))
		if !last {
			b = append(b, ',')
		}
		return append(b, '\n')
	})
	bw.WriteString("]\n")
	return bw.Flush()
}

// gitlabPath is a place as GitLab links it, a path relative to the
// repository (as lint was given it); an embedded pack's file, which is in
// no repository, is named by its pack.
func gitlabPath(o model.Origin) string {
	if embedded(o) {
		return o.Pack + "/" + o.File
	}
	return path.Clean(filepath.ToSlash(o.File))
}

// appendGitLabIssue appends one issue, indented as encoding/json indents
// an element of a top-level array.
func appendGitLabIssue(b []byte, description, check string, fingerprint Fingerprint, severity, file string, line int) []byte {
	b = appendJSONString(append(b, "  {\n    \"description\": "...), description)
	b = appendJSONString(append(b, ",\n    \"check_name\": "...), check)
	b = append(hex.AppendEncode(append(b, ",\n    \"fingerprint\": \""...), fingerprint[:]), '"')
	b = appendJSONString(append(b, ",\n    \"severity\": "...), severity)
	b = appendJSONString(append(b, ",\n    \"location\": {\n      \"path\": "...), file)
	b = strconv.AppendInt(append(b, ",\n      \"lines\": {\n        \"begin\": "...), int64(line), 10)
	return append(b, "\n      }\n    }\n  }"...)
}
