package profiles

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"

	"github.com/auditpack/auditpack/packs"
)

// Request says which sources a command works on.
type Request struct {
	Profile   string   // a profile name or NAME.toml path; empty for none
	PackRoots []string // --packs directories
	Paths     []string // .rules files, rules.d or pack directories
	// DefaultDir is read when neither Profile nor Paths is given; empty
	// means packs.DefaultRulesDir, what augenrules reads on a host.
	DefaultDir string
	// AsLoaded reads the paths as auditctl -R loads them, not as augenrules
	// assembles them (see packs.Selection.AsLoaded).
	AsLoaded bool
	// HostFacts are this host's facts (--host, apply), which win over the
	// profile's [facts]; HostFactsOrigin names their file.
	HostFacts       packs.Facts
	HostFactsOrigin string
	// HostListFact finds a list-valued fact on the host (the setuid
	// programs), asked only for one a selected pack names; nil offline,
	// where the pack's default holds.
	HostListFact func(name string) (value, origin string, err error)
	// HostRoot is where the host's files are ("/") when the command runs
	// on the host it is for: a family's name (stig) then means the
	// profile of its product. Empty offline.
	HostRoot string
	// Stdin is read for the path "-".
	Stdin io.Reader
}

// The requests Select cannot resolve, whose words the command line gives.
var (
	ErrRootsWithoutProfile = errors.New("pack roots are for a profile to choose from, and no profile is given: name a profile, or give the pack directory itself as a path")
	ErrNothingSelected     = errors.New("no profile or path is given")
)

// Select resolves a request: the profile's packs (newest version that
// satisfies each constraint) and every path, with the profile's settings.
func Select(req Request) (*packs.Selection, error) {
	sel := &packs.Selection{AsLoaded: req.AsLoaded, Facts: packs.DefaultFacts(), FactsOrigin: "default"}
	if req.Profile == "" && len(req.PackRoots) > 0 {
		return nil, ErrRootsWithoutProfile
	}
	paths := req.Paths
	if req.Profile == "" && len(paths) == 0 {
		dir := req.DefaultDir
		if dir == "" {
			dir = packs.DefaultRulesDir
		}
		if _, err := os.Stat(dir); err != nil {
			return nil, fmt.Errorf("%w and %s is not readable (%v): name a profile (auditpack profiles list) or rule files", ErrNothingSelected, dir, err)
		}
		paths = []string{dir}
	}
	var profile *Profile
	var catalog *packs.Catalog
	if req.Profile != "" {
		var err error
		if profile, err = LoadFor(req.Profile, req.HostRoot); err != nil {
			return nil, err
		}
		if catalog, err = packs.NewCatalog(req.PackRoots...); err != nil {
			return nil, err
		}
		p := profile
		sel.Profile, sel.Arches, sel.Settings, sel.SettingsOrigin, sel.Severity = p.Name, p.Arches, p.Settings, p.Source, p.Severity
		sel.SettingControls = p.SettingControls
		if len(p.Facts) > 0 {
			sel.Facts, sel.FactsOrigin = sel.Facts.Merge(p.Facts), p.Source
		}
	}
	// The host's facts win: they are what the rules run on.
	if len(req.HostFacts) > 0 {
		sel.Facts, sel.FactsOrigin = sel.Facts.Merge(req.HostFacts), req.HostFactsOrigin
	}
	if profile != nil {
		for _, ref := range profile.Packs {
			pack, err := catalog.Find(ref)
			if err != nil {
				return nil, fmt.Errorf("profile %s: %w", profile.Name, err)
			}
			if err := findListFacts(sel, pack, req.HostListFact); err != nil {
				return nil, err
			}
			if err := sel.AddPack(pack); err != nil {
				return nil, err
			}
		}
	}
	// A compiled audit.rules named alone is read as auditctl -R loads it.
	if req.Profile == "" && len(paths) == 1 && paths[0] != packs.StdinPath && packs.IsLoadedFile(paths[0]) {
		sel.AsLoaded = true
	}
	for _, path := range paths {
		if path == packs.StdinPath {
			if req.Stdin == nil {
				return nil, fmt.Errorf("%q names standard input, which this command does not read", path)
			}
			f, loaded, err := packs.ReadStdin(req.Stdin)
			if err != nil {
				return nil, err
			}
			sel.AsLoaded = sel.AsLoaded || len(paths) == 1 && req.Profile == "" && loaded
			if err := sel.AddSource(&packs.Source{Files: []*packs.File{f}}); err != nil {
				return nil, err
			}
			continue
		}
		src, err := packs.LoadPath(path, sel.Facts)
		if err != nil {
			return nil, err
		}
		if src.Pack == nil {
			sel.Paths = append(sel.Paths, path)
		}
		if err := sel.AddSource(src); err != nil {
			return nil, err
		}
	}
	return sel, nil
}

// findListFacts asks the host for the list facts the pack gives defaults
// for, once per run.
func findListFacts(sel *packs.Selection, pack *packs.Pack, find func(string) (string, string, error)) error {
	if find == nil {
		return nil
	}
	for _, name := range slices.Sorted(maps.Keys(pack.Facts)) {
		if _, ok := sel.Facts[name]; ok {
			continue
		}
		value, origin, err := find(name)
		if err != nil {
			return err
		}
		sel.Facts = sel.Facts.Merge(packs.Facts{name: value})
		if sel.ListOrigins == nil {
			sel.ListOrigins = map[string]string{}
		}
		sel.ListOrigins[name] = origin
	}
	return nil
}
