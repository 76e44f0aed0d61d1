package packs

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

//go:embed */pack.toml */*.rules */CHANGELOG.md */requirements.toml
//go:embed */*/pack.toml */*/*.rules */*/CHANGELOG.md */*/requirements.toml
var embedded embed.FS

const embeddedPrefix = "embedded:"

// Catalog is every pack auditpack knows: the embedded ones and those under
// the user's pack roots.
type Catalog struct {
	packs []*Pack // by name, then newest version first
}

// NewCatalog reads the embedded packs and the packs under each root. A root
// is a directory of pack directories (or of directories of one pack's
// versions), or a pack directory itself.
func NewCatalog(roots ...string) (*Catalog, error) {
	c := &Catalog{}
	if err := c.addRoot(embedded, ".", embeddedPrefix); err != nil {
		return nil, fmt.Errorf("embedded packs: %w", err)
	}
	for _, root := range roots {
		info, err := os.Stat(root)
		if err != nil {
			return nil, fmt.Errorf("pack root %s: %w", root, unwrapPathError(err))
		}
		if !info.IsDir() {
			return nil, fmt.Errorf("pack root %s is not a directory; --packs takes a directory of packs", root)
		}
		if err := c.addRoot(os.DirFS(root), ".", filepath.ToSlash(filepath.Clean(root))); err != nil {
			return nil, err
		}
	}
	sort.SliceStable(c.packs, func(i, j int) bool {
		a, b := c.packs[i], c.packs[j]
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		return a.Version.Compare(b.Version) > 0
	})
	for i := 1; i < len(c.packs); i++ {
		a, b := c.packs[i-1], c.packs[i]
		if a.Name == b.Name && a.Version.Compare(b.Version) == 0 {
			return nil, fmt.Errorf("pack %s is in two places, %s and %s: give the changed one a new version in its pack.toml", a.ID(), a.Dir, b.Dir)
		}
	}
	return c, nil
}

func (c *Catalog) addRoot(fsys fs.FS, dir, display string) error {
	if _, err := fs.Stat(fsys, path.Join(dir, manifestName)); err == nil {
		p, err := readPack(fsys, dir, display)
		if err != nil {
			return err
		}
		c.packs = append(c.packs, p)
		return nil
	}
	found, err := c.addPackDirs(fsys, dir, display, true)
	if err != nil {
		return err
	}
	if found == 0 {
		return fmt.Errorf("pack root %s holds no packs (directories with a %s)", display, manifestName)
	}
	return nil
}

// addPackDirs reads the packs in the directories of dir. With versions set,
// a directory without a pack.toml may hold one directory per version of a
// pack (stig-rhel9/V2R9/pack.toml): a standard's releases sit side by side.
func (c *Catalog) addPackDirs(fsys fs.FS, dir, display string, versions bool) (found int, err error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return 0, fmt.Errorf("read %s: %w", display, unwrapPathError(err))
	}
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		sub := path.Join(dir, e.Name())
		shown := joinDisplay(display, e.Name())
		if display == embeddedPrefix {
			shown = embeddedPrefix + e.Name()
		}
		if _, err := fs.Stat(fsys, path.Join(sub, manifestName)); err != nil {
			if versions {
				n, err := c.addPackDirs(fsys, sub, shown, false)
				if err != nil {
					return found, err
				}
				found += n
			}
			continue
		}
		p, err := readPack(fsys, sub, shown)
		if err != nil {
			return found, err
		}
		c.packs = append(c.packs, p)
		found++
	}
	return found, nil
}

// Packs lists every known pack: by name, newest version first.
func (c *Catalog) Packs() []*Pack { return c.packs }

// ErrUnknownPack is wrapped by Find when no pack has the name.
var ErrUnknownPack = errors.New("unknown pack")

// Find returns the newest pack that satisfies ref, "name" or
// "name@constraint" (e.g. "stig@^2", "base-config@1.0.0").
func (c *Catalog) Find(ref string) (*Pack, error) {
	name, cons, hasConstraint := strings.Cut(ref, "@")
	if hasConstraint && strings.TrimSpace(cons) == "" {
		return nil, fmt.Errorf("%q has nothing after the @: give a version constraint (%s@^2, %s@2.1.0) or leave the @ out", ref, name, name)
	}
	constraint, err := parseConstraint(cons)
	if err != nil {
		return nil, err
	}
	var versions []string
	for _, p := range c.packs {
		if p.Name != name {
			continue
		}
		if constraint.Allows(p.Version) {
			return p, nil
		}
		versions = append(versions, p.Version.String())
	}
	if versions == nil {
		return nil, fmt.Errorf("%w %q; known packs: %s (add pack roots with --packs DIR)", ErrUnknownPack, name, strings.Join(c.names(), ", "))
	}
	return nil, fmt.Errorf("no version of pack %s satisfies %q; available: %s", name, constraint, strings.Join(versions, ", "))
}

func (c *Catalog) names() []string {
	var names []string
	for _, p := range c.packs {
		if len(names) == 0 || names[len(names)-1] != p.Name {
			names = append(names, p.Name)
		}
	}
	return names
}
