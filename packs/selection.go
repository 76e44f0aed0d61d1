package packs

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/auditpack/auditpack/packs/model"
)

// Selection is the set of sources one run works on: the packs a profile
// chose and the user's own paths, with the profile's settings.
type Selection struct {
	Profile string  // profile name; empty without a profile
	Packs   []*Pack // selected packs, in the order they were named
	Paths   []string
	Files   []*File // every file of every source, in no particular order
	// Settings override the control directives of the packs (a profile's
	// [settings]); SettingsOrigin names the profile file they come from.
	Settings       []model.Directive
	SettingsOrigin string
	// SettingControls are the controls each setting meets.
	SettingControls map[model.Option][]string
	// Arches limits rules with -F arch= to these (b64, b32); empty keeps all.
	Arches []string
	// Severity overrides lint checks' severities (check ID -> error,
	// warning or info), from the profile.
	Severity map[string]string
	// Facts are the host facts the packs' ${NAME}s resolve to (nil:
	// DefaultFacts); FactsOrigin says where they come from.
	Facts       Facts
	FactsOrigin string
	// ListOrigins say where list facts found on the host come from; a
	// list fact not in Facts is the pack's default.
	ListOrigins map[string]string
	// AsLoaded reads the files as auditctl -R loads them (a compiled
	// audit.rules), line after line, instead of as augenrules assembles a
	// rules.d: no control line is moved.
	AsLoaded bool
	// Notes are what the rules.d directories hold that augenrules reads
	// otherwise than their names say (Source.Notes).
	Notes []*model.Problem
	// plainFiles are the plain files added, by their names in their
	// resolved directories.
	plainFiles map[string]bool
}

// AddPack adds a pack and parses its files.
func (s *Selection) AddPack(p *Pack) error {
	files, err := p.Open(s.Facts)
	if err != nil {
		return err
	}
	return s.AddSource(&Source{Pack: p, Files: files})
}

// AddSource adds a loaded pack or plain files; a pack already selected
// (in any version) is an error.
func (s *Selection) AddSource(src *Source) error {
	if p := src.Pack; p != nil {
		for _, q := range s.Packs {
			if q.Name == p.Name {
				return fmt.Errorf("pack %s is selected twice (%s from %s and %s from %s): name it once", p.Name, q.ID(), q.Dir, p.ID(), p.Dir)
			}
		}
		s.Packs = append(s.Packs, p)
	}
	s.Notes = append(s.Notes, src.Notes...)
	for _, f := range src.Files {
		if src.Pack != nil {
			s.Files = append(s.Files, f)
			continue
		}
		// The same file named twice (a file and its directory, a directory
		// and a link to it) is read once; a link in a rules.d is a name of
		// its own, which augenrules reads in its place.
		r := filepath.Join(resolved(filepath.Dir(f.Path)), filepath.Base(f.Path))
		if s.plainFiles == nil {
			s.plainFiles = map[string]bool{}
		}
		if !s.plainFiles[r] {
			s.plainFiles[r] = true
			s.Files = append(s.Files, f)
		}
	}
	return nil
}

// Reads says whether a file written at path would be one the selection
// reads, now or in the next run: one of its input files, or a *.rules file
// inside one of its rules.d or pack directories. input is the path it hits.
func (s *Selection) Reads(path string) (input string, ok bool) {
	out := resolved(path)
	inputs := append([]string(nil), s.Paths...)
	for _, p := range s.Packs {
		if !p.Embedded() {
			inputs = append(inputs, p.Dir)
		}
	}
	for _, in := range inputs {
		r := resolved(in)
		inside := strings.HasPrefix(out, r+string(filepath.Separator)) && isRulesFileName(filepath.Base(out))
		if out == r || inside {
			return in, true
		}
	}
	return "", false
}

// resolved is an absolute path with its symbolic links followed, as far
// as it exists.
func resolved(p string) string {
	abs, err := filepath.Abs(p)
	if err != nil {
		return filepath.Clean(p)
	}
	if r, err := filepath.EvalSymlinks(abs); err == nil {
		return r
	}
	return filepath.Join(resolved(filepath.Dir(abs)), filepath.Base(abs))
}
