package packs

import "fmt"

// Selection is the set of sources one run works on: the packs a profile
// chose and the user's own paths, with the profile's settings.
type Selection struct {
	Profile string  // profile name; empty without a profile
	Packs   []*Pack // selected packs, in the order they were named
	Paths   []string
	Files   []*File // every file of every source, in no particular order
	// Settings override the control directives of the packs (a profile's
	// [settings]); SettingsOrigin names the profile file they come from.
	Settings       []Directive
	SettingsOrigin string
	// Arches limits rules with -F arch= to these (b64, b32); empty keeps all.
	Arches []string
}

// AddPack adds a pack and parses its files; a second version of a pack
// already selected is an error.
func (s *Selection) AddPack(p *Pack) error {
	for _, q := range s.Packs {
		if q.Name == p.Name {
			return fmt.Errorf("pack %s is selected twice (%s and %s): name it once", p.Name, q.ID(), p.ID())
		}
	}
	files, err := p.Open()
	if err != nil {
		return err
	}
	s.Packs = append(s.Packs, p)
	s.Files = append(s.Files, files...)
	return nil
}
