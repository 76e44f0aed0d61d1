package config

import (
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/auditpack/auditpack/internal/report"
)

// Ignored says whether a [[lint.ignore]] of the configuration covers a
// finding; workDir is the directory a relative path of a finding is
// relative to (lint's working directory).
func (c *Config) Ignored(d *report.Diagnostic, workDir string) bool {
	for i := range c.Ignores {
		if c.Ignores[i].covers(d, c.relative(d.Origin.File, workDir)) {
			return true
		}
	}
	return false
}

// relative is file as a slash-separated path relative to the
// configuration's directory, or "" for a file outside it (or an embedded
// pack's, which has no directory).
func (c *Config) relative(file, workDir string) string {
	if !filepath.IsAbs(file) {
		file = filepath.Join(workDir, file)
	}
	rel, err := filepath.Rel(c.Dir, file)
	if err != nil || rel == ".." || strings.HasPrefix(rel, "../") {
		return ""
	}
	return filepath.ToSlash(rel)
}

func (ig *Ignore) covers(d *report.Diagnostic, rel string) bool {
	if !slices.Contains(ig.Checks, d.Check) {
		return false
	}
	if pack, _, _ := strings.Cut(d.Origin.Pack, "@"); ig.Pack != "" && pack != ig.Pack {
		return false
	}
	if ig.Path == "" {
		return true
	}
	// The file, or a directory it is in.
	for p := rel; p != "." && p != ""; p = path.Dir(p) {
		if ok, _ := path.Match(ig.Path, p); ok {
			return true
		}
	}
	return false
}
