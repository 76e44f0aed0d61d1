package config

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/auditpack/auditpack/internal/report"
	"github.com/auditpack/auditpack/lint"
	"github.com/auditpack/auditpack/packs/model"
)

// Name is the configuration file's name.
const Name = ".auditpack.toml"

// Config is a team's lint settings, as one file states them. Paths in it
// (packs, baseline, ignore paths) are relative to the file's directory.
type Config struct {
	Path string // the file, as found or given
	// Dir is the file's directory, absolute: the project's root, which
	// ignore paths and fingerprints are relative to.
	Dir string
	// FailOn is the lowest severity that fails the run; 0 when the file
	// does not say.
	FailOn report.Severity
	// Targets are the machines whose syscall tables the rules are checked
	// against (--target).
	Targets  []string
	Profile  string
	Packs    []string // pack roots, joined to the file's directory
	Baseline string   // joined to the file's directory; empty for none
	// Disable are the IDs of checks not to run.
	Disable []string
	// Severity sets checks' severities.
	Severity map[string]report.Severity
	Ignores  []Ignore
}

// Ignore is one [[lint.ignore]]: the findings of Checks in the files that
// match Path, or in the files of Pack, are not reported.
type Ignore struct {
	// Path is a glob (path.Match's syntax) over paths relative to the
	// configuration's directory; it matches a file and everything under
	// a directory it matches. Empty: any file (of Pack).
	Path string
	// Pack is the name of a pack (without version); empty: any.
	Pack   string
	Checks []string
	Reason string
	Line   int // where the [[lint.ignore]] starts in the file
}

// tomlFile is the file's layout; a key it has no place for is an error.
type tomlFile struct {
	Lint struct {
		FailOn   string            `toml:"fail-on"`
		Target   []string          `toml:"target"`
		Profile  string            `toml:"profile"`
		Packs    []string          `toml:"packs"`
		Baseline string            `toml:"baseline"`
		Disable  []string          `toml:"disable"`
		Severity map[string]string `toml:"severity"`
		Ignore   []struct {
			Path   string   `toml:"path"`
			Pack   string   `toml:"pack"`
			Checks []string `toml:"checks"`
			Reason string   `toml:"reason"`
		} `toml:"ignore"`
	} `toml:"lint"`
}

// keysHelp says which keys there are, for an unknown one.
const keysHelp = "the keys are [lint] fail-on, target, profile, packs, baseline, disable, [lint.severity] CHECK-ID = \"error|warning|info\", and [[lint.ignore]] path, pack, checks, reason (docs/lint-configuration.md)"

// Find looks for the configuration file in dir and each directory above
// it, up to the file system's root, and returns its path, or "" when
// there is none.
func Find(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for {
		p := filepath.Join(dir, Name)
		_, err := os.Stat(p)
		switch {
		case err == nil:
			return p, nil
		case !errors.Is(err, fs.ErrNotExist):
			return "", fmt.Errorf("look for %s: %w (give one with --config FILE, or read none with --no-config)", Name, err)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", nil
		}
		dir = parent
	}
}

// Load reads the configuration file at p, relative to the working
// directory workDir unless absolute.
func Load(p, workDir string) (*Config, error) {
	data, err := os.ReadFile(p)
	if err != nil {
		return nil, fmt.Errorf("read configuration: %w", err)
	}
	var raw tomlFile
	md, err := toml.Decode(string(data), &raw)
	if err != nil {
		var perr toml.ParseError
		if errors.As(err, &perr) {
			return nil, fmt.Errorf("%s:%d: bad TOML: %s", p, perr.Position.Line, perr.Message)
		}
		return nil, fmt.Errorf("%s: bad TOML: %w", p, err)
	}
	lines := keyLines(string(data))
	at := func(key ...string) string {
		if l := lines[toml.Key(key).String()]; len(l) > 0 {
			return fmt.Sprintf("%s:%d", p, l[0])
		}
		return p
	}
	if undecoded := md.Undecoded(); len(undecoded) > 0 {
		return nil, fmt.Errorf("%s: unknown key %q; %s", at(undecoded[0]...), undecoded[0].String(), keysHelp)
	}
	dir := filepath.Dir(p)
	l := raw.Lint
	c := &Config{Path: p, Dir: join(workDir, dir), Profile: l.Profile, Targets: l.Target}
	if l.FailOn != "" {
		if c.FailOn, err = report.ParseSeverity(l.FailOn); err != nil {
			return nil, fmt.Errorf("%s: fail-on: %w", at("lint", "fail-on"), err)
		}
	}
	for _, t := range l.Target {
		if _, err := model.LookupTarget(t); err != nil {
			return nil, fmt.Errorf("%s: target: %w", at("lint", "target"), err)
		}
	}
	for _, root := range l.Packs {
		c.Packs = append(c.Packs, join(dir, root))
	}
	if l.Baseline != "" {
		c.Baseline = join(dir, l.Baseline)
	}
	if c.Disable, err = CheckIDs(l.Disable); err != nil {
		return nil, fmt.Errorf("%s: disable: %w", at("lint", "disable"), err)
	}
	if err := Disableable(c.Disable); err != nil {
		return nil, fmt.Errorf("%s: disable: %w", at("lint", "disable"), err)
	}
	c.Severity = map[string]report.Severity{}
	for _, id := range slices.Sorted(maps.Keys(l.Severity)) {
		ids, err := CheckIDs([]string{id})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", at("lint", "severity", id), err)
		}
		s, err := report.ParseSeverity(l.Severity[id])
		if err != nil {
			return nil, fmt.Errorf("%s: severity of %s: %w", at("lint", "severity", id), id, err)
		}
		c.Severity[ids[0]] = s
	}
	for i, ig := range l.Ignore {
		line := 0
		if l := lines["lint.ignore"]; i < len(l) {
			line = l[i]
		}
		where := fmt.Sprintf("%s:%d: [[lint.ignore]]", p, line)
		checks, err := CheckIDs(ig.Checks)
		switch {
		case err != nil:
			return nil, fmt.Errorf("%s checks: %w", where, err)
		case len(checks) == 0:
			return nil, fmt.Errorf("%s: give the checks it ignores, checks = [\"CHECK-ID\"]", where)
		case ig.Path == "" && ig.Pack == "":
			return nil, fmt.Errorf("%s: give the path (a glob, relative to %s's directory) or the pack whose findings it ignores", where, Name)
		case strings.TrimSpace(ig.Reason) == "":
			return nil, fmt.Errorf("%s: give the reason, reason = \"why these findings are fine\", so the next reader knows", where)
		}
		if _, err := path.Match(ig.Path, ""); err != nil {
			return nil, fmt.Errorf("%s: path %q: %w", where, ig.Path, err)
		}
		if ig.Path != "" {
			ig.Path = path.Clean(filepath.ToSlash(ig.Path))
		}
		c.Ignores = append(c.Ignores, Ignore{Path: ig.Path, Pack: ig.Pack, Checks: checks, Reason: ig.Reason, Line: line})
	}
	return c, nil
}

// join is p relative to dir, unless absolute.
func join(dir, p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(dir, p)
}

// CheckIDs are ids as lint names its checks (IDs are read in any case);
// an unknown one is an error that says where to find the IDs.
func CheckIDs(ids []string) ([]string, error) {
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		id = strings.ToUpper(strings.TrimSpace(id))
		if _, err := lint.Lookup(id); err != nil {
			return nil, err // it says where to find the IDs
		}
		out = append(out, id)
	}
	return out, nil
}

// Disableable refuses to disable the checks whose findings make lint
// exit 2 (lint.InputCheck).
func Disableable(ids []string) error {
	for _, id := range ids {
		if lint.InputCheck(id) { // disabling it would hide why lint exits 2
			return fmt.Errorf("%s cannot be disabled: lint exits 2 on its findings whatever is disabled, as the input cannot be checked", id)
		}
	}
	return nil
}
